//! `manifest.jsonl`: per-folder metadata for text articles, one JSON object a line
//! naming a file of the folder and giving its date, URL, title or source.

use crate::extract::{Candidates, Field, Origin};
use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::{HashMap, HashSet, VecDeque};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// The file name a folder's metadata is read from.
pub const MANIFEST_NAME: &str = "manifest.jsonl";

/// What a manifest says about one file; every field is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
pub struct ManifestEntry {
    /// Publication date, in any form [`crate::date::parse_published`] reads.
    #[serde(default, deserialize_with = "lenient_string")]
    pub date: Option<String>,
    /// The article's address.
    #[serde(default, deserialize_with = "lenient_string")]
    pub url: Option<String>,
    /// The headline.
    #[serde(default, deserialize_with = "lenient_string")]
    pub title: Option<String>,
    /// The publishing site.
    #[serde(default, deserialize_with = "lenient_string")]
    pub source: Option<String>,
}

impl ManifestEntry {
    /// Adds what the entry says to the values found for an article.
    pub fn add_to(&self, candidates: &mut Candidates) {
        for (field, value) in [
            (Field::Title, &self.title),
            (Field::Date, &self.date),
            (Field::Url, &self.url),
            (Field::Source, &self.source),
        ] {
            if let Some(value) = value {
                candidates.add(field, Origin::Manifest, value);
            }
        }
    }
}

#[derive(Deserialize)]
struct Line {
    file: String,
    #[serde(flatten)]
    entry: ManifestEntry,
}

/// Whether `file` is the plain name of a file in the manifest's folder: a manifest
/// describes its own folder only, never a path elsewhere (`/abs/x`, `../x`, `sub/x`).
fn is_plain_name(file: &str) -> bool {
    let mut parts = Path::new(file).components();
    matches!(
        (parts.next(), parts.next()),
        (Some(std::path::Component::Normal(_)), None)
    ) && !file.contains(['/', '\\'])
}

/// Reads a string field, treating numbers, arrays and other wrong types as absent.
fn lenient_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(value
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string))
}

/// One folder's manifest: what it says of the files of its folder, by file name.
#[derive(Debug, Default)]
struct Manifest {
    entries: HashMap<Box<str>, Arc<ManifestEntry>>,
}

impl Manifest {
    /// Reads the manifest at `path`. Lines that cannot be read are returned as
    /// messages (`line 3: ...`); the others are used.
    fn read(path: &Path) -> Result<(Manifest, Vec<String>)> {
        let text =
            std::fs::read(path).with_context(|| format!("reading manifest {}", path.display()))?;
        let text = String::from_utf8_lossy(&text);
        let mut manifest = Manifest::default();
        let mut problems = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Line>(line) {
                Ok(Line { file, entry }) if is_plain_name(&file) => {
                    manifest
                        .entries
                        .insert(file.into_boxed_str(), Arc::new(entry));
                }
                Ok(Line { file, .. }) => problems.push(format!(
                    "line {}: `file` must name a file of the manifest's own folder, not `{file}`",
                    n + 1
                )),
                Err(err) => problems.push(format!("line {}: {err}", n + 1)),
            }
        }
        Ok((manifest, problems))
    }

    /// The entry for `file` (a file of the manifest's folder), if the manifest names it.
    fn entry(&self, file: &Path) -> Option<&Arc<ManifestEntry>> {
        self.entries.get(file.file_name()?.to_str()?)
    }
}

/// How many folders' manifests [`Manifests`] keeps read at once. Files are read in
/// the order they were walked, a folder's files one after the other, so a run's
/// workers are seldom in more than a few folders at a time.
const KEPT_MANIFESTS: usize = 32;

/// The manifests of the folders a run walked. Each is read when a file of its folder
/// is and only the last few are kept, so a run holds a few folders' entries whatever
/// the number of folders.
#[derive(Debug, Default)]
pub struct Manifests {
    /// The folders that hold a manifest.
    folders: HashSet<PathBuf>,
    /// The manifests read last, the newest at the back.
    kept: Mutex<VecDeque<(PathBuf, Arc<Manifest>)>>,
}

impl Manifests {
    /// Reads one manifest and notes that its folder has one. Lines that cannot be
    /// read are returned as messages (`line 3: ...`); the others are used.
    pub fn load(&mut self, manifest: &Path) -> Result<Vec<String>> {
        let (read, problems) = Manifest::read(manifest)?;
        let folder = manifest.parent().unwrap_or(Path::new("")).to_path_buf();
        self.folders.insert(folder.clone());
        self.keep(folder, Arc::new(read));
        Ok(problems)
    }

    /// Reads the manifest of the folder holding `file`, if there is one (for commands
    /// that look at a single file).
    pub fn load_beside(&mut self, file: &Path) -> Result<Vec<String>> {
        let manifest = folder_of(file).join(MANIFEST_NAME);
        if manifest.is_file() {
            self.load(&manifest)
        } else {
            Ok(Vec::new())
        }
    }

    /// The entry for `file` in its folder's manifest, if the manifest names it. The
    /// manifest is read again if it is no longer kept; one that can no longer be read
    /// counts as none: its problems were reported when it was loaded.
    pub fn entry(&self, file: &Path) -> Option<Arc<ManifestEntry>> {
        self.beside(file)?.entry(file).cloned()
    }

    /// The manifest of the folder holding `file`.
    fn beside(&self, file: &Path) -> Option<Arc<Manifest>> {
        let folder = folder_of(file);
        if !self.folders.contains(folder) {
            return None;
        }
        if let Some(kept) = self.kept_for(folder) {
            return Some(kept);
        }
        let (read, _) = Manifest::read(&folder.join(MANIFEST_NAME)).ok()?;
        let read = Arc::new(read);
        self.keep(folder.to_path_buf(), Arc::clone(&read));
        Some(read)
    }

    fn kept_for(&self, folder: &Path) -> Option<Arc<Manifest>> {
        let kept = self.kept.lock().ok()?;
        kept.iter()
            .rev()
            .find(|(kept, _)| kept == folder)
            .map(|(_, manifest)| Arc::clone(manifest))
    }

    fn keep(&self, folder: PathBuf, manifest: Arc<Manifest>) {
        let Ok(mut kept) = self.kept.lock() else {
            return;
        };
        kept.retain(|(kept, _)| *kept != folder);
        if kept.len() == KEPT_MANIFESTS {
            kept.pop_front();
        }
        kept.push_back((folder, manifest));
    }
}

fn folder_of(file: &Path) -> &Path {
    file.parent().unwrap_or(Path::new(""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_entries_and_reports_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join(MANIFEST_NAME);
        std::fs::write(
            &manifest,
            "{\"file\": \"a.txt\", \"date\": \"2013-05-14\", \"title\": [\"odd\"]}\nnot json\n\n{\"file\": \"b.txt\"}\n",
        )
        .unwrap();
        let mut manifests = Manifests::default();
        let problems = manifests.load(&manifest).unwrap();
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("line 2:"), "{problems:?}");
        let a = dir.path().join("a.txt");
        let a = manifests.entry(&a).unwrap();
        assert_eq!(a.date.as_deref(), Some("2013-05-14"));
        assert_eq!(a.title, None);
        assert!(manifests.entry(&dir.path().join("b.txt")).is_some());
        assert!(manifests.entry(&dir.path().join("c.txt")).is_none());
    }

    #[test]
    fn a_manifest_describes_only_its_own_folder() {
        let dir = tempfile::tempdir().unwrap();
        let manifest = dir.path().join("evil").join(MANIFEST_NAME);
        std::fs::create_dir(manifest.parent().unwrap()).unwrap();
        let good = dir.path().join("good").join("story.txt");
        let lines = [
            format!("{{\"file\": {:?}, \"title\": \"FORGED\"}}", good.display()),
            "{\"file\": \"../good/story.txt\", \"title\": \"FORGED\"}".to_string(),
            "{\"file\": \"sub/story.txt\", \"title\": \"FORGED\"}".to_string(),
            "{\"file\": \"..\", \"title\": \"FORGED\"}".to_string(),
            "{\"file\": \"own.txt\", \"title\": \"Own\"}".to_string(),
        ];
        std::fs::write(&manifest, lines.join("\n")).unwrap();
        let mut manifests = Manifests::default();
        let problems = manifests.load(&manifest).unwrap();
        assert_eq!(problems.len(), 4, "{problems:?}");
        assert!(problems[0].contains("own folder"), "{problems:?}");
        assert!(manifests.entry(&good).is_none());
        let own = dir.path().join("evil").join("own.txt");
        let own = manifests.entry(&own);
        assert_eq!(own.unwrap().title.as_deref(), Some("Own"));
    }

    #[test]
    fn manifests_no_longer_kept_are_read_again() {
        let dir = tempfile::tempdir().unwrap();
        let mut manifests = Manifests::default();
        let folders = KEPT_MANIFESTS + 8;
        for n in 0..folders {
            let folder = dir.path().join(format!("f{n}"));
            std::fs::create_dir(&folder).unwrap();
            let line = format!("{{\"file\": \"a.txt\", \"title\": \"Story {n}\"}}");
            std::fs::write(folder.join(MANIFEST_NAME), line).unwrap();
            assert!(manifests
                .load(&folder.join(MANIFEST_NAME))
                .unwrap()
                .is_empty());
        }
        assert_eq!(manifests.kept.lock().unwrap().len(), KEPT_MANIFESTS);
        for n in (0..folders).rev().chain(0..folders) {
            let file = dir.path().join(format!("f{n}")).join("a.txt");
            let entry = manifests.entry(&file);
            assert_eq!(entry.unwrap().title, Some(format!("Story {n}")));
        }
        assert!(manifests.entry(&dir.path().join("a.txt")).is_none());
    }
}

//! `manifest.jsonl`: per-folder metadata for text articles, one JSON object a line
//! naming a file of the folder and giving its date, URL, title or source.

use crate::extract::{Candidates, Field, Origin};
use anyhow::{Context, Result};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

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

/// The manifests of every folder walked, keyed by the path of the file they describe.
#[derive(Debug, Default)]
pub struct Manifests {
    entries: HashMap<PathBuf, ManifestEntry>,
}

impl Manifests {
    /// Reads one manifest into the set. Lines that cannot be read are returned as
    /// messages (`line 3: ...`); the others are used.
    pub fn load(&mut self, manifest: &Path) -> Result<Vec<String>> {
        let text = std::fs::read(manifest)
            .with_context(|| format!("reading manifest {}", manifest.display()))?;
        let text = String::from_utf8_lossy(&text);
        let folder = manifest.parent().unwrap_or(Path::new(""));
        let mut problems = Vec::new();
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<Line>(line) {
                Ok(Line { file, entry }) if is_plain_name(&file) => {
                    self.entries.insert(folder.join(file), entry);
                }
                Ok(Line { file, .. }) => problems.push(format!(
                    "line {}: `file` must name a file of the manifest's own folder, not `{file}`",
                    n + 1
                )),
                Err(err) => problems.push(format!("line {}: {err}", n + 1)),
            }
        }
        Ok(problems)
    }

    /// Reads the manifest of the folder holding `file`, if there is one and it is not
    /// loaded yet (for commands that look at a single file).
    pub fn load_beside(&mut self, file: &Path) -> Result<Vec<String>> {
        let manifest = file.parent().unwrap_or(Path::new("")).join(MANIFEST_NAME);
        if manifest.is_file() {
            self.load(&manifest)
        } else {
            Ok(Vec::new())
        }
    }

    /// The entry for `file`, if its folder's manifest names it.
    pub fn get(&self, file: &Path) -> Option<&ManifestEntry> {
        self.entries.get(file)
    }
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
        let a = manifests.get(&dir.path().join("a.txt")).unwrap();
        assert_eq!(a.date.as_deref(), Some("2013-05-14"));
        assert_eq!(a.title, None);
        assert!(manifests.get(&dir.path().join("b.txt")).is_some());
        assert!(manifests.get(&dir.path().join("c.txt")).is_none());
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
        assert!(manifests.get(&good).is_none());
        let own = manifests.get(&dir.path().join("evil").join("own.txt"));
        assert_eq!(own.unwrap().title.as_deref(), Some("Own"));
    }
}

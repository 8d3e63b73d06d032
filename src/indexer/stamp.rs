//! File stamps: what an indexed file's articles depend on, hashed, so that a run
//! reads again only what changed. The quick stamp (size, times, identity) skips
//! reading a file at all; the content hash decides when the quick stamp differs.

use crate::ingest::{self, CorpusFile, Format, Parsed, ReadContext};
use std::borrow::Cow;
use std::io::{self, Read};
use std::path::Path;
use std::time::Duration;

/// Changes whenever cleaning or extraction changes what a file gives, so that the next
/// run re-reads every file instead of keeping articles cleaned the old way. A test
/// records what the repository's corpora give with it, and fails when they give
/// something else under the same number.
pub(super) const EXTRACTION_VERSION: u64 = 7;

/// What a file's articles depend on besides its bytes.
#[derive(Debug, Clone, Copy)]
pub(super) struct DependsOn<'a> {
    /// The file's entry in its folder's manifest.
    pub(super) manifest: Option<&'a ingest::ManifestEntry>,
    /// The path given to the run that led to it.
    pub(super) root: &'a Path,
    /// Whether its undated captured pages take the day of their capture (for web
    /// archives, with `--undated-use-captured`).
    pub(super) captured_dates: bool,
}

/// Hash of everything an article's indexed form depends on.
pub(super) fn content_hash(bytes: &[u8], depends: DependsOn) -> u64 {
    let mut hasher = stamp_hasher(depends);
    hasher.update(bytes);
    hasher.digest()
}

/// What a run reads of a file: the hash of everything its articles depend on and,
/// unless it is a web archive, its bytes. A web archive is hashed as a stream and
/// read again as one for its pages: a crawl of several gigabytes is never held.
pub(super) struct FileContent {
    /// See [`content_hash`].
    pub(super) hash: u64,
    bytes: Option<Vec<u8>>,
}

impl FileContent {
    /// Reads `file`.
    pub(super) fn read(file: &CorpusFile, depends: DependsOn) -> io::Result<FileContent> {
        if file.format != Format::Warc {
            let bytes = std::fs::read(&file.path)?;
            let hash = content_hash(&bytes, depends);
            return Ok(FileContent {
                hash,
                bytes: Some(bytes),
            });
        }
        let mut hasher = stamp_hasher(depends);
        let mut input = std::fs::File::open(&file.path)?;
        let mut buffer = vec![0; 256 * 1024];
        loop {
            match input.read(&mut buffer) {
                Ok(0) => break,
                Ok(n) => hasher.update(&buffer[..n]),
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
        Ok(FileContent {
            hash: hasher.digest(),
            bytes: None,
        })
    }

    /// Whether the file is read as a stream (a web archive) rather than from its bytes.
    pub(super) fn is_stream(&self) -> bool {
        self.bytes.is_none()
    }

    /// The articles of `file`, as [`ingest::parse`] reads them.
    pub(super) fn parse(&self, file: &CorpusFile, context: ReadContext) -> anyhow::Result<Parsed> {
        match &self.bytes {
            Some(bytes) => ingest::parse(file, bytes, context),
            None => ingest::parse_archive(file, context),
        }
    }
}

/// A hash of a file's size, modification and change times and identity (device and
/// inode) with what else its articles depend on, to skip reading it when none
/// changed: an edit that keeps the size and puts the modification time back (`cp
/// -p`, `rsync -t`, `touch -r`) still changes the change time. 0 (never equal) when
/// a time is not known or so recent that the file may still be written within the
/// same tick.
pub(super) fn quick_stamp(path: &Path, depends: DependsOn) -> u64 {
    let Ok(meta) = std::fs::metadata(path) else {
        return 0;
    };
    let Ok(modified) = meta.modified() else {
        return 0;
    };
    let recent = |time: std::time::SystemTime| {
        time.elapsed()
            .map_or(true, |age| age < Duration::from_secs(2))
    };
    let Ok(since_epoch) = modified.duration_since(std::time::UNIX_EPOCH) else {
        return 0;
    };
    if recent(modified) {
        return 0;
    }
    let mut hasher = stamp_hasher(depends);
    hasher.update(b"quick");
    hasher.update(&meta.len().to_le_bytes());
    hasher.update(&since_epoch.as_nanos().to_le_bytes());
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let changed = u64::try_from(meta.ctime()).ok().map(|secs| {
            std::time::UNIX_EPOCH
                + Duration::new(secs, meta.ctime_nsec().clamp(0, 999_999_999) as u32)
        });
        if changed.is_none_or(recent) {
            return 0;
        }
        for part in [meta.dev(), meta.ino()] {
            hasher.update(&part.to_le_bytes());
        }
        hasher.update(&meta.ctime().to_le_bytes());
        hasher.update(&meta.ctime_nsec().to_le_bytes());
    }
    hasher.digest().max(1)
}

/// The text a file's path is stored and looked up under. A name that is not UTF-8
/// is stored with replacement characters, so it is looked up that way too.
pub(super) fn path_key(path: &Path) -> Cow<'_, str> {
    path.to_string_lossy()
}

/// A hasher primed with everything besides a file's bytes that its articles depend on.
fn stamp_hasher(depends: DependsOn) -> xxhash_rust::xxh3::Xxh3 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&EXTRACTION_VERSION.to_le_bytes());
    hasher.update(depends.root.as_os_str().as_encoded_bytes());
    hasher.update(&[0]);
    if let Some(entry) = depends.manifest {
        hasher.update(serde_json::to_string(entry).unwrap_or_default().as_bytes());
    }
    hasher.update(&[0]);
    if depends.captured_dates {
        hasher.update(b"captured dates");
    }
    hasher
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{read_one, Format};
    use std::path::PathBuf;

    /// The version of extraction and the digest of what it gives for the repository's
    /// own corpora (the sample corpus and the labeled set), as they were when the
    /// version was last set.
    const RECORDED: (u64, u64) = (7, 0x8643564549f03256);

    fn article_files(dir: &Path, out: &mut Vec<PathBuf>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                article_files(&path, out);
            } else if Format::of(&path).is_some() {
                out.push(path);
            }
        }
    }

    /// A digest of every article cleaning gives for the repository's corpora.
    fn digest_of_fixtures() -> u64 {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for corpus in ["sample-corpus", "tests/eval/corpus"] {
            article_files(&root.join(corpus), &mut files);
        }
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        for file in files {
            let Ok(parsed) = read_one(&file, None, None, false) else {
                hasher.update(b"unreadable");
                continue;
            };
            for extracted in parsed.articles {
                let a = extracted.article;
                let fields = [
                    Some(a.title),
                    Some(a.body),
                    a.date.map(crate::date::format_day),
                    a.place,
                    a.source,
                    a.site,
                    a.url,
                    a.lang,
                ];
                for field in fields {
                    hasher.update(field.unwrap_or_default().as_bytes());
                    hasher.update(&[0]);
                }
            }
        }
        hasher.digest()
    }

    #[test]
    fn the_extraction_version_changes_with_what_cleaning_gives() {
        let now = (EXTRACTION_VERSION, digest_of_fixtures());
        assert_eq!(
            now, RECORDED,
            "what cleaning gives is not what it gave when EXTRACTION_VERSION was last \
             set: bump EXTRACTION_VERSION (so that indexes re-read their files) and record \
             the new pair (version, {:#x}) here",
            now.1
        );
    }
}

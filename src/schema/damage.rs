//! A damaged index: reading one is input handling too. tantivy trusts its own files
//! and may panic on a flipped byte (an index out of bounds deep in a posting list)
//! or fail with an error that speaks of versions; [`guard`] turns both into one error
//! that says the index is damaged and how to rebuild it, and `remove_index_files`
//! clears an index folder of the files dateline and tantivy wrote, and of no other.

use crate::error::IndexError;
use anyhow::{Context, Result};
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

thread_local! {
    /// How many [`guard`]s this thread is inside of.
    static GUARDS: Cell<usize> = const { Cell::new(0) };
}

/// Whether this thread is reading an index inside [`guard`], where a panic is caught
/// and reported as damage: a panic hook can stay quiet about it.
pub fn guarding() -> bool {
    GUARDS.with(|g| g.get() > 0)
}

/// Runs `read`, a reading of the index in `dir`; a panic inside it, or an error
/// tantivy gives for a damaged file, becomes an error that says the index is damaged
/// and how to rebuild it.
pub fn guard<T>(dir: &Path, read: impl FnOnce() -> Result<T>) -> Result<T> {
    GUARDS.with(|g| g.set(g.get() + 1));
    let outcome = catch_unwind(AssertUnwindSafe(read));
    GUARDS.with(|g| g.set(g.get() - 1));
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(err)) if is_damage(&err) => Err(damaged(dir, &err.root_cause().to_string()).into()),
        Ok(Err(err)) => Err(err),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            Err(damaged(dir, &what).into())
        }
    }
}

/// The error of a damaged index in `dir`, with the gist of what was `said` of it.
pub fn damaged(dir: &Path, said: &str) -> IndexError {
    let gist: String = said
        .split(". ")
        .next()
        .unwrap_or(said)
        .chars()
        .take(120)
        .collect();
    IndexError::Damaged {
        dir: dir.to_path_buf(),
        gist: if gist.is_empty() {
            "a file could not be read".to_string()
        } else {
            gist
        },
    }
}

/// Whether `err` is tantivy's word for a file it cannot make sense of.
pub fn is_damage(err: &anyhow::Error) -> bool {
    use tantivy::TantivyError;
    // `Other` is what tantivy's own readers say of bytes they cannot decode (an
    // unknown format version); the system's errors (permissions, a full disk) have
    // kinds of their own and are not damage.
    let unreadable = |e: &std::io::Error| {
        matches!(
            e.kind(),
            std::io::ErrorKind::UnexpectedEof
                | std::io::ErrorKind::InvalidData
                | std::io::ErrorKind::Other
        )
    };
    err.chain().any(|cause| {
        let tantivy = cause.downcast_ref::<TantivyError>();
        matches!(
            tantivy,
            Some(
                TantivyError::DataCorruption(_)
                    | TantivyError::IncompatibleIndex(_)
                    | TantivyError::OpenReadError(_)
                    | TantivyError::DeserializeError(_)
                    // The layout was checked when the index was opened: a column
                    // missing now is a damaged column file.
                    | TantivyError::SchemaError(_)
            )
        ) || matches!(tantivy, Some(TantivyError::IoError(e)) if unreadable(e))
            // The document store's word for a block it cannot find.
            || matches!(tantivy, Some(TantivyError::InvalidArgument(m)) if m.starts_with("Failed to lookup Doc"))
            || cause.downcast_ref::<std::io::Error>().is_some_and(unreadable)
    })
}

/// Empties the index in `dir` for `dateline index --rebuild`: its files are removed
/// (see `remove_index_files`) and a new marker is written, so that the files of
/// the user's beside it do not make the folder look foreign. A folder that is no
/// index is refused; an absent one is left for the run to create.
pub fn clear(dir: &Path) -> Result<()> {
    if dir.exists() {
        remove_index_files(dir)?;
        super::place_marker(dir)?;
    }
    Ok(())
}

/// Removes from `dir` the files of a dateline index: the marker, tantivy's
/// metadata, locks and segment files, by their names, and nothing else (a file of
/// the user's in the folder stays). Refuses a folder that holds no sign of being an
/// index. Returns how many files were removed.
fn remove_index_files(dir: &Path) -> Result<usize> {
    let is_index = [super::MARKER_FILE, "meta.json"]
        .iter()
        .any(|name| dir.join(name).exists());
    if !is_index {
        return Err(IndexError::Foreign(dir.to_path_buf()).into());
    }
    let mut removed = 0;
    let entries = std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let name = entry.file_name();
        if entry.file_type().is_ok_and(|t| t.is_file()) && is_index_file(&name.to_string_lossy()) {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("removing {}", entry.path().display()))?;
            removed += 1;
        }
    }
    Ok(removed)
}

/// Whether a file of an index folder is one that dateline or tantivy writes.
fn is_index_file(name: &str) -> bool {
    const NAMED: &[&str] = &[
        super::MARKER_FILE,
        "meta.json",
        ".managed.json",
        ".tantivy-meta.lock",
        ".tantivy-writer.lock",
    ];
    if NAMED.contains(&name)
        || name.starts_with(super::MARKER_DRAFT)
        || name.starts_with(crate::push::PUSH_STATE_PREFIX)
    {
        return true;
    }
    // Segment files: a 32-digit hexadecimal segment id, then `.idx`, `.store`,
    // `.123.del` and the like.
    let Some((id, rest)) = name.split_once('.') else {
        return false;
    };
    id.len() == 32
        && id.bytes().all(|b| b.is_ascii_hexdigit())
        && !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_or_a_corruption_error_is_reported_as_damage() {
        let dir = Path::new("/data/idx");
        let err = guard(dir, || -> Result<()> { panic!("index out of bounds") }).unwrap_err();
        assert_eq!(
            err.downcast_ref::<IndexError>(),
            Some(&IndexError::Damaged {
                dir: dir.to_path_buf(),
                gist: "index out of bounds".into()
            })
        );
        assert!(!guarding());
        let corrupt = guard(dir, || -> Result<()> {
            Err(tantivy::TantivyError::InvalidArgument("x".into()).into())
        });
        assert!(!format!("{:#}", corrupt.unwrap_err()).contains("damaged"));
        assert_eq!(guard(dir, || Ok(3)).unwrap(), 3);
    }

    #[test]
    fn only_the_index_own_files_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let own = [
            "dateline-index.json",
            "dateline-index.json.new.123",
            "meta.json",
            ".managed.json",
            ".tantivy-writer.lock",
            "0123456789abcdef0123456789abcdef.idx",
            "0123456789abcdef0123456789abcdef.17.del",
        ];
        let theirs = [
            "notes.txt",
            "meta.json.bak",
            "0123456789abcdef.idx",
            "0123456789abcdef0123456789abcdef.IDX",
            "0123456789abcdef0123456789abcdef",
        ];
        for name in own.iter().chain(&theirs) {
            std::fs::write(dir.path().join(name), "x").unwrap();
        }
        assert_eq!(remove_index_files(dir.path()).unwrap(), own.len());
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let mut expected: Vec<String> = theirs.iter().map(|s| s.to_string()).collect();
        expected.sort();
        assert_eq!(left, expected);
        let plain = tempfile::tempdir().unwrap();
        std::fs::write(plain.path().join("notes.txt"), "x").unwrap();
        assert!(remove_index_files(plain.path()).is_err());
    }
}

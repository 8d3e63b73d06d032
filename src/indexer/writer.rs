//! tantivy's writer for a run: opened within the memory budget, cleared of what an
//! interrupted run left, and cleaned up after a failed one.

use super::known::KnownFile;
use super::plan::vanished;
use crate::article::Article;
use crate::copies::Fingerprint;
use crate::schema::{self, ArticleRecord, ArticleWriter, DatelineIndex, Fields, FileStamp};
use anyhow::{Context, Result};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use tantivy::Term;

/// The memory each of tantivy's writer threads needs at least.
const WRITER_THREAD_BYTES: usize = 20 << 20;

/// How many of the `threads` asked for the memory budget runs: tantivy's writer gets
/// 40% of it and each of its threads needs [`WRITER_THREAD_BYTES`], so a small budget
/// runs fewer threads rather than exceeding itself.
pub(super) fn threads_within(threads: usize, memory_bytes: usize) -> usize {
    let writer_memory = memory_bytes / 10 * 4;
    threads.clamp(1, (writer_memory / WRITER_THREAD_BYTES).max(1))
}

/// Opens tantivy's writer with 40% of the memory budget, after removing what an
/// interrupted run left; a second run on the same index is told the index is in use.
pub(super) fn open_writer(
    index: &DatelineIndex,
    threads: usize,
    memory_bytes: usize,
) -> Result<ArticleWriter> {
    let writer_memory = (memory_bytes / 10 * 4).max(threads * WRITER_THREAD_BYTES);
    let writer: ArticleWriter = index
        .writer(threads, writer_memory)
        .map_err(|err| match err {
            tantivy::TantivyError::LockFailure(..) => schema::in_use(&index.dir),
            other => anyhow::Error::new(other).context("opening the index for writing"),
        })?;
    // Segments stop growing by merges at MAX_MERGED_DOCS documents: merging ever larger
    // segments costs time and maps whole segments into memory, while searches over a
    // handful of segments of that size are as fast.
    let mut policy = tantivy::indexer::LogMergePolicy::default();
    policy.set_max_docs_before_merge(MAX_MERGED_DOCS);
    writer.set_merge_policy(Box::new(policy));
    // A run killed before its commit leaves the files it had written; removing them
    // first keeps them from filling the disk and from colliding with the names this
    // run gives its own files (a segment's deletes are named by the last commit).
    writer
        .garbage_collect_files()
        .wait()
        .context("removing the files an interrupted run left in the index")?;
    remove_stale_temporary_files(&index.dir);
    Ok(writer)
}

/// Removes the temporary files (`.tmp*`) a run stopped while writing the index's
/// metadata left beside it; tantivy's garbage collection does not know them. Only the
/// holder of the writer's lock writes them, so none is in use.
fn remove_stale_temporary_files(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if entry.file_name().to_string_lossy().starts_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// The largest segment merges produce, in documents.
const MAX_MERGED_DOCS: usize = 200_000;

/// Removes the files a failed run wrote, so that a disk it filled does not stay
/// full: with the run's writer gone, a fresh one (holding the lock again) collects
/// every file of the index that no commit refers to. tantivy only ever collects
/// files it wrote itself.
pub(super) fn remove_uncommitted_files(index: &DatelineIndex) {
    // Opened afresh, the index reads from disk the list of files tantivy wrote.
    if let Ok(reopened) = schema::open(&index.dir) {
        let writer = reopened.writer(1, WRITER_THREAD_BYTES);
        if let Ok(writer) = writer {
            let _ = writer.garbage_collect_files().wait();
            remove_uncommitted_segment_files(&reopened);
        }
    }
    remove_stale_temporary_files(&index.dir);
}

/// Removes the segment files (named by a segment's id: 32 hexadecimal digits, a dot)
/// that the last commit does not hold. tantivy's garbage collection misses a file
/// whose name a full disk kept it from recording. Called with the writer's lock held.
fn remove_uncommitted_segment_files(index: &DatelineIndex) {
    let (Ok(committed), Ok(entries)) = (index.committed_segments(), std::fs::read_dir(&index.dir))
    else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else {
            continue;
        };
        if is_segment_file(name) && !committed.contains(&name[..32]) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Whether `name` is the name tantivy gives a segment's files (`<id>.store`,
/// `<id>.<opstamp>.del`).
fn is_segment_file(name: &str) -> bool {
    let (id, rest) = name.split_at_checked(32).unwrap_or(("", ""));
    id.len() == 32
        && id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        && rest.len() > 1
        && rest.starts_with('.')
}

/// The error of a run whose writer failed. tantivy tells `add_document` only that its
/// worker died; the cause (a full disk, say) is in the worker's result, which
/// preparing a commit collects. The prepared commit, if any, is abandoned.
pub(super) fn writer_failure(
    writer: &mut ArticleWriter,
    err: anyhow::Error,
    dir: &Path,
) -> anyhow::Error {
    match writer.prepare_commit() {
        Err(cause) => anyhow::Error::new(cause).context(format!(
            "writing the index at {} (it keeps its previous commit)",
            dir.display()
        )),
        Ok(prepared) => {
            let _ = prepared.abort();
            err
        }
    }
}

/// Deletes the articles of indexed files under `roots` that the walk did not see.
pub(super) fn remove_vanished(
    fields: Fields,
    writer: &ArticleWriter,
    indexed: &HashMap<Box<str>, KnownFile>,
    seen: &HashSet<&str>,
    roots: &[PathBuf],
) -> usize {
    let mut removed = 0;
    for path in indexed.keys() {
        if vanished(path, roots, seen) {
            writer.delete_term(Term::from_field_text(fields.path, path));
            removed += 1;
        }
    }
    removed
}

/// Adds articles that did not come from files (built in code) and commits. Articles
/// with the id of one already indexed replace it.
pub fn add_articles(index: &DatelineIndex, articles: &[Article]) -> Result<()> {
    let mut writer: ArticleWriter = index
        .writer(1, 50 << 20)
        .context("opening the index for writing")?;
    for article in articles {
        writer.delete_term(Term::from_field_text(index.fields.id, &article.id));
        writer
            .add_document(schema::encode(
                index.fields,
                article.clone(),
                FileStamp::default(),
                ArticleRecord {
                    fingerprint: Some(Fingerprint::of(&article.title, &article.body)),
                    ..ArticleRecord::default()
                },
            ))
            .with_context(|| format!("adding article {}", article.id))?;
    }
    writer.commit().context("committing the index")?;
    Ok(())
}

/// Writes already-cleaned articles into a new index the way a run writes its own
/// (the same writer within the same memory budget, the same merge policy), without
/// reading, cleaning or learning anything: what tantivy costs on dateline's schema
/// and analyzer alone. Returns how many articles were written.
pub fn load_cleaned(
    index: &DatelineIndex,
    articles: impl IntoIterator<Item = Article>,
    threads: usize,
    memory_bytes: usize,
) -> Result<usize> {
    let threads = threads_within(threads, memory_bytes);
    let mut writer = open_writer(index, threads, memory_bytes)?;
    let queue = schema::DocumentQueue::new(memory_bytes / 16);
    let mut written = 0;
    for article in articles {
        let document = schema::encode(
            index.fields,
            article,
            FileStamp::default(),
            ArticleRecord::default(),
        )
        .queued(&queue);
        if let Err(err) = writer.add_document(document) {
            return Err(writer_failure(&mut writer, err.into(), &index.dir));
        }
        written += 1;
    }
    writer.commit().context("committing the index")?;
    writer
        .wait_merging_threads()
        .context("finishing the index's background merges")?;
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segment_files_are_told_by_their_names() {
        assert!(is_segment_file("7fb5036796344a419f0f2c1a073678fa.store"));
        assert!(is_segment_file("7fb5036796344a419f0f2c1a073678fa.12.del"));
        assert!(!is_segment_file("7fb5036796344a419f0f2c1a073678fa"));
        assert!(!is_segment_file("meta.json"));
        assert!(!is_segment_file("dateline-index.json"));
        assert!(!is_segment_file("7FB5036796344A419F0F2C1A073678FA.store"));
    }

    #[test]
    fn the_memory_budget_bounds_the_threads() {
        let mib = |n: usize| n << 20;
        assert_eq!(threads_within(256, mib(64)), 1);
        assert_eq!(threads_within(256, mib(1024)), 20);
        assert_eq!(threads_within(2, mib(1024)), 2);
        assert_eq!(threads_within(0, mib(1024)), 1);
        for memory in [64, 100, 512, 4096] {
            let threads = threads_within(256, mib(memory));
            assert!(threads * WRITER_THREAD_BYTES <= mib(memory) * 4 / 10 || threads == 1);
        }
    }
}

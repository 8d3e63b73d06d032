//! Incremental indexing: walk the paths given, skip files whose content hash is already
//! in the index, replace changed ones, remove vanished ones, learn the boilerplate that
//! recurs across a source's articles, and commit once.
//!
//! A run has two phases, each on worker threads. The first reads, hashes and cleans
//! the files that changed, and counts their lines; with the counts of the articles
//! already indexed, that gives the learned boilerplate. The second drops learned lines
//! and feeds tantivy's writer: the changed files, and the unchanged ones whose learned
//! lines are no longer the same. So the index always equals a fresh index of the
//! corpus, and a run over an unchanged corpus reads no file twice.

mod known;
mod listing;
mod phases;
mod plan;
mod pool;
mod stamp;
mod tally;
mod writer;

pub use known::KnownFile;
pub use writer::{add_articles, load_cleaned};

use crate::spill::Spill;
use phases::{KeepBudget, Run};
use plan::{count_kept, give_folder_sites, plan_writes, stale_files, vanished, Keeps};
use tally::Tally;
use writer::{
    open_writer, remove_uncommitted_files, remove_vanished, threads_within, writer_failure,
};

use crate::clean::learned::Learned;
use crate::ingest::{self, Manifests, Walked};
use crate::schema::{self, ArticleWriter, DatelineIndex};
use anyhow::{Context, Result};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How an index run may use the machine.
#[derive(Debug, Clone, Copy)]
pub struct IndexOptions {
    /// Threads for reading and cleaning, and for tantivy's writer.
    pub threads: usize,
    /// Memory budget of the whole run, in bytes: 40% for tantivy's writer, 12.5% for
    /// cleaned articles kept between the two phases (beyond it they are read again),
    /// a sixteenth for counting lines (beyond it they are sorted in runs on disk) and
    /// a sixteenth for the documents waiting in tantivy's writer.
    pub memory_bytes: usize,
    /// Whether symbolic links are followed (by default they are listed and skipped).
    pub follow_links: bool,
    /// Whether a page of a web archive that states no date takes the day it was
    /// captured (its `date_from` is then `captured`).
    pub undated_use_captured: bool,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            memory_bytes: 1 << 30,
            follow_links: false,
            undated_use_captured: false,
        }
    }
}

/// Something that happened during a run, for progress display and reporting.
#[derive(Debug)]
pub enum Event<'a> {
    /// A phase begins (`reading`, then `indexing`) over this many files.
    Phase(&'static str, usize),
    /// One more file of the phase was dealt with.
    Done,
    /// A file could not be indexed.
    Failed(&'a Path, &'a str),
    /// Part of a file could not be indexed; the rest was.
    Problem(&'a Path, &'a str),
    /// A remark on a file that cost no text (an unreadable date).
    Note(&'a Path, &'a str),
    /// A file that is not an article was passed over.
    Skipped(&'a Path),
    /// A symbolic link was passed over, not followed.
    Link(&'a Path),
}

/// What a run did, counted in files except where noted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunStats {
    /// Files indexed for the first time.
    pub new: usize,
    /// Files whose content changed and were indexed again.
    pub updated: usize,
    /// Files already indexed as they are.
    pub unchanged: usize,
    /// Unchanged files cleaned again because the boilerplate learned from the corpus
    /// changed.
    pub recleaned: usize,
    /// Files gone from the corpus whose articles were removed.
    pub removed: usize,
    /// Files that are not articles.
    pub skipped: usize,
    /// Files that could not be indexed.
    pub failed: usize,
    /// Parts of files (JSON lines, array items, manifest lines) that could not be read.
    pub problems: usize,
    /// Articles added by this run.
    pub articles: usize,
    /// Articles added by this run without a publication date.
    pub undated: usize,
    /// Lines learned as boilerplate over the corpus.
    pub learned_lines: usize,
    /// Wall time of the run.
    pub elapsed: Duration,
}

impl RunStats {
    /// Files the run looked at: read, unchanged or failed.
    pub fn files(&self) -> usize {
        self.new + self.updated + self.unchanged + self.failed
    }

    /// Whether anything the user asked to index could not be.
    pub fn had_failures(&self) -> bool {
        self.failed > 0 || self.problems > 0
    }
}

/// The canonical form of the paths to index; a path that does not exist is an error
/// that names it. Call it before opening an index, so that a mistyped path changes
/// nothing.
pub fn resolve_roots(roots: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut resolved = roots
        .iter()
        .map(|root| {
            root.canonicalize()
                .with_context(|| format!("cannot index {}", root.display()))
        })
        .collect::<Result<Vec<PathBuf>>>()?;
    // A path given twice, or inside another path given, is read once, under the
    // outer one: every file has one root, so later runs see the same articles.
    resolved.sort();
    resolved.dedup_by(|inner, outer| inner.starts_with(outer));
    Ok(resolved)
}

/// Indexes the files under `roots` into `index`, incrementally, and commits.
pub fn index_paths(
    index: &DatelineIndex,
    roots: &[PathBuf],
    options: IndexOptions,
    observer: &mut dyn FnMut(Event),
) -> Result<RunStats> {
    let started = Instant::now();
    let roots = resolve_roots(roots)?;
    // The writer first: its lock keeps a second run out for the whole of this one.
    let threads = threads_within(options.threads, options.memory_bytes);
    let mut writer = open_writer(index, threads, options.memory_bytes)?;
    let exclude = index.dir.canonicalize().ok();
    let mut stats = RunStats::default();
    let (mut listed, manifests) = list_files(
        &roots,
        exclude.as_deref(),
        options.follow_links,
        &index.dir,
        &mut stats,
        observer,
    )?;

    let settings = Settings {
        threads,
        kept: KeepBudget {
            raw: options.memory_bytes / 16,
            judged: options.memory_bytes / 16,
        },
        counting: options.memory_bytes / 16,
        queued: options.memory_bytes / 16,
        undated_use_captured: options.undated_use_captured,
    };
    let written = write_run(
        index,
        &mut writer,
        (&mut listed, &manifests),
        &roots,
        settings,
        &mut stats,
        observer,
    );
    // Every thread of the writer done, merges included, before anything is removed.
    let finished = writer
        .wait_merging_threads()
        .context("finishing the index's background merges");
    if written.is_err() || finished.is_err() {
        remove_uncommitted_files(index);
    }
    written.and(finished)?;
    stats.elapsed = started.elapsed();
    Ok(stats)
}

/// What a run may use besides its writer, and how it dates captured pages.
#[derive(Clone, Copy)]
struct Settings {
    /// Worker threads.
    threads: usize,
    /// Bytes kept between the two phases.
    kept: KeepBudget,
    /// Bytes for counting lines (beyond them, they are sorted in runs on disk).
    counting: usize,
    /// Bytes of documents waiting in tantivy's writer.
    queued: usize,
    /// See [`IndexOptions::undated_use_captured`].
    undated_use_captured: bool,
}

/// Walks `roots` and lists the article files found on disk in `dir`, reporting
/// everything else the walk found as it goes; returns the list and the manifests of
/// the folders walked.
fn list_files(
    roots: &[PathBuf],
    exclude: Option<&Path>,
    follow_links: bool,
    dir: &Path,
    stats: &mut RunStats,
    observer: &mut dyn FnMut(Event),
) -> Result<(Spill<PathBuf>, Manifests)> {
    let listing = || {
        format!(
            "listing the files to index beside the index at {} (it keeps its previous commit)",
            dir.display()
        )
    };
    let mut listed = Spill::new(dir).with_context(listing)?;
    let manifests = ingest::walk(roots, exclude, follow_links, &mut |walked| {
        match walked {
            Walked::File(file) => return listed.push(&file.path),
            Walked::Skipped(path) => {
                stats.skipped += 1;
                observer(Event::Skipped(&path));
            }
            Walked::Link(path) => {
                stats.skipped += 1;
                observer(Event::Link(&path));
            }
            Walked::Unwalkable(path, reason) => {
                stats.failed += 1;
                observer(Event::Failed(&path, &reason));
            }
            Walked::ManifestProblem(path, problem) => {
                stats.problems += 1;
                observer(Event::Problem(&path, &problem));
            }
        }
        Ok(())
    })
    .with_context(listing)?;
    Ok((listed, manifests))
}

/// The two phases of a run over the files `listed` with their folders' `manifests`,
/// with `writer`, up to the commit.
fn write_run(
    index: &DatelineIndex,
    writer: &mut ArticleWriter,
    (listed, manifests): (&mut Spill<PathBuf>, &Manifests),
    roots: &[PathBuf],
    Settings {
        threads,
        kept,
        counting,
        queued,
        undated_use_captured,
    }: Settings,
    stats: &mut RunStats,
    observer: &mut dyn FnMut(Event),
) -> Result<()> {
    let known = known::load(index)?;
    let known_hints = known.hints.clone();
    let queue = schema::DocumentQueue::new(queued);
    let shared_roots: Vec<Arc<Path>> = roots.iter().map(|r| Arc::from(r.as_path())).collect();
    let run = Run {
        fields: index.fields,
        writer,
        manifests,
        known: &known,
        hints: &known_hints,
        roots: &shared_roots,
        spill_dir: &index.dir,
        threads,
        queue: &queue,
        undated_use_captured,
    };

    // Phase one: read what changed and count its lines.
    let counting_lines = || {
        format!(
            "counting the lines of the articles in {} (the index keeps its previous commit)",
            index.dir.display()
        )
    };
    let mut tally = Tally::new(&index.dir, counting).with_context(counting_lines)?;
    let mut hints = known_hints.clone();
    observer(Event::Phase("reading", listed.len()));
    let mut first = run
        .read_all(listed, kept, &mut tally, &mut hints, stats, observer)
        .with_context(counting_lines)?;
    give_folder_sites(&mut first.reads, &hints, &mut tally.lines).with_context(counting_lines)?;
    let run = Run {
        hints: &hints,
        ..run
    };

    // Learn from the lines of every article the index will hold.
    if first.leaves_index && !known.files.keys().any(|p| vanished(p, roots, &first.seen)) {
        // The index holds what its last commit learned from, and nothing is stale.
        if let Some(recorded) = index.recorded_learned_lines() {
            stats.learned_lines = recorded;
            return Ok(());
        }
    }
    let keeps = Keeps {
        seen: &first.seen,
        replaced: &first.replaced,
        roots,
    };
    let read_articles = tally.lines.counted();
    count_kept(&mut tally, &known, &keeps).with_context(counting_lines)?;
    let learned = tally.lines.learned().with_context(counting_lines)?;
    stats.learned_lines = learned.len();
    let grouping = || {
        format!(
            "grouping the copies among the articles in {} (the index keeps its previous commit)",
            index.dir.display()
        )
    };
    let stories = tally.stories().with_context(grouping)?;

    // Phase two: index the changed files, and the ones whose learned lines or groups
    // of copies changed.
    let stale = stale_files(&known, &keeps, &learned, &stories, read_articles)
        .with_context(counting_lines)?;
    let (planned, work) = plan_writes(&mut first.reads, first.kept, stale, &shared_roots, stats)
        .with_context(counting_lines)?;
    observer(Event::Phase("indexing", planned));
    let written = run.write_all(work, &tally, &stories, &learned, stats, observer);
    if let Err(err) = written {
        return Err(writer_failure(writer, err, &index.dir));
    }
    stats.removed += remove_vanished(index.fields, writer, &known.files, &first.seen, roots);
    if stats.new + stats.updated + stats.removed + stats.recleaned > 0 || stats.failed > 0 {
        let committing = || {
            format!(
                "committing the index at {} (it keeps its previous commit)",
                index.dir.display()
            )
        };
        let mut prepared = writer.prepare_commit().with_context(committing)?;
        prepared.set_payload(&schema::learned_lines_payload(learned.len()));
        prepared.commit().with_context(committing)?;
    }
    Ok(())
}

/// The boilerplate learned over the corpus in `index`, as its last run learned it.
pub fn learned_from_index(index: &DatelineIndex) -> Result<Learned> {
    let known = known::load(index)?;
    let counting = || "counting the lines of the indexed articles";
    let mut tally = Tally::new(&std::env::temp_dir(), 64 << 20).context(counting())?;
    // With no roots, every indexed article stays.
    let nothing = HashSet::new();
    let keeps = Keeps {
        seen: &nothing,
        replaced: &nothing,
        roots: &[],
    };
    count_kept(&mut tally, &known, &keeps).context(counting())?;
    tally.lines.learned().context(counting())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema;

    fn run(index: &DatelineIndex, root: &Path) -> RunStats {
        index_paths(
            index,
            &[root.to_path_buf()],
            IndexOptions::default(),
            &mut |_| {},
        )
        .unwrap()
    }

    fn counts(s: &RunStats) -> [usize; 6] {
        [
            s.new,
            s.updated,
            s.unchanged,
            s.removed,
            s.skipped,
            s.failed,
        ]
    }

    #[test]
    fn runs_are_incremental() {
        let corpus = tempfile::tempdir().unwrap();
        let root = corpus.path();
        std::fs::write(root.join("a.txt"), "Dam opens\n\nThe dam opened.").unwrap();
        std::fs::write(root.join("b.txt"), "Port closes\n\nThe port closed.").unwrap();
        std::fs::write(root.join("c.pdf"), "not an article").unwrap();
        // The index lies inside the corpus, under a name that is not hidden.
        let index = schema::open_or_create(&root.join("idx")).unwrap();

        let first = run(&index, root);
        assert_eq!(counts(&first), [2, 0, 0, 0, 1, 0]);
        assert_eq!((first.articles, first.undated), (2, 2));
        assert_eq!(counts(&run(&index, root)), [0, 0, 2, 0, 1, 0]);

        std::fs::write(
            root.join("a.txt"),
            "Dam opens late\n\nThe dam opened in May.",
        )
        .unwrap();
        std::fs::remove_file(root.join("b.txt")).unwrap();
        std::fs::write(
            root.join("d.jsonl"),
            "{\"title\":\"One\",\"text\":\"x\"}\n{\"title\":\"Two\",\"text\":\"y\"}\n",
        )
        .unwrap();
        let third = run(&index, root);
        assert_eq!(counts(&third), [1, 1, 0, 1, 1, 0]);
        assert_eq!(third.articles, 3);

        let reader = index.reader().unwrap();
        assert_eq!(reader.searcher().num_docs(), 3);
        let known = known::load(&index).unwrap();
        assert_eq!(known.files.len(), 2);
    }

    #[test]
    fn a_file_that_turns_bad_loses_its_articles_and_is_reported() {
        let corpus = tempfile::tempdir().unwrap();
        let index_dir = tempfile::tempdir().unwrap();
        let index = schema::open_or_create(index_dir.path()).unwrap();
        let file = corpus.path().join("feed.json");
        std::fs::write(&file, "{\"title\":\"One\",\"text\":\"x\"}").unwrap();
        run(&index, corpus.path());
        std::fs::write(&file, "{\"title\":").unwrap();
        let mut failures = Vec::new();
        let stats = index_paths(
            &index,
            &[corpus.path().to_path_buf()],
            IndexOptions::default(),
            &mut |e| {
                if let Event::Failed(path, reason) = e {
                    failures.push(format!("{}: {reason}", path.display()));
                }
            },
        )
        .unwrap();
        assert_eq!((stats.failed, stats.removed), (1, 1));
        assert!(
            failures[0].contains("feed.json: invalid JSON"),
            "{failures:?}"
        );
        assert_eq!(index.reader().unwrap().searcher().num_docs(), 0);
    }

    #[test]
    fn a_second_writer_is_told_the_index_is_in_use() {
        let corpus = tempfile::tempdir().unwrap();
        let index_dir = tempfile::tempdir().unwrap();
        let index = schema::open_or_create(index_dir.path()).unwrap();
        let _holder: ArticleWriter = index.writer(1, 50 << 20).unwrap();
        let err = index_paths(
            &index,
            &[corpus.path().to_path_buf()],
            IndexOptions::default(),
            &mut |_| {},
        )
        .unwrap_err();
        assert!(
            matches!(err.downcast_ref(), Some(crate::IndexError::InUse(_))),
            "{err}"
        );
    }

    #[test]
    fn a_missing_path_stops_the_run_before_anything_changes() {
        let index_dir = tempfile::tempdir().unwrap();
        let index = schema::open_or_create(index_dir.path()).unwrap();
        let err = index_paths(
            &index,
            &[PathBuf::from("/no/such/corpus")],
            IndexOptions::default(),
            &mut |_| {},
        )
        .unwrap_err();
        assert!(
            format!("{err:#}").starts_with("cannot index /no/such/corpus"),
            "{err:#}"
        );
    }
}

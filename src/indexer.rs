//! Incremental indexing: walk the paths given, skip files whose content hash is already
//! in the index, replace changed ones, remove vanished ones, and commit once.
//!
//! Files are read, hashed and cleaned on worker threads that feed tantivy's writer
//! directly; the calling thread only collects outcomes and reports progress.

use crate::article::Article;
use crate::date;
use crate::ingest::{self, CorpusFile, Manifests};
use crate::schema::{names, DatelineIndex, Fields};
use anyhow::{Context, Result};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tantivy::{DateTime, IndexWriter, TantivyDocument, Term};

/// Changes whenever cleaning or extraction changes what a file gives, so that the next
/// run re-reads every file instead of keeping articles cleaned the old way.
const EXTRACTION_VERSION: u64 = 1;

/// How an index run may use the machine.
#[derive(Debug, Clone, Copy)]
pub struct IndexOptions {
    /// Threads for reading and cleaning, and for tantivy's writer.
    pub threads: usize,
    /// Memory budget of the whole run, in bytes; the writer gets most of it.
    pub memory_bytes: usize,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            memory_bytes: 1 << 30,
        }
    }
}

/// Something that happened during a run, for progress display and reporting.
#[derive(Debug)]
pub enum Event<'a> {
    /// The walk is done: this many article files will be looked at.
    Found(usize),
    /// One more file was dealt with.
    Done,
    /// A file could not be indexed.
    Failed(&'a Path, &'a str),
    /// Part of a file could not be indexed; the rest was.
    Problem(&'a Path, &'a str),
    /// A remark on a file that cost no text (an unreadable date).
    Note(&'a Path, &'a str),
    /// A file that is not an article was passed over.
    Skipped(&'a Path),
}

/// What a run did, counted in files except where noted.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct RunStats {
    /// Files indexed for the first time.
    pub new: usize,
    /// Files whose content changed and were indexed again.
    pub updated: usize,
    /// Files already indexed as they are.
    pub unchanged: usize,
    /// Files gone from the corpus whose articles were removed.
    pub removed: usize,
    /// Files that are not articles.
    pub skipped: usize,
    /// Files that could not be indexed.
    pub failed: usize,
    /// Parts of files (JSON lines, array items) that could not be indexed.
    pub problems: usize,
    /// Articles added by this run.
    pub articles: usize,
    /// Articles added by this run without a publication date.
    pub undated: usize,
    /// Wall time of the run.
    #[serde(skip)]
    pub elapsed: Duration,
}

impl RunStats {
    /// Whether anything the user asked to index could not be.
    pub fn had_failures(&self) -> bool {
        self.failed > 0 || self.problems > 0
    }
}

/// The outcome of one file on a worker thread.
enum Outcome {
    /// The file is indexed as it is; `problems` parts of it could not be read.
    Unchanged { problems: u64 },
    Indexed {
        replaced: bool,
        articles: usize,
        undated: usize,
        problems: Vec<String>,
        notes: Vec<String>,
    },
    /// The file could not be read at all; its previous articles stay.
    Unreadable(String),
    /// The file was read but holds no usable article; its previous articles go.
    Unusable { replaced: bool, reason: String },
}

/// The canonical form of the paths to index; a path that does not exist is an error
/// that names it. Call it before opening an index, so that a mistyped path changes
/// nothing.
pub fn resolve_roots(roots: &[PathBuf]) -> Result<Vec<PathBuf>> {
    roots
        .iter()
        .map(|root| {
            root.canonicalize()
                .with_context(|| format!("cannot index {}", root.display()))
        })
        .collect()
}

/// What the index knows of a file: how it was when indexed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileStamp {
    /// Hash of the file's bytes, manifest entry and indexed root.
    pub hash: u64,
    /// Parts of the file that could not be read.
    pub problems: u64,
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
    let exclude = index.dir.canonicalize().ok();
    let corpus = ingest::walk(&roots, exclude.as_deref());

    let mut stats = RunStats {
        skipped: corpus.skipped.len(),
        ..RunStats::default()
    };
    for path in &corpus.skipped {
        observer(Event::Skipped(path));
    }
    for (path, reason) in &corpus.unwalkable {
        stats.failed += 1;
        observer(Event::Failed(path, reason));
    }
    for (path, problem) in &corpus.manifest_problems {
        stats.problems += 1;
        observer(Event::Problem(path, problem));
    }
    observer(Event::Found(corpus.files.len()));

    let indexed = indexed_files(index)?;
    let threads = options.threads.max(1);
    let writer_memory = (options.memory_bytes / 10 * 4).max((threads * 20) << 20);
    let writer: IndexWriter = index
        .index
        .writer_with_num_threads(threads, writer_memory)
        .map_err(|err| match err {
            tantivy::TantivyError::LockFailure(..) => anyhow::anyhow!(
                "the index at {} is in use by another `dateline index`; wait for it to finish",
                index.dir.display()
            ),
            other => anyhow::Error::new(other).context("opening the index for writing"),
        })?;

    let batch = Batch {
        fields: index.fields,
        writer: &writer,
        manifests: &corpus.manifests,
        indexed: &indexed,
    };
    let seen = process_files(&batch, &corpus.files, threads, &mut stats, observer)?;
    stats.removed += remove_vanished(index.fields, &writer, &indexed, &seen, &roots)?;

    let mut writer = writer;
    if stats.new + stats.updated + stats.removed > 0 || stats.failed > 0 {
        writer.commit().context("committing the index")?;
    }
    writer
        .wait_merging_threads()
        .context("finishing the index's background merges")?;
    stats.elapsed = started.elapsed();
    Ok(stats)
}

/// What the workers of one run share.
struct Batch<'a> {
    fields: Fields,
    writer: &'a IndexWriter,
    manifests: &'a Manifests,
    /// Files already in the index, as they were when indexed.
    indexed: &'a HashMap<String, FileStamp>,
}

/// Reads, cleans and indexes `files` on `threads` workers; returns the paths seen.
fn process_files(
    batch: &Batch,
    files: &[CorpusFile],
    threads: usize,
    stats: &mut RunStats,
    observer: &mut dyn FnMut(Event),
) -> Result<HashSet<String>> {
    let next = AtomicUsize::new(0);
    let (sender, receiver) = mpsc::sync_channel::<(usize, Result<Outcome>)>(256);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let sender = sender.clone();
            let next = &next;
            scope.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(file) = files.get(i) else { break };
                let outcome = batch.index_file(file);
                if sender.send((i, outcome)).is_err() {
                    break;
                }
            });
        }
        drop(sender);
        let mut seen = HashSet::with_capacity(files.len());
        let mut first_error = None;
        for (i, outcome) in receiver {
            let path = &files[i].path;
            seen.insert(path.to_string_lossy().into_owned());
            match outcome {
                Ok(Outcome::Unchanged { problems }) => {
                    stats.unchanged += 1;
                    if problems > 0 {
                        stats.problems += problems as usize;
                        let message = format!(
                            "{problems} unreadable part(s), unchanged since they were reported"
                        );
                        observer(Event::Problem(path, &message));
                    }
                }
                Ok(Outcome::Indexed {
                    replaced,
                    articles,
                    undated,
                    problems,
                    notes,
                }) => {
                    *if replaced {
                        &mut stats.updated
                    } else {
                        &mut stats.new
                    } += 1;
                    stats.articles += articles;
                    stats.undated += undated;
                    stats.problems += problems.len();
                    for problem in &problems {
                        observer(Event::Problem(path, problem));
                    }
                    for note in &notes {
                        observer(Event::Note(path, note));
                    }
                }
                Ok(Outcome::Unreadable(reason)) => {
                    stats.failed += 1;
                    observer(Event::Failed(path, &reason));
                }
                Ok(Outcome::Unusable { replaced, reason }) => {
                    stats.failed += 1;
                    stats.removed += usize::from(replaced);
                    observer(Event::Failed(path, &reason));
                }
                Err(err) => {
                    first_error.get_or_insert(err);
                    next.store(files.len(), Ordering::Relaxed);
                }
            }
            observer(Event::Done);
        }
        match first_error {
            Some(err) => Err(err),
            None => Ok(seen),
        }
    })
}

impl Batch<'_> {
    /// Indexes one file unless its hash shows it unchanged. Errors are the index's, not
    /// the file's: they stop the run.
    fn index_file(&self, file: &CorpusFile) -> Result<Outcome> {
        let Batch {
            fields,
            writer,
            manifests,
            indexed,
        } = *self;
        let bytes = match std::fs::read(&file.path) {
            Ok(bytes) => bytes,
            Err(err) => return Ok(Outcome::Unreadable(format!("cannot read: {err}"))),
        };
        let manifest = manifests.get(&file.path);
        let hash = content_hash(&bytes, manifest, &file.root);
        let path = file.path.to_string_lossy();
        let previous = indexed.get(path.as_ref());
        if let Some(stamp) = previous.filter(|stamp| stamp.hash == hash) {
            return Ok(Outcome::Unchanged {
                problems: stamp.problems,
            });
        }
        let replaced = previous.is_some();
        if replaced {
            writer.delete_term(Term::from_field_text(fields.path, &path));
        }
        let parsed = match ingest::parse(file, &bytes, manifest) {
            Ok(parsed) => parsed,
            Err(err) => {
                return Ok(Outcome::Unusable {
                    replaced,
                    reason: format!("{err:#}"),
                })
            }
        };
        let undated = parsed
            .articles
            .iter()
            .filter(|a| a.article.date.is_none())
            .count();
        let stamp = FileStamp {
            hash,
            problems: parsed.problems.len() as u64,
        };
        for extracted in &parsed.articles {
            writer
                .add_document(document(fields, &extracted.article, stamp))
                .with_context(|| format!("adding {} to the index", file.path.display()))?;
        }
        let mut notes = parsed.notes;
        if parsed.lossy {
            notes.push("not valid UTF-8: decoded with replacement characters".to_string());
        }
        Ok(Outcome::Indexed {
            replaced,
            articles: parsed.articles.len(),
            undated,
            problems: parsed.problems,
            notes,
        })
    }
}

/// Hash of everything an article's indexed form depends on.
fn content_hash(bytes: &[u8], manifest: Option<&ingest::ManifestEntry>, root: &Path) -> u64 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&EXTRACTION_VERSION.to_le_bytes());
    hasher.update(root.as_os_str().as_encoded_bytes());
    hasher.update(&[0]);
    if let Some(entry) = manifest {
        hasher.update(serde_json::to_string(entry).unwrap_or_default().as_bytes());
    }
    hasher.update(&[0]);
    hasher.update(bytes);
    hasher.digest()
}

/// The tantivy document of an article.
pub fn document(fields: Fields, article: &Article, file: FileStamp) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(fields.id, &article.id);
    doc.add_text(fields.title, &article.title);
    doc.add_text(fields.body, &article.body);
    doc.add_text(fields.path, &article.path);
    doc.add_u64(fields.file_hash, file.hash);
    doc.add_u64(fields.file_problems, file.problems);
    if let Some(line) = article.line {
        doc.add_u64(fields.line, line as u64);
    }
    if let Some(day) = article.date {
        doc.add_date(fields.date, day_to_datetime(day));
    }
    if let Some(from) = article.date_from {
        doc.add_text(fields.date_from, from.as_str());
    }
    for (field, value) in [
        (fields.place, &article.place),
        (fields.source, &article.source),
        (fields.url, &article.url),
        (fields.lang, &article.lang),
    ] {
        if let Some(value) = value {
            doc.add_text(field, value);
        }
    }
    doc
}

/// Midnight UTC of a day, as the index stores dates.
pub fn day_to_datetime(day: time::Date) -> DateTime {
    DateTime::from_timestamp_secs(day.midnight().assume_utc().unix_timestamp())
}

/// The day of a stored date.
pub fn datetime_to_day(value: DateTime) -> Option<time::Date> {
    let utc = time::OffsetDateTime::from_unix_timestamp(value.into_timestamp_secs()).ok()?;
    let day = utc.date();
    date::day(day.year(), u8::from(day.month()).into(), day.day().into())
}

/// Every file in the index with its stamp, from the fast fields.
fn indexed_files(index: &DatelineIndex) -> Result<HashMap<String, FileStamp>> {
    let reader = index.index.reader().context("reading the index")?;
    let searcher = reader.searcher();
    let mut files = HashMap::new();
    let mut path = String::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let Some(paths) = fast.str(names::PATH).context("reading indexed paths")? else {
            continue;
        };
        let hashes = fast
            .u64(names::FILE_HASH)
            .context("reading indexed hashes")?;
        let problems = fast
            .u64(names::FILE_PROBLEMS)
            .context("reading indexed problem counts")?;
        for doc in segment.doc_ids_alive() {
            let (Some(ord), Some(hash)) = (paths.term_ords(doc).next(), hashes.first(doc)) else {
                continue;
            };
            path.clear();
            if paths
                .ord_to_str(ord, &mut path)
                .context("reading an indexed path")?
            {
                let problems = problems.first(doc).unwrap_or(0);
                files
                    .entry(path.clone())
                    .or_insert(FileStamp { hash, problems });
            }
        }
    }
    Ok(files)
}

/// Deletes the articles of indexed files under `roots` that the walk did not see.
fn remove_vanished(
    fields: Fields,
    writer: &IndexWriter,
    indexed: &HashMap<String, FileStamp>,
    seen: &HashSet<String>,
    roots: &[PathBuf],
) -> Result<usize> {
    let mut removed = 0;
    for path in indexed.keys() {
        let under_root = roots.iter().any(|root| Path::new(path).starts_with(root));
        if under_root && !seen.contains(path) {
            writer.delete_term(Term::from_field_text(fields.path, path));
            removed += 1;
        }
    }
    Ok(removed)
}

/// Adds articles that did not come from files (built in code) and commits. Articles
/// with the id of one already indexed replace it.
pub fn add_articles(index: &DatelineIndex, articles: &[Article]) -> Result<()> {
    let mut writer: IndexWriter = index
        .index
        .writer_with_num_threads(1, 50 << 20)
        .context("opening the index for writing")?;
    for article in articles {
        writer.delete_term(Term::from_field_text(index.fields.id, &article.id));
        writer
            .add_document(document(index.fields, article, FileStamp::default()))
            .with_context(|| format!("adding article {}", article.id))?;
    }
    writer.commit().context("committing the index")?;
    Ok(())
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

        let reader = index.index.reader().unwrap();
        assert_eq!(reader.searcher().num_docs(), 3);
        let files = indexed_files(&index).unwrap();
        assert_eq!(files.len(), 2);
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
        assert_eq!(index.index.reader().unwrap().searcher().num_docs(), 0);
    }

    #[test]
    fn a_second_writer_is_told_the_index_is_in_use() {
        let corpus = tempfile::tempdir().unwrap();
        let index_dir = tempfile::tempdir().unwrap();
        let index = schema::open_or_create(index_dir.path()).unwrap();
        let _holder: IndexWriter = index.index.writer(50 << 20).unwrap();
        let err = index_paths(
            &index,
            &[corpus.path().to_path_buf()],
            IndexOptions::default(),
            &mut |_| {},
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("is in use by another `dateline index`"),
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

    #[test]
    fn days_survive_the_round_trip() {
        let day = date::day(2012, 2, 29).unwrap();
        assert_eq!(datetime_to_day(day_to_datetime(day)), Some(day));
    }
}

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

pub use known::KnownFile;

use crate::article::Article;
use crate::clean::learned::{self, Learned, LineCounts};
use crate::extract;
use crate::ingest::{self, CorpusFile, Extracted, Manifests, Parsed, ReadContext, SiteHints};
use crate::schema::{self, DatelineIndex, Fields, FileStamp, LineRecord};
use anyhow::{Context, Result};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};
use std::time::{Duration, Instant};
use tantivy::{IndexWriter, Term};

/// Changes whenever cleaning or extraction changes what a file gives, so that the next
/// run re-reads every file instead of keeping articles cleaned the old way.
const EXTRACTION_VERSION: u64 = 5;

/// How an index run may use the machine.
#[derive(Debug, Clone, Copy)]
pub struct IndexOptions {
    /// Threads for reading and cleaning, and for tantivy's writer.
    pub threads: usize,
    /// Memory budget of the whole run, in bytes: 40% for tantivy's writer, 12.5% for
    /// cleaned articles kept between the two phases (beyond it they are read again).
    pub memory_bytes: usize,
    /// Whether symbolic links are followed (by default they are listed and skipped).
    pub follow_links: bool,
}

impl Default for IndexOptions {
    fn default() -> Self {
        IndexOptions {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
            memory_bytes: 1 << 30,
            follow_links: false,
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
    #[serde(skip)]
    pub elapsed: Duration,
}

impl RunStats {
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

/// The line keys of one article, for counting.
struct ArticleLines {
    /// The key of the article's site.
    source: Option<u64>,
    /// The site its URL names, if it has one (else it may take its folder's).
    url_site: Option<String>,
    keys: Vec<u64>,
}

/// What the first phase made of one file.
enum Read {
    /// Indexed as it is; `problems` parts of it could not be read.
    Unchanged { problems: u64 },
    /// New or changed: to be indexed in the second phase.
    Changed {
        stamp: FileStamp,
        replaced: bool,
        lines: Vec<ArticleLines>,
        /// The cleaned articles, unless the memory budget was spent.
        parsed: Option<Parsed>,
    },
    /// Could not be read at all; its previous articles stay.
    Unreadable(String),
    /// Read but holds no usable article; its previous articles go.
    Unusable { replaced: bool, reason: String },
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
    let corpus = ingest::walk(&roots, exclude.as_deref(), options.follow_links);

    let mut stats = RunStats {
        skipped: corpus.skipped.len() + corpus.links.len(),
        ..RunStats::default()
    };
    report_walk(&corpus, &mut stats, observer);

    let threads = threads_within(options.threads, options.memory_bytes);
    let writer = open_writer(index, threads, options.memory_bytes)?;
    let budget = Budget {
        threads,
        kept_bytes: options.memory_bytes / 8,
    };
    let mut writer = writer;
    let written = write_run(
        index,
        &mut writer,
        &corpus,
        &roots,
        budget,
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

/// What a run may use besides its writer.
#[derive(Clone, Copy)]
struct Budget {
    /// Worker threads.
    threads: usize,
    /// Bytes of cleaned articles kept between the two phases.
    kept_bytes: usize,
}

/// The two phases of a run over the files `corpus` found, with `writer`, up to the
/// commit.
fn write_run(
    index: &DatelineIndex,
    writer: &mut IndexWriter,
    corpus: &ingest::Corpus,
    roots: &[PathBuf],
    Budget {
        threads,
        kept_bytes,
    }: Budget,
    stats: &mut RunStats,
    observer: &mut dyn FnMut(Event),
) -> Result<()> {
    let known::Known {
        files: known,
        hints: known_hints,
    } = known::load(index)?;
    let run = Run {
        fields: index.fields,
        writer,
        manifests: &corpus.manifests,
        known: &known,
        hints: &known_hints,
        threads,
    };

    // Phase one: read what changed.
    observer(Event::Phase("reading", corpus.files.len()));
    let mut reads = run.read_all(&corpus.files, kept_bytes, stats, observer)?;
    let hints = give_folder_sites(&corpus.files, &mut reads, known_hints.clone());
    let run = Run {
        hints: &hints,
        ..run
    };

    // Learn from the lines of every article the index will hold.
    let seen: HashSet<Cow<str>> = corpus.files.iter().map(|f| path_key(&f.path)).collect();
    let learned = count_lines(&known, &corpus.files, &reads, &seen, roots).learned();
    stats.learned_lines = learned.len();

    // Phase two: index the changed files and the ones whose learned lines changed.
    let work = plan_writes(&corpus.files, reads, &known, &learned, stats);
    observer(Event::Phase("indexing", work.len()));
    let written = run.write_all(work, &learned, stats, observer);
    if let Err(err) = written {
        return Err(writer_failure(writer, err, &index.dir));
    }
    stats.removed += remove_vanished(index.fields, writer, &known, &seen, roots);
    if stats.new + stats.updated + stats.removed + stats.recleaned > 0 || stats.failed > 0 {
        writer.commit().with_context(|| {
            format!(
                "committing the index at {} (it keeps its previous commit)",
                index.dir.display()
            )
        })?;
    }
    Ok(())
}

/// Removes the files a failed run wrote, so that a disk it filled does not stay
/// full: with the run's writer gone, a fresh one (holding the lock again) collects
/// every file of the index that no commit refers to. tantivy only ever collects
/// files it wrote itself.
fn remove_uncommitted_files(index: &DatelineIndex) {
    // Opened afresh, the index reads from disk the list of files tantivy wrote.
    if let Ok(reopened) = schema::open(&index.dir) {
        let writer = reopened.writer(1, WRITER_THREAD_BYTES);
        if let Ok(writer) = writer {
            let _ = writer.garbage_collect_files().wait();
        }
    }
    remove_stale_temporary_files(&index.dir);
}

/// The error of a run whose writer failed. tantivy tells `add_document` only that its
/// worker died; the cause (a full disk, say) is in the worker's result, which
/// preparing a commit collects. The prepared commit, if any, is abandoned.
fn writer_failure(writer: &mut IndexWriter, err: anyhow::Error, dir: &Path) -> anyhow::Error {
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

/// Counts and reports what the walk found besides article files.
fn report_walk(corpus: &ingest::Corpus, stats: &mut RunStats, observer: &mut dyn FnMut(Event)) {
    for path in &corpus.skipped {
        observer(Event::Skipped(path));
    }
    for path in &corpus.links {
        observer(Event::Note(
            path,
            "a symbolic link, not followed (--follow-links follows links)",
        ));
    }
    for (path, reason) in &corpus.unwalkable {
        stats.failed += 1;
        observer(Event::Failed(path, reason));
    }
    for (path, problem) in &corpus.manifest_problems {
        stats.problems += 1;
        observer(Event::Problem(path, problem));
    }
}

/// The memory each of tantivy's writer threads needs at least.
const WRITER_THREAD_BYTES: usize = 20 << 20;

/// How many of the `threads` asked for the memory budget runs: tantivy's writer gets
/// 40% of it and each of its threads needs [`WRITER_THREAD_BYTES`], so a small budget
/// runs fewer threads rather than exceeding itself.
fn threads_within(threads: usize, memory_bytes: usize) -> usize {
    let writer_memory = memory_bytes / 10 * 4;
    threads.clamp(1, (writer_memory / WRITER_THREAD_BYTES).max(1))
}

/// Opens tantivy's writer with 40% of the memory budget, after removing what an
/// interrupted run left; a second run on the same index is told the index is in use.
fn open_writer(index: &DatelineIndex, threads: usize, memory_bytes: usize) -> Result<IndexWriter> {
    let writer_memory = (memory_bytes / 10 * 4).max(threads * WRITER_THREAD_BYTES);
    let writer: IndexWriter = index
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

/// Gives the articles without a URL read in this run the site their folder's pages
/// with one name (by `hints` from the index and by this run's pages); returns the
/// hints for cleaning again.
fn give_folder_sites(files: &[CorpusFile], reads: &mut [Read], mut hints: SiteHints) -> SiteHints {
    for (file, read) in files.iter().zip(reads.iter()) {
        if let Read::Changed { lines, .. } = read {
            for site in lines.iter().filter_map(|a| a.url_site.as_deref()) {
                hints.add(&file.path, site);
            }
        }
    }
    for (file, read) in files.iter().zip(reads.iter_mut()) {
        let Read::Changed { lines, parsed, .. } = read else {
            continue;
        };
        let Some(site) = hints.site_for(&file.path) else {
            continue;
        };
        let source = learned::site_hash(Some(site));
        for (i, article) in lines.iter_mut().enumerate() {
            if article.url_site.is_some() || article.source == source {
                continue;
            }
            article.source = source;
            if let Some(extracted) = parsed.as_mut().and_then(|p| p.articles.get_mut(i)) {
                extracted.article.site = Some(site.to_string());
            }
        }
    }
    hints
}

/// The line counts of every article the index will hold after this run: those it
/// keeps (outside the run's roots, or unchanged) and those read anew.
fn count_lines(
    known: &HashMap<String, KnownFile>,
    files: &[CorpusFile],
    reads: &[Read],
    seen: &HashSet<Cow<str>>,
    roots: &[PathBuf],
) -> LineCounts {
    let replaced: HashSet<Cow<str>> = files
        .iter()
        .zip(reads)
        .filter(|(_, read)| !keeps_old(read))
        .map(|(file, _)| path_key(&file.path))
        .collect();
    let mut counts = LineCounts::default();
    for (path, file) in known {
        let under_root = roots.iter().any(|root| Path::new(path).starts_with(root));
        let stays =
            (!under_root || seen.contains(path.as_str())) && !replaced.contains(path.as_str());
        if stays {
            for article in file.articles.iter().filter(|a| a.source != 0) {
                counts.add(article.source, &article.line_keys);
            }
        }
    }
    for read in reads {
        if let Read::Changed { lines, .. } = read {
            for article in lines {
                if let Some(source) = article.source {
                    counts.add(source, &article.keys);
                }
            }
        }
    }
    counts
}

/// The files to index in the second phase: the changed ones, and the unchanged ones
/// whose articles' learned lines are no longer those they were cleaned with.
fn plan_writes<'a>(
    files: &'a [CorpusFile],
    reads: Vec<Read>,
    known: &HashMap<String, KnownFile>,
    learned: &Learned,
    stats: &mut RunStats,
) -> Vec<Work<'a>> {
    let mut work = Vec::new();
    for (file, read) in files.iter().zip(reads) {
        match read {
            Read::Changed {
                stamp,
                replaced,
                parsed,
                lines,
            } => work.push(Work {
                file,
                stamp: Some(stamp),
                replaced,
                parsed,
                lines,
            }),
            Read::Unchanged { .. } => {
                let Some(indexed) = known.get(path_key(&file.path).as_ref()) else {
                    continue;
                };
                let stale = indexed
                    .articles
                    .iter()
                    .any(|a| a.learned_digest != learned.digest(a.source, &a.line_keys));
                if stale {
                    stats.recleaned += 1;
                    work.push(Work {
                        file,
                        stamp: None,
                        replaced: true,
                        parsed: None,
                        lines: indexed
                            .articles
                            .iter()
                            .map(|a| ArticleLines {
                                source: (a.source != 0).then_some(a.source),
                                url_site: None,
                                keys: a.line_keys.clone(),
                            })
                            .collect(),
                    });
                }
            }
            Read::Unreadable(_) | Read::Unusable { .. } => {}
        }
    }
    work
}

/// Whether the index keeps a file's previous articles after this read.
fn keeps_old(read: &Read) -> bool {
    matches!(read, Read::Unchanged { .. } | Read::Unreadable(_))
}

/// What the workers of one run share.
struct Run<'a> {
    fields: Fields,
    writer: &'a IndexWriter,
    manifests: &'a Manifests,
    known: &'a HashMap<String, KnownFile>,
    /// The sites of each folder's pages with a URL.
    hints: &'a SiteHints,
    threads: usize,
}

/// A file to index in the second phase.
struct Work<'a> {
    file: &'a CorpusFile,
    /// The stamp read in the first phase; `None` for a file cleaned again, which is
    /// read anew.
    stamp: Option<FileStamp>,
    /// Whether its previous articles are to be deleted.
    replaced: bool,
    /// Its cleaned articles, when kept from the first phase.
    parsed: Option<Parsed>,
    /// The line keys of its articles as cleaned by the rules alone, in article order.
    lines: Vec<ArticleLines>,
}

/// What the second phase made of one file.
struct Written {
    articles: usize,
    undated: usize,
    /// Why it could not be indexed after all (it changed or vanished in between).
    failure: Option<String>,
}

impl Run<'_> {
    /// Phase one over all files; failures and problems are reported as they come.
    fn read_all(
        &self,
        files: &[CorpusFile],
        keep_budget: usize,
        stats: &mut RunStats,
        observer: &mut dyn FnMut(Event),
    ) -> Result<Vec<Read>> {
        let mut reads: Vec<Option<Read>> = (0..files.len()).map(|_| None).collect();
        let mut kept_bytes = 0usize;
        for_each_parallel(
            files.iter(),
            self.threads,
            |file| self.read(file),
            |i, mut read| {
                let path = &files[i].path;
                match &mut read {
                    Read::Unchanged { problems } => {
                        stats.unchanged += 1;
                        if *problems > 0 {
                            stats.problems += *problems as usize;
                            let message = format!(
                                "{problems} unreadable part(s), unchanged since they were reported"
                            );
                            observer(Event::Problem(path, &message));
                        }
                    }
                    Read::Changed {
                        replaced, parsed, ..
                    } => {
                        *if *replaced {
                            &mut stats.updated
                        } else {
                            &mut stats.new
                        } += 1;
                        if let Some(p) = parsed.as_ref() {
                            stats.problems += p.problems.len();
                            for problem in &p.problems {
                                observer(Event::Problem(path, problem));
                            }
                            for note in &p.notes {
                                observer(Event::Note(path, note));
                            }
                            kept_bytes += p
                                .articles
                                .iter()
                                .map(Extracted::approximate_size)
                                .sum::<usize>();
                        }
                        if kept_bytes > keep_budget {
                            *parsed = None;
                        }
                    }
                    Read::Unreadable(reason) => {
                        stats.failed += 1;
                        observer(Event::Failed(path, reason));
                    }
                    Read::Unusable { replaced, reason } => {
                        stats.failed += 1;
                        stats.removed += usize::from(*replaced);
                        observer(Event::Failed(path, reason));
                    }
                }
                reads[i] = Some(read);
                observer(Event::Done);
                Ok(())
            },
        )?;
        Ok(reads.into_iter().flatten().collect())
    }

    /// Phase one for one file: skip it if unchanged, else clean it and key its lines.
    fn read(&self, file: &CorpusFile) -> Read {
        let manifest = self.manifests.get(&file.path);
        let previous = self.known.get(path_key(&file.path).as_ref());
        let quick = quick_stamp(&file.path, manifest, &file.root);
        if let Some(known) = previous.filter(|k| quick != 0 && k.stamp.quick == quick) {
            return Read::Unchanged {
                problems: known.stamp.problems,
            };
        }
        let bytes = match std::fs::read(&file.path) {
            Ok(bytes) => bytes,
            Err(err) => return Read::Unreadable(format!("cannot read: {err}")),
        };
        let hash = content_hash(&bytes, manifest, &file.root);
        if let Some(known) = previous.filter(|k| k.stamp.hash == hash) {
            return Read::Unchanged {
                problems: known.stamp.problems,
            };
        }
        let replaced = previous.is_some();
        let context = ReadContext {
            manifest,
            article: extract::Context {
                hints: Some(self.hints),
                ..extract::Context::default()
            },
        };
        let mut parsed = match ingest::parse(file, &bytes, context) {
            Ok(parsed) => parsed,
            Err(err) => {
                if replaced {
                    self.writer.delete_term(Term::from_field_text(
                        self.fields.path,
                        &path_key(&file.path),
                    ));
                }
                return Read::Unusable {
                    replaced,
                    reason: format!("{err:#}"),
                };
            }
        };
        if parsed.lossy {
            parsed
                .notes
                .push("not valid UTF-8: decoded with replacement characters".to_string());
        }
        let lines = parsed
            .articles
            .iter()
            .map(|a| ArticleLines {
                source: learned::site_hash(a.article.site.as_deref()),
                url_site: a.article.site.clone().filter(|_| a.site_from_url),
                keys: learned::line_keys(&a.article, a.title_from_text),
            })
            .collect();
        Read::Changed {
            stamp: FileStamp {
                hash,
                problems: parsed.problems.len() as u64,
                quick,
            },
            replaced,
            lines,
            parsed: Some(parsed),
        }
    }

    /// Phase two over the files to index.
    fn write_all(
        &self,
        work: Vec<Work>,
        learned: &Learned,
        stats: &mut RunStats,
        observer: &mut dyn FnMut(Event),
    ) -> Result<()> {
        let files: Vec<&CorpusFile> = work.iter().map(|w| w.file).collect();
        for_each_parallel(
            work.into_iter(),
            self.threads,
            |work| self.write(work, learned),
            |i, written| {
                let written = written?;
                stats.articles += written.articles;
                stats.undated += written.undated;
                if let Some(reason) = &written.failure {
                    stats.failed += 1;
                    observer(Event::Failed(&files[i].path, reason));
                }
                observer(Event::Done);
                Ok(())
            },
        )
    }

    /// Phase two for one file: drop learned lines and add its articles.
    fn write(&self, work: Work, learned: &Learned) -> Result<Written> {
        let path = path_key(&work.file.path);
        let has_learned = work
            .lines
            .iter()
            .any(|a| a.source.is_some_and(|s| learned.digest(s, &a.keys) != 0));
        // Articles whose learned lines sit in the middle of the story only lose those
        // lines; the others are cleaned again from the file with the learned lines.
        let filter_only = |parsed: &Parsed| {
            parsed.articles.iter().all(|e| {
                learned::site_hash(e.article.site.as_deref()).is_none_or(|source| {
                    !learned.changes_more_than_body(
                        source,
                        &e.article,
                        e.title_from_file_name,
                        e.title_from_text,
                    )
                })
            })
        };
        let (stamp, parsed) = match (work.stamp, work.parsed) {
            (Some(stamp), Some(parsed)) if !has_learned => (stamp, parsed),
            (Some(stamp), Some(mut parsed)) if filter_only(&parsed) => {
                for e in &mut parsed.articles {
                    if let Some(source) = learned::site_hash(e.article.site.as_deref()) {
                        if let Some(body) = learned.filter_body(source, &e.article.body) {
                            e.article.body = body;
                        }
                    }
                }
                (stamp, parsed)
            }
            _ => match self.reread(work.file, learned) {
                Ok(read) => read,
                Err(reason) => {
                    return Ok(Written {
                        articles: 0,
                        undated: 0,
                        failure: Some(reason),
                    })
                }
            },
        };
        if work.replaced {
            self.writer
                .delete_term(Term::from_field_text(self.fields.path, &path));
        }
        let articles = parsed.articles.len();
        let mut undated = 0;
        let mut lines = work.lines.into_iter();
        for extracted in parsed.articles {
            let article = &extracted.article;
            let source = learned::site_hash(article.site.as_deref());
            // The keys of the lines as the rules alone left them, as they were counted.
            let keys = match lines.next() {
                Some(first_phase) => first_phase.keys,
                None => learned::line_keys(article, extracted.title_from_text),
            };
            undated += usize::from(article.date.is_none());
            let record = LineRecord {
                source: source.unwrap_or(0),
                learned_digest: source.map_or(0, |s| learned.digest(s, &keys)),
                line_keys: keys,
            };
            let doc = schema::encode(self.fields, article, stamp, &record);
            self.writer
                .add_document(doc)
                .with_context(|| format!("adding {path} to the index"))?;
        }
        Ok(Written {
            articles,
            undated,
            failure: None,
        })
    }

    /// Reads and cleans a file again in the second phase, with the learned boilerplate;
    /// an error says why it no longer can be.
    fn reread(
        &self,
        file: &CorpusFile,
        learned: &Learned,
    ) -> std::result::Result<(FileStamp, Parsed), String> {
        let bytes = std::fs::read(&file.path).map_err(|err| format!("cannot read: {err}"))?;
        let manifest = self.manifests.get(&file.path);
        let context = ReadContext {
            manifest,
            article: extract::Context {
                learned: Some(learned),
                hints: Some(self.hints),
                ..extract::Context::default()
            },
        };
        let parsed = ingest::parse(file, &bytes, context).map_err(|err| format!("{err:#}"))?;
        let stamp = FileStamp {
            hash: content_hash(&bytes, manifest, &file.root),
            problems: parsed.problems.len() as u64,
            quick: quick_stamp(&file.path, manifest, &file.root),
        };
        Ok((stamp, parsed))
    }
}

/// Runs `work` on every item on `threads` scoped threads and hands each result, with
/// the item's position, to `collect` on the calling thread. Items are taken one at a
/// time from the iterator, so owned items move to the worker that takes them. The
/// first error `collect` returns stops the workers and is returned.
fn for_each_parallel<T: Send, R: Send>(
    items: impl Iterator<Item = T> + Send,
    threads: usize,
    work: impl Fn(T) -> R + Sync,
    mut collect: impl FnMut(usize, R) -> Result<()>,
) -> Result<()> {
    let items = Mutex::new(items.enumerate());
    let stop = AtomicBool::new(false);
    let (sender, receiver) = mpsc::sync_channel::<(usize, R)>(256);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            let sender = sender.clone();
            let (items, stop, work) = (&items, &stop, &work);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    // A poisoned lock means another worker panicked: stop taking work.
                    let next = match items.lock() {
                        Ok(mut items) => items.next(),
                        Err(_) => None,
                    };
                    let Some((i, item)) = next else { break };
                    if sender.send((i, work(item))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut first_error = None;
        for (i, result) in receiver {
            if first_error.is_none() {
                if let Err(err) = collect(i, result) {
                    stop.store(true, Ordering::Relaxed);
                    first_error = Some(err);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    })
}

/// The boilerplate learned over the corpus in `index`, as its last run learned it.
pub fn learned_from_index(index: &DatelineIndex) -> Result<Learned> {
    let known = known::load(index)?;
    let mut counts = LineCounts::default();
    for article in known.files.values().flat_map(|file| &file.articles) {
        if article.source != 0 {
            counts.add(article.source, &article.line_keys);
        }
    }
    Ok(counts.learned())
}

/// Hash of everything an article's indexed form depends on.
fn content_hash(bytes: &[u8], manifest: Option<&ingest::ManifestEntry>, root: &Path) -> u64 {
    let mut hasher = stamp_hasher(manifest, root);
    hasher.update(bytes);
    hasher.digest()
}

/// A hash of a file's size, modification and change times and identity (device and
/// inode) with what else its articles depend on, to skip reading it when none
/// changed: an edit that keeps the size and puts the modification time back (`cp
/// -p`, `rsync -t`, `touch -r`) still changes the change time. 0 (never equal) when
/// a time is not known or so recent that the file may still be written within the
/// same tick.
fn quick_stamp(path: &Path, manifest: Option<&ingest::ManifestEntry>, root: &Path) -> u64 {
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
    let mut hasher = stamp_hasher(manifest, root);
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
fn path_key(path: &Path) -> Cow<'_, str> {
    path.to_string_lossy()
}

/// A hasher primed with everything besides a file's bytes that its articles depend on.
fn stamp_hasher(manifest: Option<&ingest::ManifestEntry>, root: &Path) -> xxhash_rust::xxh3::Xxh3 {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    hasher.update(&EXTRACTION_VERSION.to_le_bytes());
    hasher.update(root.as_os_str().as_encoded_bytes());
    hasher.update(&[0]);
    if let Some(entry) = manifest {
        hasher.update(serde_json::to_string(entry).unwrap_or_default().as_bytes());
    }
    hasher.update(&[0]);
    hasher
}

/// Deletes the articles of indexed files under `roots` that the walk did not see.
fn remove_vanished(
    fields: Fields,
    writer: &IndexWriter,
    indexed: &HashMap<String, KnownFile>,
    seen: &HashSet<Cow<str>>,
    roots: &[PathBuf],
) -> usize {
    let mut removed = 0;
    for path in indexed.keys() {
        let under_root = roots.iter().any(|root| Path::new(path).starts_with(root));
        if under_root && !seen.contains(path.as_str()) {
            writer.delete_term(Term::from_field_text(fields.path, path));
            removed += 1;
        }
    }
    removed
}

/// Adds articles that did not come from files (built in code) and commits. Articles
/// with the id of one already indexed replace it.
pub fn add_articles(index: &DatelineIndex, articles: &[Article]) -> Result<()> {
    let mut writer: IndexWriter = index
        .writer(1, 50 << 20)
        .context("opening the index for writing")?;
    for article in articles {
        writer.delete_term(Term::from_field_text(index.fields.id, &article.id));
        writer
            .add_document(schema::encode(
                index.fields,
                article,
                FileStamp::default(),
                &LineRecord::default(),
            ))
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
        let _holder: IndexWriter = index.writer(1, 50 << 20).unwrap();
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
}

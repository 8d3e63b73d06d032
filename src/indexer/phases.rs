//! A run's two phases over its files: the first reads, hashes and cleans what
//! changed and keys its lines; the second drops the learned lines and feeds tantivy's
//! writer.

use super::known::Known;
use super::listing::{corpus_file, Outcome, ReadRecord};
use super::pool::for_each_parallel;
use super::stamp::{path_key, quick_stamp, DependsOn, FileContent};
use super::tally::Tally;
use super::{Event, RunStats};
use crate::clean::learned::{self, Learned};
use crate::clean::line_counts::CountedArticle;
use crate::copies::{Fingerprint, Stories};
use crate::extract;
use crate::ingest::{
    self, CorpusFile, Extracted, JudgedFile, Manifests, Parsed, RawFile, ReadContext, SiteHints,
};
use crate::schema::{self, ArticleRecord, ArticleWriter, DocumentQueue, Fields, FileStamp};
use crate::spill::Spill;
use anyhow::{Context, Result};
use std::collections::{HashMap, HashSet};
use std::io;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use tantivy::Term;

/// The line keys of one article as a worker of the first phase found them, before
/// they are counted.
struct ArticleLines {
    /// The key of the article's site.
    source: Option<u64>,
    /// The site its URL names, if it has one (else it may take its folder's).
    url_site: Option<Box<str>>,
    keys: Vec<u64>,
    /// The fingerprint of its story as the rules alone left it.
    fingerprint: Fingerprint,
}

/// Where the second phase finds the line keys of a file's articles as the rules alone
/// left them, as they were counted.
pub(super) enum LinesOf {
    /// Counted by this run, one after the other.
    Counted(Range<u32>),
    /// As the index holds them (for a file cleaned again).
    Indexed(Vec<ArticleRecord>),
}

/// The place of the `article`-th article of the `file`-th file among the corpus's
/// articles, after those the index keeps.
fn read_order(file: usize, article: usize) -> u64 {
    (1 << 63) | ((file as u64) << 24) | (article as u64).min((1 << 24) - 1)
}

/// What the first phase made of one file.
enum Read {
    /// Indexed as it is; `problems` parts of it could not be read.
    Unchanged { problems: u64 },
    /// New or changed: to be indexed in the second phase.
    Changed {
        stamp: FileStamp,
        replaced: bool,
        /// What is kept of it for the second phase.
        kept: Kept,
    },
    /// Could not be read at all; its previous articles stay.
    Unreadable(String),
    /// Read but holds no usable article; its previous articles go.
    Unusable { replaced: bool, reason: String },
}

/// What the first phase keeps of a file for the second, as the memory budget allows.
pub(super) enum Kept {
    /// Its raw articles with their lines judged: built again without reading it.
    Raw(Box<RawFile>),
    /// How their lines were judged: read again without judging them.
    Judged(Box<JudgedFile>),
    /// Nothing: read and cleaned again.
    Nothing,
}

/// The bytes the first phase may keep for the second.
#[derive(Clone, Copy)]
pub(super) struct KeepBudget {
    /// For raw articles.
    pub(super) raw: usize,
    /// For the judgements of files whose raw articles do not fit.
    pub(super) judged: usize,
}

/// Keeps what the first phase read within a [`KeepBudget`], as the workers read it:
/// a file's articles are kept or let go before its read waits for the calling thread,
/// so that the reads waiting hold no more than the budget.
struct Keeper {
    budget: KeepBudget,
    raw_bytes: AtomicUsize,
    judged_bytes: AtomicUsize,
}

impl Keeper {
    fn new(budget: KeepBudget) -> Keeper {
        Keeper {
            budget,
            raw_bytes: AtomicUsize::new(0),
            judged_bytes: AtomicUsize::new(0),
        }
    }

    /// What to keep of a file's `raw` articles: themselves while they fit, else their
    /// judgements while those fit, else nothing.
    fn keep(&self, raw: RawFile) -> Kept {
        if reserve(&self.raw_bytes, raw.approximate_size(), self.budget.raw) {
            return Kept::Raw(Box::new(raw));
        }
        let judged = raw.into_judged();
        if reserve(
            &self.judged_bytes,
            judged.approximate_size(),
            self.budget.judged,
        ) {
            return Kept::Judged(Box::new(judged));
        }
        Kept::Nothing
    }
}

/// Adds `size` bytes to `used` if that stays within `limit`.
fn reserve(used: &AtomicUsize, size: usize, limit: usize) -> bool {
    used.fetch_update(Ordering::Relaxed, Ordering::Relaxed, |used| {
        used.checked_add(size).filter(|&total| total <= limit)
    })
    .is_ok()
}

/// What a worker of the first phase found in a file besides its read: parts of it
/// that could not be read and remarks, reported at once and never kept, and the
/// keys of its articles' lines, counted at once.
#[derive(Default)]
struct Found {
    problems: Vec<String>,
    notes: Vec<String>,
    lines: Vec<ArticleLines>,
}

/// Whether the index keeps a file's previous articles after this read.
fn keeps_old(read: &Read) -> bool {
    matches!(read, Read::Unchanged { .. } | Read::Unreadable(_))
}

/// Whether a read leaves the index's articles as they are: the file unchanged,
/// unreadable (its articles stay) or new and unusable.
fn leaves_index_as_it_is(read: &Read) -> bool {
    matches!(
        read,
        Read::Unchanged { .. }
            | Read::Unreadable(_)
            | Read::Unusable {
                replaced: false,
                ..
            }
    )
}

/// What the workers of one run share.
pub(super) struct Run<'a> {
    pub(super) fields: Fields,
    pub(super) writer: &'a ArticleWriter,
    pub(super) manifests: &'a Manifests,
    pub(super) known: &'a Known,
    /// The sites of each folder's pages with a URL.
    pub(super) hints: &'a SiteHints,
    /// The paths given to the run, which its files lie under.
    pub(super) roots: &'a [Arc<Path>],
    /// Where the run's lists that grow with the corpus are kept on disk.
    pub(super) spill_dir: &'a Path,
    pub(super) threads: usize,
    /// The documents waiting in tantivy's writer.
    pub(super) queue: &'a Arc<DocumentQueue>,
    /// Whether undated pages of web archives take the day of their capture.
    pub(super) undated_use_captured: bool,
}

/// A file to index in the second phase.
pub(super) struct Work {
    pub(super) file: CorpusFile,
    /// The stamp read in the first phase; `None` for a file cleaned again, which is
    /// read anew.
    pub(super) stamp: Option<FileStamp>,
    /// Whether its previous articles are to be deleted.
    pub(super) replaced: bool,
    /// What the first phase kept of it.
    pub(super) kept: Kept,
    /// The line keys of its articles as cleaned by the rules alone.
    pub(super) lines: LinesOf,
}

/// What the second phase made of one file.
struct Written {
    articles: usize,
    undated: usize,
    /// Why it could not be indexed after all (it changed or vanished in between).
    failure: Option<String>,
}

/// The keys of the lines of a file's articles as the rules alone left them, as they
/// were counted, with the fingerprint of each story and the story it belongs to.
fn counted_records<'t>(
    lines: LinesOf,
    tally: &'t Tally,
    stories: &'t Stories,
) -> Box<dyn Iterator<Item = io::Result<ArticleRecord>> + 't> {
    match lines {
        LinesOf::Counted(range) => Box::new(range.map(|n| {
            Ok(ArticleRecord {
                line_keys: tally.lines.keys(CountedArticle::nth(n))?,
                fingerprint: tally.copies.fingerprint(n)?,
                story: stories.of(n),
                ..ArticleRecord::default()
            })
        })),
        LinesOf::Indexed(records) => Box::new(records.into_iter().map(Ok)),
    }
}

/// Adds the articles of one file to the index in the second phase, one at a time,
/// removing the file's previous ones before the first.
struct Adder<'a> {
    run: &'a Run<'a>,
    path: String,
    stamp: FileStamp,
    learned: &'a Learned,
    counted: Box<dyn Iterator<Item = io::Result<ArticleRecord>> + 'a>,
    /// Whether the file's previous articles are still to be removed.
    replaced: bool,
    articles: usize,
    undated: usize,
    /// Whether tantivy's writer refused an article (the run cannot go on).
    adding_failed: bool,
}

impl Adder<'_> {
    fn add(&mut self, extracted: Extracted) -> Result<()> {
        let path = &self.path;
        if std::mem::take(&mut self.replaced) {
            self.run
                .writer
                .delete_term(Term::from_field_text(self.run.fields.path, path));
        }
        let article = &extracted.article;
        let source = learned::site_hash(article.site.as_deref());
        let counted = match self.counted.next() {
            Some(counted) => {
                counted.with_context(|| format!("reading back the line keys of {path}"))?
            }
            None => ArticleRecord {
                line_keys: learned::line_keys(article, extracted.title_from_text),
                ..ArticleRecord::default()
            },
        };
        self.undated += usize::from(article.date.is_none());
        let record = ArticleRecord {
            source: source.unwrap_or(0),
            learned_digest: source.map_or(0, |s| self.learned.digest(s, &counted.line_keys)),
            ..counted
        };
        let doc = schema::encode(self.run.fields, extracted.article, self.stamp, record)
            .queued(self.run.queue);
        if let Err(err) = self.run.writer.add_document(doc) {
            self.adding_failed = true;
            return Err(err).with_context(|| format!("adding {path} to the index"));
        }
        self.articles += 1;
        Ok(())
    }

    fn written(&self) -> Written {
        Written {
            articles: self.articles,
            undated: self.undated,
            failure: None,
        }
    }
}

/// The lines of an article as the first phase keys them.
fn article_lines(extracted: &Extracted) -> ArticleLines {
    let article = &extracted.article;
    ArticleLines {
        source: learned::site_hash(article.site.as_deref()),
        url_site: article
            .site
            .as_deref()
            .filter(|_| extracted.site_from_url)
            .map(Box::from),
        keys: learned::line_keys(article, extracted.title_from_text),
        fingerprint: Fingerprint::of(&article.title, &article.body),
    }
}

/// What the first phase leaves for the rest of the run besides the line counts.
pub(super) struct FirstPhase<'k> {
    /// The files unchanged, new or changed, in the order they were read.
    pub(super) reads: Spill<ReadRecord>,
    /// What was kept of changed files, by their place in the walk.
    pub(super) kept: HashMap<usize, Kept>,
    /// The indexed files the walk saw.
    pub(super) seen: HashSet<&'k str>,
    /// The indexed files whose articles the run replaces or removes.
    pub(super) replaced: HashSet<&'k str>,
    /// Whether the reads leave the index's articles as they are: every file unchanged,
    /// unreadable (its articles stay) or new and unusable.
    pub(super) leaves_index: bool,
}

impl<'a> Run<'a> {
    /// Phase one over the files `listed`; failures and problems are reported as they
    /// come, the lines of each article are counted in `counts` and the site each
    /// page's URL names is added to the `hints` of its folder.
    pub(super) fn read_all(
        &self,
        listed: &mut Spill<PathBuf>,
        budget: KeepBudget,
        tally: &mut Tally,
        hints: &mut SiteHints,
        stats: &mut RunStats,
        observer: &mut dyn FnMut(Event),
    ) -> Result<FirstPhase<'a>> {
        let mut phase = FirstPhase {
            reads: Spill::new(self.spill_dir)?,
            kept: HashMap::new(),
            seen: HashSet::new(),
            replaced: HashSet::new(),
            leaves_index: true,
        };
        let keeper = Keeper::new(budget);
        let known = &self.known.files;
        for_each_parallel(
            listed.records()?,
            self.threads,
            |listed| -> io::Result<_> {
                let file = corpus_file(listed?, self.roots)?;
                let (read, found) = self.read(&file, &keeper);
                Ok((file, read, found))
            },
            |i, result| {
                let (file, read, found) = result?;
                let path = &file.path;
                let indexed = known.get_key_value(path_key(path).as_ref());
                if let Some((indexed, _)) = indexed {
                    phase.seen.insert(indexed);
                    if !keeps_old(&read) {
                        phase.replaced.insert(indexed);
                    }
                }
                phase.leaves_index &= leaves_index_as_it_is(&read);
                let outcome = match read {
                    Read::Unchanged { problems } => {
                        stats.unchanged += 1;
                        if problems > 0 {
                            stats.problems += problems as usize;
                            let message = format!(
                                "{problems} unreadable part(s), unchanged since they were reported"
                            );
                            observer(Event::Problem(path, &message));
                        }
                        Some(Outcome::Unchanged)
                    }
                    Read::Changed {
                        stamp,
                        replaced,
                        kept,
                    } => {
                        *if replaced {
                            &mut stats.updated
                        } else {
                            &mut stats.new
                        } += 1;
                        stats.problems += found.problems.len();
                        for problem in &found.problems {
                            observer(Event::Problem(path, problem));
                        }
                        for note in &found.notes {
                            observer(Event::Note(path, note));
                        }
                        // Counted one after the other: the file's articles are a range.
                        let first = tally.lines.counted();
                        for (j, article) in found.lines.into_iter().enumerate() {
                            let order = read_order(i, j);
                            let counted = tally.add(
                                article.source,
                                order,
                                &article.keys,
                                Some(&article.fingerprint),
                            )?;
                            if let Some(site) = &article.url_site {
                                tally.lines.keep_site(counted);
                                hints.add(path, site);
                            }
                        }
                        let articles = first..tally.lines.counted();
                        if !matches!(kept, Kept::Nothing) {
                            phase.kept.insert(i, kept);
                        }
                        Some(Outcome::Changed {
                            stamp,
                            replaced,
                            articles,
                        })
                    }
                    Read::Unreadable(reason) => {
                        stats.failed += 1;
                        observer(Event::Failed(path, &reason));
                        None
                    }
                    Read::Unusable { replaced, reason } => {
                        stats.failed += 1;
                        stats.removed += usize::from(replaced);
                        observer(Event::Failed(path, &reason));
                        None
                    }
                };
                if let Some(outcome) = outcome {
                    let record = ReadRecord {
                        position: i,
                        path: file.path,
                        outcome,
                    };
                    phase.reads.push(&record)?;
                }
                observer(Event::Done);
                Ok(())
            },
        )?;
        Ok(phase)
    }

    /// Phase one for one file: skip it if unchanged, else clean it and key its lines.
    fn read(&self, file: &CorpusFile, keeper: &Keeper) -> (Read, Found) {
        let mut found = Found::default();
        let read = self.read_into(file, keeper, &mut found);
        (read, found)
    }

    fn read_into(&self, file: &CorpusFile, keeper: &Keeper, found: &mut Found) -> Read {
        let manifest = self.manifests.entry(&file.path);
        let manifest = manifest.as_deref();
        let depends = self.depends_on(file, manifest);
        let previous = self.known.files.get(path_key(&file.path).as_ref());
        let quick = quick_stamp(&file.path, depends);
        if let Some(known) = previous.filter(|k| quick != 0 && k.stamp.quick == quick) {
            return Read::Unchanged {
                problems: known.stamp.problems,
            };
        }
        let content = match FileContent::read(file, depends) {
            Ok(content) => content,
            Err(err) => return Read::Unreadable(format!("cannot read: {err}")),
        };
        let hash = content.hash;
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
                undated_use_captured: self.undated_use_captured,
                ..extract::Context::default()
            },
            keep_raw: true,
            judged: None,
        };
        let read = if content.is_stream() {
            self.stream_into(file, context, keeper, found)
        } else {
            content.parse(file, context).map(|mut parsed| {
                if parsed.lossy {
                    parsed
                        .notes
                        .push("not valid UTF-8: decoded with replacement characters".to_string());
                }
                found.lines = parsed.articles.iter().map(article_lines).collect();
                let kept = parsed.raw.map_or(Kept::Nothing, |raw| keeper.keep(raw));
                (parsed.problems, parsed.notes, kept)
            })
        };
        let (problems, notes, kept) = match read {
            Ok(read) => read,
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
        let stamp = FileStamp {
            hash,
            problems: problems.len() as u64,
            quick,
        };
        found.problems = problems;
        found.notes = notes;
        Read::Changed {
            stamp,
            replaced,
            kept,
        }
    }

    /// Phase one for a web archive, read as a stream: each article's lines are keyed
    /// as it comes, and its raw article kept while the budget allows all of them.
    fn stream_into(
        &self,
        file: &CorpusFile,
        context: ReadContext,
        keeper: &Keeper,
        found: &mut Found,
    ) -> Result<(Vec<String>, Vec<String>, Kept)> {
        let mut kept = Some(Vec::new());
        let mut reserved = 0;
        let streamed = ingest::stream_archive(file, context, &mut |extracted, raw| {
            found.lines.push(article_lines(&extracted));
            if let (Some(articles), Some(raw)) = (kept.as_mut(), raw) {
                let size = raw.approximate_size();
                if reserve(&keeper.raw_bytes, size, keeper.budget.raw) {
                    reserved += size;
                    articles.push(raw);
                } else {
                    kept = None;
                }
            }
            Ok(())
        });
        if kept.is_none() || streamed.is_err() {
            keeper.raw_bytes.fetch_sub(reserved, Ordering::Relaxed);
            kept = None;
        }
        let streamed = streamed?;
        let kept = match kept {
            Some(articles) => Kept::Raw(Box::new(RawFile::archive(articles))),
            None => Kept::Nothing,
        };
        Ok((streamed.problems, streamed.notes, kept))
    }

    /// Phase two over the files to index.
    pub(super) fn write_all(
        &self,
        work: impl Iterator<Item = io::Result<Work>> + Send,
        tally: &Tally,
        stories: &Stories,
        learned: &Learned,
        stats: &mut RunStats,
        observer: &mut dyn FnMut(Event),
    ) -> Result<()> {
        for_each_parallel(
            work,
            self.threads,
            |work| -> Result<_> {
                let work = work.context(
                    "reading back the run's list of files (the index keeps its previous commit)",
                )?;
                let path = work.file.path.clone();
                Ok((path, self.write(work, tally, stories, learned)?))
            },
            |_, written| {
                let (path, written) = written?;
                stats.articles += written.articles;
                stats.undated += written.undated;
                if let Some(reason) = &written.failure {
                    stats.failed += 1;
                    observer(Event::Failed(&path, reason));
                }
                observer(Event::Done);
                Ok(())
            },
        )
    }

    /// Phase two for one file: build its articles with the learned lines and add them.
    fn write(
        &self,
        work: Work,
        tally: &Tally,
        stories: &Stories,
        learned: &Learned,
    ) -> Result<Written> {
        let failed = |reason: String| Written {
            articles: 0,
            undated: 0,
            failure: Some(reason),
        };
        let mut adder = Adder {
            run: self,
            path: path_key(&work.file.path).into_owned(),
            stamp: FileStamp::default(),
            learned,
            counted: counted_records(work.lines, tally, stories),
            replaced: work.replaced,
            articles: 0,
            undated: 0,
            adding_failed: false,
        };
        // A web archive read again is read as a stream, its articles added as they
        // come.
        if work.file.format == ingest::Format::Warc && !matches!(work.kept, Kept::Raw(_)) {
            adder.stamp = match self.archive_stamp(&work.file, work.stamp) {
                Ok(stamp) => stamp,
                Err(reason) => return Ok(failed(reason)),
            };
            let manifest = self.manifests.entry(&work.file.path);
            let context = ReadContext {
                manifest: manifest.as_deref(),
                article: self.article_context(learned),
                keep_raw: false,
                judged: None,
            };
            let streamed = ingest::stream_archive(&work.file, context, &mut |extracted, _| {
                adder.add(extracted)
            });
            return match streamed {
                Ok(_) => Ok(adder.written()),
                Err(err) if adder.adding_failed => Err(err),
                Err(err) => Ok(failed(format!("{err:#}"))),
            };
        }
        let built = match (work.stamp, &work.kept) {
            (Some(stamp), Kept::Raw(raw)) => {
                let context = self.article_context(learned);
                ingest::build(&work.file, raw, context)
                    .map(|parsed| (stamp, parsed))
                    .map_err(|err| format!("{err:#}"))
            }
            (stamp, Kept::Judged(judged)) => self.reread(&work.file, learned, stamp, Some(judged)),
            (stamp, _) => self.reread(&work.file, learned, stamp, None),
        };
        let (stamp, parsed) = match built {
            Ok(built) => built,
            Err(reason) => return Ok(failed(reason)),
        };
        adder.stamp = stamp;
        for extracted in parsed.articles {
            adder.add(extracted)?;
        }
        Ok(adder.written())
    }

    /// The stamp of a web archive read again in the second phase: as the first phase
    /// read it (`read`), or as the index holds it for one cleaned again; an error
    /// says the archive changed meanwhile.
    fn archive_stamp(
        &self,
        file: &CorpusFile,
        read: Option<FileStamp>,
    ) -> std::result::Result<FileStamp, String> {
        let manifest = self.manifests.entry(&file.path);
        let depends = self.depends_on(file, manifest.as_deref());
        let content =
            FileContent::read(file, depends).map_err(|err| format!("cannot read: {err}"))?;
        let expected = read.or_else(|| {
            let known = self.known.files.get(path_key(&file.path).as_ref())?;
            Some(known.stamp)
        });
        match expected {
            Some(stamp) if stamp.hash == content.hash => Ok(stamp),
            _ => Err("it changed while it was being indexed: run dateline index again".into()),
        }
    }

    /// How the second phase builds articles: with the learned lines and the sites of
    /// every folder.
    fn article_context<'l>(&'l self, learned: &'l Learned) -> extract::Context<'l> {
        extract::Context {
            learned: Some(learned),
            hints: Some(self.hints),
            undated_use_captured: self.undated_use_captured,
            ..extract::Context::default()
        }
    }

    /// What `file`'s articles depend on besides its bytes, in this run.
    fn depends_on<'f>(
        &self,
        file: &'f CorpusFile,
        manifest: Option<&'f ingest::ManifestEntry>,
    ) -> DependsOn<'f> {
        DependsOn {
            manifest,
            root: &file.root,
            captured_dates: self.undated_use_captured && file.format == ingest::Format::Warc,
        }
    }

    /// Reads and cleans a file again in the second phase, with the learned boilerplate
    /// and, when it is as the first phase read it (`read`), the judgements of its
    /// lines then; an error says why it no longer can be.
    fn reread(
        &self,
        file: &CorpusFile,
        learned: &Learned,
        read: Option<FileStamp>,
        judged: Option<&JudgedFile>,
    ) -> std::result::Result<(FileStamp, Parsed), String> {
        let manifest = self.manifests.entry(&file.path);
        let manifest = manifest.as_deref();
        let depends = self.depends_on(file, manifest);
        let content =
            FileContent::read(file, depends).map_err(|err| format!("cannot read: {err}"))?;
        let hash = content.hash;
        let context = ReadContext {
            manifest,
            article: self.article_context(learned),
            keep_raw: false,
            judged: judged.filter(|_| read.is_some_and(|stamp| stamp.hash == hash)),
        };
        let parsed = content
            .parse(file, context)
            .map_err(|err| format!("{err:#}"))?;
        let stamp = FileStamp {
            hash,
            problems: parsed.problems.len() as u64,
            quick: quick_stamp(&file.path, depends),
        };
        Ok((stamp, parsed))
    }
}

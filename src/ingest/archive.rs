//! Web archives as articles: the pages of an archive's records, read a batch of
//! records at a time, each batch's pages parsed and cleaned on all threads, so that
//! an archive of any size holds one batch in memory (besides what its reader keeps
//! of each article). A page whose payload repeats one read before in the archive
//! gives no second article; what is not a page is counted in a note.

use super::{build_one, html, warc, CorpusFile, Extracted, ManifestEntry, RawFile, ReadContext};
use crate::clean;
use crate::extract::{self, RawArticle};
use anyhow::{bail, Context, Result};
use rayon::iter::{IntoParallelIterator, ParallelIterator};
use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, Read};

/// How many records are read, and their pages cleaned, together.
const BATCH_RECORDS: usize = 256;

/// Messages, each with the record it is about.
type Numbered = Vec<(usize, String)>;

/// The pages of a web archive, a batch at a time.
struct Pages<'m, R> {
    records: warc::Records<R>,
    manifest: Option<&'m ManifestEntry>,
    /// The hashes of the payloads read so far.
    payloads: HashSet<u64>,
    /// The records that gave no page, by why.
    skipped: BTreeMap<warc::Skip, usize>,
    /// Parts that could not be read, with their record.
    problems: Numbered,
    records_read: usize,
    pages: usize,
    /// Why the records stopped before the archive's end.
    stopped: Option<warc::RecordError>,
    ended: bool,
}

impl<'m, R: BufRead + Send> Pages<'m, R> {
    fn new(records: warc::Records<R>, manifest: Option<&'m ManifestEntry>) -> Self {
        Pages {
            records,
            manifest,
            payloads: HashSet::new(),
            skipped: BTreeMap::new(),
            problems: Vec::new(),
            records_read: 0,
            pages: 0,
            stopped: None,
            ended: false,
        }
    }

    /// The pages of the next batch of records, as raw articles in the archive's
    /// order; `None` once the archive is read.
    fn next_batch(&mut self) -> Option<Vec<RawArticle>> {
        if self.ended {
            return None;
        }
        let mut batch = Vec::with_capacity(BATCH_RECORDS);
        while batch.len() < BATCH_RECORDS {
            match self.records.next() {
                Some(Ok(record)) => batch.push(record),
                Some(Err(err)) => {
                    self.stopped = Some(err);
                    self.ended = true;
                }
                None => self.ended = true,
            }
            if self.ended {
                break;
            }
        }
        if batch.is_empty() {
            return None;
        }
        self.records_read += batch.len();
        let manifest = self.manifest;
        let pages: Vec<(usize, Result<Captured, warc::Skip>)> = batch
            .into_par_iter()
            .map(|record| (record.number, archived_article(record, manifest)))
            .collect();
        let mut articles = Vec::with_capacity(pages.len());
        for (number, page) in pages {
            let skip = match page {
                Ok(Captured { article, digest }) if self.payloads.insert(digest) => {
                    articles.push(article);
                    continue;
                }
                Ok(_) => warc::Skip::Repeated,
                Err(warc::Skip::Unreadable(why)) => {
                    self.problems
                        .push((number, format!("record {number}: {why}")));
                    warc::Skip::Unreadable(String::new())
                }
                Err(skip) => skip,
            };
            *self.skipped.entry(skip).or_default() += 1;
        }
        self.pages += articles.len();
        Some(articles)
    }

    /// The problems (with their records) and notes of the archive once read, or why
    /// it gives nothing, when `articles` is 0.
    fn finish(mut self, articles: usize) -> Result<(Numbered, Vec<String>)> {
        let records = self.records_read;
        if let Some(err) = self.stopped.take() {
            let rest = if records > 0 {
                "; the records before it are read"
            } else {
                ""
            };
            self.problems.push((err.number(), format!("{err}{rest}")));
        }
        let what_else = self
            .skipped
            .iter()
            .map(|(skip, count)| skip.counted(*count))
            .collect::<Vec<_>>()
            .join(", ");
        if self.pages == 0 {
            match self.problems.first() {
                Some((_, first)) if records == 0 => bail!("no readable record ({first})"),
                _ if records == 0 => bail!("empty web archive: no record"),
                _ => bail!("no HTML page in the web archive's {records} records ({what_else})"),
            }
        }
        if articles == 0 {
            bail!(
                "no readable article ({})",
                self.problems
                    .first()
                    .map_or(super::NOTHING_LEFT, |(_, p)| p.as_str())
            );
        }
        let mut notes = Vec::new();
        if !self.skipped.is_empty() {
            notes.push(format!(
                "{} pages of {records} records; skipped {what_else}",
                self.pages
            ));
        }
        Ok((self.problems, notes))
    }
}

/// Reads a web archive's pages whole into memory, as raw articles.
pub(super) fn read_archive(
    input: impl Read + Send,
    manifest: Option<&ManifestEntry>,
) -> Result<RawFile> {
    let records = warc::records(input).context("cannot read")?;
    let mut pages = Pages::new(records, manifest);
    let mut articles = Vec::new();
    while let Some(batch) = pages.next_batch() {
        articles.extend(batch);
    }
    let (problems, notes) = pages.finish(articles.len())?;
    Ok(RawFile {
        format: super::Format::Warc,
        articles,
        problems,
        notes,
    })
}

/// What reading a web archive as a stream gave besides its articles.
#[derive(Debug, Default)]
pub struct Streamed {
    /// One message per part that could not be used (a record cut short).
    pub problems: Vec<String>,
    /// Remarks: what the archive held besides pages, unreadable dates.
    pub notes: Vec<String>,
    /// How many articles were handed over.
    pub articles: usize,
}

/// Reads the articles of the web archive `file` as a stream, a batch of records at a
/// time, each batch's pages read and cleaned on all threads, and hands each article
/// to `each` in the archive's order, with its raw article (its lines judged) when
/// `context` asks to keep them. An error means nothing in it could be used; the
/// first error `each` returns stops the reading.
pub fn stream_archive(
    file: &CorpusFile,
    context: ReadContext,
    each: &mut dyn FnMut(Extracted, Option<RawArticle>) -> Result<()>,
) -> Result<Streamed> {
    let input = std::fs::File::open(&file.path).context("cannot read")?;
    let records = warc::records(input).context("cannot read")?;
    let mut pages = Pages::new(records, context.manifest);
    let mut streamed = Streamed::default();
    let mut problems = Vec::new();
    while let Some(batch) = pages.next_batch() {
        let built: Vec<(RawArticle, super::Built)> = batch
            .into_par_iter()
            .map(|mut raw| {
                if context.keep_raw && raw.judged.is_none() {
                    raw.judged = Some(clean::Judged::of(&raw.text));
                }
                let built = build_one(file, &raw, context.article);
                (raw, built)
            })
            .collect();
        for (raw, built) in built {
            streamed.notes.extend(built.note);
            match built.article {
                Some(article) => {
                    streamed.articles += 1;
                    each(article, context.keep_raw.then_some(raw))?;
                }
                None => problems.push((raw.line.unwrap_or(0), built.problem)),
            }
        }
    }
    let (mut read_problems, notes) = pages.finish(streamed.articles)?;
    read_problems.extend(problems);
    read_problems.sort_by_key(|(n, _)| *n);
    streamed.problems = read_problems.into_iter().map(|(_, p)| p).collect();
    streamed.notes.splice(0..0, notes);
    Ok(streamed)
}

/// A page of a web archive as a raw article.
struct Captured {
    article: RawArticle,
    /// The hash of the page's payload.
    digest: u64,
}

/// The raw article of the page a web archive's `record` holds.
fn archived_article(
    record: warc::Record,
    manifest: Option<&ManifestEntry>,
) -> Result<Captured, warc::Skip> {
    let number = record.number;
    let page = warc::page(record)?;
    let mut article = html::read(&page.html);
    if article.text.trim().is_empty() {
        return Err(warc::Skip::Empty);
    }
    article.line = Some(number);
    if let Some(target) = &page.target {
        article
            .candidates
            .add(extract::Field::Url, extract::Origin::Archive, target);
    }
    article.captured = page
        .captured
        .as_deref()
        .and_then(crate::date::parse_instant);
    if let Some(entry) = manifest {
        entry.add_to(&mut article.candidates);
    }
    Ok(Captured {
        article,
        digest: page.digest,
    })
}

//! What the index already holds, read from its fast fields without loading any stored
//! document: each file's stamp, held for the whole run, and each article's source and
//! line keys for learning boilerplate, read again from the index each time they are
//! needed instead of held (they would be most of a run's memory over a large index).

use crate::copies::Fingerprint;
use crate::extract::SiteHints;
use crate::schema::{names, DatelineIndex, FileStamp};
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::Path;
use tantivy::Searcher;

/// One indexed file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KnownFile {
    /// How the file was when indexed.
    pub stamp: FileStamp,
}

/// What the index holds: every file by stored path, and the sites its pages with a
/// URL name by folder.
#[derive(Default)]
pub struct Known {
    /// Every file in the index, by stored path.
    pub files: HashMap<Box<str>, KnownFile>,
    /// The sites the index's articles with a URL belong to, by folder (see
    /// [`SiteHints`]). A stored site is taken for a URL's when it reads as a
    /// registrable domain; a folder's name or a source's seldom does.
    pub hints: SiteHints,
    /// The index as it was read, whose articles [`Known::for_each_article`] reads.
    searcher: Option<Searcher>,
}

/// An indexed article as learning boilerplate sees it.
#[derive(Debug, Clone, Copy)]
pub struct KnownArticle<'a> {
    /// The stored path of its file.
    pub path: &'a str,
    /// The key of its site; 0 for none.
    pub source: u64,
    /// The keys of its lines as the rules alone left them, sorted.
    pub line_keys: &'a [u64],
    /// The digest of the learned lines it was cleaned with.
    pub learned_digest: u64,
    /// The fingerprint of its story, as the rules alone left it.
    pub fingerprint: Option<Fingerprint>,
    /// The group of copies it belongs to, 0 for none.
    pub story: u64,
}

/// Reads what the index holds, in one pass over its fast fields.
pub fn load(index: &DatelineIndex) -> Result<Known> {
    crate::schema::guard(&index.dir, || read(index))
}

fn read(index: &DatelineIndex) -> Result<Known> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut known = Known::default();
    for segment in searcher.segment_readers() {
        let Some(paths) = SegmentPaths::read(segment)? else {
            continue;
        };
        let sites = segment
            .fast_fields()
            .str(names::SITE)
            .context("reading indexed sites")?;
        let hashes = column(segment, names::FILE_HASH)?;
        let problems = column(segment, names::FILE_PROBLEMS)?;
        let quick = column(segment, names::FILE_QUICK)?;
        // Each site once, with whether it reads as a URL's registrable domain.
        let domains: Vec<Option<String>> = match &sites {
            Some(sites) => terms(sites)
                .context("reading indexed sites")?
                .into_iter()
                .map(|site| (psl::domain_str(&site) == Some(site.as_str())).then_some(site))
                .collect(),
            None => Vec::new(),
        };
        for doc in segment.doc_ids_alive() {
            let (Some(path), Some(hash)) = (paths.of(doc), hashes.first(doc)) else {
                continue;
            };
            let domain = sites
                .as_ref()
                .and_then(|s| s.term_ords(doc).next())
                .and_then(|site| domains.get(site as usize)?.as_deref());
            if let Some(domain) = domain {
                known.hints.add(Path::new(path), domain);
            }
            if !known.files.contains_key(path) {
                let stamp = FileStamp {
                    hash,
                    problems: problems.first(doc).unwrap_or(0),
                    quick: quick.first(doc).unwrap_or(0),
                };
                known.files.insert(path.into(), KnownFile { stamp });
            }
        }
    }
    known.searcher = Some(searcher);
    Ok(known)
}

impl Known {
    /// Hands every indexed article to `each`, segment by segment, as the index was
    /// when it was loaded; the first error `each` returns stops the pass.
    pub fn for_each_article(&self, mut each: impl FnMut(KnownArticle) -> Result<()>) -> Result<()> {
        let Some(searcher) = &self.searcher else {
            return Ok(());
        };
        let mut keys = Vec::new();
        for segment in searcher.segment_readers() {
            let Some(paths) = SegmentPaths::read(segment)? else {
                continue;
            };
            let sources = column(segment, names::SOURCE_KEY)?;
            let line_keys = column(segment, names::LINE_KEYS)?;
            let digests = column(segment, names::LEARNED_DIGEST)?;
            let fingerprints = column(segment, names::FINGERPRINT)?;
            let stories = column(segment, names::STORY)?;
            let mut values = Vec::new();
            for doc in segment.doc_ids_alive() {
                let Some(path) = paths.of(doc) else {
                    continue;
                };
                keys.clear();
                keys.extend(line_keys.values_for_doc(doc));
                keys.sort_unstable();
                values.clear();
                values.extend(fingerprints.values_for_doc(doc));
                each(KnownArticle {
                    path,
                    source: sources.first(doc).unwrap_or(0),
                    line_keys: &keys,
                    learned_digest: digests.first(doc).unwrap_or(0),
                    fingerprint: Fingerprint::from_values(&values),
                    story: stories.first(doc).unwrap_or(0),
                })?;
            }
        }
        Ok(())
    }
}

/// The stored paths of a segment's documents.
struct SegmentPaths {
    column: tantivy::columnar::StrColumn,
    /// The column's terms by ordinal.
    by_ord: Vec<String>,
}

impl SegmentPaths {
    /// The segment's paths, if it has any.
    fn read(segment: &tantivy::SegmentReader) -> Result<Option<SegmentPaths>> {
        let reading = || "reading indexed paths";
        let Some(column) = segment.fast_fields().str(names::PATH).context(reading())? else {
            return Ok(None);
        };
        let by_ord = terms(&column).context(reading())?;
        Ok(Some(SegmentPaths { column, by_ord }))
    }

    /// The stored path of document `doc`.
    fn of(&self, doc: tantivy::DocId) -> Option<&str> {
        let ord = self.column.term_ords(doc).next()?;
        self.by_ord.get(ord as usize).map(String::as_str)
    }
}

/// A u64 column of a segment.
fn column(segment: &tantivy::SegmentReader, name: &str) -> Result<tantivy::columnar::Column<u64>> {
    segment
        .fast_fields()
        .u64(name)
        .with_context(|| format!("reading the index's {name} column"))
}

/// A string column's terms in ordinal order, read in one pass over its dictionary
/// (looking each up by ordinal decompresses a block per document).
fn terms(column: &tantivy::columnar::StrColumn) -> Result<Vec<String>> {
    let mut terms = Vec::with_capacity(column.num_terms());
    let mut stream = column.dictionary().stream()?;
    while stream.advance() {
        terms.push(String::from_utf8_lossy(stream.key()).into_owned());
    }
    Ok(terms)
}

//! What the index already holds, read from its fast fields without loading any stored
//! document: each file's stamp, and each article's source and line keys for learning
//! boilerplate.

use crate::extract::SiteHints;
use crate::schema::{names, DatelineIndex, FileStamp, LineRecord};
use anyhow::{Context, Result};
use std::collections::HashMap;
use std::path::Path;

/// One indexed file and its articles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownFile {
    /// How the file was when indexed.
    pub stamp: FileStamp,
    /// Its articles.
    pub articles: Vec<LineRecord>,
}

/// What the index holds: every file by stored path, and the sites its pages with a
/// URL name by folder.
#[derive(Debug, Default)]
pub struct Known {
    /// Every file in the index, by stored path.
    pub files: HashMap<String, KnownFile>,
    /// The sites the index's articles with a URL belong to, by folder (see
    /// [`SiteHints`]). A stored site is taken for a URL's when it reads as a
    /// registrable domain; a folder's name or a source's seldom does.
    pub hints: SiteHints,
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
        let fast = segment.fast_fields();
        let Some(paths) = fast.str(names::PATH).context("reading indexed paths")? else {
            continue;
        };
        let sites = fast.str(names::SITE).context("reading indexed sites")?;
        let column = |name: &str| {
            fast.u64(name)
                .with_context(|| format!("reading the index's {name} column"))
        };
        let hashes = column(names::FILE_HASH)?;
        let problems = column(names::FILE_PROBLEMS)?;
        let quick = column(names::FILE_QUICK)?;
        let sources = column(names::SOURCE_KEY)?;
        let line_keys = column(names::LINE_KEYS)?;
        let digests = column(names::LEARNED_DIGEST)?;
        let by_ord = terms(&paths).context("reading indexed paths")?;
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
            let (Some(ord), Some(hash)) = (paths.term_ords(doc).next(), hashes.first(doc)) else {
                continue;
            };
            let Some(path) = by_ord.get(ord as usize) else {
                continue;
            };
            let domain = sites
                .as_ref()
                .and_then(|s| s.term_ords(doc).next())
                .and_then(|site| domains.get(site as usize)?.as_deref());
            if let Some(domain) = domain {
                known.hints.add(Path::new(path), domain);
            }
            let file = known
                .files
                .entry(path.clone())
                .or_insert_with(|| KnownFile {
                    stamp: FileStamp {
                        hash,
                        problems: problems.first(doc).unwrap_or(0),
                        quick: quick.first(doc).unwrap_or(0),
                    },
                    articles: Vec::new(),
                });
            file.articles.push(LineRecord {
                source: sources.first(doc).unwrap_or(0),
                line_keys: sorted(line_keys.values_for_doc(doc)),
                learned_digest: digests.first(doc).unwrap_or(0),
            });
        }
    }
    Ok(known)
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

fn sorted(values: impl Iterator<Item = u64>) -> Vec<u64> {
    let mut values: Vec<u64> = values.collect();
    values.sort_unstable();
    values
}

//! Index statistics: article counts by year and by source, the span of dates, and the
//! size on disk, read from fast fields without loading any document.

use crate::indexer::datetime_to_day;
use crate::schema::{self, names, DatelineIndex};
use anyhow::{Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;

/// What `dateline stats` reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexStats {
    /// Articles in the index.
    pub articles: u64,
    /// Articles without a publication date.
    pub undated: u64,
    /// The earliest publication day.
    #[serde(with = "crate::article::optional_day")]
    pub first_date: Option<time::Date>,
    /// The latest publication day.
    #[serde(with = "crate::article::optional_day")]
    pub last_date: Option<time::Date>,
    /// Dated articles per year.
    pub per_year: BTreeMap<i32, u64>,
    /// Articles per source; articles without one count under `(none)`.
    pub per_source: BTreeMap<String, u64>,
    /// Bytes the index takes on disk.
    pub size_bytes: u64,
}

/// The label of articles without a source.
pub const NO_SOURCE: &str = "(none)";

/// Reads the statistics of `index`.
pub fn collect(index: &DatelineIndex) -> Result<IndexStats> {
    let reader = index
        .index
        .reader()
        .context("opening the index for reading")?;
    let searcher = reader.searcher();
    let mut stats = IndexStats {
        articles: searcher.num_docs(),
        undated: 0,
        first_date: None,
        last_date: None,
        per_year: BTreeMap::new(),
        per_source: BTreeMap::new(),
        size_bytes: schema::size_on_disk(&index.dir).unwrap_or(0),
    };
    let mut source = String::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let dates = fast.date(names::DATE).context("reading dates")?;
        let sources = fast.str(names::SOURCE).context("reading sources")?;
        for doc in segment.doc_ids_alive() {
            match dates.first(doc).and_then(datetime_to_day) {
                Some(day) => {
                    *stats.per_year.entry(day.year()).or_default() += 1;
                    stats.first_date = Some(stats.first_date.map_or(day, |d| d.min(day)));
                    stats.last_date = Some(stats.last_date.map_or(day, |d| d.max(day)));
                }
                None => stats.undated += 1,
            }
            source.clear();
            let ord = sources.as_ref().and_then(|s| s.term_ords(doc).next());
            let named = match (sources.as_ref(), ord) {
                (Some(column), Some(ord)) => column
                    .ord_to_str(ord, &mut source)
                    .context("reading a source")?,
                _ => false,
            };
            let key = if named { source.as_str() } else { NO_SOURCE };
            *stats.per_source.entry(key.to_string()).or_default() += 1;
        }
    }
    Ok(stats)
}

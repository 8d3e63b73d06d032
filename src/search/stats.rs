//! Index statistics: article counts by year and by source, the span of dates, and the
//! size on disk, read from fast fields without loading any document.

use crate::schema::datetime_to_day;
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
    /// Stories: each article without copies, and each group of copies once.
    pub stories: u64,
    /// Groups of copies (stories saved or published more than once).
    pub copied_stories: u64,
    /// Articles that are copies of another (in a group of copies, less one a group).
    pub copies: u64,
    /// The earliest publication day.
    #[serde(with = "crate::article::optional_day")]
    pub first_date: Option<time::Date>,
    /// The latest publication day.
    #[serde(with = "crate::article::optional_day")]
    pub last_date: Option<time::Date>,
    /// Dated articles per year.
    pub per_year: BTreeMap<i32, u64>,
    /// Articles per site, under the source name most of its articles give; articles
    /// without a source count under `(none)`.
    pub per_source: BTreeMap<String, u64>,
    /// Bytes the index takes on disk.
    pub size_bytes: u64,
}

/// The label of articles without a source.
pub const NO_SOURCE: &str = "(none)";

/// Reads the statistics of `index`.
pub fn collect(index: &DatelineIndex) -> Result<IndexStats> {
    schema::guard(&index.dir, || gather(index))
}

fn gather(index: &DatelineIndex) -> Result<IndexStats> {
    let reader = index.reader()?;
    let searcher = reader.searcher();
    let mut stats = IndexStats {
        articles: searcher.num_docs(),
        undated: 0,
        stories: 0,
        copied_stories: 0,
        copies: 0,
        first_date: None,
        last_date: None,
        per_year: BTreeMap::new(),
        per_source: BTreeMap::new(),
        size_bytes: schema::size_on_disk(&index.dir).unwrap_or(0),
    };
    // Articles by site and source name; each site is listed under its most common name.
    let mut by_site: BTreeMap<Option<String>, BTreeMap<Option<String>, u64>> = BTreeMap::new();
    let mut groups: std::collections::HashMap<u64, u64> = std::collections::HashMap::new();
    for segment in searcher.segment_readers() {
        let fast = segment.fast_fields();
        let stories = fast.u64(names::STORY).context("reading stories")?;
        for doc in segment.doc_ids_alive() {
            if let Some(story @ 1..) = stories.first(doc) {
                *groups.entry(story).or_default() += 1;
            }
        }
        let dates = fast.date(names::DATE).context("reading dates")?;
        let sources = fast.str(names::SOURCE).context("reading sources")?;
        let sites = fast.str(names::SITE).context("reading sites")?;
        // Count by the segment's ordinals, then name each ordinal once.
        let mut per_ord: BTreeMap<(Option<u64>, Option<u64>), u64> = BTreeMap::new();
        for doc in segment.doc_ids_alive() {
            match dates.first(doc).and_then(datetime_to_day) {
                Some(day) => {
                    *stats.per_year.entry(day.year()).or_default() += 1;
                    stats.first_date = Some(stats.first_date.map_or(day, |d| d.min(day)));
                    stats.last_date = Some(stats.last_date.map_or(day, |d| d.max(day)));
                }
                None => stats.undated += 1,
            }
            let ord = |column: &Option<tantivy::columnar::StrColumn>| {
                column.as_ref().and_then(|c| c.term_ords(doc).next())
            };
            *per_ord.entry((ord(&sites), ord(&sources))).or_default() += 1;
        }
        let name = |column: &Option<tantivy::columnar::StrColumn>, ord: Option<u64>| {
            let (Some(column), Some(ord)) = (column, ord) else {
                return Ok(None);
            };
            let mut name = String::new();
            let found = column
                .ord_to_str(ord, &mut name)
                .context("reading a source")?;
            anyhow::Ok(found.then_some(name))
        };
        for ((site, source), count) in per_ord {
            let site = name(&sites, site)?;
            let source = name(&sources, source)?;
            let key = site.or_else(|| source.clone());
            *by_site.entry(key).or_default().entry(source).or_default() += count;
        }
    }
    for (site, names) in by_site {
        let total: u64 = names.values().sum();
        let most_common = names
            .into_iter()
            .max_by(|a, b| a.1.cmp(&b.1).then_with(|| b.0.cmp(&a.0)))
            .and_then(|(name, _)| name);
        let label = most_common
            .or(site)
            .unwrap_or_else(|| NO_SOURCE.to_string());
        *stats.per_source.entry(label).or_default() += total;
    }
    let grouped: u64 = groups.values().sum();
    stats.copied_stories = groups.len() as u64;
    stats.copies = grouped - stats.copied_stories;
    stats.stories = stats.articles - stats.copies;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{date, indexer, schema, Article};

    #[test]
    fn counts_per_year_and_source_with_undated() {
        let index = schema::create_in_ram().unwrap();
        let article = |id: &str, day: Option<&str>, source: Option<&str>| Article {
            date: day.and_then(date::parse_published),
            source: source.map(str::to_string),
            path: id.into(),
            ..Article::story(id, "t", "b")
        };
        indexer::add_articles(
            &index,
            &[
                article("a", Some("2012-02-29"), Some("Herald")),
                article("b", Some("2012-12-31"), Some("Herald")),
                article("c", Some("2019-01-01"), Some("Gazette")),
                article("d", None, None),
            ],
        )
        .unwrap();
        let stats = collect(&index).unwrap();
        assert_eq!((stats.articles, stats.undated), (4, 1));
        assert_eq!(stats.per_year, BTreeMap::from([(2012, 2), (2019, 1)]));
        let sources: Vec<(&str, u64)> = stats
            .per_source
            .iter()
            .map(|(s, n)| (s.as_str(), *n))
            .collect();
        assert_eq!(sources, [("(none)", 1), ("Gazette", 1), ("Herald", 2)]);
        assert_eq!(
            stats.first_date.map(date::format_day).as_deref(),
            Some("2012-02-29")
        );
        assert_eq!(
            stats.last_date.map(date::format_day).as_deref(),
            Some("2019-01-01")
        );
    }
}

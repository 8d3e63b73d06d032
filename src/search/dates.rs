//! A date range as a filter over the index's period terms.

use crate::date::{self, DateRange};
use crate::schema::{datetime_to_day, names, Fields};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, Term};

/// A date range as a query, and the period terms it is the union of.
pub(super) struct DateFilter {
    pub(super) query: Box<dyn Query>,
    pub(super) periods: Vec<Term>,
}

/// The date range as a filter: the union of the few period terms that cover it
/// exactly (whole years, months, then days), so that its matches come from exact
/// posting lists. Open ends are clamped to the dates the index holds.
pub(super) fn date_range_query(
    fields: Fields,
    dates: &DateRange,
    searcher: &tantivy::Searcher,
) -> Option<DateFilter> {
    if !dates.is_bounded() {
        return None;
    }
    let known = || {
        Some((
            date::day(date::FIRST_YEAR, 1, 1)?,
            date::day(date::LAST_YEAR, 12, 31)?,
        ))
    };
    let (first, last) = indexed_span(searcher).or_else(known)?;
    let since = dates.since.map_or(first, |d| d.max(first));
    let until = dates.until.map_or(last, |d| d.min(last));
    let periods: Vec<Term> = date::cover(since, until)
        .into_iter()
        .map(|period| Term::from_field_text(fields.flags, &period))
        .collect();
    let terms = periods
        .iter()
        .map(|term| {
            Box::new(TermQuery::new(term.clone(), IndexRecordOption::Basic)) as Box<dyn Query>
        })
        .collect();
    let union = BooleanQuery::union(terms);
    Some(DateFilter {
        query: Box::new(ConstScoreQuery::new(Box::new(union), 0.0)),
        periods,
    })
}

/// The first and last publication day in the index, from the date column's bounds.
fn indexed_span(searcher: &tantivy::Searcher) -> Option<(time::Date, time::Date)> {
    let mut span: Option<(DateTime, DateTime)> = None;
    for segment in searcher.segment_readers() {
        let column = segment.fast_fields().date(names::DATE).ok()?;
        if column.values.num_vals() == 0 {
            continue;
        }
        let (low, high) = (column.min_value(), column.max_value());
        span = Some(match span {
            Some((a, b)) => (a.min(low), b.max(high)),
            None => (low, high),
        });
    }
    let (low, high) = span?;
    Some((datetime_to_day(low)?, datetime_to_day(high)?))
}

//! Publication dates: reading them from metadata, URLs and the top of a text, and the
//! `YYYY`, `YYYY-MM`, `YYYY-MM-DD` bounds of `--since` and `--until`.
//!
//! Dates are calendar days as the page states them. The index can only hold instants
//! between the years 1677 and 2262 (nanoseconds in an `i64`), so dates outside
//! [`FIRST_YEAR`]..=[`LAST_YEAR`] are refused on input and query bounds are clamped.

mod url;
mod written;

pub use url::date_from_url;
pub use written::{date_line, find_written_date, is_weekday, month_number, written_date};

use crate::error::{Bound, RequestError};
use anyhow::Result;
use time::{Date, Month};

/// The first year the index can store.
pub const FIRST_YEAR: i32 = 1678;
/// The last year the index can store.
pub const LAST_YEAR: i32 = 2261;

/// Formats a day as `YYYY-MM-DD`.
pub fn format_day(day: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        day.year(),
        u8::from(day.month()),
        day.day()
    )
}

/// Builds a day from numbers, refusing impossible days and years the index cannot hold.
pub fn day(year: i32, month: u32, day: u32) -> Option<Date> {
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
        return None;
    }
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()
}

/// Reads a date from a metadata value: RFC 3339, `YYYY-MM-DD HH:MM:SS`, `YYYY-MM-DD`,
/// `YYYY/MM/DD`, or a written date such as `March 31, 2011`.
///
/// The day is the one written, in the writer's own time zone: `2018-04-12T01:00:00+05:00`
/// is 12 April.
pub fn parse_published(value: &str) -> Option<Date> {
    let value = value.trim();
    numeric_prefix(value)
        .or_else(|| compact(value))
        .or_else(|| written_date(value))
}

/// `20180312`, as some `pubdate` meta tags write it.
fn compact(value: &str) -> Option<Date> {
    let digits = value.get(..8)?;
    let rest = value.get(8..)?;
    if !digits.bytes().all(|b| b.is_ascii_digit()) || !(rest.is_empty() || rest.starts_with('T')) {
        return None;
    }
    day(
        digits[..4].parse().ok()?,
        digits[4..6].parse().ok()?,
        digits[6..].parse().ok()?,
    )
}

/// The moment a metadata value states, in UTC, when it is RFC 3339 with a time and a
/// zone (`2019-03-04T01:15:00+03:00` is `2019-03-03T22:15:00Z`).
pub fn parse_instant(value: &str) -> Option<time::OffsetDateTime> {
    use time::format_description::well_known::Rfc3339;
    let instant = time::OffsetDateTime::parse(value.trim(), &Rfc3339).ok()?;
    let utc = instant.to_offset(time::UtcOffset::UTC);
    (FIRST_YEAR..=LAST_YEAR)
        .contains(&utc.year())
        .then_some(utc)
}

/// A `YYYY-MM-DD` (or `/`-separated) date at the start of `value`, followed by nothing,
/// a time (`T` or space) or nothing else.
pub(crate) fn numeric_prefix(value: &str) -> Option<Date> {
    let bytes = value.as_bytes();
    if bytes.len() < 10 {
        return None;
    }
    let sep = bytes[4];
    if !(sep == b'-' || sep == b'/') || bytes[7] != sep {
        return None;
    }
    let rest = value.get(10..)?;
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    let number = |range: std::ops::Range<usize>| -> Option<u32> {
        let text = value.get(range)?;
        text.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse().ok())?
    };
    day(
        i32::try_from(number(0..4)?).ok()?,
        number(5..7)?,
        number(8..10)?,
    )
}

/// The period terms of a day: its year, month and day (`y2013`, `m2013-05`,
/// `d2013-05-14`). An article is indexed under all three, so that a date range is a
/// union of a few exact terms (see [`cover`]).
pub fn period_terms(day: Date) -> [String; 3] {
    let (y, m, d) = (day.year(), u8::from(day.month()), day.day());
    [
        format!("y{y:04}"),
        format!("m{y:04}-{m:02}"),
        format!("d{y:04}-{m:02}-{d:02}"),
    ]
}

/// The fewest period terms whose days are exactly `since..=until`: whole years, then
/// whole months, then days at the edges.
pub fn cover(since: Date, until: Date) -> Vec<String> {
    let mut terms = Vec::new();
    let mut day = since;
    while day <= until {
        let year_end = day
            .replace_month(Month::December)
            .and_then(|d| d.replace_day(31));
        let month_end = day.replace_day(day.month().length(day.year()));
        let (term, last) = match (year_end, month_end) {
            (Ok(end), _) if day.ordinal() == 1 && end <= until => {
                (format!("y{:04}", day.year()), end)
            }
            (_, Ok(end)) if day.day() == 1 && end <= until => (
                format!("m{:04}-{:02}", day.year(), u8::from(day.month())),
                end,
            ),
            _ => (period_terms(day)[2].clone(), day),
        };
        terms.push(term);
        match last.next_day() {
            Some(next) => day = next,
            None => break,
        }
    }
    terms
}

/// An inclusive span of days (`--since` and `--until` on the command line).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DateRange {
    /// The first day included, if bounded below.
    pub since: Option<Date>,
    /// The last day included, if bounded above.
    pub until: Option<Date>,
}

impl DateRange {
    /// Builds a range from the texts of its first and last day (`YYYY`, `YYYY-MM` or
    /// `YYYY-MM-DD`). Bounds are whole: an `until` of `2013` includes 31 December 2013.
    pub fn from_args(
        since: Option<&str>,
        until: Option<&str>,
    ) -> std::result::Result<DateRange, RequestError> {
        let bound = |text: Option<&str>, which: Bound| {
            text.map(|t| {
                parse_period(t).map_err(|err| RequestError::Date {
                    bound: which,
                    problem: format!("{err:#}"),
                })
            })
            .transpose()
        };
        let since = bound(since, Bound::Since)?.map(|(first, _)| first);
        let until = bound(until, Bound::Until)?.map(|(_, last)| last);
        if let (Some(since), Some(until)) = (since, until) {
            if since > until {
                return Err(RequestError::DatesReversed {
                    since: format_day(since),
                    until: format_day(until),
                });
            }
        }
        Ok(DateRange { since, until })
    }

    /// Whether either bound is set.
    pub fn is_bounded(&self) -> bool {
        self.since.is_some() || self.until.is_some()
    }
}

/// The first and last day of a `YYYY`, `YYYY-MM` or `YYYY-MM-DD` period, clamped to the
/// years the index can hold.
pub fn parse_period(text: &str) -> Result<(Date, Date)> {
    let bad = || {
        anyhow::anyhow!("`{text}` is not a date: use YYYY, YYYY-MM or YYYY-MM-DD, as in 2013-05")
    };
    let parts: Vec<&str> = text.trim().split('-').collect();
    let numbers: Vec<u32> = parts
        .iter()
        .map(|p| {
            (!p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
                .then(|| p.parse::<u32>().ok())
                .flatten()
        })
        .collect::<Option<_>>()
        .ok_or_else(bad)?;
    if parts[0].len() != 4 || parts.iter().skip(1).any(|p| p.len() > 2) {
        return Err(bad());
    }
    let year = i32::try_from(numbers[0]).map_err(|_| bad())?;
    let clamped = year.clamp(FIRST_YEAR, LAST_YEAR);
    if clamped != year {
        // Whole years outside the index's window: take the nearest day it can hold.
        let edge = if year < FIRST_YEAR {
            day(FIRST_YEAR, 1, 1)
        } else {
            day(LAST_YEAR, 12, 31)
        };
        let edge = edge.ok_or_else(bad)?;
        return Ok((edge, edge));
    }
    match numbers[..] {
        [_] => Ok((
            day(year, 1, 1).ok_or_else(bad)?,
            day(year, 12, 31).ok_or_else(bad)?,
        )),
        [_, month] => {
            let first = day(year, month, 1).ok_or_else(|| {
                anyhow::anyhow!("`{text}` is not a date: month {month} does not exist")
            })?;
            let last = first.month().length(year);
            Ok((first, first.replace_day(last).map_err(|_| bad())?))
        }
        [_, month, d] => {
            let date = day(year, month, d).ok_or_else(|| {
                anyhow::anyhow!("`{text}` is not a date: that day does not exist")
            })?;
            Ok((date, date))
        }
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn characters_of_several_bytes_after_a_date_never_split() {
        for value in [
            "2020-01-0é",
            "2020-01-01é",
            "2020-01é",
            "2020010é",
            "20200101é",
            "2020-01-0😀x",
            "កA/ 0/ල",
        ] {
            let _ = parse_published(value);
            let _ = date_line(value);
        }
        assert_eq!(parse_published("2020-01-0é"), None);
    }

    use super::*;

    fn ymd(text: &str) -> Date {
        numeric_prefix(text).unwrap()
    }

    #[test]
    fn metadata_dates_in_crawler_forms() {
        assert_eq!(parse_published("2011-03-31"), Some(ymd("2011-03-31")));
        assert_eq!(
            parse_published("2021-06-03 14:20:00"),
            Some(ymd("2021-06-03"))
        );
        assert_eq!(
            parse_published("2016-09-02T08:30:00Z"),
            Some(ymd("2016-09-02"))
        );
        assert_eq!(
            parse_published("2018-04-12T01:00:00+05:00"),
            Some(ymd("2018-04-12"))
        );
        assert_eq!(parse_published("March 31, 2011"), Some(ymd("2011-03-31")));
        assert_eq!(parse_published("2011-02-30"), None);
        assert_eq!(parse_published("0000-01-01"), None);
        assert_eq!(parse_published("9999-01-01"), None);
        assert_eq!(parse_published("yesterday"), None);
        assert_eq!(parse_published("2011-03-31x"), None);
        assert_eq!(parse_published("20110331"), Some(ymd("2011-03-31")));
        assert_eq!(
            parse_published("Thu, 31 Mar 2011 10:00:00 +0000"),
            Some(ymd("2011-03-31"))
        );
        assert_eq!(parse_published("March 31, 2011"), Some(ymd("2011-03-31")));
        let instant = parse_instant("2019-03-04T01:15:00+03:00").unwrap();
        assert_eq!(
            (instant.day(), instant.hour(), instant.offset().is_utc()),
            (3, 22, true)
        );
        assert_eq!(parse_instant("2019-03-04"), None);
    }

    #[test]
    fn url_path_dates() {
        let day = Some(ymd("2011-03-31"));
        assert_eq!(date_from_url("https://x.example/2011/03/31/slug"), day);
        assert_eq!(date_from_url("https://x.example/news/2011/3/31/"), day);
        assert_eq!(date_from_url("https://x.example/2011/03/slug"), None);
        assert_eq!(date_from_url("https://x.example/2011/13/31/slug"), None);
        assert_eq!(date_from_url("https://x.example/a?d=/2011/03/31/"), None);
    }

    #[test]
    fn date_lines_near_the_top() {
        let day = Some(ymd("2011-03-31"));
        for line in [
            "Published March 31, 2011",
            "31 March 2011",
            "2011-03-31",
            "Mar. 31, 2011",
            "Updated: Mar 31, 2011 10:40 AM",
            "Thursday? no", // not a date
        ] {
            let expected = if line.starts_with("Thursday") {
                None
            } else {
                day
            };
            assert_eq!(date_line(line), expected, "{line}");
        }
        assert_eq!(
            date_line("The dam finally opened to traffic on March 31, 2011 after delays"),
            None
        );
        assert_eq!(date_line("May the best team win tonight"), None);
    }

    #[test]
    fn periods_are_whole_and_checked() {
        assert_eq!(
            parse_period("2013").unwrap(),
            (ymd("2013-01-01"), ymd("2013-12-31"))
        );
        assert_eq!(
            parse_period("2012-02").unwrap(),
            (ymd("2012-02-01"), ymd("2012-02-29"))
        );
        assert_eq!(parse_period("2013-02").unwrap().1, ymd("2013-02-28"));
        assert_eq!(
            parse_period("2013-05-14").unwrap(),
            (ymd("2013-05-14"), ymd("2013-05-14"))
        );
        assert!(parse_period("2013-02-30")
            .unwrap_err()
            .to_string()
            .contains("does not exist"));
        assert!(parse_period("13-05").is_err());
        assert!(parse_period("last week")
            .unwrap_err()
            .to_string()
            .contains("YYYY-MM"));
        assert_eq!(parse_period("0001").unwrap().0, ymd("1678-01-01"));
        assert_eq!(parse_period("9999").unwrap().1, ymd("2261-12-31"));
    }

    #[test]
    fn covers_are_exact_and_short() {
        let d = |s: &str| ymd(s);
        assert_eq!(cover(d("1994-01-01"), d("1994-12-31")), ["y1994"]);
        assert_eq!(cover(d("2012-02-01"), d("2012-02-29")), ["m2012-02"]);
        assert_eq!(
            cover(d("2013-12-30"), d("2015-01-02")),
            [
                "d2013-12-30",
                "d2013-12-31",
                "y2014",
                "d2015-01-01",
                "d2015-01-02"
            ]
        );
        assert_eq!(cover(d("2016-05-14"), d("2016-05-14")), ["d2016-05-14"]);
        assert!(cover(d("2016-05-15"), d("2016-05-14")).is_empty());
        // Every day of a long, ragged span is covered exactly once.
        let (since, until) = (d("2011-03-17"), d("2014-08-09"));
        let terms = cover(since, until);
        assert!(terms.len() < 90, "{terms:?}");
        let mut day = d("2011-01-01");
        while day <= d("2014-12-31") {
            let hits = period_terms(day)
                .iter()
                .filter(|t| terms.contains(t))
                .count();
            assert_eq!(hits, usize::from(day >= since && day <= until), "{day}");
            day = day.next_day().unwrap();
        }
    }

    #[test]
    fn ranges_refuse_reversed_bounds() {
        let range = DateRange::from_args(Some("2012"), Some("2013")).unwrap();
        assert_eq!(range.since, Some(ymd("2012-01-01")));
        assert_eq!(range.until, Some(ymd("2013-12-31")));
        let err = DateRange::from_args(Some("2014"), Some("2013")).unwrap_err();
        assert!(matches!(err, RequestError::DatesReversed { .. }), "{err}");
        let err = DateRange::from_args(Some("2014-13"), None).unwrap_err();
        assert!(
            matches!(&err, RequestError::Date { bound: Bound::Since, problem } if problem.contains("2014-13")),
            "{err}"
        );
    }
}

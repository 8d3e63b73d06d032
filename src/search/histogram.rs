//! Date histograms: how many articles were published in each calendar year, month or
//! day, counted from the date column over every match of a search (not only the page
//! shown) or over the whole index.

use crate::date::format_day;
use crate::schema::datetime_to_day;
use crate::schema::names;
use serde::Serialize;
use std::collections::BTreeMap;
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocId, Score, SegmentOrdinal, SegmentReader};

/// A calendar period to count articles by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Period {
    /// Calendar years: `2013`.
    Year,
    /// Calendar months: `2013-04`.
    Month,
    /// Days: `2013-04-09`.
    Day,
}

impl Period {
    /// A number for the period holding `day`; consecutive periods have consecutive
    /// numbers, whatever the lengths of months and years.
    pub fn key(self, day: time::Date) -> i32 {
        match self {
            Period::Year => day.year(),
            Period::Month => day.year() * 12 + i32::from(u8::from(day.month())) - 1,
            Period::Day => day.to_julian_day(),
        }
    }

    /// The label of the period numbered `key`.
    fn label(self, key: i32) -> String {
        match self {
            Period::Year => format!("{key:04}"),
            Period::Month => format!("{:04}-{:02}", key.div_euclid(12), key.rem_euclid(12) + 1),
            Period::Day => time::Date::from_julian_day(key)
                .map(format_day)
                .unwrap_or_default(),
        }
    }
}

/// How many articles were published in one period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodCount {
    /// The period: `2013`, `2013-04` or `2013-04-09`.
    pub period: String,
    /// Articles published in it.
    pub count: u64,
}

/// Articles per period, in calendar order. Years and months between the first and the
/// last are listed with a count of 0, so that a chart shows the gaps; days are listed
/// only where there are articles (decades of days would be tens of thousands of rows).
pub fn periods(period: Period, counts: &BTreeMap<i32, u64>) -> Vec<PeriodCount> {
    let (Some((&first, _)), Some((&last, _))) = (counts.first_key_value(), counts.last_key_value())
    else {
        return Vec::new();
    };
    let row = |key: i32, count: u64| PeriodCount {
        period: period.label(key),
        count,
    };
    match period {
        Period::Day => counts.iter().map(|(&k, &n)| row(k, n)).collect(),
        Period::Year | Period::Month => (first..=last)
            .map(|key| row(key, counts.get(&key).copied().unwrap_or(0)))
            .collect(),
    }
}

/// Counts matching articles per period from the date column; undated ones are left out.
pub struct DateHistogram(pub Period);

impl Collector for DateHistogram {
    type Fruit = BTreeMap<i32, u64>;
    type Child = SegmentHistogram;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentHistogram> {
        Ok(SegmentHistogram {
            period: self.0,
            dates: segment.fast_fields().date(names::DATE)?,
            counts: BTreeMap::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<BTreeMap<i32, u64>>) -> tantivy::Result<Self::Fruit> {
        let mut all = BTreeMap::new();
        for fruit in fruits {
            for (key, count) in fruit {
                *all.entry(key).or_default() += count;
            }
        }
        Ok(all)
    }
}

/// [`DateHistogram`] within one segment.
pub struct SegmentHistogram {
    period: Period,
    dates: tantivy::columnar::Column<tantivy::DateTime>,
    counts: BTreeMap<i32, u64>,
}

impl SegmentCollector for SegmentHistogram {
    type Fruit = BTreeMap<i32, u64>;

    fn collect(&mut self, doc: DocId, _: Score) {
        if let Some(day) = self.dates.first(doc).and_then(datetime_to_day) {
            *self.counts.entry(self.period.key(day)).or_default() += 1;
        }
    }

    fn harvest(self) -> BTreeMap<i32, u64> {
        self.counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::date;

    fn count(period: Period, days: &[&str]) -> Vec<(String, u64)> {
        let mut counts = BTreeMap::new();
        for day in days {
            let day = date::parse_published(day).unwrap();
            *counts.entry(period.key(day)).or_default() += 1;
        }
        periods(period, &counts)
            .into_iter()
            .map(|p| (p.period, p.count))
            .collect()
    }

    #[test]
    fn calendar_periods_follow_month_lengths_and_leap_years() {
        let days = [
            "2012-02-29",
            "2012-03-01",
            "2012-12-31",
            "2013-01-01",
            "2013-02-28",
            "2013-03-01",
        ];
        let by = |p| count(p, &days);
        assert_eq!(by(Period::Year), [("2012".into(), 3), ("2013".into(), 3)]);
        let months = by(Period::Month);
        assert_eq!(months.len(), 14, "{months:?}");
        assert_eq!(months[0], ("2012-02".into(), 1));
        assert_eq!(months[1], ("2012-03".into(), 1));
        assert_eq!(months[2], ("2012-04".into(), 0));
        assert_eq!(months[10], ("2012-12".into(), 1));
        assert_eq!(months[11], ("2013-01".into(), 1));
        assert_eq!(months[13], ("2013-03".into(), 1));
        let days = by(Period::Day);
        assert_eq!(days.len(), 6);
        assert_eq!(days[0], ("2012-02-29".into(), 1));
        assert_eq!(days[4], ("2013-02-28".into(), 1));
    }

    #[test]
    fn years_between_are_listed_with_none() {
        assert_eq!(
            count(Period::Year, &["2001-05-05", "2004-01-01", "2004-06-01"]),
            [
                ("2001".into(), 1),
                ("2002".into(), 0),
                ("2003".into(), 0),
                ("2004".into(), 2)
            ]
        );
        assert!(count(Period::Month, &[]).is_empty());
    }
}

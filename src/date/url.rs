//! Dates in an article's URL, as news sites write them into the path:
//! `/2018/06/18/slug`, `/20180618/slug`, `/news/2018-06-18-slug`, `slug-2018-06-18.html`.
//! A path with a year and month only (`/2018/06/`) gives no day, so no date.

use super::day;
use time::Date;

/// The publication day a URL's path states, if it states one.
pub fn date_from_url(url: &str) -> Option<Date> {
    let path = url.split_once("://").map_or(url, |(_, rest)| rest);
    let path = path.split(['?', '#']).next().unwrap_or(path);
    // Past the host: a host's digits are never a date.
    let path = path.split_once('/').map_or("", |(_, rest)| rest);
    let parts: Vec<&str> = path.split('/').collect();
    let digits = |s: &str, n: std::ops::RangeInclusive<usize>| {
        n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    let separated = parts.windows(3).find_map(|w| {
        if digits(w[0], 4..=4) && digits(w[1], 1..=2) && digits(w[2], 1..=2) {
            day(w[0].parse().ok()?, w[1].parse().ok()?, w[2].parse().ok()?)
        } else {
            None
        }
    });
    separated.or_else(|| parts.iter().find_map(|part| date_in_segment(part)))
}

/// `20180618` or `2018-06-18` (or with `_`) standing alone in one segment of a path,
/// between separators or at its ends: `20180618`, `story-2018-06-18-x`, `x_20180618.html`.
fn date_in_segment(segment: &str) -> Option<Date> {
    let bytes = segment.as_bytes();
    // Whether the number ending before `at` ends there.
    let boundary = |at: usize| at >= bytes.len() || !bytes[at].is_ascii_alphanumeric();
    let number = |from: usize, len: usize| -> Option<u32> {
        let text = segment.get(from..from + len)?;
        text.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| text.parse().ok())?
    };
    for start in 0..bytes.len() {
        let after_separator = start == 0 || !bytes[start - 1].is_ascii_alphanumeric();
        if !after_separator || !bytes[start].is_ascii_digit() {
            continue;
        }
        // YYYY-MM-DD with one separator kind.
        if let (Some(year), Some(&sep)) = (number(start, 4), bytes.get(start + 4)) {
            if matches!(sep, b'-' | b'_')
                && bytes.get(start + 7) == Some(&sep)
                && boundary(start + 10)
            {
                if let (Some(month), Some(d)) = (number(start + 5, 2), number(start + 8, 2)) {
                    if let Some(date) = day(year as i32, month, d) {
                        return Some(date);
                    }
                }
            }
        }
        // YYYYMMDD, not part of a longer number (an article id).
        if start + 8 <= bytes.len() && boundary(start + 8) {
            if let (Some(year), Some(month), Some(d)) =
                (number(start, 4), number(start + 4, 2), number(start + 6, 2))
            {
                if (1900..=2100).contains(&year) {
                    if let Some(date) = day(year as i32, month, d) {
                        return Some(date);
                    }
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<Date> {
        day(y, m, d)
    }

    #[test]
    fn dates_in_the_forms_sites_write() {
        let want = ymd(2018, 6, 18);
        for url in [
            "https://x.example/2018/06/18/slug",
            "https://x.example/news/2018/6/18/",
            "https://x.example/20180618/slug",
            "https://x.example/news/2018-06-18-storm-hits",
            "https://x.example/news/storm-hits-2018-06-18.html",
            "https://x.example/a/story_20180618.html",
        ] {
            assert_eq!(date_from_url(url), want, "{url}");
        }
    }

    #[test]
    fn no_date_is_invented() {
        for url in [
            "https://x.example/2018/06/slug",
            "https://x.example/2011/13/31/slug",
            "https://x.example/a?d=/2011/03/31/",
            "https://x.example/news/471033-south-dakota",
            "https://x.example/article/201806181234567",
            "https://2018-06-18.example/story",
            "https://x.example/id/99991318",
            "not a url",
        ] {
            assert_eq!(date_from_url(url), None, "{url}");
        }
    }
}

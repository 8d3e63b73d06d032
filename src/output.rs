//! Printers: search results, index summaries, statistics and cleaner reports, as text
//! for people (with or without colour) or as JSON for scripts, over any writer.
//!
//! Everything that comes from scraped pages (titles, snippets, places, paths) passes
//! through [`sanitize`] before it reaches a terminal.

use crate::date::format_day;
use crate::histogram::{self, Period, PeriodCount};
use crate::indexer::RunStats;
use crate::ingest::Extracted;
use crate::search::SearchResults;
use crate::stats::IndexStats;
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// How human output looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Whether to use terminal escape codes (bold).
    pub color: bool,
}

impl Style {
    /// `text` in bold when colour is on, else as it is.
    pub fn bold<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if self.color {
            Cow::Owned(format!("{BOLD}{text}{RESET}"))
        } else {
            Cow::Borrowed(text)
        }
    }
}

/// Escapes control characters and text-direction overrides, so that text from a
/// scraped page cannot move the cursor, change colours or reorder a terminal line.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if unsafe_char(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// The longest message the command line prints, in characters.
const MESSAGE_CHARS: usize = 600;

/// A message for the terminal, on one line: [`sanitize`]d (a file name, a query or a
/// damaged file quoted in it cannot reach the terminal raw) and, past
/// [`MESSAGE_CHARS`], cut in the middle so that both the start and the cause at the
/// end stay in view.
pub fn message(text: &str) -> String {
    let text = sanitize(text);
    let chars = text.chars().count();
    if chars <= MESSAGE_CHARS {
        return text.into_owned();
    }
    let head: String = text.chars().take(MESSAGE_CHARS * 2 / 3).collect();
    let tail: String = text.chars().skip(chars - MESSAGE_CHARS / 3).collect();
    format!(
        "{head} … ({} characters left out) … {tail}",
        chars - MESSAGE_CHARS
    )
}

/// Like [`sanitize`], but keeps line breaks and tabs, for multi-line text such as a body.
pub fn sanitize_block(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\t']) {
        return sanitize(text);
    }
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            line.split('\t')
                .map(sanitize)
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect();
    Cow::Owned(lines.join("\n"))
}

/// Longest title, place, source, site or URL that JSON output carries, in bytes:
/// longer than any real one, and short enough that a page of hits stays small
/// whatever was indexed.
pub const FIELD_BYTES: usize = 2048;

/// `text` cut on a character boundary to at most `max` bytes (at least 3), the last
/// of them a `…` mark, when it is longer.
pub fn clip(text: &str, max: usize) -> Cow<'_, str> {
    if text.len() <= max {
        return Cow::Borrowed(text);
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    Cow::Owned(format!("{}…", &text[..end]))
}

/// [`clip`] to [`FIELD_BYTES`], for a field that may be missing.
pub fn clip_field(text: Option<&str>) -> Option<Cow<'_, str>> {
    text.map(|text| clip(text, FIELD_BYTES))
}

/// A stored path as the user would type it: relative to `cwd` when under it.
pub fn display_path(path: &str, cwd: &Path) -> String {
    Path::new(path)
        .strip_prefix(cwd)
        .map_or_else(|_| path.to_string(), |p| p.to_string_lossy().into_owned())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Writes search results for people: a count line, then each hit with its rank, date,
/// title, origin and highlighted snippet, a blank line between hits.
pub fn search_human(
    w: &mut dyn Write,
    results: &SearchResults,
    style: Style,
    cwd: &Path,
) -> io::Result<()> {
    let shown = results.hits.len();
    let some = results.total - results.total_all.min(results.total);
    let mut head = if some == 0 {
        plural(results.total, "article matches", "articles match")
    } else if results.total_all == 0 {
        format!(
            "no article has all the words; {} some",
            plural(some, "has", "have")
        )
    } else {
        format!(
            "{} all the words; {some} more {} some",
            plural(results.total_all, "article has", "articles have"),
            if some == 1 { "has" } else { "have" }
        )
    };
    if shown > 0 {
        let first = results.hits[0].rank;
        head.push_str(&format!(" (showing {}-{})", first, first + shown - 1));
    } else if results.total > 0 {
        head.push_str(" (none on this page)");
    }
    if let Some(undated) = results.undated_left_out.filter(|n| *n > 0) {
        head.push_str(&format!(
            "; {} left out by the date filter",
            plural(undated, "undated article", "undated articles")
        ));
    }
    writeln!(w, "{head}")?;
    for hit in &results.hits {
        writeln!(w)?;
        let date = hit.date.map_or_else(|| "undated".to_string(), format_day);
        writeln!(
            w,
            "{}. {}  {}",
            hit.rank,
            date,
            style.bold(&sanitize(&hit.title))
        )?;
        let mut origin: Vec<String> = Vec::new();
        origin.extend(hit.source.as_deref().map(|s| sanitize(s).into_owned()));
        origin.extend(hit.place.as_deref().map(|p| sanitize(p).into_owned()));
        let mut path = display_path(&hit.path, cwd);
        if let Some(line) = hit.line {
            path.push_str(&format!(":{line}"));
        }
        origin.push(sanitize(&path).into_owned());
        writeln!(w, "   {}", origin.join(" · "))?;
        let mut snippet = String::new();
        for (piece, highlighted) in hit.snippet.pieces() {
            let piece = sanitize(piece);
            snippet.push_str(&if highlighted {
                style.bold(&piece)
            } else {
                piece
            });
        }
        writeln!(w, "   {snippet}")?;
    }
    if let Some(histogram) = &results.histogram {
        writeln!(w)?;
        let dated: u64 = histogram.iter().map(|p| p.count).sum();
        let period = results
            .histogram_period
            .map_or_else(|| "period".to_string(), crate::choice::name);
        writeln!(w, "matches per {period}:")?;
        let mut rows: Vec<(String, u64)> = histogram
            .iter()
            .map(|p| (p.period.clone(), p.count))
            .collect();
        let undated = (results.total as u64).saturating_sub(dated);
        if results.undated_left_out.is_none() && undated > 0 {
            rows.push(("undated".to_string(), undated));
        }
        bar_chart(w, &rows)?;
    }
    Ok(())
}

/// Widest bar of a chart, in characters.
const BAR_WIDTH: u64 = 40;

/// Writes one line per row: its label, a bar as long as its share of the largest count
/// (at least one block for any count above zero) and the count.
fn bar_chart(w: &mut dyn Write, rows: &[(String, u64)]) -> io::Result<()> {
    let most = rows.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let label_width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    let count_width = most.to_string().len();
    for (label, count) in rows {
        let blocks = (count * BAR_WIDTH).div_ceil(most) as usize;
        writeln!(
            w,
            "  {label:<label_width$}  {:<bar$}  {count:>count_width$}",
            "█".repeat(blocks),
            bar = BAR_WIDTH as usize,
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonResults<'a> {
    query: &'a str,
    total: usize,
    total_all: usize,
    notes: &'a [String],
    undated_left_out: Option<usize>,
    hits: Vec<JsonHit<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    histogram: Option<&'a [PeriodCount]>,
}

#[derive(Serialize)]
struct JsonHit<'a> {
    rank: usize,
    score: Option<f32>,
    id: &'a str,
    title: Cow<'a, str>,
    date: Option<String>,
    source: Option<Cow<'a, str>>,
    site: Option<Cow<'a, str>>,
    url: Option<Cow<'a, str>>,
    place: Option<Cow<'a, str>>,
    path: String,
    line: Option<u64>,
    #[serde(with = "time::serde::rfc3339::option")]
    published: Option<time::OffsetDateTime>,
    snippet: &'a str,
    highlights: Vec<[usize; 2]>,
}

/// Writes search results as one JSON object (see the README for its shape); titles,
/// sources, sites, URLs and places longer than [`FIELD_BYTES`] are cut with a `…`.
pub fn search_json(w: &mut dyn Write, results: &SearchResults, cwd: &Path) -> io::Result<()> {
    let hits = results
        .hits
        .iter()
        .map(|hit| JsonHit {
            rank: hit.rank,
            score: hit.score,
            id: &hit.id,
            title: clip(&hit.title, FIELD_BYTES),
            date: hit.date.map(format_day),
            source: clip_field(hit.source.as_deref()),
            site: clip_field(hit.site.as_deref()),
            url: clip_field(hit.url.as_deref()),
            place: clip_field(hit.place.as_deref()),
            path: display_path(&hit.path, cwd),
            line: hit.line,
            published: hit.published,
            snippet: &hit.snippet.text,
            highlights: hit
                .snippet
                .highlights
                .iter()
                .map(|r| [r.start, r.end])
                .collect(),
        })
        .collect();
    let results = JsonResults {
        query: &results.query,
        total: results.total,
        total_all: results.total_all,
        notes: &results.notes,
        undated_left_out: results.undated_left_out,
        hits,
        histogram: results.histogram.as_deref(),
    };
    serde_json::to_writer_pretty(&mut *w, &results)?;
    writeln!(w)
}

/// The one-line summary of an index run.
pub fn index_summary(stats: &RunStats) -> String {
    let files = stats.new + stats.updated + stats.unchanged + stats.failed;
    let mut line = format!(
        "{}: {} new, {} updated, {} unchanged, {} removed, {} skipped, {} failed",
        plural(files, "file", "files"),
        stats.new,
        stats.updated,
        stats.unchanged,
        stats.removed,
        stats.skipped,
        stats.failed,
    );
    if stats.recleaned > 0 {
        line.push_str(&format!(", {} re-cleaned", stats.recleaned));
    }
    if stats.problems > 0 {
        line.push_str(&format!(
            ", {} unreadable",
            plural(stats.problems, "part", "parts")
        ));
    }
    line.push_str(&format!(
        "; {} indexed, {} undated",
        plural(stats.articles, "article", "articles"),
        stats.undated,
    ));
    if stats.learned_lines > 0 {
        line.push_str(&format!(
            "; {} learned",
            plural(stats.learned_lines, "boilerplate line", "boilerplate lines")
        ));
    }
    line.push_str(&format!(" ({:.2} s)", stats.elapsed.as_secs_f64()));
    line
}

/// Writes index statistics for people.
pub fn stats_human(w: &mut dyn Write, stats: &IndexStats) -> io::Result<()> {
    let day = |d: Option<time::Date>| d.map_or_else(|| "-".to_string(), format_day);
    writeln!(w, "articles:   {}", stats.articles)?;
    writeln!(w, "undated:    {}", stats.undated)?;
    writeln!(w, "first date: {}", day(stats.first_date))?;
    writeln!(w, "last date:  {}", day(stats.last_date))?;
    writeln!(w, "index size: {}", human_bytes(stats.size_bytes))?;
    writeln!(w, "\nper year:")?;
    let years: Vec<(String, u64)> = histogram::periods(Period::Year, &stats.per_year)
        .into_iter()
        .map(|p| (p.period, p.count))
        .collect();
    bar_chart(w, &years)?;
    writeln!(w, "\nper source:")?;
    let mut sources: Vec<_> = stats.per_source.iter().collect();
    sources.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
    let width = sources
        .iter()
        .map(|(s, _)| s.chars().count())
        .max()
        .unwrap_or(0);
    for (source, count) in sources {
        writeln!(w, "  {:<width$}  {count:>6}", sanitize(source))?;
    }
    Ok(())
}

/// Writes index statistics as JSON; source names longer than [`FIELD_BYTES`] are cut
/// with a `…` (their counts added up should two meet).
pub fn stats_json(w: &mut dyn Write, stats: &IndexStats) -> io::Result<()> {
    if stats.per_source.keys().all(|s| s.len() <= FIELD_BYTES) {
        serde_json::to_writer_pretty(&mut *w, stats)?;
        return writeln!(w);
    }
    let mut per_source = std::collections::BTreeMap::new();
    for (source, count) in &stats.per_source {
        *per_source
            .entry(clip(source, FIELD_BYTES).into_owned())
            .or_insert(0) += count;
    }
    let clipped = IndexStats {
        per_source,
        ..stats.clone()
    };
    serde_json::to_writer_pretty(&mut *w, &clipped)?;
    writeln!(w)
}

fn human_bytes(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for u in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = u;
    }
    format!("{value:.1} {unit}")
}

/// Writes what the cleaner made of a file, for people.
pub fn clean_human(
    w: &mut dyn Write,
    file: &Path,
    items: &[Extracted],
    style: Style,
) -> io::Result<()> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            writeln!(w, "\n{}\n", "-".repeat(60))?;
        }
        let a = &item.article;
        let mut name = file.display().to_string();
        if let Some(line) = a.line {
            name.push_str(&format!(":{line}"));
        }
        let none = || "-".to_string();
        let field =
            |v: &Option<String>| v.as_deref().map_or_else(none, |s| sanitize(s).into_owned());
        writeln!(w, "file:   {}", sanitize(&name))?;
        writeln!(w, "title:  {}", style.bold(&sanitize(&a.title)))?;
        let date = match (a.date, a.date_from) {
            (Some(day), Some(from)) => format!("{} (from {})", format_day(day), from.as_str()),
            _ => "undated".to_string(),
        };
        writeln!(w, "date:   {date}")?;
        writeln!(w, "place:  {}", field(&a.place))?;
        writeln!(w, "source: {}", field(&a.source))?;
        writeln!(w, "url:    {}", field(&a.url))?;
        writeln!(w, "\n{}", sanitize_block(&a.body))?;
        writeln!(
            w,
            "\n{}:",
            plural(item.dropped.len(), "dropped line", "dropped lines")
        )?;
        for dropped in &item.dropped {
            let rule = match dropped.count {
                Some(count) => format!("{}, in {count} articles", dropped.rule),
                None => dropped.rule.to_string(),
            };
            writeln!(w, "  [{rule}] {}", sanitize(&dropped.line))?;
        }
    }
    Ok(())
}

/// Writes an extraction evaluation as a table per group, then the articles that fell
/// short.
pub fn evaluation_human(w: &mut dyn Write, report: &crate::evaluate::Report) -> io::Result<()> {
    let percent = |x: f64| format!("{:.0}%", x * 100.0);
    writeln!(
        w,
        "{:<10} {:>8} {:>6} {:>6} {:>10} {:>7}",
        "group", "articles", "title", "date", "precision", "recall"
    )?;
    let mut groups: Vec<_> = report
        .groups
        .iter()
        .filter(|(name, _)| *name != "all")
        .collect();
    groups.extend(report.groups.get_key_value("all"));
    for (name, g) in groups {
        writeln!(
            w,
            "{:<10} {:>8} {:>6} {:>6} {:>10.3} {:>7.3}",
            name,
            g.articles,
            percent(g.title_accuracy),
            percent(g.date_accuracy),
            g.precision,
            g.recall
        )?;
    }
    let short: Vec<_> = report
        .articles
        .iter()
        .filter(|a| {
            !a.title_ok
                || !a.date_ok
                || !a.lost_paragraphs.is_empty()
                || a.kept_words > a.kept_story_words + a.kept_words / 20
        })
        .collect();
    if !short.is_empty() {
        writeln!(w, "\nfell short:")?;
    }
    for a in short {
        let mut what = Vec::new();
        if !a.title_ok {
            what.push(format!("title `{}`", sanitize(&a.title)));
        }
        if !a.date_ok {
            what.push("date".to_string());
        }
        if !a.lost_paragraphs.is_empty() {
            what.push(plural(
                a.lost_paragraphs.len(),
                "story paragraph lost",
                "story paragraphs lost",
            ));
        }
        if a.kept_words > a.kept_story_words {
            what.push(format!(
                "{} words kept that are not story",
                a.kept_words - a.kept_story_words
            ));
        }
        writeln!(w, "  {}: {}", sanitize(&a.file), what.join(", "))?;
    }
    Ok(())
}

#[derive(Serialize)]
struct JsonClean<'a> {
    title: &'a str,
    date: Option<String>,
    date_from: Option<&'static str>,
    #[serde(with = "time::serde::rfc3339::option")]
    published: Option<time::OffsetDateTime>,
    place: Option<&'a str>,
    source: Option<&'a str>,
    url: Option<&'a str>,
    body: &'a str,
    dropped: &'a [crate::article::DroppedLine],
}

/// Writes what the cleaner made of a file as JSON: one object, or an array for files
/// that hold several articles.
pub fn clean_json(w: &mut dyn Write, items: &[Extracted], several: bool) -> io::Result<()> {
    let objects: Vec<JsonClean> = items
        .iter()
        .map(|item| {
            let a = &item.article;
            JsonClean {
                title: &a.title,
                date: a.date.map(format_day),
                date_from: a.date_from.map(|f| f.as_str()),
                published: a.published,
                place: a.place.as_deref(),
                source: a.source.as_deref(),
                url: a.url.as_deref(),
                body: &a.body,
                dropped: &item.dropped,
            }
        })
        .collect();
    match (several, objects.first()) {
        (false, Some(one)) => serde_json::to_writer_pretty(&mut *w, one)?,
        _ => serde_json::to_writer_pretty(&mut *w, &objects)?,
    }
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize("plain title"), "plain title");
        assert_eq!(sanitize("evil\x1b[2Jtitle"), "evil\\u{1b}[2Jtitle");
        assert_eq!(sanitize("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(sanitize_block("one\n\ttwo\x07"), "one\n\ttwo\\u{7}");
    }

    #[test]
    fn paths_are_shown_relative_to_the_current_folder() {
        let cwd = Path::new("/home/u/news");
        assert_eq!(display_path("/home/u/news/site/a.txt", cwd), "site/a.txt");
        assert_eq!(display_path("/srv/other/a.txt", cwd), "/srv/other/a.txt");
    }

    #[test]
    fn long_fields_are_cut_on_a_character_boundary() {
        assert_eq!(clip("short", 10), "short");
        assert_eq!(clip("exactly10!", 10), "exactly10!");
        assert_eq!(clip("eleven byte", 10), "eleven …");
        // `é` is two bytes: the cut falls before it rather than inside it.
        assert_eq!(clip("abcdeé and more", 9), "abcde…");
        let long = "ж".repeat(5000);
        let cut = clip(&long, FIELD_BYTES);
        assert!(
            cut.len() <= FIELD_BYTES && cut.ends_with('…'),
            "{}",
            cut.len()
        );
    }

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 << 20), "3.0 MiB");
    }
}

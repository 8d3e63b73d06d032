//! Printers: search results, index summaries, statistics and cleaner reports, as text
//! for people (with or without colour) or as JSON for scripts, over any writer.
//!
//! Everything that comes from scraped pages (titles, snippets, places, paths) passes
//! through [`sanitize`] before it reaches a terminal.

mod escape;

pub use escape::{message, sanitize, sanitize_block};

use crate::article::Article;
use crate::date::format_day;
use crate::histogram::{self, Period, PeriodCount};
use crate::indexer::RunStats;
use crate::ingest::Extracted;
use crate::search::SearchResults;
use crate::stats::IndexStats;
use crate::view::{clip, ArticleView, CleanedView, HitView, StoryView, FIELD_BYTES};
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
    let stories = results.stories.filter(|&s| s < results.total);
    let mut head = if let (0, Some(stories)) = (some, stories) {
        format!(
            "{} ({} with their copies)",
            plural(stories, "story matches", "stories match"),
            plural(results.total, "article", "articles")
        )
    } else if some == 0 {
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
    if let (1.., Some(stories)) = (some, stories) {
        head.push_str(&format!(", {}", plural(stories, "story", "stories")));
    }
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
        let view = HitView::new(hit, cwd);
        let article = &view.article;
        let title = sanitize(&article.title);
        writeln!(
            w,
            "{}. {}  {}",
            view.rank,
            article.day(),
            style.bold(&title)
        )?;
        let mut origin: Vec<String> = Vec::new();
        origin.extend(article.source.as_deref().map(|s| sanitize(s).into_owned()));
        origin.extend(article.place.as_deref().map(|p| sanitize(p).into_owned()));
        origin.push(sanitize(&article.origin()).into_owned());
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
        if !hit.copies.is_empty() {
            writeln!(w, "   {}", copies_line(&hit.copies))?;
        }
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

/// `and 2 copies (Steppe Wire, The Caspian Courier)`: how many other copies a hit's
/// story has, and the sites that published them (the first three, and how many more).
fn copies_line(copies: &[crate::search::Copy]) -> String {
    let mut sources: Vec<&str> = copies.iter().filter_map(|c| c.source.as_deref()).collect();
    sources.sort_unstable();
    sources.dedup();
    let named: Vec<String> = sources
        .iter()
        .take(3)
        .map(|s| sanitize(s).into_owned())
        .collect();
    let more = sources.len().saturating_sub(3);
    let mut line = format!("and {}", plural(copies.len(), "copy", "copies"));
    if !named.is_empty() {
        line.push_str(&format!(" ({}", named.join(", ")));
        if more > 0 {
            line.push_str(&format!(" and {more} more"));
        }
        line.push(')');
    }
    line
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
    #[serde(skip_serializing_if = "Option::is_none")]
    stories: Option<usize>,
    notes: &'a [String],
    undated_left_out: Option<usize>,
    hits: Vec<HitView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    histogram: Option<&'a [PeriodCount]>,
}

/// Writes search results as one JSON object (see the README for its shape), each hit
/// as [`HitView`] shows it.
pub fn search_json(w: &mut dyn Write, results: &SearchResults, cwd: &Path) -> io::Result<()> {
    let results = JsonResults {
        query: &results.query,
        total: results.total,
        total_all: results.total_all,
        stories: results.stories,
        notes: &results.notes,
        undated_left_out: results.undated_left_out,
        hits: results
            .hits
            .iter()
            .map(|hit| HitView::new(hit, cwd))
            .collect(),
        histogram: results.histogram.as_deref(),
    };
    serde_json::to_writer_pretty(&mut *w, &results)?;
    writeln!(w)
}

#[derive(Serialize)]
struct JsonRun {
    files: usize,
    new: usize,
    updated: usize,
    unchanged: usize,
    recleaned: usize,
    removed: usize,
    skipped: usize,
    failed: usize,
    unreadable_parts: usize,
    articles: usize,
    undated: usize,
    learned_lines: usize,
    seconds: f64,
}

/// The summary of an index run as one JSON object: the counts of
/// [`index_summary`], each under its name, and the run's `seconds`.
pub fn index_json(w: &mut dyn Write, stats: &RunStats) -> io::Result<()> {
    let summary = JsonRun {
        files: stats.files(),
        new: stats.new,
        updated: stats.updated,
        unchanged: stats.unchanged,
        recleaned: stats.recleaned,
        removed: stats.removed,
        skipped: stats.skipped,
        failed: stats.failed,
        unreadable_parts: stats.problems,
        articles: stats.articles,
        undated: stats.undated,
        learned_lines: stats.learned_lines,
        seconds: stats.elapsed.as_secs_f64(),
    };
    serde_json::to_writer_pretty(&mut *w, &summary)?;
    writeln!(w)
}

/// The one-line summary of an index run.
pub fn index_summary(stats: &RunStats) -> String {
    let files = stats.files();
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
    writeln!(
        w,
        "stories:    {} ({} told more than once, in {} more copies)",
        stats.stories, stats.copied_stories, stats.copies
    )?;
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

/// The head of an article for people: its file, title, date and where the date came
/// from, place, source and URL.
fn article_head(w: &mut dyn Write, article: &ArticleView, style: Style) -> io::Result<()> {
    let field = |v: &Option<Cow<str>>| {
        v.as_deref()
            .map_or_else(|| "-".to_string(), |s| sanitize(s).into_owned())
    };
    writeln!(w, "file:   {}", sanitize(&article.origin()))?;
    writeln!(w, "title:  {}", style.bold(&sanitize(&article.title)))?;
    writeln!(w, "date:   {}", article.day_and_origin())?;
    writeln!(w, "place:  {}", field(&article.place))?;
    writeln!(w, "source: {}", field(&article.source))?;
    writeln!(w, "url:    {}", field(&article.url))?;
    if let Some(captured) = article.captured_at() {
        writeln!(w, "captured: {captured}")?;
    }
    Ok(())
}

/// Writes an article for people: its head, then the body. Text from the page is
/// escaped.
pub fn article_human(
    w: &mut dyn Write,
    article: &Article,
    style: Style,
    cwd: &Path,
) -> io::Result<()> {
    let view = StoryView::new(article, cwd, None);
    article_head(w, &view.article, style)?;
    writeln!(w, "\n{}", sanitize_block(&view.body))
}

/// Writes an article as one JSON object ([`StoryView`]): the body whole, or with
/// `body_bytes`, cut to that many bytes with a `…` and `"body_truncated": true` when
/// longer.
pub fn article_json(
    w: &mut dyn Write,
    article: &Article,
    cwd: &Path,
    body_bytes: Option<usize>,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *w, &StoryView::new(article, cwd, body_bytes))?;
    writeln!(w)
}

/// Writes what the cleaner made of a file, for people: each article as
/// [`article_human`] shows it, then the lines dropped with their rules.
pub fn clean_human(
    w: &mut dyn Write,
    items: &[Extracted],
    style: Style,
    cwd: &Path,
) -> io::Result<()> {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            writeln!(w, "\n{}\n", "-".repeat(60))?;
        }
        article_human(w, &item.article, style, cwd)?;
        writeln!(
            w,
            "\n{}:",
            plural(item.dropped.len(), "dropped line", "dropped lines")
        )?;
        for dropped in &item.dropped {
            let rule = match dropped.count {
                Some(count) => format!("{}, in {count} articles", dropped.rule.name()),
                None => dropped.rule.name().to_string(),
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

/// Writes what the cleaner made of a file as JSON ([`CleanedView`]): one object, or
/// an array for files that hold several articles.
pub fn clean_json(
    w: &mut dyn Write,
    items: &[Extracted],
    several: bool,
    cwd: &Path,
) -> io::Result<()> {
    let views: Vec<CleanedView> = items
        .iter()
        .map(|item| CleanedView {
            story: StoryView::new(&item.article, cwd, None),
            dropped: &item.dropped,
        })
        .collect();
    match (several, views.first()) {
        (false, Some(one)) => serde_json::to_writer_pretty(&mut *w, one)?,
        _ => serde_json::to_writer_pretty(&mut *w, &views)?,
    }
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_well() {
        assert_eq!(human_bytes(512), "512 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(3 << 20), "3.0 MiB");
    }

    fn article() -> Article {
        Article {
            date: crate::date::parse_published("2017-06-30"),
            date_from: Some(crate::DateSource::Json),
            source: Some("River Post".into()),
            path: "/news/river/archive.json".into(),
            line: Some(2),
            ..Article::story("abc-2", "Evil\x1b[2J title", "One.\n\nTwo\x07.")
        }
    }

    #[test]
    fn people_see_escaped_text_and_the_file_relative_to_here() {
        let mut out = Vec::new();
        article_human(
            &mut out,
            &article(),
            Style { color: false },
            Path::new("/news"),
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "file:   river/archive.json:2\n\
             title:  Evil\\u{1b}[2J title\n\
             date:   2017-06-30 (from json)\n\
             place:  -\n\
             source: River Post\n\
             url:    -\n\
             \n\
             One.\n\nTwo\\u{7}.\n"
        );
    }

    #[test]
    fn json_keeps_the_text_as_it_is() {
        let mut out = Vec::new();
        article_json(&mut out, &article(), Path::new("/elsewhere"), None).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["title"], "Evil\x1b[2J title");
        assert_eq!(value["path"], "/news/river/archive.json");
        assert_eq!(value["line"], 2);
        assert_eq!(value["date_from"], "json");
        assert!(value["published"].is_null());
        assert!(value.get("body_truncated").is_none());
    }

    #[test]
    fn json_can_cut_a_long_body() {
        let long = Article {
            body: "word ".repeat(1000),
            title: "t".repeat(FIELD_BYTES + 1),
            ..article()
        };
        let mut out = Vec::new();
        article_json(&mut out, &long, Path::new("/news"), Some(100)).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let body = value["body"].as_str().unwrap();
        assert!(body.len() <= 100 && body.ends_with('…'), "{body}");
        assert_eq!(value["body_truncated"], true);
        let title = value["title"].as_str().unwrap();
        assert!(title.len() <= FIELD_BYTES && title.ends_with('…'));
        out.clear();
        article_json(&mut out, &long, Path::new("/news"), Some(5000)).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["body"].as_str().unwrap(), long.body);
        assert!(value.get("body_truncated").is_none());
    }
}

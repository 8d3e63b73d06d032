//! How an article is shown, by every printer and by the server: one view of its
//! metadata (its file relative to the folder of whoever looks, its day written out,
//! fields no real article holds cut with a mark), which the views of a hit, of an
//! article with its body and of a cleaned file embed.

use crate::article::{Article, DroppedLine};
use crate::date::format_day;
use crate::search::Hit;
use serde::Serialize;
use std::borrow::Cow;
use std::path::Path;

/// The most bytes of a title, place, source, site or URL shown: far more than any
/// real one holds, and bounded whatever a crawl put there.
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
fn clip_field(text: Option<&str>) -> Option<Cow<'_, str>> {
    text.map(|t| clip(t, FIELD_BYTES))
}

/// A stored path as the user would type it: relative to `cwd` when under it.
pub fn display_path(path: &str, cwd: &Path) -> String {
    Path::new(path)
        .strip_prefix(cwd)
        .map_or_else(|_| path.to_string(), |p| p.to_string_lossy().into_owned())
}

/// An article's metadata as shown.
#[derive(Debug, Serialize)]
pub struct ArticleView<'a> {
    /// The article id.
    pub id: &'a str,
    /// The headline.
    pub title: Cow<'a, str>,
    /// The publication day, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Where the date came from (`header`, `url` ...).
    pub date_from: Option<&'static str>,
    /// The moment of publication in UTC, when the source stated a time.
    #[serde(with = "time::serde::rfc3339::option")]
    pub published: Option<time::OffsetDateTime>,
    /// When a web archive captured the page, in UTC (never its publication).
    #[serde(
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub captured: Option<time::OffsetDateTime>,
    /// The dateline place.
    pub place: Option<Cow<'a, str>>,
    /// The publishing site, as the article names it.
    pub source: Option<Cow<'a, str>>,
    /// The key grouping the site's articles.
    pub site: Option<Cow<'a, str>>,
    /// The article's address.
    pub url: Option<Cow<'a, str>>,
    /// The file it was read from, relative to the folder of whoever looks.
    pub path: String,
    /// The line or item of that file, for files of several articles.
    pub line: Option<usize>,
    /// The language, when it is known.
    pub lang: Option<&'a str>,
}

impl<'a> ArticleView<'a> {
    /// The view of `article` for someone in the folder `cwd`.
    pub fn new(article: &'a Article, cwd: &Path) -> ArticleView<'a> {
        ArticleView {
            id: &article.id,
            title: clip(&article.title, FIELD_BYTES),
            date: article.date.map(format_day),
            date_from: article.date_from.map(|from| from.as_str()),
            published: article.published,
            captured: article.captured,
            place: clip_field(article.place.as_deref()),
            source: clip_field(article.source.as_deref()),
            site: clip_field(article.site.as_deref()),
            url: clip_field(article.url.as_deref()),
            path: display_path(&article.path, cwd),
            line: article.line,
            lang: article.lang.as_deref(),
        }
    }

    /// The file and, for files of several articles, the line or item:
    /// `river-post/crawl.jsonl:4`.
    pub fn origin(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.path),
            None => self.path.clone(),
        }
    }

    /// When a web archive captured the page: `2024-03-05 10:00:00 UTC`.
    pub fn captured_at(&self) -> Option<String> {
        let format =
            time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]:[second] UTC");
        self.captured?.format(&format).ok()
    }

    /// The day, or `undated`.
    pub fn day(&self) -> &str {
        self.date.as_deref().unwrap_or("undated")
    }

    /// The day with where it came from: `2014-07-09 (from header)`, or `undated`.
    pub fn day_and_origin(&self) -> String {
        match (&self.date, self.date_from) {
            (Some(day), Some(from)) => format!("{day} (from {from})"),
            _ => self.day().to_string(),
        }
    }
}

/// A hit as shown: its rank and score, the article, and the snippet with the byte
/// ranges of its highlights.
#[derive(Debug, Serialize)]
pub struct HitView<'a> {
    /// Position in the whole result list, from 1.
    pub rank: usize,
    /// BM25 score; absent when sorted by date.
    pub score: Option<f32>,
    /// The article.
    #[serde(flatten)]
    pub article: ArticleView<'a>,
    /// The snippet, on one line.
    pub snippet: &'a str,
    /// Byte ranges of the snippet to highlight.
    pub highlights: Vec<[usize; 2]>,
    /// The other copies of its story (only present when it has some).
    #[serde(skip_serializing_if = "<[_]>::is_empty")]
    pub copies: &'a [crate::search::Copy],
}

impl<'a> HitView<'a> {
    /// The view of `hit` for someone in the folder `cwd`.
    pub fn new(hit: &'a Hit, cwd: &Path) -> HitView<'a> {
        HitView {
            rank: hit.rank,
            score: hit.score,
            article: ArticleView::new(&hit.article, cwd),
            snippet: &hit.snippet.text,
            highlights: hit
                .snippet
                .highlights
                .iter()
                .map(|r| [r.start, r.end])
                .collect(),
            copies: &hit.copies,
        }
    }
}

/// An article shown whole: its metadata and its body.
#[derive(Debug, Serialize)]
pub struct StoryView<'a> {
    /// The article.
    #[serde(flatten)]
    pub article: ArticleView<'a>,
    /// The body, whole or cut.
    pub body: Cow<'a, str>,
    /// Whether the body was cut (only present when it was).
    #[serde(skip_serializing_if = "is_false")]
    pub body_truncated: bool,
}

fn is_false(value: &bool) -> bool {
    !value
}

impl<'a> StoryView<'a> {
    /// The view of `article` for someone in the folder `cwd`: the body whole, or
    /// with `body_bytes`, cut to that many bytes with a `…` when longer.
    pub fn new(article: &'a Article, cwd: &Path, body_bytes: Option<usize>) -> StoryView<'a> {
        let body = match body_bytes {
            Some(max) => clip(&article.body, max),
            None => Cow::Borrowed(article.body.as_str()),
        };
        StoryView {
            article: ArticleView::new(article, cwd),
            body_truncated: matches!(body, Cow::Owned(_)),
            body,
        }
    }
}

/// What the cleaner made of an article: the article whole, and every line it
/// dropped with its rule.
#[derive(Debug, Serialize)]
pub struct CleanedView<'a> {
    /// The article and its body.
    #[serde(flatten)]
    pub story: StoryView<'a>,
    /// The lines dropped.
    pub dropped: &'a [DroppedLine],
}

#[cfg(test)]
mod tests {
    use super::*;

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
}

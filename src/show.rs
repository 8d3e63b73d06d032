//! One stored article as the index holds it, for `dateline show`: its metadata and the
//! cleaned body, as text for people (escaped, like all human output) or as JSON.

use crate::article::Article;
use crate::date::format_day;
use crate::output::{clip, clip_field, display_path, sanitize, sanitize_block, Style, FIELD_BYTES};
use serde::Serialize;
use std::borrow::Cow;
use std::io::{self, Write};
use std::path::Path;

/// The file an article came from as the user would type it, with the line or item of
/// files that hold several articles (`river-post/crawl.jsonl:4`).
fn origin(article: &Article, cwd: &Path) -> String {
    let mut path = display_path(&article.path, cwd);
    if let Some(line) = article.line {
        path.push_str(&format!(":{line}"));
    }
    path
}

/// Writes an article for people: the file, title, date and where it came from, place,
/// source and URL, then the body. Text from the page is escaped.
pub fn article_human(
    w: &mut dyn Write,
    article: &Article,
    style: Style,
    cwd: &Path,
) -> io::Result<()> {
    let field = |v: &Option<String>| {
        v.as_deref()
            .map_or_else(|| "-".to_string(), |s| sanitize(s).into_owned())
    };
    let date = match (article.date, article.date_from) {
        (Some(day), Some(from)) => format!("{} (from {})", format_day(day), from.as_str()),
        (Some(day), None) => format_day(day),
        (None, _) => "undated".to_string(),
    };
    let title = sanitize(&article.title);
    writeln!(w, "file:   {}", sanitize(&origin(article, cwd)))?;
    writeln!(w, "title:  {}", style.bold(&title))?;
    writeln!(w, "date:   {date}")?;
    writeln!(w, "place:  {}", field(&article.place))?;
    writeln!(w, "source: {}", field(&article.source))?;
    writeln!(w, "url:    {}", field(&article.url))?;
    writeln!(w, "\n{}", sanitize_block(&article.body))
}

#[derive(Serialize)]
struct JsonArticle<'a> {
    id: &'a str,
    title: Cow<'a, str>,
    date: Option<String>,
    date_from: Option<&'static str>,
    #[serde(with = "time::serde::rfc3339::option")]
    published: Option<time::OffsetDateTime>,
    place: Option<Cow<'a, str>>,
    source: Option<Cow<'a, str>>,
    url: Option<Cow<'a, str>>,
    path: String,
    line: Option<usize>,
    lang: Option<&'a str>,
    body: Cow<'a, str>,
    #[serde(skip_serializing_if = "is_false")]
    body_truncated: bool,
}

fn is_false(value: &bool) -> bool {
    !value
}

/// Writes an article as one JSON object, with the fields and path as `search --json`
/// shows them (long ones cut alike), plus `date_from`, `lang` and the `body`: whole,
/// or with `body_bytes`, cut to that many bytes with a `…` and `"body_truncated": true`
/// when longer.
pub fn article_json(
    w: &mut dyn Write,
    article: &Article,
    cwd: &Path,
    body_bytes: Option<usize>,
) -> io::Result<()> {
    let body = match body_bytes {
        Some(max) => clip(&article.body, max),
        None => Cow::Borrowed(article.body.as_str()),
    };
    let json = JsonArticle {
        id: &article.id,
        title: clip(&article.title, FIELD_BYTES),
        date: article.date.map(format_day),
        date_from: article.date_from.map(|f| f.as_str()),
        published: article.published,
        place: clip_field(article.place.as_deref()),
        source: clip_field(article.source.as_deref()),
        url: clip_field(article.url.as_deref()),
        path: display_path(&article.path, cwd),
        line: article.line,
        lang: article.lang.as_deref(),
        body_truncated: matches!(body, Cow::Owned(_)),
        body,
    };
    serde_json::to_writer_pretty(&mut *w, &json)?;
    writeln!(w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article() -> Article {
        Article {
            id: "abc-2".into(),
            title: "Evil\x1b[2J title".into(),
            body: "One.\n\nTwo\x07.".into(),
            date: crate::date::parse_published("2017-06-30"),
            date_from: Some(crate::DateSource::Json),
            place: None,
            source: Some("River Post".into()),
            site: None,
            url: None,
            path: "/news/river/archive.json".into(),
            line: Some(2),
            lang: None,
            published: None,
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

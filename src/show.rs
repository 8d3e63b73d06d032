//! One stored article as the index holds it, for `dateline show`: its metadata and the
//! cleaned body, as text for people (escaped, like all human output) or as JSON.

use crate::article::Article;
use crate::date::format_day;
use crate::output::{display_path, sanitize, sanitize_block, Style};
use serde::Serialize;
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
    title: &'a str,
    date: Option<String>,
    date_from: Option<&'static str>,
    #[serde(with = "time::serde::rfc3339::option")]
    published: Option<time::OffsetDateTime>,
    place: Option<&'a str>,
    source: Option<&'a str>,
    url: Option<&'a str>,
    path: String,
    line: Option<usize>,
    lang: Option<&'a str>,
    body: &'a str,
}

/// Writes an article as one JSON object, with the fields and path as `search --json`
/// shows them, plus `date_from`, `lang` and the whole `body`.
pub fn article_json(w: &mut dyn Write, article: &Article, cwd: &Path) -> io::Result<()> {
    let json = JsonArticle {
        id: &article.id,
        title: &article.title,
        date: article.date.map(format_day),
        date_from: article.date_from.map(|f| f.as_str()),
        published: article.published,
        place: article.place.as_deref(),
        source: article.source.as_deref(),
        url: article.url.as_deref(),
        path: display_path(&article.path, cwd),
        line: article.line,
        lang: article.lang.as_deref(),
        body: &article.body,
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
        article_json(&mut out, &article(), Path::new("/elsewhere")).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(value["title"], "Evil\x1b[2J title");
        assert_eq!(value["path"], "/news/river/archive.json");
        assert_eq!(value["line"], 2);
        assert_eq!(value["date_from"], "json");
        assert!(value["published"].is_null());
    }
}

//! Export to the search engines that spread an archive over several machines: the
//! cleaned articles as Elasticsearch (or OpenSearch) `_bulk` lines or as Quickwit
//! NDJSON, and the index settings each engine needs before the documents arrive.
//!
//! Both formats carry the same document: `id`, `title`, `body`, `date` (`YYYY-MM-DD`),
//! `published` and `captured` (RFC 3339, UTC), `place`, `source`, `url` and `lang`,
//! each left out when the article has none. Quickwit rejects a document without its timestamp field, so
//! its documents add `timestamp`, the publication day at 00:00 UTC, which undated
//! articles hold as [`UNDATED_TIMESTAMP`] together with `"undated": true`.

mod file;

pub use file::ExportFile;

use crate::article::Article;
use crate::date::format_day;
use anyhow::{bail, Result};
use serde::Serialize;
use std::io::{self, Write};
use time::format_description::well_known::Rfc3339;

/// The index name (Elasticsearch) or index id (Quickwit) unless another is given.
pub const DEFAULT_NAME: &str = "dateline";

/// The timestamp of undated articles in a Quickwit export: the start of the Unix epoch,
/// so that a search with a start timestamp leaves them out as dateline's date filters do.
pub const UNDATED_TIMESTAMP: &str = "1970-01-01T00:00:00Z";

/// The engine an export is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Elasticsearch or OpenSearch: `_bulk` NDJSON and a mapping in JSON.
    Elasticsearch,
    /// Quickwit: one JSON document a line and an index config in YAML.
    Quickwit,
}

impl Engine {
    /// The engine's name as users write it.
    pub fn label(self) -> &'static str {
        match self {
            Engine::Elasticsearch => "Elasticsearch",
            Engine::Quickwit => "Quickwit",
        }
    }

    /// What the engine calls the settings [`write_settings`] writes.
    pub fn settings_label(self) -> &'static str {
        match self {
            Engine::Elasticsearch => "mapping",
            Engine::Quickwit => "index config",
        }
    }
}

/// Checks an index name. Elasticsearch wants lower case without `\/*?"<>|,# :` and
/// Quickwit a letter first and at least three characters; the names both accept are
/// 3 to 255 of `a-z`, `0-9`, `-` and `_`, starting with a letter.
pub fn check_name(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_lowercase());
    let rest_ok =
        chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
    if !first_ok || !rest_ok || !(3..=255).contains(&name.len()) {
        bail!(
            "invalid index name `{}`: use 3 to 255 of a-z, 0-9, - and _, starting with a letter",
            name.escape_debug()
        );
    }
    Ok(())
}

/// Writes articles as documents for one engine, one line each, every line ending in a
/// newline (the last one too, as `_bulk` requires).
pub struct Exporter<W: Write> {
    engine: Engine,
    name: String,
    out: W,
    written: usize,
}

impl<W: Write> Exporter<W> {
    /// An exporter for `engine` into the index `name` (see [`check_name`]).
    pub fn new(engine: Engine, name: &str, out: W) -> Result<Exporter<W>> {
        check_name(name)?;
        Ok(Exporter {
            engine,
            name: name.to_string(),
            out,
            written: 0,
        })
    }

    /// Writes one article: for Elasticsearch an `index` action (which replaces a
    /// document of the same `_id`, so loading an export again updates it) and the
    /// document; for Quickwit the document.
    pub fn write(&mut self, article: &Article) -> io::Result<()> {
        if self.engine == Engine::Elasticsearch {
            let action = Action {
                index: Target {
                    index: &self.name,
                    id: &article.id,
                },
            };
            serde_json::to_writer(&mut self.out, &action)?;
            self.out.write_all(b"\n")?;
        }
        serde_json::to_writer(&mut self.out, &Document::of(article, self.engine))?;
        self.out.write_all(b"\n")?;
        self.written += 1;
        Ok(())
    }

    /// How many articles were written so far.
    pub fn written(&self) -> usize {
        self.written
    }

    /// Flushes the writer and gives it back.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// One article as the document an export writes for `engine`, in JSON.
pub fn document_json(article: &Article, engine: Engine) -> serde_json::Result<String> {
    serde_json::to_string(&Document::of(article, engine))
}

/// The `_bulk` action line before each Elasticsearch document.
#[derive(Serialize)]
struct Action<'a> {
    index: Target<'a>,
}

#[derive(Serialize)]
struct Target<'a> {
    #[serde(rename = "_index")]
    index: &'a str,
    #[serde(rename = "_id")]
    id: &'a str,
}

/// One exported article.
#[derive(Serialize)]
struct Document<'a> {
    id: &'a str,
    title: &'a str,
    body: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timestamp: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    published: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    captured: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    place: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    lang: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    undated: Option<bool>,
}

impl<'a> Document<'a> {
    fn of(article: &'a Article, engine: Engine) -> Document<'a> {
        let (timestamp, undated) = match engine {
            Engine::Elasticsearch => (None, None),
            Engine::Quickwit => match article.date.and_then(day_start) {
                Some(start) => (Some(start), None),
                None => (Some(UNDATED_TIMESTAMP.to_string()), Some(true)),
            },
        };
        Document {
            id: &article.id,
            title: &article.title,
            body: &article.body,
            date: article.date.map(format_day),
            timestamp,
            published: article.published.and_then(|p| p.format(&Rfc3339).ok()),
            captured: article.captured.and_then(|c| c.format(&Rfc3339).ok()),
            place: article.place.as_deref(),
            source: article.source.as_deref(),
            url: article.url.as_deref(),
            lang: article.lang.as_deref(),
            undated,
        }
    }
}

/// A day's first moment in UTC, in RFC 3339.
fn day_start(day: time::Date) -> Option<String> {
    day.midnight().assume_utc().format(&Rfc3339).ok()
}

/// Writes what the engine needs before the documents: Elasticsearch's mapping, the
/// body of `PUT /NAME`, or Quickwit's index config for `quickwit index create`.
pub fn write_settings(engine: Engine, name: &str, w: &mut dyn Write) -> Result<()> {
    check_name(name)?;
    match engine {
        Engine::Elasticsearch => {
            serde_json::to_writer_pretty(&mut *w, &elasticsearch_mapping())?;
            writeln!(w)?;
        }
        Engine::Quickwit => w.write_all(quickwit_config(name).as_bytes())?,
    }
    Ok(())
}

/// The Elasticsearch mapping: titles and bodies analysed with the built-in `english`
/// analyzer, the day as a `yyyy-MM-dd` date, and exact keywords for ids, sources,
/// URLs and languages. `dynamic: strict` refuses a document with a field it does not
/// name, so a mismatch fails loudly instead of guessing a type.
pub fn elasticsearch_mapping() -> serde_json::Value {
    let english = serde_json::json!({ "type": "text", "analyzer": "english" });
    serde_json::json!({
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "id": { "type": "keyword" },
                "title": english,
                "body": english,
                "date": { "type": "date", "format": "yyyy-MM-dd" },
                "published": { "type": "date" },
                "captured": { "type": "date" },
                "place": {
                    "type": "text",
                    "fields": { "keyword": { "type": "keyword", "ignore_above": 256 } }
                },
                "source": { "type": "keyword" },
                "url": { "type": "keyword" },
                "lang": { "type": "keyword" }
            }
        }
    })
}

/// The Quickwit index config (format 0.9): titles and bodies with the `default`
/// tokenizer (Quickwit has no stemming tokenizer since 0.9), positions and field norms
/// for phrases and BM25, and `timestamp` as the timestamp field.
pub fn quickwit_config(name: &str) -> String {
    format!(
        "\
# Quickwit index config for articles exported by dateline {version}.
# Create the index with `quickwit index create --index-config FILE`.
version: 0.9
index_id: {name}
doc_mapping:
  mode: strict
  field_mappings:
    - name: id
      type: text
      tokenizer: raw
    - name: title
      type: text
      tokenizer: default
      record: position
      fieldnorms: true
    - name: body
      type: text
      tokenizer: default
      record: position
      fieldnorms: true
    - name: date
      description: Publication day as the article states it (YYYY-MM-DD)
      type: text
      tokenizer: raw
    - name: timestamp
      description: Publication day at 00:00 UTC; {UNDATED_TIMESTAMP} for undated articles
      type: datetime
      input_formats: [rfc3339]
      fast: true
    - name: published
      description: Moment of publication in UTC, when the article states a time
      type: datetime
      input_formats: [rfc3339]
      fast: true
    - name: captured
      description: Moment a web archive captured the page, in UTC (not its publication)
      type: datetime
      input_formats: [rfc3339]
      fast: true
    - name: place
      type: text
      tokenizer: default
      record: position
      fieldnorms: true
    - name: source
      type: text
      tokenizer: raw
      fast: true
    - name: url
      type: text
      tokenizer: raw
    - name: lang
      type: text
      tokenizer: raw
    - name: undated
      description: True on articles without a publication date
      type: bool
  timestamp_field: timestamp
search_settings:
  default_search_fields: [title, body]
",
        version = env!("CARGO_PKG_VERSION"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(id: &str, date: Option<&str>) -> Article {
        Article {
            id: id.into(),
            title: "Drought \"grips\" Kapshagai".into(),
            body: "First line.\nSecond line.".into(),
            date: date.and_then(crate::date::parse_published),
            date_from: None,
            place: Some("Almaty, Kazakhstan".into()),
            source: None,
            site: None,
            url: None,
            path: "/corpus/a.txt".into(),
            line: None,
            lang: None,
            published: crate::date::parse_instant("2012-07-18T08:30:00+06:00"),
            captured: None,
        }
    }

    fn export(engine: Engine, articles: &[Article]) -> String {
        let mut exporter = Exporter::new(engine, DEFAULT_NAME, Vec::new()).unwrap();
        for a in articles {
            exporter.write(a).unwrap();
        }
        assert_eq!(exporter.written(), articles.len());
        String::from_utf8(exporter.finish().unwrap()).unwrap()
    }

    #[test]
    fn bulk_lines_pair_an_index_action_with_each_document() {
        let text = export(Engine::Elasticsearch, &[article("a1", Some("2012-07-18"))]);
        assert!(text.ends_with('\n'));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], r#"{"index":{"_index":"dateline","_id":"a1"}}"#);
        assert_eq!(
            lines[1],
            r#"{"id":"a1","title":"Drought \"grips\" Kapshagai","body":"First line.\nSecond line.","date":"2012-07-18","published":"2012-07-18T02:30:00Z","place":"Almaty, Kazakhstan"}"#
        );
        assert_eq!(lines.len(), 2);
    }

    #[test]
    fn quickwit_documents_always_carry_a_timestamp() {
        let text = export(
            Engine::Quickwit,
            &[article("a1", Some("2012-07-18")), article("a2", None)],
        );
        let docs: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(docs[0]["timestamp"], "2012-07-18T00:00:00Z");
        assert!(docs[0].get("undated").is_none());
        assert_eq!(docs[1]["timestamp"], UNDATED_TIMESTAMP);
        assert_eq!(docs[1]["undated"], true);
        assert!(docs[1].get("date").is_none());
    }

    #[test]
    fn names_both_engines_accept() {
        for good in ["dateline", "news-2024", "a_b"] {
            check_name(good).unwrap();
        }
        for bad in [
            "",
            "ab",
            "News",
            "-news",
            "news archive",
            "news/x",
            "1news",
            "nëws",
        ] {
            let err = check_name(bad).unwrap_err().to_string();
            assert!(err.contains("invalid index name"), "{bad}: {err}");
        }
    }

    #[test]
    fn settings_name_the_index_and_never_a_removed_tokenizer() {
        let config = quickwit_config("news");
        assert!(config.contains("index_id: news\n"));
        assert!(!config.contains("en_stem"));
        let mapping = elasticsearch_mapping();
        assert_eq!(
            mapping["mappings"]["properties"]["body"]["analyzer"],
            "english"
        );
    }
}

//! JSON articles as crawlers write them: `.jsonl`/`.ndjson` (one article a line) and
//! `.json` (one article or an array), with the field names crawlers use.

use crate::extract::{Candidates, Field, Origin};
use serde_json::{Map, Value};

/// Field names for each part of an article, in order of preference.
const TITLE: &[&str] = &["title", "headline"];
/// Field names of the article text.
pub const TEXT: &[&str] = &["text", "body", "content", "maintext", "article"];
const DATE: &[&str] = &[
    "date",
    "published",
    "published_at",
    "date_publish",
    "publish_date",
    "pubdate",
];
const URL: &[&str] = &["url", "link"];
const SOURCE: &[&str] = &["source", "site", "source_domain", "publisher"];
const LANG: &[&str] = &["language", "lang"];

/// One JSON article: the values its fields give and its raw text, or why it cannot
/// be read.
pub fn record(value: &Value) -> Result<(Candidates, String), String> {
    let Value::Object(object) = value else {
        return Err(format!("expected a JSON object, found {}", kind(value)));
    };
    let no_text = || {
        format!(
            "no article text: expected a string field named one of {}",
            TEXT.join(", ")
        )
    };
    // A record with a headline and no text (absent, empty or null) is its headline; a
    // text of another type is a mistake to report.
    let mistyped = || {
        TEXT.iter().any(|name| {
            object
                .get(*name)
                .is_some_and(|v| !v.is_string() && !v.is_null())
        })
    };
    let text = match first_string(object, TEXT) {
        Some(text) => text,
        None if mistyped() => return Err(no_text()),
        None => first_string(object, TITLE).ok_or_else(no_text)?,
    };
    let mut meta = Candidates::default();
    for (field, names) in [
        (Field::Title, TITLE),
        (Field::Url, URL),
        (Field::Source, SOURCE),
        (Field::Lang, LANG),
    ] {
        if let Some(value) = first_string(object, names) {
            meta.add(field, Origin::Json, &value);
        }
    }
    if let Some(date) = first_date(object) {
        meta.add(Field::Date, Origin::Json, &date);
    }
    Ok((meta, text))
}

/// The first of `names` holding a non-empty string; other types count as absent.
fn first_string(object: &Map<String, Value>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|name| {
        let text = object.get(*name)?.as_str()?.trim();
        (!text.is_empty()).then(|| text.to_string())
    })
}

/// A date field as text; a number is kept as text so it is reported, not ignored.
fn first_date(object: &Map<String, Value>) -> Option<String> {
    DATE.iter().find_map(|name| match object.get(*name)? {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn crawler_field_names() {
        let (meta, text) = record(&json!({
            "headline": "Port strike ends", "maintext": "Dockers returned.",
            "date_publish": "2021-06-03 14:20:00", "link": "https://r.example/a",
            "source_domain": "r.example"
        }))
        .unwrap();
        let value = |list: &[crate::extract::Candidate]| {
            assert!(list.iter().all(|c| c.origin == Origin::Json));
            list.first().map(|c| c.value.clone())
        };
        assert_eq!(value(&meta.titles).as_deref(), Some("Port strike ends"));
        assert_eq!(text, "Dockers returned.");
        assert_eq!(value(&meta.dates).as_deref(), Some("2021-06-03 14:20:00"));
        assert_eq!(value(&meta.urls).as_deref(), Some("https://r.example/a"));
        assert_eq!(value(&meta.sources).as_deref(), Some("r.example"));
    }

    #[test]
    fn wrong_shapes_are_explained() {
        assert!(record(&json!([1])).unwrap_err().contains("found an array"));
        let err = record(&json!({"title": "x", "text": ["not", "text"]})).unwrap_err();
        assert!(err.contains("no article text"), "{err}");
        for record_ in [
            json!({"title": "Ferry resumes", "text": ""}),
            json!({"title": "Ferry resumes"}),
        ] {
            assert_eq!(record(&record_).unwrap().1, "Ferry resumes");
        }
        let (meta, _) = record(&json!({"title": ["a"], "text": "t", "date": 20110331})).unwrap();
        assert!(meta.titles.is_empty());
        assert_eq!(meta.dates[0].value, "20110331");
    }
}

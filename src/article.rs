//! The article every stage passes along: what ingest read, what the cleaner kept and
//! where each piece of metadata came from.

use crate::clean::Rule;
use serde::Serialize;
use time::Date;

/// Where an article's publication date came from (the extract step's `DATE` table
/// orders the finer origins behind these).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DateSource {
    /// A `Date:` line in the header block at the top of a text file.
    Header,
    /// The `date` of the file's entry in the folder's `manifest.jsonl`.
    Manifest,
    /// A date field of a JSON article.
    Json,
    /// The metadata of an HTML page (`article:published_time`, JSON-LD, `<time>`).
    Html,
    /// A `/YYYY/MM/DD/` run in the article's URL path.
    Url,
    /// A date line near the top of the text ("Published March 31, 2011").
    Text,
    /// The day a web archive captured the page, for a page that states none, when
    /// asked for (`--undated-use-captured`).
    Captured,
}

impl DateSource {
    /// Every source.
    pub const ALL: [DateSource; 7] = [
        DateSource::Header,
        DateSource::Manifest,
        DateSource::Json,
        DateSource::Html,
        DateSource::Url,
        DateSource::Text,
        DateSource::Captured,
    ];

    /// The source named `name` (as [`DateSource::as_str`] writes it).
    pub fn from_name(name: &str) -> Option<DateSource> {
        DateSource::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The lower-case name shown to users.
    pub fn as_str(self) -> &'static str {
        match self {
            DateSource::Header => "header",
            DateSource::Manifest => "manifest",
            DateSource::Json => "json",
            DateSource::Html => "html",
            DateSource::Url => "url",
            DateSource::Text => "text",
            DateSource::Captured => "captured",
        }
    }
}

fn rule_name<S: serde::Serializer>(rule: &Rule, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(rule.name())
}

/// A line the cleaner removed from the body, with the rule that removed it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DroppedLine {
    /// The line as it stood in the input, trimmed.
    pub line: String,
    /// The rule that removed it, shown by its name (`appeal`, `newsletter`).
    #[serde(serialize_with = "rule_name")]
    pub rule: Rule,
    /// For lines learned from the corpus: how many articles of the source hold it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
}

/// One cleaned news article, ready to be indexed or shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Article {
    /// Stable identifier: a hash of the file path, plus the line or item for JSON files.
    pub id: String,
    /// The headline.
    pub title: String,
    /// The story text, paragraphs apart by a blank line, boilerplate removed.
    pub body: String,
    /// The publication day, when the article states one.
    pub date: Option<Date>,
    /// Where `date` came from.
    pub date_from: Option<DateSource>,
    /// The dateline place of the first paragraph ("Almaty, Kazakhstan").
    pub place: Option<String>,
    /// The publishing site, as the article names it.
    pub source: Option<String>,
    /// The key that groups the site's articles however their metadata names it: the
    /// registrable part of the URL's host, else the site the folder's pages with a URL
    /// name, else the top folder, else the source (see [`crate::extract::SiteHints`]).
    pub site: Option<String>,
    /// The article's address on the web.
    pub url: Option<String>,
    /// The file the article was read from, as given on the command line.
    pub path: String,
    /// For files holding several articles: the 1-based line (JSON lines), item (JSON
    /// array) or record (web archive).
    pub line: Option<usize>,
    /// The article's language as a lower-case code (`en`, `ru`, `zh`), when known.
    pub lang: Option<String>,
    /// The moment of publication in UTC, when the source states a time with its zone.
    pub published: Option<time::OffsetDateTime>,
    /// When a web archive captured the page, in UTC: never its publication date.
    pub captured: Option<time::OffsetDateTime>,
}

#[cfg(test)]
impl Article {
    /// An article of a test: an id, a headline and a story, read from
    /// `/corpus/ID.txt`, nothing else known.
    pub(crate) fn story(id: &str, title: &str, body: &str) -> Article {
        Article {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            date: None,
            date_from: None,
            place: None,
            source: None,
            site: None,
            url: None,
            path: format!("/corpus/{id}.txt"),
            line: None,
            lang: None,
            published: None,
            captured: None,
        }
    }
}

/// Serialises an optional date as `YYYY-MM-DD` or `null`.
pub mod optional_day {
    use serde::Serializer;
    use time::Date;

    /// Writes `date` as `YYYY-MM-DD`, or `null` when absent.
    pub fn serialize<S: Serializer>(date: &Option<Date>, serializer: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(day) => serializer.serialize_str(&crate::date::format_day(*day)),
            None => serializer.serialize_none(),
        }
    }
}

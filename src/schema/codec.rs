//! How an article becomes a tantivy document and back: the one place that knows
//! which field holds what, how a day is stored, and what the index keeps of a file
//! and of an article's lines besides the article itself.

use super::queue::{DocumentQueue, QueueTicket};
use super::{Fields, UNDATED_FLAG};
use crate::article::{Article, DateSource};
use crate::copies::Fingerprint;
use crate::date;
use tantivy::schema::document::{ReferenceValue, ReferenceValueLeaf};
use tantivy::schema::{Document, Field, Value};
use tantivy::{DateTime, TantivyDocument};

/// How a file was when it was indexed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileStamp {
    /// Hash of the file's bytes, manifest entry and indexed root.
    pub hash: u64,
    /// Parts of the file that could not be read.
    pub problems: u64,
    /// Hash of the file's size, times and identity with its manifest entry and root:
    /// when it is the same, the file is not read again. Zero when unknown.
    pub quick: u64,
}

/// What the index keeps of one article besides its text, for learning boilerplate
/// and grouping copies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ArticleRecord {
    /// The source key, 0 without a source.
    pub source: u64,
    /// The keys of its body lines before learned lines were dropped.
    pub line_keys: Vec<u64>,
    /// Which learned lines were dropped from it (see [`crate::clean::learned::Learned::digest`]).
    pub learned_digest: u64,
    /// The fingerprint of its story before learned lines were dropped, if it has one.
    pub fingerprint: Option<Fingerprint>,
    /// The group of copies it belongs to (see [`crate::copies`]), 0 for none.
    pub story: u64,
}

/// An article as tantivy indexes and stores it, with what the index keeps of its file
/// and lines. It holds each text once: the body, pairs and joined fields read the
/// story from the same string, where a [`TantivyDocument`] would hold three copies
/// of it in tantivy's queue. It is a pointer to its parts: tantivy's writer sets
/// aside room for 10,000 batches of four documents in its queue whatever their size,
/// which for the parts themselves (about 460 bytes) would be 18 MB, twice over.
pub struct ArticleDocument(Box<DocumentParts>);

/// What an [`ArticleDocument`] holds.
struct DocumentParts {
    fields: Fields,
    article: Article,
    file: FileStamp,
    lines: ArticleRecord,
    /// The `flags` terms: the publication year, month and day, or [`UNDATED_FLAG`].
    flags: Vec<String>,
    /// Its place in the queue of documents waiting in tantivy's writer, if it has one.
    ticket: Option<QueueTicket>,
}

impl ArticleDocument {
    /// About how many bytes the document holds.
    fn approximate_size(&self) -> usize {
        let DocumentParts { article, lines, .. } = &*self.0;
        let texts = [
            &article.place,
            &article.source,
            &article.site,
            &article.url,
            &article.lang,
        ]
        .into_iter()
        .flatten()
        .map(String::len)
        .sum::<usize>();
        std::mem::size_of::<DocumentParts>()
            + article.id.len()
            + article.title.len()
            + article.body.len()
            + article.path.len()
            + texts
            + 8 * lines.line_keys.len()
    }

    /// The document holding its place in `queue` until tantivy has indexed it.
    pub fn queued(mut self, queue: &std::sync::Arc<DocumentQueue>) -> ArticleDocument {
        self.0.ticket = Some(queue.enter(self.approximate_size()));
        self
    }
}

/// One value of an [`ArticleDocument`], borrowed from it.
#[derive(Debug, Clone, Copy)]
pub enum ArticleValue<'a> {
    /// Text.
    Str(&'a str),
    /// A number.
    U64(u64),
    /// A moment.
    Date(DateTime),
}

impl<'a> Value<'a> for ArticleValue<'a> {
    type ArrayIter = std::iter::Empty<Self>;
    type ObjectIter = std::iter::Empty<(&'a str, Self)>;

    fn as_value(&self) -> ReferenceValue<'a, Self> {
        match *self {
            ArticleValue::Str(text) => ReferenceValueLeaf::Str(text).into(),
            ArticleValue::U64(n) => ReferenceValueLeaf::U64(n).into(),
            ArticleValue::Date(moment) => ReferenceValueLeaf::Date(moment).into(),
        }
    }
}

/// The document of `article`, read from a file stamped `file`, with the record of its
/// lines.
pub fn encode(
    fields: Fields,
    article: Article,
    file: FileStamp,
    lines: ArticleRecord,
) -> ArticleDocument {
    let flags = match article.date {
        Some(day) => date::period_terms(day).into(),
        None => vec![UNDATED_FLAG.to_string()],
    };
    ArticleDocument(Box::new(DocumentParts {
        fields,
        article,
        file,
        lines,
        flags,
        ticket: None,
    }))
}

impl Document for ArticleDocument {
    type Value<'a> = ArticleValue<'a>;
    type FieldsValuesIter<'a> = std::vec::IntoIter<(Field, ArticleValue<'a>)>;

    fn iter_fields_and_values(&self) -> Self::FieldsValuesIter<'_> {
        use ArticleValue::{Date, Str, U64};
        let DocumentParts {
            fields,
            article,
            file,
            lines,
            flags,
            ..
        } = &*self.0;
        let mut values = Vec::with_capacity(24 + lines.line_keys.len());
        values.extend([
            (fields.id, Str(&article.id)),
            (fields.title, Str(&article.title)),
            (fields.body, Str(&article.body)),
            (fields.pairs, Str(&article.body)),
        ]);
        // The headline's words are the article's words too: one posting list per word
        // answers every query, and the title field only adds to the score. A story that
        // is only its headline holds them already. The pairs are those of the body
        // field's values, so that a pair counts as often as its phrase does.
        if article.body != article.title {
            values.extend([
                (fields.body, Str(&article.title)),
                (fields.pairs, Str(&article.title)),
                (fields.joined, Str(&article.title)),
            ]);
        }
        values.extend([
            (fields.joined, Str(&article.body)),
            (fields.path, Str(&article.path)),
            (fields.file_hash, U64(file.hash)),
            (fields.file_problems, U64(file.problems)),
            (fields.file_quick, U64(file.quick)),
        ]);
        if let Some(line) = article.line {
            values.push((fields.line, U64(line as u64)));
        }
        if let Some(day) = article.date {
            values.push((fields.date, Date(day_to_datetime(day))));
        }
        values.extend(flags.iter().map(|term| (fields.flags, Str(term))));
        for (field, instant) in [
            (fields.published, article.published),
            (fields.captured, article.captured),
        ] {
            if let Some(instant) = instant {
                values.push((
                    field,
                    Date(DateTime::from_timestamp_secs(instant.unix_timestamp())),
                ));
            }
        }
        if let Some(from) = article.date_from {
            values.push((fields.date_from, Str(from.as_str())));
        }
        for (field, value) in [
            (fields.place, &article.place),
            (fields.source, &article.source),
            (fields.site, &article.site),
            (fields.url, &article.url),
            (fields.lang, &article.lang),
        ] {
            if let Some(value) = value {
                values.push((field, Str(value)));
            }
        }
        values.push((fields.source_key, U64(lines.source)));
        values.push((fields.learned_digest, U64(lines.learned_digest)));
        values.push((fields.story, U64(lines.story)));
        if let Some(fingerprint) = &lines.fingerprint {
            values.extend(
                fingerprint
                    .to_values()
                    .into_iter()
                    .map(|value| (fields.fingerprint, U64(value))),
            );
        }
        values.extend(
            lines
                .line_keys
                .iter()
                .map(|&key| (fields.line_keys, U64(key))),
        );
        values.into_iter()
    }
}

/// A stored document read as an article, borrowing its text: a story may be
/// megabytes long, and most readers want a few of its fields.
pub struct Stored<'a> {
    fields: Fields,
    doc: &'a TantivyDocument,
}

impl<'a> Stored<'a> {
    /// The article stored as `doc`.
    pub fn new(fields: Fields, doc: &'a TantivyDocument) -> Stored<'a> {
        Stored { fields, doc }
    }

    fn text(&self, field: tantivy::schema::Field) -> Option<&'a str> {
        self.doc.get_first(field).and_then(|v| v.as_str())
    }

    /// The article id.
    pub fn id(&self) -> &'a str {
        self.text(self.fields.id).unwrap_or_default()
    }

    /// The headline.
    pub fn title(&self) -> &'a str {
        self.text(self.fields.title).unwrap_or_default()
    }

    /// The story (the first value of the body field; the second is the headline).
    pub fn body(&self) -> &'a str {
        self.text(self.fields.body).unwrap_or_default()
    }

    /// The file the article was read from.
    pub fn path(&self) -> &'a str {
        self.text(self.fields.path).unwrap_or_default()
    }

    /// The dateline place.
    pub fn place(&self) -> Option<&'a str> {
        self.text(self.fields.place)
    }

    /// The publishing site, as the article names it.
    pub fn source(&self) -> Option<&'a str> {
        self.text(self.fields.source)
    }

    /// The key grouping the site's articles.
    pub fn site(&self) -> Option<&'a str> {
        self.text(self.fields.site)
    }

    /// The article's address.
    pub fn url(&self) -> Option<&'a str> {
        self.text(self.fields.url)
    }

    /// The publication day.
    pub fn date(&self) -> Option<time::Date> {
        let value = self.doc.get_first(self.fields.date)?.as_datetime()?;
        datetime_to_day(value)
    }

    /// The line or item of the file, for files of several articles.
    pub fn line(&self) -> Option<usize> {
        let line = self.doc.get_first(self.fields.line)?.as_u64()?;
        usize::try_from(line).ok()
    }

    /// The moment of publication in UTC, when the source stated a time.
    pub fn published(&self) -> Option<time::OffsetDateTime> {
        self.instant(self.fields.published)
    }

    /// When a web archive captured the page, in UTC.
    pub fn captured(&self) -> Option<time::OffsetDateTime> {
        self.instant(self.fields.captured)
    }

    fn instant(&self, field: tantivy::schema::Field) -> Option<time::OffsetDateTime> {
        let value = self.doc.get_first(field)?.as_datetime()?;
        time::OffsetDateTime::from_unix_timestamp(value.into_timestamp_secs()).ok()
    }

    /// The article without its body (a hit shows a snippet of it instead).
    pub fn headed(&self) -> Article {
        Article {
            body: String::new(),
            ..self.article_with(String::new())
        }
    }

    /// The whole article, copied out.
    pub fn article(&self) -> Article {
        self.article_with(self.body().to_string())
    }

    fn article_with(&self, body: String) -> Article {
        let owned = |text: Option<&str>| text.map(str::to_string);
        Article {
            id: self.id().to_string(),
            title: self.title().to_string(),
            body,
            date: self.date(),
            date_from: self
                .text(self.fields.date_from)
                .and_then(DateSource::from_name),
            place: owned(self.place()),
            source: owned(self.source()),
            site: owned(self.site()),
            url: owned(self.url()),
            path: self.path().to_string(),
            line: self.line(),
            lang: owned(self.text(self.fields.lang)),
            published: self.published(),
            captured: self.captured(),
        }
    }
}

/// Midnight UTC of a day, as the index stores dates.
pub fn day_to_datetime(day: time::Date) -> DateTime {
    DateTime::from_timestamp_secs(day.midnight().assume_utc().unix_timestamp())
}

/// The day of a stored date.
pub fn datetime_to_day(value: DateTime) -> Option<time::Date> {
    let utc = time::OffsetDateTime::from_unix_timestamp(value.into_timestamp_secs()).ok()?;
    let day = utc.date();
    date::day(day.year(), u8::from(day.month()).into(), day.day().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_survive_the_round_trip() {
        for text in ["1678-01-01", "1970-01-01", "2024-02-29", "2261-12-31"] {
            let day = date::parse_published(text).unwrap();
            assert_eq!(datetime_to_day(day_to_datetime(day)), Some(day));
        }
    }

    #[test]
    fn an_article_survives_the_round_trip() {
        let schema = super::super::schema();
        let fields = Fields::new(&schema).unwrap();
        let article = Article {
            id: "abc-3".into(),
            title: "Drought hits the south".into(),
            body: "The drought cut the wheat harvest.".into(),
            date: date::parse_published("2014-01-01"),
            date_from: Some(DateSource::Header),
            place: Some("Almaty".into()),
            source: Some("Steppe Herald".into()),
            site: Some("steppeherald.example".into()),
            url: Some("https://steppeherald.example/a".into()),
            path: "/corpus/a.jsonl".into(),
            line: Some(3),
            lang: Some("en".into()),
            published: time::OffsetDateTime::from_unix_timestamp(1_388_534_400).ok(),
            captured: time::OffsetDateTime::from_unix_timestamp(1_700_000_000).ok(),
        };
        let doc = encode(
            fields,
            article.clone(),
            FileStamp::default(),
            ArticleRecord::default(),
        )
        .into_tantivy_document();
        let stored = Stored::new(fields, &doc);
        assert_eq!(stored.article(), article);
        assert_eq!(stored.body(), article.body);
    }
}

//! Saved HTML news pages: every value the page states for an article's fields (its
//! `<meta>` tags, JSON-LD, `<time>` elements, canonical link, `<title>` and visible
//! headline, the dates of its bylines), and its story text from
//! [`crate::clean::html`]. Which value wins is the extract step's choice.

use crate::extract::{Candidates, Field, Origin, RawArticle};
use scraper::{Html, Node};
use serde_json::Value;

/// Meta names and properties that state a publication date, strongest first (the
/// names [htmldate] reads, lower-cased).
///
/// [htmldate]: https://github.com/adbar/htmldate
const PUBLISHED_META: &[&str] = &[
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "article:published",
    "article.published",
    "article_date_original",
    "datepublished",
    "publication_date",
    "publish_date",
    "publish-date",
    "publishdate",
    "pubdate",
    "pub_date",
    "dc.date.issued",
    "dc.date.created",
    "dc.date.published",
    "dc.date",
    "dcterms.issued",
    "dcterms.created",
    "dcterms.date",
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "prism.publicationdate",
    "sailthru.date",
    "parsely-pub-date",
    "cxenseparse:recs:publishtime",
    "rnews:datepublished",
    "article:post_date",
    "originalpublicationdate",
    "date_published",
    "displaydate",
    "dc.created",
    "date",
    "datecreated",
    "created",
];

/// Meta names and properties that state the page's last change.
const MODIFIED_META: &[&str] = &[
    "article:modified_time",
    "og:updated_time",
    "article:modified",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
    "last-modified",
    "lastmod",
    "modified",
];

/// Words that open the part of a byline dating a change, not the publication.
const UPDATE_LABELS: &[&str] = &[
    "updated",
    "modified",
    "last",
    "edited",
    "atualizado",
    "actualizado",
    "aggiornato",
    "mis à jour",
    "aktualisiert",
    "обновлено",
    "更新",
];

/// Reads a saved news page.
pub fn read(html: &str) -> RawArticle {
    let document = Html::parse_document(&super::nesting::bounded(html));
    let stated = Stated::read(&document);
    let page = crate::clean::html::read(&document);
    let mut candidates = Candidates::default();

    let meta_site = stated.meta(&["og:site_name", "application-name"]);
    if let Some(name) = meta_site {
        candidates.add(Field::Source, Origin::HtmlMeta, name);
    }
    if let Some(name) = &stated.ld.publisher {
        candidates.add(Field::Source, Origin::JsonLd, name);
    }
    let site_name = meta_site
        .map(str::to_string)
        .or_else(|| stated.ld.publisher.clone());
    for url in stated
        .canonical
        .iter()
        .map(String::as_str)
        .chain(stated.meta(&["og:url", "twitter:url"]))
    {
        candidates.add(Field::Url, Origin::HtmlMeta, url);
    }
    if let Some(url) = &stated.ld.url {
        candidates.add(Field::Url, Origin::JsonLd, url);
    }

    // Titles, without the site's name after a separator.
    let headline = page.headlines.iter().map(|h| fold(h)).find(|h| {
        !h.is_empty()
            && site_name
                .as_deref()
                .is_none_or(|s| !h.eq_ignore_ascii_case(s))
    });
    let strip = |t: &str| strip_site_suffix(t, site_name.as_deref(), headline.as_deref());
    if let Some(h) = &headline {
        candidates.add(Field::Title, Origin::Headline, &strip(h));
    }
    for title in [stated.meta(&["og:title"]), stated.meta(&["twitter:title"])]
        .into_iter()
        .flatten()
    {
        candidates.add(Field::Title, Origin::HtmlMeta, &strip(title));
    }
    if let Some(title) = &stated.ld.headline {
        candidates.add(Field::Title, Origin::JsonLd, &strip(title));
    }
    if let Some(title) = &stated.title {
        candidates.add(Field::Title, Origin::HtmlTitle, &strip(title));
    }

    for name in PUBLISHED_META {
        if let Some(date) = stated.meta(&[name]) {
            candidates.add(Field::Date, Origin::HtmlMeta, date);
        }
    }
    for date in &stated.ld.published {
        candidates.add(Field::Date, Origin::JsonLd, date);
    }
    for date in stated.time_dates() {
        candidates.add(Field::Date, Origin::TimeElement, date);
    }
    if let Some(day) = page.bylines.iter().find_map(|b| byline_date(b)) {
        candidates.add(Field::Date, Origin::Byline, &crate::date::format_day(day));
    }
    for name in MODIFIED_META {
        if let Some(date) = stated.meta(&[name]) {
            candidates.add(Field::Date, Origin::Modified, date);
        }
    }
    for date in &stated.ld.modified {
        candidates.add(Field::Date, Origin::Modified, date);
    }
    if let Some(lang) = &stated.lang {
        candidates.add(Field::Lang, Origin::HtmlMeta, lang);
    }
    RawArticle {
        judged: None,
        candidates,
        text: page.story,
        line: None,
        captured: None,
    }
}

/// What a page states in its markup, gathered in one walk of its elements.
#[derive(Debug, Default)]
struct Stated {
    /// `<meta>` values by lower-cased `property`, `name`, `itemprop` or
    /// `http-equiv`, in document order.
    metas: Vec<(String, String)>,
    canonical: Option<String>,
    title: Option<String>,
    lang: Option<String>,
    /// `<time>` and `itemprop=datePublished` values, with how strongly each marks the
    /// publication.
    times: Vec<(TimeMark, String)>,
    ld: LinkedData,
}

/// How a `<time>` (or other element) marks a publication date, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum TimeMark {
    /// `itemprop=datePublished`.
    Published,
    /// `<time pubdate>`, or a `<time>` named for publication (`published`, `entry-date`).
    Marked,
    /// A `<time>` inside the `<article>`.
    InArticle,
    /// Any other `<time>`.
    Other,
}

impl Stated {
    fn read(document: &Html) -> Stated {
        let mut stated = Stated::default();
        for node in document.tree.root().descendants() {
            let Node::Element(element) = node.value() else {
                continue;
            };
            let attr = |name: &str| element.attr(name).map(str::trim).filter(|v| !v.is_empty());
            let itemprop = attr("itemprop").unwrap_or_default();
            match element.name() {
                "html" => {
                    stated.lang = attr("lang").map(str::to_ascii_lowercase);
                }
                "meta" => {
                    let Some(content) = attr("content") else {
                        continue;
                    };
                    for key in ["property", "name", "itemprop", "http-equiv"] {
                        if let Some(name) = attr(key) {
                            stated
                                .metas
                                .push((name.to_ascii_lowercase(), content.to_string()));
                        }
                    }
                    continue;
                }
                "link" => {
                    let canonical =
                        attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("canonical"));
                    if canonical && stated.canonical.is_none() {
                        stated.canonical = attr("href").map(str::to_string);
                    }
                    continue;
                }
                "title" if stated.title.is_none() => {
                    let text: String = node
                        .children()
                        .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                        .collect();
                    let text = fold(&text);
                    stated.title = (!text.is_empty()).then_some(text);
                    continue;
                }
                "script" => {
                    if attr("type").is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) {
                        let text: String = node
                            .children()
                            .filter_map(|c| c.value().as_text().map(|t| t.to_string()))
                            .collect();
                        stated.ld.read(&text);
                    }
                    continue;
                }
                _ => {}
            }
            let published_prop = itemprop.eq_ignore_ascii_case("datePublished");
            if element.name() == "time" || published_prop {
                let Some(value) = attr("datetime").or_else(|| attr("content")) else {
                    continue;
                };
                let names = format!(
                    "{} {}",
                    attr("class").unwrap_or_default(),
                    attr("id").unwrap_or_default()
                )
                .to_ascii_lowercase();
                let mark = if published_prop {
                    TimeMark::Published
                } else if attr("pubdate").is_some()
                    || element.attr("pubdate").is_some()
                    || ["publish", "entry-date", "post-date"]
                        .iter()
                        .any(|n| names.contains(n))
                {
                    TimeMark::Marked
                } else if node.ancestors().any(|a| {
                    a.value()
                        .as_element()
                        .is_some_and(|e| e.name() == "article")
                }) {
                    TimeMark::InArticle
                } else {
                    TimeMark::Other
                };
                let modified = itemprop.eq_ignore_ascii_case("dateModified")
                    || ["modified", "updated"].iter().any(|n| names.contains(n));
                if !modified {
                    stated.times.push((mark, value.to_string()));
                }
            }
        }
        stated
    }

    /// The first value of any of `names`, by the order of `names`.
    fn meta(&self, names: &[&str]) -> Option<&str> {
        names.iter().find_map(|name| {
            self.metas
                .iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        })
    }

    /// The dates of `<time>` elements, those marking the publication most strongly
    /// first.
    fn time_dates(&self) -> impl Iterator<Item = &str> {
        let mut times: Vec<&(TimeMark, String)> = self.times.iter().collect();
        times.sort_by_key(|(mark, _)| *mark);
        times.into_iter().map(|(_, value)| value.as_str())
    }
}

/// The publication date a byline or date line writes, passing over the parts that
/// date a change: `By A. Writer | Published 12 March 2014 · Updated 4 May 2016`.
fn byline_date(text: &str) -> Option<time::Date> {
    text.split(['|', '·', '•', '\n'])
        .map(str::trim)
        .filter(|part| {
            let lower = part.to_lowercase();
            !UPDATE_LABELS.iter().any(|w| lower.starts_with(w))
        })
        .find_map(|part| {
            // A date line of its own, or a short part of a byline holding one.
            crate::date::date_line(part).or_else(|| {
                (part.split_whitespace().count() <= 12)
                    .then(|| crate::date::find_written_date(part))
                    .flatten()
            })
        })
}

/// What JSON-LD says of the article.
#[derive(Debug, Default)]
struct LinkedData {
    headline: Option<String>,
    published: Vec<String>,
    modified: Vec<String>,
    publisher: Option<String>,
    url: Option<String>,
}

impl LinkedData {
    /// Reads one JSON-LD script: objects of an article type anywhere in it (in
    /// `@graph`, arrays, nested under other objects), the first of each field winning.
    fn read(&mut self, text: &str) {
        let Ok(value) = serde_json::from_str::<Value>(text.trim()) else {
            return;
        };
        let mut stack = vec![&value];
        while let Some(value) = stack.pop() {
            match value {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(object) => {
                    if is_article_type(object.get("@type")) {
                        self.read_article(object);
                    }
                    // Nested objects (`@graph`, `mainEntity`, `itemListElement`) after
                    // this one, in document order.
                    let nested: Vec<&Value> = object
                        .iter()
                        .filter(|(key, v)| {
                            !matches!(key.as_str(), "publisher" | "author" | "image")
                                && matches!(v, Value::Object(_) | Value::Array(_))
                        })
                        .map(|(_, v)| v)
                        .collect();
                    stack.extend(nested.into_iter().rev());
                }
                _ => {}
            }
        }
    }

    fn read_article(&mut self, object: &serde_json::Map<String, Value>) {
        let text = |key: &str| {
            object
                .get(key)
                .and_then(Value::as_str)
                .map(fold)
                .filter(|s| !s.is_empty())
        };
        self.headline = self
            .headline
            .take()
            .or_else(|| text("headline").or_else(|| text("name")));
        self.published.extend(text("datePublished"));
        self.published.extend(text("dateCreated"));
        self.modified.extend(text("dateModified"));
        self.url = self.url.take().or_else(|| {
            text("url").or_else(|| {
                object
                    .get("mainEntityOfPage")
                    .and_then(|m| m.as_str().or_else(|| m.get("@id").and_then(Value::as_str)))
                    .map(str::to_string)
            })
        });
        let publisher = object
            .get("publisher")
            .and_then(|p| match p {
                Value::Array(items) => items.first(),
                other => Some(other),
            })
            .and_then(|p| p.get("name"))
            .and_then(Value::as_str)
            .map(fold)
            .filter(|s| !s.is_empty());
        self.publisher = self.publisher.take().or(publisher);
    }
}

/// Whether a JSON-LD `@type` is an article of some kind.
fn is_article_type(kind: Option<&Value>) -> bool {
    let is_article = |s: &str| {
        s.ends_with("Article")
            || matches!(
                s,
                "BlogPosting" | "Report" | "LiveBlogPosting" | "NewsArticle"
            )
    };
    match kind {
        Some(Value::String(s)) => is_article(s),
        Some(Value::Array(kinds)) => kinds.iter().filter_map(Value::as_str).any(is_article),
        _ => false,
    }
}

/// Removes a trailing ` - Site`, ` | Site`, ` — Site` or ` · Site` when the suffix is
/// the site's name, or when what precedes it is the page's headline.
fn strip_site_suffix(title: &str, site: Option<&str>, h1: Option<&str>) -> String {
    let title = fold(title);
    for separator in [" | ", " - ", " — ", " – ", " · ", " :: "] {
        if let Some((head, tail)) = title.rsplit_once(separator) {
            let tail_is_site = site.is_some_and(|s| {
                let s = s.to_lowercase();
                let t = tail.to_lowercase();
                t == s || t.contains(&s) || s.contains(&t)
            });
            let head_is_headline = h1.is_some_and(|h| fold(h) == head.trim());
            if tail_is_site || head_is_headline {
                return head.trim().to_string();
            }
        }
    }
    title
}

/// Collapses runs of whitespace (no-break spaces included) to single spaces.
fn fold(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::{pick, Candidate, DATE, SOURCE, TITLE, URL};

    fn values(candidates: &[Candidate], origin: Origin) -> Vec<&str> {
        candidates
            .iter()
            .filter(|c| c.origin == origin)
            .map(|c| c.value.as_str())
            .collect()
    }

    const PAGE: &str = r#"<!DOCTYPE html>
<html lang="en-GB"><head>
<title>Harbour crane collapses in storm | The Tidewater Gazette</title>
<meta property="og:site_name" content="The Tidewater Gazette">
<meta property="og:title" content="Harbour crane collapses in storm">
<meta property="article:published_time" content="2019-03-04T08:15:00+00:00">
<meta property="article:modified_time" content="2019-03-06T10:00:00+00:00">
<link rel="canonical" href="https://www.tidewater.example/news/crane-collapse">
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>Harbour crane collapses in storm</h1>
<p class="byline">By Ada Quill | Published 4 March 2019</p>
<p>A container crane at the north quay fell into the water during gusts of 70 mph on Monday night, the port authority said.</p>
<p>No one was hurt. Dock workers had been sent home two hours earlier when the wind rose.</p>
</article>
<footer>Copyright The Tidewater Gazette</footer>
</body></html>"#;

    #[test]
    fn a_typical_page_states_every_field() {
        let raw = read(PAGE);
        let c = &raw.candidates;
        assert_eq!(
            pick(&c.titles, TITLE).unwrap().value,
            "Harbour crane collapses in storm"
        );
        assert_eq!(
            values(&c.titles, Origin::HtmlTitle),
            ["Harbour crane collapses in storm"],
            "the site's name is cut from <title>"
        );
        assert_eq!(
            pick(&c.dates, DATE).unwrap().value,
            "2019-03-04T08:15:00+00:00"
        );
        assert_eq!(values(&c.dates, Origin::Byline), ["2019-03-04"]);
        assert_eq!(
            values(&c.dates, Origin::Modified),
            ["2019-03-06T10:00:00+00:00"]
        );
        assert_eq!(
            pick(&c.sources, SOURCE).unwrap().value,
            "The Tidewater Gazette"
        );
        assert_eq!(
            pick(&c.urls, URL).unwrap().value,
            "https://www.tidewater.example/news/crane-collapse"
        );
        assert_eq!(values(&c.langs, Origin::HtmlMeta), ["en-gb"]);
        assert!(raw.text.contains("fell into the water"), "{}", raw.text);
        assert!(!raw.text.contains("Copyright"), "{}", raw.text);
    }

    #[test]
    fn json_ld_is_read_in_graphs_arrays_and_nested_objects() {
        let page = r#"<html><head><script type="application/ld+json">
        {"@context":"https://schema.org","@graph":[
          {"@type":"WebSite","name":"Not the article","datePublished":"2001-01-01"},
          {"@type":["NewsArticle"],"headline":"Ferry service resumes",
           "datePublished":"2020-07-01T06:00:00Z","dateModified":"2020-07-02",
           "mainEntityOfPage":{"@id":"https://ferries.example/resumes"},
           "publisher":[{"@type":"Organization","name":"Ferry Times"}],
           "author":{"@type":"Person","name":"Jo Reed","datePublished":"1999-09-09"}}
        ]}</script></head><body><p>Boats are sailing again.</p></body></html>"#;
        let c = read(page).candidates;
        assert_eq!(values(&c.titles, Origin::JsonLd), ["Ferry service resumes"]);
        assert_eq!(values(&c.dates, Origin::JsonLd), ["2020-07-01T06:00:00Z"]);
        assert_eq!(values(&c.dates, Origin::Modified), ["2020-07-02"]);
        assert_eq!(
            values(&c.urls, Origin::JsonLd),
            ["https://ferries.example/resumes"]
        );
        assert_eq!(values(&c.sources, Origin::JsonLd), ["Ferry Times"]);
    }

    #[test]
    fn broken_json_ld_is_passed_over() {
        let page = r#"<html><head><script type="application/ld+json">{"@type":"NewsArticle",
        "headline": </script><title>Still read</title></head><body><p>Text.</p></body></html>"#;
        let c = read(page).candidates;
        assert!(values(&c.titles, Origin::JsonLd).is_empty());
        assert_eq!(values(&c.titles, Origin::HtmlTitle), ["Still read"]);
    }

    #[test]
    fn time_elements_rank_by_how_they_mark_the_publication() {
        let page = r#"<html><body>
        <aside><time datetime="2011-11-11">Other story</time></aside>
        <article><time datetime="2012-02-02">In the article</time>
        <time class="updated" datetime="2013-03-03">Updated</time>
        <time class="entry-date published" datetime="2014-04-04">Marked</time>
        <span itemprop="datePublished" content="2015-05-05">Fifth of May</span>
        <p>The story itself, long enough to be read as one.</p></article></body></html>"#;
        let c = read(page).candidates;
        assert_eq!(
            values(&c.dates, Origin::TimeElement),
            ["2015-05-05", "2014-04-04", "2012-02-02", "2011-11-11"]
        );
    }

    #[test]
    fn meta_dates_follow_the_names_strongest_first() {
        let page = r#"<html><head>
        <meta name="date" content="2018-01-09">
        <meta name="DC.date.issued" content="2018-01-08">
        <meta http-equiv="last-modified" content="2018-02-01">
        </head><body><p>Text.</p></body></html>"#;
        let c = read(page).candidates;
        assert_eq!(
            values(&c.dates, Origin::HtmlMeta),
            ["2018-01-08", "2018-01-09"]
        );
        assert_eq!(values(&c.dates, Origin::Modified), ["2018-02-01"]);
    }

    #[test]
    fn a_byline_date_passes_over_the_update() {
        assert_eq!(
            byline_date("By A. Writer | Updated 4 May 2016 · Published 12 March 2014"),
            Some(time::macros::date!(2014 - 03 - 12))
        );
        assert_eq!(byline_date("Updated 4 May 2016"), None);
        assert_eq!(byline_date("By A. Writer, staff reporter"), None);
    }

    #[test]
    fn the_site_suffix_is_cut_when_it_names_the_site_or_follows_the_headline() {
        assert_eq!(
            strip_site_suffix("Dam opens - Valley News", Some("Valley News"), None),
            "Dam opens"
        );
        assert_eq!(
            strip_site_suffix("Dam opens | VN", None, Some("Dam  opens")),
            "Dam opens"
        );
        assert_eq!(
            strip_site_suffix("Left - right: a debate", None, None),
            "Left - right: a debate"
        );
    }

    #[test]
    fn broken_markup_still_gives_its_text_and_title() {
        let page = "<html><head><title>Unclosed<body><p>First paragraph<p>Second <b>bold";
        let raw = read(page);
        assert!(raw.candidates.titles.iter().all(|t| !t.value.is_empty()));
        let page = "<p>Power returns to the valley after a week.<div><p>Crews worked overnight";
        let raw = read(page);
        assert!(raw.text.contains("Power returns"), "{}", raw.text);
    }
}

//! Saved HTML news pages: the metadata a page states (Open Graph, JSON-LD, `<time>`,
//! meta names, canonical link) and the story's paragraphs, found as the block of the
//! page that holds the most paragraph text once navigation, asides, comments, cookie
//! and subscription panels are set aside.

use super::Metadata;
use crate::article::DateSource;
use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use std::collections::HashMap;

/// Elements whose contents are never story text.
const SKIPPED_TAGS: &[&str] = &[
    "script",
    "style",
    "noscript",
    "template",
    "svg",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "select",
    "iframe",
    "figure",
    "figcaption",
    "menu",
    "dialog",
    "object",
];

/// Words that mark a block as site furniture when a part of its class or id (split at
/// `-` and `_`) starts with them: `comments`, `newsletter-box`, `share_buttons`.
const FURNITURE: &[&str] = &[
    "cookie",
    "consent",
    "gdpr",
    "newsletter",
    "subscri",
    "signup",
    "promo",
    "related",
    "recommend",
    "share",
    "social",
    "comment",
    "footer",
    "sidebar",
    "menu",
    "breadcrumb",
    "advert",
    "banner",
    "popup",
    "modal",
    "popular",
    "trending",
    "donat",
    "paywall",
    "outbrain",
    "taboola",
    "caption",
    "byline",
    "author",
    "tags",
    "toolbar",
    "masthead",
    "nav",
    "sponsor",
    "widget",
];

/// Class or id parts that are furniture only as whole parts (`ad`, not `adjacent`).
const FURNITURE_PARTS: &[&str] = &["ad", "ads", "adslot", "promo", "meta", "more", "extra"];

/// Furniture names written across parts: `most-read`, `read-also`.
const FURNITURE_PHRASES: &[&str] = &[
    "most-read",
    "mostread",
    "read-also",
    "readalso",
    "see-also",
    "also-read",
    "sign-up",
    "side-bar",
    "read-more",
    "readmore",
];

/// Meta names that state a publication date, after Open Graph, JSON-LD and `<time>`.
const META_DATES: &[&str] = &[
    "pubdate",
    "publishdate",
    "publish-date",
    "publish_date",
    "date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "dcterms.issued",
    "sailthru.date",
    "parsely-pub-date",
    "article.published",
    "datepublished",
];

/// What a page gives: its metadata and its story paragraphs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlPage {
    /// Title, date, URL, source and declared language (`<html lang>`, lower-cased).
    pub meta: Metadata,
    /// A date written in the byline, `YYYY-MM-DD`: used after the metadata and the URL.
    pub byline_date: Option<String>,
    /// The story's paragraphs, separated by blank lines.
    pub text: String,
}

/// Reads a saved news page.
pub fn extract(html: &str) -> HtmlPage {
    let document = Html::parse_document(html);
    let metas = meta_values(&document);
    let ld = json_ld(&document);
    let first = |names: &[&str]| names.iter().find_map(|n| metas.get(*n).cloned());

    let site_name = first(&["og:site_name", "application-name"]).or_else(|| ld.publisher.clone());
    let url = link_canonical(&document)
        .or_else(|| first(&["og:url", "twitter:url"]))
        .or_else(|| ld.url.clone());
    let source = site_name.or_else(|| url.as_deref().and_then(super::url_host));
    let h1 = visible_headline(&document, source.as_deref());
    let page_title = select_first_text(&document, "title");
    let title = [
        h1.clone(),
        first(&["og:title"]),
        first(&["twitter:title"]),
        ld.headline.clone(),
        page_title,
    ]
    .into_iter()
    .flatten()
    .map(|t| strip_site_suffix(&t, source.as_deref(), h1.as_deref()))
    .find(|t| !t.is_empty());

    // The first stated date that can be read wins; if none can, the first is kept so
    // that the run can say it was unreadable.
    let mut dates = vec![
        first(&["article:published_time"]),
        first(&["og:published_time"]),
        ld.date_published.clone(),
        time_datetime(&document),
    ];
    dates.extend(META_DATES.iter().map(|name| metas.get(*name).cloned()));
    let dates: Vec<String> = dates.into_iter().flatten().collect();
    let date = dates
        .iter()
        .find(|d| crate::date::parse_published(d).is_some())
        .or(dates.first())
        .cloned();
    let lang = document
        .root_element()
        .attr("lang")
        .map(|l| l.trim().to_ascii_lowercase())
        .filter(|l| !l.is_empty());
    HtmlPage {
        meta: Metadata {
            title,
            date: date.map(|d| (d, DateSource::Html)),
            url,
            source,
            lang,
        },
        byline_date: byline_date(&document),
        text: crate::clean::html::story_text(&document),
    }
}

/// `<meta>` values by lower-cased `property`, `name` or `itemprop`; the first wins.
fn meta_values(document: &Html) -> HashMap<String, String> {
    let mut values = HashMap::new();
    let selector = selector("meta");
    for meta in document.select(&selector) {
        let element = meta.value();
        let Some(content) = element
            .attr("content")
            .map(str::trim)
            .filter(|c| !c.is_empty())
        else {
            continue;
        };
        for key in ["property", "name", "itemprop"] {
            if let Some(name) = element.attr(key) {
                values
                    .entry(name.trim().to_ascii_lowercase())
                    .or_insert_with(|| content.to_string());
            }
        }
    }
    values
}

/// A selector of this module. They are all constants, so a typo is a bug that every
/// test of HTML pages catches, never a reaction to input.
#[allow(clippy::panic)]
fn selector(css: &str) -> Selector {
    Selector::parse(css).unwrap_or_else(|_| panic!("invalid built-in selector {css}"))
}

fn select_first_text(document: &Html, css: &str) -> Option<String> {
    let selector = selector(css);
    document
        .select(&selector)
        .map(|e| fold(&e.text().collect::<String>()))
        .find(|t| !t.is_empty())
}

/// The headline readers see: the article's `<h1>`, else the first `<h1>` outside the
/// page's furniture that is not the site's name (a logo).
fn visible_headline(document: &Html, site: Option<&str>) -> Option<String> {
    let not_site = |text: &String| site.is_none_or(|s| !text.eq_ignore_ascii_case(s));
    let in_article = selector("article h1, h1[itemprop=headline]");
    let any = selector("h1");
    document
        .select(&in_article)
        .chain(document.select(&any).filter(|h| {
            !h.ancestors()
                .filter_map(ElementRef::wrap)
                .any(|a| matches!(a.value().name(), "nav" | "footer" | "aside") || is_furniture(a))
        }))
        .map(|h| fold(&h.text().collect::<String>()))
        .find(|t| !t.is_empty() && not_site(t))
}

/// A publication date written in the page's byline ("By A. Writer | Published 12
/// March 2014"), as `YYYY-MM-DD`; "Updated" dates are passed over.
pub fn byline_date(document: &Html) -> Option<String> {
    let bylines = selector(
        "[class*=byline], [class*=dateline], [class*=date], [class*=publish], [class*=posted], \
         [class*=meta], time",
    );
    document.select(&bylines).find_map(|element| {
        let text = element.text().collect::<String>();
        text.split(['|', '·', '•', '\n'])
            .map(str::trim)
            .filter(|part| {
                let lower = part.to_lowercase();
                !["updated", "modified", "last", "edited"]
                    .iter()
                    .any(|w| lower.starts_with(w))
            })
            .find_map(crate::date::date_line)
            .map(crate::date::format_day)
    })
}

fn link_canonical(document: &Html) -> Option<String> {
    let selector = selector("link[rel=canonical]");
    document
        .select(&selector)
        .find_map(|l| l.attr("href").map(str::trim).filter(|h| !h.is_empty()))
        .map(str::to_string)
}

/// The `datetime` of a `<time>` marked as the publication date, else of the first
/// `<time>` in the article.
fn time_datetime(document: &Html) -> Option<String> {
    [
        "[itemprop=datePublished]",
        "time[pubdate]",
        "article time",
        "time",
    ]
    .iter()
    .find_map(|css| {
        let selector = selector(css);
        document.select(&selector).find_map(|e| {
            e.attr("datetime")
                .or_else(|| e.attr("content"))
                .map(str::trim)
                .filter(|d| !d.is_empty())
                .map(str::to_string)
        })
    })
}

/// What JSON-LD says of the article.
#[derive(Debug, Default)]
struct LinkedData {
    headline: Option<String>,
    date_published: Option<String>,
    publisher: Option<String>,
    url: Option<String>,
}

fn json_ld(document: &Html) -> LinkedData {
    let selector = selector("script[type=\"application/ld+json\"]");
    let mut found = LinkedData::default();
    for script in document.select(&selector) {
        let text = script.text().collect::<String>();
        let Ok(value) = serde_json::from_str::<Value>(text.trim()) else {
            continue;
        };
        let mut stack = vec![&value];
        while let Some(value) = stack.pop() {
            match value {
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(object) => {
                    if let Some(graph) = object.get("@graph") {
                        stack.push(graph);
                    }
                    if is_article_type(object.get("@type")) {
                        let text = |key: &str| {
                            object
                                .get(key)
                                .and_then(Value::as_str)
                                .map(fold)
                                .filter(|s| !s.is_empty())
                        };
                        found.headline = found.headline.or_else(|| text("headline"));
                        found.date_published =
                            found.date_published.or_else(|| text("datePublished"));
                        found.url = found.url.or_else(|| text("url"));
                        let publisher = object
                            .get("publisher")
                            .and_then(|p| p.get("name"))
                            .and_then(Value::as_str)
                            .map(fold);
                        found.publisher = found.publisher.or(publisher);
                    }
                }
                _ => {}
            }
        }
    }
    found
}

fn is_article_type(kind: Option<&Value>) -> bool {
    let is_article = |s: &str| s.ends_with("Article") || s == "BlogPosting" || s == "Report";
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

/// Whether an element is furniture by its tag, class or id.
fn is_furniture(element: ElementRef) -> bool {
    let value = element.value();
    if SKIPPED_TAGS.contains(&value.name()) {
        return true;
    }
    if value.attr("hidden").is_some() || value.attr("aria-hidden") == Some("true") {
        return true;
    }
    let role = value.attr("role").unwrap_or_default();
    if matches!(
        role,
        "navigation" | "banner" | "contentinfo" | "complementary" | "dialog"
    ) {
        return true;
    }
    let names = format!(
        "{} {}",
        value.attr("class").unwrap_or_default(),
        value.attr("id").unwrap_or_default()
    )
    .to_ascii_lowercase();
    names.split_whitespace().any(|name| {
        FURNITURE_PHRASES.iter().any(|f| name.contains(f))
            || name.split(['-', '_']).any(|part| {
                FURNITURE_PARTS.contains(&part) || FURNITURE.iter().any(|f| part.starts_with(f))
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = r#"<!doctype html>
<html lang="en-GB"><head>
<title>Reservoir falls to record low | The Valley Times</title>
<meta property="og:site_name" content="The Valley Times">
<meta property="article:published_time" content="2019-03-04T01:15:00+03:00">
<link rel="canonical" href="https://valley.example/news/reservoir">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebPage"},{"@type":"NewsArticle","headline":"Reservoir falls to record low","datePublished":"2019-03-04T01:15:00+03:00"}]}</script>
<style>p { color: red }</style>
</head><body>
<header><a href="/">The Valley Times</a><nav><a href="/a">Politics</a> <a href="/b">Business</a></nav></header>
<div class="cookie-banner"><p>We use cookies to improve your experience on our site. Accept all?</p></div>
<main><article>
<h1>Reservoir falls to record low</h1>
<p class="byline">By Ana Ferreira, 4 March 2019</p>
<div class="story-body">
<p>VALLEY CITY &mdash; The reservoir above the city fell to its lowest level on record this week, officials said.</p>
<figure><img src="x.jpg"><figcaption>The dry bed of the reservoir, photographed on Sunday morning.</figcaption></figure>
<aside class="related-inline"><p>Read also: <a href="/x">Farmers ask for water quotas to be raised</a></p></aside>
<p>Farmers said the level, a third of the usual volume, left them no water for the spring sowing.</p>
<p>The water board will meet on Friday to decide on rationing, a spokeswoman said.</p>
</div></article>
<section class="comments"><p>Great article, thanks for covering this issue so thoroughly!</p></section>
</main>
<footer><p>© 2019 The Valley Times. All rights reserved. Terms and privacy.</p></footer>
</body></html>"#;

    #[test]
    fn metadata_of_a_typical_page() {
        let page = extract(PAGE);
        assert_eq!(
            page.meta.title.as_deref(),
            Some("Reservoir falls to record low")
        );
        assert_eq!(page.meta.source.as_deref(), Some("The Valley Times"));
        assert_eq!(
            page.meta.url.as_deref(),
            Some("https://valley.example/news/reservoir")
        );
        assert_eq!(
            page.meta.date,
            Some(("2019-03-04T01:15:00+03:00".to_string(), DateSource::Html))
        );
        assert_eq!(page.meta.lang.as_deref(), Some("en-gb"));
    }

    #[test]
    fn story_without_furniture() {
        let page = extract(PAGE);
        assert_eq!(
            page.text,
            "VALLEY CITY \u{2014} The reservoir above the city fell to its lowest level on record this week, officials said.\n\n\
             Farmers said the level, a third of the usual volume, left them no water for the spring sowing.\n\n\
             The water board will meet on Friday to decide on rationing, a spokeswoman said."
        );
    }

    #[test]
    fn dates_from_json_ld_graphs_arrays_and_time_elements() {
        let ld = r#"<html><head><script type="application/ld+json">[{"@type":"Organization"},{"@type":["NewsArticle"],"headline":"H","datePublished":"2017-05-06","publisher":{"name":"Wire"}}]</script></head><body><p>x</p></body></html>"#;
        let page = extract(ld);
        assert_eq!(page.meta.date.map(|d| d.0).as_deref(), Some("2017-05-06"));
        assert_eq!(page.meta.source.as_deref(), Some("Wire"));
        let time = r#"<html><body><article><h1>H</h1><time datetime="2015-01-02T10:00:00Z">2 Jan</time></article></body></html>"#;
        assert_eq!(
            extract(time).meta.date.map(|d| d.0).as_deref(),
            Some("2015-01-02T10:00:00Z")
        );
        let unreadable_first = r#"<html><head><meta name="pubdate" content="soon"><meta name="DC.date.issued" content="20180312"></head></html>"#;
        assert_eq!(
            extract(unreadable_first).meta.date.map(|d| d.0).as_deref(),
            Some("20180312")
        );
        let byline = r#"<html><body><p class="byline">By A. Writer | Published 3 September 2015 · Updated 4 May 2016</p></body></html>"#;
        assert_eq!(extract(byline).byline_date.as_deref(), Some("2015-09-03"));
        let meta =
            r#"<html><head><meta name="parsely-pub-date" content="2014-08-09"></head></html>"#;
        assert_eq!(
            extract(meta).meta.date.map(|d| d.0).as_deref(),
            Some("2014-08-09")
        );
    }

    #[test]
    fn site_suffixes_are_removed_only_when_they_are_the_site() {
        assert_eq!(
            strip_site_suffix("Floods - what we know | Daily", Some("Daily"), None),
            "Floods - what we know"
        );
        assert_eq!(
            strip_site_suffix("Floods - what we know", Some("Daily"), None),
            "Floods - what we know"
        );
        assert_eq!(
            strip_site_suffix("Floods — Daily Wire", None, Some("Floods")),
            "Floods"
        );
    }

    #[test]
    fn broken_markup_still_gives_text() {
        let page = extract("<html><body><div><p>An unclosed paragraph that is long enough to count<div><p>Another one, also long enough to count here");
        assert!(page.text.contains("An unclosed paragraph"));
        assert_eq!(extract("").text, "");
    }
}

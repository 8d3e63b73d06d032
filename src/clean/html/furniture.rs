//! Site furniture: the parts of a page around the story (navigation, asides, share
//! bars, comments, newsletter boxes, captions, bylines), told by their tag, their ARIA
//! role or the words of their `class` and `id`; and the class words that mark where a
//! story is.
//!
//! Class words describe what an element is, but on `<html>`, `<body>` and page-wide
//! wrappers they describe the page's layout (`one-sidebar`, `nav-no-loaded`,
//! `Page-ad-margins`). The caller therefore never takes for furniture an element that
//! holds most of the page's prose (see [`super::content`]).

use super::dom::Element;

/// Tags of the page's frame around the story.
const FRAME_TAGS: &[&str] = &["nav", "aside", "footer", "header", "form", "menu", "figure"];

/// ARIA roles of the page's frame.
const FRAME_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "menu",
    "menubar",
    "toolbar",
    "dialog",
    "alert",
    "alertdialog",
    "tooltip",
];

/// Words that mark an element as furniture when a part of one of its class names or
/// its id (split at `-` and `_`, lower-cased) starts with them: `comments`,
/// `newsletter-box`, `share_buttons`, `relatedStories`.
const PREFIXES: &[&str] = &[
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
    "sharing",
    "social",
    "comment",
    "disqus",
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
    "zergnet",
    "caption",
    "byline",
    "author",
    "toolbar",
    "masthead",
    "nav",
    "sponsor",
    "widget",
    "tooltip",
    "popover",
    "hovercard",
    "rollover",
    "pagination",
    "pager",
    "skyscraper",
    "shoutbox",
    "tags",
    "credit",
    "photo",
    "gallery",
    "slideshow",
    "carousel",
    "copyright",
    "timestamp",
    "standfirst",
    "strapline",
    "kicker",
    "teaser",
    "excerpt",
];

/// Parts that mark furniture only when they are the whole part (`ad`, not `adjacent`).
const PARTS: &[&str] = &[
    "ad", "ads", "adslot", "dfp", "meta", "extra", "rail", "bio", "tools", "follow", "rss", "dek",
    "error",
];

/// Furniture names written across parts: `most-read`, `read-also`.
const PHRASES: &[&str] = &[
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
    "more-stories",
    "inline-ad",
    "ad-container",
    "ad-wrapper",
    "ad-slot",
];

/// Class names or ids that mark the story's own container, never furniture.
const STORY_MARKS: &[&str] = &[
    "articlebody",
    "article-body",
    "article__body",
    "article_body",
    "articlecontent",
    "article-content",
    "article__content",
    "article_content",
    "articletext",
    "article-text",
    "entry-content",
    "entry_content",
    "post-content",
    "post_content",
    "postcontent",
    "post-body",
    "postbody",
    "post-text",
    "story-body",
    "storybody",
    "story-content",
    "storycontent",
    "story-text",
    "body-text",
    "bodytext",
    "article-main",
    "main-content",
    "content-body",
];

/// Class words that make an element more likely to hold the story.
const POSITIVE: &[&str] = &[
    "article", "body", "content", "entry", "hentry", "h-entry", "main", "page", "post", "text",
    "blog", "story",
];

/// Class words that make an element less likely to hold the story.
const NEGATIVE: &[&str] = &[
    "-ad-",
    "hidden",
    "banner",
    "combx",
    "comment",
    "com-",
    "contact",
    "footer",
    "gdpr",
    "masthead",
    "media",
    "meta",
    "outbrain",
    "promo",
    "related",
    "scroll",
    "share",
    "shoutbox",
    "sidebar",
    "skyscraper",
    "sponsor",
    "shopping",
    "tags",
    "widget",
];

/// Words of the class names of inline elements that are not story text though they
/// sit in its lines: a caption or credit written in a `<span>`, a card shown on hover.
const INLINE_FURNITURE: &[&str] = &[
    "caption",
    "credit",
    "rollover",
    "tooltip",
    "popover",
    "hovercard",
];

/// Whether an inline element with this `class` attribute is furniture.
pub fn is_inline_furniture(class: &str) -> bool {
    class.split_whitespace().any(|name| {
        let name = name.to_ascii_lowercase();
        INLINE_FURNITURE.iter().any(|word| name.contains(word))
    })
}

/// How an element is told for furniture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Furniture {
    /// By its tag or ARIA role: what the page's markup says it is.
    Frame,
    /// By the words of its class or id: what the site named it.
    Named,
}

/// Whether an element is furniture, and how it is told.
pub fn furniture(element: &Element) -> Option<Furniture> {
    if FRAME_TAGS.contains(&element.tag) {
        return Some(Furniture::Frame);
    }
    let role = element.role.trim();
    if !role.is_empty() && FRAME_ROLES.iter().any(|r| role.eq_ignore_ascii_case(r)) {
        return Some(Furniture::Frame);
    }
    (!is_story_mark(element) && is_named_furniture(element)).then_some(Furniture::Named)
}

/// Whether an element's class or id names furniture. In a name that marks the story's
/// box only what follows the mark counts (`article-body__newsletter` is furniture,
/// `widget-post-content` is not): the end of a name is its most specific part.
fn is_named_furniture(element: &Element) -> bool {
    names(element).any(|name| {
        let tail = story_mark_end(&name).map_or(name.as_str(), |end| &name[end..]);
        is_furniture_name(tail, element)
    })
}

/// Whether a lower-cased class name (or the end of one) names furniture.
fn is_furniture_name(name: &str, element: &Element) -> bool {
    // A header holding the headline holds the standfirst and byline too, but a box's
    // header within the story (`boxout__header`) is the story's.
    (element.counts.headlines > 0 && name.contains("header"))
        || PHRASES.iter().any(|p| name.contains(p))
        || name
            .split(['-', '_'])
            .any(|part| PARTS.contains(&part) || PREFIXES.iter().any(|f| part.starts_with(f)))
}

/// Where the last story mark in a lower-cased name ends.
fn story_mark_end(name: &str) -> Option<usize> {
    STORY_MARKS
        .iter()
        .filter_map(|mark| name.rfind(mark).map(|at| at + mark.len()))
        .max()
}

/// Whether an element's class, id or `itemprop` says it holds the story: a name with
/// a story mark and no furniture word after it.
pub fn is_story_mark(element: &Element) -> bool {
    element.itemprop.eq_ignore_ascii_case("articleBody")
        || names(element).any(|name| {
            story_mark_end(&name).is_some_and(|end| !is_furniture_name(&name[end..], element))
        })
}

/// How much an element's class and id say it holds the story: +25 for each of the
/// two with a positive word, -25 for each with a negative one.
pub fn class_weight(element: &Element) -> f32 {
    let mut weight = 0.0;
    for value in [element.class, element.id] {
        if value.is_empty() {
            continue;
        }
        let value = value.to_ascii_lowercase();
        if NEGATIVE.iter().any(|w| value.contains(w)) {
            weight -= 25.0;
        }
        if POSITIVE.iter().any(|w| value.contains(w)) {
            weight += 25.0;
        }
    }
    weight
}

/// The element's class names and id, lower-cased.
fn names<'e>(element: &'e Element) -> impl Iterator<Item = String> + 'e {
    element
        .class
        .split_whitespace()
        .chain(element.id.split_whitespace())
        .map(str::to_ascii_lowercase)
}

#[cfg(test)]
mod tests {
    use super::super::dom::{Counts, Kind};
    use super::*;

    fn element<'a>(tag: &'a str, class: &'a str, id: &'a str) -> Element<'a> {
        Element {
            tag,
            class,
            id,
            role: "",
            itemprop: "",
            kind: Kind::Box,
            parent: None,
            end: 0,
            first_block: 0,
            end_block: 0,
            chars: 0,
            link_chars: 0,
            depth: 0,
            has_block_children: false,
            counts: Counts::default(),
        }
    }

    #[test]
    fn furniture_by_tag_and_class_words() {
        for (tag, class, id) in [
            ("nav", "", ""),
            ("div", "share-buttons", ""),
            ("div", "relatedStories", ""),
            ("section", "", "comments"),
            ("div", "ad", ""),
            ("div", "story inline-ad-unit", ""),
            ("div", "newsletter_box", ""),
            ("p", "photo-credit", ""),
            ("div", "right-rail", ""),
            ("div", "article-body__tablet-newsletter", ""),
        ] {
            assert!(
                furniture(&element(tag, class, id)).is_some(),
                "{tag} {class} {id}"
            );
        }
        for (tag, class, id) in [
            ("div", "adjacent", ""),
            ("div", "article-body sharing-enabled", ""),
            ("div", "elementor-widget-theme-post-content", ""),
            ("div", "headline-wrapper", ""),
            ("p", "", "loaded"),
            ("section", "content", "main"),
        ] {
            assert_eq!(
                furniture(&element(tag, class, id)),
                None,
                "{tag} {class} {id}"
            );
        }
    }

    #[test]
    fn class_weights() {
        assert_eq!(class_weight(&element("div", "article-body", "")), 25.0);
        assert_eq!(class_weight(&element("div", "sidebar", "comments")), -50.0);
        assert_eq!(class_weight(&element("div", "", "")), 0.0);
    }
}

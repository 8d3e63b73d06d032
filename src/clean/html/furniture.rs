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
use aho_corasick::AhoCorasick;
use std::sync::LazyLock;

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

/// What an element's tag, role, class and id say of it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Judgement {
    /// Whether it is furniture, and how it is told.
    pub furniture: Option<Furniture>,
    /// Whether a name marks it as the story's box (and says no more after the mark).
    pub story_mark: bool,
    /// How much its class and id say it holds the story: +25 for each of the two with
    /// a positive word, -25 for each with a negative one.
    pub weight: f32,
}

/// What a word of the vocabulary says when found in a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Word {
    /// Furniture wherever it stands.
    Phrase,
    /// Furniture at the start of a part.
    Prefix,
    /// Furniture as a whole part.
    Part,
    /// The story's box.
    StoryMark,
    /// A header: furniture when the element holds the headline.
    Header,
    /// Raises the class weight.
    Positive,
    /// Lowers the class weight.
    Negative,
}

/// Every word of the vocabulary in one automaton (ASCII case folded), and what each
/// says, so that a name is judged in one pass.
static VOCABULARY: LazyLock<Option<(AhoCorasick, Vec<Word>)>> = LazyLock::new(|| {
    let groups: [(&[&str], Word); 7] = [
        (PHRASES, Word::Phrase),
        (PREFIXES, Word::Prefix),
        (PARTS, Word::Part),
        (STORY_MARKS, Word::StoryMark),
        (&["header"], Word::Header),
        (POSITIVE, Word::Positive),
        (NEGATIVE, Word::Negative),
    ];
    let mut patterns = Vec::new();
    let mut words = Vec::new();
    for (list, word) in groups {
        for pattern in list {
            patterns.push(*pattern);
            words.push(word);
        }
    }
    let automaton = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(patterns)
        .ok()?;
    Some((automaton, words))
});

/// Judges an element by its tag, role, class and id.
pub fn judge(element: &Element) -> Judgement {
    let mut judgement = Judgement::default();
    let frame = FRAME_TAGS.contains(&element.tag) || {
        let role = element.role.trim();
        !role.is_empty() && FRAME_ROLES.iter().any(|r| role.eq_ignore_ascii_case(r))
    };
    let mut named = false;
    let mut story_mark = element.itemprop.eq_ignore_ascii_case("articleBody");
    if let Some((automaton, words)) = VOCABULARY.as_ref() {
        let mut found: Vec<(Word, usize, usize)> = Vec::new();
        for value in [element.class, element.id] {
            let (mut positive, mut negative) = (false, false);
            for name in value.split_whitespace() {
                found.clear();
                found.extend(
                    automaton
                        .find_overlapping_iter(name)
                        .map(|m| (words[m.pattern().as_usize()], m.start(), m.end())),
                );
                positive |= found.iter().any(|f| f.0 == Word::Positive);
                negative |= found.iter().any(|f| f.0 == Word::Negative);
                // In a name that marks the story's box only what follows the mark
                // counts: the end of a name is its most specific part.
                let mark_end = found
                    .iter()
                    .filter(|f| f.0 == Word::StoryMark)
                    .map(|f| f.2)
                    .max();
                let tail_furniture = found
                    .iter()
                    .filter(|f| mark_end.is_none_or(|end| f.1 >= end))
                    .any(|&(word, start, end)| is_furniture_word(name, word, start, end, element));
                match mark_end {
                    Some(_) if !tail_furniture => story_mark = true,
                    _ => named |= tail_furniture,
                }
            }
            judgement.weight +=
                if positive { 25.0 } else { 0.0 } - if negative { 25.0 } else { 0.0 };
        }
    }
    judgement.story_mark = story_mark;
    judgement.furniture = if frame {
        Some(Furniture::Frame)
    } else if named && !story_mark {
        Some(Furniture::Named)
    } else {
        None
    };
    judgement
}

/// Whether a word found at `start..end` of a name makes the element furniture.
fn is_furniture_word(name: &str, word: Word, start: usize, end: usize, element: &Element) -> bool {
    let bytes = name.as_bytes();
    let part_starts = start == 0 || matches!(bytes[start - 1], b'-' | b'_');
    let part_ends = end == bytes.len() || matches!(bytes[end], b'-' | b'_');
    match word {
        Word::Phrase => true,
        Word::Prefix => part_starts,
        Word::Part => part_starts && part_ends,
        // A header holding the headline holds the standfirst and byline too, but a
        // box's header within the story (`boxout__header`) is the story's.
        Word::Header => element.counts.headlines > 0,
        Word::StoryMark | Word::Positive | Word::Negative => false,
    }
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
                judge(&element(tag, class, id)).furniture.is_some(),
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
                judge(&element(tag, class, id)).furniture,
                None,
                "{tag} {class} {id}"
            );
        }
    }

    #[test]
    fn class_weights() {
        assert_eq!(judge(&element("div", "article-body", "")).weight, 25.0);
        assert_eq!(judge(&element("div", "sidebar", "comments")).weight, -50.0);
        assert_eq!(judge(&element("div", "", "")).weight, 0.0);
        assert!(judge(&element("div", "Article-Body", "")).story_mark);
        assert!(!judge(&element("div", "article-body__newsletter", "")).story_mark);
    }
}

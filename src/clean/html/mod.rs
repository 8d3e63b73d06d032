//! The story of a saved HTML page: its paragraphs, subheadings, list items, quotes and
//! table cells, without the site around it. The page is flattened into text blocks
//! (`dom`), the site's furniture is told by tag and class words (`furniture`), and
//! the part of the page that holds the story is found by scoring (`content`). The
//! text goes on to the line rules of [`super::clean`] like any other article's.

mod content;
mod dom;
mod furniture;

use content::Furniture;
use dom::{Dom, Kind};
use scraper::Html;

/// What a page shows as text: its story, its visible headlines and its bylines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PageText {
    /// The story: one block a paragraph, blocks separated by a blank line, lines
    /// broken within a block (`<br>`, `<pre>`) by a newline. Empty only for a page
    /// that shows no text at all.
    pub story: String,
    /// The texts of the page's `<h1>` headlines outside its navigation and furniture,
    /// those of the article (`<article>`, `itemprop=headline`) first.
    pub headlines: Vec<String>,
    /// Texts that may date the story: bylines and date lines (elements named for
    /// them), and the first blocks after the headline.
    pub bylines: Vec<String>,
}

/// How many blocks after the headline may hold its date.
const BLOCKS_AFTER_HEADLINE: usize = 6;

/// Reads what a parsed page shows as text.
pub fn read(document: &Html) -> PageText {
    let dom = Dom::new(document);
    let furniture = Furniture::mark(&dom);
    let blocks = content::story_blocks(&dom, &furniture);
    let mut story = String::new();
    for b in blocks {
        if !story.is_empty() {
            story.push_str("\n\n");
        }
        story.push_str(&dom.blocks[b].text);
    }
    let headlines = headlines(&dom, &furniture);
    let bylines = bylines(&dom);
    PageText {
        story,
        headlines: headlines.into_iter().map(|h| text_of(&dom, h)).collect(),
        bylines,
    }
}

/// The story's text alone (see [`PageText::story`]).
pub fn story_text(document: &Html) -> String {
    read(document).story
}

/// The `<h1>` elements readers see as headlines, the article's first.
fn headlines(dom: &Dom, furniture: &Furniture) -> Vec<usize> {
    let h1s: Vec<usize> = (0..dom.elements.len())
        .filter(|&i| dom.elements[i].kind == Kind::Heading(1) && dom.elements[i].chars > 0)
        .collect();
    let in_article = |i: usize| {
        dom.elements[i].itemprop.eq_ignore_ascii_case("headline")
            || dom
                .ancestors_and_self(i)
                .any(|a| dom.elements[a].tag == "article")
    };
    // Outside furniture, but a header is where a headline belongs.
    let visible = |i: usize| {
        dom.ancestors_and_self(i).all(|a| {
            let e = &dom.elements[a];
            !matches!(e.tag, "nav" | "footer" | "aside")
                && furniture.judgements[a].furniture != Some(furniture::Furniture::Named)
        })
    };
    let mut ordered: Vec<usize> = h1s.iter().copied().filter(|&i| in_article(i)).collect();
    ordered.extend(
        h1s.iter()
            .copied()
            .filter(|&i| !in_article(i) && visible(i)),
    );
    ordered
}

/// Texts of elements named as bylines or dates, then of the blocks after the first
/// headline.
fn bylines(dom: &Dom) -> Vec<String> {
    const NAMES: &[&str] = &[
        "byline", "date", "publish", "posted", "meta", "time", "author",
    ];
    let named = |i: usize| {
        let e = &dom.elements[i];
        [e.class, e.id].iter().any(|value| {
            let value = value.to_ascii_lowercase();
            NAMES.iter().any(|n| value.contains(n))
        })
    };
    let mut texts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < dom.elements.len() {
        if named(i) && dom.elements[i].chars > 0 && dom.elements[i].chars < 300 {
            texts.push(text_of(dom, i));
            i = dom.elements[i].end;
        } else {
            i += 1;
        }
    }
    if let Some(h1) = (0..dom.elements.len()).find(|&i| dom.elements[i].kind == Kind::Heading(1)) {
        let after = dom.elements[h1].end_block;
        texts.extend(
            dom.blocks[after..]
                .iter()
                .take(BLOCKS_AFTER_HEADLINE)
                .filter(|b| b.chars < 200)
                .map(|b| b.text.clone()),
        );
    }
    texts
}

/// The text of element `i`'s blocks, one line each.
fn text_of(dom: &Dom, i: usize) -> String {
    dom.blocks_of(i)
        .iter()
        .map(|b| b.text.as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn story(html: &str) -> String {
        story_text(&Html::parse_document(html))
    }

    const SENTENCE: &str =
        "The council voted on Tuesday to close the old bridge, which has stood since 1890, \
                            after engineers found cracks in two of its piers.";

    #[test]
    fn layout_classes_on_page_wide_containers_do_not_hide_the_story() {
        let html = format!(
            "<html class='no-sidebar'><body class='one-sidebar nav-no-loaded Page-ad-margins'>\
             <form id='aspnetForm'><div class='l-sidebar-fixed has-section-nav'>\
             <nav><a href='/'>Home</a> <a href='/news'>News</a></nav>\
             <div class='story'><p>{SENTENCE}</p><p>{SENTENCE} Again.</p></div>\
             <div class='sidebar'><p>Most read: a list of other stories, briefly.</p></div>\
             </div></form></body></html>"
        );
        let text = story(&html);
        assert!(text.starts_with("The council voted"), "{text}");
        assert!(!text.contains("Home"), "{text}");
        assert!(!text.contains("Most read"), "{text}");
    }

    #[test]
    fn paragraphs_written_with_line_breaks_in_divs() {
        let html = format!(
            "<html><body><div class='main'><div class='body'>{SENTENCE}<br><br>Second paragraph, \
             with more words in it than a caption would have.<br>And its second line.</div></div>\
             <div class='footer'>Copyright 2019</div></body></html>"
        );
        let text = story(&html);
        assert_eq!(
            text,
            format!(
                "{SENTENCE}\n\nSecond paragraph, with more words in it than a caption would have.\nAnd its second line."
            )
        );
    }

    #[test]
    fn subheadings_lists_and_short_lines_stay_in_the_story() {
        let html = format!(
            "<html><body><article><h1>Bridge closes</h1><p>{SENTENCE}</p><h2>What happens next</h2>\
             <p>{SENTENCE}</p><ul><li>Buses will run every ten minutes.</li><li>Cyclists may walk across.</li></ul>\
             <p>短い行。</p><p>{SENTENCE}</p></article></body></html>"
        );
        let text = story(&html);
        for part in [
            "What happens next",
            "Buses will run",
            "Cyclists may walk",
            "短い行。",
        ] {
            assert!(text.contains(part), "{part} missing from {text}");
        }
        assert!(!text.contains("Bridge closes"), "{text}");
    }

    #[test]
    fn a_story_split_across_sibling_blocks_is_kept_whole() {
        let html = format!(
            "<html><body><div class='page'>\
             <div class='text-block'><p>{SENTENCE}</p><p>{SENTENCE}</p></div>\
             <div class='ad-slot'><p>Advertisement</p></div>\
             <div class='text-block'><p>Later, the mayor said the closure would last, at least, until the spring.</p><p>{SENTENCE}</p></div>\
             <div class='text-block'><p>Engineers will return, with divers, to look at the piers in March.</p></div>\
             </div></body></html>"
        );
        let text = story(&html);
        assert!(text.contains("the mayor said"), "{text}");
        assert!(text.contains("Engineers will return"), "{text}");
        assert!(!text.contains("Advertisement"), "{text}");
    }

    #[test]
    fn a_page_with_text_but_no_story_block_gives_its_text() {
        assert_eq!(
            story("<html><body><span>Just a line</span></body></html>"),
            "Just a line"
        );
        assert_eq!(
            story("<html><body><nav>Only a menu</nav></body></html>"),
            "Only a menu"
        );
        assert_eq!(story("<html><body><script>x()</script></body></html>"), "");
        assert_eq!(story(""), "");
    }
}

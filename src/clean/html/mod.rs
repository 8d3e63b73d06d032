//! The story of a saved HTML page: its paragraphs, subheadings, list items, quotes and
//! table cells, without the site around it. The page is flattened into text blocks
//! ([`dom`]), the site's furniture is told by tag and class words ([`furniture`]), and
//! the part of the page that holds the story is found by scoring ([`content`]). The
//! text goes on to the line rules of [`super::clean`] like any other article's.

mod content;
mod dom;
mod furniture;

use scraper::Html;

/// The story's text: one block a paragraph, blocks separated by a blank line, lines
/// broken within a block (`<br>`, `<pre>`) by a newline. Empty only for a page that
/// shows no text at all.
pub fn story_text(document: &Html) -> String {
    let dom = dom::Dom::new(document);
    let blocks = content::story_blocks(&dom);
    let mut text = String::new();
    for b in blocks {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&dom.blocks[b].text);
    }
    text
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

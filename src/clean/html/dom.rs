//! A page's DOM flattened for extraction: the visible elements in document order, each
//! with its parent, its kind and the text it holds, and the runs of text between block
//! boundaries (paragraphs, `<br>`-separated lines of a `<div>`, list items, cells).
//!
//! Elements are numbered in document order, so an element's descendants are the
//! elements that follow it up to its `end`, and its text blocks are a range too; every
//! question about a subtree is then a slice, not a walk.

use scraper::{Html, Node};

/// Elements whose contents are never shown as text.
const INVISIBLE: &[&str] = &[
    "head", "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
    "canvas", "video", "audio", "select", "option", "button", "input", "textarea", "map", "dialog",
    "picture", "img", "link", "meta",
];

/// What role an element plays in the page's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A container of other blocks: `div`, `section`, `article`, `main`, `td`, custom
    /// elements.
    Box,
    /// A paragraph of its own: `p`, `address`.
    Paragraph,
    /// A heading, with its level.
    Heading(u8),
    /// `li`, `dt`, `dd`.
    ListItem,
    /// `ul`, `ol`, `dl`, `menu`.
    List,
    /// `table`, `tbody`, `thead`, `tfoot`, `tr`.
    Table,
    /// `th`, and `td` when it holds text.
    Cell,
    /// `blockquote`.
    Quote,
    /// `pre`: its line breaks are kept.
    Pre,
    /// `figcaption`, `caption`, `legend`.
    Caption,
    /// Everything that flows within a line: `a`, `span`, `em`, `time`...
    Inline,
    /// `br`.
    Break,
}

impl Kind {
    fn of(tag: &str) -> Kind {
        match tag {
            "p" | "address" | "summary" => Kind::Paragraph,
            "h1" => Kind::Heading(1),
            "h2" => Kind::Heading(2),
            "h3" => Kind::Heading(3),
            "h4" => Kind::Heading(4),
            "h5" => Kind::Heading(5),
            "h6" => Kind::Heading(6),
            "li" | "dt" | "dd" => Kind::ListItem,
            "ul" | "ol" | "dl" | "menu" | "dir" => Kind::List,
            "table" | "tbody" | "thead" | "tfoot" | "tr" => Kind::Table,
            "th" => Kind::Cell,
            "blockquote" => Kind::Quote,
            "pre" | "listing" | "plaintext" | "xmp" => Kind::Pre,
            "figcaption" | "caption" | "legend" => Kind::Caption,
            "br" => Kind::Break,
            "div" | "section" | "article" | "main" | "header" | "footer" | "nav" | "aside"
            | "body" | "html" | "form" | "fieldset" | "figure" | "center" | "details"
            | "hgroup" | "hr" | "td" | "frameset" | "frame" | "noframes" | "search" => Kind::Box,
            // Custom elements (`<gu-island>`, `<amp-story>`) are components, laid out as
            // blocks.
            custom if custom.contains('-') => Kind::Box,
            _ => Kind::Inline,
        }
    }

    /// Whether the element breaks the line: its text is a block of its own.
    pub fn is_block(self) -> bool {
        !matches!(self, Kind::Inline | Kind::Break)
    }

    /// Whether the element is a paragraph of text rather than a box of blocks: its
    /// score goes to the box around it.
    pub fn is_paragraph_like(self) -> bool {
        matches!(
            self,
            Kind::Paragraph
                | Kind::Heading(_)
                | Kind::ListItem
                | Kind::Cell
                | Kind::Quote
                | Kind::Pre
                | Kind::Caption
        )
    }
}

/// One visible element.
#[derive(Debug, Clone)]
pub struct Element<'a> {
    /// Its tag name, lower case.
    pub tag: &'a str,
    /// Its `class` attribute.
    pub class: &'a str,
    /// Its `id` attribute.
    pub id: &'a str,
    /// Its `role` attribute.
    pub role: &'a str,
    /// Its `itemprop` attribute.
    pub itemprop: &'a str,
    /// What it is.
    pub kind: Kind,
    /// The element it lies in; `None` for the root.
    pub parent: Option<usize>,
    /// One past its last descendant.
    pub end: usize,
    /// Its text blocks and its descendants': `blocks[first_block..end_block]`.
    pub first_block: usize,
    /// One past its last text block.
    pub end_block: usize,
    /// Characters of text in it.
    pub chars: usize,
    /// Characters of text in it that are inside links.
    pub link_chars: usize,
    /// How deep it lies (the root is 0).
    pub depth: usize,
    /// Whether any child is a block element (else its text is one paragraph).
    pub has_block_children: bool,
    /// Elements of some kinds in it, itself included.
    pub counts: Counts,
}

/// How many elements of the kinds the content rules weigh an element holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// `<p>`.
    pub paragraphs: usize,
    /// `<img>`.
    pub images: usize,
    /// `<li>`.
    pub list_items: usize,
    /// Form fields: `<input>`, `<select>`, `<textarea>`, `<button>`.
    pub inputs: usize,
    /// Embedded frames and objects.
    pub embeds: usize,
    /// Characters of text in headings.
    pub heading_chars: usize,
    /// `<h1>`.
    pub headlines: usize,
    /// Characters of text in quotes (`<blockquote>`).
    pub quote_chars: usize,
    /// Table rows (`<tr>`) and cells (`<td>`, `<th>`).
    pub rows: usize,
    /// Table cells.
    pub cells: usize,
}

impl Counts {
    fn add(&mut self, other: &Counts) {
        self.paragraphs += other.paragraphs;
        self.images += other.images;
        self.list_items += other.list_items;
        self.inputs += other.inputs;
        self.embeds += other.embeds;
        self.heading_chars += other.heading_chars;
        self.headlines += other.headlines;
        self.quote_chars += other.quote_chars;
        self.rows += other.rows;
        self.cells += other.cells;
    }
}

impl Element<'_> {
    /// The share of its text inside links.
    pub fn link_density(&self) -> f32 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f32 / self.chars as f32
        }
    }
}

/// A run of text between block boundaries.
#[derive(Debug, Clone)]
pub struct Block {
    /// The text, whitespace folded; lines broken by `<br>` (or in `<pre>`) are kept
    /// apart by `\n`.
    pub text: String,
    /// The innermost block element holding it.
    pub element: usize,
    /// Its length in characters.
    pub chars: usize,
    /// How many of its characters are inside links.
    pub link_chars: usize,
    /// How many commas it holds, in any script.
    pub commas: usize,
    /// How many of its characters are Chinese, Japanese or Korean.
    pub wide_chars: usize,
}

impl Block {
    /// Its length in characters, counting those of scripts that write a word in one
    /// or two characters (Chinese, Japanese, Korean) three times.
    pub fn weight(&self) -> usize {
        self.chars + 2 * self.wide_chars
    }

    /// The share of its text inside links.
    pub fn link_density(&self) -> f32 {
        if self.chars == 0 {
            0.0
        } else {
            self.link_chars as f32 / self.chars as f32
        }
    }
}

/// The flattened page.
#[derive(Debug, Default)]
pub struct Dom<'a> {
    /// Visible elements in document order; the first is the root (`<html>`).
    pub elements: Vec<Element<'a>>,
    /// Text blocks in document order.
    pub blocks: Vec<Block>,
}

impl<'a> Dom<'a> {
    /// Flattens a parsed page, leaving out what a browser does not show as text.
    pub fn new(document: &'a Html) -> Dom<'a> {
        let mut builder = Builder::default();
        builder.walk(document);
        builder.finish()
    }

    /// The children of element `i`, in order.
    pub fn children(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let end = self.elements[i].end;
        let mut next = i + 1;
        std::iter::from_fn(move || {
            if next >= end {
                return None;
            }
            let child = next;
            next = self.elements[child].end;
            Some(child)
        })
    }

    /// Element `i` and the elements it lies in, innermost first.
    pub fn ancestors_and_self(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        std::iter::successors(Some(i), move |&e| self.elements[e].parent)
    }

    /// Whether element `inner` lies in element `outer` (or is it).
    pub fn contains(&self, outer: usize, inner: usize) -> bool {
        outer <= inner && inner < self.elements[outer].end
    }

    /// The blocks of element `i` and its descendants.
    pub fn blocks_of(&self, i: usize) -> &[Block] {
        let e = &self.elements[i];
        &self.blocks[e.first_block..e.end_block]
    }
}

#[derive(Default)]
struct Builder<'a> {
    dom: Dom<'a>,
    /// Open elements, innermost last.
    open: Vec<usize>,
    /// Open block elements, innermost last: where text goes.
    containers: Vec<usize>,
    /// How many `<a>`, `<pre>` and `<blockquote>` elements are open.
    links: usize,
    pre: usize,
    quotes: usize,
    run: Run,
}

/// The text of the block being read.
#[derive(Default)]
struct Run {
    text: String,
    chars: usize,
    link_chars: usize,
    commas: usize,
    wide_chars: usize,
    /// Whitespace was seen since the last character written.
    space: bool,
}

impl<'a> Builder<'a> {
    fn walk(&mut self, document: &'a Html) {
        let mut skipping: Option<ego_tree::NodeId> = None;
        for edge in document.tree.root().traverse() {
            match edge {
                ego_tree::iter::Edge::Open(node) => {
                    if skipping.is_some() {
                        continue;
                    }
                    match node.value() {
                        Node::Element(element) => {
                            let attrs = Attrs::of(element);
                            if is_invisible(element, &attrs) {
                                self.count_invisible(element.name());
                                skipping = Some(node.id());
                            } else {
                                self.open_element(element, &attrs);
                            }
                        }
                        Node::Text(text) => self.text(text),
                        _ => {}
                    }
                }
                ego_tree::iter::Edge::Close(node) => {
                    if let Some(skipped) = skipping {
                        if skipped == node.id() {
                            skipping = None;
                        }
                        continue;
                    }
                    if let Node::Element(element) = node.value() {
                        self.close_element(element.name());
                    }
                }
            }
        }
        while let Some(&open) = self.open.last() {
            let tag = self.dom.elements[open].tag;
            self.close_element(tag);
        }
    }

    fn open_element(&mut self, element: &'a scraper::node::Element, attrs: &Attrs<'a>) {
        let tag = element.name();
        let kind = Kind::of(tag);
        if kind == Kind::Break {
            self.line_break();
            return;
        }
        if kind.is_block() {
            self.flush();
        }
        let index = self.dom.elements.len();
        let parent = self.open.last().copied();
        if let Some(parent) = parent.filter(|_| kind.is_block()) {
            self.dom.elements[parent].has_block_children = true;
        }
        let counts = Counts {
            paragraphs: usize::from(tag == "p"),
            list_items: usize::from(tag == "li"),
            headlines: usize::from(tag == "h1"),
            rows: usize::from(tag == "tr"),
            cells: usize::from(matches!(tag, "td" | "th")),
            ..Counts::default()
        };
        self.dom.elements.push(Element {
            tag,
            class: attrs.class,
            id: attrs.id,
            role: attrs.role,
            itemprop: attrs.itemprop,
            kind,
            parent,
            end: index + 1,
            first_block: self.dom.blocks.len(),
            end_block: self.dom.blocks.len(),
            chars: 0,
            link_chars: 0,
            depth: self.open.len(),
            has_block_children: false,
            counts,
        });
        self.open.push(index);
        if kind.is_block() {
            self.containers.push(index);
        }
        match kind {
            Kind::Inline if tag == "a" => self.links += 1,
            Kind::Pre => self.pre += 1,
            Kind::Quote => self.quotes += 1,
            _ => {}
        }
    }

    fn close_element(&mut self, tag: &str) {
        if Kind::of(tag) == Kind::Break {
            return;
        }
        let Some(&index) = self.open.last() else {
            return;
        };
        let kind = self.dom.elements[index].kind;
        if kind.is_block() {
            self.flush();
            self.containers.pop();
        }
        self.open.pop();
        match kind {
            Kind::Inline if tag == "a" => self.links = self.links.saturating_sub(1),
            Kind::Pre => self.pre = self.pre.saturating_sub(1),
            Kind::Quote => self.quotes = self.quotes.saturating_sub(1),
            _ => {}
        }
        let end = self.dom.elements.len();
        let end_block = self.dom.blocks.len();
        let element = &mut self.dom.elements[index];
        element.end = end;
        element.end_block = end_block;
    }

    fn text(&mut self, text: &str) {
        let in_link = self.links > 0;
        let run = &mut self.run;
        for c in text.chars() {
            if c == '\n' && self.pre > 0 {
                run.text.push('\n');
                run.space = false;
                continue;
            }
            if c.is_whitespace() || c == '\u{feff}' || c == '\u{200b}' {
                run.space = true;
                continue;
            }
            if run.space && !run.text.is_empty() && !run.text.ends_with('\n') {
                run.text.push(' ');
                run.chars += 1;
            }
            run.space = false;
            run.text.push(c);
            run.chars += 1;
            if in_link {
                run.link_chars += 1;
            }
            if matches!(c, ',' | '，' | '、' | '،') {
                run.commas += 1;
            }
            if is_wide(c) {
                run.wide_chars += 1;
            }
        }
    }

    /// A `<br>`: a new line, and after an empty line a new block.
    fn line_break(&mut self) {
        let run = &mut self.run;
        if run.text.ends_with('\n') {
            self.flush();
        } else if !run.text.is_empty() {
            run.text.push('\n');
            run.space = false;
        }
    }

    /// Ends the block being read, giving it to the innermost open block element.
    fn flush(&mut self) {
        let mut run = std::mem::take(&mut self.run);
        while run.text.ends_with('\n') {
            run.text.pop();
        }
        if run.chars == 0 {
            return;
        }
        let Some(&element) = self.containers.last() else {
            return;
        };
        let e = &mut self.dom.elements[element];
        e.chars += run.chars;
        e.link_chars += run.link_chars;
        if matches!(e.kind, Kind::Heading(_)) {
            e.counts.heading_chars += run.chars;
        }
        if self.quotes > 0 {
            e.counts.quote_chars += run.chars;
        }
        self.dom.blocks.push(Block {
            text: run.text,
            element,
            chars: run.chars,
            link_chars: run.link_chars,
            commas: run.commas,
            wide_chars: run.wide_chars,
        });
    }

    /// Counts a hidden element that the content rules still weigh (an image, a form
    /// field, an embedded frame) in the element around it.
    fn count_invisible(&mut self, tag: &str) {
        let Some(&open) = self.open.last() else {
            return;
        };
        let counts = &mut self.dom.elements[open].counts;
        match tag {
            "img" | "picture" => counts.images += 1,
            "input" | "select" | "textarea" | "button" => counts.inputs += 1,
            "iframe" | "object" | "embed" | "video" | "audio" => counts.embeds += 1,
            _ => {}
        }
    }

    /// Adds every element's text and counts to the elements it lies in. Elements are
    /// in document order, so each comes after the one it lies in.
    fn finish(mut self) -> Dom<'a> {
        self.flush();
        let elements = &mut self.dom.elements;
        for i in (1..elements.len()).rev() {
            let Some(parent) = elements[i].parent else {
                continue;
            };
            let (chars, link_chars, counts) = (
                elements[i].chars,
                elements[i].link_chars,
                elements[i].counts,
            );
            let p = &mut elements[parent];
            p.chars += chars;
            p.link_chars += link_chars;
            p.counts.add(&counts);
        }
        self.dom
    }
}

/// Whether a character is of a script that writes words in one or two characters.
fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30ff // kana
        | 0x3400..=0x4dbf | 0x4e00..=0x9fff | 0xf900..=0xfaff // ideographs
        | 0xac00..=0xd7af // hangul
    )
}

/// The attributes the extractor reads, found in one pass over an element's
/// attributes (looking each up by name compares qualified names again and again).
#[derive(Debug, Default)]
struct Attrs<'a> {
    class: &'a str,
    id: &'a str,
    role: &'a str,
    itemprop: &'a str,
    style: Option<&'a str>,
    hidden: bool,
    aria_hidden: bool,
}

impl<'a> Attrs<'a> {
    fn of(element: &'a scraper::node::Element) -> Attrs<'a> {
        let mut attrs = Attrs::default();
        for (name, value) in element.attrs() {
            match name {
                "class" => attrs.class = value,
                "id" => attrs.id = value,
                "role" => attrs.role = value,
                "itemprop" => attrs.itemprop = value,
                "style" => attrs.style = Some(value),
                "hidden" => attrs.hidden = true,
                "aria-hidden" => attrs.aria_hidden = value == "true",
                _ => {}
            }
        }
        attrs
    }
}

/// Whether an element and everything in it is hidden from readers.
fn is_invisible(element: &scraper::node::Element, attrs: &Attrs) -> bool {
    if INVISIBLE.contains(&element.name()) {
        return true;
    }
    if Kind::of(element.name()) == Kind::Inline
        && !attrs.class.is_empty()
        && super::furniture::is_inline_furniture(attrs.class)
    {
        return true;
    }
    if attrs.hidden || attrs.aria_hidden {
        return true;
    }
    attrs.style.is_some_and(|style| {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .flat_map(char::to_lowercase)
            .collect();
        style.contains("display:none") || style.contains("visibility:hidden")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(html: &str) -> Vec<(String, &'static str)> {
        let document = Html::parse_document(html);
        let dom = Dom::new(&document);
        dom.blocks
            .iter()
            .map(|b| {
                let tag = dom.elements[b.element].tag;
                let tag: &'static str = match tag {
                    "p" => "p",
                    "div" => "div",
                    "li" => "li",
                    "h2" => "h2",
                    "pre" => "pre",
                    "body" => "body",
                    _ => "other",
                };
                (b.text.clone(), tag)
            })
            .collect()
    }

    #[test]
    fn blocks_follow_the_layout() {
        let got = texts(
            "<html><body>Loose text<div>One <b>bold</b> word<p>A <a href=x>link</a>.</p>tail</div>\
             <ul><li>first</li><li>second</li></ul><h2>Sub</h2>\
             <script>var x = 1;</script><p style='display: none'>hidden</p><p hidden>gone</p></body></html>",
        );
        let want = [
            ("Loose text", "body"),
            ("One bold word", "div"),
            ("A link.", "p"),
            ("tail", "div"),
            ("first", "li"),
            ("second", "li"),
            ("Sub", "h2"),
        ];
        let want: Vec<(String, &str)> = want.iter().map(|(t, k)| (t.to_string(), *k)).collect();
        assert_eq!(got, want);
    }

    #[test]
    fn line_breaks_split_lines_and_double_breaks_split_blocks() {
        let got = texts("<div>First line<br>second line<br><br>Next  paragraph<br/> </div>");
        assert_eq!(got[0].0, "First line\nsecond line");
        assert_eq!(got[1].0, "Next paragraph");
        assert_eq!(got.len(), 2);
        let pre = texts("<pre>a  b\nc</pre>");
        assert_eq!(pre[0].0, "a b\nc");
    }

    #[test]
    fn subtrees_are_ranges() {
        let document = Html::parse_document(
            "<div id=a><p>one, two</p><div id=b><p><a>three</a></p></div></div><p>four</p>",
        );
        let dom = Dom::new(&document);
        let a = dom.elements.iter().position(|e| e.id == "a").unwrap();
        let b = dom.elements.iter().position(|e| e.id == "b").unwrap();
        assert!(dom.contains(a, b));
        assert_eq!(dom.blocks_of(a).len(), 2);
        assert_eq!(dom.elements[a].chars, "one, two".len() + "three".len());
        assert_eq!(dom.elements[b].link_chars, 5);
        assert_eq!(dom.children(a).count(), 2);
        assert_eq!(dom.blocks_of(a)[0].commas, 1);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        // Deeper than a recursive walk could go on a test thread's stack; parsing
        // costs the square of the depth, so no deeper than that.
        let html = "<div>".repeat(12_000) + "deep text" + &"</div>".repeat(12_000);
        let document = Html::parse_document(&html);
        let dom = Dom::new(&document);
        assert_eq!(dom.blocks.len(), 1);
    }
}

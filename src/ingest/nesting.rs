//! Bounds how deeply a page's elements nest before it is parsed. An HTML parser
//! checks the stack of open elements at every end tag, so a page of 100,000 nested
//! `<div>`s costs time in the square of its depth (19 s for 1.1 MB). Real pages nest
//! a few dozen levels; the tags past [`MAX_DEPTH`] are dropped and their text kept.

use std::borrow::Cow;

/// The deepest nesting of elements kept.
pub const MAX_DEPTH: usize = 512;

/// Elements that never hold others and have no end tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];

/// Elements whose content is text up to their end tag, never markup.
const RAW_TEXT: &[&str] = &["script", "style", "textarea", "title", "xmp", "noscript"];

/// One piece of markup found by [`tags`].
struct Tag<'a> {
    /// Where it starts and ends in the page.
    span: std::ops::Range<usize>,
    name: &'a str,
    closing: bool,
    /// Whether it ends in `/>`.
    self_closing: bool,
}

/// `html` with the start and end tags nested deeper than [`MAX_DEPTH`] left out;
/// the page itself when it nests no deeper. Tags whose end is optional (`<p>`,
/// `<li>`) count as open until closed, so a sloppy page may be cut a little early.
pub fn bounded(html: &str) -> Cow<'_, str> {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    for tag in tags(html) {
        step(&mut depth, &tag);
        deepest = deepest.max(depth);
    }
    if deepest <= MAX_DEPTH {
        return Cow::Borrowed(html);
    }
    let mut kept = String::with_capacity(html.len());
    let mut depth = 0usize;
    let mut at = 0;
    for tag in tags(html) {
        let before = depth;
        step(&mut depth, &tag);
        if before.max(depth) > MAX_DEPTH {
            kept.push_str(&html[at..tag.span.start]);
            at = tag.span.end;
        }
    }
    kept.push_str(&html[at..]);
    Cow::Owned(kept)
}

/// Moves `depth` over one tag.
fn step(depth: &mut usize, tag: &Tag) {
    if tag.closing {
        *depth = depth.saturating_sub(1);
    } else if !tag.self_closing && !VOID.iter().any(|v| v.eq_ignore_ascii_case(tag.name)) {
        *depth += 1;
    }
}

/// The start and end tags of a page, in order, skipping comments, declarations and
/// the content of raw-text elements.
fn tags(html: &str) -> impl Iterator<Item = Tag<'_>> {
    let bytes = html.as_bytes();
    let mut at = 0;
    std::iter::from_fn(move || loop {
        let open = at + memchr::memchr(b'<', bytes.get(at..)?)?;
        let rest = &html[open..];
        if rest.starts_with("<!--") {
            at = rest.find("-->").map_or(html.len(), |end| open + end + 3);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            at = rest.find('>').map_or(html.len(), |end| open + end + 1);
            continue;
        }
        let closing = rest.starts_with("</");
        let name_start = open + if closing { 2 } else { 1 };
        let name_len = html[name_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
            .unwrap_or(html.len() - name_start);
        if name_len == 0 || !bytes[name_start].is_ascii_alphabetic() {
            at = open + 1;
            continue;
        }
        let name = &html[name_start..name_start + name_len];
        let end = html[name_start..]
            .find('>')
            .map_or(html.len(), |e| name_start + e + 1);
        let self_closing = html[..end].ends_with("/>");
        at = end;
        if !closing && RAW_TEXT.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            // Its text runs to its end tag, which is then read as one.
            let close = format!("</{name}");
            at = find_ignoring_case(&html[end..], &close).map_or(html.len(), |i| end + i);
        }
        return Some(Tag {
            span: open..end,
            name,
            closing,
            self_closing,
        });
    })
}

/// Where `needle` (ASCII) first occurs in `haystack`, in any case.
fn find_ignoring_case(haystack: &str, needle: &str) -> Option<usize> {
    haystack
        .as_bytes()
        .windows(needle.len())
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_of_ordinary_depth_is_left_as_it_is() {
        let page = "<html><head><title>a < b</title><script>if (a<div) {}</script></head>\
            <body><!-- <div> --><div><p>One<br>two<img src=x/></p></div></body></html>";
        assert!(matches!(bounded(page), Cow::Borrowed(_)));
    }

    #[test]
    fn tags_past_the_deepest_level_are_dropped_and_their_text_kept() {
        let depth = 20_000;
        let page = format!(
            "<html><body>{}<p>The story.</p>{}<p>After.</p></body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        );
        let kept = bounded(&page);
        assert!(kept.len() < page.len() / 10, "{}", kept.len());
        assert!(kept.contains("The story.") && kept.contains("<p>After.</p>"));
        let mut deepest = 0;
        let mut d = 0;
        for tag in tags(&kept) {
            step(&mut d, &tag);
            deepest = deepest.max(d);
        }
        assert_eq!(deepest, MAX_DEPTH);
    }
}

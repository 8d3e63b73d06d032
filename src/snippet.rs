//! Snippets: a short passage of an article with the byte ranges of the query words in
//! it, independent of how they are rendered (bold on a terminal, JSON offsets).

use serde::Serialize;
use std::ops::Range;

/// About how many characters a snippet shows.
pub const SNIPPET_CHARS: usize = 200;

/// A passage of text with highlighted byte ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Snippet {
    /// The passage, on one line, with `…` where it cuts the text.
    pub text: String,
    /// Byte ranges of `text` to highlight, in order, not overlapping.
    pub highlights: Vec<Range<usize>>,
}

impl Snippet {
    /// Builds a snippet of `text` showing the passage at `passage`, with highlights
    /// given relative to the passage. The passage grows over the punctuation that
    /// closes it, and to the edge of the text when only punctuation lies beyond;
    /// whitespace is folded to single spaces and `…` marks where the text is cut.
    pub fn in_text(text: &str, passage: Range<usize>, highlights: &[Range<usize>]) -> Snippet {
        let has_words = |s: &str| s.chars().any(char::is_alphanumeric);
        let valid = passage.start <= passage.end
            && passage.end <= text.len()
            && text.is_char_boundary(passage.start)
            && text.is_char_boundary(passage.end);
        if !valid {
            return Snippet::default();
        }
        let start = if has_words(&text[..passage.start]) {
            passage.start
        } else {
            0
        };
        let mut end = passage.end;
        // Take in the punctuation that closes the last sentence or quote.
        end += text[end..]
            .find(|c: char| {
                !matches!(
                    c,
                    '.' | '!' | '?' | '"' | '\'' | ')' | ']' | '\u{201d}' | '\u{2019}'
                )
            })
            .unwrap_or(text.len() - end);
        if !has_words(&text[end..]) {
            end = text.len();
        }
        let shift = passage.start - start;
        let shown = &text[start..end];
        let mut highlights: Vec<Range<usize>> = highlights
            .iter()
            .map(|r| r.start + shift..r.end + shift)
            .filter(|r| {
                r.start < r.end
                    && r.end <= shown.len()
                    && shown.is_char_boundary(r.start)
                    && shown.is_char_boundary(r.end)
            })
            .collect();
        highlights.sort_by_key(|r| r.start);
        let (mut folded, mut map) = fold_whitespace(shown);
        if start > 0 {
            folded.insert_str(0, "… ");
            map.iter_mut().for_each(|m| *m += "… ".len());
        }
        if end < text.len() {
            folded.push_str(" …");
        }
        let mut merged: Vec<Range<usize>> = Vec::new();
        for r in highlights {
            let r = map[r.start]..map[r.end];
            match merged.last_mut() {
                Some(last) if r.start <= last.end => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        Snippet {
            text: folded,
            highlights: merged,
        }
    }

    /// The start of a text, for hits whose query words are not in it (a title match,
    /// `*`): up to [`SNIPPET_CHARS`] characters, cut after a whole word.
    pub fn lead(text: &str) -> Snippet {
        let cut = text
            .char_indices()
            .nth(SNIPPET_CHARS)
            .map_or(text.len(), |(i, _)| {
                text[..i].rfind(char::is_whitespace).unwrap_or(i)
            });
        Snippet::in_text(text, 0..cut, &[])
    }

    /// The pieces of the text in order, each with whether it is highlighted.
    pub fn pieces(&self) -> impl Iterator<Item = (&str, bool)> {
        let mut pieces = Vec::with_capacity(self.highlights.len() * 2 + 1);
        let mut at = 0;
        for r in &self.highlights {
            if r.start > at {
                pieces.push((&self.text[at..r.start], false));
            }
            pieces.push((&self.text[r.clone()], true));
            at = r.end;
        }
        if at < self.text.len() {
            pieces.push((&self.text[at..], false));
        }
        pieces.into_iter()
    }
}

/// Folds runs of whitespace to one space and trims; returns the text and, for every
/// byte offset of the input (and its end), the matching offset of the output.
fn fold_whitespace(input: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(input.len());
    let mut map = vec![0; input.len() + 1];
    let mut pending_space = false;
    for (i, c) in input.char_indices() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            map[i] = out.len();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        map[i..i + c.len_utf8()].fill(out.len());
        out.push(c);
    }
    map[input.len()] = out.len();
    // Offsets inside multi-byte characters and in folded whitespace point at the next
    // output character; ends must not run past the text.
    (out, map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(s: &Snippet) -> String {
        s.pieces()
            .map(|(t, hi)| if hi { format!("[{t}]") } else { t.to_string() })
            .collect()
    }

    #[test]
    fn whitespace_is_folded_and_highlights_follow() {
        let text = "Earlier news. The  drought\n\nhit   Almaty. Later news.";
        let at = text.find("The").unwrap()..text.find("Almaty").unwrap() + "Almaty".len();
        let s = Snippet::in_text(text, at, &[5..12, 20..26]);
        assert_eq!(s.text, "… The drought hit Almaty. …");
        assert_eq!(marked(&s), "… The [drought] hit [Almaty]. …");
    }

    #[test]
    fn multibyte_text_keeps_char_boundaries() {
        let passage = "Café — Алматы 東京 naïve";
        let start = passage.find("Алматы").unwrap();
        let s = Snippet::in_text(
            passage,
            0..passage.len(),
            std::slice::from_ref(&(start..start + "Алматы".len())),
        );
        assert_eq!(marked(&s), "Café — [Алматы] 東京 naïve");
    }

    #[test]
    fn lead_cuts_after_a_whole_word() {
        let text = "word ".repeat(100);
        let s = Snippet::lead(&text);
        assert!(s.text.ends_with("word …"), "{}", s.text);
        assert!(s.text.chars().count() <= SNIPPET_CHARS + 2);
        assert_eq!(Snippet::lead("Short body.").text, "Short body.");
    }

    #[test]
    fn overlapping_highlights_merge() {
        let s = Snippet::in_text("abcdef", 0..6, &[2..4, 0..3]);
        assert_eq!(s.highlights, vec![0..4]);
    }

    #[test]
    fn a_passage_reaching_the_edges_is_not_marked_as_cut() {
        let text = "\u{201c}Boats leave every hour.\u{201d}";
        let at = text.find("Boats").unwrap()..text.find("hour").unwrap() + 4;
        assert_eq!(Snippet::in_text(text, at, &[]).text, text);
        let text = "Boats leave every hour. Ferries leave at noon.";
        let s = Snippet::in_text(text, 0..22, &[]);
        assert_eq!(s.text, "Boats leave every hour. …");
        assert_eq!(
            Snippet::in_text(text, 50..60, &[0..2, 3..5]),
            Snippet::default()
        );
    }
}

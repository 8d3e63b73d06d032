//! Snippets: the passage of an article that shows why it matched, with the byte
//! ranges of the query words in it, independent of how they are rendered (bold on a
//! terminal, JSON offsets).

use crate::schema::{self, Fields, WordStemmer};
use anyhow::{Context, Result};
use std::ops::Range;
use tantivy::postings::Postings;
use tantivy::schema::IndexRecordOption;
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{DocAddress, DocSet, Term};

/// About how many characters a snippet shows.
pub const SNIPPET_CHARS: usize = 200;

/// How much of a story is read before a passage that shows every query word the story
/// holds is taken, though a later one might weigh more: most stories show their words
/// early, and reading a long story to its end for each hit is most of a search's work.
const SCAN_BYTES: usize = 800;

/// One word of the query, as a snippet looks for it.
struct QueryWord {
    /// The word as the index holds it: lower-cased, folded and stemmed.
    text: String,
    /// Rarer words weigh more: 1 / (1 + the number of articles that hold the word).
    weight: f32,
    /// The word in the body field (which holds the headline too), the title field
    /// and the field of hyphenated words written whole.
    body: Term,
    title: Term,
    joined: Term,
}

/// Picks the passage of each hit of one query that shows the query's words best: the
/// stretch of about [`SNIPPET_CHARS`] whose words weigh most, the earliest of equals.
pub struct Highlighter {
    words: Vec<QueryWord>,
    analyzer: TextAnalyzer,
    matcher: Matcher,
}

/// Tells which query word a word of a text is, stemming only the words that can be.
struct Matcher {
    stemmer: WordStemmer,
    /// Whether some query word starts with this ASCII byte: stemming keeps a word's
    /// first ASCII character, so a word that starts with another is none of them.
    ascii_starts: [bool; 128],
}

impl Matcher {
    /// The index of the query word that `word` (lower-cased and folded) is, if any;
    /// `word` is left stemmed or as it was.
    fn word_of(&mut self, word: &mut String, words: &[QueryWord]) -> Option<usize> {
        let first = *word.as_bytes().first()?;
        if first.is_ascii() && !self.ascii_starts[usize::from(first)] {
            return None;
        }
        self.stemmer.stem(word);
        words.iter().position(|w| w.text == *word)
    }
}

/// A stretch of text being weighed as a snippet.
#[derive(Default)]
struct Window {
    start: usize,
    end: usize,
    score: f32,
    /// The query words in it, as bits of their indexes (the first 64 words).
    shown: u64,
    /// Where they are, relative to `start`.
    highlights: Vec<Range<usize>>,
}

impl Window {
    fn restart(&mut self, start: usize) {
        self.start = start;
        self.end = start;
        self.score = 0.0;
        self.shown = 0;
        self.highlights.clear();
    }
}

/// The bit of the query word at `index` in [`Window::shown`].
fn bit(index: usize) -> u64 {
    1u64.checked_shl(index as u32).unwrap_or(0)
}

impl Highlighter {
    /// The highlighter of the query words `terms` (of the body field).
    pub fn new(
        searcher: &tantivy::Searcher,
        fields: Fields,
        terms: &[Term],
    ) -> Result<Highlighter> {
        let mut words = Vec::with_capacity(terms.len());
        let mut ascii_starts = [false; 128];
        for term in terms {
            let Some(text) = term.value().as_str().map(str::to_string) else {
                continue;
            };
            let articles = searcher.doc_freq(term).context("preparing snippets")?;
            if let Some(&first) = text.as_bytes().first().filter(|b| b.is_ascii()) {
                ascii_starts[usize::from(first)] = true;
            }
            words.push(QueryWord {
                weight: 1.0 / (1.0 + articles as f32),
                body: term.clone(),
                title: Term::from_field_text(fields.title, &text),
                joined: Term::from_field_text(fields.joined, &text),
                text,
            });
        }
        Ok(Highlighter {
            words,
            analyzer: schema::snippet_analyzer(),
            matcher: Matcher {
                stemmer: WordStemmer::default(),
                ascii_starts,
            },
        })
    }

    /// The snippet of the hit at `address`, whose story is `story`: the passage that
    /// shows the query's words best, or the story's lead when it holds none of them
    /// (the article matched by its headline, or by no word at all, as `*` does).
    pub fn snippet(
        &mut self,
        searcher: &tantivy::Searcher,
        address: DocAddress,
        story: &str,
    ) -> Result<Snippet> {
        let mut left = self.occurrences(searcher, address)?;
        if left.iter().all(|&n| n == 0) {
            return Ok(Snippet::lead(story));
        }
        let best = self.best_window(story, &mut left);
        Ok(if best.score > 0.0 {
            Snippet::in_text(story, best.start..best.end, &best.highlights)
        } else {
            Snippet::lead(story)
        })
    }

    /// How often each query word occurs in the story of the article at `address`,
    /// from the index: in the body field (which holds the headline too) less in the
    /// headline, plus written whole as a hyphenated word.
    fn occurrences(&self, searcher: &tantivy::Searcher, address: DocAddress) -> Result<Vec<u32>> {
        let segment = searcher.segment_reader(address.segment_ord);
        let frequency = |term: &Term| -> Result<u32> {
            let postings = segment
                .inverted_index(term.field())
                .context("opening the word index")?
                .read_postings(term, IndexRecordOption::WithFreqs)
                .context("reading the frequency of a query word")?;
            let Some(mut postings) = postings else {
                return Ok(0);
            };
            // A posting list starts on its first document, which may lie past the hit.
            let found =
                postings.doc() <= address.doc_id && postings.seek(address.doc_id) == address.doc_id;
            Ok(if found { postings.term_freq() } else { 0 })
        };
        self.words
            .iter()
            .map(|word| {
                let in_story = frequency(&word.body)?.saturating_sub(frequency(&word.title)?);
                Ok(in_story.saturating_add(frequency(&word.joined)?))
            })
            .collect()
    }

    /// The window of `text` whose query words weigh most, the earliest of equals.
    /// `left` counts the occurrences of each word yet to be read: once none is left,
    /// or past [`SCAN_BYTES`] once the best window shows every word the text holds,
    /// the rest of the text is not read.
    fn best_window(&mut self, text: &str, left: &mut [u32]) -> Window {
        let held = left
            .iter()
            .enumerate()
            .filter(|(_, &n)| n > 0)
            .fold(0, |mask, (i, _)| mask | bit(i));
        let mut remaining = left.iter().fold(0u32, |sum, &n| sum.saturating_add(n));
        let mut best = Window::default();
        let mut current = Window::default();
        let mut stream = self.analyzer.token_stream(text);
        loop {
            let token = stream.advance().then(|| stream.token_mut());
            let from = token.as_ref().map_or(text.len(), |t| t.offset_from);
            let closes = token
                .as_ref()
                .is_none_or(|t| t.offset_to.saturating_sub(current.start) > SNIPPET_CHARS);
            if closes {
                if current.score > best.score {
                    std::mem::swap(&mut best, &mut current);
                }
                let shows_all = best.shown & held == held;
                if token.is_none() || remaining == 0 || (from >= SCAN_BYTES && shows_all) {
                    return best;
                }
                current.restart(from);
            }
            let Some(token) = token else {
                return best;
            };
            current.end = token.offset_to;
            if let Some(i) = self.matcher.word_of(&mut token.text, &self.words) {
                current.score += self.words[i].weight;
                current.shown |= bit(i);
                current
                    .highlights
                    .push(token.offset_from - current.start..token.offset_to - current.start);
                left[i] = left[i].saturating_sub(1);
                remaining = remaining.saturating_sub(1);
            }
        }
    }
}

/// A passage of text with highlighted byte ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
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
    use crate::article::Article;
    use crate::search::{search, SearchRequest};
    use crate::{indexer, schema};
    use tantivy::schema::Field;

    /// A highlighter of `words` (as the index holds them) of equal weight, without
    /// an index.
    fn highlighter(words: &[&str]) -> Highlighter {
        let field = Field::from_field_id(0);
        let mut ascii_starts = [false; 128];
        let words = words
            .iter()
            .map(|w| {
                ascii_starts[usize::from(w.as_bytes()[0])] = true;
                QueryWord {
                    text: w.to_string(),
                    weight: 0.5,
                    body: Term::from_field_text(field, w),
                    title: Term::from_field_text(field, w),
                    joined: Term::from_field_text(field, w),
                }
            })
            .collect();
        Highlighter {
            words,
            analyzer: schema::snippet_analyzer(),
            matcher: Matcher {
                stemmer: WordStemmer::default(),
                ascii_starts,
            },
        }
    }

    fn window(h: &mut Highlighter, text: &str, left: &mut [u32]) -> (Range<usize>, usize) {
        let w = h.best_window(text, left);
        (w.start..w.end, w.highlights.len())
    }

    #[test]
    fn reading_stops_after_the_last_occurrence_without_changing_the_passage() {
        let filler = "Officials met again on Tuesday to talk about the budget. ";
        let texts = [
            format!("Wheat prices rose. {} Wheat fell.", filler.repeat(3)),
            format!(
                "{}Farmers sold wheat and more wheat.{}",
                filler.repeat(30),
                filler
            ),
            format!("{}Wheats, wheat.", filler.repeat(40)),
            format!(
                "Rail and wheat. {}Wheat by rail, wheat by road.",
                filler.repeat(2)
            ),
        ];
        for text in &texts {
            let mut h = highlighter(&["wheat", "rail"]);
            let counts = [
                text.to_lowercase().matches("wheat").count() as u32,
                text.matches("ail").count() as u32,
            ];
            let exact = window(&mut h, text, &mut counts.clone());
            let whole = window(
                &mut h,
                text,
                &mut counts.map(|n| if n > 0 { u32::MAX } else { 0 }),
            );
            assert_eq!(exact, whole, "{text}");
            assert!(exact.1 > 0, "{text}");
        }
    }

    #[test]
    fn the_window_weighing_most_wins_and_the_earliest_of_equals() {
        let text = "Wheat first. Then nothing at all for a long while, about the weather \
            and the roads and the schools and the river, and more of it, on and on until \
            the budget. Later: wheat went by rail, and rail took wheat away.";
        let mut h = highlighter(&["wheat", "rail"]);
        let (at, shown) = window(&mut h, text, &mut [3, 2]);
        assert!(text[at].contains("rail"), "{text}");
        assert_eq!(shown, 4);
        let text = "Wheat here. Filler words to fill a window of text, many of them, so that \
            the next one starts somewhere else entirely, far away from here, past it, \
            after a long and winding sentence that goes on and on. Wheat.";
        let (at, shown) = window(&mut highlighter(&["wheat"]), text, &mut [2]);
        assert_eq!((at.start, shown), (0, 1));
    }

    #[test]
    fn stemming_keeps_the_first_ascii_character() {
        let mut stemmer = WordStemmer::default();
        let words = "skies dying lying tying early only gently ugly news yearly \
            generously ideally agreed united states conditional yelling 1990s";
        for word in words.split_whitespace() {
            let mut stem = word.to_string();
            stemmer.stem(&mut stem);
            assert_eq!(stem.as_bytes()[0], word.as_bytes()[0], "{word}: {stem}");
        }
    }

    fn marked(s: &Snippet) -> String {
        s.pieces()
            .map(|(t, hi)| if hi { format!("[{t}]") } else { t.to_string() })
            .collect()
    }

    #[test]
    fn hits_show_their_words_wherever_they_are() {
        let filler = "The council met on Tuesday and agreed to meet again next month. ";
        let index = schema::create_in_ram().unwrap();
        let articles = [
            Article::story(
                "deep",
                "Council news",
                &format!("{}Then the Kostanay elevator burned.", filler.repeat(40)),
            ),
            Article::story("headline", "Kostanay in the dark", &filler.repeat(5)),
            Article::story(
                "one",
                "Harvest",
                &format!(
                    "{}Wheat went north by rail.{}",
                    filler.repeat(20),
                    filler.repeat(20)
                ),
            ),
        ];
        indexer::add_articles(&index, &articles).unwrap();
        let snippet = |query: &str, id: &str| {
            let results = search(&index, &SearchRequest::new(query)).unwrap();
            let hit = results
                .hits
                .into_iter()
                .find(|h| h.article.id == id)
                .unwrap();
            marked(&hit.snippet)
        };
        let shown = snippet("kostanay", "deep");
        assert!(
            shown.starts_with("… ") && shown.contains(". Then the [Kostanay]"),
            "{shown}"
        );
        // Found by its headline alone: the story's lead.
        assert!(snippet("kostanay", "headline").starts_with("The council met on Tuesday"));
        // Of two words, the one the story holds.
        let shown = snippet("wheat OR barley", "one");
        assert!(shown.contains("[Wheat] went north by rail."), "{shown}");
        assert!(shown.starts_with("… ") && shown.ends_with(" …"), "{shown}");
        assert_eq!(shown.matches('[').count(), 1, "{shown}");
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

//! Pairs of frequent words standing side by side, indexed as one term each
//! (`united states` is the term `unit state`), as Lucene's CommonGrams filter does: a
//! phrase of two such words is then one posting list to walk instead of two long
//! ones whose every shared article has its positions compared.
//!
//! The words of a text are made once: while the body field's analyzer makes them,
//! [`RecordPairs`] notes the pairs on the indexing thread, and the pairs field's
//! tokenizer ([`RecordedPairs`]), which tantivy runs next on the same document,
//! takes them when they were noted for the very same text; otherwise it makes the
//! words itself, which notes them.

use super::frequent::FREQUENT_STEMS;
use rustc_hash::FxHashSet;
use std::cell::RefCell;
use std::sync::OnceLock;
use tantivy::tokenizer::{TextAnalyzer, Token, TokenFilter, TokenStream, Tokenizer};

/// What separates the two words of a pair term; no word holds it.
const PAIR_SEPARATOR: char = ' ';

/// Whether the index holds pairs of `stem` (a word as the news analyzer makes it).
fn is_frequent_stem(stem: &str) -> bool {
    static SET: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    SET.get_or_init(|| FREQUENT_STEMS.iter().copied().collect())
        .contains(stem)
}

/// The pair term of two stems, when the index holds pairs of both.
pub fn pair_term_text(first: &str, second: &str) -> Option<String> {
    (is_frequent_stem(first) && is_frequent_stem(second))
        .then(|| format!("{first}{PAIR_SEPARATOR}{second}"))
}

/// Finds the pairs in a stream of words: frequent words one position apart.
#[derive(Default)]
struct PairMaker {
    /// The position of the last word, when it was a frequent one.
    previous: Option<usize>,
    /// That word.
    previous_text: String,
}

impl PairMaker {
    /// Takes the next word; when it ends a pair, appends the pair's text to `out`
    /// and says so.
    fn next(&mut self, word: &Token, out: &mut String) -> bool {
        if !is_frequent_stem(&word.text) {
            self.previous = None;
            return false;
        }
        let paired = self.previous.is_some_and(|at| at + 1 == word.position);
        if paired {
            out.push_str(&self.previous_text);
            out.push(PAIR_SEPARATOR);
            out.push_str(&word.text);
        }
        self.previous = Some(word.position);
        self.previous_text.clear();
        self.previous_text.push_str(&word.text);
        paired
    }
}

/// The pairs of a text whose words were made on this thread, one per line.
struct Noted {
    text: String,
    pairs: String,
}

/// How many texts' pairs a thread keeps: a document's headline, story and headline
/// again in the body field, and one to spare.
const NOTED_TEXTS: usize = 4;

thread_local! {
    /// The pairs of the last texts whose words this thread made, oldest first.
    static NOTED: RefCell<Vec<Noted>> = const { RefCell::new(Vec::new()) };
}

/// Passes words through unchanged and notes the pairs among them when the text ends,
/// for [`RecordedPairs`].
#[derive(Clone, Copy, Default)]
pub struct RecordPairs;

impl TokenFilter for RecordPairs {
    type Tokenizer<T: Tokenizer> = RecordPairsFilter<T>;

    fn transform<T: Tokenizer>(self, tokenizer: T) -> RecordPairsFilter<T> {
        RecordPairsFilter { inner: tokenizer }
    }
}

/// [`RecordPairs`] applied to a tokenizer.
#[derive(Clone)]
pub struct RecordPairsFilter<T> {
    inner: T,
}

impl<T: Tokenizer> Tokenizer for RecordPairsFilter<T> {
    type TokenStream<'a> = RecordPairsStream<'a, T::TokenStream<'a>>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> Self::TokenStream<'a> {
        RecordPairsStream {
            tail: self.inner.token_stream(text),
            text,
            maker: PairMaker::default(),
            pairs: String::new(),
            ended: false,
        }
    }
}

/// The token stream of [`RecordPairsFilter`].
pub struct RecordPairsStream<'a, T> {
    tail: T,
    text: &'a str,
    maker: PairMaker,
    pairs: String,
    ended: bool,
}

impl<T: TokenStream> TokenStream for RecordPairsStream<'_, T> {
    fn advance(&mut self) -> bool {
        if self.tail.advance() {
            if self.maker.next(self.tail.token(), &mut self.pairs) {
                self.pairs.push('\n');
            }
            return true;
        }
        if !self.ended {
            self.ended = true;
            let noted = Noted {
                text: self.text.to_string(),
                pairs: std::mem::take(&mut self.pairs),
            };
            NOTED.with(|texts| {
                let mut texts = texts.borrow_mut();
                if texts.len() >= NOTED_TEXTS {
                    texts.remove(0);
                }
                texts.push(noted);
            });
        }
        false
    }

    fn token(&self) -> &Token {
        self.tail.token()
    }

    fn token_mut(&mut self) -> &mut Token {
        self.tail.token_mut()
    }
}

/// The pairs noted for `text` on this thread, if its words were made here last;
/// the texts noted before it are let go.
fn take_noted(text: &str) -> Option<String> {
    NOTED.with(|texts| {
        let mut texts = texts.borrow_mut();
        let at = texts.iter().rposition(|noted| noted.text == text)?;
        let noted = texts.drain(..=at).next_back()?;
        Some(noted.pairs)
    })
}

/// The tokenizer of the pairs field: the pairs [`RecordPairs`] noted for the same
/// text, else those noted while its own analyzer makes the text's words.
#[derive(Clone)]
pub struct RecordedPairs {
    words: TextAnalyzer,
}

impl RecordedPairs {
    /// Takes noted pairs, or notes them by making the words with `words` (an analyzer
    /// that ends with [`RecordPairs`]).
    pub fn new(words: TextAnalyzer) -> RecordedPairs {
        RecordedPairs { words }
    }
}

impl Tokenizer for RecordedPairs {
    type TokenStream<'a> = RecordedPairsStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> RecordedPairsStream {
        let pairs = take_noted(text).unwrap_or_else(|| {
            let mut words = self.words.token_stream(text);
            while words.advance() {}
            drop(words);
            take_noted(text).unwrap_or_default()
        });
        RecordedPairsStream {
            pairs,
            next: 0,
            token: Token::default(),
        }
    }
}

/// The token stream of [`RecordedPairs`]: the pairs of a text, one per line.
pub struct RecordedPairsStream {
    pairs: String,
    /// Where the next one starts.
    next: usize,
    token: Token,
}

impl TokenStream for RecordedPairsStream {
    fn advance(&mut self) -> bool {
        let Some(line) = self
            .pairs
            .get(self.next..)
            .and_then(|rest| rest.split('\n').next())
        else {
            return false;
        };
        if line.is_empty() {
            return false;
        }
        self.token.position = self.token.position.wrapping_add(1);
        self.token.text.clear();
        self.token.text.push_str(line);
        self.next += line.len() + 1;
        true
    }

    fn token(&self) -> &Token {
        &self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::schema::{news_analyzer, pairs_analyzer};

    fn tokens(mut stream: impl TokenStream) -> Vec<String> {
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }

    /// The pairs of `text`, made anew unless its words were just made on this thread.
    fn made(text: &str) -> Vec<String> {
        tokens(pairs_analyzer().token_stream(text))
    }

    fn noted(text: &str) -> bool {
        NOTED.with(|texts| texts.borrow().iter().any(|noted| noted.text == text))
    }

    #[test]
    fn pairs_are_frequent_words_one_position_apart() {
        // `and the` and `the` leave gaps; punctuation does not.
        let text = "The United States and the states. United the States, united states!";
        assert_eq!(
            made(text),
            ["unit state", "state unit", "state unit", "unit state"]
        );
        assert_eq!(made("Sorghum prices rose"), Vec::<String>::new());
    }

    #[test]
    fn pairs_noted_while_the_words_were_made_are_taken_for_the_same_text_only() {
        let text = "The United States said the United States would wait.";
        let mut words = news_analyzer();
        let _ = tokens(words.token_stream(text));
        assert!(noted(text));
        let mut pairs = pairs_analyzer();
        let taken = tokens(pairs.token_stream(text));
        assert!(!noted(text), "the noted pairs were taken");
        assert!(taken.contains(&"unit state".to_string()), "{taken:?}");
        // Taken once; another time the text is made anew, to the same pairs.
        assert_eq!(tokens(pairs.token_stream(text)), taken);
        // Another text's noted pairs (`unit state`) are not taken for this one.
        let _ = tokens(words.token_stream("United States"));
        let other = "States united";
        assert_eq!(tokens(pairs.token_stream(other)), ["state unit"]);
    }
}

//! The analyzer of titles and bodies, for news in any script: words where a script
//! separates them with spaces, overlapping character pairs where it does not (Chinese,
//! Japanese, Thai), lower-cased, accents folded, the most common English words left
//! out, and stemmed by the language of the word's script (English for Latin letters,
//! Russian for Cyrillic, Greek, Arabic).

use super::pairs::{RecordPairs, RecordedPairs};
use super::stemmer::ScriptStemmer;
use tantivy::tokenizer::{
    AsciiFoldingFilter, LowerCaser, RemoveLongFilter, StopWordFilter, TextAnalyzer,
    TextAnalyzerBuilder, Token, TokenStream, Tokenizer,
};

/// English words so common that they say nothing of what an article is about
/// (Lucene's list). They are not indexed: BM25 then weighs documents by the length of
/// what they say, and a question's "the" and "of" neither match nor score. A phrase
/// keeps their places ("war and peace" is `war _ peace`).
pub const COMMON_WORDS: &[&str] = &[
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it",
    "no", "not", "of", "on", "or", "such", "that", "the", "their", "then", "there", "these",
    "they", "this", "to", "was", "will", "with",
];

/// Whether a typed word is one of [`COMMON_WORDS`].
pub fn is_common_word(word: &str) -> bool {
    COMMON_WORDS
        .iter()
        .any(|common| common.eq_ignore_ascii_case(word))
}

/// The words of a text as its snippet looks for the query's words: as the index reads
/// them, with each hyphenated word also whole, spanning it (so that `email` shows
/// `e-mail`), but neither stemmed nor without [`COMMON_WORDS`]: a common word never
/// matches a query word, and a snippet stems only the words that could (see
/// [`WordStemmer::stem`]).
pub fn snippet_analyzer() -> TextAnalyzer {
    folded(NewsTokenizer::new(Hyphenated::PartsAndWhole)).build()
}

/// The analyzer of hyphenated words written whole: `e-mail` is `email` and nothing
/// else is a token. Indexed beside the words, it lets `email` find `e-mail` without
/// changing the words' own statistics.
pub fn joined_analyzer() -> TextAnalyzer {
    folded(NewsTokenizer::new(Hyphenated::WholeOnly))
        .filter(ScriptStemmer)
        .build()
}

/// Builds the analyzer. It notes the pairs of frequent words of each text for the
/// pairs field (see [`RecordPairs`]).
pub fn news_analyzer() -> TextAnalyzer {
    news_words().filter(RecordPairs).build()
}

/// The analyzer of the pairs of frequent words side by side (see [`RecordedPairs`]):
/// those [`news_analyzer`] noted for the same text, else noted by making its words.
pub fn pairs_analyzer() -> TextAnalyzer {
    TextAnalyzer::from(RecordedPairs::new(news_analyzer()))
}

/// The words as the index holds them: folded, without [`COMMON_WORDS`], stemmed.
fn news_words() -> TextAnalyzerBuilder<impl Tokenizer> {
    folded_words()
        .filter(StopWordFilter::remove(
            COMMON_WORDS.iter().map(|w| w.to_string()),
        ))
        .filter(ScriptStemmer)
}

/// Words (or character pairs) lower-cased and accent-folded, the start of both
/// analyzers.
fn folded_words() -> TextAnalyzerBuilder<impl Tokenizer> {
    folded(NewsTokenizer::default())
}

/// The tokens of `tokenizer`, too long ones dropped, lower-cased and accent-folded.
fn folded<T: Tokenizer>(tokenizer: T) -> TextAnalyzerBuilder<impl Tokenizer> {
    TextAnalyzer::builder(tokenizer)
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser)
        .filter(AsciiFoldingFilter)
}

/// Whether `c` joins the parts of a hyphenated word.
fn is_hyphen(c: char) -> bool {
    matches!(c, '-' | '\u{2010}' | '\u{2011}')
}

/// The byte offset of the next hyphen in `text` at or after `from`. Only the bytes
/// that can start one are looked at: `-`, and the lead byte of U+2010 and U+2011.
fn next_hyphen(text: &str, from: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut at = from;
    loop {
        at += memchr::memchr2(b'-', 0xe2, bytes.get(at..)?)?;
        let c = text[at..].chars().next()?;
        if is_hyphen(c) {
            return Some((at, c.len_utf8()));
        }
        at += c.len_utf8();
    }
}

/// The next hyphenated word of `text` at or after `from` (`e-mail`, `mother-in-law`:
/// words of a spaced script joined by single hyphens), as its byte range.
fn next_hyphenated(text: &str, from: usize) -> Option<std::ops::Range<usize>> {
    let spaced = |c: char| is_word_char(c) && !is_unspaced(c);
    let mut at = from;
    loop {
        let (hyphen, hyphen_len) = next_hyphen(text, at)?;
        at = hyphen + hyphen_len;
        let before = text[..hyphen].chars().next_back();
        let after = text[at..].chars().next();
        if !(before.is_some_and(spaced) && after.is_some_and(spaced)) {
            continue;
        }
        let start = text[..hyphen]
            .char_indices()
            .rev()
            .find(|(_, c)| !spaced(*c))
            .map_or(0, |(i, c)| i + c.len_utf8())
            .max(from);
        // `Russia's-best` is no word `sbest`.
        if text[..start].ends_with(['\'', '\u{2019}']) {
            continue;
        }
        let mut end = hyphen;
        let mut chars = text[hyphen..].char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            if spaced(c) {
                end = hyphen + i + c.len_utf8();
            } else if !(is_hyphen(c) && chars.peek().is_some_and(|(_, next)| spaced(*next))) {
                break;
            }
        }
        return Some(start..end);
    }
}

/// A typed word written without its hyphens, when it is one hyphenated word
/// (`e-mail`: `email`), the punctuation around it aside.
pub fn joined_word(text: &str) -> Option<String> {
    let span = next_hyphenated(text, 0)?;
    let alone = |rest: &str| !rest.contains(is_word_char);
    (alone(&text[..span.start]) && alone(&text[span.end..]))
        .then(|| text[span].chars().filter(|c| !is_hyphen(*c)).collect())
}

/// Whether `c` belongs to a script written without spaces between words (Chinese,
/// Japanese kana, Thai, Lao, Khmer, Myanmar), indexed as character pairs.
pub fn is_unspaced(c: char) -> bool {
    if c.is_ascii() {
        return false;
    }
    matches!(c,
        '\u{3040}'..='\u{30ff}'   // Hiragana, Katakana
        | '\u{31f0}'..='\u{31ff}' // Katakana extensions
        | '\u{3400}'..='\u{4dbf}' // CJK extension A
        | '\u{4e00}'..='\u{9fff}' // CJK unified ideographs
        | '\u{f900}'..='\u{faff}' // CJK compatibility ideographs
        | '\u{ff66}'..='\u{ff9f}' // half-width Katakana
        | '\u{20000}'..='\u{2fa1f}' // CJK extensions B and beyond
        | '\u{0e00}'..='\u{0e7f}' // Thai
        | '\u{0e80}'..='\u{0eff}' // Lao
        | '\u{1000}'..='\u{109f}' // Myanmar
        | '\u{1780}'..='\u{17ff}' // Khmer
    ) && !matches!(
        c,
        '\u{3000}'..='\u{303f}' | '\u{30fb}' | '\u{0e3f}' | '\u{0e4f}' | '\u{0e5a}' | '\u{0e5b}'
    )
}

/// Characters of words in scripts that use spaces: letters, digits and the combining
/// marks that belong to them (accents, Arabic vowel marks, Indic vowel signs).
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric()
        || is_unspaced(c)
        || matches!(c,
            '\u{0300}'..='\u{036f}'   // combining diacritics
            | '\u{0483}'..='\u{0489}' // Cyrillic marks
            | '\u{0591}'..='\u{05c7}' // Hebrew points
            | '\u{0610}'..='\u{061a}' | '\u{064b}'..='\u{065f}' | '\u{0670}' // Arabic marks
            | '\u{0900}'..='\u{0963}' | '\u{0966}'..='\u{0dff}' // Indic scripts but dandas
        )
}

/// What a [`NewsTokenizer`] makes of a hyphenated word (`e-mail`).
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub enum Hyphenated {
    /// Its parts (`e`, `mail`), like any words.
    #[default]
    Parts,
    /// The word written whole (`email`, spanning `e-mail`), then its parts.
    PartsAndWhole,
    /// The word written whole, and no other token of the text.
    WholeOnly,
}

/// Splits text into words and, in unspaced scripts, overlapping character pairs.
#[derive(Clone, Default)]
pub struct NewsTokenizer {
    token: Token,
    hyphenated: Hyphenated,
}

impl NewsTokenizer {
    /// A tokenizer that makes `hyphenated` of hyphenated words.
    pub fn new(hyphenated: Hyphenated) -> NewsTokenizer {
        NewsTokenizer {
            token: Token::default(),
            hyphenated,
        }
    }
}

/// The token stream of [`NewsTokenizer`].
pub struct NewsTokenStream<'a> {
    text: &'a str,
    /// Where scanning resumes.
    offset: usize,
    /// Within a run of unspaced characters: where the next pair starts, and where the
    /// run ends.
    run: Option<(usize, usize)>,
    mode: Hyphenated,
    /// The next hyphenated word to emit whole, unless the mode is `Parts`.
    hyphenated: Option<std::ops::Range<usize>>,
    /// Whether that word was emitted whole.
    emitted_whole: bool,
    token: &'a mut Token,
}

impl Tokenizer for NewsTokenizer {
    type TokenStream<'a> = NewsTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> NewsTokenStream<'a> {
        self.token.reset();
        NewsTokenStream {
            text,
            offset: 0,
            run: None,
            mode: self.hyphenated,
            hyphenated: match self.hyphenated {
                Hyphenated::Parts => None,
                _ => next_hyphenated(text, 0),
            },
            emitted_whole: false,
            token: &mut self.token,
        }
    }
}

impl NewsTokenStream<'_> {
    fn emit(&mut self, from: usize, to: usize) -> bool {
        self.token.offset_from = from;
        self.token.offset_to = to;
        self.token.text.push_str(&self.text[from..to]);
        true
    }

    /// Emits the hyphenated word at `span` whole.
    fn emit_whole(&mut self, span: std::ops::Range<usize>) -> bool {
        self.token.offset_from = span.start;
        self.token.offset_to = span.end;
        let word = &self.text[span];
        self.token
            .text
            .extend(word.chars().filter(|c| !is_hyphen(*c)));
        true
    }

    /// The hyphenated word starting at `start`, if it is yet to be emitted whole;
    /// the words passed before `start` are left behind.
    fn whole_at(&mut self, start: usize) -> Option<std::ops::Range<usize>> {
        while let Some(span) = self.hyphenated.clone() {
            if span.end > start {
                break;
            }
            self.hyphenated = next_hyphenated(self.text, span.end);
            self.emitted_whole = false;
        }
        let span = self.hyphenated.clone()?;
        (span.start == start && !self.emitted_whole).then(|| {
            self.emitted_whole = true;
            span
        })
    }

    /// The byte offset just after the character at `at`.
    fn after_char(&self, at: usize) -> usize {
        at + self.text[at..].chars().next().map_or(0, char::len_utf8)
    }

    /// The next pair of the current unspaced run, if any remains.
    fn next_pair(&mut self) -> bool {
        let Some((start, end)) = self.run else {
            return false;
        };
        let second = self.after_char(start);
        let pair_end = self.after_char(second);
        if second >= end || pair_end > end {
            self.run = None;
            return false;
        }
        self.run = (pair_end < end).then_some((second, end));
        self.emit(start, pair_end)
    }
}

impl TokenStream for NewsTokenStream<'_> {
    fn advance(&mut self) -> bool {
        self.token.text.clear();
        self.token.position = self.token.position.wrapping_add(1);
        if self.next_pair() {
            return true;
        }
        if self.mode == Hyphenated::WholeOnly {
            let Some(span) = self.hyphenated.take() else {
                return false;
            };
            self.hyphenated = next_hyphenated(self.text, span.end);
            return self.emit_whole(span);
        }
        let Some((start, first)) = word_start(self.text, self.offset) else {
            self.offset = self.text.len();
            return false;
        };
        let unspaced = is_unspaced(first);
        let end = word_end(self.text, start, unspaced);
        // A hyphenated word whole comes just before its first part, which the next
        // call emits from the same place.
        if let Some(span) = self.whole_at(start) {
            self.offset = start;
            return self.emit_whole(span);
        }
        self.offset = end;
        if !unspaced {
            // A possessive's `'s` belongs to its word: `Russia's` is `Russia`.
            self.offset += possessive_len(&self.text[end..]);
            return self.emit(start, end);
        }
        if self.after_char(start) == end {
            return self.emit(start, end);
        }
        self.run = Some((start, end));
        self.next_pair()
    }

    fn token(&self) -> &Token {
        self.token
    }

    fn token_mut(&mut self) -> &mut Token {
        self.token
    }
}

/// The first word character of `text` at or after `from`, and where it is. ASCII,
/// most of any text, is judged a byte at a time.
fn word_start(text: &str, from: usize) -> Option<(usize, char)> {
    let bytes = text.as_bytes();
    let mut at = from;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii() {
            if byte.is_ascii_alphanumeric() {
                return Some((at, char::from(byte)));
            }
            at += 1;
        } else {
            let c = text[at..].chars().next()?;
            if is_word_char(c) {
                return Some((at, c));
            }
            at += c.len_utf8();
        }
    }
    None
}

/// Where the word starting at `start` ends: at the first character that is no word
/// character, or that is of the other kind of script (`unspaced` or not).
fn word_end(text: &str, start: usize, unspaced: bool) -> usize {
    let bytes = text.as_bytes();
    let mut at = start;
    while let Some(&byte) = bytes.get(at) {
        if byte.is_ascii() {
            // No ASCII character belongs to an unspaced script.
            if unspaced || !byte.is_ascii_alphanumeric() {
                return at;
            }
            at += 1;
        } else {
            let Some(c) = text[at..].chars().next() else {
                return at;
            };
            if !is_word_char(c) || is_unspaced(c) != unspaced {
                return at;
            }
            at += c.len_utf8();
        }
    }
    at
}

/// The length of a possessive ending (`'s`, `’s`) at the start of `rest`, when no
/// word character follows it; else 0.
fn possessive_len(rest: &str) -> usize {
    let ending = ["'s", "'S", "\u{2019}s", "\u{2019}S"]
        .into_iter()
        .find(|e| rest.starts_with(e));
    match ending {
        Some(e) if !rest[e.len()..].chars().next().is_some_and(is_word_char) => e.len(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tokens(text: &str) -> Vec<(String, usize, usize)> {
        let mut analyzer = news_analyzer();
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), t.position, t.offset_from));
        }
        out
    }

    fn texts(text: &str) -> Vec<String> {
        tokens(text).into_iter().map(|t| t.0).collect()
    }

    #[test]
    fn english_words_are_stemmed_and_folded() {
        assert_eq!(
            texts("Droughts hit the Café's farmers!"),
            ["drought", "hit", "cafe", "farmer"]
        );
    }

    #[test]
    fn possessives_are_their_word() {
        assert_eq!(texts("Russia's"), texts("Russia"));
        assert_eq!(texts("Feisal\u{2019}s men"), ["feisal", "men"]);
        // Other apostrophes still split: `can't` is `can` and `t`, the same in text
        // and query, so the phrase matches.
        assert_eq!(texts("can't"), ["can", "t"]);
        assert_eq!(texts("bob's ann's"), ["bob", "ann"]);
        assert_eq!(texts("o'shea's"), ["o", "shea"]);
        assert_eq!(texts("'sdf"), ["sdf"]);
    }

    #[test]
    fn cyrillic_greek_and_arabic_words_use_their_stemmers() {
        assert_eq!(texts("Засуха и засухи"), ["засух", "и", "засух"]);
        // The Arabic stemmer drops the article, the Greek one the endings and accents.
        assert_eq!(texts("الجفاف"), texts("جفاف"));
        assert_eq!(texts("الجفاف"), ["جفاف"]);
        assert_eq!(texts("Ελλάδα"), texts("Ελλάδας"));
        assert_eq!(texts("Ελλάδα"), ["ελλαδ"]);
        assert_eq!(texts("Ciudad de México").len(), 3);
    }

    #[test]
    fn unspaced_scripts_become_overlapping_pairs() {
        let t = tokens("北京大学 发布");
        let pairs: Vec<&str> = t.iter().map(|t| t.0.as_str()).collect();
        assert_eq!(pairs, ["北京", "京大", "大学", "发布"]);
        let positions: Vec<usize> = t.iter().map(|t| t.1).collect();
        assert_eq!(positions, [0, 1, 2, 3]);
        assert_eq!(texts("東京タワー"), ["東京", "京タ", "タワ", "ワー"]);
        assert_eq!(texts("水"), ["水"]);
        assert_eq!(texts("ภาษาไทย"), ["ภา", "าษ", "ษา", "าไ", "ไท", "ทย"]);
        // Thai vowel and tone marks stay inside the run.
        assert_eq!(
            texts("รถล้อยาง"),
            ["รถ", "ถล", "ล\u{e49}", "\u{e49}อ", "อย", "ยา", "าง"]
        );
    }

    #[test]
    fn mixed_scripts_split_at_script_changes() {
        assert_eq!(
            texts("iPhone发布会2024年"),
            ["iphon", "发布", "布会", "2024", "年"]
        );
        assert!(texts("").is_empty());
        assert!(texts(" ,.!? ").is_empty());
    }

    fn analyzed(mut analyzer: TextAnalyzer, text: &str) -> Vec<(String, &str)> {
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            let t = stream.token();
            out.push((t.text.clone(), &text[t.offset_from..t.offset_to]));
        }
        out
    }

    #[test]
    fn hyphenated_words_are_also_indexed_whole() {
        let joined = |text| analyzed(joined_analyzer(), text);
        assert_eq!(
            joined("Send e-mails to the mother-in-law; a - b, x- y, -z, 東京-e-book 5-4"),
            [
                ("email".to_string(), "e-mails"),
                ("motherinlaw".to_string(), "mother-in-law"),
                ("ebook".to_string(), "e-book"),
                ("54".to_string(), "5-4"),
            ]
        );
        assert_eq!(
            joined("Co\u{2011}operation x--y Russia's-best"),
            [("cooper".to_string(), "Co\u{2011}operation")]
        );
        assert!(joined("no hyphens here").is_empty());
    }

    #[test]
    fn snippets_see_a_hyphenated_word_whole_before_its_parts() {
        let words = analyzed(
            snippet_analyzer(),
            "By e-mail, or a re-run of Russia's-best.",
        );
        let words: Vec<&str> = words.iter().map(|(_, at)| *at).collect();
        assert_eq!(
            words,
            [
                "By", "e-mail", "e", "mail", "or", "a", "re-run", "re", "run", "of", "Russia",
                "best"
            ]
        );
    }

    #[test]
    fn offsets_stay_on_character_boundaries() {
        let text = "Тест 東京 ok";
        for (_, _, from) in tokens(text) {
            assert!(text.is_char_boundary(from));
        }
    }
}

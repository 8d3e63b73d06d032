//! Which of the rules' word lists a line holds, found in one pass over the line.
//!
//! The rules ask of most lines whether they hold any word of a dozen lists; asked
//! list by list, that is a hundred substring searches per line. One Aho-Corasick
//! automaton over every list answers them all at once as a set of [`Marks`].

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};
use std::sync::LazyLock;

/// A set of word lists, as bits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks(u32);

impl Marks {
    /// Requests for money or membership ("support", "donat").
    pub const APPEAL: Marks = Marks(1);
    /// Wider appeal vocabulary, counted in the lines after an appeal opens.
    pub const APPEAL_BLOCK: Marks = Marks(1 << 1);
    /// Newsletter and e-mail sign-ups.
    pub const NEWSLETTER: Marks = Marks(1 << 2);
    /// Phrases only boilerplate uses ("support us", "ad-free").
    pub const STRONG: Marks = Marks(1 << 3);
    /// Nouns and verbs of calls to action ("donate", "membership").
    pub const ACTION: Marks = Marks(1 << 4);
    /// What separates interface words on one line (` · `, ` | `).
    pub const SEPARATOR: Marks = Marks(1 << 5);
    /// Phrases of research writing ("our findings", "this study").
    pub const RESEARCH: Marks = Marks(1 << 6);
    /// What every research phrase or abstract label holds (`:`, "we ", "study").
    pub const RESEARCH_HINT: Marks = Marks(1 << 7);
    /// Names of policies ("privacy policy", "terms of use").
    pub const POLICY: Marks = Marks(1 << 8);
    /// Agreeing to a policy ("agree", "by using").
    pub const AGREEMENT: Marks = Marks(1 << 9);
    /// Phrases of privacy notes that need nothing else ("unsubscribe").
    pub const PRIVACY_NOTE: Marks = Marks(1 << 10);
    /// "cookie".
    pub const COOKIE: Marks = Marks(1 << 11);
    /// "consent".
    pub const CONSENT: Marks = Marks(1 << 12);
    /// "preview", as newsletter sign-ups offer one.
    pub const PREVIEW: Marks = Marks(1 << 13);
    /// Copyright notes ("all rights reserved", `©`).
    pub const COPYRIGHT: Marks = Marks(1 << 14);
    /// Ways to reach a person ("reach him", "send tips").
    pub const REACHING: Marks = Marks(1 << 15);
    /// Whole words of reporting ("said", "she").
    pub const REPORTING: Marks = Marks(1 << 16);
    /// Whole words addressing the reader or speaking for the site ("you", "our").
    pub const ADDRESS: Marks = Marks(1 << 17);

    /// Whether any of `other`'s lists is in this set.
    pub fn has(self, other: Marks) -> bool {
        self.0 & other.0 != 0
    }

    /// The lists of both sets.
    pub const fn or(self, other: Marks) -> Marks {
        Marks(self.0 | other.0)
    }

    /// Whether every list of `other` is in this set.
    fn includes(self, other: Marks) -> bool {
        self.0 & other.0 == other.0
    }
}

/// A list of the rules: its words, its mark, and whether only whole words count.
pub struct List {
    words: &'static [&'static str],
    mark: Marks,
    whole_words: bool,
}

impl List {
    /// A list found anywhere in a line, inside words too ("donat" in "donation").
    pub const fn phrases(words: &'static [&'static str], mark: Marks) -> List {
        List {
            words,
            mark,
            whole_words: false,
        }
    }

    /// A list of whole words ("he" is not found in "the").
    pub const fn words(words: &'static [&'static str], mark: Marks) -> List {
        List {
            words,
            mark,
            whole_words: true,
        }
    }
}

/// The automaton over every list's words (ASCII case folded), and for each of its
/// patterns the marks it sets and whether it counts only as a whole word.
struct Scanner {
    automaton: AhoCorasick,
    patterns: Vec<(Marks, bool)>,
}

static SCANNER: LazyLock<Option<Scanner>> = LazyLock::new(|| {
    // One pattern per distinct word; a word of several lists sets all their marks.
    let mut words: Vec<(&str, Marks, bool)> = Vec::new();
    for list in super::lists::LISTS.iter().chain(super::credits::LISTS) {
        for word in list.words {
            match words
                .iter_mut()
                .find(|(w, _, whole)| w.eq_ignore_ascii_case(word) && *whole == list.whole_words)
            {
                Some((_, marks, _)) => *marks = marks.or(list.mark),
                None => words.push((word, list.mark, list.whole_words)),
            }
        }
    }
    let automaton = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(words.iter().map(|(w, _, _)| w))
        .ok()?;
    let patterns = words.iter().map(|(_, m, whole)| (*m, *whole)).collect();
    Some(Scanner {
        automaton,
        patterns,
    })
});

/// A character that continues a word, as the rules split words.
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '\'' || c == '\u{2019}' || c == '-'
}

/// The lists whose words `line` holds, ASCII case folded.
pub fn marks(line: &str) -> Marks {
    let Some(scanner) = SCANNER.as_ref() else {
        return Marks::default();
    };
    let mut marks = Marks::default();
    for found in scanner.automaton.find_overlapping_iter(line) {
        let (mark, whole_words) = scanner.patterns[found.pattern().as_usize()];
        if marks.includes(mark) {
            continue;
        }
        let whole = || {
            let before = line[..found.start()].chars().next_back();
            let after = line[found.end()..].chars().next();
            !before.is_some_and(is_word_char) && !after.is_some_and(is_word_char)
        };
        if !whole_words || whole() {
            marks = marks.or(mark);
        }
    }
    marks
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_list_in_one_pass() {
        let found = marks("Support our newsletter · She said © 2020");
        for mark in [
            Marks::APPEAL,
            Marks::NEWSLETTER,
            Marks::SEPARATOR,
            Marks::REPORTING,
            Marks::ADDRESS,
            Marks::COPYRIGHT,
        ] {
            assert!(found.has(mark), "{mark:?} in {found:?}");
        }
        assert!(!found.has(Marks::COOKIE));
    }

    #[test]
    fn whole_words_only_count_whole() {
        assert!(!marks("the theory of others").has(Marks::REPORTING));
        assert!(marks("He left.").has(Marks::REPORTING));
        assert!(!marks("he's gone").has(Marks::REPORTING));
        assert!(!marks("yours-truly").has(Marks::ADDRESS));
        assert!(marks("(you)").has(Marks::ADDRESS));
        assert_eq!(marks("ünsere"), Marks::default());
    }
}

//! What a person typed, read as a query: words, `"phrases"`, `-exclusions`, `OR`,
//! `field:words` and parentheses where they are well formed, and everything else as
//! the text it is. An apostrophe inside a word, a lone quote, a slash, `word:` where
//! `word` is no field, or an operator with nothing to join are searched as words,
//! and a note says so. Only what no person types is refused: a query longer than
//! [`MAX_CHARS`] or with parentheses nested deeper than [`MAX_DEPTH`], so that no
//! query can make the reader or the search work or recurse without bound.

use crate::schema::names;

/// The fields a query may name, as `field:word`.
pub const FIELDS: &[&str] = &[names::TITLE, names::BODY, names::PLACE, names::SOURCE];

/// How deeply parentheses may nest.
pub const MAX_DEPTH: usize = 16;

/// The most characters a query may have.
pub const MAX_CHARS: usize = 10_000;

/// Why a query cannot be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unreadable {
    /// It has this many characters, more than [`MAX_CHARS`].
    TooLong(usize),
    /// Its parentheses nest deeper than [`MAX_DEPTH`].
    TooDeep,
}

impl std::fmt::Display for Unreadable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Unreadable::TooLong(chars) => write!(
                f,
                "it is {chars} characters long, and a query may have {MAX_CHARS}"
            ),
            Unreadable::TooDeep => write!(f, "its parentheses nest deeper than {MAX_DEPTH} levels"),
        }
    }
}

/// How many parts a query may have; the rest is left out, with a note.
const MAX_PARTS: usize = 256;

/// A query as read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Query {
    /// The parts an article must (or must not) match, all of them.
    pub clauses: Vec<Clause>,
    /// What was read as text rather than as syntax, for people to see.
    pub notes: Vec<String>,
}

/// One part of a query and whether it excludes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clause {
    /// `-part` or `NOT part`: articles matching it are left out.
    pub exclude: bool,
    /// What is matched.
    pub part: Part,
}

/// What one part of a query matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Words (one typed word, which the analyzer may split) or a quoted phrase, in
    /// one field or (`None`) in the article's text.
    Text {
        /// The field named (`title:`), else the article's text.
        field: Option<&'static str>,
        /// The text as typed, without its quotes.
        text: String,
        /// Whether it was quoted.
        phrase: bool,
    },
    /// Any of the parts (`a OR b`).
    Any(Vec<Part>),
    /// All of the clauses (a parenthesised group).
    All(Vec<Clause>),
}

impl Query {
    /// The clauses that do not exclude.
    pub fn positive(&self) -> impl Iterator<Item = &Part> {
        self.clauses.iter().filter(|c| !c.exclude).map(|c| &c.part)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Word(String),
    /// `field:` followed by a word or a phrase.
    Field(&'static str, String, bool),
    Phrase(String),
    Open,
    Close,
    Or,
    And,
    Not,
    /// `-` or `+` right before a word, phrase or group.
    Minus,
    Plus,
}

/// Reads a query as typed.
pub fn read(text: &str) -> Result<Query, Unreadable> {
    let chars = text.chars().count();
    if chars > MAX_CHARS {
        return Err(Unreadable::TooLong(chars));
    }
    let mut notes = Vec::new();
    let tokens = tokens(text, &mut notes);
    let mut reader = Reader {
        tokens,
        at: 0,
        notes,
        parts: 0,
        too_deep: false,
    };
    let clauses = reader.sequence(0);
    if reader.too_deep {
        return Err(Unreadable::TooDeep);
    }
    let mut notes = reader.notes;
    notes.dedup();
    Ok(Query { clauses, notes })
}

/// Splits the text into words, phrases, fields and operators.
fn tokens(text: &str, notes: &mut Vec<String>) -> Vec<Token> {
    let mut tokens = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    let mut i = 0;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '"' | '\u{201c}' | '\u{201d}' => {
                let close = chars[i + 1..]
                    .iter()
                    .position(|(_, c)| matches!(c, '"' | '\u{201c}' | '\u{201d}'));
                match close {
                    Some(n) => {
                        let from = chars.get(i + 1).map_or(text.len(), |(a, _)| *a);
                        let to = chars[i + 1 + n].0;
                        tokens.push(Token::Phrase(text[from..to].to_string()));
                        i += n + 2;
                    }
                    None => {
                        notes.push("a quote without its closing quote was left out".into());
                        i += 1;
                    }
                }
                continue;
            }
            '(' => {
                tokens.push(Token::Open);
                i += 1;
                continue;
            }
            ')' => {
                tokens.push(Token::Close);
                i += 1;
                continue;
            }
            '-' | '+' if chars.get(i + 1).is_some_and(|(_, n)| !n.is_whitespace()) => {
                tokens.push(if c == '-' { Token::Minus } else { Token::Plus });
                i += 1;
                continue;
            }
            _ => {}
        }
        // A word: up to a space, a quote or a parenthesis.
        let end = chars[i..]
            .iter()
            .position(|(_, c)| {
                c.is_whitespace() || matches!(c, '"' | '(' | ')' | '\u{201c}' | '\u{201d}')
            })
            .map_or(chars.len(), |n| i + n);
        let to = chars.get(end).map_or(text.len(), |(a, _)| *a);
        let word = &text[at..to];
        i = end;
        match word {
            "OR" | "||" => tokens.push(Token::Or),
            "AND" | "&&" => tokens.push(Token::And),
            "NOT" => tokens.push(Token::Not),
            _ => {
                note_wildcard(word, notes);
                tokens.push(field_or_word(word, chars.get(i).map(|(_, c)| *c), notes));
            }
        }
    }
    tokens
}

/// Notes a `*` in a word (not `*` alone, which matches every article): it is no
/// wildcard, and words already match by their stem.
fn note_wildcard(word: &str, notes: &mut Vec<String>) {
    if word == "*" || !word.contains('*') {
        return;
    }
    let searched = word.split(':').next_back().unwrap_or(word).replace('*', "");
    if searched.chars().any(char::is_alphanumeric) {
        notes.push(format!(
            "`*` is not a wildcard: `{word}` was searched as the word `{searched}` (a word finds its other endings without it: `drought` finds `droughts`)"
        ));
    } else {
        notes.push("`*` is not a wildcard".to_string());
    }
}

/// `field:word` for a known field, else the word as typed (its colon is punctuation).
/// A known field followed by a quote takes the phrase that follows.
fn field_or_word(word: &str, next: Option<char>, notes: &mut Vec<String>) -> Token {
    let Some((name, rest)) = word.split_once(':') else {
        return Token::Word(word.to_string());
    };
    let lower = name.to_ascii_lowercase();
    match FIELDS.iter().find(|f| **f == lower) {
        Some(field) if !rest.is_empty() => Token::Field(field, rest.to_string(), false),
        Some(field) if next == Some('"') => Token::Field(field, String::new(), true),
        _ => {
            let looks_like_field = !name.is_empty()
                && name.chars().all(char::is_alphabetic)
                && !rest.starts_with("//");
            if looks_like_field {
                let known = FIELDS.join(", ");
                notes.push(format!(
                    "`{name}:` is not a field ({known}), so it was searched as a word"
                ));
            }
            Token::Word(word.to_string())
        }
    }
}

struct Reader {
    tokens: Vec<Token>,
    at: usize,
    notes: Vec<String>,
    parts: usize,
    /// Whether parentheses nest deeper than [`MAX_DEPTH`]; the reading then stops.
    too_deep: bool,
}

impl Reader {
    fn peek(&self) -> Option<&Token> {
        self.tokens.get(self.at)
    }

    fn next(&mut self) -> Option<Token> {
        let token = self.tokens.get(self.at).cloned();
        self.at += 1;
        token
    }

    /// Clauses up to the end, or (inside parentheses) up to the closing one.
    fn sequence(&mut self, depth: usize) -> Vec<Clause> {
        let mut clauses: Vec<Clause> = Vec::new();
        let mut join_next = false;
        while let Some(token) = self.peek().cloned() {
            match token {
                Token::Close if depth > 0 => {
                    self.at += 1;
                    break;
                }
                Token::Close => {
                    self.at += 1;
                    self.notes
                        .push("a closing parenthesis without its opening one was left out".into());
                }
                Token::Or => {
                    self.at += 1;
                    if clauses.last().is_some_and(|c| !c.exclude) {
                        join_next = true;
                    } else {
                        self.notes
                            .push("an OR with nothing before it was left out".into());
                    }
                }
                Token::And => {
                    self.at += 1;
                }
                _ => {
                    let Some(clause) = self.clause(depth) else {
                        continue;
                    };
                    self.parts += 1;
                    if self.parts > MAX_PARTS {
                        self.notes.push(format!(
                            "the query has more than {MAX_PARTS} parts; the rest was left out"
                        ));
                        self.at = self.tokens.len();
                        break;
                    }
                    let joined = join_next && !clause.exclude;
                    join_next = false;
                    match (joined, clauses.last_mut()) {
                        (true, Some(last)) => {
                            let previous = std::mem::replace(&mut last.part, Part::Any(Vec::new()));
                            let mut any = match previous {
                                Part::Any(parts) => parts,
                                other => vec![other],
                            };
                            any.push(clause.part);
                            last.part = Part::Any(any);
                        }
                        _ => clauses.push(clause),
                    }
                }
            }
        }
        if join_next {
            self.notes
                .push("an OR with nothing after it was left out".into());
        }
        clauses
    }

    fn note_dangling_exclusion(&mut self) {
        self.notes
            .push("a `-` or NOT with nothing after it was left out".into());
    }

    /// One clause: an optional `-`, `+` or `NOT`, then a word, phrase, field or group.
    fn clause(&mut self, depth: usize) -> Option<Clause> {
        let mut exclude = false;
        loop {
            match self.peek() {
                Some(Token::Minus | Token::Not) => {
                    exclude = true;
                    self.at += 1;
                }
                Some(Token::Plus) => self.at += 1,
                _ => break,
            }
        }
        let Some(token) = self.next() else {
            if exclude {
                self.note_dangling_exclusion();
            }
            return None;
        };
        let part = match token {
            Token::Word(text) => Part::Text {
                field: None,
                text,
                phrase: false,
            },
            Token::Phrase(text) => Part::Text {
                field: None,
                text,
                phrase: true,
            },
            Token::Field(field, text, false) => Part::Text {
                field: Some(field),
                text,
                phrase: false,
            },
            Token::Field(field, _, true) => match self.next() {
                Some(Token::Phrase(text)) => Part::Text {
                    field: Some(field),
                    text,
                    phrase: true,
                },
                _ => return None,
            },
            Token::Open if depth < MAX_DEPTH => {
                let inner = self.sequence(depth + 1);
                match inner.len() {
                    0 => return None,
                    1 if !inner[0].exclude => inner.into_iter().next()?.part,
                    _ => Part::All(inner),
                }
            }
            Token::Open => {
                self.too_deep = true;
                self.at = self.tokens.len();
                return None;
            }
            Token::Or | Token::And | Token::Close | Token::Not | Token::Minus | Token::Plus => {
                // An operator where a word should be: nothing to exclude or require.
                self.at -= 1;
                if exclude {
                    self.note_dangling_exclusion();
                }
                return None;
            }
        };
        Some(Clause { exclude, part })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A query that must be readable, read.
    fn read(text: &str) -> Query {
        super::read(text).unwrap()
    }

    fn word(text: &str) -> Part {
        Part::Text {
            field: None,
            text: text.into(),
            phrase: false,
        }
    }

    fn must(part: Part) -> Clause {
        Clause {
            exclude: false,
            part,
        }
    }

    #[test]
    fn well_formed_syntax_is_syntax() {
        let q = read(r#"drought -railway "Tengri Copper" title:water (flood OR storm)"#);
        assert_eq!(
            q.clauses,
            [
                must(word("drought")),
                Clause {
                    exclude: true,
                    part: word("railway")
                },
                must(Part::Text {
                    field: None,
                    text: "Tengri Copper".into(),
                    phrase: true
                }),
                must(Part::Text {
                    field: Some("title"),
                    text: "water".into(),
                    phrase: false
                }),
                must(Part::Any(vec![word("flood"), word("storm")])),
            ]
        );
        assert!(q.notes.is_empty(), "{:?}", q.notes);
        let q = read(r#"a OR b OR c NOT d title:"x y""#);
        assert_eq!(q.clauses.len(), 3);
        assert_eq!(
            q.clauses[0].part,
            Part::Any(vec![word("a"), word("b"), word("c")])
        );
        assert!(q.clauses[1].exclude);
        assert!(matches!(
            &q.clauses[2].part,
            Part::Text {
                field: Some("title"),
                phrase: true,
                ..
            }
        ));
    }

    #[test]
    fn what_is_not_syntax_is_text() {
        for typed in [
            "can't",
            "nam's",
            "Russia's",
            "/slip flow/",
            "nutrition: food",
            "flow -",
            "flow AND",
            "\"unclosed phrase",
            "(unbalanced",
            "unbalanced)",
            "OR",
            "a OR",
            "NOT",
            "-",
            "x:y",
            "http://example.com/a",
        ] {
            let q = read(typed);
            let words: Vec<&Part> = q.positive().collect();
            assert!(
                !words.is_empty()
                    || typed.trim_matches(['-', ' ']).is_empty()
                    || ["OR", "NOT"].contains(&typed),
                "{typed}: {q:?}"
            );
        }
        assert_eq!(read("can't").clauses, [must(word("can't"))]);
        assert_eq!(
            read("nutrition: food").clauses,
            [must(word("nutrition:")), must(word("food"))]
        );
        assert!(read("nutrition: food").notes[0].contains("not a field"));
        assert_eq!(
            read("\"unclosed phrase").clauses,
            [must(word("unclosed")), must(word("phrase"))]
        );
        assert_eq!(read("flow AND").clauses, [must(word("flow"))]);
        assert_eq!(read("flow NOT").clauses, [must(word("flow"))]);
        assert!(read("flow NOT").notes[0].contains("nothing after it"));
        assert_eq!(read("a OR").clauses, [must(word("a"))]);
    }

    #[test]
    fn nesting_and_length_are_bounded() {
        let nested = |depth: usize| format!("{}drought{}", "(".repeat(depth), ")".repeat(depth));
        assert_eq!(read(&nested(MAX_DEPTH)).clauses, [must(word("drought"))]);
        assert_eq!(
            super::read(&nested(MAX_DEPTH + 1)),
            Err(Unreadable::TooDeep)
        );
        assert_eq!(
            super::read(&nested(10_000)),
            Err(Unreadable::TooLong(20_007))
        );
        assert_eq!(super::read(&nested(4_000)), Err(Unreadable::TooDeep));
        let nots = "NOT ".repeat(2_000) + "x";
        assert_eq!(read(&nots).clauses.len(), 1);
        assert!(matches!(
            super::read(&"NOT ".repeat(20_000)),
            Err(Unreadable::TooLong(80_000))
        ));
        let many = "w ".repeat(2_000);
        assert_eq!(read(&many).clauses.len(), MAX_PARTS);
        assert!(super::read(&nested(MAX_DEPTH + 1))
            .unwrap_err()
            .to_string()
            .contains("nest deeper than 16"));
    }
}

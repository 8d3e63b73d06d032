//! Boilerplate rules: which lines of a scraped page belong to the site rather than the
//! story, judged from their shape and vocabulary, never from one site's exact sentences.
//!
//! A line is boilerplate when it speaks to the reader about the site (second person,
//! "us"/"our", an imperative, an exclamation) *and* uses the vocabulary of appeals,
//! newsletters, cookies and privacy notes; or when it is a bare interface word ("Share",
//! "Read more", "Monthly", "$10"). A sentence of reporting ("Farmers said they would
//! support the plan") has the vocabulary but not the address, and stays.

use super::credits::Credit;
use super::lists::{
    ABSTRACT_LABELS, IMPERATIVES, NAVIGATION, OTHER_STORIES, PAYMENT, RELATED_HEADERS, SEPARATORS,
};
use super::vocabulary::{self, Marks};

/// Why a line was dropped; the name is what `dateline clean` shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// A request for money or support addressed to the reader.
    Appeal,
    /// The donation appeal that runs from its opening line to the end of the page.
    AppealBlock,
    /// A newsletter or e-mail sign-up.
    Newsletter,
    /// A privacy-policy or terms note.
    Privacy,
    /// A cookie-consent note.
    Cookies,
    /// A bare interface word: "Share", "Read more", "Advertisement".
    Navigation,
    /// A payment button or amount: "Monthly", "PayPal", "$10".
    Payment,
    /// Headlines of other articles listed after "Related stories" or "Read more".
    RelatedLinks,
    /// The headline, which becomes the title.
    Title,
    /// The publication-date line, which becomes the date.
    DateLine,
    /// A line of punctuation only: `---`, `* * *`.
    Separator,
    /// A line that recurs across many articles of the source (see [`super::learned`]).
    Learned,
    /// A byline or a date stamp (see `super::credits`).
    Byline,
    /// A photo credit or a contributor line.
    Credit,
    /// How to reach the reporter or send a tip.
    Contact,
    /// A copyright note.
    Copyright,
}

impl Rule {
    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Rule::Appeal => "appeal",
            Rule::AppealBlock => "appeal block",
            Rule::Newsletter => "newsletter",
            Rule::Privacy => "privacy",
            Rule::Cookies => "cookies",
            Rule::Navigation => "navigation",
            Rule::Payment => "payment",
            Rule::RelatedLinks => "related links",
            Rule::Title => "title",
            Rule::DateLine => "date line",
            Rule::Separator => "separator",
            Rule::Learned => "learned",
            Rule::Byline => "byline",
            Rule::Credit => "credit",
            Rule::Contact => "contact",
            Rule::Copyright => "copyright",
        }
    }
}

/// Whether a short line that is not a sentence labels a list of other articles.
fn names_other_stories(norm: &str, line: &str) -> bool {
    norm.split(' ').count() <= 6
        && !line.trim_end().ends_with(['.', '!', '?', ','])
        && OTHER_STORIES.iter().any(|w| norm.contains(w))
}

/// Whether a line is research writing: a part of an abstract, or a sentence whose
/// "we" are its authors.
fn writes_research(line: &str, marks: Marks) -> bool {
    // Every phrase and label holds one of the hints; most lines hold none.
    if !marks.has(Marks::RESEARCH_HINT) {
        return false;
    }
    let labelled = line.split_once(':').is_some_and(|(label, _)| {
        let label = label
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .trim();
        ABSTRACT_LABELS
            .iter()
            .any(|known| known.eq_ignore_ascii_case(label))
    });
    labelled || marks.has(Marks::RESEARCH)
}

/// What one line says about the site, computed once per line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineFacts {
    /// The rule that drops this line on its own, if any.
    pub rule: Option<Rule>,
    /// The line uses the vocabulary of donation appeals (counts toward an appeal block).
    pub appealish: bool,
    /// The line can open an appeal block ("A Message from ...:", "Dear readers,").
    pub opens_appeal: bool,
    /// The line announces a list of other articles ("Related stories").
    pub opens_related: bool,
    /// A short line that is not a sentence (a link, a label): it neither makes nor
    /// breaks an appeal block.
    pub neutral: bool,
}

/// Lower-cases a line and trims the punctuation around it, for comparisons.
pub fn normalize(line: &str) -> String {
    folded(line).collect()
}

/// Whether `line` normalizes to `norm` (a [`normalize`]d line), without building it.
pub fn normalizes_to(line: &str, norm: &str) -> bool {
    folded(line).eq(norm.chars())
}

/// The characters of a normalized line: its words, lower-cased, one space apart,
/// without the punctuation around the line.
fn folded(line: &str) -> impl Iterator<Item = char> + '_ {
    line.trim_matches(|c: char| !c.is_alphanumeric() && c != '$' && c != '€' && c != '£')
        .split_whitespace()
        .enumerate()
        .flat_map(|(i, word)| (i > 0).then_some(' ').into_iter().chain(word.chars()))
        .flat_map(char::to_lowercase)
}

/// A currency amount alone on a line: `$5`, `€10`, `25 USD`, `£3 a month`.
fn is_amount(norm: &str) -> bool {
    let stripped = norm
        .trim_end_matches(" a month")
        .trim_end_matches(" per month")
        .trim_end_matches("/month");
    let stripped = stripped
        .trim_start_matches(['$', '€', '£'])
        .trim_end_matches(" usd")
        .trim_end_matches(" eur");
    stripped != norm
        && !stripped.is_empty()
        && stripped
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
}

/// The lists of which a longer line must hold a word to be boilerplate: story
/// lines, which hold none, are judged without further work.
const BOILERPLATE_MARKS: Marks = Marks::APPEAL
    .or(Marks::APPEAL_BLOCK)
    .or(Marks::NEWSLETTER)
    .or(Marks::STRONG)
    .or(Marks::ACTION)
    .or(Marks::SEPARATOR)
    .or(Marks::COOKIE)
    .or(Marks::CONSENT)
    .or(Marks::POLICY)
    .or(Marks::PRIVACY_NOTE);

/// Lines longer than this many words go through the vocabulary check first.
const SHORT_LINE_WORDS: usize = 6;

/// Whether a line begins like an appeal's opening line, ASCII case folded.
fn may_open_appeal(line: &str) -> bool {
    let head = line.trim_start_matches(|c: char| !c.is_alphanumeric());
    [
        "a message from",
        "a note from",
        "a word from",
        "dear ",
        "before you",
        "one more thing",
        "help ",
    ]
    .iter()
    .any(|prefix| {
        head.get(..prefix.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(prefix))
    })
}

/// Counts of one line's words, made in one pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Shape {
    /// Words between white space.
    spaced: usize,
    /// Words as the rules split them (see [`vocabulary::is_word_char`]).
    words: usize,
}

/// What an ASCII byte is to [`Shape::of`]: white space, a word's character or else.
const SPACE: u8 = 1;
const WORD: u8 = 2;
static ASCII_CLASS: [u8; 128] = {
    let mut class = [0u8; 128];
    let mut byte = 0;
    while byte < 128 {
        let b = byte as u8;
        class[byte] = if matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
            SPACE
        } else if b.is_ascii_alphanumeric() || b == b'\'' || b == b'-' {
            WORD
        } else {
            0
        };
        byte += 1;
    }
    class
};

impl Shape {
    fn of(line: &str) -> Shape {
        let mut shape = Shape::default();
        let (mut in_spaced, mut in_word) = (false, false);
        let mut at = 0;
        while let Some(&byte) = line.as_bytes().get(at) {
            let (space, word) = match ASCII_CLASS.get(usize::from(byte)) {
                Some(&class) => {
                    at += 1;
                    (class == SPACE, class == WORD)
                }
                None => {
                    let c = line[at..].chars().next().unwrap_or_default();
                    at += c.len_utf8();
                    (c.is_whitespace(), vocabulary::is_word_char(c))
                }
            };
            shape.spaced += usize::from(!space && !in_spaced);
            in_spaced = !space;
            shape.words += usize::from(word && !in_word);
            in_word = word;
        }
        shape
    }
}

/// The number of words between white space that [`normalize`] keeps of a line: from
/// the first to the last holding a letter, a digit or a currency sign.
fn normalized_words(line: &str) -> usize {
    let kept = |word: &str| {
        word.chars()
            .any(|c| c.is_alphanumeric() || matches!(c, '$' | '€' | '£'))
    };
    let mut span: Option<(usize, usize)> = None;
    for (i, word) in line.split_whitespace().enumerate() {
        if kept(word) {
            span = Some((span.map_or(i, |(first, _)| first), i));
        }
    }
    span.map_or(0, |(first, last)| last - first + 1)
}

/// Lines of more words than this are never compared whole: no interface word, list
/// header or appeal opening is so long (gallery counters aside).
const WHOLE_LINE_WORDS: usize = 10;

/// Judges one trimmed, non-blank line.
pub fn classify(line: &str) -> LineFacts {
    let marks = vocabulary::marks(line);
    let shape = Shape::of(line);
    if let Some(credit) = super::credits::credit(line, marks, shape.spaced) {
        let rule = match credit {
            Credit::Stamp => Rule::Byline,
            Credit::Attribution => Rule::Credit,
            Credit::Contact => Rule::Contact,
            Credit::Copyright => Rule::Copyright,
        };
        return LineFacts {
            rule: Some(rule),
            neutral: true,
            ..LineFacts::default()
        };
    }
    let sentence = line
        .trim_end()
        .ends_with(['.', '!', '?', '"', '\u{201d}', ')']);
    let neutral = shape.words <= 8 && !sentence;
    if shape.words > SHORT_LINE_WORDS && !marks.has(BOILERPLATE_MARKS) && !may_open_appeal(line) {
        return LineFacts {
            neutral,
            ..LineFacts::default()
        };
    }
    let normalized = normalized_words(line);
    let norm = if normalized <= WHOLE_LINE_WORDS
        || may_count(line.trim_start_matches(|c: char| !c.is_alphanumeric()))
    {
        normalize(line)
    } else {
        String::new()
    };
    let opens_related =
        RELATED_HEADERS.contains(&norm.as_str()) || names_other_stories(&norm, line);
    // Reporting ("..., police said.") and research writing neither open an appeal nor
    // count toward one.
    let reports = || marks.has(Marks::REPORTING) || writes_research(line, marks);
    let appeal_vocabulary =
        marks.has(Marks::APPEAL.or(Marks::APPEAL_BLOCK)) || PAYMENT.contains(&norm.as_str());
    let opens_appeal = opens_appeal_block(&norm, line, marks);
    let (appealish, opens_appeal) = if (appeal_vocabulary || opens_appeal) && reports() {
        (false, false)
    } else {
        (appeal_vocabulary, opens_appeal)
    };
    let rule = if normalized == 0 {
        Some(Rule::Separator)
    } else {
        line_rule(line, &norm, shape.words, marks)
    };
    LineFacts {
        rule,
        appealish: appealish || opens_appeal || rule.is_some(),
        opens_appeal,
        opens_related,
        neutral,
    }
}

/// The rule of a line with words; `norm` is empty for a line of more than
/// [`WHOLE_LINE_WORDS`] words.
fn line_rule(line: &str, norm: &str, word_count: usize, marks: Marks) -> Option<Rule> {
    if let Some(rule) = interface_rule(norm) {
        return Some(rule);
    }
    let separator = marks
        .has(Marks::SEPARATOR)
        .then(|| SEPARATORS.iter().find(|sep| line.contains(**sep)))
        .flatten();
    if let Some(separator) = separator {
        let rules: Option<Vec<Rule>> = line
            .split(separator)
            .map(|part| interface_rule(&normalize(part)))
            .collect();
        if let Some(rules) = rules {
            let all_navigation = rules.iter().all(|r| *r == Rule::Navigation);
            return Some(if all_navigation {
                Rule::Navigation
            } else {
                Rule::Payment
            });
        }
    }
    if word_count > 60 || marks.has(Marks::REPORTING) {
        return None;
    }
    // Research writing uses "we" and "our" for its authors: never the site's.
    addressed_rule(line, word_count, marks).filter(|_| !writes_research(line, marks))
}

/// The rules for lines that address the reader: cookies, privacy, newsletters and
/// appeals.
fn addressed_rule(line: &str, word_count: usize, marks: Marks) -> Option<Rule> {
    let trimmed = line.trim_end();
    let exclaims = trimmed.ends_with('!');
    let asks = trimmed.ends_with('?') && word_count <= 8;
    let addressed = marks.has(Marks::ADDRESS);
    let strong = marks.has(Marks::STRONG);
    let first_word = line
        .split(|c| !vocabulary::is_word_char(c))
        .find(|w| !w.is_empty());
    let imperative = first_word
        .is_some_and(|first| IMPERATIVES.iter().any(|w| w.eq_ignore_ascii_case(first)))
        && (word_count <= 4 || exclaims || addressed || strong || marks.has(Marks::ACTION));
    let speaks_to_reader = addressed || exclaims || asks || imperative;

    if marks.has(Marks::COOKIE) && (speaks_to_reader || marks.has(Marks::CONSENT)) {
        return Some(Rule::Cookies);
    }
    if marks.has(Marks::POLICY) && (speaks_to_reader || marks.has(Marks::AGREEMENT))
        || marks.has(Marks::PRIVACY_NOTE)
    {
        return Some(Rule::Privacy);
    }
    if marks.has(Marks::NEWSLETTER) && (speaks_to_reader || marks.has(Marks::PREVIEW)) {
        return Some(Rule::Newsletter);
    }
    if marks.has(Marks::APPEAL) && (speaks_to_reader || strong && word_count <= 12) {
        return Some(Rule::Appeal);
    }
    None
}

/// The rule for a bare interface word or amount, compared as a whole normalised line.
fn interface_rule(norm: &str) -> Option<Rule> {
    if NAVIGATION.contains(&norm) || is_counter(norm) {
        Some(Rule::Navigation)
    } else if PAYMENT.contains(&norm) || is_amount(norm) {
        Some(Rule::Payment)
    } else {
        None
    }
}

/// Whether a line starts like a gallery's counter, which may run long.
fn may_count(line: &str) -> bool {
    ["image ", "photo ", "slide ", "picture ", "foto ", "imagen "]
        .iter()
        .any(|label| {
            line.get(..label.len())
                .is_some_and(|h| h.eq_ignore_ascii_case(label))
        })
}

/// A gallery's counters: `image 1 of 5`, `photo 2 of 12 image 3 of 12`.
fn is_counter(norm: &str) -> bool {
    if !may_count(norm) {
        return false;
    }
    let words: Vec<&str> = norm.split(' ').collect();
    !words.is_empty()
        && words.len().is_multiple_of(4)
        && words.chunks(4).all(|w| {
            matches!(
                w[0],
                "image" | "photo" | "slide" | "picture" | "foto" | "imagen"
            ) && w[1].bytes().all(|b| b.is_ascii_digit())
                && matches!(w[2], "of" | "de" | "di" | "von" | "sur")
                && w[3].bytes().all(|b| b.is_ascii_digit())
        })
}

/// Lines that open a donation appeal: "A Message from The Herald:", "Dear readers,",
/// "Before you go", "Help keep the Gazette free".
fn opens_appeal_block(norm: &str, line: &str, marks: Marks) -> bool {
    let short = norm.split(' ').count() <= 10;
    short
        && (norm.starts_with("a message from")
            || norm.starts_with("a note from")
            || norm.starts_with("a word from")
            || norm.starts_with("dear reader")
            || norm.starts_with("dear friend")
            || norm.starts_with("dear subscriber")
            || norm.starts_with("dear supporter")
            || norm.starts_with("before you go")
            || norm.starts_with("before you leave")
            || norm.starts_with("one more thing")
            || (norm.starts_with("help keep") || norm.starts_with("help us"))
            || line.trim_end().ends_with(':')
                && marks.has(Marks::APPEAL)
                && norm.contains("support"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_has_the_shape_its_characters_give() {
        let lines = [
            "Share · Tweet",
            "  — $5 a month —  ",
            "Ünïcode\u{a0}words, don’t  split-here £3",
            "(ΑΘΗΝΑ) Δευτέρα, 5 Μαΐου",
            "...",
            "",
        ];
        for line in lines {
            let kept = |c: char| c.is_alphanumeric() || matches!(c, '$' | '€' | '£');
            let spaced: Vec<&str> = line.split_whitespace().collect();
            let first = spaced.iter().position(|w| w.chars().any(kept));
            let last = spaced.iter().rposition(|w| w.chars().any(kept));
            let normalized = first.zip(last).map_or(0, |(first, last)| last - first + 1);
            let words = line
                .split(|c| !vocabulary::is_word_char(c))
                .filter(|w| !w.is_empty())
                .count();
            assert_eq!(
                Shape::of(line),
                Shape {
                    spaced: spaced.len(),
                    words,
                },
                "{line:?}"
            );
            assert_eq!(normalized_words(line), normalized, "{line:?}");
        }
    }

    fn rule(line: &str) -> Option<&'static str> {
        classify(line).rule.map(Rule::name)
    }

    #[test]
    fn drops_site_lines_of_many_sites() {
        let cases = [
            ("Support The Steppe Herald!", "appeal"),
            ("Enjoying ad-free content?", "appeal"),
            ("Support us", "appeal"),
            ("Donate to River Post", "appeal"),
            ("River Post is reader-funded. Become a member today.", "appeal"),
            ("Independent journalism costs money, and your contribution keeps our reporters in the field.", "appeal"),
            ("Sign up for our free weekly newsletter", "newsletter"),
            ("Our weekly newsletter contains a handpicked selection of stories. Preview", "newsletter"),
            ("Subscribe to the Harbor Gazette morning briefing", "newsletter"),
            ("Join 40,000 readers who get our newsletter every Friday.", "newsletter"),
            ("Enter your email", "newsletter"),
            ("Subscribers agree to the Privacy Policy", "privacy"),
            ("We respect your privacy. Unsubscribe at any time.", "privacy"),
            ("Cookies help us deliver our services. By using our site you agree to our use of cookies.", "cookies"),
            ("Read more", "navigation"),
            ("Share on Facebook", "navigation"),
            ("ADVERTISEMENT", "navigation"),
            ("Monthly", "payment"),
            ("PayPal", "payment"),
            ("$10", "payment"),
            ("Not ready to support today?", "payment"),
            ("Share · Share on Facebook · Tweet", "navigation"),
            ("Give once · Give monthly · $5 · $10 · Other amount", "payment"),
            ("* * *", "separator"),
            ("---", "separator"),
            ("Remind me later.", "payment"),
            ("This slideshow requires JavaScript.", "navigation"),
            ("Image 1 of 5", "navigation"),
            ("Photo 2 of 12", "navigation"),
        ];
        for (line, expected) in cases {
            assert_eq!(rule(line), Some(expected), "{line}");
        }
    }

    #[test]
    fn keeps_reporting_that_uses_the_same_words() {
        for line in [
            "Farmers said they would support the plan if water quotas were raised.",
            "The ministry's newsletter announced the new irrigation schedule on Monday.",
            "Residents were asked to donate blood at the district hospital.",
            "\u{201c}We need your support,\u{201d} Sadykova told reporters in Almaty.",
            "Support grows for Steppe Railway",
            "Minister pledges support for drought-hit farmers",
            "Union members voted to continue the strike for a second week.",
            "The company changed its privacy policy after the leak, regulators said.",
            "Subscribers to the regional water board bulletin number in the thousands.",
            "Share prices of Tengri Copper fell sharply.",
            "In her last column for the ministry's newsletter, she wrote that we must save water.",
            "Read more about the dam · officials said it would open in May",
        ] {
            assert_eq!(rule(line), None, "{line}");
        }
    }

    #[test]
    fn appeal_openers_and_related_lists() {
        assert!(classify("A Message from The Steppe Herald:").opens_appeal);
        assert!(classify("Dear readers,").opens_appeal);
        assert!(classify("Before you go...").opens_appeal);
        assert!(!classify("Dear Minister Sadykova was not available for comment.").opens_appeal);
        assert!(classify("Related stories").opens_related);
        assert!(classify("More Great WIRED Stories").opens_related);
        assert!(classify("DON'T MISS").opens_related);
        assert!(!classify("Stories of survival were told, and retold.").opens_related);
        assert!(classify("Your contribution keeps us independent.").appealish);
    }

    #[test]
    fn reporting_and_research_never_read_as_appeals() {
        let before = classify("Before you go out, check the river levels, police said.");
        assert!(!before.opens_appeal && !before.appealish && before.rule.is_none());
        assert!(classify("Before you go, please consider supporting us.").opens_appeal);

        let abstract_line = "Conclusions: These findings made important contributions to our \
            knowledge of how microbes help grasses survive, and we urge further trials.";
        assert_eq!(classify(abstract_line).rule, None);
        assert!(!classify(abstract_line).appealish);
        let authors = "We sampled 120 plots and our results support the wider use of cover crops.";
        assert_eq!(classify(authors).rule, None);
        // The same vocabulary addressed to the reader is still an appeal.
        assert_eq!(
            classify("Your contribution supports our independent journalism.").rule,
            Some(Rule::Appeal)
        );
        assert_eq!(
            classify("Support our reporting: become a member today.").rule,
            Some(Rule::Appeal)
        );
    }
}

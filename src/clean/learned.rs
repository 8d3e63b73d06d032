//! Boilerplate learned from the corpus: a line that recurs verbatim (after folding
//! case and whitespace) in many articles of one site is the site's, not a story's
//! ("X is an independent outlet registered in ...", a sign-off, a radio plug), and is
//! dropped from every article of that site.
//!
//! A line counts once per story. It is learned when it stands in at least
//! [`MIN_ARTICLES`] articles of its site and in at least √n of the site's n articles:
//! all 3 of 3, 4 of 12, 10 of 100, 100 of 10,000. Copies of one story (re-crawls, a
//! page saved twice, a wire story with a sentence added) count once, so their lines
//! are never taken for the site's. Lines of articles without a site are never learned,
//! an article's own stated title is never dropped, and learning never empties an
//! article.

use crate::article::Article;
use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed, Xxh3};

/// The fewest articles a line must stand in to be learned.
pub const MIN_ARTICLES: u32 = 3;

/// The share of two articles' text (by line length) they must share to be copies of
/// one story.
const COPY_SIMILARITY: f64 = 0.7;

/// Bits of a line key that hold the line's length (in units of [`LENGTH_UNIT`] bytes).
const LENGTH_BITS: u32 = 12;
const LENGTH_UNIT: usize = 8;

/// How many articles of a site of `articles` a line must stand in to be learned.
pub fn threshold(articles: u32) -> u32 {
    MIN_ARTICLES.max((articles as f64).sqrt().ceil() as u32)
}

/// The key under which a site's lines are counted (from its
/// [`crate::Article::site`]), or `None` without a site.
pub fn site_hash(site: Option<&str>) -> Option<u64> {
    let site = site?.trim();
    (!site.is_empty()).then(|| xxh3_64(site.to_lowercase().as_bytes()).max(1))
}

/// The key of one line: its text with case and whitespace folded, hashed, with the
/// folded length in the top bits (so that copies can be weighed by how much text they
/// share without keeping the text).
pub fn line_key(line: &str) -> u64 {
    thread_local! {
        static FOLDED: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    FOLDED.with(|folded| {
        let mut folded = folded.borrow_mut();
        fold(line, &mut folded);
        let length = (folded.len() / LENGTH_UNIT).min((1 << LENGTH_BITS) - 1) as u64;
        let hash = xxh3_64(&folded) >> LENGTH_BITS;
        (length << (64 - LENGTH_BITS)) | hash
    })
}

/// Writes `line` into `folded` lower-cased character by character, its words
/// separated by one space. ASCII is folded a byte at a time.
fn fold(line: &str, folded: &mut Vec<u8>) {
    folded.clear();
    // Most lines are ASCII words one space apart: lower-cased whole. (Three passes
    // the compiler vectorizes cost fewer instructions than one that stops early.)
    let bytes = line.as_bytes();
    let plain = line.is_ascii()
        && bytes.first() != Some(&b' ')
        && bytes.last() != Some(&b' ')
        && !bytes.iter().any(|b| (b'\t'..=b'\r').contains(b))
        && !line.contains("  ");
    if plain {
        folded.extend_from_slice(bytes);
        folded.make_ascii_lowercase();
        return;
    }
    let mut space = false;
    let mut at = 0;
    let mut buffer = [0u8; 4];
    while let Some(&byte) = line.as_bytes().get(at) {
        let c = if byte.is_ascii() {
            at += 1;
            // The ASCII characters `char::is_whitespace` takes.
            if matches!(byte, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r') {
                space = !folded.is_empty();
                continue;
            }
            None
        } else {
            let c = line[at..].chars().next().unwrap_or_default();
            at += c.len_utf8();
            if c.is_whitespace() {
                space = !folded.is_empty();
                continue;
            }
            Some(c)
        };
        if space {
            folded.push(b' ');
            space = false;
        }
        match c {
            None => folded.push(byte.to_ascii_lowercase()),
            Some(c) => {
                for lower in c.to_lowercase() {
                    folded.extend_from_slice(lower.encode_utf8(&mut buffer).as_bytes());
                }
            }
        }
    }
}

/// How much text a line key stands for (its length bucket, at least 1).
fn weight(key: u64) -> u64 {
    (key >> (64 - LENGTH_BITS)) + 1
}

/// The key of a line within one site.
fn site_line(site: u64, key: u64) -> u64 {
    xxh3_64_with_seed(&key.to_le_bytes(), site)
}

/// The keys of an article's lines, sorted and without repeats: its body's, and its
/// headline's when the cleaner took it from the text (`title_from_text`), since a
/// line that would be the headline of many articles of a site is the site's. A
/// stated title is not counted.
pub fn line_keys(article: &Article, title_from_text: bool) -> Vec<u64> {
    // The headline repeated in the body is the headline, as the cleaner reads it.
    let headline = super::rules::normalize(&article.title);
    let title = title_from_text.then_some(article.title.as_str());
    let mut keys: Vec<u64> = article
        .body
        .lines()
        .filter(|line| !line.trim().is_empty() && !super::rules::normalizes_to(line, &headline))
        .chain(title)
        .map(line_key)
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Whether the `articles` holding a line are at least `needed` different stories:
/// each is compared with one article of every story found so far (their keys read
/// by `keys_of`), and the count stops once it is reached.
pub(super) fn stands_in_stories(
    articles: &[u32],
    needed: usize,
    mut keys_of: impl FnMut(u32) -> std::io::Result<Vec<u64>>,
) -> std::io::Result<bool> {
    let mut stories: Vec<Vec<u64>> = Vec::with_capacity(needed);
    for &article in articles {
        let keys = keys_of(article)?;
        if !stories.iter().any(|story| are_copies(story, &keys)) {
            stories.push(keys);
            if stories.len() >= needed {
                return Ok(true);
            }
        }
    }
    Ok(false)
}

/// Whether two articles' sorted keys share at least [`COPY_SIMILARITY`] of their
/// text, weighing each line by its length.
fn are_copies(a: &[u64], b: &[u64]) -> bool {
    let (mut i, mut j) = (0, 0);
    let (mut shared, mut all) = (0u64, 0u64);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Equal => {
                shared += weight(a[i]);
                all += weight(a[i]);
                i += 1;
                j += 1;
            }
            std::cmp::Ordering::Less => {
                all += weight(a[i]);
                i += 1;
            }
            std::cmp::Ordering::Greater => {
                all += weight(b[j]);
                j += 1;
            }
        }
    }
    all += a[i..]
        .iter()
        .chain(&b[j..])
        .map(|&k| weight(k))
        .sum::<u64>();
    all > 0 && shared as f64 >= COPY_SIMILARITY * all as f64
}

/// The learned lines of a corpus, with the number of articles each stands in.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Learned {
    lines: FxHashMap<u64, u32>,
}

impl Learned {
    /// How many lines are learned.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no line is learned.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }

    /// Learns the line `key` of `site`, which stands in `count` articles.
    pub(super) fn insert(&mut self, site: u64, key: u64, count: u32) {
        self.lines.insert(site_line(site, key), count);
    }

    /// How many articles of `site` hold the line of `key`, if it is learned.
    #[cfg(test)]
    pub(super) fn count_key(&self, site: u64, key: u64) -> Option<u32> {
        self.lines.get(&site_line(site, key)).copied()
    }

    /// A digest of which of an article's line `keys` are learned for its `site`: when
    /// it changes, the article must be cleaned again. Zero when none are.
    pub fn digest(&self, site: u64, keys: &[u64]) -> u64 {
        let mut hasher = Xxh3::new();
        let mut any = false;
        for key in keys
            .iter()
            .filter(|&&k| self.lines.contains_key(&site_line(site, k)))
        {
            hasher.update(&key.to_le_bytes());
            any = true;
        }
        if any {
            hasher.digest().max(1)
        } else {
            0
        }
    }

    /// How many articles of `site` hold `line`, if it is learned.
    pub fn count(&self, site: u64, line: &str) -> Option<u32> {
        self.lines.get(&site_line(site, line_key(line))).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, body: &str) -> Article {
        Article {
            source: Some("Courier".into()),
            path: title.into(),
            ..Article::story(title, title, body)
        }
    }

    /// Counts articles as a run does, in a temporary folder.
    struct Counting {
        _dir: tempfile::TempDir,
        counts: super::super::line_counts::LineCounts,
        order: u64,
    }

    impl Counting {
        fn new() -> Counting {
            let dir = tempfile::tempdir().unwrap();
            let counts = super::super::line_counts::LineCounts::new(dir.path(), 1 << 20).unwrap();
            Counting {
                _dir: dir,
                counts,
                order: 0,
            }
        }

        fn add(&mut self, site: u64, keys: Vec<u64>) {
            self.counts.add(Some(site), self.order, &keys).unwrap();
            self.order += 1;
        }

        fn learned(mut self) -> Learned {
            self.counts.learned().unwrap()
        }
    }

    #[test]
    fn thresholds_grow_slower_than_the_source() {
        assert_eq!(threshold(1), 3);
        assert_eq!(threshold(6), 3);
        assert_eq!(threshold(12), 4);
        assert_eq!(threshold(100), 10);
        assert_eq!(threshold(10_000), 100);
    }

    #[test]
    fn lines_in_enough_articles_of_a_source_are_learned_and_dropped() {
        let source = site_hash(Some("Courier")).unwrap();
        let other = site_hash(Some("Herald")).unwrap();
        let tagline = "The Courier is an independent outlet registered in Ghent.";
        let bodies = [
            format!("Story one opens.\n\n{tagline}\n\nStory one closes."),
            format!("Story two.\n\n{}", tagline.to_uppercase()),
            format!("Story three.\n{tagline}"),
            "Story four, with a quote that repeats.\n\nA quote that repeats twice.".to_string(),
            "Story five.\n\nA quote that repeats twice.".to_string(),
        ];
        let mut counts = Counting::new();
        let articles: Vec<Article> = bodies.iter().map(|b| article("T", b)).collect();
        for a in &articles {
            counts.add(source, line_keys(a, false));
        }
        // The same line in another source's articles does not count for this one.
        counts.add(other, line_keys(&article("T", tagline), false));
        let learned = counts.learned();
        assert_eq!(learned.len(), 1);

        let is_learned = |line: &str| learned.count(source, line);
        let cleaned = crate::clean::clean_with_learned(&bodies[0], Some("T"), &is_learned);
        assert_eq!(cleaned.body, "Story one opens.\n\nStory one closes.");
        assert_eq!(cleaned.dropped[0].rule, super::super::Rule::Learned);
        assert_eq!(cleaned.dropped[0].count, Some(3));
        assert_eq!(learned.count(other, tagline), None);

        assert_ne!(learned.digest(source, &line_keys(&articles[0], false)), 0);
        assert_eq!(learned.digest(source, &line_keys(&articles[3], false)), 0);
    }

    #[test]
    fn a_title_is_never_dropped() {
        let source = site_hash(Some("Courier")).unwrap();
        let mut counts = Counting::new();
        let line = "Weekly market prices";
        for story in ["Rice rose.", "Wheat fell.", "Corn held.", "Oats rose."] {
            let body = format!("{line}\n\n{story}");
            counts.add(source, line_keys(&article("Other", &body), false));
        }
        let learned = counts.learned();
        assert_eq!(learned.count(source, line), Some(4));
        let is_learned = |l: &str| learned.count(source, l);
        let page = format!("{line}\n\nPrices rose.");
        let cleaned = crate::clean::clean_with_learned(&page, Some(line), &is_learned);
        assert_eq!(cleaned.dropped[0].rule, super::super::Rule::Title);
        assert_eq!(cleaned.body, "Prices rose.");
        assert_eq!(site_hash(Some("  ")), None);
    }

    #[test]
    fn copies_of_one_story_count_once() {
        let source = site_hash(Some("wire.example")).unwrap();
        let story = "Miners trapped underground at the Karaganda pit were reached by rescuers late on Sunday.";
        let more =
            "All forty men were brought to the surface in the early hours, the ministry said.";
        let tagline = "Wire stories are shared with member papers.";
        let mut counts = Counting::new();
        // Three saves of one story, one with a sentence added, and two other stories.
        for extra in ["", "", "A doctor examined each of them at the pithead."] {
            let body = format!("{story}\n\n{more}\n\n{extra}\n\n{tagline}");
            counts.add(source, line_keys(&article("T", &body), false));
        }
        for other in [
            "Grain prices rose for a third week.",
            "The port reopened after the storm.",
        ] {
            let body = format!("{other}\n\n{tagline}");
            counts.add(source, line_keys(&article("T", &body), false));
        }
        let learned = counts.learned();
        assert_eq!(learned.count(source, story), None);
        assert_eq!(learned.count(source, more), None);
        assert_eq!(learned.count(source, tagline), Some(5));
    }

    #[test]
    fn a_line_taken_for_every_headline_is_learned() {
        let source = site_hash(Some("herald.example")).unwrap();
        let banner = "Enjoying the Herald without ads?";
        let mut counts = Counting::new();
        for story in ["Flood", "Fire", "Storm"] {
            let a = article(
                banner,
                &format!("{story} hits the town.\n\nMore on the {story}."),
            );
            counts.add(source, line_keys(&a, true));
        }
        let learned = counts.learned();
        assert_eq!(learned.count(source, banner), Some(3));

        let page =
            format!("{banner}\n\nFlood hits the town\n\nWater rose overnight in the valley.");
        let is_learned = |l: &str| learned.count(source, l);
        let cleaned = crate::clean::clean_with_learned(&page, None, &is_learned);
        assert_eq!(cleaned.title.as_deref(), Some("Flood hits the town"));
        assert_eq!(cleaned.body, "Water rose overnight in the valley.");
    }

    #[test]
    fn learning_never_empties_an_article() {
        let source = site_hash(Some("wire.example")).unwrap();
        let mut counts = Counting::new();
        for _ in 0..3 {
            let a = article("T", "Site line one.\n\nSite line two.");
            counts.add(source, line_keys(&a, false));
        }
        // Identical bodies are copies, never learned; with distinct stories beside
        // them the two lines are.
        assert!(counts.learned().is_empty());
        let mut counts = Counting::new();
        for story in ["A story.", "Another story.", "A third story."] {
            let a = article("T", &format!("{story}\n\nSite line one.\n\nSite line two."));
            counts.add(source, line_keys(&a, false));
        }
        let learned = counts.learned();
        assert_eq!(learned.len(), 2);
        let is_learned = |l: &str| learned.count(source, l);
        let cleaned = crate::clean::clean_with_learned(
            "Site line one.\n\nSite line two.",
            Some("T"),
            &is_learned,
        );
        assert_eq!(cleaned.body, "Site line one.\n\nSite line two.");
    }

    #[test]
    fn lines_fold_their_case_and_white_space() {
        let folded = |line: &str| {
            let mut out = Vec::new();
            fold(line, &mut out);
            String::from_utf8(out).unwrap()
        };
        assert_eq!(folded("  Two\u{b}WORDS\t\r\n"), "two words");
        assert_eq!(
            folded(" Ünïcode\u{3000}Straße  İ "),
            "ünïcode straße i\u{307}"
        );
        assert_eq!(folded(""), "");
        // The same as folding every character, words joined by one space.
        for line in [
            "Mixed ASCII and ÜNÏCODE \u{a0}words\u{2003}",
            " ΑΘΗΝΑ,  Δευτέρα ",
            "a\u{85}b",
            "Plain ASCII, One Space Apart.",
            "Plain  ASCII\twith\rother\u{c}spaces ",
        ] {
            let by_chars: Vec<String> = line
                .split_whitespace()
                .map(|word| word.chars().flat_map(char::to_lowercase).collect())
                .collect();
            assert_eq!(folded(line), by_chars.join(" "), "{line:?}");
        }
    }

    #[test]
    fn line_keys_carry_the_line_length() {
        assert_eq!(line_key("A  Line"), line_key("a line"));
        assert!(weight(line_key(&"word ".repeat(40))) > weight(line_key("word")));
        assert_eq!(weight(line_key(&"x".repeat(1 << 20))), 1 << LENGTH_BITS);
    }
}

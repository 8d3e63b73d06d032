//! Boilerplate learned from the corpus: a line that recurs verbatim (after folding
//! case and whitespace) in many articles of one source is the site's, not a story's
//! ("X is an independent outlet registered in ...", a sign-off, a radio plug), and is
//! dropped from every article of that source.
//!
//! A line counts once per article. It is learned when it stands in at least
//! [`MIN_ARTICLES`] articles of its source and in at least √n of the source's n
//! articles: all 3 of 3, 4 of 12, 10 of 100, 100 of 10,000. Lines of articles without
//! a source are never learned, and an article's own title is never dropped.

use crate::article::Article;
use rustc_hash::FxHashMap;
use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed, Xxh3};

/// The fewest articles a line must stand in to be learned.
pub const MIN_ARTICLES: u32 = 3;

/// The name of the rule shown for learned lines.
pub const RULE: &str = "learned";

/// How many first lines of a body decide its headline, date line and dateline place.
const TOP_LINES: usize = 4;

/// How many articles of a source of `articles` a line must stand in to be learned.
pub fn threshold(articles: u32) -> u32 {
    MIN_ARTICLES.max((articles as f64).sqrt().ceil() as u32)
}

/// The key under which a site's lines are counted (from its
/// [`crate::Article::site`]), or `None` without a site.
pub fn site_hash(site: Option<&str>) -> Option<u64> {
    let site = site?.trim();
    (!site.is_empty()).then(|| xxh3_64(site.to_lowercase().as_bytes()).max(1))
}

/// The key of one line of a source: the source and the line with case and whitespace
/// folded.
fn line_key(source: u64, line: &str) -> u64 {
    thread_local! {
        static FOLDED: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
    }
    FOLDED.with(|folded| {
        let mut folded = folded.borrow_mut();
        folded.clear();
        for word in line.split_whitespace() {
            if !folded.is_empty() {
                folded.push(' ');
            }
            if word.is_ascii() {
                folded.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            } else {
                folded.extend(word.chars().flat_map(char::to_lowercase));
            }
        }
        xxh3_64_with_seed(folded.as_bytes(), source)
    })
}

fn same_line(a: &str, b: &str) -> bool {
    a.split_whitespace()
        .map(str::to_lowercase)
        .eq(b.split_whitespace().map(str::to_lowercase))
}

/// The keys of an article's body lines (its title aside), sorted and without repeats.
pub fn line_keys(source: u64, article: &Article) -> Vec<u64> {
    let mut keys: Vec<u64> = article
        .body
        .lines()
        .filter(|line| !line.trim().is_empty() && !same_line(line, &article.title))
        .map(|line| line_key(source, line))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}

/// Counts of lines per source over a corpus: every article's line keys, kept per
/// source and counted by sorting, which takes 8 bytes per line of the corpus where a
/// map would take three times that and more.
#[derive(Debug, Default)]
pub struct LineCounts {
    sources: FxHashMap<u64, SourceLines>,
}

#[derive(Debug, Default)]
struct SourceLines {
    articles: u32,
    keys: Vec<u64>,
}

impl LineCounts {
    /// Counts one article of `source` with the (deduplicated) line `keys`.
    pub fn add(&mut self, source: u64, keys: &[u64]) {
        let lines = self.sources.entry(source).or_default();
        lines.articles += 1;
        lines.keys.extend_from_slice(keys);
    }

    /// The lines that meet the threshold of their source.
    pub fn learned(self) -> Learned {
        let mut learned = FxHashMap::default();
        for (_, SourceLines { articles, mut keys }) in self.sources {
            let threshold = threshold(articles);
            keys.sort_unstable();
            for run in keys.chunk_by(|a, b| a == b) {
                let count = u32::try_from(run.len()).unwrap_or(u32::MAX);
                if count >= threshold {
                    learned.insert(run[0], count);
                }
            }
        }
        Learned { lines: learned }
    }
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

    /// A digest of which of an article's line `keys` are learned: when it changes, the
    /// article must be cleaned again. Zero when none are.
    pub fn digest(&self, keys: &[u64]) -> u64 {
        let mut hasher = Xxh3::new();
        let mut any = false;
        for key in keys.iter().filter(|k| self.lines.contains_key(k)) {
            hasher.update(&key.to_le_bytes());
            any = true;
        }
        if any {
            hasher.digest().max(1)
        } else {
            0
        }
    }

    /// Whether dropping the learned lines from an article cleaned without them can
    /// change more than its body: when its title is the file's name (a learned line
    /// may have hidden the headline) or a learned line stands among its first lines
    /// (where the headline, date line and dateline place are looked for). Such an
    /// article must be cleaned again from its text; others only lose the lines.
    pub fn changes_more_than_body(
        &self,
        source: u64,
        article: &Article,
        title_from_file_name: bool,
    ) -> bool {
        title_from_file_name
            || article
                .body
                .lines()
                .filter(|line| !line.trim().is_empty())
                .take(TOP_LINES)
                .any(|line| self.count(source, line).is_some())
    }

    /// Drops the learned lines of `source` from a body; `None` when it holds none.
    pub fn filter_body(&self, source: u64, body: &str) -> Option<String> {
        let mut filtered = String::with_capacity(body.len());
        let mut dropped_any = false;
        for paragraph in body.split("\n\n") {
            let start = filtered.len();
            for line in paragraph.lines() {
                if self.count(source, line).is_some() {
                    dropped_any = true;
                    continue;
                }
                if filtered.len() > start {
                    filtered.push('\n');
                } else if start > 0 {
                    filtered.push_str("\n\n");
                }
                filtered.push_str(line);
            }
        }
        dropped_any.then_some(filtered)
    }

    /// How many articles of `source` hold `line`, if it is learned.
    pub fn count(&self, source: u64, line: &str) -> Option<u32> {
        self.lines.get(&line_key(source, line)).copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(title: &str, body: &str) -> Article {
        Article {
            id: title.into(),
            title: title.into(),
            body: body.into(),
            date: None,
            date_from: None,
            place: None,
            source: Some("Courier".into()),
            site: None,
            url: None,
            path: title.into(),
            line: None,
            lang: None,
            published: None,
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
        let mut counts = LineCounts::default();
        let articles: Vec<Article> = bodies.iter().map(|b| article("T", b)).collect();
        for a in &articles {
            counts.add(source, &line_keys(source, a));
        }
        // The same line in another source's articles does not count for this one.
        counts.add(other, &line_keys(other, &article("T", tagline)));
        let learned = counts.learned();
        assert_eq!(learned.len(), 1);

        let is_learned = |line: &str| learned.count(source, line);
        let cleaned = crate::clean::clean_with_learned(&bodies[0], Some("T"), &is_learned);
        assert_eq!(cleaned.body, "Story one opens.\n\nStory one closes.");
        assert_eq!(cleaned.dropped[0].rule, RULE);
        assert_eq!(cleaned.dropped[0].count, Some(3));
        assert_eq!(learned.count(other, tagline), None);

        assert_ne!(learned.digest(&line_keys(source, &articles[0])), 0);
        assert_eq!(learned.digest(&line_keys(source, &articles[3])), 0);
    }

    #[test]
    fn filtering_a_body_keeps_its_paragraphs() {
        let source = site_hash(Some("Courier")).unwrap();
        let mut counts = LineCounts::default();
        for _ in 0..3 {
            counts.add(source, &line_keys(source, &article("T", "Site line.")));
        }
        let learned = counts.learned();
        assert_eq!(learned.filter_body(source, "One.\n\nTwo."), None);
        assert_eq!(
            learned.filter_body(
                source,
                "SITE LINE.\n\nOne.\nsite  line.\nTwo.\n\nSite line.\n\nThree."
            ),
            Some("One.\nTwo.\n\nThree.".to_string())
        );
        let top = article("T", "Site line.\n\nThe story.");
        assert!(learned.changes_more_than_body(source, &top, false));
        let middle = article("T", "One.\n\nTwo.\n\nThree.\n\nFour.\n\nSite line.");
        assert!(!learned.changes_more_than_body(source, &middle, false));
        assert!(learned.changes_more_than_body(source, &middle, true));
    }

    #[test]
    fn a_title_is_never_dropped() {
        let source = site_hash(Some("Courier")).unwrap();
        let mut counts = LineCounts::default();
        let line = "Weekly market prices";
        for _ in 0..4 {
            counts.add(source, &line_keys(source, &article("Other", line)));
        }
        let learned = counts.learned();
        let is_learned = |l: &str| learned.count(source, l);
        let page = format!("{line}\n\nPrices rose.");
        let cleaned = crate::clean::clean_with_learned(&page, Some(line), &is_learned);
        assert_eq!(cleaned.dropped[0].rule, "title");
        assert_eq!(cleaned.body, "Prices rose.");
        assert_eq!(site_hash(Some("  ")), None);
    }
}

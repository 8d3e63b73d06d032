//! Measuring extraction against a labeled corpus: index it as `dateline index` would,
//! read every article back, and compare its title, date and story text with what a
//! person wrote down as right.
//!
//! Story text is compared word by word as multisets: precision is the share of the
//! words kept that belong to the story, recall the share of the story's words kept.
//! In scripts written without spaces, each character counts as a word.

use crate::date;
use crate::indexer::{index_paths, IndexOptions};
use crate::schema;
use crate::search::Searcher;
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// What a person wrote down for one article file of the labeled corpus.
#[derive(Debug, Clone, Deserialize)]
pub struct Expected {
    /// The file, relative to the corpus folder.
    pub file: String,
    /// The headline.
    pub title: String,
    /// The publication day, `YYYY-MM-DD`, or `null`.
    pub date: Option<String>,
    /// The language code, for grouping the results.
    #[serde(default)]
    pub lang: Option<String>,
    /// The story paragraphs, separated by blank lines.
    pub text: String,
}

/// The comparison for one article.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleScore {
    /// The file.
    pub file: String,
    /// The group it is reported in: format and language, as `html/ru`.
    pub group: String,
    /// Whether the title matched (case and spacing aside).
    pub title_ok: bool,
    /// The title extracted.
    pub title: String,
    /// Whether the date matched.
    pub date_ok: bool,
    /// Story words kept.
    pub kept_story_words: usize,
    /// All words kept.
    pub kept_words: usize,
    /// Words of the story.
    pub story_words: usize,
    /// Story paragraphs not found whole in the extracted body.
    pub lost_paragraphs: Vec<String>,
}

/// Totals for a group of articles.
#[derive(Debug, Clone, Default, Serialize)]
pub struct GroupScore {
    /// Articles in the group.
    pub articles: usize,
    /// Share with the right title.
    pub title_accuracy: f64,
    /// Share with the right date.
    pub date_accuracy: f64,
    /// Story words kept / words kept, over the group.
    pub precision: f64,
    /// Story words kept / story words, over the group.
    pub recall: f64,
}

/// The whole evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Every article.
    pub articles: Vec<ArticleScore>,
    /// Totals per group, and `all`.
    pub groups: BTreeMap<String, GroupScore>,
}

impl Report {
    /// The totals over all articles.
    pub fn overall(&self) -> GroupScore {
        self.groups.get("all").cloned().unwrap_or_default()
    }
}

/// Reads `expected.jsonl`.
pub fn read_expected(path: &Path) -> Result<Vec<Expected>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(n, line)| {
            serde_json::from_str(line).with_context(|| {
                format!("{} line {}: not an expected article", path.display(), n + 1)
            })
        })
        .collect()
}

/// Indexes `corpus` in a temporary folder and scores every article of `expected`.
pub fn evaluate(corpus: &Path, expected: &[Expected]) -> Result<Report> {
    let corpus = corpus
        .canonicalize()
        .with_context(|| format!("cannot evaluate {}", corpus.display()))?;
    let scratch = tempfile::tempdir().context("creating a scratch folder for the index")?;
    let index = schema::open_or_create(&scratch.path().join("index"))?;
    index_paths(
        &index,
        std::slice::from_ref(&corpus),
        IndexOptions::default(),
        &mut |_| {},
    )?;
    let articles = Searcher::new(index)?.all_articles()?;
    let by_file: HashMap<String, &crate::Article> = articles
        .iter()
        .filter_map(|a| {
            let relative = Path::new(&a.path).strip_prefix(&corpus).ok()?;
            Some((relative.to_string_lossy().into_owned(), a))
        })
        .collect();

    let mut scores = Vec::new();
    for want in expected {
        let Some(got) = by_file.get(&want.file) else {
            bail!(
                "{} was not indexed: check it exists and is an article file",
                want.file
            );
        };
        let story = words(&want.text);
        let kept = words(&got.body);
        let overlap = overlap(&story, &kept);
        let body_folded = fold(&got.body);
        let lost_paragraphs = want
            .text
            .split("\n\n")
            .filter(|p| !p.trim().is_empty() && !body_folded.contains(&fold(p)))
            .map(str::to_string)
            .collect();
        let format = Path::new(&want.file)
            .extension()
            .map_or("?".to_string(), |e| e.to_string_lossy().to_lowercase());
        scores.push(ArticleScore {
            file: want.file.clone(),
            group: format!("{format}/{}", want.lang.as_deref().unwrap_or("?")),
            title_ok: fold(&got.title) == fold(&want.title),
            title: got.title.clone(),
            date_ok: got.date.map(date::format_day) == want.date,
            kept_story_words: overlap,
            kept_words: kept.len(),
            story_words: story.len(),
            lost_paragraphs,
        });
    }
    let mut groups: BTreeMap<String, Vec<&ArticleScore>> = BTreeMap::new();
    for score in &scores {
        groups.entry(score.group.clone()).or_default().push(score);
        groups.entry("all".to_string()).or_default().push(score);
    }
    let groups = groups
        .into_iter()
        .map(|(name, scores)| (name, group_score(&scores)))
        .collect();
    Ok(Report {
        articles: scores,
        groups,
    })
}

fn group_score(scores: &[&ArticleScore]) -> GroupScore {
    let n = scores.len().max(1) as f64;
    let sum = |f: fn(&ArticleScore) -> usize| scores.iter().map(|s| f(s)).sum::<usize>() as f64;
    let ratio = |a: f64, b: f64| if b == 0.0 { 1.0 } else { a / b };
    GroupScore {
        articles: scores.len(),
        title_accuracy: scores.iter().filter(|s| s.title_ok).count() as f64 / n,
        date_accuracy: scores.iter().filter(|s| s.date_ok).count() as f64 / n,
        precision: ratio(sum(|s| s.kept_story_words), sum(|s| s.kept_words)),
        recall: ratio(sum(|s| s.kept_story_words), sum(|s| s.story_words)),
    }
}

/// Case and spacing folded, for comparing titles and finding paragraphs.
fn fold(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The words of a text, lower-cased; each character of an unspaced script is a word.
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars() {
        if crate::schema::is_unspaced(c) {
            if !word.is_empty() {
                out.push(std::mem::take(&mut word));
            }
            out.push(c.to_string());
        } else if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
        } else if !word.is_empty() {
            out.push(std::mem::take(&mut word));
        }
    }
    if !word.is_empty() {
        out.push(word);
    }
    out
}

/// The size of the multiset intersection of two word lists.
fn overlap(a: &[String], b: &[String]) -> usize {
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in a {
        *counts.entry(w).or_default() += 1;
    }
    b.iter()
        .filter(|w| match counts.get_mut(w.as_str()) {
            Some(n) if *n > 0 => {
                *n -= 1;
                true
            }
            _ => false,
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_of_spaced_and_unspaced_scripts() {
        assert_eq!(words("Drought, drought!"), ["drought", "drought"]);
        assert_eq!(words("北京 大学"), ["北", "京", "大", "学"]);
        assert_eq!(words("Ciudad de México"), ["ciudad", "de", "méxico"]);
    }

    #[test]
    fn overlap_counts_each_word_once() {
        let a = words("the dam the river");
        let b = words("the the the dam");
        assert_eq!(overlap(&a, &b), 3);
    }
}

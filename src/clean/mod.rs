//! The cleaner: turns the raw text of a scraped page into the story alone, and finds
//! the headline, the dateline place and a date line on the way.
//!
//! Every line is judged once ([`rules::classify`]); the appeal that runs to the end of
//! a page is found in one backward pass over those judgements, so cleaning stays linear
//! in the length of the page.

mod credits;
mod headline;
pub mod html;
pub mod learned;
pub mod line_counts;
mod lists;
mod rules;
mod vocabulary;

pub use headline::{dateline_place, reads_as_headline};
pub use rules::{classify, LineFacts, Rule};

use crate::article::DroppedLine;
use time::Date;

/// Share of the lines from an appeal's opening line to the end of the page that must
/// read as appeal for all of them to be dropped.
const APPEAL_BLOCK_SHARE: f32 = 0.6;

/// How many kept lines at the top of a page may hold the publication-date line.
const DATE_LINE_WINDOW: usize = 4;

/// How many of the first story lines may hold the dateline (a byline may come first).
const DATELINE_WINDOW: usize = 3;

/// The cleaner's result for one page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// The headline found in the text, when no metadata gave one.
    pub title: Option<String>,
    /// The story: paragraphs separated by a blank line.
    pub body: String,
    /// The dateline place of the first paragraph.
    pub place: Option<String>,
    /// A publication date written on its own line near the top.
    pub text_date: Option<Date>,
    /// Every line removed, with the rule that removed it.
    pub dropped: Vec<DroppedLine>,
}

/// Cleans the text of one page. `known_title` is the title metadata gave, if any: a
/// line repeating it at the top is dropped rather than taken for the first paragraph.
pub fn clean(text: &str, known_title: Option<&str>) -> Cleaned {
    clean_with_learned(text, known_title, &|_| None)
}

/// Like [`clean`], and also drops the lines `learned` knows as the site's boilerplate
/// (it returns how many articles of the site hold the line). Learned lines go
/// before the headline is looked for, so a site line above it is not taken for it.
/// When they are all the story holds, they are kept: learning never empties an
/// article.
pub fn clean_with_learned(
    text: &str,
    known_title: Option<&str>,
    learned: &dyn Fn(&str) -> Option<u32>,
) -> Cleaned {
    clean_judged(text, &Judged::of(text), known_title, learned)
}

/// Like [`clean_with_learned`], with the lines of `text` already judged: `judged`
/// must be [`Judged::of`] this very text (one of another text with as many lines
/// would be taken for it; one with another number of lines is judged again).
pub fn clean_judged(
    text: &str,
    judged: &Judged,
    known_title: Option<&str>,
    learned: &dyn Fn(&str) -> Option<u32>,
) -> Cleaned {
    let lines: Vec<&str> = text.lines().map(clean_line).collect();
    let rejudged;
    let facts = if judged.0.len() == lines.len() {
        &judged.0
    } else {
        rejudged = Judged::of(text);
        &rejudged.0
    };
    let cleaned = clean_lines(&lines, facts, known_title, learned);
    let emptied =
        cleaned.body.is_empty() && cleaned.dropped.iter().any(|d| d.rule == Rule::Learned);
    if emptied {
        clean_lines(&lines, facts, known_title, &|_| None)
    } else {
        cleaned
    }
}

/// What [`classify`] says of each line of a text (`None` for a blank line): the costly
/// part of cleaning, which does not depend on the lines learned, so that a text
/// cleaned again once they are known is not judged twice.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Judged(Vec<Option<LineFacts>>);

impl Judged {
    /// Judges every line of `text`.
    pub fn of(text: &str) -> Judged {
        Judged(
            text.lines()
                .map(clean_line)
                .map(|line| (!line.is_empty()).then(|| classify(line)))
                .collect(),
        )
    }

    /// Roughly how many bytes it takes in memory.
    pub fn approximate_size(&self) -> usize {
        self.0.capacity() * std::mem::size_of::<Option<LineFacts>>()
    }
}

fn clean_lines(
    lines: &[&str],
    facts: &[Option<LineFacts>],
    known_title: Option<&str>,
    learned: &dyn Fn(&str) -> Option<u32>,
) -> Cleaned {
    let block_start = appeal_block_start(facts);
    let known_title = known_title.map(rules::normalize);

    let mut out = Cleaned::default();
    let mut paragraphs: Vec<String> = Vec::new();
    let mut paragraph = String::new();
    let mut story_started = false;
    let mut in_related_list = false;
    let mut kept_at_top = 0;
    let mut story_lines = 0;

    for (i, (line, fact)) in lines.iter().zip(facts).enumerate() {
        let mut learned_count = None;
        let Some(fact) = fact else {
            if !paragraph.is_empty() {
                paragraphs.push(std::mem::take(&mut paragraph));
            }
            continue;
        };
        let rule = if block_start.is_some_and(|start| i >= start) {
            Some(Rule::AppealBlock)
        } else if let Some(rule) = fact.rule {
            // A date stamp above the story is the article's date line.
            let stamp_above = rule == Rule::Byline && !story_started && out.text_date.is_none();
            match stamp_above.then(|| crate::date::date_line(line)).flatten() {
                Some(date) => {
                    out.text_date = Some(date);
                    Some(Rule::DateLine)
                }
                None => Some(rule),
            }
        } else if let Some(count) = learned(line).filter(|_| {
            !known_title
                .as_deref()
                .is_some_and(|known| rules::normalizes_to(line, known))
        }) {
            learned_count = Some(count);
            Some(Rule::Learned)
        } else if in_related_list && reads_as_headline(line) {
            Some(Rule::RelatedLinks)
        } else if !story_started {
            top_of_page_rule(line, known_title.as_deref(), &mut out, &mut kept_at_top)
        } else {
            None
        };
        if story_started && fact.opens_related {
            in_related_list = true;
        } else if rule != Some(Rule::RelatedLinks) {
            in_related_list = false;
        }
        match rule {
            Some(rule) => out.dropped.push(DroppedLine {
                line: (*line).to_string(),
                rule,
                count: learned_count,
            }),
            None => {
                story_started = true;
                story_lines += 1;
                if out.place.is_none() && story_lines <= DATELINE_WINDOW {
                    out.place = dateline_place(line);
                }
                if !paragraph.is_empty() {
                    paragraph.push('\n');
                }
                paragraph.push_str(line);
            }
        }
    }
    if !paragraph.is_empty() {
        paragraphs.push(paragraph);
    }
    out.body = paragraphs.join("\n\n");
    // A text that is all one line, or only its headline, is its own story, not a
    // headline without one.
    if out.body.is_empty() {
        let headline = out.title.take().or_else(|| {
            out.dropped
                .iter()
                .find(|d| d.rule == Rule::Title)
                .map(|d| d.line.clone())
        });
        if let Some(title) = headline {
            out.dropped
                .retain(|d| d.line != title || d.rule != Rule::Title);
            out.body = title;
        }
    }
    out
}

/// Trims a line of its whitespace (no-break spaces included) and byte-order marks.
fn clean_line(line: &str) -> &str {
    line.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}')
}

/// Decides what a line above the first paragraph is: the headline, a repeat of the known
/// title, the date line, or (with `None`) the start of the story.
fn top_of_page_rule(
    line: &str,
    known_title: Option<&str>,
    out: &mut Cleaned,
    kept_at_top: &mut usize,
) -> Option<Rule> {
    *kept_at_top += 1;
    if *kept_at_top > DATE_LINE_WINDOW + 1 {
        return None;
    }
    if out.text_date.is_none() {
        if let Some(date) = crate::date::date_line(line) {
            out.text_date = Some(date);
            return Some(Rule::DateLine);
        }
    }
    let headline_pending = out.title.is_none() && *kept_at_top == 1;
    match known_title {
        Some(known) if rules::normalizes_to(line, known) => Some(Rule::Title),
        Some(_) => None,
        None if headline_pending && reads_as_headline(line) => {
            out.title = Some(line.to_string());
            Some(Rule::Title)
        }
        None => None,
    }
}

/// The first line of the appeal that runs to the end of the page, if there is one:
/// an opening line after which at least [`APPEAL_BLOCK_SHARE`] of the lines read as
/// appeal (short lines that are not sentences do not count either way). One backward
/// pass with running counts.
fn appeal_block_start(facts: &[Option<LineFacts>]) -> Option<usize> {
    let (mut lines, mut appealing) = (0usize, 0usize);
    let mut start = None;
    for (i, fact) in facts.iter().enumerate().rev() {
        let Some(fact) = fact else { continue };
        if fact.appealish {
            appealing += 1;
        } else if fact.neutral {
            continue;
        }
        lines += 1;
        if fact.opens_appeal && appealing as f32 >= APPEAL_BLOCK_SHARE * lines as f32 {
            start = Some(i);
        }
    }
    start
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "Support The Steppe Herald!

Drought empties the Kapshagai reservoir

ALMATY, Kazakhstan — The reservoir has fallen to a third of its volume, officials said.
Farmers said they would support the plan if quotas were raised.

Sign up for our free weekly newsletter
Our weekly newsletter contains a handpicked selection of stories. Preview
Subscribers agree to the Privacy Policy

A Message from The Steppe Herald:
Dear readers,
For ten years we have reported from places others ignore. Independent journalism costs money.
Every contribution, however small, keeps our reporters in the field.
Once
Monthly
Annual
Continue
Not ready to support today?
Remind me later.
Read more
";

    fn rules_of(cleaned: &Cleaned) -> Vec<&str> {
        cleaned.dropped.iter().map(|d| d.rule.name()).collect()
    }

    #[test]
    fn a_text_of_one_line_is_its_story_not_a_headline() {
        let cleaned = clean(
            "Measurements of the ionosphere at low latitudes during the night",
            None,
        );
        assert_eq!(cleaned.title, None);
        assert_eq!(
            cleaned.body,
            "Measurements of the ionosphere at low latitudes during the night"
        );
        assert!(cleaned.dropped.is_empty(), "{:?}", cleaned.dropped);
        let two = clean(
            "Ionosphere at night\n\nMeasured at low latitudes, it thins.",
            None,
        );
        assert_eq!(two.title.as_deref(), Some("Ionosphere at night"));
    }

    #[test]
    fn a_typical_page_comes_out_as_the_story() {
        let cleaned = clean(PAGE, None);
        assert_eq!(
            cleaned.title.as_deref(),
            Some("Drought empties the Kapshagai reservoir")
        );
        assert_eq!(cleaned.place.as_deref(), Some("Almaty, Kazakhstan"));
        assert_eq!(
            cleaned.body,
            "ALMATY, Kazakhstan — The reservoir has fallen to a third of its volume, officials said.\n\
             Farmers said they would support the plan if quotas were raised."
        );
        let rules = rules_of(&cleaned);
        assert_eq!(
            &rules[..5],
            ["appeal", "title", "newsletter", "newsletter", "privacy"]
        );
        assert!(rules[5..].iter().all(|r| *r == "appeal block"), "{rules:?}");
        assert_eq!(rules.len(), 5 + 11);
    }

    #[test]
    fn a_story_letter_addressed_to_readers_is_not_an_appeal() {
        let page = "Letter from the border\n\nDear readers,\nThe crossing at Dostyk was closed for a week.\n\
                    Trucks queued for twelve kilometres and drivers slept in their cabs.\n\
                    Customs officers blamed a new computer system.";
        let cleaned = clean(page, None);
        assert!(cleaned.body.contains("Dear readers,"));
        assert!(
            cleaned.body.contains("customs officers") || cleaned.body.contains("Customs officers")
        );
    }

    #[test]
    fn known_title_and_date_line_are_taken_out_of_the_body() {
        let page = "Drought empties the reservoir\nPublished March 31, 2011\n\nThe reservoir fell.";
        let cleaned = clean(page, Some("Drought Empties the Reservoir"));
        assert_eq!(cleaned.title, None);
        assert_eq!(cleaned.body, "The reservoir fell.");
        assert_eq!(
            cleaned.text_date.map(crate::date::format_day).as_deref(),
            Some("2011-03-31")
        );
        assert_eq!(rules_of(&cleaned), ["title", "date line"]);
    }

    #[test]
    fn related_links_after_the_story_are_dropped() {
        let page =
            "Port strike ends\n\nThe dockers went back to work on Monday.\n\nRelated stories\n\
                    Tengri Copper shares slide\nWheat harvest beats forecasts\n";
        let cleaned = clean(page, None);
        assert_eq!(cleaned.body, "The dockers went back to work on Monday.");
        assert_eq!(
            rules_of(&cleaned),
            ["title", "navigation", "related links", "related links"]
        );
    }

    #[test]
    fn a_page_without_a_headline_keeps_its_first_line() {
        let cleaned = clean(
            "The reservoir fell by a third this spring, officials said.",
            None,
        );
        assert_eq!(cleaned.title, None);
        assert!(cleaned.body.starts_with("The reservoir"));
    }
}

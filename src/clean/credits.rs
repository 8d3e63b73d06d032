//! Lines that date and credit a story rather than tell it: bylines and date stamps
//! (`By A. Writer | Updated 11:04 PM EST, Nov 18, 2019`), photo credits, contributor
//! lines (`Jane Doe contributed to this report.`), the reporter's contact line and
//! copyright notes.
//!
//! Each is told by its shape, not by one site's words: a stamp is a short line of
//! dates, times, labels and names and nothing else; a contact line pairs an address
//! with the words of reaching someone.

use super::vocabulary::{List, Marks};
use crate::date;

/// What a credit line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credit {
    /// A byline or a date stamp.
    Stamp,
    /// A photo credit or a contributor line.
    Attribution,
    /// How to reach the reporter or send a tip.
    Contact,
    /// A copyright note.
    Copyright,
}

/// Words of date stamps and bylines besides dates and names.
const STAMP_WORDS: &[&str] = &[
    "by",
    "and",
    "published",
    "updated",
    "posted",
    "modified",
    "last",
    "on",
    "at",
    "am",
    "pm",
    "a.m",
    "p.m",
    "est",
    "edt",
    "cst",
    "cdt",
    "mst",
    "mdt",
    "pst",
    "pdt",
    "et",
    "pt",
    "ct",
    "gmt",
    "utc",
    "bst",
    "cet",
    "cest",
    "ist",
    "aest",
    "uk",
    "time",
    "date",
    "staff",
    "writer",
    "reporter",
    "correspondent",
    "editor",
    "published:",
    "updated:",
    "ago",
    "hours",
    "hour",
    "minutes",
    "min",
    "read",
    "mins",
    // Portuguese, Spanish, Italian, French, German
    "publicado",
    "atualizado",
    "actualizado",
    "por",
    "em",
    "en",
    "às",
    "as",
    "a",
    "las",
    "de",
    "del",
    "el",
    "pubblicato",
    "aggiornato",
    "il",
    "alle",
    "da",
    "publié",
    "mis",
    "à",
    "jour",
    "le",
    "par",
    "veröffentlicht",
    "aktualisiert",
    "am",
    "um",
    "uhr",
    "von",
    "categoria",
    "category",
    "categories",
    "tags",
    "tag",
    "filed",
    "under",
    "in",
];

/// Labels that open a photo credit.
const PHOTO_LABELS: &[&str] = &[
    "photo",
    "photos",
    "image",
    "images",
    "picture",
    "pictures",
    "photograph",
    "credit",
    "foto",
    "fotos",
    "imagen",
    "bild",
    "source",
    "via",
];

/// How a contributor line ends.
const CONTRIBUTED: &[&str] = &[
    "contributed to this report",
    "contributed to this story",
    "contributed to this article",
    "contributed reporting",
    "contributed to this post",
];

/// How a credit line of wire copy starts.
const WIRE_CREDITS: &[&str] = &[
    "reporting by",
    "additional reporting by",
    "writing by",
    "editing by",
    "compiled by",
];

/// Words of reaching a person.
const REACHING: &[&str] = &[
    "reached at",
    "reach her",
    "reach him",
    "reach me",
    "reach us",
    "follow her",
    "follow him",
    "follow me",
    "follow us",
    "email the",
    "e-mail the",
    "email her",
    "email him",
    "email me",
    "email us",
    "contact the",
    "contact her",
    "contact him",
    "have a tip",
    "got a tip",
    "send tips",
    "send us",
    "tip line",
];

/// Phrases of copyright notes.
const COPYRIGHT: &[&str] = &[
    "all rights reserved",
    "subject to copyright",
    "may not be reproduced",
    "may not be published, broadcast",
    "may not be republished",
    "todos os direitos reservados",
    "todos los derechos reservados",
    "tutti i diritti riservati",
    "tous droits réservés",
    "alle rechte vorbehalten",
    "все права защищены",
    "Все права защищены",
    "©",
];

/// The word lists of credits, found with the rules' (see [`vocabulary`]).
pub(super) const LISTS: &[List] = &[
    List::phrases(COPYRIGHT, Marks::COPYRIGHT),
    List::phrases(REACHING, Marks::REACHING),
];

/// The kind of credit a trimmed line is, if it is one. Most story lines are told
/// apart by their length or a missing character before any word is compared.
/// `marks` are the lists the line holds, `words` its words between white space.
pub fn credit(line: &str, marks: Marks, words: usize) -> Option<Credit> {
    if words == 0 || words > 80 {
        return None;
    }
    if marks.has(Marks::COPYRIGHT) {
        return Some(Credit::Copyright);
    }
    if words > 45 {
        return None;
    }
    if marks.has(Marks::REACHING)
        && line.contains('@')
        && line.split_whitespace().any(is_address_word)
    {
        return Some(Credit::Contact);
    }
    if words > 25 {
        return None;
    }
    let lower = line.to_lowercase();
    if is_contributor_line(&lower) || (words <= 10 && is_photo_credit(&lower)) {
        return Some(Credit::Attribution);
    }
    (words <= 16 && is_stamp(line)).then_some(Credit::Stamp)
}

/// An e-mail address or a social handle.
fn is_address_word(word: &str) -> bool {
    let word = word.trim_matches(|c: char| !c.is_alphanumeric() && c != '@');
    match word.split_once('@') {
        Some(("", handle)) => {
            handle.len() >= 2 && handle.chars().all(|c| c.is_alphanumeric() || c == '_')
        }
        Some((user, host)) => !user.is_empty() && host.contains('.'),
        None => false,
    }
}

fn is_contributor_line(lower: &str) -> bool {
    let trimmed = lower.trim_end_matches(['.', ')']).trim_start_matches('(');
    CONTRIBUTED.iter().any(|end| trimmed.ends_with(end))
        || WIRE_CREDITS.iter().any(|start| trimmed.starts_with(start))
}

/// `Photo: Getty Images`, `(Image: GETTY)`, `Credit: Reuters`.
fn is_photo_credit(lower: &str) -> bool {
    let trimmed = lower.trim_start_matches(['(', '[']);
    trimmed.split_once(':').is_some_and(|(label, rest)| {
        let label = label.trim();
        let label = label.strip_suffix(" credit").unwrap_or(label);
        PHOTO_LABELS.contains(&label) && !rest.trim().is_empty()
    })
}

/// A line of dates, times, labels and names only, with a date or a time in it:
/// `By Justine Coleman - 11/18/19 11:04 PM EST`, `Updated at 1:23 p.m.`,
/// `segunda-feira, 22 de outubro de 2010 às 20:13`.
fn is_stamp(line: &str) -> bool {
    // Every date and time written here has a digit; a byline without one starts with
    // "By". The words are checked before a written date is looked for, the costly part.
    if !line.bytes().any(|b| b.is_ascii_digit()) && !starts_with_by(line) {
        return false;
    }
    let mut dated = false;
    let mut labelled = false;
    let mut names = 0;
    for token in line
        .split(|c: char| c.is_whitespace() || matches!(c, '|' | '·' | '•' | '—' | '–' | ',' | ';'))
    {
        let token = token.trim_matches(|c: char| matches!(c, '(' | ')' | '[' | ']' | '"' | '\''));
        let bare = token.trim_end_matches([':', '.']);
        if bare.is_empty() || bare == "-" {
            continue;
        }
        if is_numeric_stamp(bare) {
            dated = true;
            continue;
        }
        if is_day_of_month(bare) || date::month_number(bare).is_some() || date::is_weekday(bare) {
            // Part of a written date, counted below when whole.
            continue;
        }
        let lower = bare.to_lowercase();
        if STAMP_WORDS.contains(&lower.as_str()) {
            labelled |= matches!(
                lower.as_str(),
                "by" | "published"
                    | "updated"
                    | "posted"
                    | "modified"
                    | "publicado"
                    | "atualizado"
                    | "actualizado"
                    | "pubblicato"
                    | "aggiornato"
                    | "publié"
                    | "veröffentlicht"
                    | "aktualisiert"
                    | "por"
            );
        } else if bare.chars().next().is_some_and(char::is_uppercase) {
            names += 1;
        } else {
            return false;
        }
    }
    let dated = || dated || date::find_written_date(line).is_some();
    ((labelled || names <= 2) && dated())
        || (labelled && names > 0 && names <= 4 && starts_with_by(line))
}

fn starts_with_by(line: &str) -> bool {
    line.get(..3).is_some_and(|h| h.eq_ignore_ascii_case("by "))
}

/// A numeric date or time: `11/18/19`, `05.10.2018`, `2019-11-18` (three numbers),
/// `11:04`, `20:13:05`, `20h13`.
fn is_numeric_stamp(token: &str) -> bool {
    let groups: Vec<&str> = token.split(['/', '.', '-']).collect();
    let number = |g: &str, len: std::ops::RangeInclusive<usize>| {
        len.contains(&g.len()) && g.bytes().all(|b| b.is_ascii_digit())
    };
    if groups.len() == 3 {
        let (a, b, c) = (groups[0], groups[1], groups[2]);
        return (number(a, 1..=2) && number(b, 1..=2) && (number(c, 2..=2) || number(c, 4..=4)))
            || (number(a, 4..=4) && number(b, 1..=2) && number(c, 1..=2));
    }
    let time: Vec<&str> = token.split([':', 'h']).collect();
    (2..=3).contains(&time.len())
        && number(time[0], 1..=2)
        && time[1..].iter().all(|g| number(g, 2..=2))
}

/// `20`, `3rd`, `2019`: a day or a year written beside a month.
fn is_day_of_month(token: &str) -> bool {
    let digits = token.chars().take_while(char::is_ascii_digit).count();
    ((1..=2).contains(&digits) && matches!(&token[digits..], "" | "st" | "nd" | "rd" | "th"))
        || (digits == 4 && token.len() == 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The credit of a line, with the word lists and counts `classify` gives.
    fn credit_of(line: &str) -> Option<Credit> {
        let marks = super::super::vocabulary::marks(line);
        credit(line, marks, line.split_whitespace().count())
    }

    #[test]
    fn credits_of_many_sites() {
        for (line, kind) in [
            ("By Justine Coleman - 11/18/19 11:04 PM EST", Credit::Stamp),
            ("Updated at 1:23 p.m.", Credit::Stamp),
            ("Updated 11:21 pm CST, Tuesday, November 19, 2019", Credit::Stamp),
            ("segunda-feira, 22 de outubro de 2010 às 20:13", Credit::Stamp),
            ("Wednesday 20 November 2019 11:42, UK", Credit::Stamp),
            ("By Fiona Hargreaves", Credit::Stamp),
            ("Fox News' Jessica Napoli contributed to this report.", Credit::Attribution),
            ("Reporting by Ana Ferreira; Editing by Tom Hale", Credit::Attribution),
            ("(Image: GETTY)", Credit::Attribution),
            ("Photo: Leonhard Foeger / Reuters", Credit::Attribution),
            (
                "Have a tip? Amy Kuperinsky may be reached at akuperinsky@example.com. Follow her on Twitter @AmyKup.",
                Credit::Contact,
            ),
            (
                "Email Tariq Malik at tmalik@example.com or follow him @tariqjmalik.",
                Credit::Contact,
            ),
            ("© 2019 The Valley Times. All rights reserved.", Credit::Copyright),
            (
                "This document is subject to copyright. Apart from any fair dealing, no part may be reproduced.",
                Credit::Copyright,
            ),
        ] {
            assert_eq!(credit_of(line), Some(kind), "{line}");
        }
    }

    #[test]
    fn story_lines_are_not_credits() {
        for line in [
            "By the end of the year, the reservoir had fallen by a third.",
            "He died on March 3, 2019.",
            "Floods hit on March 3, 2019.",
            "The vote was held on Tuesday, November 19, 2019.",
            "Police asked anyone with information to call 555-0100.",
            "Residents can email questions to the council at info@council.example.",
            "The photo: a crowd at the gates, taken at dawn by a local resident who asked not to be named.",
            "The 2019 season ends in November.",
            "Tengri Copper",
            "2380",
            "225.86",
            "-12.99",
            "1,000 Days",
        ] {
            assert_eq!(credit_of(line), None, "{line}");
        }
    }
}

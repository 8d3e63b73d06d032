//! Dates written out as people read them, in the languages of the news dateline
//! indexes: `March 31, 2011`, `31 March 2011`, `18 de junio de 2018`, `18. Juni 2018`,
//! `18 июня 2018 г.`, `2018年6月18日`, `2018년 6월 18일`, with or without a weekday.

use super::{day, numeric_prefix};
use std::sync::LazyLock;
use time::Date;

/// Month names and the abbreviations sites use, lower case, with their numbers:
/// English, Spanish, Portuguese, French, German, Italian, Dutch and Russian (in the
/// nominative and the genitive a date uses).
const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("enero", 1),
    ("ene", 1),
    ("janeiro", 1),
    ("janvier", 1),
    ("janv", 1),
    ("januar", 1),
    ("jänner", 1),
    ("gennaio", 1),
    ("gen", 1),
    ("januari", 1),
    ("январь", 1),
    ("января", 1),
    ("янв", 1),
    ("february", 2),
    ("feb", 2),
    ("febrero", 2),
    ("fevereiro", 2),
    ("fev", 2),
    ("février", 2),
    ("févr", 2),
    ("fevrier", 2),
    ("februar", 2),
    ("febbraio", 2),
    ("februari", 2),
    ("февраль", 2),
    ("февраля", 2),
    ("фев", 2),
    ("march", 3),
    ("mar", 3),
    ("marzo", 3),
    ("março", 3),
    ("marco", 3),
    ("mars", 3),
    ("märz", 3),
    ("mär", 3),
    ("mrz", 3),
    ("maart", 3),
    ("март", 3),
    ("марта", 3),
    ("april", 4),
    ("apr", 4),
    ("abril", 4),
    ("abr", 4),
    ("avril", 4),
    ("avr", 4),
    ("aprile", 4),
    ("апрель", 4),
    ("апреля", 4),
    ("апр", 4),
    ("may", 5),
    ("mayo", 5),
    ("maio", 5),
    ("mai", 5),
    ("maggio", 5),
    ("mag", 5),
    ("mei", 5),
    ("май", 5),
    ("мая", 5),
    ("june", 6),
    ("jun", 6),
    ("junio", 6),
    ("junho", 6),
    ("juin", 6),
    ("juni", 6),
    ("giugno", 6),
    ("giu", 6),
    ("июнь", 6),
    ("июня", 6),
    ("июн", 6),
    ("july", 7),
    ("jul", 7),
    ("julio", 7),
    ("julho", 7),
    ("juillet", 7),
    ("juil", 7),
    ("juli", 7),
    ("luglio", 7),
    ("lug", 7),
    ("июль", 7),
    ("июля", 7),
    ("июл", 7),
    ("august", 8),
    ("aug", 8),
    ("agosto", 8),
    ("ago", 8),
    ("août", 8),
    ("aout", 8),
    ("augustus", 8),
    ("август", 8),
    ("августа", 8),
    ("авг", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septiembre", 9),
    ("setiembre", 9),
    ("setembro", 9),
    ("set", 9),
    ("septembre", 9),
    ("settembre", 9),
    ("сентябрь", 9),
    ("сентября", 9),
    ("сен", 9),
    ("сент", 9),
    ("october", 10),
    ("oct", 10),
    ("octubre", 10),
    ("outubro", 10),
    ("out", 10),
    ("octobre", 10),
    ("oktober", 10),
    ("okt", 10),
    ("ottobre", 10),
    ("ott", 10),
    ("октябрь", 10),
    ("октября", 10),
    ("окт", 10),
    ("november", 11),
    ("nov", 11),
    ("noviembre", 11),
    ("novembro", 11),
    ("novembre", 11),
    ("ноябрь", 11),
    ("ноября", 11),
    ("ноя", 11),
    ("нояб", 11),
    ("december", 12),
    ("dec", 12),
    ("diciembre", 12),
    ("dic", 12),
    ("dezembro", 12),
    ("dez", 12),
    ("décembre", 12),
    ("déc", 12),
    ("decembre", 12),
    ("dezember", 12),
    ("dicembre", 12),
    ("декабрь", 12),
    ("декабря", 12),
    ("дек", 12),
];

/// Weekday names that may open a written date, lower case.
const WEEKDAYS: &[&str] = &[
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "mon",
    "tue",
    "tues",
    "wed",
    "thu",
    "thur",
    "thurs",
    "fri",
    "sat",
    "sun",
    "lunes",
    "martes",
    "miércoles",
    "miercoles",
    "jueves",
    "viernes",
    "sábado",
    "sabado",
    "domingo",
    "segunda-feira",
    "terça-feira",
    "terca-feira",
    "quarta-feira",
    "quinta-feira",
    "sexta-feira",
    "lundi",
    "mardi",
    "mercredi",
    "jeudi",
    "vendredi",
    "samedi",
    "dimanche",
    "montag",
    "dienstag",
    "mittwoch",
    "donnerstag",
    "freitag",
    "samstag",
    "sonntag",
    "lunedì",
    "martedì",
    "mercoledì",
    "giovedì",
    "venerdì",
    "sabato",
    "domenica",
    "понедельник",
    "вторник",
    "среда",
    "четверг",
    "пятница",
    "суббота",
    "воскресенье",
];

/// Small words written between a date's parts: `18 de junio de 2018`, `the 18th of`.
const LINKS: &[&str] = &[
    "de", "del", "di", "of", "the", "le", "el", "den", "der", "im", "г", "года",
];

/// The month number of a month name or abbreviation, in any case, a trailing dot
/// ignored.
pub fn month_number(word: &str) -> Option<u32> {
    static NUMBERS: LazyLock<Names<u32>> = LazyLock::new(|| Names::new(MONTHS.iter().copied()));
    let word = word.trim_end_matches('.');
    if word.chars().count() < 3 {
        return None;
    }
    NUMBERS.get(word).copied()
}

/// Whether a word is a weekday's name or abbreviation, in any case.
pub fn is_weekday(word: &str) -> bool {
    static NAMES: LazyLock<Names<()>> =
        LazyLock::new(|| Names::new(WEEKDAYS.iter().map(|&name| (name, ()))));
    NAMES.get(word.trim_end_matches(['.', ','])).is_some()
}

/// Lower-case names looked up in any case. Most words asked about are no name, and
/// are turned away by their length or found missing without being copied.
struct Names<T> {
    by_name: rustc_hash::FxHashMap<&'static str, T>,
    /// The longest name, in bytes.
    longest: usize,
}

impl<T> Names<T> {
    fn new(names: impl Iterator<Item = (&'static str, T)>) -> Names<T> {
        let by_name: rustc_hash::FxHashMap<_, _> = names.collect();
        let longest = by_name.keys().map(|name| name.len()).max().unwrap_or(0);
        Names { by_name, longest }
    }

    fn get(&self, word: &str) -> Option<&T> {
        // Lower-casing changes a character's length by at most a byte or so.
        if word.len() > self.longest * 2 {
            return None;
        }
        if word.is_ascii() {
            let mut buffer = [0u8; 64];
            let lower = buffer.get_mut(..word.len())?;
            lower.copy_from_slice(word.as_bytes());
            lower.make_ascii_lowercase();
            return self.by_name.get(std::str::from_utf8(lower).ok()?);
        }
        self.by_name.get(word.to_lowercase().as_str())
    }
}

/// A written date at the start of `text`, after an optional weekday; anything after
/// the year (a time, a zone) is ignored.
pub fn written_date(text: &str) -> Option<Date> {
    let text = text.trim_start();
    if let Some(date) = east_asian_date(text) {
        return Some(date);
    }
    let mut tokens = tokens(text).peekable();
    if tokens.peek().is_some_and(|t| is_weekday(t)) {
        tokens.next();
    }
    let parts: Vec<String> = tokens
        .filter(|t| !LINKS.contains(&t.to_lowercase().as_str()))
        .take(3)
        .collect();
    if parts.len() < 3 {
        return None;
    }
    if let Some(month) = month_number(&parts[0]) {
        return day(year(&parts[2])?, month, day_number(&parts[1])?);
    }
    let month = month_number(&parts[1])?;
    day(year(&parts[2])?, month, day_number(&parts[0])?)
}

/// The first written or numeric (`YYYY-MM-DD`) date anywhere in a short text, such
/// as a byline: `By A. Writer | Published 3 September 2015`.
pub fn find_written_date(text: &str) -> Option<Date> {
    let mut rest = text;
    loop {
        let start = rest.find(|c: char| c.is_alphanumeric())?;
        rest = &rest[start..];
        if let Some(date) = numeric_prefix(rest).or_else(|| written_date(rest)) {
            return Some(date);
        }
        let next = rest.find(|c: char| !c.is_alphanumeric())?;
        rest = &rest[next..];
    }
}

/// Labels that may stand before a date line at the top of an article.
const DATE_LABELS: &[&str] = &["published", "updated", "posted", "date", "on", "last"];

/// A publication date written on a line of its own near the top of an article:
/// `Published March 31, 2011`, `31 March 2011`, `2011-03-31`, `Mar. 31, 2011`.
///
/// Only short lines count, so a sentence of reporting that mentions a day is not
/// taken for the publication date.
pub fn date_line(line: &str) -> Option<Date> {
    // Eleven words are enough to tell a line is too long.
    let words: Vec<&str> = line.split_whitespace().take(11).collect();
    let labelled = words.first().is_some_and(|w| {
        let w = w.trim_end_matches(':').to_ascii_lowercase();
        DATE_LABELS.contains(&w.as_str())
    });
    if words.is_empty() || words.len() > if labelled { 10 } else { 8 } {
        return None;
    }
    let text = if labelled {
        words[1..].join(" ")
    } else {
        words.join(" ")
    };
    let text = text.trim_start_matches(|c: char| c == ':' || c.is_whitespace());
    numeric_prefix(text).or_else(|| written_date(text))
}

/// The words and numbers of a text, split at spaces, commas and dots between words
/// (`18.` stays `18`, `Juni` stays `Juni`).
fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| c.is_whitespace() || c == ',' || c == '/')
        .map(|t| t.trim_matches(|c: char| c == '.' || c == '(' || c == ')'))
        .filter(|t| !t.is_empty())
        .map(str::to_string)
}

/// A day of the month: `18`, `18th`, `1st`, `1er`, `1º`.
fn day_number(token: &str) -> Option<u32> {
    let digits: String = token.chars().take_while(char::is_ascii_digit).collect();
    let suffix = &token[digits.len()..];
    let suffix_ok = matches!(
        suffix.to_lowercase().as_str(),
        "" | "st" | "nd" | "rd" | "th" | "er" | "º" | "°" | "."
    );
    (suffix_ok && (1..=2).contains(&digits.len()))
        .then(|| digits.parse().ok())
        .flatten()
}

/// A four-digit year, perhaps followed by `г.` or a comma.
fn year(token: &str) -> Option<i32> {
    let digits: String = token.chars().take_while(char::is_ascii_digit).collect();
    (digits.len() == 4).then(|| digits.parse().ok()).flatten()
}

/// `2018年6月18日` (Chinese, Japanese) or `2018년 6월 18일` (Korean).
fn east_asian_date(text: &str) -> Option<Date> {
    let mut numbers = [0u32; 3];
    let mut rest = text;
    for (n, marks) in numbers
        .iter_mut()
        .zip([["年", "년"], ["月", "월"], ["日", "일"]])
    {
        let digits_end = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        if digits_end == 0 || digits_end > 4 {
            return None;
        }
        *n = rest[..digits_end].parse().ok()?;
        rest = &rest[digits_end..];
        let mark = marks.iter().find(|m| rest.starts_with(**m))?;
        rest = rest[mark.len()..].trim_start();
    }
    day(i32::try_from(numbers[0]).ok()?, numbers[1], numbers[2])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_dates_in_many_languages() {
        let want = day(2018, 6, 18);
        for text in [
            "June 18, 2018",
            "June 18th 2018",
            "Jun. 18, 2018, 10:04 a.m.",
            "18 June 2018",
            "Monday, 18 June 2018",
            "Mon, 18 Jun 2018 10:00:00 +0000",
            "18 de junio de 2018",
            "lunes, 18 de junio de 2018",
            "18 de junho de 2018 às 20:13",
            "segunda-feira, 18 de junho de 2018",
            "18 juin 2018",
            "18. Juni 2018",
            "18 giugno 2018",
            "18 juni 2018",
            "18 июня 2018 г.",
            "2018年6月18日",
            "2018年06月18日 10:00",
            "2018년 6월 18일",
        ] {
            assert_eq!(written_date(text), want, "{text}");
        }
        assert_eq!(written_date("18 Smarch 2018"), None);
        assert_eq!(written_date("May the best team win"), None);
        assert_eq!(written_date("2018年13月18日"), None);
    }

    #[test]
    fn dates_found_inside_bylines() {
        assert_eq!(
            find_written_date("By A. Writer | Published 3 September 2015"),
            day(2015, 9, 3)
        );
        assert_eq!(
            find_written_date("Publicado el 18 de junio de 2018 por Redacción"),
            day(2018, 6, 18)
        );
        assert_eq!(
            find_written_date("Opinion: 2019-11-03 and later"),
            day(2019, 11, 3)
        );
        assert_eq!(find_written_date("By A. Writer"), None);
    }
}

//! The headline and the dateline: which line of a page reads as its title, and which
//! place a story's first paragraph is filed from (`ALMATY, Kazakhstan — ...`).

/// Whether a line reads as a headline: short, more than one word, not a sentence.
pub fn reads_as_headline(line: &str) -> bool {
    let words = line.split_whitespace().count();
    let ends_sentence = line.trim_end().ends_with(['.', ',', ';', ':']);
    (2..=25).contains(&words)
        && line.chars().count() <= 200
        && !ends_sentence
        && dateline_place(line).is_none()
}

/// The place of a leading dateline: `ALMATY, Kazakhstan — ...` gives
/// `Almaty, Kazakhstan`; `BISHKEK (Steppe Herald) - ...` gives `Bishkek`.
pub fn dateline_place(paragraph: &str) -> Option<String> {
    let (head, _) = [" — ", " – ", " - ", "—", " -- "]
        .iter()
        .filter_map(|dash| paragraph.split_once(dash))
        .min_by_key(|(head, _)| head.len())?;
    // Markdown emphasis around the place: `**AKTAU, Kazakhstan** —`.
    let head = head.replace(['*', '_'], "");
    let head = head.trim();
    if head.is_empty() || head.chars().count() > 60 {
        return None;
    }
    // Drop an agency in parentheses: `BISHKEK (Reuters)`.
    let head = match head.split_once('(') {
        Some((before, after)) if after.ends_with(')') => before.trim(),
        Some(_) => return None,
        None => head,
    };
    let mut parts = head.splitn(2, ',');
    let city = parts.next()?.trim();
    let region = parts.next().map(str::trim);
    let is_city = city.chars().any(|c| c.is_alphabetic())
        && city
            .chars()
            .all(|c| c.is_uppercase() || c == ' ' || c == '.' || c == '-' || c == '\'' || c == '’')
        && city.split_whitespace().count() <= 4;
    let is_region = |r: &str| {
        !r.is_empty()
            && r.split_whitespace().count() <= 4
            && r.chars()
                .all(|c| c.is_alphabetic() || c == ' ' || c == '.' || c == '-')
    };
    if !is_city || region.is_some_and(|r| !is_region(r)) {
        return None;
    }
    let city = title_case(city);
    Some(match region {
        Some(region) => format!("{city}, {region}"),
        None => city,
    })
}

/// `NUR-SULTAN` to `Nur-Sultan`, `ST. PETERSBURG` to `St. Petersburg`.
fn title_case(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut after_letter = false;
    for c in text.chars() {
        if after_letter {
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
        after_letter = c.is_alphabetic() || c == '\'' || c == '’';
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn datelines_in_the_usual_forms() {
        let place = |p: &str| dateline_place(p);
        assert_eq!(
            place("ALMATY, Kazakhstan — Farmers gathered"),
            Some("Almaty, Kazakhstan".into())
        );
        assert_eq!(
            place("BISHKEK (Steppe Herald) - The parliament"),
            Some("Bishkek".into())
        );
        assert_eq!(place("NUR-SULTAN — The capital"), Some("Nur-Sultan".into()));
        assert_eq!(
            place("ST. PETERSBURG, Russia – Ships"),
            Some("St. Petersburg, Russia".into())
        );
        assert_eq!(place("The minister — who spoke late — left"), None);
        assert_eq!(place("Farmers gathered in Almaty on Monday."), None);
        assert_eq!(place("UN report: 2 - 3 percent"), None);
        assert_eq!(
            place("**AKTAU, Kazakhstan** — For the first"),
            Some("Aktau, Kazakhstan".into())
        );
    }

    #[test]
    fn headlines_are_short_and_not_sentences() {
        assert!(reads_as_headline("Drought empties the Kapshagai reservoir"));
        assert!(reads_as_headline("Will the Steppe Railway ever run?"));
        assert!(!reads_as_headline(
            "The reservoir has dropped to a third of its volume."
        ));
        assert!(!reads_as_headline("ALMATY, Kazakhstan — The reservoir"));
        assert!(!reads_as_headline("Drought"));
    }
}

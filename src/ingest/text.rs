//! Plain-text articles (`.txt`, `.text`, `.md`): the optional metadata header block
//! (`Title:`, `Date:`, `URL:`, `Source:`) at the very top. Decoding the bytes is
//! [`super::decode`]'s, for every format.

use crate::extract::{Candidates, Field, Origin};

/// Keys a header block may hold; others (`Author:`) are allowed and ignored.
const KEYS: &[&str] = &["title", "date", "url", "source", "language", "lang"];

/// Most lines a header block may have.
const MAX_HEADER_LINES: usize = 12;

/// Splits a header block off the top of `text`: `Key: value` lines ended by a blank
/// line, with at least one known key. Returns the values found and the rest of the
/// text.
pub fn split_header(text: &str) -> (Candidates, &str) {
    let mut meta = Candidates::default();
    let mut known = 0;
    let mut offset = 0;
    for (n, line) in text.split_inclusive('\n').enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() {
            if n > 0 && known > 0 {
                return (meta, &text[offset + line.len()..]);
            }
            break;
        }
        let Some((key, value)) = trimmed.split_once(':') else {
            break;
        };
        let key = key.trim().to_ascii_lowercase();
        if n >= MAX_HEADER_LINES || key.is_empty() || key.contains(char::is_whitespace) {
            break;
        }
        let value = value.trim();
        if KEYS.contains(&key.as_str()) {
            known += 1;
            let field = match key.as_str() {
                "title" => Field::Title,
                "date" => Field::Date,
                "url" => Field::Url,
                "language" | "lang" => Field::Lang,
                _ => Field::Source,
            };
            meta.add(field, Origin::Header, value);
        }
        offset += line.len();
    }
    (Candidates::default(), text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_block_is_read_and_removed() {
        let text = "Title: Port strike ends\ndate: 2019-11-03\nURL: https://h.example/x\nAuthor: A. B.\n\nThe story.\n";
        let (meta, rest) = split_header(text);
        let value = |list: &[crate::extract::Candidate]| {
            assert!(list.iter().all(|c| c.origin == Origin::Header));
            list.first().map(|c| c.value.clone())
        };
        assert_eq!(value(&meta.titles).as_deref(), Some("Port strike ends"));
        assert_eq!(value(&meta.dates).as_deref(), Some("2019-11-03"));
        assert_eq!(value(&meta.urls).as_deref(), Some("https://h.example/x"));
        assert_eq!(rest, "The story.\n");
    }

    #[test]
    fn text_without_a_header_is_left_alone() {
        for text in [
            "Support us!\n\nHeadline\n",
            "Note: this is not a header\n\nstory",
            "Title: never ended by a blank line\nThe story starts here without a break.",
        ] {
            let (meta, rest) = split_header(text);
            assert_eq!(meta, Candidates::default());
            assert_eq!(rest, text);
        }
    }
}

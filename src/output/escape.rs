//! Text from scraped pages made safe for a terminal: control characters and
//! text-direction overrides escaped, and messages kept to one line of bounded length.

use std::borrow::Cow;

/// Escapes control characters and text-direction overrides, so that text from a
/// scraped page cannot move the cursor, change colours or reorder a terminal line.
pub fn sanitize(text: &str) -> Cow<'_, str> {
    let unsafe_char =
        |c: char| c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    if !text.chars().any(unsafe_char) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if unsafe_char(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// The longest message the command line prints, in characters.
const MESSAGE_CHARS: usize = 600;

/// A message for the terminal, on one line: [`sanitize`]d (a file name, a query or a
/// damaged file quoted in it cannot reach the terminal raw) and, past
/// `MESSAGE_CHARS`, cut in the middle so that both the start and the cause at the
/// end stay in view.
pub fn message(text: &str) -> String {
    let text = sanitize(text);
    let chars = text.chars().count();
    if chars <= MESSAGE_CHARS {
        return text.into_owned();
    }
    let head: String = text.chars().take(MESSAGE_CHARS * 2 / 3).collect();
    let tail: String = text.chars().skip(chars - MESSAGE_CHARS / 3).collect();
    format!(
        "{head} … ({} characters left out) … {tail}",
        chars - MESSAGE_CHARS
    )
}

/// Like [`sanitize`], but keeps line breaks and tabs, for multi-line text such as a body.
pub fn sanitize_block(text: &str) -> Cow<'_, str> {
    if !text.contains(['\n', '\t']) {
        return sanitize(text);
    }
    let lines: Vec<String> = text
        .split('\n')
        .map(|line| {
            line.split('\t')
                .map(sanitize)
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect();
    Cow::Owned(lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitize("plain title"), "plain title");
        assert_eq!(sanitize("evil\x1b[2Jtitle"), "evil\\u{1b}[2Jtitle");
        assert_eq!(sanitize("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(sanitize_block("one\n\ttwo\x07"), "one\n\ttwo\\u{7}");
    }
}

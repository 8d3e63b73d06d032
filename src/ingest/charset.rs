//! Decoding a web page's bytes into text: the charset its server declared, else the one
//! the page declares in a `<meta>` near its top, else the one its bytes look like.
//! Valid UTF-8 holding non-ASCII text is taken as UTF-8 whatever was declared: legacy
//! text is almost never valid UTF-8 by accident, while servers that call every page
//! `iso-8859-1` are common.

use encoding_rs::{Encoding, UTF_8};
use std::borrow::Cow;

/// How far into a page its `<meta>` charset is looked for, as browsers do.
const PRESCAN_BYTES: usize = 1024;

/// `bytes` decoded as text, with the charset a server `declared` (a label such as
/// `windows-1251`) if any; says which encoding was used.
pub fn decode_page<'a>(
    bytes: &'a [u8],
    declared: Option<&str>,
) -> (Cow<'a, str>, &'static Encoding) {
    let encoding = page_encoding(bytes, declared);
    let (text, used, _) = encoding.decode(bytes);
    (text, used)
}

/// The encoding of a page's `bytes`, by the order the module describes.
fn page_encoding(bytes: &[u8], declared: Option<&str>) -> &'static Encoding {
    let utf8 = std::str::from_utf8(bytes).is_ok();
    if utf8 && !bytes.is_ascii() {
        return UTF_8;
    }
    let stated = declared
        .and_then(|label| Encoding::for_label(label.trim().as_bytes()))
        .or_else(|| meta_charset(bytes));
    match stated {
        // A page declared UTF-8 that is not: what it really is must be guessed.
        Some(encoding) if encoding != UTF_8 || utf8 => encoding.output_encoding(),
        _ if utf8 => UTF_8,
        _ => {
            // The text is shown, never run: ISO-2022-JP may be guessed.
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Allow);
            detector.feed(bytes, true);
            detector.guess(None, chardetng::Utf8Detection::Allow)
        }
    }
}

/// The charset a page declares in its first [`PRESCAN_BYTES`]: `<meta charset=...>`
/// or `<meta http-equiv="Content-Type" content="text/html; charset=...">`.
fn meta_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&lower[from..], b"<meta") {
        let tag_start = from + at;
        let tag_end =
            memchr::memchr(b'>', &lower[tag_start..]).map_or(lower.len(), |e| tag_start + e);
        let tag = &lower[tag_start..tag_end];
        if let Some(label) = charset_param(tag) {
            if let Some(encoding) = Encoding::for_label(label) {
                return Some(encoding);
            }
        }
        from = tag_end;
    }
    None
}

/// The value after `charset=` in a tag or a header, without quotes.
fn charset_param(text: &[u8]) -> Option<&[u8]> {
    let at = memchr::memmem::find(text, b"charset")?;
    let rest = &text[at + "charset".len()..];
    let rest = rest
        .trim_ascii_start()
        .strip_prefix(b"=")?
        .trim_ascii_start();
    let rest = rest
        .strip_prefix(b"\"")
        .or_else(|| rest.strip_prefix(b"'"))
        .unwrap_or(rest);
    let end = rest
        .iter()
        .position(|b| !(b.is_ascii_alphanumeric() || b"-_:.".contains(b)))
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

/// The charset a `Content-Type` header value names, if any.
pub fn content_type_charset(content_type: &str) -> Option<&str> {
    let lower = content_type.to_ascii_lowercase();
    let label = charset_param(lower.as_bytes())?;
    // Same bytes, same place, in the original.
    let start = label.as_ptr() as usize - lower.as_ptr() as usize;
    content_type.get(start..start + label.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn declared_charsets_are_followed() {
        let cyrillic = b"<p>\xcf\xf0\xe8\xe2\xe5\xf2</p>";
        let (text, used) = decode_page(cyrillic, Some("windows-1251"));
        assert_eq!(
            (text.as_ref(), used.name()),
            ("<p>Привет</p>", "windows-1251")
        );
        let page = b"<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=KOI8-R\"></head><p>\xf0\xd2\xc9\xd7\xc5\xd4</p>";
        let (text, used) = decode_page(page, None);
        assert!(text.ends_with("<p>Привет</p>"), "{text}");
        assert_eq!(used.name(), "KOI8-R");
        let (text, _) = decode_page(b"<meta charset='iso-8859-1'><p>Caf\xe9</p>", None);
        assert!(text.ends_with("Café</p>"));
    }

    #[test]
    fn wrong_or_missing_charsets_are_guessed() {
        // Declared Latin-1, sent as UTF-8.
        let (text, used) = decode_page("<p>Café crème</p>".as_bytes(), Some("iso-8859-1"));
        assert_eq!((text.as_ref(), used), ("<p>Café crème</p>", UTF_8));
        // Declared UTF-8, sent as windows-1252.
        let latin = b"<p>Le caf\xe9 de la gare est ferm\xe9 depuis l'\xe9t\xe9 dernier.</p>";
        let (text, _) = decode_page(latin, Some("utf-8"));
        assert!(text.contains("café") && text.contains("été"), "{text}");
        // Nothing declared.
        let (text, _) = decode_page(latin, None);
        assert!(text.contains("fermé"), "{text}");
        let (text, used) = decode_page(b"<p>plain</p>", Some("no-such-charset"));
        assert_eq!((text.as_ref(), used), ("<p>plain</p>", UTF_8));
    }

    #[test]
    fn content_type_headers_name_their_charset() {
        assert_eq!(
            content_type_charset("text/html; charset=\"Shift_JIS\""),
            Some("Shift_JIS")
        );
        assert_eq!(
            content_type_charset("text/html;Charset=UTF-8"),
            Some("UTF-8")
        );
        assert_eq!(content_type_charset("text/html"), None);
    }
}

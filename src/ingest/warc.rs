//! Web archives (WARC 1.0 and 1.1, ISO 28500): the records of a `.warc` or `.warc.gz`
//! file, read one at a time from a stream (a gzip member per record, or the file
//! gzipped whole), and the HTML pages their responses hold.
//!
//! Written here rather than taken from the `warc` crate: its reader reads header
//! lines and blocks with `read_until` and no bound, so that one record whose header
//! never ends, or that claims gigabytes, is read whole into memory; a crawl's
//! videos and archives are skipped here without being held, and a record cut short
//! is told from a damaged one. HTTP heads are parsed by `httparse`.

use super::charset;
use flate2::bufread::MultiGzDecoder;
use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead, BufReader, Read};

/// The most bytes of a record's header block.
const MAX_HEADER: usize = 64 * 1024;
/// The largest record block read into memory; larger ones (videos, software) are
/// skipped unread.
pub const MAX_BLOCK: u64 = 32 << 20;
/// The most bytes a page's payload may decompress to.
const MAX_PAGE: u64 = 32 << 20;

/// Whether `path` names a web archive: `.warc`, `.warc.gz`.
pub fn is_archive_name(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

/// The records of a web archive, in the order they were written.
pub struct Records<R> {
    input: R,
    /// The number of the last record read (from 1).
    number: usize,
    /// Whether the archive ended or could not be read further.
    done: bool,
}

/// A reader of the records of a web archive read from `input`, gzipped (per record
/// or whole) or not, as its first bytes say.
pub fn records<'a>(
    input: impl Read + Send + 'a,
) -> io::Result<Records<Box<dyn BufRead + Send + 'a>>> {
    let mut buffered = BufReader::with_capacity(256 * 1024, input);
    let gzipped = buffered.fill_buf()?.starts_with(&[0x1f, 0x8b]);
    let input: Box<dyn BufRead + Send> = if gzipped {
        Box::new(BufReader::with_capacity(
            256 * 1024,
            MultiGzDecoder::new(buffered),
        ))
    } else {
        Box::new(buffered)
    };
    Ok(Records {
        input,
        number: 0,
        done: false,
    })
}

/// One record of a web archive.
#[derive(Debug)]
pub struct Record {
    /// Its place in the archive, from 1.
    pub number: usize,
    /// Its `WARC-Type`, lower-cased (`response`, `request`, `revisit` ...).
    pub kind: String,
    /// The address it captured (`WARC-Target-URI`).
    pub target: Option<String>,
    /// When it was captured (`WARC-Date`, as written).
    pub date: Option<String>,
    /// The type of its block (`application/http; msgtype=response`, `text/html`).
    pub content_type: Option<String>,
    /// Its block: the HTTP response of a `response` record, the page of a `resource`.
    pub block: Block,
}

/// A record's block.
#[derive(Debug)]
pub enum Block {
    /// Read whole.
    Read(Vec<u8>),
    /// Larger than [`MAX_BLOCK`]: skipped unread; its size.
    TooLarge(u64),
}

/// Why the records of an archive stop before its end, at the record `number`.
#[derive(Debug)]
pub enum RecordError {
    /// The archive ends inside a record: a crawl still being written, a cut download.
    Truncated {
        /// The record cut short.
        number: usize,
    },
    /// A record does not read as WARC, so that where the next one starts is unknown.
    Malformed {
        /// The record.
        number: usize,
        /// What is wrong with it.
        why: String,
    },
    /// The file or its compression could not be read.
    Damaged {
        /// The record being read.
        number: usize,
        /// What failed.
        error: io::Error,
    },
}

impl RecordError {
    /// The record the archive stops at.
    pub fn number(&self) -> usize {
        match self {
            RecordError::Truncated { number }
            | RecordError::Malformed { number, .. }
            | RecordError::Damaged { number, .. } => *number,
        }
    }
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RecordError::Truncated { number } => {
                write!(f, "record {number}: cut short (the archive ends inside it)")
            }
            RecordError::Malformed { number, why } => {
                write!(f, "record {number}: not a WARC record ({why})")
            }
            RecordError::Damaged { number, error } => {
                write!(f, "record {number}: unreadable ({error})")
            }
        }
    }
}

impl std::error::Error for RecordError {}

impl<R: BufRead> Iterator for Records<R> {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let next = self.read_record();
        if !matches!(next, Ok(Some(_))) {
            self.done = true;
        }
        next.transpose()
    }
}

/// What reading a line gave.
enum Line {
    /// The end of the archive, before any byte of the line.
    End,
    /// A line, with its end of line (or the archive's last bytes).
    Read,
    /// A line longer than the header block may be.
    TooLong,
}

impl<R: BufRead> Records<R> {
    fn read_record(&mut self) -> Result<Option<Record>, RecordError> {
        let number = self.number + 1;
        let damaged = |error: io::Error| match error.kind() {
            io::ErrorKind::UnexpectedEof => RecordError::Truncated { number },
            _ => RecordError::Damaged { number, error },
        };
        let malformed = |why: &str| RecordError::Malformed {
            number,
            why: why.to_string(),
        };
        // The version line, after the blank lines that end the record before.
        let mut line = Vec::new();
        loop {
            line.clear();
            match read_line(&mut self.input, &mut line, MAX_HEADER).map_err(damaged)? {
                Line::End => return Ok(None),
                Line::TooLong => return Err(malformed("no WARC version line")),
                Line::Read if line.trim_ascii().is_empty() => continue,
                Line::Read => break,
            }
        }
        if !line.starts_with(b"WARC/") {
            return Err(malformed("no WARC version line"));
        }
        self.number = number;
        let mut record = Record {
            number,
            kind: String::new(),
            target: None,
            date: None,
            content_type: None,
            block: Block::TooLarge(0),
        };
        let mut length = None;
        let mut header_bytes = line.len();
        let mut last_name = None;
        loop {
            line.clear();
            match read_line(&mut self.input, &mut line, MAX_HEADER).map_err(damaged)? {
                Line::End => return Err(RecordError::Truncated { number }),
                Line::TooLong => return Err(malformed("a header line past 64 KiB")),
                Line::Read => {}
            }
            header_bytes += line.len();
            if header_bytes > MAX_HEADER {
                return Err(malformed("a header block past 64 KiB"));
            }
            if line.trim_ascii().is_empty() {
                break;
            }
            let text = String::from_utf8_lossy(&line);
            // A line that starts with a space continues the header before.
            if text.starts_with([' ', '\t']) {
                if let Some(value) = last_name.and_then(|name| record.field_mut(name)) {
                    value.push(' ');
                    value.push_str(text.trim());
                }
                continue;
            }
            let Some((name, value)) = text.split_once(':') else {
                return Err(malformed("a header line without a name"));
            };
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_string());
            last_name = None;
            match name.as_str() {
                "content-length" => {
                    length = Some(
                        value
                            .parse::<u64>()
                            .map_err(|_| malformed("an unreadable Content-Length"))?,
                    );
                }
                "warc-type" => {
                    record.kind = value.to_ascii_lowercase();
                }
                "warc-target-uri" => {
                    // WARC/1.0 allowed the address within angle brackets.
                    let value = value.trim_start_matches('<').trim_end_matches('>');
                    record.target = Some(value.to_string());
                    last_name = Some(Header::Target);
                }
                "warc-date" => record.date = Some(value),
                "content-type" => {
                    record.content_type = Some(value);
                    last_name = Some(Header::ContentType);
                }
                _ => {}
            }
        }
        let length = length.ok_or_else(|| malformed("no Content-Length"))?;
        let mut block = (&mut self.input).take(length);
        if length > MAX_BLOCK {
            let skipped = io::copy(&mut block, &mut io::sink()).map_err(damaged)?;
            if skipped < length {
                return Err(RecordError::Truncated { number });
            }
            record.block = Block::TooLarge(length);
        } else {
            let mut bytes = Vec::with_capacity(length.min(1 << 20) as usize);
            block.read_to_end(&mut bytes).map_err(damaged)?;
            if (bytes.len() as u64) < length {
                return Err(RecordError::Truncated { number });
            }
            record.block = Block::Read(bytes);
        }
        Ok(Some(record))
    }
}

/// The headers a continuation line may extend.
#[derive(Clone, Copy)]
enum Header {
    Target,
    ContentType,
}

impl Record {
    fn field_mut(&mut self, header: Header) -> Option<&mut String> {
        match header {
            Header::Target => self.target.as_mut(),
            Header::ContentType => self.content_type.as_mut(),
        }
    }
}

/// Reads a line into `line` (its end of line kept), refusing one past `max` bytes.
fn read_line(input: &mut impl BufRead, line: &mut Vec<u8>, max: usize) -> io::Result<Line> {
    let mut read_any = false;
    loop {
        let available = input.fill_buf()?;
        if available.is_empty() {
            return Ok(if read_any { Line::Read } else { Line::End });
        }
        let (take, ended) = match memchr::memchr(b'\n', available) {
            Some(at) => (at + 1, true),
            None => (available.len(), false),
        };
        if line.len() + take > max {
            return Ok(Line::TooLong);
        }
        line.extend_from_slice(&available[..take]);
        input.consume(take);
        read_any = true;
        if ended {
            return Ok(Line::Read);
        }
    }
}

/// A page captured in a web archive.
#[derive(Debug)]
pub struct ArchivedPage {
    /// The address it was captured from.
    pub target: Option<String>,
    /// When it was captured (`WARC-Date`, as written).
    pub captured: Option<String>,
    /// Its HTML, decoded.
    pub html: String,
    /// A hash of its payload, to tell a page captured again unchanged.
    pub digest: u64,
}

/// Why a record gives no page; [`Skip::name`] counts them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Skip {
    /// A record of another kind than `response` and `resource` (`request`,
    /// `metadata`, `warcinfo`, `revisit` ...).
    Kind(String),
    /// A response other than 2xx.
    Status,
    /// A payload that is not HTML.
    NotHtml,
    /// A block or payload past the size read.
    TooLarge,
    /// A payload repeating one read before in the archive.
    Repeated,
    /// A page showing no text.
    Empty,
    /// A payload that could not be read, and why.
    Unreadable(String),
}

impl Skip {
    /// How `count` records skipped for this reason are counted: `2 revisit records`,
    /// `1 not HTML`.
    pub fn counted(&self, count: usize) -> String {
        let s = if count == 1 { "" } else { "s" };
        match self {
            Skip::Kind(kind) if kind.is_empty() => format!("{count} record{s} without a type"),
            Skip::Kind(kind) => format!("{count} {kind} record{s}"),
            other => format!("{count} {}", other.name()),
        }
    }

    /// What the records skipped for this reason are counted under.
    fn name(&self) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Skip::Kind(kind) => kind,
            Skip::Status => "not a 2xx response",
            Skip::NotHtml => "not HTML",
            Skip::TooLarge => "too large",
            Skip::Repeated => "repeated payload",
            Skip::Empty => "no text",
            Skip::Unreadable(_) => "unreadable payload",
        })
    }
}

/// The page a record holds: the HTML of a 2xx `response`, or of a `resource`.
pub fn page(record: Record) -> Result<ArchivedPage, Skip> {
    let Block::Read(block) = record.block else {
        return Err(Skip::TooLarge);
    };
    let payload = match record.kind.as_str() {
        "response" if block.starts_with(b"HTTP/") => http_payload(&block)?,
        "response" => return Err(Skip::NotHtml),
        "resource" => {
            let content_type = record.content_type.as_deref();
            if !is_html(content_type, &block) {
                return Err(Skip::NotHtml);
            }
            Payload {
                bytes: block,
                charset: content_type
                    .and_then(charset::content_type_charset)
                    .map(String::from),
            }
        }
        _ => return Err(Skip::Kind(record.kind)),
    };
    let digest = xxhash_rust::xxh3::xxh3_64(&payload.bytes);
    let (html, _) = charset::decode_page(&payload.bytes, payload.charset.as_deref());
    Ok(ArchivedPage {
        target: record.target,
        captured: record.date,
        html: html.into_owned(),
        digest,
    })
}

/// An HTML payload and the charset its headers declared.
struct Payload {
    bytes: Vec<u8>,
    charset: Option<String>,
}

/// The HTML payload of an HTTP response: de-chunked, decompressed.
fn http_payload(block: &[u8]) -> Result<Payload, Skip> {
    let mut headers = [httparse::EMPTY_HEADER; 128];
    let mut response = httparse::Response::new(&mut headers);
    let mut config = httparse::ParserConfig::default();
    config
        .allow_spaces_after_header_name_in_responses(true)
        .allow_obsolete_multiline_headers_in_responses(true)
        .ignore_invalid_headers_in_responses(true);
    let head = match config.parse_response(&mut response, block) {
        Ok(httparse::Status::Complete(head)) => head,
        Ok(httparse::Status::Partial) => {
            return Err(Skip::Unreadable("HTTP head cut short".into()))
        }
        Err(err) => return Err(Skip::Unreadable(format!("HTTP head: {err}"))),
    };
    if !response.code.is_some_and(|code| (200..300).contains(&code)) {
        return Err(Skip::Status);
    }
    let header = |name: &str| {
        response
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| String::from_utf8_lossy(h.value).trim().to_string())
    };
    let content_type = header("content-type");
    let body = &block[head..];
    let chunked =
        header("transfer-encoding").is_some_and(|t| t.to_ascii_lowercase().contains("chunked"));
    let body = match chunked.then(|| dechunk(body)).flatten() {
        Some(joined) => joined,
        // Some crawlers store the payload as it was after de-chunking.
        None => body.to_vec(),
    };
    let encoding = header("content-encoding")
        .unwrap_or_default()
        .to_ascii_lowercase();
    let body = decompress(body, &encoding)?;
    if !is_html(content_type.as_deref(), &body) {
        return Err(Skip::NotHtml);
    }
    Ok(Payload {
        bytes: body,
        charset: content_type
            .as_deref()
            .and_then(charset::content_type_charset)
            .map(String::from),
    })
}

/// The body of a chunked transfer joined, or `None` if it does not read as chunks. A
/// body cut within its chunks gives what it holds.
fn dechunk(mut body: &[u8]) -> Option<Vec<u8>> {
    let mut joined = Vec::with_capacity(body.len());
    let mut first = true;
    loop {
        let (head, size) = match httparse::parse_chunk_size(body) {
            Ok(httparse::Status::Complete(chunk)) => chunk,
            _ if first => return None,
            _ => return Some(joined),
        };
        first = false;
        if size == 0 {
            return Some(joined);
        }
        let data = &body[head..];
        let size = usize::try_from(size).unwrap_or(usize::MAX).min(data.len());
        joined.extend_from_slice(&data[..size]);
        body = &data[size..];
        body = body
            .strip_prefix(b"\r\n")
            .or_else(|| body.strip_prefix(b"\n"))
            .unwrap_or(body);
    }
}

/// `body` decoded from its `Content-Encoding`, within [`MAX_PAGE`] bytes.
fn decompress(body: Vec<u8>, encoding: &str) -> Result<Vec<u8>, Skip> {
    let reader: Box<dyn Read + '_> = match encoding {
        "" | "identity" | "none" => return Ok(body),
        "gzip" | "x-gzip" => Box::new(flate2::read::MultiGzDecoder::new(&body[..])),
        "deflate" if body.first().is_some_and(|b| b & 0x0f == 8) => {
            Box::new(flate2::read::ZlibDecoder::new(&body[..]))
        }
        "deflate" => Box::new(flate2::read::DeflateDecoder::new(&body[..])),
        "br" => Box::new(brotli_decompressor::Decompressor::new(&body[..], 4096)),
        other => return Err(Skip::Unreadable(format!("content encoding `{other}`"))),
    };
    let mut decoded = Vec::new();
    let read = reader.take(MAX_PAGE + 1).read_to_end(&mut decoded);
    match read {
        Ok(_) if decoded.len() as u64 > MAX_PAGE => Err(Skip::TooLarge),
        Ok(_) => Ok(decoded),
        // Some crawlers store the payload decoded and keep the header.
        Err(_) if looks_like_html(&body) => Ok(body),
        Err(err) => Err(Skip::Unreadable(format!("{encoding} payload: {err}"))),
    }
}

/// Whether a payload of `content_type` is a page: HTML or XHTML, or, when the type is
/// missing or generic, a body that starts as HTML.
fn is_html(content_type: Option<&str>, body: &[u8]) -> bool {
    let mime = content_type
        .and_then(|t| t.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    match mime.as_str() {
        "text/html" | "application/xhtml+xml" => true,
        "" | "application/octet-stream" | "text/plain" | "unk" => looks_like_html(body),
        _ => false,
    }
}

/// Whether `body` starts as an HTML document.
fn looks_like_html(body: &[u8]) -> bool {
    let body = body
        .strip_prefix(b"\xef\xbb\xbf")
        .unwrap_or(body)
        .trim_ascii_start();
    let start = body[..body.len().min(64)].to_ascii_lowercase();
    start.starts_with(b"<!doctype html")
        || start.starts_with(b"<html")
        || start.starts_with(b"<head")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn record(kind: &str, extra: &str, block: &[u8]) -> Vec<u8> {
        let mut out = format!(
            "WARC/1.1\r\nWARC-Type: {kind}\r\nWARC-Date: 2024-03-05T10:00:00Z\r\n{extra}Content-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        out.extend_from_slice(block);
        out.extend_from_slice(b"\r\n\r\n");
        out
    }

    fn response(head: &str, body: &[u8]) -> Vec<u8> {
        let mut http = format!("HTTP/1.1 200 OK\r\n{head}\r\n").into_bytes();
        http.extend_from_slice(body);
        record(
            "response",
            "WARC-Target-URI: https://news.example/a\r\nContent-Type: application/http; msgtype=response\r\n",
            &http,
        )
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        encoder.write_all(bytes).unwrap();
        encoder.finish().unwrap()
    }

    fn read_all(bytes: &[u8]) -> Vec<Result<Record, RecordError>> {
        records(bytes).unwrap().collect()
    }

    const PAGE: &[u8] = b"<html><body><p>Hello</p></body></html>";

    #[test]
    fn records_are_read_plain_gzipped_per_record_and_whole() {
        let mut plain = record("warcinfo", "", b"software: test\r\n");
        plain.extend(response("Content-Type: text/html\r\n", PAGE));
        let mut per_record = gzip(&record("warcinfo", "", b"software: test\r\n"));
        per_record.extend(gzip(&response("Content-Type: text/html\r\n", PAGE)));
        for bytes in [plain.clone(), per_record, gzip(&plain)] {
            let read: Vec<Record> = read_all(&bytes).into_iter().map(Result::unwrap).collect();
            assert_eq!(read.len(), 2);
            assert_eq!((read[0].number, read[0].kind.as_str()), (1, "warcinfo"));
            assert_eq!(read[1].target.as_deref(), Some("https://news.example/a"));
            let got = page(read.into_iter().nth(1).unwrap()).unwrap();
            assert_eq!(got.html.as_bytes(), PAGE);
            assert_eq!(got.captured.as_deref(), Some("2024-03-05T10:00:00Z"));
        }
    }

    #[test]
    fn a_cut_archive_gives_the_records_before_the_cut() {
        let mut bytes = response("Content-Type: text/html\r\n", PAGE);
        let second = response("Content-Type: text/html\r\n", PAGE);
        bytes.extend_from_slice(&second[..second.len() - 20]);
        let read = read_all(&bytes);
        assert_eq!(read.len(), 2);
        assert!(read[0].is_ok());
        assert!(matches!(read[1], Err(RecordError::Truncated { number: 2 })));
        // Cut inside a gzip member.
        let mut gzipped = gzip(&response("Content-Type: text/html\r\n", PAGE));
        let member = gzip(&second);
        gzipped.extend_from_slice(&member[..member.len() / 2]);
        let read = read_all(&gzipped);
        assert_eq!(read.len(), 2, "{read:?}");
        assert!(read[0].is_ok());
        assert!(
            matches!(read[1], Err(RecordError::Truncated { number: 2 })),
            "{read:?}"
        );
    }

    #[test]
    fn hostile_records_are_refused_without_reading_them_whole() {
        let endless = vec![b'W'; 200_000];
        assert!(matches!(
            read_all(&endless)[..],
            [Err(RecordError::Malformed { .. })]
        ));
        let huge = b"WARC/1.0\r\nWARC-Type: resource\r\nContent-Length: 99999999999\r\n\r\nshort";
        assert!(matches!(
            read_all(huge)[..],
            [Err(RecordError::Truncated { number: 1 })]
        ));
        let no_length = b"WARC/1.0\r\nWARC-Type: resource\r\n\r\n";
        assert!(matches!(
            read_all(no_length)[..],
            [Err(RecordError::Malformed { .. })]
        ));
        assert!(read_all(b"").is_empty());
        assert!(read_all(b"\r\n\r\n").is_empty());
    }

    #[test]
    fn payloads_are_dechunked_and_decompressed() {
        let chunked = b"f\r\n<html><body><p>\r\n17\r\nHello</p></body></html>\r\n0\r\n\r\n";
        let read = read_all(&response(
            "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n",
            chunked,
        ));
        let got = page(read.into_iter().next().unwrap().unwrap()).unwrap();
        assert_eq!(got.html.as_bytes(), PAGE);

        let mut deflated = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
        deflated.write_all(PAGE).unwrap();
        for (encoding, body) in [
            ("gzip", gzip(PAGE)),
            ("deflate", deflated.finish().unwrap()),
            ("br", brotli_stored(PAGE)),
        ] {
            let head = format!(
                "Content-Type: text/html; charset=utf-8\r\nContent-Encoding: {encoding}\r\n"
            );
            let read = read_all(&response(&head, &body));
            let got = page(read.into_iter().next().unwrap().unwrap()).unwrap();
            assert_eq!(got.html.as_bytes(), PAGE, "{encoding}");
        }
    }

    /// `data` (under 65,536 bytes) as a brotli stream of one uncompressed meta-block.
    fn brotli_stored(data: &[u8]) -> Vec<u8> {
        // Window bits 16 (one 0 bit); a meta-block: not last, 4 nibbles of
        // MLEN-1, uncompressed; then an empty last meta-block.
        let mut bits: Vec<bool> = vec![false];
        bits.push(false); // ISLAST
        bits.extend([false, false]); // MNIBBLES = 4
        let len = data.len() - 1;
        bits.extend((0..16).map(|i| len >> i & 1 == 1));
        bits.push(true); // ISUNCOMPRESSED
        let mut out = Vec::new();
        let mut byte = 0u8;
        for (i, bit) in bits.iter().enumerate() {
            byte |= u8::from(*bit) << (i % 8);
            if i % 8 == 7 {
                out.push(byte);
                byte = 0;
            }
        }
        if !bits.len().is_multiple_of(8) {
            out.push(byte);
        }
        out.extend_from_slice(data);
        out.push(0b11); // ISLAST, ISLASTEMPTY
        out
    }

    #[test]
    fn what_is_not_a_page_is_skipped_and_named() {
        let not_found = {
            let http = b"HTTP/1.1 404 Not Found\r\nContent-Type: text/html\r\n\r\n<html></html>";
            record(
                "response",
                "Content-Type: application/http; msgtype=response\r\n",
                http,
            )
        };
        let image = response("Content-Type: image/png\r\n", b"\x89PNG");
        let request = record("request", "", b"GET / HTTP/1.1\r\n\r\n");
        let resource = record(
            "resource",
            "Content-Type: text/html; charset=windows-1252\r\n",
            b"<html><p>caf\xe9</p></html>",
        );
        let mut bytes = Vec::new();
        for part in [&not_found, &image, &request, &resource] {
            bytes.extend_from_slice(part);
        }
        let pages: Vec<Result<ArchivedPage, Skip>> = read_all(&bytes)
            .into_iter()
            .map(|r| page(r.unwrap()))
            .collect();
        assert_eq!(pages[0].as_ref().unwrap_err(), &Skip::Status);
        assert_eq!(pages[1].as_ref().unwrap_err(), &Skip::NotHtml);
        assert_eq!(
            pages[2].as_ref().unwrap_err().counted(7),
            "7 request records"
        );
        assert!(pages[3].as_ref().unwrap().html.contains("café"));
    }
}

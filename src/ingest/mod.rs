//! Ingest: finding article files under the paths given, and reading each format into
//! raw articles (their text, and every value found for each field, tagged with where
//! it was found), which the [`crate::extract`] step turns into articles.

mod archive;
mod charset;
mod html;
mod json;
mod manifest;
mod nesting;
mod text;
pub mod warc;

pub use crate::extract::{Extracted, Indexed, SiteHints};
pub use archive::{stream_archive, Streamed};
pub use manifest::{ManifestEntry, Manifests, MANIFEST_NAME};
pub use text::split_header;

use crate::clean::{self, learned::Learned};
use crate::extract::{self, RawArticle};
use anyhow::{bail, Context, Result};
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use walkdir::WalkDir;

/// How a file is read, chosen by its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.txt`, `.text`, `.md`: one raw article.
    Text,
    /// `.jsonl`, `.ndjson`: one JSON article a line.
    JsonLines,
    /// `.json`: one JSON article or an array of them.
    Json,
    /// `.html`, `.htm`: a saved news page.
    Html,
    /// `.warc`, `.warc.gz`: a web archive, one article a captured page, read as a
    /// stream.
    Warc,
}

impl Format {
    /// The format of `path`, or `None` for files that are not articles.
    pub fn of(path: &Path) -> Option<Format> {
        if path.file_name().is_some_and(|n| n == MANIFEST_NAME) {
            return None;
        }
        if path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(warc::is_archive_name)
        {
            return Some(Format::Warc);
        }
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "txt" | "text" | "md" => Some(Format::Text),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "json" => Some(Format::Json),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            _ => None,
        }
    }
}

/// One article file found by [`walk`], and the indexed path it was found under.
#[derive(Debug, Clone)]
pub struct CorpusFile {
    /// The file.
    pub path: PathBuf,
    /// The path given to `dateline index` that led to it (shared by its files).
    pub root: Arc<Path>,
    /// How it is read.
    pub format: Format,
}

/// One thing [`walk`] found under the paths given, handed over as it is found.
#[derive(Debug)]
pub enum Walked {
    /// An article file.
    File(CorpusFile),
    /// A file that is not an article.
    Skipped(PathBuf),
    /// A symbolic link not followed.
    Link(PathBuf),
    /// A path that could not be walked (an unreadable folder, a link loop), with why.
    Unwalkable(PathBuf, String),
    /// A manifest, or a line of one, that could not be read, with why.
    ManifestProblem(PathBuf, String),
}

/// Finds the article files under `roots`, skipping hidden folders and `exclude` (the
/// index itself, when it lies inside the corpus), and hands each to `found` as it is
/// found, in file-name order, so that nothing grows with the corpus. Returns the
/// manifests of the folders walked. Symbolic links are listed and not followed unless
/// `follow_links`: a link can lead anywhere (`/etc`), and one that stays in the
/// corpus leads to files read anyway. The first error `found` returns stops the walk.
pub fn walk<E>(
    roots: &[PathBuf],
    exclude: Option<&Path>,
    follow_links: bool,
    found: &mut dyn FnMut(Walked) -> Result<(), E>,
) -> Result<Manifests, E> {
    let mut manifests = Manifests::default();
    for root in roots {
        let shared_root: Arc<Path> = Arc::from(root.as_path());
        let entries = WalkDir::new(root)
            .follow_links(follow_links)
            .sort_by_file_name()
            .into_iter()
            .filter_entry(|entry| {
                let hidden = entry.depth() > 0
                    && entry
                        .file_name()
                        .to_str()
                        .is_some_and(|n| n.starts_with('.'));
                !hidden && exclude.is_none_or(|ex| !leads_to(entry, ex))
            });
        for entry in entries {
            let entry = match entry {
                Ok(entry) => entry,
                Err(err) => {
                    let path = err.path().unwrap_or(root).to_path_buf();
                    let reason = match err.loop_ancestor() {
                        Some(_) => "symbolic link loop".to_string(),
                        None => err
                            .io_error()
                            .map_or_else(|| err.to_string(), |e| e.to_string()),
                    };
                    found(Walked::Unwalkable(path, reason))?;
                    continue;
                }
            };
            if entry.path_is_symlink() && !follow_links {
                found(Walked::Link(entry.into_path()))?;
                continue;
            }
            if !entry.file_type().is_file() {
                continue;
            }
            let path = entry.into_path();
            if path.file_name().is_some_and(|n| n == MANIFEST_NAME) {
                match manifests.load(&path) {
                    Ok(problems) => {
                        for problem in problems {
                            found(Walked::ManifestProblem(path.clone(), problem))?;
                        }
                    }
                    Err(err) => found(Walked::ManifestProblem(path, format!("{err:#}")))?,
                }
                continue;
            }
            found(match Format::of(&path) {
                Some(format) => Walked::File(CorpusFile {
                    path,
                    root: Arc::clone(&shared_root),
                    format,
                }),
                None => Walked::Skipped(path),
            })?;
        }
    }
    Ok(manifests)
}

/// Whether the walk's `entry` is the folder `target` (canonical), under its own name
/// or through a link.
fn leads_to(entry: &walkdir::DirEntry, target: &Path) -> bool {
    entry.path() == target
        || (entry.path_is_symlink() && entry.path().canonicalize().is_ok_and(|p| p == target))
}

/// What one file gave: its articles, and problems with parts of it that were skipped
/// (a bad line of a JSON-lines file, an unreadable date).
#[derive(Debug, Default)]
pub struct Parsed {
    /// The articles read.
    pub articles: Vec<Extracted>,
    /// One message per part of the file that could not be used (a bad JSON line).
    pub problems: Vec<String>,
    /// Remarks that did not cost any text, such as a stated date that could not be read.
    pub notes: Vec<String>,
    /// Whether the file was not valid UTF-8 and was decoded with replacement characters.
    pub lossy: bool,
    /// The raw articles, when [`ReadContext::keep_raw`] asked for them.
    pub raw: Option<RawFile>,
}

/// Decodes a file's bytes as text: binary files (NUL bytes) are refused, invalid UTF-8
/// is decoded with replacement characters.
pub fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, bool)> {
    if bytes.contains(&0) {
        bail!("binary file (contains NUL bytes), not a text article");
    }
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    // Validating first is several times faster than the lossy decoder on valid text.
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((Cow::Borrowed(text), false));
    }
    Ok((String::from_utf8_lossy(bytes), true))
}

/// How a file's articles are read besides the file itself.
#[derive(Debug, Clone, Copy, Default)]
pub struct ReadContext<'a> {
    /// The file's entry in its folder's manifest.
    pub manifest: Option<&'a ManifestEntry>,
    /// How each of its articles is built (learned lines, site hints, the index's
    /// record).
    pub article: extract::Context<'a>,
    /// Whether to keep the raw articles, their lines judged, in [`Parsed::raw`], to
    /// build them again later without reading or judging anything twice.
    pub keep_raw: bool,
    /// How the lines of the file's articles were judged when it was read before,
    /// unchanged since (see [`RawFile::into_judged`]).
    pub judged: Option<&'a JudgedFile>,
}

/// A file's articles as its format gave them, before they are cleaned.
#[derive(Debug, Clone)]
pub struct RawFile {
    format: Format,
    articles: Vec<RawArticle>,
    /// Parts that could not be read, with the line or item they are of (0 for a file
    /// of one article).
    problems: Vec<(usize, String)>,
    /// Remarks on the file as a whole (what a web archive held besides pages).
    notes: Vec<String>,
}

impl RawFile {
    /// The raw articles of a web archive's pages, kept to be built again.
    pub fn archive(articles: Vec<RawArticle>) -> RawFile {
        RawFile {
            format: Format::Warc,
            articles,
            problems: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// How its articles' lines were judged, without their text: what reading the
    /// unchanged file again needs not do twice.
    pub fn into_judged(self) -> JudgedFile {
        JudgedFile(self.articles.into_iter().map(|a| a.judged).collect())
    }

    /// Roughly how many bytes it takes in memory.
    pub fn approximate_size(&self) -> usize {
        let problems = self.problems.iter().map(|(_, p)| p.len()).sum::<usize>()
            + self.notes.iter().map(String::len).sum::<usize>();
        self.articles
            .iter()
            .map(RawArticle::approximate_size)
            .sum::<usize>()
            + problems
    }
}

/// How the lines of each raw article of a file were judged.
#[derive(Debug, Clone)]
pub struct JudgedFile(Vec<Option<clean::Judged>>);

impl JudgedFile {
    /// Roughly how many bytes it takes in memory.
    pub fn approximate_size(&self) -> usize {
        self.0
            .iter()
            .map(|j| j.as_ref().map_or(0, clean::Judged::approximate_size))
            .sum::<usize>()
            + self.0.len() * std::mem::size_of::<Option<clean::Judged>>()
    }
}

/// Reads the articles of one file from its bytes. An error means nothing in the file
/// could be used.
pub fn parse(file: &CorpusFile, bytes: &[u8], context: ReadContext) -> Result<Parsed> {
    let (raw, lossy) = match file.format {
        Format::Warc => (archive::read_archive(bytes, context.manifest)?, false),
        Format::Html => (read_page(bytes, context.manifest)?, false),
        _ => {
            let (text, lossy) = decode(bytes)?;
            (read_raw(file.format, &text, context.manifest)?, lossy)
        }
    };
    parse_raw(file, raw, lossy, context)
}

/// Reads the articles of a web archive from its file, as a stream, into memory (as
/// `dateline clean` shows them). An error means nothing in it could be used.
pub fn parse_archive(file: &CorpusFile, context: ReadContext) -> Result<Parsed> {
    let mut articles = Vec::new();
    let streamed = stream_archive(file, context, &mut |extracted, _| {
        articles.push(extracted);
        Ok(())
    })?;
    Ok(Parsed {
        articles,
        problems: streamed.problems,
        notes: streamed.notes,
        ..Parsed::default()
    })
}

/// Builds the articles of a file's raw articles, judging their lines first when
/// `context` asks to keep them.
fn parse_raw(
    file: &CorpusFile,
    mut raw: RawFile,
    lossy: bool,
    context: ReadContext,
) -> Result<Parsed> {
    if let Some(JudgedFile(judged)) = context.judged {
        if judged.len() == raw.articles.len() {
            for (article, judged) in raw.articles.iter_mut().zip(judged) {
                article.judged.clone_from(judged);
            }
        }
    }
    if context.keep_raw {
        for article in raw.articles.iter_mut().filter(|a| a.judged.is_none()) {
            article.judged = Some(clean::Judged::of(&article.text));
        }
    }
    let mut parsed = build(file, &raw, context.article)?;
    parsed.lossy = lossy;
    parsed.raw = context.keep_raw.then_some(raw);
    Ok(parsed)
}

/// Reads the raw articles of a file's text, with the values its manifest entry states.
fn read_raw(format: Format, text: &str, manifest: Option<&ManifestEntry>) -> Result<RawFile> {
    let mut raw = RawFile {
        format,
        articles: Vec::new(),
        problems: Vec::new(),
        notes: Vec::new(),
    };
    let add = |candidates, text, line| {
        let mut article = RawArticle {
            candidates,
            text,
            line,
            captured: None,
            judged: None,
        };
        if let Some(entry) = manifest {
            entry.add_to(&mut article.candidates);
        }
        article
    };
    match format {
        Format::Text => {
            let (candidates, body) = split_header(text);
            // A header with a title and no text below is its headline.
            let text = if !body.trim().is_empty() {
                body.to_string()
            } else if let Some(title) = candidates.titles.first() {
                title.value.clone()
            } else {
                bail!("empty article: no text");
            };
            raw.articles.push(add(candidates, text, None));
        }
        Format::Html => {
            let page = html::read(text);
            if page.text.trim().is_empty() {
                bail!("no text in the page: it shows nothing to read");
            }
            raw.articles.push(add(page.candidates, page.text, None));
        }
        Format::JsonLines => {
            for (n, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let record = serde_json::from_str(line)
                    .map_err(|e| format!("invalid JSON: {e}"))
                    .and_then(|value| json::record(&value));
                match record {
                    Ok((candidates, body)) => {
                        raw.articles.push(add(candidates, body, Some(n + 1)));
                    }
                    Err(problem) => raw
                        .problems
                        .push((n + 1, format!("line {}: {problem}", n + 1))),
                }
            }
            if raw.articles.is_empty() {
                match raw.problems.first() {
                    Some((_, first)) => bail!("no readable article ({first})"),
                    None => bail!("empty file: no JSON lines"),
                }
            }
        }
        Format::Warc => return archive::read_archive(text.as_bytes(), manifest),
        Format::Json => {
            let value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| anyhow::anyhow!("invalid JSON: {e}"))?;
            let items = match value {
                serde_json::Value::Array(items) => items,
                other => vec![other],
            };
            let several = items.len() > 1;
            for (n, item) in items.iter().enumerate() {
                match json::record(item) {
                    Ok((candidates, body)) => {
                        raw.articles
                            .push(add(candidates, body, several.then_some(n + 1)));
                    }
                    Err(problem) => raw
                        .problems
                        .push((n + 1, format!("item {}: {problem}", n + 1))),
                }
            }
            if raw.articles.is_empty() {
                bail!(
                    "no readable article ({})",
                    raw.problems
                        .first()
                        .map_or("empty array", |(_, p)| p.as_str())
                );
            }
        }
    }
    Ok(raw)
}

/// Reads a saved page in the charset it declares (or, declaring none, the one its
/// bytes look like).
fn read_page(bytes: &[u8], manifest: Option<&ManifestEntry>) -> Result<RawFile> {
    if bytes.contains(&0) {
        bail!("binary file (contains NUL bytes), not a text article");
    }
    let (text, encoding) = charset::decode_page(bytes, None);
    let mut raw = read_raw(Format::Html, &text, manifest)?;
    if encoding != encoding_rs::UTF_8 && !bytes.is_ascii() {
        raw.notes
            .push(format!("not UTF-8: decoded as {}", encoding.name()));
    }
    Ok(raw)
}

/// Builds the articles of a file from its raw articles: extracts and cleans each.
/// An error means none is left.
pub fn build(file: &CorpusFile, raw: &RawFile, context: extract::Context) -> Result<Parsed> {
    let mut parsed = Parsed {
        notes: raw.notes.clone(),
        ..Parsed::default()
    };
    let mut problems = raw.problems.clone();
    for article in &raw.articles {
        let built = build_one(file, article, context);
        parsed.notes.extend(built.note);
        match built.article {
            Some(extracted) => parsed.articles.push(extracted),
            None => problems.push((article.line.unwrap_or(0), built.problem)),
        }
    }
    // In the order of the file.
    problems.sort_by_key(|(n, _)| *n);
    parsed.problems = problems.into_iter().map(|(_, problem)| problem).collect();
    if parsed.articles.is_empty() {
        match raw.format {
            Format::Text => bail!("empty article: {NOTHING_LEFT}"),
            Format::Html => bail!("no text in the page: {NOTHING_LEFT}"),
            Format::JsonLines | Format::Json | Format::Warc => bail!(
                "no readable article ({})",
                parsed.problems.first().map_or(NOTHING_LEFT, String::as_str)
            ),
        }
    }
    Ok(parsed)
}

/// One raw article built: the article, or why there is none, and a remark on it.
pub(crate) struct Built {
    /// The article, unless cleaning left nothing of it.
    pub(crate) article: Option<Extracted>,
    /// Why there is no article.
    pub(crate) problem: String,
    /// A remark that cost no text (an unreadable date).
    pub(crate) note: Option<String>,
}

/// Extracts and cleans one raw article of `file`. A story the cleaning emptied
/// leaves its headline for its text; with no headline either, there is no article.
pub(crate) fn build_one(file: &CorpusFile, raw: &RawArticle, context: extract::Context) -> Built {
    let (mut extracted, note) = extract::article(raw, file, context);
    let at = match (raw.line, file.format) {
        (Some(n), Format::Warc) => format!("record {n}: "),
        (Some(n), _) => format!("line {n}: "),
        (None, _) => String::new(),
    };
    let note = note.map(|note| format!("{at}{note}"));
    if extracted.article.body.trim().is_empty() {
        if extracted.title_from_file_name {
            return Built {
                article: None,
                problem: format!("{at}{NOTHING_LEFT}"),
                note,
            };
        }
        extracted.article.body = extracted.article.title.clone();
    }
    Built {
        article: Some(extracted),
        problem: String::new(),
        note,
    }
}

/// Why an article whose whole text was boilerplate is not indexed.
const NOTHING_LEFT: &str = "no text is left once the boilerplate is dropped";

/// Reads one file on its own, with its folder's manifest, as `dateline clean` does;
/// `learned`, `indexed` and `undated_use_captured` are as in [`extract::Context`].
pub fn read_one(
    path: &Path,
    learned: Option<&Learned>,
    indexed: Option<&Indexed>,
    undated_use_captured: bool,
) -> Result<Parsed> {
    let format = Format::of(path).ok_or_else(|| {
        anyhow::anyhow!(
            "{} is not an article file: dateline reads .txt, .text, .md, .html, .htm, .jsonl, .ndjson, .json, .warc and .warc.gz",
            path.display()
        )
    })?;
    let mut manifests = Manifests::default();
    let manifest_problems = manifests.load_beside(path)?;
    let file = CorpusFile {
        path: path.to_path_buf(),
        root: Arc::from(path.parent().unwrap_or(Path::new(""))),
        format,
    };
    let manifest = manifests.entry(path);
    let context = ReadContext {
        manifest: manifest.as_deref(),
        article: extract::Context {
            learned,
            indexed,
            undated_use_captured,
            ..extract::Context::default()
        },
        keep_raw: false,
        judged: None,
    };
    let parsed = if format == Format::Warc {
        parse_archive(&file, context)
    } else {
        let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        parse(&file, &bytes, context)
    };
    let mut parsed = parsed.with_context(|| format!("cannot read {}", path.display()))?;
    parsed.notes.extend(
        manifest_problems
            .into_iter()
            .map(|p| format!("{MANIFEST_NAME} {p}")),
    );
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{date, DateSource};

    fn file(path: &str, format: Format) -> CorpusFile {
        CorpusFile {
            path: PathBuf::from(path),
            root: Arc::from(Path::new("corpus")),
            format,
        }
    }

    #[test]
    fn formats_by_extension() {
        assert_eq!(Format::of(Path::new("a/b.TXT")), Some(Format::Text));
        assert_eq!(Format::of(Path::new("a/b.md")), Some(Format::Text));
        assert_eq!(Format::of(Path::new("a/b.ndjson")), Some(Format::JsonLines));
        assert_eq!(Format::of(Path::new("a/b.json")), Some(Format::Json));
        assert_eq!(Format::of(Path::new("a/manifest.jsonl")), None);
        assert_eq!(Format::of(Path::new("a/b.pdf")), None);
        assert_eq!(Format::of(Path::new("a/README")), None);
    }

    #[test]
    fn text_metadata_precedence() {
        let f = file("corpus/site/abc.txt", Format::Text);
        let manifest = ManifestEntry {
            date: Some("2013-05-14".into()),
            url: Some("https://m.example/2010/01/02/x".into()),
            ..ManifestEntry::default()
        };
        let header = b"Date: 2019-11-03\n\nHeadline here\n\nStory.";
        let parsed = parse(
            &f,
            header,
            ReadContext {
                manifest: Some(&manifest),
                ..ReadContext::default()
            },
        )
        .unwrap();
        let a = &parsed.articles[0].article;
        assert_eq!(date::format_day(a.date.unwrap()), "2019-11-03");
        assert_eq!(a.date_from, Some(DateSource::Header));
        assert_eq!(a.source.as_deref(), Some("m.example"));

        let parsed = parse(
            &f,
            b"Headline here\n\nStory.",
            ReadContext {
                manifest: Some(&manifest),
                ..ReadContext::default()
            },
        )
        .unwrap();
        assert_eq!(
            parsed.articles[0].article.date_from,
            Some(DateSource::Manifest)
        );

        let only_url = ManifestEntry {
            url: manifest.url.clone(),
            ..ManifestEntry::default()
        };
        let parsed = parse(
            &f,
            b"Headline here\nMarch 3, 2001\n\nStory.",
            ReadContext {
                manifest: Some(&only_url),
                ..ReadContext::default()
            },
        )
        .unwrap();
        assert_eq!(parsed.articles[0].article.date_from, Some(DateSource::Url));

        let parsed = parse(
            &f,
            b"Headline here\nMarch 3, 2001\n\nStory.",
            ReadContext::default(),
        )
        .unwrap();
        let a = &parsed.articles[0].article;
        assert_eq!(
            (a.date_from, a.source.as_deref()),
            (Some(DateSource::Text), Some("site"))
        );

        let parsed = parse(&f, b"Headline here\n\nStory.", ReadContext::default()).unwrap();
        assert_eq!(parsed.articles[0].article.date, None);
    }

    #[test]
    fn json_lines_keep_good_lines_and_name_bad_ones() {
        let f = file("corpus/feed.jsonl", Format::JsonLines);
        let bytes = b"{\"title\":\"One\",\"text\":\"First story.\"}\n{oops\n{\"title\":\"Three\",\"text\":\"Third.\",\"date\":\"2011-02-30\"}\n";
        let parsed = parse(&f, bytes, ReadContext::default()).unwrap();
        assert_eq!(parsed.articles.len(), 2);
        assert_eq!(parsed.articles[1].article.line, Some(3));
        assert!(
            parsed.problems[0].starts_with("line 2: invalid JSON"),
            "{:?}",
            parsed.problems
        );
        assert_eq!(parsed.problems.len(), 1);
        assert!(parsed.notes[0].contains("line 3: unreadable json date `2011-02-30`"));
        assert_ne!(parsed.articles[0].article.id, parsed.articles[1].article.id);
    }

    #[test]
    fn unusable_files_are_errors() {
        let f = file("corpus/a.txt", Format::Text);
        assert!(parse(&f, b"  \n\n ", ReadContext::default())
            .unwrap_err()
            .to_string()
            .contains("empty"));
        assert!(parse(&f, b"abc\0def", ReadContext::default())
            .unwrap_err()
            .to_string()
            .contains("binary"));
        let parsed = parse(
            &f,
            b"Caf\xe9 owners protest\n\nStory.",
            ReadContext::default(),
        )
        .unwrap();
        assert!(parsed.lossy);
        let j = file("corpus/a.json", Format::Json);
        assert!(parse(&j, b"[1, 2", ReadContext::default())
            .unwrap_err()
            .to_string()
            .contains("invalid JSON"));
    }
}

//! The index layout: field names, the analyzer, the on-disk format version, and the one
//! place an index is opened or created.

mod analyzer;
mod codec;
mod damage;
mod frequent;
mod pairs;
mod queue;
mod stemmer;

pub use analyzer::{
    is_common_word, is_unspaced, joined_analyzer, joined_word, news_analyzer, pairs_analyzer,
    snippet_analyzer, Hyphenated, NewsTokenizer, COMMON_WORDS,
};
pub use pairs::pair_term_text;
pub use queue::DocumentQueue;
pub use stemmer::WordStemmer;

pub use codec::{
    datetime_to_day, day_to_datetime, encode, ArticleDocument, ArticleRecord, ArticleValue,
    FileStamp, Stored,
};
pub use damage::{clear, damaged, guard, guarding};

use crate::error::IndexError;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use tantivy::directory::{Directory, MmapDirectory, INDEX_WRITER_LOCK};
use tantivy::schema::{
    DateOptions, DateTimePrecision, Field, IndexRecordOption, NumericOptions, Schema,
    TextFieldIndexing, TextOptions, FAST, STORED, STRING,
};
use tantivy::tokenizer::TextAnalyzer;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy};

/// tantivy's writer of articles (see [`ArticleDocument`]).
pub type ArticleWriter = IndexWriter<ArticleDocument>;

/// The version of the index layout this build writes and reads.
pub const FORMAT_VERSION: u32 = 11;

/// The file that marks a folder as a dateline index, holding its format version.
pub const MARKER_FILE: &str = "dateline-index.json";

/// The start of the name of a marker being written (each run writes its own).
const MARKER_DRAFT: &str = "dateline-index.json.new";

/// The analyzer of titles and bodies (see [`news_analyzer`]).
pub const NEWS: &str = "dateline_news";

/// The analyzer of hyphenated words written whole (see [`joined_analyzer`]).
pub const JOINED: &str = "dateline_joined";

/// The analyzer of pairs of frequent words side by side (see [`pairs_analyzer`]).
pub const PAIRS: &str = "dateline_pairs";

/// The fields of the index, resolved once.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Stable article id (exact).
    pub id: Field,
    /// Headline (the news analyzer, stored).
    pub title: Field,
    /// Story text (the news analyzer, stored), with the headline indexed as a second
    /// value so that one posting list per word finds every article using it; readers
    /// take the first value as the body.
    pub body: Field,
    /// The hyphenated words of the headline and story written whole (`e-mail` is
    /// `email`; indexed with frequencies, not stored), so that a word finds its
    /// hyphenated spelling while the body's statistics stay those of its words.
    pub joined: Field,
    /// The pairs of frequent words side by side in the headline and story, each one
    /// term (`united states` is `unit state`; indexed with frequencies, not stored),
    /// so that a phrase of two such words is one posting list.
    pub pairs: Field,
    /// Dateline place (words, stored).
    pub place: Field,
    /// Publishing site (words, stored, and exact as a fast column for statistics).
    pub source: Field,
    /// Article URL (stored only).
    pub url: Field,
    /// The file the article came from (exact, stored, fast: the key of incremental runs).
    pub path: Field,
    /// Line or item number within a file of several articles (stored).
    pub line: Field,
    /// Hash of the file's bytes and metadata when indexed (fast).
    pub file_hash: Field,
    /// Parts of the file that could not be read when it was indexed (fast), so that
    /// they are reported again while the file stays as it is.
    pub file_problems: Field,
    /// Hash of the file's size and modification time when indexed (fast).
    pub file_quick: Field,
    /// Publication day (indexed, fast, stored).
    pub date: Field,
    /// Where the date came from (stored).
    pub date_from: Field,
    /// Language code (exact, stored).
    pub lang: Field,
    /// Key of the source for learning boilerplate (fast).
    pub source_key: Field,
    /// The key that groups a site's articles (exact, stored, fast; see
    /// [`crate::Article::site`]).
    pub site: Field,
    /// Keys of the body lines before learned lines were dropped (fast, several a doc).
    pub line_keys: Field,
    /// Which learned lines were dropped (fast).
    pub learned_digest: Field,
    /// The moment of publication in UTC, when stated (stored, fast).
    pub published: Field,
    /// When a web archive captured the page, in UTC (stored).
    pub captured: Field,
    /// The fingerprint of the story (fast, several a doc; see [`crate::copies`]).
    pub fingerprint: Field,
    /// The group of copies the article belongs to, 0 for none (indexed, fast).
    pub story: Field,
    /// Marker terms (exact, not stored): [`UNDATED_FLAG`] on undated articles, and the
    /// publication year, month and day (`y2013`, `m2013-05`, `d2013-05-14`) on the
    /// others, which date filters look up (see [`crate::date::cover`]).
    pub flags: Field,
}

/// The `flags` term of articles without a publication date.
pub const UNDATED_FLAG: &str = "undated";

/// Field names, shared with queries (`title:word`) and fast-field lookups.
pub mod names {
    /// See [`super::Fields::id`].
    pub const ID: &str = "id";
    /// See [`super::Fields::title`].
    pub const TITLE: &str = "title";
    /// See [`super::Fields::body`].
    pub const BODY: &str = "body";
    /// See [`super::Fields::joined`].
    pub const JOINED: &str = "joined";
    /// See [`super::Fields::pairs`].
    pub const PAIRS: &str = "pairs";
    /// See [`super::Fields::place`].
    pub const PLACE: &str = "place";
    /// See [`super::Fields::source`].
    pub const SOURCE: &str = "source";
    /// See [`super::Fields::url`].
    pub const URL: &str = "url";
    /// See [`super::Fields::path`].
    pub const PATH: &str = "path";
    /// See [`super::Fields::line`].
    pub const LINE: &str = "line";
    /// See [`super::Fields::file_hash`].
    pub const FILE_HASH: &str = "file_hash";
    /// See [`super::Fields::file_problems`].
    pub const FILE_PROBLEMS: &str = "file_problems";
    /// See [`super::Fields::file_quick`].
    pub const FILE_QUICK: &str = "file_quick";
    /// See [`super::Fields::date`].
    pub const DATE: &str = "date";
    /// See [`super::Fields::date_from`].
    pub const DATE_FROM: &str = "date_from";
    /// See [`super::Fields::lang`].
    pub const LANG: &str = "lang";
    /// See [`super::Fields::source_key`].
    pub const SOURCE_KEY: &str = "source_key";
    /// See [`super::Fields::site`].
    pub const SITE: &str = "site";
    /// See [`super::Fields::line_keys`].
    pub const LINE_KEYS: &str = "line_keys";
    /// See [`super::Fields::learned_digest`].
    pub const LEARNED_DIGEST: &str = "learned_digest";
    /// See [`super::Fields::published`].
    pub const PUBLISHED: &str = "published";
    /// See [`super::Fields::captured`].
    pub const CAPTURED: &str = "captured";
    /// See [`super::Fields::fingerprint`].
    pub const FINGERPRINT: &str = "fingerprint";
    /// See [`super::Fields::story`].
    pub const STORY: &str = "story";
    /// See [`super::Fields::flags`].
    pub const FLAGS: &str = "flags";
}

/// Builds the schema of a dateline index.
pub fn schema() -> Schema {
    let mut builder = Schema::builder();
    let news = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(NEWS)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    let words = TextOptions::default().set_stored().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer("default")
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    builder.add_text_field(names::ID, STRING | STORED);
    builder.add_text_field(names::TITLE, news.clone());
    builder.add_text_field(names::BODY, news);
    builder.add_text_field(
        names::JOINED,
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(JOINED)
                .set_index_option(IndexRecordOption::WithFreqs),
        ),
    );
    builder.add_text_field(
        names::PAIRS,
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(PAIRS)
                .set_index_option(IndexRecordOption::WithFreqs)
                .set_fieldnorms(false),
        ),
    );
    builder.add_text_field(names::PLACE, words.clone());
    builder.add_text_field(names::SOURCE, words.set_fast("raw"));
    builder.add_text_field(names::URL, STORED);
    builder.add_text_field(names::PATH, STRING | STORED | FAST);
    builder.add_u64_field(names::LINE, NumericOptions::default().set_stored());
    builder.add_u64_field(names::FILE_HASH, FAST);
    builder.add_u64_field(names::FILE_PROBLEMS, FAST);
    builder.add_u64_field(names::FILE_QUICK, FAST);
    builder.add_date_field(
        names::DATE,
        DateOptions::default()
            .set_indexed()
            .set_fast()
            .set_stored()
            .set_precision(DateTimePrecision::Seconds),
    );
    builder.add_text_field(names::DATE_FROM, STORED);
    builder.add_text_field(names::LANG, STRING | STORED);
    builder.add_u64_field(names::SOURCE_KEY, FAST);
    builder.add_text_field(names::SITE, STRING | STORED | FAST);
    builder.add_u64_field(names::LINE_KEYS, FAST);
    builder.add_u64_field(names::LEARNED_DIGEST, FAST);
    builder.add_text_field(names::FLAGS, STRING);
    builder.add_date_field(
        names::PUBLISHED,
        DateOptions::default()
            .set_fast()
            .set_stored()
            .set_precision(DateTimePrecision::Seconds),
    );
    builder.add_date_field(
        names::CAPTURED,
        DateOptions::default()
            .set_stored()
            .set_precision(DateTimePrecision::Seconds),
    );
    builder.add_u64_field(names::FINGERPRINT, FAST);
    builder.add_u64_field(
        names::STORY,
        NumericOptions::default().set_indexed().set_fast(),
    );
    builder.build()
}

impl Fields {
    /// Resolves the fields of `schema`.
    pub fn new(schema: &Schema) -> Result<Fields> {
        let field = |name: &str| {
            schema
                .get_field(name)
                .with_context(|| format!("the index has no `{name}` field"))
        };
        Ok(Fields {
            id: field(names::ID)?,
            title: field(names::TITLE)?,
            body: field(names::BODY)?,
            joined: field(names::JOINED)?,
            pairs: field(names::PAIRS)?,
            place: field(names::PLACE)?,
            source: field(names::SOURCE)?,
            url: field(names::URL)?,
            path: field(names::PATH)?,
            line: field(names::LINE)?,
            file_hash: field(names::FILE_HASH)?,
            file_problems: field(names::FILE_PROBLEMS)?,
            file_quick: field(names::FILE_QUICK)?,
            date: field(names::DATE)?,
            date_from: field(names::DATE_FROM)?,
            lang: field(names::LANG)?,
            source_key: field(names::SOURCE_KEY)?,
            site: field(names::SITE)?,
            line_keys: field(names::LINE_KEYS)?,
            learned_digest: field(names::LEARNED_DIGEST)?,
            published: field(names::PUBLISHED)?,
            captured: field(names::CAPTURED)?,
            fingerprint: field(names::FINGERPRINT)?,
            story: field(names::STORY)?,
            flags: field(names::FLAGS)?,
        })
    }
}

/// An open dateline index with its resolved fields.
#[derive(Clone)]
pub struct DatelineIndex {
    /// The tantivy index, with dateline's analyzers registered.
    index: Index,
    /// The fields of its schema.
    pub fields: Fields,
    /// The folder it lives in.
    pub dir: PathBuf,
}

impl DatelineIndex {
    /// A reader of the index's last commit, for a command that reads it once: it
    /// starts no thread to watch for later commits.
    pub fn reader(&self) -> Result<IndexReader> {
        self.reader_with(ReloadPolicy::Manual)
    }

    /// A reader of the index's last commit that picks up later commits, for a
    /// process that keeps answering (the server).
    pub fn following_reader(&self) -> Result<IndexReader> {
        self.reader_with(ReloadPolicy::OnCommitWithDelay)
    }

    fn reader_with(&self, policy: ReloadPolicy) -> Result<IndexReader> {
        guard(&self.dir, || {
            self.index
                .reader_builder()
                .reload_policy(policy)
                .try_into()
                .context("opening the index for reading")
        })
    }

    /// tantivy's writer of the index with `threads` threads sharing `memory_bytes`;
    /// fails with a lock failure while another writer holds the index.
    pub fn writer(&self, threads: usize, memory_bytes: usize) -> tantivy::Result<ArticleWriter> {
        self.index.writer_with_num_threads(threads, memory_bytes)
    }

    /// How many boilerplate lines the run that made the last commit learned, as it
    /// recorded them (see [`learned_lines_payload`]); `None` for an index written
    /// before runs recorded it.
    pub fn recorded_learned_lines(&self) -> Option<usize> {
        let payload = self.index.load_metas().ok()?.payload?;
        let recorded: CommitRecord = serde_json::from_str(&payload).ok()?;
        Some(recorded.learned_lines)
    }

    /// The ids of the segments the last commit holds, as their files are named.
    pub fn committed_segments(&self) -> tantivy::Result<std::collections::HashSet<String>> {
        Ok(self
            .index
            .searchable_segment_metas()?
            .iter()
            .map(|segment| segment.id().uuid_string())
            .collect())
    }

    /// The analyzer of a text field, as the index reads it.
    pub fn analyzer(&self, field: Field) -> Option<TextAnalyzer> {
        self.index.tokenizer_for_field(field).ok()
    }
}

/// What a run records with its commit.
#[derive(serde::Serialize, serde::Deserialize)]
struct CommitRecord {
    learned_lines: usize,
}

/// The payload of a run's commit, recording how many boilerplate lines it learned.
pub fn learned_lines_payload(learned_lines: usize) -> String {
    serde_json::to_string(&CommitRecord { learned_lines }).unwrap_or_default()
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Marker {
    format: u32,
}

/// Opens the index in `dir` for reading; a missing or foreign folder is an error that
/// says what to do.
pub fn open(dir: &Path) -> Result<DatelineIndex> {
    if !dir.join(MARKER_FILE).is_file() {
        if dir.is_dir() && dir.join("meta.json").is_file() {
            return Err(IndexError::NotDateline(dir.to_path_buf()).into());
        }
        return Err(IndexError::Missing(dir.to_path_buf()).into());
    }
    check_marker(dir)?;
    if !dir.join("meta.json").is_file() {
        return Err(IndexError::NeverCommitted(dir.to_path_buf()).into());
    }
    let directory = MmapDirectory::open(dir)
        .with_context(|| format!("opening index folder {}", dir.display()))?;
    guard(dir, || {
        let index =
            Index::open(directory).with_context(|| format!("opening index {}", dir.display()))?;
        finish_open(index, dir)
    })
}

/// Opens the index in `dir` for writing, creating it (and the folder) when absent.
/// Refuses a folder that holds anything but a dateline index, so that a mistyped
/// `--index` never writes into a user's files.
pub fn open_or_create(dir: &Path) -> Result<DatelineIndex> {
    if !dir.join(MARKER_FILE).is_file() {
        claim_folder(dir)?;
    }
    check_marker(dir)?;
    let directory = MmapDirectory::open(dir)
        .with_context(|| format!("opening index folder {}", dir.display()))?;
    let opening = || format!("opening index {}", dir.display());
    guard(dir, || {
        let index = if Index::exists(&directory).with_context(opening)? {
            Index::open(directory).with_context(opening)?
        } else {
            // Two first runs: the writer lock decides which one creates the index,
            // as it decides which one writes.
            let _lock = directory
                .acquire_lock(&INDEX_WRITER_LOCK)
                .map_err(|_| in_use(dir))?;
            Index::open_or_create(directory.clone(), schema()).with_context(opening)?
        };
        finish_open(index, dir)
    })
}

/// The error of a run that finds another run writing the index in `dir`.
pub fn in_use(dir: &Path) -> anyhow::Error {
    IndexError::InUse(dir.to_path_buf()).into()
}

/// Builds an index in memory, for examples and tests.
pub fn create_in_ram() -> Result<DatelineIndex> {
    finish_open(Index::create_in_ram(schema()), Path::new(""))
}

fn finish_open(index: Index, dir: &Path) -> Result<DatelineIndex> {
    if index.schema() != schema() {
        return Err(IndexError::OtherFormat {
            dir: dir.to_path_buf(),
            found: None,
        }
        .into());
    }
    index.tokenizers().register(NEWS, news_analyzer());
    index.tokenizers().register(JOINED, joined_analyzer());
    index.tokenizers().register(PAIRS, pairs_analyzer());
    let fields = Fields::new(&index.schema())?;
    Ok(DatelineIndex {
        index,
        fields,
        dir: dir.to_path_buf(),
    })
}

/// Makes `dir` (absent or empty) a dateline index by writing its marker. Two first
/// runs may race here: each writes a draft of its own and links it into place,
/// which only one can do; the other finds the marker and goes on to be refused by
/// the index's writer lock as a second run always is.
fn claim_folder(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("creating index folder {}", dir.display()))?;
    let entries: Vec<std::ffi::OsString> = std::fs::read_dir(dir)
        .with_context(|| format!("reading index folder {}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.file_name()))
        .collect();
    if entries.iter().any(|name| name == MARKER_FILE) {
        return Ok(());
    }
    // Drafts of markers, of this run or of one killed at its start, do not count.
    let foreign = entries
        .iter()
        .any(|name| !name.to_string_lossy().starts_with(MARKER_DRAFT));
    if foreign {
        return Err(IndexError::Foreign(dir.to_path_buf()).into());
    }
    place_marker(dir)
}

/// Writes the marker of an index of this format into `dir`, unless one is there.
fn place_marker(dir: &Path) -> Result<()> {
    let marker = serde_json::to_string(&Marker {
        format: FORMAT_VERSION,
    })?;
    let draft = dir.join(format!("{MARKER_DRAFT}.{}", std::process::id()));
    std::fs::write(&draft, marker + "\n")
        .with_context(|| format!("writing {}", draft.display()))?;
    let marker_path = dir.join(MARKER_FILE);
    // A link is made whole or not at all, and never replaces a marker there.
    let placed = match std::fs::hard_link(&draft, &marker_path) {
        Ok(()) => Ok(()),
        Err(err) if err.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        // A file system without hard links: a rename, which may replace the same
        // text written by a racing run.
        Err(_) => std::fs::rename(&draft, &marker_path)
            .with_context(|| format!("writing {}", marker_path.display())),
    };
    let _ = std::fs::remove_file(&draft);
    placed
}

fn check_marker(dir: &Path) -> Result<()> {
    let path = dir.join(MARKER_FILE);
    let text =
        std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
    let marker: Marker = serde_json::from_str(&text)
        .map_err(|_| damaged(dir, &format!("{MARKER_FILE} cannot be read")))?;
    if marker.format != FORMAT_VERSION {
        return Err(IndexError::OtherFormat {
            dir: dir.to_path_buf(),
            found: Some(marker.format),
        }
        .into());
    }
    Ok(())
}

/// Bytes the index takes on disk.
pub fn size_on_disk(dir: &Path) -> Result<u64> {
    let mut total = 0;
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let entry = entry.with_context(|| format!("reading {}", dir.display()))?;
        let meta = entry.metadata()?;
        if meta.is_file() {
            total += meta.len();
        }
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_folder_becomes_an_index_and_opens_again() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("idx");
        open_or_create(&path).unwrap();
        assert!(path.join(MARKER_FILE).is_file());
        open_or_create(&path).unwrap();
        open(&path).unwrap();
    }

    #[test]
    fn foreign_folders_are_refused_and_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let err = open_or_create(dir.path()).err().unwrap().to_string();
        assert!(err.contains("is not a dateline index"), "{err}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let err = open(&dir.path().join("missing")).err().unwrap();
        assert!(
            matches!(err.downcast_ref(), Some(IndexError::Missing(_))),
            "{err}"
        );
    }

    #[test]
    fn other_format_versions_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        open_or_create(dir.path()).unwrap();
        std::fs::write(dir.path().join(MARKER_FILE), "{\"format\": 99}").unwrap();
        let err = open(dir.path()).err().unwrap().to_string();
        assert!(err.contains("has format 99"), "{err}");
        std::fs::write(dir.path().join(MARKER_FILE), "garbage").unwrap();
        let err = format!("{:#}", open(dir.path()).err().unwrap());
        assert!(err.contains("is damaged"), "{err}");
    }
}

//! Properties that must hold for any input: no query, page, date or file panics or
//! hangs, snippets stay on character boundaries in every script, and nothing that
//! reaches a terminal carries control characters.
//!
//! Each property runs 256 generated cases; a longer run sets `PROPTEST_CASES`:
//! `PROPTEST_CASES=20000 cargo test --release --test properties`.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)] // tests fail by panicking

mod common;

use dateline::article::Article;
use dateline::date::{self, DateRange};
use dateline::ingest::{self, CorpusFile, Format, ReadContext};
use dateline::{clean, indexer, output, schema, SearchRequest, Searcher};
use proptest::prelude::*;
use std::path::PathBuf;
use std::sync::OnceLock;

/// Pieces of text from which generated articles and queries are made: words of
/// several scripts, combining marks, emoji sequences, bidirectional controls,
/// markup, boilerplate and dates.
const PIECES: &[&str] = &[
    "drought",
    "Drought",
    "harvest",
    "the",
    " ",
    " ",
    "\n",
    "\n\n",
    "\t",
    "café",
    "cafe\u{301}",
    "e\u{301}\u{302}\u{303}",
    "עברית",
    "مرحبا بالعالم",
    "東京都の天気",
    "ภาษาไทย",
    "Москва",
    "😀",
    "👩\u{200d}👩\u{200d}👧",
    "🇰🇿",
    "\u{202e}",
    "\u{1b}[31m",
    "\u{7}",
    "\r",
    "Title: ",
    "Date: 2020-02-29",
    "Published 12 March 2019",
    "ALMATY —",
    "Donate now",
    "Subscribe to our newsletter",
    "Read more",
    "<p>",
    "</div>",
    "<script>x()</script>",
    "&amp;",
    "\"",
    "(",
    ")",
    "-",
    "*",
    ":",
    "OR",
    "AND",
    "title:",
    "~",
    "^",
    "{",
    "[",
];

fn text_of(max_pieces: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..max_pieces).prop_map(|p| p.concat())
}

/// Text from the pieces, or any Unicode at all.
fn any_text(max_pieces: usize) -> impl Strategy<Value = String> {
    prop_oneof![text_of(max_pieces), any::<String>()]
}

/// An article of `title` and `body` from a made-up file.
fn article(id: &str, title: String, body: String, date: Option<time::Date>) -> Article {
    Article {
        id: id.to_string(),
        title,
        body,
        date,
        date_from: None,
        place: None,
        source: None,
        site: None,
        url: None,
        path: format!("/corpus/{id}.txt"),
        line: None,
        lang: None,
        published: None,
        captured: None,
    }
}

/// A small index in memory whose articles use every kind of piece.
fn searcher() -> &'static Searcher {
    static SEARCHER: OnceLock<Searcher> = OnceLock::new();
    SEARCHER.get_or_init(|| {
        let index = schema::create_in_ram().expect("an index in memory");
        let articles: Vec<Article> = (0..PIECES.len())
            .map(|i| {
                let body: String = (0..40)
                    .map(|k| PIECES[(i * 7 + k * 3) % PIECES.len()])
                    .collect();
                article(
                    &format!("a{i}"),
                    format!("{} {}", PIECES[i], PIECES[(i + 1) % PIECES.len()]),
                    body,
                    date::day(1990 + (i as i32 % 30), 1 + (i as u32 % 12), 28),
                )
            })
            .collect();
        indexer::add_articles(&index, &articles).expect("indexing the articles");
        Searcher::new(index).expect("a searcher")
    })
}

/// Checks that every highlight is a non-empty range on character boundaries of the
/// snippet, in order and not overlapping.
fn assert_highlights_sound(text: &str, highlights: &[std::ops::Range<usize>]) {
    let mut last_end = 0;
    for range in highlights {
        assert!(range.start < range.end, "{range:?} in {text:?}");
        assert!(
            range.start >= last_end,
            "{highlights:?} overlap in {text:?}"
        );
        assert!(
            text.get(range.clone()).is_some(),
            "{range:?} is not on character boundaries of {text:?}"
        );
        last_end = range.end;
    }
}

/// Whether a search failed as a request no index could answer (a query that means
/// nothing to search for), rather than for any other reason.
fn is_refusal(err: &anyhow::Error) -> bool {
    err.downcast_ref::<dateline::RequestError>().is_some()
}

proptest! {
    #[test]
    fn no_query_panics_and_every_answer_is_sound(
        query in any_text(8),
        limit in 0usize..1200,
        offset in 0usize..200_000,
        since in prop::option::of("[0-9]{1,4}(-[0-9]{1,2}){0,2}"),
    ) {
        let dates = DateRange::from_args(since.as_deref(), None);
        let Ok(dates) = dates else { return Ok(()) };
        let request = SearchRequest { dates, limit, offset, ..SearchRequest::new(query.as_str()) };
        match searcher().search(&request) {
            Ok(results) => {
                prop_assert!(results.hits.len() <= limit);
                for hit in &results.hits {
                    assert_highlights_sound(&hit.snippet.text, &hit.snippet.highlights);
                }
            }
            Err(err) => prop_assert!(is_refusal(&err), "{query:?}: {err:#}"),
        }
    }

    #[test]
    fn snippets_stay_on_character_boundaries_in_every_script(
        body in text_of(60),
        word in prop::sample::select(PIECES),
    ) {
        let index = schema::create_in_ram().expect("an index in memory");
        indexer::add_articles(&index, &[article("x", "t".into(), body, None)]).expect("indexing");
        let searcher = Searcher::new(index).expect("a searcher");
        let phrase = format!("\"{}\"", word.replace('"', ""));
        match searcher.search(&SearchRequest::new(phrase.as_str())) {
            Ok(results) => {
                for hit in &results.hits {
                    assert_highlights_sound(&hit.snippet.text, &hit.snippet.highlights);
                }
            }
            Err(err) => prop_assert!(is_refusal(&err), "{phrase:?}: {err:#}"),
        }
    }

    #[test]
    fn the_cleaner_takes_any_text(text in any_text(80), title in prop::option::of(any_text(4))) {
        let cleaned = clean::clean(&text, title.as_deref());
        for line in cleaned.body.lines() {
            prop_assert!(!line.trim().is_empty() || line.is_empty());
        }
        if let Some(day) = cleaned.text_date {
            prop_assert!((date::FIRST_YEAR..=date::LAST_YEAR).contains(&day.year()));
        }
    }

    #[test]
    fn dates_parse_or_are_refused_never_out_of_range(
        value in any_text(6),
        digits in "[0-9+-]{0,20}",
        prefix in "[0-9]{4}[-/][0-9]{1,2}[-/][0-9]{0,3}",
        next in prop::sample::select(PIECES),
    ) {
        // A date-like start cut by a character of several bytes at any offset.
        let cut = format!("{prefix}{next}");
        for input in [value.as_str(), digits.as_str(), cut.as_str()] {
            for day in [
                date::parse_published(input),
                date::date_from_url(input),
                date::date_line(input),
                date::parse_instant(input).map(|t| t.date()),
            ]
            .into_iter()
            .flatten()
            {
                prop_assert!((date::FIRST_YEAR..=date::LAST_YEAR).contains(&day.year()), "{input:?} -> {day}");
            }
            let _ = date::parse_period(input);
            let _ = DateRange::from_args(Some(input), Some(input));
        }
    }

    #[test]
    fn any_file_in_any_format_is_read_or_refused(
        bytes in prop_oneof![
            text_of(60).prop_map(String::into_bytes),
            prop::collection::vec(any::<u8>(), 0..400),
            "[\\[\\]{}\",:a-z0-9 \n]{0,200}".prop_map(String::into_bytes),
        ],
        format in prop::sample::select(&[Format::Text, Format::JsonLines, Format::Json, Format::Html][..]),
    ) {
        let file = CorpusFile {
            path: PathBuf::from("/corpus/site/page.txt"),
            root: std::sync::Arc::from(std::path::Path::new("/corpus")),
            format,
        };
        match ingest::parse(&file, &bytes, ReadContext::default()) {
            // An article always has a story: a record with only a headline has it
            // for its text.
            Ok(parsed) => {
                for extracted in &parsed.articles {
                    prop_assert!(!extracted.article.body.trim().is_empty(), "{:?}", extracted.article);
                }
            }
            // A file that gives no article says why, on one line.
            Err(err) => {
                let why = format!("{err:#}");
                prop_assert!(!why.is_empty() && !why.contains('\n'), "{why:?}");
            }
        }
    }

    #[test]
    fn nothing_shown_on_a_terminal_carries_control_characters(text in any_text(20)) {
        let shown = output::sanitize(&text);
        prop_assert!(!shown.chars().any(char::is_control), "{shown:?}");
        prop_assert!(!shown.contains(['\u{202e}', '\u{2066}']), "{shown:?}");
    }
}

/// An index of the sample corpus, made once by the real binary for the command-line
/// property.
fn sample_index() -> &'static std::path::Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus");
        let status = common::dateline_in(dir.path(), &[])
            .arg("index")
            .arg(&corpus)
            .arg("--index")
            .arg(dir.path().join("index"))
            .arg("-q")
            .status()
            .expect("running dateline index");
        assert!(status.success(), "indexing the sample corpus: {status}");
        dir
    })
    .path()
}

proptest! {
    // Each case runs the binary: fewer cases than the in-process properties.
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_typed_query_finds_nothing_or_something_or_says_why_in_one_line(
        query in any_text(8).prop_filter("a command-line argument holds no NUL", |q| !q.contains('\0')),
    ) {
        let output = common::dateline_in(sample_index(), &[])
            .args(["search", &query, "--index"])
            .arg(sample_index().join("index"))
            .env("NO_COLOR", "1")
            .output()
            .expect("running dateline search");
        let stderr = String::from_utf8_lossy(&output.stderr);
        prop_assert!(!stderr.contains("panicked"), "{query:?}: {stderr}");
        match output.status.code() {
            Some(0 | 1) => {}
            Some(2) => {
                let lines: Vec<&str> = stderr.lines().collect();
                prop_assert_eq!(lines.len(), 1, "{:?}: {}", query, stderr);
                prop_assert!(lines[0].starts_with("dateline: "), "{:?}: {}", query, stderr);
            }
            other => prop_assert!(false, "{query:?}: exit {other:?}: {stderr}"),
        }
    }
}

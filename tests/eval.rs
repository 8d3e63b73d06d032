//! Extraction quality on the labeled evaluation set in `tests/eval/`: invented pages
//! and text dumps of nine made-up sites in seven languages, each with the title, date
//! and story text a person marked as right. `dateline evaluate tests/eval/corpus
//! --expected tests/eval/expected.jsonl` prints the same figures as a table.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use dateline::evaluate::{evaluate, read_expected, Report};
use dateline::{schema, IndexOptions, SearchRequest, Searcher};
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

fn eval_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eval")
}

fn report() -> &'static Report {
    static REPORT: OnceLock<Report> = OnceLock::new();
    REPORT.get_or_init(|| {
        let expected = read_expected(&eval_dir().join("expected.jsonl")).unwrap();
        evaluate(&eval_dir().join("corpus"), &expected).unwrap()
    })
}

#[test]
fn the_set_covers_several_sites_languages_and_formats() {
    let report = report();
    assert!(report.articles.len() >= 30);
    for group in [
        "html/en", "html/es", "html/ru", "html/ar", "html/zh", "html/ja", "html/th", "txt/en",
    ] {
        assert!(report.groups.contains_key(group), "no {group} articles");
    }
}

#[test]
fn titles_and_dates_are_right_on_at_least_95_percent() {
    let all = report().overall();
    let wrong: Vec<String> = report()
        .articles
        .iter()
        .filter(|a| !a.title_ok || !a.date_ok)
        .map(|a| format!("{} (title `{}`, date ok: {})", a.file, a.title, a.date_ok))
        .collect();
    assert!(
        all.title_accuracy >= 0.95,
        "title accuracy {:.3}: {wrong:#?}",
        all.title_accuracy
    );
    assert!(
        all.date_accuracy >= 0.95,
        "date accuracy {:.3}: {wrong:#?}",
        all.date_accuracy
    );
}

#[test]
fn story_text_precision_and_recall_are_at_least_095() {
    for (group, score) in &report().groups {
        assert!(
            score.precision >= 0.95,
            "{group}: precision {:.3}",
            score.precision
        );
        assert!(score.recall >= 0.95, "{group}: recall {:.3}", score.recall);
    }
}

#[test]
fn no_story_line_of_a_text_article_is_lost() {
    for article in report()
        .articles
        .iter()
        .filter(|a| a.file.ends_with(".txt"))
    {
        assert!(
            article.lost_paragraphs.is_empty(),
            "{} lost {:#?}",
            article.file,
            article.lost_paragraphs
        );
    }
}

#[derive(Deserialize)]
struct Query {
    file: String,
    query: String,
}

#[test]
fn every_script_is_searchable_by_a_word_or_a_run_of_characters() {
    let dir = tempfile::tempdir().unwrap();
    let index = schema::open_or_create(dir.path()).unwrap();
    let corpus = eval_dir().join("corpus").canonicalize().unwrap();
    dateline::index_paths(
        &index,
        std::slice::from_ref(&corpus),
        IndexOptions::default(),
        &mut |_| {},
    )
    .unwrap();
    let searcher = Searcher::new(index).unwrap();
    let queries = std::fs::read_to_string(eval_dir().join("search.jsonl")).unwrap();
    for line in queries.lines().filter(|l| !l.trim().is_empty()) {
        let Query { file, query } = serde_json::from_str(line).unwrap();
        let results = searcher
            .search(&SearchRequest::new(query.as_str()))
            .unwrap();
        let found: Vec<&str> = results
            .hits
            .iter()
            .map(|h| h.article.path.as_str())
            .collect();
        assert!(
            found.iter().any(|p| p.ends_with(&file)),
            "`{query}` should find {file}, found {found:?}"
        );
        let hit = results
            .hits
            .iter()
            .find(|h| h.article.path.ends_with(&file))
            .unwrap();
        assert!(
            !hit.snippet.highlights.is_empty(),
            "`{query}`: no highlight in {:?}",
            hit.snippet.text
        );
        for range in &hit.snippet.highlights {
            assert!(
                hit.snippet.text.get(range.clone()).is_some(),
                "highlight off a char boundary"
            );
        }
    }
}

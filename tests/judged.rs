//! Ranking on a small judged set written for these tests (`tests/judged/`): 24 news
//! articles and 16 questions typed as people type them, each with the articles it
//! should find first. Also what typed text the query reader must take as words, and
//! the words the index leaves out.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{hit_titled, titles, Sandbox};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Deserialize)]
struct Article {
    id: String,
}

#[derive(Deserialize)]
struct Question {
    q: String,
    /// The articles the question should list first, in this order unless
    /// `in_any_order`.
    relevant: Vec<String>,
    #[serde(default)]
    in_any_order: bool,
}

fn lines<T: for<'de> Deserialize<'de>>(path: &Path) -> Vec<T> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

/// The folder of the judged set.
fn judged_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/judged")
}

/// A sandbox holding the indexed judged articles, and their ids by line.
fn judged() -> (Sandbox, Vec<String>) {
    let root = judged_dir();
    let sb = Sandbox::new();
    sb.write(
        "c/articles.jsonl",
        std::fs::read(root.join("articles.jsonl")).unwrap(),
    );
    sb.index_ok("c");
    let ids = lines::<Article>(&root.join("articles.jsonl"))
        .into_iter()
        .map(|a| a.id)
        .collect();
    (sb, ids)
}

#[test]
fn every_judged_question_lists_its_articles_first() {
    let root = judged_dir();
    let (sb, ids) = judged();
    let questions = lines::<Question>(&root.join("questions.jsonl"));
    assert!(questions.len() >= 16);
    let mut wrong = Vec::new();
    for question in &questions {
        let results = sb.search_json(&[&question.q, "--limit", "10"]);
        let mut first: Vec<&str> = results
            .hits
            .iter()
            .take(question.relevant.len())
            .map(|hit| ids[hit.line.unwrap() as usize - 1].as_str())
            .collect();
        let mut expected: Vec<&str> = question.relevant.iter().map(String::as_str).collect();
        if question.in_any_order {
            first.sort_unstable();
            expected.sort_unstable();
        }
        if first != expected {
            wrong.push(format!(
                "{:?}: {first:?}, expected {expected:?}",
                question.q
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn a_question_lists_articles_with_all_its_words_before_those_with_some() {
    let (sb, _) = judged();
    let run = sb.search(["copper strike pay"]);
    run.expect_code(0);
    let first_line = run.stdout.lines().next().unwrap();
    assert!(
        first_line.starts_with("2 articles have all the words; "),
        "{first_line}"
    );
    let results = sb.search_json(&["copper strike pay"]);
    assert_eq!(results.total_all, 2);
    assert_eq!(
        titles(&results.hits[..2]),
        [
            "Copper strike ends with 15 percent pay deal",
            "Copper miners strike over pay"
        ]
    );
    // `--match all` keeps only those.
    let strict = sb.search_json(&["copper strike pay", "--match", "all"]);
    assert_eq!(strict.total, 2);
}

#[test]
fn common_words_neither_match_nor_count_but_keep_their_place_in_a_phrase() {
    let (sb, _) = judged();
    // "the" and "of" are in nearly every article: a question's are left out.
    let with = sb.search_json(&["the port of aktau"]);
    let without = sb.search_json(&["port aktau"]);
    assert_eq!(titles(&with.hits), titles(&without.hits));
    // A phrase keeps the place of its common words.
    let phrase = sb.search_json(&["\"port of Aktau\""]);
    assert_eq!(
        titles(&phrase.hits),
        ["Port of Aktau handles record tonnage"]
    );
    sb.search(["\"port Aktau\""]).expect_code(1);
    // Common words alone cannot be searched: one line saying so.
    let run = sb.search(["to be or not to be"]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(line.contains("too common to be indexed"), "{line}");
}

#[test]
fn typed_punctuation_is_read_as_words() {
    let (sb, _) = judged();
    for (query, title) in [
        ("teachers' pay", "Teachers demand higher pay"),
        ("miners'", "Copper miners strike over pay"),
        ("Aksu-Tas", "Copper strike ends with 15 percent pay deal"),
        (
            "/snow leopard/",
            "Snow leopard caught on camera in the Tien Shan",
        ),
        ("wolves:", "Wolves attack sheep near Zhezkazgan"),
        (
            "\"snow leopard",
            "Snow leopard caught on camera in the Tien Shan",
        ),
        ("ferry AND", "Caspian ferry line adds a second vessel"),
        ("kokaral -", "Dam on the Syr Darya to be raised"),
    ] {
        let run = sb.search([query, "--json"]);
        assert_eq!(run.code, 0, "{query}: {}", run.stderr);
        let results = common::parse_results(&run);
        assert_eq!(results.hits[0].title, title, "{query}");
    }
}

#[test]
fn a_star_is_explained_not_taken_for_a_wildcard() {
    let (sb, _) = judged();
    let run = sb.search(["ferries*"]);
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("`*` is not a wildcard: `ferries*` was searched as the word `ferries`"),
        "{}",
        run.stderr
    );
    let run = sb.search(["title:*"]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(
        line.contains("holds no word to search for (`*` is not a wildcard)"),
        "{line}"
    );
    let run = sb.search(["lang:en ferry"]);
    run.expect_code(0);
    assert!(
        run.stderr
            .contains("`lang:` is not a field (title, body, place, source)"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_record_with_a_headline_and_no_text_is_indexed_as_its_headline() {
    let sb = Sandbox::new();
    sb.write(
        "c/feed.jsonl",
        "{\"title\": \"Ferry resumes Caspian crossings\", \"source\": \"a\"}\n\
         {\"title\": \"Night market opens\", \"text\": \"\", \"source\": \"b\"}\n",
    );
    sb.write(
        "c/brief.txt",
        "Title: Court adjourns land case\nDate: 2020-03-01\n\n",
    );
    let summary = sb.index_ok("c");
    assert_eq!(summary.articles, 3, "{}", summary.line);
    for (query, title) in [
        ("ferry", "Ferry resumes Caspian crossings"),
        ("market", "Night market opens"),
        ("land case", "Court adjourns land case"),
    ] {
        let results = sb.search_json(&[query]);
        assert_eq!(titles(&results.hits), [title], "{query}");
        assert_eq!(results.hits[0].snippet, title);
    }
}

#[test]
fn a_hyphenated_word_finds_and_is_found_by_its_parts_in_a_row_and_the_word_written_whole() {
    let sb = Sandbox::new();
    sb.write(
        "c/feed.jsonl",
        "{\"title\": \"Voters get ballots by e-mail\", \"text\": \"Officials sent ballots by e-mail.\", \"source\": \"a\"}\n\
         {\"title\": \"Council answers every email\", \"text\": \"Each email gets a reply.\", \"source\": \"b\"}\n\
         {\"title\": \"Mail and e-books\", \"text\": \"The post office sells e-books and takes mail.\", \"source\": \"c\"}\n",
    );
    sb.index_ok("c");
    let mut found = titles(&sb.search_json(&["e-mail"]).hits)
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    found.sort_unstable();
    assert_eq!(
        found,
        [
            "Council answers every email",
            "Voters get ballots by e-mail"
        ]
    );
    // The word written whole finds the hyphenated one, and its snippet shows it.
    let email = sb.search_json(&["email"]);
    assert_eq!(email.total, 2);
    let hyphenated = hit_titled(&email.hits, "Voters get ballots by e-mail");
    assert_eq!(hyphenated.highlighted(), ["e-mail"]);
    assert_eq!(sb.search_json(&["ebooks"]).total, 1);
    // Quoted, it is the parts in a row only.
    let quoted = sb.search_json(&["\"e-mail\""]);
    assert_eq!(titles(&quoted.hits), ["Voters get ballots by e-mail"]);
    // The parts still match as words of their own, and nothing else is joined.
    assert_eq!(sb.search_json(&["mail"]).total, 2);
    assert_eq!(sb.search_json(&["officialssent"]).total, 0);
}

#[test]
fn the_count_of_articles_with_some_words_holds_after_articles_are_replaced() {
    let (sb, _) = judged();
    let count = |args: &[&str]| {
        let results = sb.search_json(args);
        (results.total, results.total_all)
    };
    let any = count(&["copper pay", "--match", "any"]).0;
    assert_eq!(count(&["copper pay", "--limit", "1"]), (any, 2));
    // Re-indexing a changed file deletes its old articles from the index's segments.
    let path = sb.join("c/articles.jsonl");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("Copper price climbs", "Copper price and pay climb"),
    )
    .unwrap();
    sb.index_ok("c");
    let any = count(&["copper pay", "--match", "any"]).0;
    assert_eq!(count(&["copper pay", "--limit", "1"]), (any, 3));
}

#[test]
fn the_count_of_articles_with_some_words_in_a_date_range_leaves_replaced_ones_out() {
    let sb = Sandbox::new();
    let record = |title: &str| {
        format!("{{\"title\": \"{title}\", \"text\": \"{title}.\", \"date\": \"2021-02-09\"}}\n")
    };
    let both = record("Wheat goes by rail");
    sb.write(
        "c/a.jsonl",
        [both.clone(), both.clone(), record("Rail strike")].concat(),
    );
    sb.write(
        "c/b.jsonl",
        [record("Wheat prices"), record("Wheat exports")].concat(),
    );
    sb.index_ok("c");
    let count = |args: &[&str]| {
        let day = ["--since", "2021-02-09", "--until", "2021-02-09"];
        let results = sb.search_json(&[&["wheat rail"], args, &day[..]].concat());
        (results.total, results.total_all)
    };
    assert_eq!(count(&["--limit", "1"]), (5, 2));
    // The old versions of a changed file's articles stay in the posting lists of their
    // words and day, beside the other file's articles, until a merge: they are not
    // counted.
    sb.write("c/b.jsonl", record("Wheat prices"));
    sb.index_ok("c");
    assert_eq!(count(&["--limit", "1"]), (4, 2));
    assert_eq!(count(&["--match", "any"]).0, 4);
}

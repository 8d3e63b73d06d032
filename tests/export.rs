//! Leaving dateline: `export` for Elasticsearch and Quickwit checked line by line
//! against the engines' rules, `show` of one article, shell completions and
//! `--version`, all through the real binary on the sample corpus.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::{Run, Sandbox};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::ffi::OsStr;
use std::fs;
use time::format_description::well_known::Rfc3339;

/// A sandbox with the sample corpus indexed; returns it and the number of articles.
fn indexed_sample() -> (Sandbox, usize) {
    let sandbox = Sandbox::new();
    sandbox.copy_sample_corpus();
    let summary = sandbox.index_ok("sample-corpus");
    assert!(summary.articles > 50, "{summary:?}");
    (sandbox, summary.articles)
}

/// Runs `dateline export --index INDEX ARGS...`.
fn export(sandbox: &Sandbox, args: &[&str]) -> Run {
    sandbox.run_with_index("export", args)
}

/// Splits NDJSON into parsed lines, checking that every line, the last included, ends
/// with a newline and holds one JSON object.
#[track_caller]
fn ndjson(text: &str) -> Vec<Value> {
    assert!(text.ends_with('\n'), "the last line has no newline");
    text.split_terminator('\n')
        .enumerate()
        .map(|(i, line)| {
            let value: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("line {} is not JSON ({e}): {line:?}", i + 1));
            assert!(value.is_object(), "line {} is not an object", i + 1);
            value
        })
        .collect()
}

/// A `YYYY-MM-DD` day, the RFC 3339 `full-date`.
#[track_caller]
fn check_day(text: &str) -> time::Date {
    time::Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .unwrap_or_else(|e| panic!("{text:?} is not an RFC 3339 full-date: {e}"))
}

/// An RFC 3339 date-time.
#[track_caller]
fn check_instant(text: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(text, &Rfc3339)
        .unwrap_or_else(|e| panic!("{text:?} is not an RFC 3339 date-time: {e}"))
}

/// The ids of the indexed articles, as `search --json` reports them.
fn indexed_ids(sandbox: &Sandbox) -> BTreeSet<String> {
    sandbox.all_articles().into_iter().map(|h| h.id).collect()
}

/// The documents of `_bulk` lines: every second line.
fn bulk_documents(text: &str) -> Vec<Value> {
    ndjson(text).into_iter().skip(1).step_by(2).collect()
}

/// Text with every run of white space made one space.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The exported documents by id.
fn by_id(documents: &[Value]) -> BTreeMap<String, Value> {
    documents
        .iter()
        .map(|d| (d["id"].as_str().unwrap().to_string(), d.clone()))
        .collect()
}

#[test]
fn elasticsearch_bulk_pairs_an_index_action_with_every_article() {
    let (sandbox, articles) = indexed_sample();
    let run = export(
        &sandbox,
        &[
            "--format",
            "elasticsearch",
            "--out",
            "dateline.ndjson",
            "--mapping",
            "mapping.json",
        ],
    );
    run.expect_code(0);
    assert!(run.stdout.is_empty(), "{run:#?}");
    assert_eq!(
        run.stderr,
        format!(
            "{articles} articles written for Elasticsearch to dateline.ndjson, \
             the mapping to mapping.json\n"
        )
    );

    let lines = ndjson(&fs::read_to_string(sandbox.join("dateline.ndjson")).unwrap());
    assert_eq!(
        lines.len(),
        2 * articles,
        "an action line and a document each"
    );
    let mapping: Value =
        serde_json::from_str(&fs::read_to_string(sandbox.join("mapping.json")).unwrap())
            .expect("the mapping is JSON");
    let properties = mapping["mappings"]["properties"]
        .as_object()
        .expect("mappings.properties");
    assert_eq!(mapping["mappings"]["dynamic"], "strict");

    let mut documents = Vec::new();
    let (mut dated, mut published) = (0, 0);
    for pair in lines.chunks(2) {
        let (action, document) = (&pair[0], &pair[1]);
        let target = &action["index"];
        assert_eq!(action.as_object().unwrap().len(), 1, "{action}");
        assert_eq!(target["_index"], "dateline");
        assert_eq!(target["_id"], document["id"], "_id is the document's id");
        for key in document.as_object().unwrap().keys() {
            assert!(
                properties.contains_key(key),
                "`{key}` is not in the mapping"
            );
        }
        for key in ["id", "title", "body", "source"] {
            assert!(document[key].is_string(), "{key} in {document}");
        }
        if let Some(day) = document.get("date") {
            check_day(day.as_str().unwrap());
            dated += 1;
        }
        if let Some(moment) = document.get("published") {
            let instant = check_instant(moment.as_str().unwrap());
            assert_eq!(instant.offset(), time::UtcOffset::UTC);
            published += 1;
        }
        documents.push(document.clone());
    }
    assert!(dated > 40 && dated < articles, "{dated} dated");
    assert!(published > 0);
    assert_eq!(
        by_id(&documents).into_keys().collect::<BTreeSet<_>>(),
        indexed_ids(&sandbox)
    );

    for field in ["title", "body"] {
        assert_eq!(properties[field]["type"], "text");
        assert_eq!(properties[field]["analyzer"], "english");
    }
    assert_eq!(properties["date"]["type"], "date");
    assert_eq!(properties["date"]["format"], "yyyy-MM-dd");
    assert_eq!(properties["published"]["type"], "date");
    for field in ["id", "source", "url"] {
        assert_eq!(properties[field]["type"], "keyword", "{field}");
    }
    assert!(properties.contains_key("place"));
}

#[test]
fn quickwit_documents_fit_the_index_config() {
    let (sandbox, articles) = indexed_sample();
    let run = export(
        &sandbox,
        &[
            "--format",
            "quickwit",
            "--name",
            "news-archive",
            "--out",
            "dateline.ndjson",
            "--config",
            "dateline.yaml",
        ],
    );
    run.expect_code(0);
    assert_eq!(
        run.stderr,
        format!(
            "{articles} articles written for Quickwit to dateline.ndjson, \
             the index config to dateline.yaml\n"
        )
    );
    let yaml = fs::read_to_string(sandbox.join("dateline.yaml")).unwrap();
    assert!(!yaml.contains("en_stem"), "Quickwit 0.9 has no en_stem");
    let config: Value = serde_norway::from_str(&yaml).expect("the index config is YAML");
    assert_eq!(config["version"].as_f64(), Some(0.9));
    assert_eq!(config["index_id"], "news-archive");
    assert_eq!(
        config["search_settings"]["default_search_fields"],
        serde_json::json!(["title", "body"])
    );
    let mapping = &config["doc_mapping"];
    assert_eq!(mapping["mode"], "strict");
    let fields: BTreeMap<&str, &Value> = mapping["field_mappings"]
        .as_array()
        .expect("field_mappings")
        .iter()
        .map(|f| (f["name"].as_str().unwrap(), f))
        .collect();
    for text in ["title", "body"] {
        assert_eq!(fields[text]["type"], "text");
        assert_eq!(fields[text]["tokenizer"], "default");
        assert_eq!(fields[text]["record"], "position");
        assert_eq!(fields[text]["fieldnorms"], true);
    }
    let timestamp = mapping["timestamp_field"]
        .as_str()
        .expect("timestamp_field");
    for moment in [timestamp, "published"] {
        assert_eq!(fields[moment]["type"], "datetime", "{moment}");
        assert_eq!(
            fields[moment]["input_formats"],
            serde_json::json!(["rfc3339"])
        );
        assert_eq!(fields[moment]["fast"], true, "{moment}");
    }

    let documents = ndjson(&fs::read_to_string(sandbox.join("dateline.ndjson")).unwrap());
    assert_eq!(documents.len(), articles, "one document a line");
    let mut undated = 0;
    for document in &documents {
        for key in document.as_object().unwrap().keys() {
            assert!(fields.contains_key(key.as_str()), "`{key}` is not mapped");
        }
        // Quickwit rejects a document without its timestamp field.
        let instant = check_instant(document[timestamp].as_str().expect("a timestamp"));
        match document.get("date") {
            Some(day) => {
                assert_eq!(instant.date(), check_day(day.as_str().unwrap()));
                assert_eq!(instant.time(), time::Time::MIDNIGHT);
                assert!(document.get("undated").is_none());
            }
            None => {
                assert_eq!(instant.unix_timestamp(), 0);
                assert_eq!(document["undated"], true);
                undated += 1;
            }
        }
        if let Some(moment) = document.get("published") {
            check_instant(moment.as_str().unwrap());
        }
    }
    assert_eq!(undated, 7, "the sample corpus has seven undated articles");
    assert_eq!(
        by_id(&documents).into_keys().collect::<BTreeSet<_>>(),
        indexed_ids(&sandbox)
    );
}

#[test]
fn ids_and_documents_stay_the_same_across_runs_and_a_new_index() {
    let (sandbox, _) = indexed_sample();
    let first = export(&sandbox, &["--format", "elasticsearch"]);
    first.expect_code(0);
    let again = export(&sandbox, &["--format", "elasticsearch"]);
    assert_eq!(first.stdout, again.stdout, "two exports of one index");
    sandbox.run_with_index("index", [sandbox.join("sample-corpus")]);
    let after_run = export(&sandbox, &["--format", "elasticsearch"]);
    assert_eq!(
        first.stdout, after_run.stdout,
        "after an unchanged index run"
    );

    let rebuilt = sandbox.join("rebuilt");
    let corpus = sandbox.join("sample-corpus");
    let run = sandbox.run([
        OsStr::new("index"),
        corpus.as_os_str(),
        OsStr::new("--index"),
        rebuilt.as_os_str(),
    ]);
    run.expect_code(0);
    let fresh = sandbox.run([
        OsStr::new("export"),
        OsStr::new("--format"),
        OsStr::new("elasticsearch"),
        OsStr::new("--index"),
        rebuilt.as_os_str(),
    ]);
    fresh.expect_code(0);
    assert_eq!(
        by_id(&bulk_documents(&first.stdout)),
        by_id(&bulk_documents(&fresh.stdout)),
        "a new index of the same files exports the same documents"
    );
}

#[test]
fn standard_output_carries_the_same_lines_as_a_file() {
    let (sandbox, articles) = indexed_sample();
    let piped = export(&sandbox, &["--format", "quickwit"]);
    piped.expect_code(0);
    assert_eq!(
        piped.stderr,
        format!("{articles} articles written for Quickwit to standard output\n")
    );
    export(&sandbox, &["--format", "quickwit", "-o", "q.ndjson"]).expect_code(0);
    assert_eq!(
        piped.stdout,
        fs::read_to_string(sandbox.join("q.ndjson")).unwrap()
    );
    // The index config alone may go anywhere, the documents still to standard output.
    let run = export(&sandbox, &["--format", "quickwit", "--config", "qw.yaml"]);
    assert_eq!(run.stdout, piped.stdout);
    assert!(sandbox.join("qw.yaml").is_file());
    // --quiet leaves standard error to errors.
    let quiet = export(&sandbox, &["--format", "quickwit", "--quiet"]);
    quiet.expect_code(0);
    assert_eq!(quiet.stderr, "");
    assert_eq!(quiet.stdout, piped.stdout);
}

#[test]
fn failed_exports_say_why_and_leave_no_file() {
    let (sandbox, _) = indexed_sample();
    let listing = || {
        let mut names: Vec<String> = fs::read_dir(sandbox.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    };
    let before = listing();
    let run = export(
        &sandbox,
        &[
            "--format",
            "elasticsearch",
            "--name",
            "News",
            "-o",
            "x.ndjson",
        ],
    );
    run.expect_code(2);
    assert!(
        run.single_error_line()
            .starts_with("dateline: invalid index name `News`"),
        "{run:#?}"
    );
    let run = sandbox.run([
        "export", "--format", "quickwit", "--index", "missing", "--out", "x.ndjson", "--config",
        "x.yaml",
    ]);
    run.expect_code(2);
    assert!(run.single_error_line().contains("no index at missing"));
    let run = export(
        &sandbox,
        &["--format", "quickwit", "-o", "same", "--config", "same"],
    );
    run.expect_code(2);
    run.single_error_line();
    let run = export(
        &sandbox,
        &["--format", "quickwit", "-o", "no/such/folder/x"],
    );
    run.expect_code(2);
    assert!(run.single_error_line().contains("no/such/folder/x"));
    assert_eq!(listing(), before, "nothing was written");

    // An earlier export of the same name stays whole.
    sandbox.write("old.ndjson", "old\n");
    let run = export(
        &sandbox,
        &["--format", "quickwit", "-o", "old.ndjson", "--name", "x"],
    );
    run.expect_code(2);
    assert_eq!(
        fs::read_to_string(sandbox.join("old.ndjson")).unwrap(),
        "old\n"
    );

    let run = export(&sandbox, &["--format", "elasticsearch", "--format", "x"]);
    run.expect_code(2);
    let run = export(&sandbox, &["--format", "solr"]);
    run.expect_code(2);
    assert!(run.single_error_line().contains("elasticsearch, quickwit"));
}

#[test]
fn an_empty_index_exports_nothing_and_says_so() {
    let sandbox = Sandbox::new();
    fs::create_dir(sandbox.join("empty")).unwrap();
    sandbox.index_ok("empty");
    let run = export(&sandbox, &["--format", "elasticsearch", "-o", "e.ndjson"]);
    run.expect_code(1);
    assert_eq!(
        run.stderr,
        "0 articles written for Elasticsearch to e.ndjson\n"
    );
    assert_eq!(fs::read_to_string(sandbox.join("e.ndjson")).unwrap(), "");
}

/// `dateline show --json`, every field named.
#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct Shown {
    id: String,
    title: String,
    date: Option<String>,
    date_from: Option<String>,
    published: Option<String>,
    place: Option<String>,
    source: Option<String>,
    site: Option<String>,
    url: Option<String>,
    path: String,
    line: Option<u64>,
    lang: Option<String>,
    body: String,
}

#[test]
fn show_prints_the_article_a_search_found() {
    let (sandbox, _) = indexed_sample();
    let results = sandbox.search_json(&["saxaul"]);
    let hit = &results.hits[0];
    let run = sandbox.run_with_index("show", [&hit.id]);
    run.expect_code(0);
    let text = &run.stdout;
    let path = format!("{}:{}", hit.path, hit.line.unwrap());
    assert!(text.starts_with(&format!("file:   {path}\n")), "{text}");
    assert!(text.contains(&format!("\ntitle:  {}\n", hit.title)));
    assert!(text.contains(&format!(
        "\ndate:   {} (from json)\n",
        hit.date.as_deref().unwrap()
    )));
    assert!(text.contains(&format!("\nplace:  {}\n", hit.place.as_deref().unwrap())));
    assert!(text.contains(&format!("\nsource: {}\n", hit.source.as_deref().unwrap())));
    assert!(text.contains(&format!("\nurl:    {}\n", hit.url.as_deref().unwrap())));
    let passage = words(hit.snippet.trim_matches('…'));
    assert!(words(text).contains(&passage), "the body holds the snippet");

    let run = sandbox.run_with_index("show", [hit.id.as_str(), "--json"]);
    run.expect_code(0);
    let value: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let shown: Shown = serde_json::from_value(value.clone()).expect("the documented fields");
    assert_eq!(serde_json::to_value(&shown).unwrap(), value, "round trip");
    assert_eq!(shown.id, hit.id);
    assert_eq!(shown.title, hit.title);
    assert_eq!(shown.date, hit.date);
    assert_eq!(shown.date_from.as_deref(), Some("json"));
    assert_eq!((&shown.place, &shown.source), (&hit.place, &hit.source));
    assert_eq!(
        (&shown.url, &shown.path, shown.line),
        (&hit.url, &hit.path, hit.line)
    );
    assert!(words(&shown.body).contains(&passage));
    assert!(text.ends_with(&format!("\n\n{}\n", shown.body)));

    // The same body as an export carries.
    let exported = by_id(&ndjson(&export(&sandbox, &["--format", "quickwit"]).stdout));
    assert_eq!(exported[&hit.id]["body"], Value::String(shown.body));
}

#[test]
fn show_escapes_what_the_page_holds() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "corpus/evil.txt",
        "Title: Bad \u{1b}[2J news\n\nA story of some length about nothing in particular, told twice.\n",
    );
    sandbox.index_ok("corpus");
    let hit = &sandbox.all_articles()[0];
    let human = sandbox.run_with_index("show", [&hit.id]);
    human.expect_code(0);
    assert!(!human.stdout.contains('\u{1b}'), "{human:#?}");
    assert!(human.stdout.contains("title:  Bad \\u{1b}[2J news\n"));
    let json = sandbox.run_with_index("show", [hit.id.as_str(), "--json"]);
    let shown: Shown = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(shown.title, "Bad \u{1b}[2J news");
}

#[test]
fn unknown_ids_are_a_one_line_error() {
    let (sandbox, _) = indexed_sample();
    let run = sandbox.run_with_index("show", ["0000000000000000-9"]);
    run.expect_code(2);
    assert!(run.stdout.is_empty());
    assert_eq!(
        run.single_error_line(),
        format!(
            "dateline: no article with id `0000000000000000-9` in the index at {}",
            sandbox.index_dir().display()
        )
    );
    let run = sandbox.run(["show", "x", "--index", "nowhere"]);
    run.expect_code(2);
    assert!(run.single_error_line().contains("no index at nowhere"));
}

#[test]
fn completions_cover_every_command_in_each_shell() {
    let sandbox = Sandbox::new();
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let run = sandbox.run(["completions", shell]);
        run.expect_code(0);
        assert!(run.stderr.is_empty(), "{shell}: {run:#?}");
        for word in [
            "index",
            "search",
            "stats",
            "clean",
            "show",
            "export",
            "completions",
            "format",
        ] {
            assert!(run.stdout.contains(word), "{shell} completion lacks {word}");
        }
    }
    sandbox.run(["completions", "tcsh"]).expect_code(2);
}

#[test]
fn the_version_names_the_index_format() {
    let sandbox = Sandbox::new();
    let expected = format!(
        "dateline {} (index format {})\n",
        env!("CARGO_PKG_VERSION"),
        dateline::schema::FORMAT_VERSION
    );
    for flag in ["--version", "-V"] {
        let run = sandbox.run([flag]);
        run.expect_code(0);
        assert_eq!(run.stdout, expected);
    }
}

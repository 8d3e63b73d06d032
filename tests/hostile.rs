//! Input made to break dateline rather than found in archives: queries no person
//! types, file names that carry terminal escapes, links and manifests that reach out
//! of the corpus, paths given twice, damaged indexes. Each gets a clear one-line
//! answer, and no run loses, forges or duplicates data.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)] // tests fail by panicking

mod common;

use common::{titles, Run, Sandbox};

/// A small corpus of two stories.
fn corpus(sb: &Sandbox) {
    sb.write(
        "corpus/a.txt",
        "Title: Drought in the south\nDate: 2020-05-04\n\nThe drought cut the wheat harvest.\n",
    );
    sb.write(
        "corpus/b/b.txt",
        "Title: Rail line opens\nDate: 2021-06-01\n\nThe new rail line carries wheat north.\n",
    );
}

#[track_caller]
fn assert_no_escape(run: &Run) {
    for (name, text) in [("stdout", &run.stdout), ("stderr", &run.stderr)] {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{name} carries a raw escape: {run:#?}"
        );
    }
}

#[test]
fn queries_no_person_types_are_refused_in_one_line() {
    let sb = Sandbox::new();
    corpus(&sb);
    sb.index_ok("corpus");
    let deep = format!("{}drought{}", "(".repeat(10_000), ")".repeat(10_000));
    let nots = "NOT ".repeat(20_000) + "drought";
    let seventeen = format!("{}drought{}", "(".repeat(17), ")".repeat(17));
    for (query, why) in [
        (deep.as_str(), "20007 characters long"),
        (nots.as_str(), "80007 characters long"),
        (seventeen.as_str(), "nest deeper than 16"),
    ] {
        let run = sb.search([query]);
        run.expect_code(2);
        let line = run.single_error_line();
        assert!(
            line.contains("invalid query") && line.contains(why),
            "{line}"
        );
        assert!(line.len() < 300, "the query is quoted whole: {line}");
    }
    // Sixteen levels are still a query.
    let sixteen = format!("{}drought{}", "(".repeat(16), ")".repeat(16));
    let run = sb.search([sixteen.as_str()]);
    run.expect_code(0);
}

#[test]
fn names_queries_and_dates_reach_the_terminal_escaped() {
    let sb = Sandbox::new();
    corpus(&sb);
    let evil = "\u{1b}]0;PWNED\u{7}\u{1b}[2J";
    let file = format!("corpus/{evil}.txt");
    sb.write(&file, "Title: Evil\n\nA story with an evil name.\n");
    let runs = [
        sb.run(["clean".to_string(), sb.join(&file).display().to_string()]),
        sb.run(["index", &format!("missing{evil}"), "--index", "idx"]),
        sb.run(["search", "x", "--index", &format!("nowhere{evil}")]),
        sb.index(format!("corpus/{evil}.txt")),
        sb.search([format!("{}{evil}", "(".repeat(17))]),
        sb.search(["drought", "--since", &format!("2020{evil}")]),
        sb.run_with_index("export", ["--out", &format!("{evil}/out.jsonl")]),
        sb.run([
            "evaluate",
            &format!("corpus{evil}"),
            "--expected",
            "expected.jsonl",
        ]),
    ];
    for run in &runs {
        assert_no_escape(run);
        assert!(run.stderr.lines().count() <= 2, "{run:#?}");
    }
    assert!(runs[1].stderr.contains("\\u{1b}]0;PWNED"), "{:#?}", runs[1]);
    assert_eq!(titles(&sb.all_articles()).len(), 1);
}

#[test]
fn a_path_given_twice_or_inside_another_is_read_once() {
    let sb = Sandbox::new();
    corpus(&sb);
    let corpus_dir = sb.join("corpus");
    let inner = sb.join("corpus/b");
    let run = sb.run_with_index("index", [&corpus_dir, &corpus_dir, &inner]);
    run.expect_code(0);
    assert_eq!((run.summary().files, run.summary().articles), (2, 2));
    assert_eq!(sb.all_articles().len(), 2);
    for again in [vec![&inner, &corpus_dir], vec![&corpus_dir]] {
        let summary = sb.run_with_index("index", again).summary();
        assert_eq!((summary.new, summary.updated, summary.unchanged), (0, 0, 2));
    }
    assert_eq!(sb.all_articles().len(), 2);
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_skipped_unless_asked_for() {
    use std::os::unix::fs::symlink;
    let sb = Sandbox::new();
    corpus(&sb);
    sb.write(
        "outside/secret.txt",
        "Title: Private notes\n\nNot part of the archive.\n",
    );
    symlink(sb.join("outside"), sb.join("corpus/out")).unwrap();
    symlink(sb.join("outside/secret.txt"), sb.join("corpus/secret.txt")).unwrap();
    let run = sb.run_with_index("index", [sb.join("corpus"), "--verbose".into()]);
    run.expect_code(0);
    assert_eq!((run.summary().articles, run.summary().skipped), (2, 2));
    assert!(
        run.stderr.contains("not following the symbolic link"),
        "{run:#?}"
    );
    assert!(!titles(&sb.all_articles()).contains(&"Private notes"));

    // Followed when asked, but never into the index itself.
    symlink(sb.index_dir(), sb.join("corpus/index-link")).unwrap();
    let run = sb.run_with_index("index", [sb.join("corpus"), "--follow-links".into()]);
    run.expect_code(0);
    assert_eq!(run.summary().failed, 0, "{run:#?}");
    let shown = sb.all_articles();
    assert_eq!(titles(&shown).len(), 4, "{:?}", titles(&shown));
    assert!(titles(&shown).contains(&"Private notes"));
}

#[cfg(unix)]
#[test]
fn an_edit_that_keeps_size_and_modification_time_is_seen() {
    use std::time::{Duration, SystemTime};
    let sb = Sandbox::new();
    let path = sb.write(
        "corpus/a.txt",
        "Title: Harbor news\n\nThe harbor reopened on Monday.\n",
    );
    let yesterday = SystemTime::now() - Duration::from_secs(86_400);
    let set_modified = |path: &std::path::Path| {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(yesterday).unwrap();
    };
    // Older than the two seconds within which a file may still be being written.
    let settle = || std::thread::sleep(Duration::from_millis(2_100));
    set_modified(&path);
    settle();
    sb.index_ok("corpus");
    // The same size and modification time, as `cp -p` or `rsync -t` leave them.
    std::fs::write(
        &path,
        "Title: Harbor news\n\nThe harbor reclosed on Monday.\n",
    )
    .unwrap();
    set_modified(&path);
    settle();
    let summary = sb.index_ok("corpus");
    assert_eq!(
        (summary.updated, summary.unchanged),
        (1, 0),
        "{}",
        summary.line
    );
    let found = sb.search_json(&["reclosed"]);
    assert_eq!(found.total, 1);
}

#[test]
fn two_first_runs_on_a_new_folder_race_cleanly() {
    let sb = Sandbox::new();
    corpus(&sb);
    for round in 0..8 {
        let index = sb.join(format!("index-{round}"));
        let start = || {
            sb.process(&[])
                .arg("index")
                .arg(sb.join("corpus"))
                .arg("--index")
                .arg(&index)
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (start(), start());
        let outcomes: Vec<(i32, String)> = [a, b]
            .into_iter()
            .map(|child| {
                let out = child.wait_with_output().unwrap();
                let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
                (out.status.code().unwrap_or(-1), stderr)
            })
            .collect();
        assert!(outcomes.iter().any(|(code, _)| *code == 0), "{outcomes:?}");
        for (code, stderr) in &outcomes {
            assert!(
                *code == 0 || (*code == 2 && stderr.contains("in use")),
                "round {round}: {outcomes:?}"
            );
        }
        let run = sb.run(
            ["search", "wheat", "--index"]
                .map(String::from)
                .into_iter()
                .chain([index.display().to_string()]),
        );
        run.expect_code(0);
    }
}

/// The files of the index folder tantivy wrote for its segments.
fn segment_files(index: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(index)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            name.len() > 33 && name.as_bytes()[32] == b'.' && !name.ends_with(".lock")
        })
        .collect();
    files.sort();
    files
}

/// Runs the reading commands on a damaged index: each answers, or fails in one line
/// that says the index is damaged; none panics.
#[track_caller]
fn assert_damage_is_reported(sb: &Sandbox, what: &str) {
    let commands: [&[&str]; 5] = [
        &["search", "*", "--histogram", "day", "--since", "2010"],
        &["search", "wheat harvest"],
        &["search", "\"rail line\"", "--sort", "newest"],
        &["stats"],
        &["show", "nope"],
    ];
    for args in commands {
        let run = sb.run_with_index(args[0], &args[1..]);
        assert!(
            run.code != 101 && !run.stderr.contains("panicked"),
            "{what}: {args:?} panicked: {run:#?}"
        );
        if run.code == 2 && !run.stderr.contains("no article") {
            let line = run.single_error_line();
            assert!(
                line.contains("is damaged") && line.contains("--rebuild"),
                "{what}: {line}"
            );
        }
    }
}

#[test]
fn a_damaged_index_is_reported_as_such_and_rebuilt() {
    let sb = Sandbox::new();
    corpus(&sb);
    sb.index_ok("corpus");
    let index = sb.index_dir();
    let pristine = sb.join("pristine");
    common::copy_dir(&index, &pristine);
    let restore = || {
        std::fs::remove_dir_all(&index).unwrap();
        common::copy_dir(&pristine, &index);
    };
    for file in segment_files(&pristine) {
        let name = file.file_name().unwrap().to_owned();
        let bytes = std::fs::read(&file).unwrap();
        for at in [
            0,
            bytes.len() / 3,
            bytes.len() / 2,
            bytes.len() * 5 / 6,
            bytes.len() - 1,
        ] {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0xff;
            std::fs::write(index.join(&name), &flipped).unwrap();
            assert_damage_is_reported(&sb, &format!("{name:?} byte {at} flipped"));
            restore();
        }
        std::fs::write(index.join(&name), &bytes[..bytes.len() / 2]).unwrap();
        assert_damage_is_reported(&sb, &format!("{name:?} cut in half"));
        restore();
    }

    std::fs::write(index.join("meta.json"), "{\"segments\": [").unwrap();
    let run = sb.search(["wheat"]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(line.contains("is damaged") && line.len() < 400, "{line}");

    // --rebuild clears the index's own files only, and builds it again.
    sb.write("index/my-notes.txt", "why this index exists\n");
    let rebuilt = sb.run_with_index("index", [sb.join("corpus"), "--rebuild".into()]);
    rebuilt.expect_code(0);
    assert_eq!(rebuilt.summary().new, 2);
    assert_eq!(sb.all_articles().len(), 2);
    assert_eq!(
        std::fs::read_to_string(index.join("my-notes.txt")).unwrap(),
        "why this index exists\n"
    );
    sb.write("plain/a.txt", "mine\n");
    let refused = sb.run([
        "index".into(),
        sb.join("corpus"),
        "--index".into(),
        sb.join("plain"),
        "--rebuild".into(),
    ]);
    refused.expect_code(2);
    assert!(refused.single_error_line().contains("not a dateline index"));
    assert!(sb.join("plain/a.txt").exists());
}

#[test]
fn an_export_never_writes_into_the_index() {
    let sb = Sandbox::new();
    corpus(&sb);
    sb.index_ok("corpus");
    let meta = sb.index_dir().join("meta.json");
    let before = std::fs::read(&meta).unwrap();
    for flag in ["--out", "--mapping"] {
        let run = sb.run_with_index(
            "export",
            ["--format", "elasticsearch", flag, meta.to_str().unwrap()],
        );
        run.expect_code(2);
        assert!(
            run.single_error_line().contains("in the index folder"),
            "{run:#?}"
        );
    }
    assert_eq!(std::fs::read(&meta).unwrap(), before);
    assert_eq!(sb.all_articles().len(), 2);
}

#[test]
fn a_page_nested_a_hundred_thousand_deep_is_read_in_linear_time() {
    let sb = Sandbox::new();
    let depth = 100_000;
    sb.write(
        "corpus/deep.html",
        format!(
            "<html><head><title>Deep page</title></head><body>{}<p>The drought reached the delta.</p>{}</body></html>",
            "<div>".repeat(depth),
            "</div>".repeat(depth)
        ),
    );
    sb.index_ok("corpus");
    let found = sb.search_json(&["delta"]);
    assert_eq!(titles(&found.hits), ["Deep page"]);
}

#[test]
fn a_date_after_today_is_no_publication_date() {
    let sb = Sandbox::new();
    corpus(&sb);
    sb.write(
        "corpus/typo.txt",
        "Title: Harbor typo\nDate: 2099-01-01\nURL: https://example.org/2021/03/04/typo\n\nThe harbor story with a typo in its date.\n",
    );
    sb.write(
        "corpus/placeholder.txt",
        "Title: Harbor placeholder\nDate: 2099-12-31\n\nThe harbor story with a placeholder date.\n",
    );
    let run = sb.run_with_index("index", [sb.join("corpus"), "--verbose".into()]);
    run.expect_code(0);
    assert_eq!(run.summary().undated, 1, "{run:#?}");
    assert!(
        run.stderr.contains("header date 2099-12-31 is after today"),
        "{run:#?}"
    );
    let newest = sb.search_json(&["*", "--sort", "newest"]);
    assert_eq!(
        titles(&newest.hits),
        [
            "Rail line opens",
            "Harbor typo",
            "Drought in the south",
            "Harbor placeholder"
        ]
    );
    let typo = common::hit_titled(&newest.hits, "Harbor typo");
    assert_eq!(typo.date.as_deref(), Some("2021-03-04"));
}

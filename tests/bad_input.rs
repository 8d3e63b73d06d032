//! The strange files real archives hold: each is reported with its reason and
//! skipped, the good files beside it are indexed, nothing panics, and the exit status
//! says whether anything failed.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)] // tests fail by panicking

mod common;

use common::{hit_titled, titles, Run, Sandbox};
use std::fs;
use std::io::Write;
use std::path::Path;

/// The stderr line that names `file`; panics showing stderr when there is none.
#[track_caller]
fn line_naming<'a>(run: &'a Run, file: &str) -> &'a str {
    run.stderr
        .lines()
        .find(|line| line.contains(file))
        .unwrap_or_else(|| panic!("stderr names no {file}:\n{}", run.stderr))
}

#[track_caller]
fn assert_no_panic(run: &Run) {
    assert!(
        !run.stderr.contains("panicked") && run.code != 101 && run.code >= 0,
        "the run crashed: {run:#?}"
    );
}

/// A good article to stand beside the bad ones.
fn good(sb: &Sandbox, rel: &str, title: &str, word: &str) {
    sb.write(
        rel,
        format!("Title: {title}\nDate: 2020-05-04\n\nThe {word} story goes on as usual.\n"),
    );
}

#[test]
fn every_bad_file_is_named_with_its_reason_and_the_good_ones_are_indexed() {
    let sb = Sandbox::new();
    good(&sb, "c/good.txt", "Ferry service resumes", "ferry");
    sb.write("c/empty.txt", "");
    sb.write("c/blank.txt", "   \n\n\t  \n");
    let binary: Vec<u8> = (0..=255u8).cycle().take(10_240).collect();
    sb.write("c/binary.txt", &binary);
    sb.write(
        "c/nul.txt",
        b"Harbor news\n\nThe harbor\x00 reopened.\x00\n",
    );
    sb.write("c/deep.json", "[".repeat(100_000) + &"]".repeat(100_000));
    sb.write(
        "c/truncated.json",
        "{\"title\": \"Half an article\", \"text\": ",
    );
    std::os::unix::fs::symlink(".", sb.join("c/loop")).unwrap();

    let run = sb.index("c");
    assert_no_panic(&run);
    run.expect_code(1);
    let summary = run.summary();
    assert_eq!(summary.failed, 6, "{}", summary.line);
    assert_eq!(summary.skipped, 1, "the link: {}", summary.line);
    assert_eq!(summary.articles, 1, "{}", summary.line);
    for (file, reason) in [
        ("empty.txt", "empty article"),
        ("blank.txt", "empty article"),
        ("binary.txt", "binary file"),
        ("nul.txt", "binary file"),
        ("deep.json", "invalid JSON"),
        ("truncated.json", "invalid JSON"),
    ] {
        let line = line_naming(&run, file);
        assert!(line.contains(reason), "{file}: {line}");
        assert!(line.starts_with("dateline: "), "{line}");
    }
    assert_eq!(titles(&sb.all_articles()), ["Ferry service resumes"]);

    // A second run reports the same files again and changes nothing.
    let again = sb.index("c");
    again.expect_code(1);
    assert_eq!(again.summary().failed, 6);
    assert_eq!(again.summary().unchanged, 1);

    // Followed, the link is a loop, reported as such.
    let followed = sb.run_with_index("index", [sb.join("c"), "--follow-links".into()]);
    followed.expect_code(1);
    assert_eq!(followed.summary().failed, 7);
    assert!(line_naming(&followed, "loop").contains("symbolic link loop"));
}

#[test]
fn undecodable_bytes_and_wrong_json_types_still_give_articles() {
    let sb = Sandbox::new();
    sb.write(
        "c/latin1.txt",
        b"Title: Caf\xe9 owners protest\n\nThe caf\xe9 owners marched against the rent rules.\n",
    );
    sb.write(
        "c/types.json",
        r#"{"title": ["an", "array"], "text": "The bridge over the gorge opens.", "date": 20140101, "url": 7}"#,
    );
    sb.write(
        "c/nested.json",
        format!(
            r#"{{"title": "Nested extras", "text": "The tram line reopens.", "extra": {}1{}}}"#,
            "[".repeat(60),
            "]".repeat(60)
        ),
    );
    let run = sb.run_with_index("index", [sb.join("c").as_os_str(), "--verbose".as_ref()]);
    assert_no_panic(&run);
    run.expect_code(0);
    assert!(line_naming(&run, "latin1.txt").contains("not valid UTF-8"));

    let hits = sb.all_articles();
    let latin = hit_titled(&hits, "Caf\u{fffd} owners protest");
    assert!(latin.snippet.contains("rent rules"), "{latin:?}");
    let bridge = hits
        .iter()
        .find(|h| h.snippet.contains("bridge"))
        .expect("the article with wrongly typed fields");
    assert_eq!(
        bridge.title, "types",
        "a title that is not text is not used"
    );
    assert_eq!(bridge.date.as_deref(), Some("2014-01-01"));
    hit_titled(&hits, "Nested extras");
}

#[test]
fn impossible_and_out_of_range_dates_leave_the_article_undated_and_say_so() {
    let sb = Sandbox::new();
    let dates = [
        ("year0", "0000-01-01"),
        ("year9999", "9999-12-31"),
        ("epoch", "1000000000000000"),
        ("feb30", "2021-02-30"),
        ("leap", "2024-02-29"),
    ];
    for (name, date) in dates {
        sb.write(
            format!("c/{name}.txt"),
            format!("Title: Story {name}\nDate: {date}\n\nA story about the river crossing.\n"),
        );
    }
    sb.write(
        "c/epoch.jsonl",
        "{\"title\": \"Epoch float\", \"text\": \"The river ferry.\", \"date\": 1e15}\n\
         {\"title\": \"Negative epoch\", \"text\": \"The river barge.\", \"date\": -99999999999999}\n",
    );
    let run = sb.run_with_index("index", [sb.join("c").as_os_str(), "--verbose".as_ref()]);
    assert_no_panic(&run);
    run.expect_code(0);
    for name in ["year0", "year9999", "epoch", "feb30"] {
        let line = line_naming(&run, &format!("{name}.txt"));
        assert!(line.contains("unreadable header date"), "{line}");
    }
    let hits = sb.all_articles();
    for name in ["year0", "year9999", "epoch", "feb30"] {
        let hit = hit_titled(&hits, &format!("Story {name}"));
        assert_eq!(hit.date, None, "{hit:?}");
    }
    assert_eq!(
        hit_titled(&hits, "Story leap").date.as_deref(),
        Some("2024-02-29")
    );
    for title in ["Epoch float", "Negative epoch"] {
        let hit = hit_titled(&hits, title);
        assert!(
            hit.date.as_deref().is_none_or(|d| d > "1677" && d < "2263"),
            "{hit:?}"
        );
    }
    // Searching with the widest bounds finds the dated ones and counts the rest.
    let results = sb.search_json(&["river", "--since", "0001", "--until", "9999"]);
    assert_eq!(results.total + results.undated_left_out.unwrap_or(0), 7);
}

#[test]
fn a_malformed_line_in_the_middle_of_json_lines_is_reported_by_number() {
    let sb = Sandbox::new();
    let mut text = String::new();
    for i in 1..=5 {
        if i == 3 {
            text.push_str("{\"title\": \"broken\", \"text\": \n");
        } else {
            text.push_str(&format!(
                "{{\"title\": \"Item {i}\", \"text\": \"Grain market note {i}.\"}}\n"
            ));
        }
    }
    sb.write("c/feed.jsonl", text);
    let run = sb.index("c");
    assert_no_panic(&run);
    run.expect_code(1);
    let line = line_naming(&run, "feed.jsonl");
    assert!(line.contains("line 3"), "{line}");
    assert_eq!(run.summary().unreadable, 1);
    let mut found = titles(&sb.all_articles())
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    found.sort();
    assert_eq!(found, ["Item 1", "Item 2", "Item 4", "Item 5"]);
}

#[test]
fn file_names_that_are_not_utf8_or_hold_newlines_are_indexed_and_shown_escaped() {
    let sb = Sandbox::new();
    use std::os::unix::ffi::OsStrExt;
    let odd = sb
        .join("c")
        .join(std::ffi::OsStr::from_bytes(b"odd-\xff-name.txt"));
    fs::create_dir_all(sb.join("c")).unwrap();
    fs::write(&odd, "Title: Odd name\n\nThe canal story.\n").unwrap();
    sb.write(
        "c/new\nline.txt",
        "Title: Newline name\n\nThe port story.\n",
    );
    sb.write(
        "c/esc\u{1b}[31m.txt",
        "Title: Escape name\n\nThe dock story.\n",
    );
    let run = sb.index("c");
    assert_no_panic(&run);
    run.expect_code(0);
    assert_eq!(run.summary().articles, 3);

    let shown = sb.search(["canal OR port OR dock", "--limit", "5"]);
    shown.expect_code(0);
    assert!(
        shown.stdout.contains("new\\u{a}line.txt"),
        "{}",
        shown.stdout
    );
    assert!(
        shown.stdout.contains("esc\\u{1b}[31m.txt"),
        "{}",
        shown.stdout
    );
    assert!(!shown.stdout.contains('\u{1b}'), "{}", shown.stdout);
    assert!(
        shown.stdout.contains("odd-\u{fffd}-name.txt"),
        "{}",
        shown.stdout
    );
    // Unchanged odd names are recognised as unchanged on the next run.
    let again = sb.index("c");
    again.expect_code(0);
    assert_eq!(again.summary().unchanged, 3, "{}", again.summary().line);
}

#[test]
fn a_file_that_cannot_be_opened_is_named_and_the_run_goes_on() {
    use std::os::unix::fs::PermissionsExt;
    let sb = Sandbox::new();
    good(&sb, "c/good.txt", "Ferry service resumes", "ferry");
    let secret = sb.write("c/secret.txt", "Title: Secret\n\nHidden story.\n");
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    let run = sb.index("c");
    assert_no_panic(&run);
    if fs::read(&secret).is_ok() {
        // Running with the power to read anything (root): the file is simply read.
        run.expect_code(0);
        assert_eq!(run.summary().articles, 2);
    } else {
        run.expect_code(1);
        let line = line_naming(&run, "secret.txt");
        assert!(line.contains("cannot read"), "{line}");
        assert_eq!(titles(&sb.all_articles()), ["Ferry service resumes"]);
    }
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o644)).unwrap();
}

#[test]
fn broken_and_hostile_html_gives_its_text_without_scripts() {
    let sb = Sandbox::new();
    sb.write(
        "c/unclosed.html",
        format!(
            "<html><head><title>Market square fire</title><body><div><p>The fire in the \
             market square burned through the night<p>Firefighters came from three towns\
             <div><span><script>alert('hijack')</script><a href=\"{}\">link</a>",
            "x".repeat(2_000_000)
        ),
    );
    sb.write(
        "c/nested.html",
        format!(
            "<html><head><title>Orchard harvest</title></head><body>{}<p>The orchard \
             harvest was the best in years, growers said.</p>{}</body></html>",
            "<div>".repeat(10_000),
            "</div>".repeat(10_000)
        ),
    );
    let run = sb.index("c");
    assert_no_panic(&run);
    run.expect_code(0);
    let hits = sb.all_articles();
    assert!(hit_titled(&hits, "Market square fire")
        .snippet
        .contains("market square"));
    assert!(hit_titled(&hits, "Orchard harvest")
        .snippet
        .contains("orchard harvest"));
    assert_eq!(sb.search_json(&["hijack"]).total, 0, "script text indexed");
}

/// Writes a single article of about `megabytes` MB and a JSON-lines file of `lines`
/// articles, indexes them, and checks both arrived whole.
fn huge_inputs(megabytes: usize, lines: usize) {
    let sb = Sandbox::new();
    fs::create_dir_all(sb.join("c")).unwrap();
    let mut big = fs::File::create(sb.join("c/big.txt")).unwrap();
    writeln!(big, "Title: A very long report\nDate: 2019-01-01\n").unwrap();
    let paragraph = "The committee heard evidence about the dredging programme and its costs. "
        .repeat(13)
        + "\n\n";
    for _ in 0..(megabytes << 20) / paragraph.len() {
        big.write_all(paragraph.as_bytes()).unwrap();
    }
    writeln!(big, "The last paragraph names the zeppelin.").unwrap();
    drop(big);
    let mut feed = std::io::BufWriter::new(fs::File::create(sb.join("c/feed.jsonl")).unwrap());
    for i in 0..lines {
        writeln!(
            feed,
            "{{\"title\": \"Item {i}\", \"text\": \"Short note number {i} about the grain market.\", \"date\": \"2015-03-0{}\"}}",
            i % 9 + 1
        )
        .unwrap();
    }
    drop(feed);

    let run = sb.index("c");
    assert_no_panic(&run);
    run.expect_code(0);
    assert_eq!(run.summary().articles, lines + 1, "{}", run.summary().line);
    let last = sb.search_json(&["zeppelin"]);
    assert_eq!(titles(&last.hits), ["A very long report"]);
    let item = sb.search_json(&[&format!("\"number {}\"", lines - 1)]);
    assert_eq!(titles(&item.hits), [format!("Item {}", lines - 1)]);
    assert_eq!(sb.search_json(&["grain"]).total, lines);
}

#[test]
fn a_large_article_and_a_long_json_lines_file_are_indexed_whole() {
    huge_inputs(8, 50_000);
}

/// The full-size variant: `cargo test --release --test bad_input -- --ignored`.
#[test]
#[ignore = "a 100 MB article and a million JSON lines take minutes in a debug build"]
fn a_100_mb_article_and_a_million_json_lines_are_indexed_whole() {
    huge_inputs(100, 1_000_000);
}

#[test]
fn files_changing_and_vanishing_during_a_run_never_break_it() {
    let sb = Sandbox::new();
    let corpus = sb.join("c");
    let write_all = |round: usize| {
        for i in 0..400 {
            let path = corpus.join(format!("d{}/a{i}.txt", i % 7));
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(
                &path,
                format!(
                    "Title: Report {i} round {round}\nDate: 2018-0{}-1{}\n\nThe quarry {i} story, \
                     told for round {round} with the usual detail.\n",
                    i % 9 + 1,
                    i % 9
                ),
            )
            .unwrap();
        }
    };
    write_all(0);
    let child = sb
        .process(&[])
        .args(["index", "--index"])
        .arg(sb.index_dir())
        .arg(&corpus)
        .stderr(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Churn the corpus while the run goes on: rewrite, delete and re-create files.
    for round in 1..=3 {
        for i in (0..400).step_by(3) {
            let path = corpus.join(format!("d{}/a{i}.txt", i % 7));
            if round % 2 == 1 {
                let _ = fs::remove_file(&path);
            } else {
                let _ = fs::write(
                    &path,
                    format!("Title: Rewritten {i}\n\nThe new quarry {i}.\n"),
                );
            }
        }
    }
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let code = output.status.code().unwrap_or(-1);
    assert!(code == 0 || code == 1, "exit {code}: {stderr}");

    // Once the corpus is still, the next run brings the index exactly to it.
    write_all(9);
    sb.index("c").expect_code(0);
    let fresh = Sandbox::new();
    common::copy_dir(&corpus, &fresh.join("c"));
    fresh.index("c").expect_code(0);
    let key = |sb: &Sandbox| {
        let mut all: Vec<(String, String)> = sb
            .search_json(&["*", "--limit", "1000"])
            .hits
            .into_iter()
            .map(|h| {
                let rel = Path::new(&h.path)
                    .components()
                    .rev()
                    .take(2)
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                (rel, h.title)
            })
            .collect();
        all.sort();
        all
    };
    let (ours, theirs) = (key(&sb), key(&fresh));
    assert_eq!(ours.len(), 400);
    assert_eq!(ours, theirs);
}

#[test]
fn a_page_the_cleaning_empties_is_refused_and_a_headline_alone_is_its_story() {
    let sb = Sandbox::new();
    good(&sb, "c/good.txt", "Ferry service resumes", "ferry");
    sb.write("c/emoji.html", "😀");
    sb.write(
        "c/headline.html",
        "<html><head><title>Harbor closed for the storm</title></head><body>😀</body></html>",
    );
    let run = sb.index("c");
    assert_no_panic(&run);
    run.expect_code(1);
    assert!(
        line_naming(&run, "emoji.html").contains("no text is left"),
        "{run:#?}"
    );
    let shown = titles(&sb.all_articles())
        .into_iter()
        .map(str::to_string)
        .collect::<Vec<_>>();
    assert_eq!(
        shown,
        ["Ferry service resumes", "Harbor closed for the storm"]
    );
    let found = sb.search_json(&["storm"]);
    assert_eq!(titles(&found.hits), ["Harbor closed for the storm"]);
}

//! Web archives: WARC files written by real tools (GNU Wget fetching the project's
//! own pages from a loopback server, Python's warcio), indexed page by page, with
//! their addresses and capture times; revisits, repeated payloads and what is not a
//! page skipped and counted; a cut archive's records before the cut indexed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // tests fail by panicking

mod common;

use common::{hit_titled, titles, Sandbox};
use std::path::Path;
use std::process::Command;

/// Runs a script of the repository with its arguments; panics with its output when it
/// fails (the tools it needs are installed by `.ci/run`).
#[track_caller]
fn script(program: &str, args: &[&Path]) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let output = Command::new("python3")
        .arg(root.join(program))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {program}: {e}"));
    assert!(
        output.status.success(),
        "{program} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Captures the sample crawl's pages with wget into `rel` in the sandbox.
fn wget_crawl(sb: &Sandbox, rel: &str, plain: bool) {
    let out = sb.join(rel);
    let out_arg = format!("--out={}", out.display());
    let mut args = vec![Path::new(&out_arg)];
    if plain {
        args.push(Path::new("--plain"));
    }
    script("scripts/sample-crawl/make", &args);
}

#[test]
fn a_crawl_captured_by_wget_is_indexed_page_by_page() {
    let sb = Sandbox::new();
    wget_crawl(&sb, "crawls/courier.warc.gz", false);
    wget_crawl(&sb, "crawls/courier-plain.warc", true);
    let summary = sb.index_ok("crawls");
    assert_eq!(
        (summary.files, summary.articles),
        (2, 6),
        "{}",
        summary.line
    );
    let again = sb.run_with_index(
        "index",
        ["--verbose".as_ref(), sb.join("crawls").as_os_str()],
    );
    assert_eq!(again.summary().unchanged, 2);
    assert!(
        !again.stderr.contains("pages of"),
        "unchanged archives are not read again: {}",
        again.stderr
    );

    // The page is in both archives: one story, shown once with its copy, or twice.
    let once = sb.search_json(&["canal", "meter", "--limit", "10"]);
    assert_eq!((once.total, once.stories, once.hits.len()), (2, Some(1), 1));
    assert_eq!(once.hits[0].copies.len(), 1);
    let hits = sb
        .search_json(&["canal", "meter", "--limit", "10", "--all-copies"])
        .hits;
    assert_eq!(hits.len(), 2, "{:?}", titles(&hits));
    for hit in &hits {
        assert_eq!(
            hit.title,
            "Every canal gate on the Syr Darya to get a water meter"
        );
        assert_eq!(
            hit.url.as_deref(),
            Some("http://caspiancourier.example/2021/06/09/every-canal-gate-to-get-a-meter.html")
        );
        assert_eq!(hit.date.as_deref(), Some("2021-06-09"));
        assert_eq!(hit.source.as_deref(), Some("The Caspian Courier"));
        // wget writes a warcinfo and a request before each response.
        assert_eq!(hit.line, Some(3));
        let captured = hit.captured.as_deref().expect("a capture time");
        assert!(
            captured.ends_with('Z') && captured.len() == 20,
            "{captured}"
        );
        assert!(!hit.snippet.contains("Subscribe"), "{}", hit.snippet);
    }
    // The gzipped and the chunked pages read whole.
    let all = sb.all_articles();
    let ferry = hit_titled(
        &all,
        "Aktau ferry timetable cut to three crossings a week as ice lingers",
    );
    assert_eq!(ferry.date.as_deref(), Some("2022-03-14"));
    let fleet = hit_titled(
        &all,
        "Fishing fleet returns to Fort Shevchenko after the spring ban",
    );
    assert_eq!(fleet.date, None, "the capture is not the publication");

    // `show` prints a page of an archive by its id, with where it lies and its capture.
    let show = sb.run_with_index("show", [fleet.id.as_str()]);
    show.expect_code(0);
    assert!(
        show.stdout.contains("file:   crawls/courier"),
        "{}",
        show.stdout
    );
    assert!(show.stdout.contains(".warc.gz:7") || show.stdout.contains(".warc:7"));
    assert!(show.stdout.contains("\ncaptured: 20"), "{}", show.stdout);
    assert!(show
        .stdout
        .contains("Buyers from Aktau were waiting on the quay"));

    // Asked to, an undated page takes the day of its capture, and says so.
    let dated = sb.run_with_index(
        "index",
        [
            "--undated-use-captured".as_ref(),
            sb.join("crawls").as_os_str(),
        ],
    );
    dated.expect_code(0);
    assert_eq!(
        dated.summary().updated,
        2,
        "the option changes what archives give"
    );
    let all = sb.all_articles();
    let fleet = hit_titled(
        &all,
        "Fishing fleet returns to Fort Shevchenko after the spring ban",
    );
    let captured_day = &fleet.captured.as_deref().unwrap()[..10];
    assert_eq!(fleet.date.as_deref(), Some(captured_day));
    assert_eq!(fleet.date_from.as_deref(), Some("captured"));
    let ferry = hit_titled(
        &all,
        "Aktau ferry timetable cut to three crossings a week as ice lingers",
    );
    assert_eq!(
        ferry.date_from.as_deref(),
        Some("html"),
        "a stated date stays"
    );
}

#[test]
fn archives_written_by_warcio_give_each_page_once_in_its_own_charset() {
    let sb = Sandbox::new();
    let dir = sb.join("port");
    script("tests/warc/write_with_warcio.py", &[&dir]);
    for archive in ["records.warc.gz", "plain.warc", "whole.warc.gz"] {
        let run = sb.run(["clean", &format!("port/{archive}")]);
        run.expect_code(0);
        assert!(
            run.stderr.contains(
                "5 pages of 11 records; skipped 1 request record, 1 revisit record, 1 warcinfo record, 1 not a 2xx response, 1 not HTML, 1 repeated payload"
            ),
            "{archive}: {}",
            run.stderr
        );
    }
    std::fs::remove_file(dir.join("cut.warc.gz")).unwrap();
    let summary = sb.index_ok("port");
    assert_eq!(summary.articles, 15, "{}", summary.line);

    let all = sb.all_articles();
    // windows-1251 with no charset anywhere: detected.
    let ferry = hit_titled(&all, "Новый паром вышел на линию Актау — Баку");
    assert_eq!(
        ferry.url.as_deref(),
        Some("https://portherald.example/ferry")
    );
    // windows-1252 sent as UTF-8: the declaration is wrong, the bytes tell.
    let cafe = sb.search_json(&["café", "--limit", "5"]);
    assert_eq!(cafe.total, 3, "{:?}", titles(&cafe.hits));
    assert!(
        cafe.hits[0].snippet.contains("cafés along the promenade"),
        "{}",
        cafe.hits[0].snippet
    );
    // Chunked and gzipped; deflated.
    for title in [
        "Port authority opens tender for a new grain terminal",
        "Storm warning lifted for the northern coast",
    ] {
        assert_eq!(
            all.iter().filter(|h| h.title == title).count(),
            3,
            "{title}"
        );
    }
    // The revisit and the same page under another address give no second article.
    let cranes = sb.search_json(&["cranes", "idle"]);
    assert_eq!(cranes.total, 3, "one from each archive: {:?}", cranes.hits);
    assert!(cranes
        .hits
        .iter()
        .all(|h| h.url.as_deref() == Some("https://portherald.example/cranes")));
    assert!(cranes
        .hits
        .iter()
        .all(|h| h.captured.as_deref() == Some("2023-10-05T06:30:00Z")));
}

#[test]
fn a_cut_archive_is_reported_and_its_whole_records_indexed() {
    let sb = Sandbox::new();
    let dir = sb.join("port");
    script("tests/warc/write_with_warcio.py", &[&dir]);
    for other in ["records.warc.gz", "plain.warc", "whole.warc.gz"] {
        std::fs::remove_file(dir.join(other)).unwrap();
    }
    // Exit status 1: some of the input could not be indexed.
    let run = sb.index("port");
    run.expect_code(1);
    let summary = run.summary();
    assert_eq!(
        (summary.articles, summary.unreadable),
        (2, 1),
        "{}",
        summary.line
    );
    assert!(
        run.stderr.contains("cut.warc.gz: record 4: cut short (the archive ends inside it); the records before it are read"),
        "{}",
        run.stderr
    );
    let all = sb.all_articles();
    assert_eq!(
        titles(&all).len(),
        2,
        "the ferry and the storm pages, not the cut one: {:?}",
        titles(&all)
    );
    // Unchanged, it is not read again, and its problem is still told.
    let again = sb.index("port");
    assert_eq!(again.summary().unchanged, 1);
    assert!(
        again.stderr.contains("1 unreadable part(s)"),
        "{}",
        again.stderr
    );
}

#[test]
fn archives_that_are_not_archives_are_reported_and_skipped() {
    let sb = Sandbox::new();
    sb.write(
        "c/story.txt",
        "Harbour reopens\n\nAKTAU — The harbour reopened on Monday.",
    );
    sb.write(
        "c/noise.warc",
        b"this is not a web archive at all\n".repeat(10),
    );
    sb.write("c/empty.warc.gz", b"");
    sb.write(
        "c/binary.warc.gz",
        [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xfe, 0xfd],
    );
    let huge = "WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 999999999999\r\n\r\nHTTP/1.1 200 OK\r\n";
    sb.write("c/claims.warc", huge);
    let endless = format!(
        "WARC/1.0\r\nWARC-Type: response\r\nX-Long: {}",
        "x".repeat(100_000)
    );
    sb.write("c/endless.warc", endless);
    let run = sb.index("c");
    run.expect_code(1);
    let summary = run.summary();
    assert_eq!(
        (summary.articles, summary.failed),
        (1, 5),
        "{}",
        summary.line
    );
    for (file, why) in [
        (
            "noise.warc",
            "no readable record (record 1: not a WARC record (no WARC version line)",
        ),
        ("empty.warc.gz", "empty web archive: no record"),
        ("binary.warc.gz", "no readable record (record 1: unreadable"),
        ("claims.warc", "no readable record (record 1: cut short"),
        (
            "endless.warc",
            "no readable record (record 1: not a WARC record (a header line past 64 KiB)",
        ),
    ] {
        let line = run
            .stderr_lines()
            .into_iter()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("{file} is not reported: {}", run.stderr));
        assert!(line.contains(why), "{file}: {line}");
    }
}

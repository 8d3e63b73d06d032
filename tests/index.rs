//! `dateline index`: what gets into the index from each kind of file and metadata,
//! incremental runs, bad files, and where the index may be written.
#![allow(clippy::unwrap_used)]

mod common;

use common::{hit_titled, path_ends_with, Sandbox};
use std::fs;

/// A scraped page with a site banner, a headline, a dateline paragraph, a newsletter
/// block and a donation appeal running to the end of the file.
const ORCHARD_PAGE: &str = "Support The Lowland Ledger!

Orchard growers stretch hail nets across the Verney valley

VERNEY, Freeland — Apple growers in the Verney valley began stretching hail nets over their trees on Monday after forecasters warned of an early storm season.
The growers' cooperative said the nets would cover about two thirds of the valley by the end of the month.

\"We lost half the crop to hail two summers ago,\" said grower Petra Vollan. \"Nobody wants to see that again.\"

Sign up for our free weekly newsletter
Our weekly newsletter brings the best of the valley to your inbox. Preview
Subscribers agree to the Privacy Policy

A Message from The Lowland Ledger:
Dear readers,
Local reporting like this costs money, and we rely on readers to pay for it.
Every contribution, however small, keeps our reporters on the road.
Once
Monthly
Annual
Continue
Not ready to support today?
Remind me later.
";

#[test]
fn appeal_and_newsletter_are_not_indexed_but_the_story_is() {
    let sb = Sandbox::new();
    sb.write("c/ledger/orchard-nets.txt", ORCHARD_PAGE);
    sb.write(
        "c/ledger/manifest.jsonl",
        "{\"file\": \"orchard-nets.txt\", \"date\": \"2019-05-07\", \"url\": \"https://www.lowlandledger.example/news/orchard-nets\"}\n",
    );
    let summary = sb.index_ok("c");
    assert_eq!((summary.new, summary.articles), (1, 1), "{}", summary.line);

    for boilerplate in [
        "contribution",
        "newsletter",
        "inbox",
        "subscribers",
        "ledger",
        "dear",
        "rely",
    ] {
        let run = sb.search([boilerplate]);
        run.expect_code(1);
        assert_eq!(
            run.stdout.lines().next(),
            Some("0 articles match"),
            "{run:#?}"
        );
    }

    let results = sb.search_json(&["Vollan"]);
    assert_eq!(results.total, 1);
    let hit = &results.hits[0];
    assert_eq!(
        hit.title,
        "Orchard growers stretch hail nets across the Verney valley"
    );
    assert_eq!(hit.place.as_deref(), Some("Verney, Freeland"));
    assert_eq!(hit.date.as_deref(), Some("2019-05-07"));
    assert_eq!(hit.source.as_deref(), Some("lowlandledger.example"));
    assert_eq!(
        hit.url.as_deref(),
        Some("https://www.lowlandledger.example/news/orchard-nets")
    );
    assert!(
        path_ends_with(&hit.path, "c/ledger/orchard-nets.txt"),
        "{}",
        hit.path
    );
    assert!(hit.snippet.contains("Petra Vollan"), "{}", hit.snippet);
    assert_eq!(hit.highlighted(), ["Vollan"]);
    for word in ["newsletter", "contribution", "Support", "Dear readers"] {
        assert!(!hit.snippet.contains(word), "{}", hit.snippet);
    }
    // The headline is the title, not part of the story.
    let hail = sb.search_json(&["hail"]);
    assert_eq!(hail.total, 1);
    assert!(
        hail.hits[0].snippet.starts_with("VERNEY, Freeland — "),
        "{}",
        hail.hits[0].snippet
    );
    assert!(!hail.hits[0].snippet.contains("Orchard growers stretch"));
}

#[test]
fn header_block_gives_title_date_url_and_source() {
    let sb = Sandbox::new();
    sb.write(
        "c/trams/depot.txt",
        "Title: Council approves a second tram depot\nDate: 2018-09-14\nURL: https://trams.example/news/depot\nSource: Tram Weekly\nAuthor: J. Ostrova\n\n\
         The city council on Thursday approved a second tram depot on the eastern ring, where forty new carriages will be kept.\n\n\
         Work on the depot is due to start in the spring.\n",
    );
    sb.index_ok("c");
    let results = sb.search_json(&["carriages"]);
    assert_eq!(results.total, 1);
    let hit = &results.hits[0];
    assert_eq!(hit.title, "Council approves a second tram depot");
    assert_eq!(hit.date.as_deref(), Some("2018-09-14"));
    assert_eq!(hit.url.as_deref(), Some("https://trams.example/news/depot"));
    assert_eq!(hit.source.as_deref(), Some("Tram Weekly"));
    // The header block is metadata, not story text.
    sb.search(["Ostrova"]).expect_code(1);
    sb.search(["Weekly"]).expect_code(1);
}

#[test]
fn manifest_gives_metadata_and_is_not_itself_an_article() {
    let sb = Sandbox::new();
    sb.write(
        "c/herald/4f2a.txt",
        "Ferry crews train for winter ice\n\nCrews of the island ferry spent the week practising how to free a hull trapped in pack ice.\n",
    );
    sb.write(
        "c/herald/9b1c.txt",
        "The island ferry will run a reduced timetable from December, the operator said.\n",
    );
    sb.write(
        "c/herald/manifest.jsonl",
        "{\"file\": \"4f2a.txt\", \"date\": \"2013-05-14\", \"url\": \"https://isleherald.example/news/ferry-ice\", \"note\": \"quillwort\"}\n\
         {\"file\": \"9b1c.txt\", \"date\": \"2013-10-02T06:15:00Z\", \"title\": \"Ferry timetable cut for winter\", \"source\": \"Isle Herald\"}\n",
    );
    let summary = sb.index_ok("c");
    assert_eq!(summary.files, 2, "{}", summary.line);
    assert_eq!(summary.articles, 2, "{}", summary.line);

    let all = sb.all_articles();
    assert_eq!(all.len(), 2);
    assert!(all.iter().all(|h| !h.path.ends_with("manifest.jsonl")));
    sb.search(["quillwort"]).expect_code(1);

    let ice = hit_titled(&all, "Ferry crews train for winter ice");
    assert_eq!(ice.date.as_deref(), Some("2013-05-14"));
    assert_eq!(
        ice.url.as_deref(),
        Some("https://isleherald.example/news/ferry-ice")
    );
    assert_eq!(ice.source.as_deref(), Some("isleherald.example"));

    let cut = hit_titled(&all, "Ferry timetable cut for winter");
    assert_eq!(cut.date.as_deref(), Some("2013-10-02"));
    assert_eq!(cut.source.as_deref(), Some("Isle Herald"));
}

#[test]
fn date_comes_from_the_url_path_when_nothing_else_gives_one() {
    let sb = Sandbox::new();
    sb.write(
        "c/dunes.txt",
        "URL: https://www.dunes.example/2017/08/21/sand-fences\n\nVolunteers fix sand fences on the spit\n\n\
         Volunteers spent Saturday repairing the wooden sand fences that keep the spit from blowing away.\n",
    );
    sb.index_ok("c");
    let results = sb.search_json(&["spit"]);
    assert_eq!(results.total, 1);
    let hit = &results.hits[0];
    assert_eq!(hit.title, "Volunteers fix sand fences on the spit");
    assert_eq!(hit.date.as_deref(), Some("2017-08-21"));
}

#[test]
fn published_line_near_the_top_gives_the_date() {
    let sb = Sandbox::new();
    sb.write(
        "c/bees.txt",
        "Beekeepers count their winter losses\nPublished March 31, 2011\n\n\
         Beekeepers in the northern hills say a third of their colonies did not survive the long frost.\n",
    );
    sb.index_ok("c");
    let results = sb.search_json(&["colonies"]);
    assert_eq!(results.total, 1);
    let hit = &results.hits[0];
    assert_eq!(hit.title, "Beekeepers count their winter losses");
    assert_eq!(hit.date.as_deref(), Some("2011-03-31"));
    // The date line is not story text.
    assert!(!hit.snippet.contains("Published"), "{}", hit.snippet);
}

#[test]
fn article_without_any_date_is_undated() {
    let sb = Sandbox::new();
    sb.write(
        "c/kites.txt",
        "Kite makers gather on the bluff\n\nKite makers from three villages flew their new designs above the bluff all afternoon.\n",
    );
    let summary = sb.index_ok("c");
    assert_eq!(summary.undated, 1, "{}", summary.line);
    let run = sb.search(["--json", "kite"]);
    run.expect_code(0);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let hit = &value["hits"][0];
    assert_eq!(hit["title"], "Kite makers gather on the bluff");
    assert!(hit["date"].is_null(), "{hit}");
    let human = sb.search(["kite"]);
    assert!(
        human
            .stdout
            .contains("1. undated  Kite makers gather on the bluff"),
        "{}",
        human.stdout
    );
}

#[test]
fn json_lines_with_crawler_field_names() {
    let sb = Sandbox::new();
    sb.write(
        "c/feeds/crawl.jsonl",
        "{\"headline\": \"Kelp farm doubles its lines\", \"maintext\": \"A kelp farm off the north cape has doubled the number of its growing lines.\\nThe owners plan to sell dried kelp inland.\", \"date_publish\": \"2021-06-03 14:20:00\", \"link\": \"https://www.kelpnews.example/news/kelp-lines\", \"source_domain\": \"kelpnews.example\"}\n\
         {\"headline\": \"Seal pups counted on the sandbank\", \"maintext\": \"Rangers counted forty seal pups on the outer sandbank this week.\", \"date_publish\": \"2022-07-15T08:00:00+02:00\", \"link\": \"https://www.kelpnews.example/news/seal-pups\", \"source_domain\": \"kelpnews.example\"}\n",
    );
    let summary = sb.index_ok("c");
    assert_eq!(
        (summary.files, summary.articles),
        (1, 2),
        "{}",
        summary.line
    );

    let kelp = sb.search_json(&["kelp"]);
    assert_eq!(kelp.total, 1);
    let hit = &kelp.hits[0];
    assert_eq!(hit.title, "Kelp farm doubles its lines");
    assert_eq!(hit.date.as_deref(), Some("2021-06-03"));
    assert_eq!(
        hit.url.as_deref(),
        Some("https://www.kelpnews.example/news/kelp-lines")
    );
    assert_eq!(hit.source.as_deref(), Some("kelpnews.example"));
    assert_eq!(hit.line, Some(1));

    let seals = sb.search_json(&["pups"]);
    assert_eq!(seals.total, 1);
    assert_eq!(seals.hits[0].title, "Seal pups counted on the sandbank");
    assert_eq!(seals.hits[0].date.as_deref(), Some("2022-07-15"));
    assert_eq!(seals.hits[0].line, Some(2));
}

#[test]
fn json_array_and_single_object() {
    let sb = Sandbox::new();
    sb.write(
        "c/post/archive.json",
        r#"[
  {"title": "Lantern festival moves to the quay", "text": "The lantern festival will be held on the quay this year because the square is being repaved.", "published": "2020-02-02T10:00:00Z", "url": "https://quay.example/lanterns", "site": "Quay Post"},
  {"title": "Quay cranes to be repainted", "text": "The two old cranes on the quay will be repainted in their original green.", "published": "2019-11-30"}
]"#,
    );
    sb.write(
        "c/post/feature.json",
        r#"{"title": "A life among the lighthouses", "body": "For forty years the engineer kept the coast's lighthouses burning through every storm.", "date": "2024-02-18", "url": "https://quay.example/features/lighthouses", "publisher": "Quay Post"}"#,
    );
    let summary = sb.index_ok("c");
    assert_eq!(
        (summary.files, summary.articles),
        (2, 3),
        "{}",
        summary.line
    );

    let all = sb.all_articles();
    let lanterns = hit_titled(&all, "Lantern festival moves to the quay");
    assert_eq!(lanterns.date.as_deref(), Some("2020-02-02"));
    assert_eq!(lanterns.source.as_deref(), Some("Quay Post"));
    assert_eq!(lanterns.line, Some(1));
    let cranes = hit_titled(&all, "Quay cranes to be repainted");
    assert_eq!(cranes.date.as_deref(), Some("2019-11-30"));
    assert_eq!(cranes.line, Some(2));
    let feature = hit_titled(&all, "A life among the lighthouses");
    assert_eq!(feature.date.as_deref(), Some("2024-02-18"));
    assert_eq!(feature.source.as_deref(), Some("Quay Post"));
    assert_eq!(
        feature.url.as_deref(),
        Some("https://quay.example/features/lighthouses")
    );
    assert!(path_ends_with(&feature.path, "c/post/feature.json"));
    assert_eq!(feature.line, None);

    assert_eq!(sb.search_json(&["repaved"]).total, 1);
    assert_eq!(sb.search_json(&["lighthouses"]).total, 1);
}

#[test]
fn source_falls_back_to_url_host_then_top_folder() {
    let sb = Sandbox::new();
    sb.write(
        "c/gulls/with-url.txt",
        "URL: https://www.GullPost.example/news/gull-census\n\nGull census finds fewer nests\n\nThe spring gull census found fewer nests on the harbour roofs.\n",
    );
    sb.write(
        "c/gulls/no-url.txt",
        "Cormorants return to the breakwater\n\nCormorants have returned to the breakwater after a decade away.\n",
    );
    sb.write(
        "c/gulls/older/deep.txt",
        "Terns nest on the shingle again\n\nTerns are nesting on the shingle bank again, wardens said.\n",
    );
    sb.write(
        "c/loose.txt",
        "Puffin boat trips resume\n\nThe puffin boat trips resumed on Saturday after the storms.\n",
    );
    sb.index_ok("c");
    let all = sb.all_articles();
    let source = |title: &str| hit_titled(&all, title).source.clone();
    assert_eq!(
        source("Gull census finds fewer nests").as_deref(),
        Some("gullpost.example")
    );
    assert_eq!(
        source("Cormorants return to the breakwater").as_deref(),
        Some("gulls")
    );
    assert_eq!(
        source("Terns nest on the shingle again").as_deref(),
        Some("gulls")
    );
    assert_eq!(source("Puffin boat trips resume"), None);
}

/// A small corpus for incremental runs: two articles, one with a manifest date.
fn incremental_corpus(sb: &Sandbox) {
    sb.write(
        "c/pond/otters.txt",
        "Otters return to the millpond\n\nOtters were seen at dawn by anglers fishing the millpond.\n",
    );
    sb.write(
        "c/pond/beavers.txt",
        "Beavers build a dam by the school\n\nA family of beavers has dammed the brook behind the primary school.\n",
    );
    sb.write(
        "c/pond/manifest.jsonl",
        "{\"file\": \"otters.txt\", \"date\": \"2015-04-01\"}\n",
    );
}

#[test]
fn second_run_of_an_unchanged_folder_changes_nothing() {
    let sb = Sandbox::new();
    incremental_corpus(&sb);
    let first = sb.index_ok("c");
    assert_eq!((first.new, first.articles), (2, 2), "{}", first.line);
    let second = sb.index_ok("c");
    assert_eq!(
        (second.new, second.updated, second.unchanged),
        (0, 0, 2),
        "{}",
        second.line
    );
    assert_eq!((second.removed, second.articles), (0, 0), "{}", second.line);
    assert_eq!(sb.all_articles().len(), 2);
}

#[test]
fn changed_file_is_reindexed_with_its_new_text() {
    let sb = Sandbox::new();
    incremental_corpus(&sb);
    sb.index_ok("c");
    assert_eq!(sb.search_json(&["anglers"]).total, 1);
    sb.write(
        "c/pond/otters.txt",
        "Otters return to the millpond\n\nOtters were seen at dusk by walkers crossing the millpond bridge.\n",
    );
    let run = sb.index("c");
    run.expect_code(0);
    let summary = run.summary();
    assert_eq!(
        (summary.new, summary.updated, summary.unchanged),
        (0, 1, 1),
        "{}",
        summary.line
    );
    sb.search(["anglers"]).expect_code(1);
    let results = sb.search_json(&["walkers"]);
    assert_eq!(results.total, 1);
    assert_eq!(results.hits[0].title, "Otters return to the millpond");
    assert_eq!(results.hits[0].date.as_deref(), Some("2015-04-01"));
    // Replaced, not duplicated.
    assert_eq!(sb.all_articles().len(), 2);
}

#[test]
fn deleted_file_is_removed_from_the_index() {
    let sb = Sandbox::new();
    incremental_corpus(&sb);
    sb.index_ok("c");
    assert_eq!(sb.search_json(&["dammed"]).total, 1);
    fs::remove_file(sb.join("c/pond/beavers.txt")).unwrap();
    let summary = sb.index_ok("c");
    assert_eq!(summary.removed, 1, "{}", summary.line);
    assert_eq!(summary.removed, 1, "{}", summary.line);
    sb.search(["dammed"]).expect_code(1);
    assert_eq!(sb.all_articles().len(), 1);
}

#[test]
fn added_file_is_indexed_as_new() {
    let sb = Sandbox::new();
    incremental_corpus(&sb);
    sb.index_ok("c");
    sb.write(
        "c/pond/storks.txt",
        "Storks nest on the bakery chimney\n\nA pair of storks has built a nest on the old bakery chimney.\n",
    );
    let summary = sb.index_ok("c");
    assert_eq!(
        (summary.new, summary.updated, summary.unchanged),
        (1, 0, 2),
        "{}",
        summary.line
    );
    assert_eq!(summary.articles, 1);
    let results = sb.search_json(&["storks"]);
    assert_eq!(results.total, 1);
    assert_eq!(results.hits[0].title, "Storks nest on the bakery chimney");
}

#[test]
fn changing_only_the_manifest_entry_reindexes_the_file() {
    let sb = Sandbox::new();
    incremental_corpus(&sb);
    sb.index_ok("c");
    assert_eq!(
        sb.search_json(&["anglers"]).hits[0].date.as_deref(),
        Some("2015-04-01")
    );
    sb.write(
        "c/pond/manifest.jsonl",
        "{\"file\": \"otters.txt\", \"date\": \"2016-09-30\"}\n",
    );
    let summary = sb.index_ok("c");
    assert_eq!(
        (summary.new, summary.updated, summary.unchanged),
        (0, 1, 1),
        "{}",
        summary.line
    );
    let results = sb.search_json(&["anglers"]);
    assert_eq!(results.total, 1);
    assert_eq!(results.hits[0].date.as_deref(), Some("2016-09-30"));
}

#[test]
fn bad_files_are_reported_and_the_rest_is_indexed() {
    let sb = Sandbox::new();
    sb.write(
        "c/site/good.txt",
        "Lighthouse gets new stripes\n\nThe lighthouse on Gull Rock was repainted in red and white stripes.\n",
    );
    sb.write(
        "c/site/binary.txt",
        b"GIF89a\x00\x01\x02\x00binary junk\x00",
    );
    sb.write("c/site/empty.txt", "");
    sb.write(
        "c/site/broken.json",
        "{\"title\": \"Half an article\", \"text\": ",
    );
    sb.write(
        "c/site/mixed.jsonl",
        "{\"title\": \"Walrus colony grows\", \"text\": \"The walrus colony on the point grew again this year.\"}\n\
         {this is not json\n\
         {\"title\": \"Puffin count falls\", \"text\": \"The puffin count on the cliffs fell for a third year.\"}\n",
    );
    sb.write(
        "c/site/latin1.txt",
        b"Caf\xe9 owners protest parking fees\n\nOwners of the caf\xe9s on Linden Street protested against the new parking fees.\n",
    );
    sb.write("c/site/report.pdf", "%PDF-1.4 not an article");
    sb.write("c/site/table.csv", "year,count\n2019,4\n");

    let run = sb.index("c");
    run.expect_code(1);
    let summary = run.summary();
    assert_eq!(summary.failed, 3, "{}", summary.line);
    assert_eq!(summary.skipped, 2, "{}", summary.line);
    assert_eq!(summary.unreadable, 1, "{}", summary.line);
    assert_eq!(summary.articles, 4, "{}", summary.line);

    let line_about = |file: &str| {
        run.stderr_lines()
            .into_iter()
            .find(|l| l.contains(file))
            .unwrap_or_else(|| panic!("stderr names no {file}: {}", run.stderr))
            .to_string()
    };
    for (file, reason) in [
        ("binary.txt", "binary"),
        ("empty.txt", "empty"),
        ("broken.json", "invalid JSON"),
        ("mixed.jsonl", "line 2"),
    ] {
        let line = line_about(file);
        assert!(line.starts_with("dateline: "), "{line}");
        assert!(line.contains(reason), "{line}");
    }
    assert!(!run.stderr.contains("latin1.txt"), "{}", run.stderr);
    assert!(!run.stderr.contains("good.txt"), "{}", run.stderr);

    assert_eq!(sb.search_json(&["stripes"]).total, 1);
    assert_eq!(sb.search_json(&["walrus"]).total, 1);
    assert_eq!(sb.search_json(&["puffin"]).total, 1);
    assert_eq!(sb.search_json(&["parking"]).total, 1);
    sb.search(["junk"]).expect_code(1);
    sb.search(["half"]).expect_code(1);
}

#[test]
fn json_lines_file_with_one_bad_line_keeps_the_others() {
    let sb = Sandbox::new();
    sb.write(
        "c/feed.jsonl",
        "{\"title\": \"Salt flats flood after storm\", \"text\": \"The salt flats east of town flooded after the storm.\"}\n\
         {\"title\": \"Harbour dredging begins\", \"text\": \"Dredgers began deepening the harbour channel on Monday.\"}\n\
         {\"title\": \"Broken\", \"text\": [\"not\", \"text\"]}\n\
         {\"title\": \"Night market opens\", \"text\": \"A night market opened on the harbour front with forty stalls.\"}\n",
    );
    let run = sb.index("c");
    run.expect_code(1);
    let summary = run.summary();
    assert_eq!(summary.articles, 3, "{}", summary.line);
    assert_eq!(summary.failed, 0, "{}", summary.line);
    let problem = run
        .stderr_lines()
        .into_iter()
        .find(|l| l.contains("feed.jsonl"))
        .unwrap_or_else(|| panic!("stderr names no feed.jsonl: {}", run.stderr));
    assert!(problem.starts_with("dateline: "), "{problem}");
    assert!(problem.contains("line 3"), "{problem}");
    let harbour = sb.search_json(&["harbour"]);
    assert_eq!(harbour.total, 2);
    assert_eq!(sb.search_json(&["flats"]).total, 1);

    // The file has not changed, so it is not read again, but it still lacks a line.
    let again = sb.index("c");
    again.expect_code(1);
    let summary = again.summary();
    assert_eq!(
        (summary.unchanged, summary.unreadable),
        (1, 1),
        "{}",
        summary.line
    );
    assert!(
        again.stderr.contains("feed.jsonl: 1 unreadable part"),
        "{}",
        again.stderr
    );
}

#[test]
fn a_bad_manifest_line_is_a_problem_not_a_failed_file() {
    let sb = Sandbox::new();
    sb.write(
        "c/a.txt",
        "Ferry resumes\n\nThe ferry to the island resumed service.\n",
    );
    sb.write(
        "c/manifest.jsonl",
        "{\"file\": \"a.txt\", \"date\": \"2015-04-02\"}\n{broken\n",
    );
    let run = sb.index("c");
    run.expect_code(1);
    let summary = run.summary();
    assert_eq!(
        (summary.files, summary.failed, summary.unreadable),
        (1, 0, 1),
        "{}",
        summary.line
    );
    assert!(
        run.stderr.contains("manifest.jsonl: line 2"),
        "{}",
        run.stderr
    );
    assert_eq!(
        sb.search_json(&["ferry"]).hits[0].date.as_deref(),
        Some("2015-04-02")
    );
}

#[test]
fn non_utf8_text_is_indexed_with_replacement_characters() {
    let sb = Sandbox::new();
    sb.write(
        "c/latin1.txt",
        b"Caf\xe9 owners protest parking fees\n\nOwners of the caf\xe9s on Linden Street protested against the new parking fees.\n",
    );
    let run = sb.index("c");
    run.expect_code(0);
    let summary = run.summary();
    assert_eq!((summary.new, summary.failed), (1, 0), "{}", summary.line);
    let results = sb.search_json(&["parking"]);
    assert_eq!(results.total, 1);
    assert_eq!(
        results.hits[0].title,
        "Caf\u{fffd} owners protest parking fees"
    );
    // --verbose says why the text looks odd.
    sb.write("c/latin1.txt", b"Caf\xe9 owners win a parking deal\n\nThe caf\xe9 owners on Linden Street won a parking deal.\n");
    let verbose = sb.run_with_index("index", [sb.join("c").as_os_str(), "--verbose".as_ref()]);
    verbose.expect_code(0);
    assert!(
        verbose
            .stderr_lines()
            .iter()
            .any(|l| l.contains("latin1.txt") && l.contains("UTF-8")),
        "{}",
        verbose.stderr
    );
}

#[test]
fn non_article_files_are_skipped_and_counted() {
    let sb = Sandbox::new();
    sb.write(
        "c/good.txt",
        "Lighthouse gets new stripes\n\nThe lighthouse on Gull Rock was repainted in red and white stripes.\n",
    );
    sb.write("c/report.pdf", "%PDF-1.4 lighthouse report");
    sb.write("c/table.csv", "lighthouse,page\n");
    let run = sb.index("c");
    run.expect_code(0);
    let summary = run.summary();
    assert_eq!(
        (summary.new, summary.skipped, summary.failed),
        (1, 2, 0),
        "{}",
        summary.line
    );
    assert_eq!(sb.search_json(&["lighthouse"]).total, 1);
    sb.search(["report"]).expect_code(1);
    sb.search(["page"]).expect_code(1);

    let verbose = sb.run_with_index("index", [sb.join("c").as_os_str(), "-v".as_ref()]);
    verbose.expect_code(0);
    for file in ["report.pdf", "table.csv"] {
        assert!(
            verbose
                .stderr_lines()
                .iter()
                .any(|l| l.contains(file) && l.contains("not an article")),
            "{}",
            verbose.stderr
        );
    }
}

#[test]
fn hidden_folders_are_not_indexed() {
    let sb = Sandbox::new();
    sb.write(
        "c/site/visible.txt",
        "Tide tables printed\n\nThe new tide tables were printed for the harbour office.\n",
    );
    sb.write(
        "c/site/.git/x.txt",
        "Hidden note\n\nA zebrafish note that lives in a hidden folder.\n",
    );
    sb.write(
        "c/.cache/y.txt",
        "Hidden cache\n\nAnother zebrafish note, in a hidden cache folder.\n",
    );
    let summary = sb.index_ok("c");
    assert_eq!(
        (summary.files, summary.articles),
        (1, 1),
        "{}",
        summary.line
    );
    sb.search(["zebrafish"]).expect_code(1);
    assert_eq!(sb.all_articles().len(), 1);
}

#[test]
fn refuses_to_write_into_a_folder_that_is_not_an_index() {
    let sb = Sandbox::new();
    sb.write(
        "c/a.txt",
        "Tide tables printed\n\nThe new tide tables were printed.\n",
    );
    let notes = sb.write("mine/notes.txt", "my own notes\n");
    let run = sb.run([
        "index".as_ref(),
        sb.join("c").as_os_str(),
        "--index".as_ref(),
        sb.join("mine").as_os_str(),
    ]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(line.contains("mine"), "{line}");
    assert!(line.contains("not a dateline index"), "{line}");
    let entries: Vec<_> = fs::read_dir(sb.join("mine"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, ["notes.txt"]);
    assert_eq!(fs::read_to_string(notes).unwrap(), "my own notes\n");
}

/// The names and contents of the files in `dir`, sorted.
fn folder_contents(dir: &std::path::Path) -> Vec<(std::ffi::OsString, Vec<u8>)> {
    let mut files: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let bytes = if e.path().is_file() {
                fs::read(e.path()).unwrap()
            } else {
                Vec::new()
            };
            (e.file_name(), bytes)
        })
        .collect();
    files.sort();
    files
}

#[test]
fn an_index_of_another_format_or_a_damaged_marker_is_refused_untouched() {
    let sb = Sandbox::new();
    sb.write(
        "c/a.txt",
        "Tide tables printed\n\nThe new tide tables were printed.\n",
    );
    sb.index_ok("c");
    let marker = sb.index_dir().join("dateline-index.json");
    for (text, says) in [
        ("{\"format\":1}\n", "has format 1"),
        ("{\"format\":99}\n", "has format 99"),
        ("not json at all", "is damaged"),
    ] {
        fs::write(&marker, text).unwrap();
        let before = folder_contents(&sb.index_dir());
        for run in [sb.index("c"), sb.search(["tide"])] {
            run.expect_code(2);
            let line = run.single_error_line();
            assert!(line.contains(says), "{line}");
            assert!(line.contains("index"), "{line}");
            assert!(
                line.contains("rebuild"),
                "the error should say what to do: {line}"
            );
        }
        assert_eq!(folder_contents(&sb.index_dir()), before, "{text}");
    }
}

#[test]
fn a_tantivy_index_that_is_not_dateline_s_is_refused_untouched() {
    let sb = Sandbox::new();
    sb.write(
        "c/a.txt",
        "Tide tables printed\n\nThe new tide tables were printed.\n",
    );
    sb.index_ok("c");
    fs::remove_file(sb.index_dir().join("dateline-index.json")).unwrap();
    let before = folder_contents(&sb.index_dir());
    let search = sb.search(["tide"]);
    search.expect_code(2);
    assert!(search.single_error_line().contains("not a dateline index"));
    let index = sb.index("c");
    index.expect_code(2);
    assert!(index.single_error_line().contains("not a dateline index"));
    assert_eq!(folder_contents(&sb.index_dir()), before);
}

#[test]
fn missing_path_to_index_is_an_error_naming_it() {
    let sb = Sandbox::new();
    let run = sb.run_with_index("index", ["no-such-folder"]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(line.contains("no-such-folder"), "{line}");
    assert!(
        !sb.index_dir().exists(),
        "a failed run left an index behind"
    );
}

#[test]
fn index_location_comes_from_dateline_index_env_var() {
    let sb = Sandbox::new();
    sb.write(
        "c/a.txt",
        "Tide tables printed\n\nThe new tide tables were printed for the harbour office.\n",
    );
    let elsewhere = sb.join("from-env");
    let run = Sandbox::finish(
        sb.command()
            .env("DATELINE_INDEX", &elsewhere)
            .args(["index", "c"]),
    );
    run.expect_code(0);
    assert!(elsewhere.join("dateline-index.json").is_file());
    assert!(!sb.join(".dateline").exists());
    let search = Sandbox::finish(
        sb.command()
            .env("DATELINE_INDEX", &elsewhere)
            .args(["search", "tide", "--json"]),
    );
    let results = common::parse_results(&search);
    assert_eq!(results.total, 1);
    assert_eq!(results.hits[0].title, "Tide tables printed");
    // --index wins over the variable.
    let other = Sandbox::finish(
        sb.command()
            .env("DATELINE_INDEX", &elsewhere)
            .args(["search", "tide", "--index", "nowhere"]),
    );
    other.expect_code(2);
    assert!(other.single_error_line().contains("nowhere"));
}

#[test]
fn index_defaults_to_dot_dateline_in_the_current_folder() {
    let sb = Sandbox::new();
    sb.write(
        "c/a.txt",
        "Tide tables printed\n\nThe new tide tables were printed for the harbour office.\n",
    );
    sb.run(["index", "c"]).expect_code(0);
    assert!(sb.join(".dateline/dateline-index.json").is_file());
    let run = sb.run(["search", "tide", "--json"]);
    let results = common::parse_results(&run);
    assert_eq!(results.total, 1);
    assert!(path_ends_with(&results.hits[0].path, "c/a.txt"));
    // Indexing the current folder itself does not index the index.
    let again = sb.run(["index", ".", "--json"]);
    again.expect_code(0);
    assert_eq!(again.summary().files, 1, "{}", again.stderr);
}

/// The stories of a small site whose every article ends with the same tagline.
const GAZETTE_STORIES: [&str; 4] = [
    "The ferry operator added four boats to the island route.",
    "The restored lighthouse opened its stairs to the public.",
    "Traders set up their stalls at the new market hall.",
    "Waves threw stones across the road overnight.",
];

/// Writes the `i`-th of [`GAZETTE_STORIES`] with the site's tagline, which names the
/// Pier Trust.
fn write_gazette_story(sb: &Sandbox, i: usize) -> std::path::PathBuf {
    let story = GAZETTE_STORIES[i];
    let tagline = "The Harbour Gazette is published by the Pier Trust.";
    sb.write(
        format!("corpus/gazette/{i}.txt"),
        format!("Source: Harbour Gazette\n\nStory {i}\n\n{story}\n\n{tagline}\n"),
    )
}

#[test]
fn a_run_that_changes_nothing_reports_what_the_last_one_learned() {
    let sb = Sandbox::new();
    for i in 0..GAZETTE_STORIES.len() {
        write_gazette_story(&sb, i);
    }
    let first = sb.index_ok("corpus");
    assert_eq!((first.new, first.learned_lines), (4, 1), "{}", first.line);
    // Nothing changed, and a new file that holds no article changes nothing either.
    sb.write("corpus/gazette/empty.txt", "\n");
    let again = sb.index(sb.join("corpus"));
    let again = again.summary();
    assert_eq!(
        (again.unchanged, again.failed, again.learned_lines),
        (4, 1, 1),
        "{}",
        again.line
    );
    assert_eq!(sb.search_json(&["Pier"]).total, 0);
    // A removed file is counted again: three articles of four still hold the line.
    fs::remove_file(sb.join("corpus/gazette/empty.txt")).unwrap();
    fs::remove_file(sb.join("corpus/gazette/3.txt")).unwrap();
    let fewer = sb.index_ok("corpus");
    assert_eq!(
        (fewer.removed, fewer.learned_lines),
        (1, 1),
        "{}",
        fewer.line
    );
    assert_eq!(sb.search_json(&["Pier"]).total, 0);
}

#[test]
fn unchanged_articles_are_cleaned_again_when_what_is_learned_changes() {
    let sb = Sandbox::new();
    write_gazette_story(&sb, 0);
    write_gazette_story(&sb, 1);
    // Two articles are too few to learn from: the tagline is indexed.
    let first = sb.index_ok("corpus");
    assert_eq!((first.new, first.learned_lines), (2, 0), "{}", first.line);
    assert_eq!(sb.search_json(&["Pier"]).total, 2);
    // A third makes it boilerplate, dropped from the two unchanged articles too.
    let third = write_gazette_story(&sb, 2);
    let learned = sb.index_ok("corpus");
    assert_eq!(
        (learned.new, learned.recleaned, learned.learned_lines),
        (1, 2, 1),
        "{}",
        learned.line
    );
    assert_eq!(sb.search_json(&["Pier"]).total, 0);
    assert_eq!(sb.search_json(&["lighthouse"]).total, 1);
    // And back when it goes.
    fs::remove_file(third).unwrap();
    let unlearned = sb.index_ok("corpus");
    assert_eq!(
        (
            unlearned.removed,
            unlearned.recleaned,
            unlearned.learned_lines
        ),
        (1, 2, 0),
        "{}",
        unlearned.line
    );
    assert_eq!(sb.search_json(&["Pier"]).total, 2);
}

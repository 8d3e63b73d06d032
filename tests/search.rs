//! `dateline search`: ranking, snippets, human and JSON output, date filters, sorting,
//! query syntax, paging and errors, mostly on an indexed copy of the sample corpus.
#![allow(clippy::unwrap_used)]

mod common;

use common::{titles, Hit, Results, Sandbox};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A sandbox holding an indexed copy of the sample corpus, made once and shared by
/// the tests that only search it.
fn sample() -> &'static Sandbox {
    static SAMPLE: OnceLock<Sandbox> = OnceLock::new();
    SAMPLE.get_or_init(|| {
        let sb = Sandbox::kept("search-sample");
        sb.copy_sample_corpus();
        let summary = sb.index_ok("sample-corpus");
        assert_eq!(summary.failed, 0, "{}", summary.line);
        assert!(summary.articles > 20, "{}", summary.line);
        sb
    })
}

fn lower(text: &str) -> String {
    text.to_lowercase()
}

/// The human output of a search split into its count line and its hit blocks.
fn blocks(stdout: &str) -> (String, Vec<Vec<String>>) {
    let mut parts = stdout.trim_end_matches('\n').split("\n\n");
    let head = parts.next().unwrap_or_default().to_string();
    let hits = parts
        .map(|block| block.lines().map(str::to_string).collect())
        .collect();
    (head, hits)
}

/// The line a hit starts with in human output: `RANK. YYYY-MM-DD  Title` or
/// `RANK. undated  Title`.
fn hit_line(hit: &Hit) -> String {
    format!(
        "{}. {}  {}",
        hit.rank,
        hit.date.as_deref().unwrap_or("undated"),
        hit.title
    )
}

fn is_day(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

#[test]
fn drought_ranks_title_matches_above_body_only_matches() {
    let sb = sample();
    let results = sb.search_json(&["drought", "--limit", "100", "--all-copies"]);
    assert_eq!(results.total, results.hits.len());
    let in_title: Vec<bool> = results
        .hits
        .iter()
        .map(|h| lower(&h.title).contains("drought"))
        .collect();
    let title_hits = in_title.iter().filter(|t| **t).count();
    assert!(title_hits >= 2, "{:?}", titles(&results.hits));
    assert!(
        title_hits < results.hits.len(),
        "{:?}",
        titles(&results.hits)
    );
    // All title matches first, then the body-only ones.
    assert!(
        in_title[..title_hits].iter().all(|t| *t),
        "title matches should rank first: {:?}",
        titles(&results.hits)
    );
    let ranks: Vec<usize> = results.hits.iter().map(|h| h.rank).collect();
    assert_eq!(ranks, (1..=results.hits.len()).collect::<Vec<_>>());
}

#[test]
fn a_word_in_the_headline_lifts_an_article_above_the_same_text_without_it() {
    let sb = Sandbox::new();
    let story = "The wells of the upper village ran dry in July after a long drought, and families now queue each morning for water brought up the valley road by tanker.";
    sb.write(
        "c/wells.txt",
        format!("Drought empties the village wells\n\n{story}\n"),
    );
    sb.write(
        "c/queue.txt",
        format!("Families queue for water in the valley\n\n{story}\n"),
    );
    for (i, topic) in ["ferry", "choir", "bakery", "library", "bridge", "orchard"]
        .iter()
        .enumerate()
    {
        sb.write(
            format!("c/filler-{i}.txt"),
            format!("News of the {topic}\n\nThe {topic} opened again on Monday after repairs, the council said.\n"),
        );
    }
    sb.index_ok("c");
    let results = sb.search_json(&["drought"]);
    assert_eq!(
        titles(&results.hits),
        [
            "Drought empties the village wells",
            "Families queue for water in the valley"
        ]
    );
    assert!(
        results.hits[0].score > results.hits[1].score,
        "{:?}",
        results.hits
    );
}

#[test]
fn drought_snippets_highlight_the_query_word_on_char_boundaries() {
    let sb = sample();
    let results = sb.search_json(&["drought", "--limit", "100"]);
    assert!(results.total > 5);
    for hit in &results.hits {
        assert!(
            !hit.highlights.is_empty(),
            "no highlight in the snippet of {:?}: {:?}",
            hit.title,
            hit.snippet
        );
        let mut previous_end = 0;
        for &[start, end] in &hit.highlights {
            assert!(start < end && end <= hit.snippet.len(), "{hit:?}");
            assert!(
                hit.snippet.is_char_boundary(start) && hit.snippet.is_char_boundary(end),
                "highlight {start}..{end} cuts a character: {hit:?}"
            );
            assert!(start >= previous_end, "overlapping highlights: {hit:?}");
            previous_end = end;
        }
        assert!(
            hit.highlighted()
                .iter()
                .any(|piece| lower(piece).starts_with("drought")),
            "{:?} highlights {:?} in {:?}",
            hit.title,
            hit.highlighted(),
            hit.snippet
        );
        assert!(lower(&hit.snippet).contains("drought"), "{hit:?}");
    }
}

#[test]
fn human_output_lists_ranked_hits_with_date_and_title() {
    let sb = sample();
    let json = sb.search_json(&["drought"]);
    assert!(json.total > 10, "need more than one page");
    let run = sb.search(["drought"]);
    run.expect_code(0);
    let (head, hits) = blocks(&run.stdout);
    let stories = json.stories.expect("the sample corpus holds copies");
    assert!(stories < json.total);
    assert_eq!(
        head,
        format!(
            "{stories} stories match ({} articles with their copies) (showing 1-10)",
            json.total
        )
    );
    assert_eq!(hits.len(), 10, "{}", run.stdout);
    for (block, hit) in hits.iter().zip(&json.hits) {
        assert_eq!(block[0], hit_line(hit), "{}", run.stdout);
        assert!(block.len() >= 3, "hit without origin or snippet: {block:?}");
        assert!(lower(&block[2]).contains("drought"), "{block:?}");
    }
    // Both forms of the hit line appear on this page.
    assert!(json.hits.iter().any(|h| h.date.is_none()));
    assert!(json.hits.iter().any(|h| h.date.is_some()));
}

#[test]
fn color_always_bolds_highlights_and_never_or_piped_has_none() {
    let sb = sample();
    let plain = sb.search(["drought", "--color", "never"]);
    plain.expect_code(0);
    assert!(!plain.stdout.contains('\x1b'), "{}", plain.stdout);
    let piped = sb.search(["drought"]);
    piped.expect_code(0);
    assert!(!piped.stdout.contains('\x1b'), "{}", piped.stdout);
    assert_eq!(piped.stdout, plain.stdout);

    let color = sb.search(["drought", "--color", "always"]);
    color.expect_code(0);
    let (_, hits) = blocks(&color.stdout);
    assert_eq!(hits.len(), 10);
    for block in &hits {
        let snippet = &block[2];
        let bolded: Vec<&str> = snippet
            .split("\x1b[1m")
            .skip(1)
            .map(|rest| {
                rest.split_once("\x1b[0m")
                    .unwrap_or_else(|| panic!("bold never reset: {snippet:?}"))
                    .0
            })
            .collect();
        assert!(
            bolded.iter().any(|b| lower(b).starts_with("drought")),
            "{snippet:?}"
        );
    }
    let stripped = color.stdout.replace("\x1b[1m", "").replace("\x1b[0m", "");
    assert_eq!(stripped, plain.stdout);
}

/// `drought` hits of the sample corpus without a date filter.
fn unfiltered_drought(sb: &Sandbox) -> Vec<Hit> {
    let results = sb.search_json(&["drought", "--limit", "1000", "--all-copies"]);
    assert_eq!(results.total, results.hits.len());
    results.hits
}

/// Titles of `hits`, sorted, for comparing sets.
fn title_set(hits: &[Hit]) -> Vec<String> {
    let mut t: Vec<String> = hits.iter().map(|h| h.title.clone()).collect();
    t.sort();
    t
}

#[test]
fn since_keeps_later_articles_and_counts_undated_left_out() {
    let sb = sample();
    let all = unfiltered_drought(sb);
    let undated = all.iter().filter(|h| h.date.is_none()).count();
    assert!(undated >= 1);
    let expected: Vec<Hit> = all
        .iter()
        .filter(|h| h.date.as_deref().is_some_and(|d| d >= "2019-01-01"))
        .cloned()
        .collect();
    assert!(!expected.is_empty() && expected.len() < all.len());

    let results = sb.search_json(&[
        "drought",
        "--since",
        "2019",
        "--limit",
        "1000",
        "--all-copies",
    ]);
    assert_eq!(title_set(&results.hits), title_set(&expected));
    assert_eq!(results.undated_left_out, Some(undated));

    let run = sb.search(["drought", "--since", "2019", "--all-copies"]);
    run.expect_code(0);
    let head = run.stdout.lines().next().unwrap();
    let noun = if undated == 1 {
        "undated article"
    } else {
        "undated articles"
    };
    assert!(
        head.starts_with(&format!("{} article", expected.len())),
        "{head}"
    );
    assert!(
        head.ends_with(&format!("; {undated} {noun} left out by the date filter")),
        "{head}"
    );
}

#[test]
fn until_keeps_earlier_articles_only() {
    let sb = sample();
    let all = unfiltered_drought(sb);
    let expected: Vec<Hit> = all
        .iter()
        .filter(|h| h.date.as_deref().is_some_and(|d| d <= "2013-12-31"))
        .cloned()
        .collect();
    assert!(!expected.is_empty());
    let results = sb.search_json(&["drought", "--until", "2013", "--limit", "1000"]);
    assert_eq!(title_set(&results.hits), title_set(&expected));
    assert!(results.hits.iter().all(|h| h.date.is_some()));
}

/// A corpus of articles dated on the edges of periods, and one undated.
fn edge_corpus() -> Sandbox {
    let sb = Sandbox::new();
    for (file, date, title) in [
        ("a.txt", "2013-12-31", "Harbour tally closes the old year"),
        ("b.txt", "2014-01-01", "Harbour tally opens the new year"),
        ("c.txt", "2016-04-30", "Harbour tally at the end of April"),
        ("d.txt", "2016-05-01", "Harbour tally on the first of May"),
        (
            "e.txt",
            "2017-02-28",
            "Harbour tally on the last day of February",
        ),
        ("f.txt", "2017-03-01", "Harbour tally on the first of March"),
    ] {
        sb.write(
            format!("edges/{file}"),
            format!("Title: {title}\nDate: {date}\n\nThe harbour master published the monthly tally of ships.\n"),
        );
    }
    sb.write(
        "edges/undated.txt",
        "Title: Harbour tally of unknown date\n\nThe harbour master published a tally of ships.\n",
    );
    let summary = sb.index_ok("edges");
    assert_eq!(
        (summary.articles, summary.undated),
        (7, 1),
        "{}",
        summary.line
    );
    sb
}

fn dates_of(results: &Results) -> Vec<String> {
    let mut dates: Vec<String> = results
        .hits
        .iter()
        .map(|h| h.date.clone().unwrap_or_else(|| "undated".into()))
        .collect();
    dates.sort();
    dates
}

#[test]
fn date_bounds_are_inclusive_and_whole_periods() {
    let sb = edge_corpus();
    let search = |args: &[&str]| {
        let mut all = vec!["tally", "--limit", "100"];
        all.extend_from_slice(args);
        sb.search_json(&all)
    };
    assert_eq!(dates_of(&search(&["--until", "2013"])), ["2013-12-31"]);
    assert_eq!(
        dates_of(&search(&["--since", "2014"])),
        [
            "2014-01-01",
            "2016-04-30",
            "2016-05-01",
            "2017-02-28",
            "2017-03-01"
        ]
    );
    assert_eq!(
        dates_of(&search(&["--since", "2016-05", "--until", "2017-02"])),
        ["2016-05-01", "2017-02-28"]
    );
    assert_eq!(
        dates_of(&search(&["--since", "2016-04-30", "--until", "2016-04-30"])),
        ["2016-04-30"]
    );
    assert_eq!(
        dates_of(&search(&["--since", "2013-12-31", "--until", "2014-01-01"])),
        ["2013-12-31", "2014-01-01"]
    );
    // Without a bound, the undated article is there.
    assert_eq!(search(&[]).total, 7);

    let run = sb.search(["tally", "--until", "2013"]);
    run.expect_code(0);
    assert_eq!(
        run.stdout.lines().next(),
        Some("1 article matches (showing 1-1); 1 undated article left out by the date filter")
    );
    let none = sb.search(["tally", "--since", "2018"]);
    none.expect_code(1);
    assert!(
        none.stdout.starts_with("0 articles match"),
        "{}",
        none.stdout
    );
}

#[test]
fn reversed_date_bounds_are_an_error() {
    let sb = sample();
    let run = sb.search(["drought", "--since", "2014", "--until", "2013"]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(
        line.contains("--since") && line.contains("--until"),
        "{line}"
    );
    assert!(run.stdout.is_empty());
}

#[test]
fn impossible_month_is_an_error_naming_since() {
    let sb = sample();
    let run = sb.search(["drought", "--since", "2013-13"]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(line.contains("--since"), "{line}");
    assert!(line.contains("2013-13"), "{line}");
}

/// Checks that dated hits come in `order` and all undated hits come last.
#[track_caller]
fn assert_sorted(hits: &[Hit], newest_first: bool) {
    let dated: Vec<&str> = hits.iter().map_while(|h| h.date.as_deref()).collect();
    assert!(
        hits[dated.len()..].iter().all(|h| h.date.is_none()),
        "undated articles must come last: {:?}",
        hits.iter().map(|h| h.date.clone()).collect::<Vec<_>>()
    );
    for pair in dated.windows(2) {
        if newest_first {
            assert!(pair[0] >= pair[1], "not newest first: {dated:?}");
        } else {
            assert!(pair[0] <= pair[1], "not oldest first: {dated:?}");
        }
    }
    assert!(dated.len() > 1 && dated.len() < hits.len());
}

#[test]
fn sort_by_date_puts_undated_articles_last() {
    let sb = sample();
    let newest = sb.search_json(&["*", "--sort", "newest", "--limit", "1000", "--all-copies"]);
    assert_eq!(newest.total, newest.hits.len());
    assert_sorted(&newest.hits, true);
    let oldest = sb.search_json(&["*", "--sort", "oldest", "--limit", "1000", "--all-copies"]);
    assert_sorted(&oldest.hits, false);
    assert_eq!(title_set(&newest.hits), title_set(&oldest.hits));
    assert_ne!(newest.hits[0].date, oldest.hits[0].date);
    // A query sorted by date, paged.
    let page = sb.search_json(&[
        "drought", "--sort", "newest", "--limit", "3", "--offset", "2",
    ]);
    let full = sb.search_json(&["drought", "--sort", "newest", "--limit", "1000"]);
    assert_sorted(&full.hits, true);
    assert_eq!(
        page.hits.iter().map(|h| &h.date).collect::<Vec<_>>(),
        full.hits[2..5].iter().map(|h| &h.date).collect::<Vec<_>>()
    );
}

#[test]
fn phrase_query_needs_the_words_in_order() {
    let sb = sample();
    let phrase = sb.search_json(&["\"Tengri Copper\"", "--limit", "1000"]);
    assert!(phrase.total > 2);
    for hit in &phrase.hits {
        let text = lower(&format!("{} {}", hit.title, hit.snippet));
        assert!(text.contains("tengri copper"), "{hit:?}");
    }
    let words = sb.search_json(&["Copper", "Tengri", "--limit", "1000"]);
    assert!(words.total >= phrase.total);
    let reversed = sb.search(["\"Copper Tengri\""]);
    reversed.expect_code(1);
    assert!(reversed.stdout.starts_with("0 articles match"));
}

#[test]
fn or_query_matches_either_word() {
    let sb = sample();
    let saxaul = sb.search_json(&["saxaul"]);
    let ferroalloy = sb.search_json(&["ferroalloy"]);
    assert!(saxaul.total >= 1 && ferroalloy.total >= 1);
    sb.search(["saxaul", "ferroalloy", "--match", "all"])
        .expect_code(1);
    // By default the articles with one of the words are listed after those with both.
    let some = sb.search_json(&["saxaul", "ferroalloy", "--limit", "100"]);
    assert_eq!(some.total_all, 0);
    assert_eq!(
        title_set(&some.hits).len(),
        saxaul.total + ferroalloy.total,
        "no article has both"
    );
    let either = sb.search_json(&["saxaul OR ferroalloy", "--limit", "100"]);
    let mut expected = title_set(&saxaul.hits);
    expected.extend(title_set(&ferroalloy.hits));
    expected.sort();
    expected.dedup();
    assert_eq!(title_set(&either.hits), expected);
    for hit in &either.hits {
        let snippet = lower(&hit.snippet);
        assert!(
            snippet.contains("saxaul") || snippet.contains("ferroalloy"),
            "{hit:?}"
        );
    }
}

#[test]
fn excluding_a_field_word_drops_title_matches() {
    let sb = sample();
    let all = sb.search_json(&["kaliyeva", "--limit", "1000"]);
    let with_title = all
        .hits
        .iter()
        .filter(|h| lower(&h.title).contains("kaliyeva"))
        .count();
    assert!(with_title > 0);
    let results = sb.search_json(&["kaliyeva -title:kaliyeva", "--limit", "1000"]);
    assert!(results.total > 0);
    assert_eq!(results.total, all.total - with_title);
    for hit in &results.hits {
        assert!(!lower(&hit.title).contains("kaliyeva"), "{hit:?}");
        assert!(lower(&hit.snippet).contains("kaliyeva"), "{hit:?}");
    }
}

#[test]
fn title_field_query_matches_titles_only() {
    let sb = sample();
    let expected: Vec<Hit> = sb
        .all_articles()
        .into_iter()
        .filter(|h| lower(&h.title).contains("drought"))
        .collect();
    assert!(!expected.is_empty());
    let results = sb.search_json(&["title:drought", "--limit", "1000"]);
    assert!(results
        .hits
        .iter()
        .all(|h| lower(&h.title).contains("drought")));
    assert_eq!(title_set(&results.hits), title_set(&expected));
    assert!(results.total < sb.search_json(&["drought"]).total);
}

#[test]
fn place_field_query_matches_the_dateline_place() {
    let sb = sample();
    let expected: Vec<Hit> = sb
        .all_articles()
        .into_iter()
        .filter(|h| {
            h.place
                .as_deref()
                .is_some_and(|p| lower(p).split([' ', ',']).any(|w| w == "aktau"))
        })
        .collect();
    assert!(expected.len() > 1);
    let results = sb.search_json(&["place:aktau", "--limit", "1000"]);
    assert_eq!(title_set(&results.hits), title_set(&expected));
    // Articles that only mention Aktau are not filed from there.
    assert!(sb.search_json(&["aktau", "--limit", "1000"]).total > results.total);
}

#[test]
fn a_word_that_looks_like_a_field_is_searched_as_a_word() {
    let sb = sample();
    let run = sb.search(["tengri:copper", "--limit", "1"]);
    run.expect_code(0);
    assert!(run.stdout.contains("Tengri Copper"), "{}", run.stdout);
    let note = run.single_error_line();
    assert!(
        note.starts_with("dateline: note:") && note.contains("`tengri:` is not a field"),
        "{note}"
    );
    let json = sb.search_json(&["tengri:copper", "--limit", "1"]);
    assert_eq!(json.notes.len(), 1, "{:?}", json.notes);
}

#[test]
fn what_people_type_is_never_refused() {
    let sb = sample();
    for typed in [
        "\"Tengri Copper",
        "Tengri Copper's strike",
        "can't find the miners",
        "/copper strike/",
        "copper (strike",
        "copper strike)",
        "copper -",
        "copper AND",
        "OR copper",
        "copper OR",
        "what happened to the miners' strike at Tengri Copper?",
    ] {
        let run = sb.search([typed, "--limit", "1"]);
        assert!(
            run.code == 0,
            "{typed:?} gave {}: {} {}",
            run.code,
            run.stdout,
            run.stderr
        );
        assert!(
            !run.stdout.starts_with("0 articles"),
            "{typed:?}: {}",
            run.stdout
        );
    }
    let unclosed = sb.search(["\"Tengri Copper"]);
    assert!(unclosed.stderr.contains("quote"), "{}", unclosed.stderr);
}

#[test]
fn query_of_only_exclusions_is_an_error() {
    let sb = sample();
    let run = sb.search(["--", "-drought"]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(line.starts_with("dateline: invalid query"), "{line}");
    assert!(line.contains("-drought"), "{line}");
}

#[test]
fn search_without_an_index_says_to_run_index() {
    let sb = Sandbox::new();
    let run = sb.search(["drought"]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(line.contains("run `dateline index"), "{line}");
    assert!(
        !sb.index_dir().exists(),
        "searching must not create an index"
    );
}

#[test]
fn no_hits_exits_1_with_a_zero_count() {
    let sb = sample();
    let run = sb.search(["xylophone"]);
    run.expect_code(1);
    assert_eq!(run.stdout.trim_end(), "0 articles match");
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let json = sb.search_json(&["xylophone"]);
    assert_eq!(json.total, 0);
    assert!(json.hits.is_empty());
}

#[test]
fn paging_with_offset_continues_the_ranking() {
    let sb = sample();
    let first = sb.search_json(&["drought", "--limit", "10"]);
    let page = sb.search_json(&["drought", "--limit", "3", "--offset", "3"]);
    assert_eq!(page.total, first.total);
    assert_eq!(
        page.hits.iter().map(|h| h.rank).collect::<Vec<_>>(),
        [4, 5, 6]
    );
    assert_eq!(titles(&page.hits), titles(&first.hits[3..6]));
    let run = sb.search(["drought", "--limit", "3", "--offset", "3"]);
    let (head, hits) = blocks(&run.stdout);
    assert_eq!(
        head,
        format!(
            "{} stories match ({} articles with their copies) (showing 4-6)",
            first.stories.unwrap(),
            first.total
        )
    );
    assert_eq!(hits.len(), 3);
    assert!(hits[0][0].starts_with("4. "), "{:?}", hits[0]);
}

#[test]
fn limit_out_of_range_is_an_error() {
    let sb = sample();
    for limit in ["0", "5000"] {
        let run = sb.search(["drought", "--limit", limit]);
        run.expect_code(2);
        let line = run.single_error_line();
        assert!(line.contains("--limit"), "{line}");
        assert!(line.contains(limit), "{line}");
        assert!(run.stdout.is_empty());
    }
    let run = sb.search(["drought", "--offset", "100001"]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(
        line.contains("--offset") && line.contains("100000"),
        "{line}"
    );
    for huge in ["99999999999999999999999", "-1"] {
        let run = sb.search(["drought", "--limit", huge]);
        run.expect_code(2);
        assert!(run.single_error_line().contains("--limit"));
    }
}

#[test]
fn json_output_has_the_documented_shape() {
    let sb = sample();
    let run = sb.search(["--json", "drought"]);
    run.expect_code(0);
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let object = value.as_object().unwrap();
    for key in ["query", "total", "hits"] {
        assert!(object.contains_key(key), "no `{key}` in {value}");
    }
    assert_eq!(value["query"], "drought");
    let hits = value["hits"].as_array().unwrap();
    assert_eq!(hits.len(), 10);
    assert!(value["total"].as_u64().unwrap() >= 10);
    for (i, hit) in hits.iter().enumerate() {
        for key in [
            "rank",
            "score",
            "id",
            "title",
            "date",
            "source",
            "url",
            "place",
            "path",
            "snippet",
            "highlights",
        ] {
            assert!(hit.get(key).is_some(), "no `{key}` in {hit}");
        }
        assert_eq!(hit["rank"].as_u64(), Some(i as u64 + 1));
        assert!(hit["score"].is_number(), "{hit}");
        assert!(!hit["id"].as_str().unwrap().is_empty());
        assert!(!hit["title"].as_str().unwrap().is_empty());
        assert!(
            hit["date"].is_null() || hit["date"].as_str().is_some_and(is_day),
            "{hit}"
        );
        for key in ["source", "url", "place"] {
            assert!(hit[key].is_null() || hit[key].is_string(), "{hit}");
        }
        assert!(hit["path"].is_string() && hit["snippet"].is_string());
        for range in hit["highlights"].as_array().unwrap() {
            let pair = range.as_array().unwrap();
            assert_eq!(pair.len(), 2, "{hit}");
            assert!(pair[0].as_u64().unwrap() < pair[1].as_u64().unwrap());
        }
    }
    assert!(hits.iter().any(|h| h["date"].is_null()));
    assert!(hits.iter().any(|h| h["date"].is_string()));
}

/// Maps each article's id to its path and line, from a `*` search of `index`.
fn ids_of(sb: &Sandbox, index: &str) -> HashMap<String, (String, Option<u64>)> {
    let run = sb.run([
        "search",
        "*",
        "--json",
        "--limit",
        "1000",
        "--all-copies",
        "--index",
        index,
    ]);
    let results = common::parse_results(&run);
    assert_eq!(results.total, results.hits.len());
    let ids: HashMap<String, (String, Option<u64>)> = results
        .hits
        .iter()
        .map(|h| (h.id.clone(), (h.path.clone(), h.line)))
        .collect();
    assert_eq!(ids.len(), results.hits.len(), "article ids are not unique");
    ids
}

#[test]
fn ids_are_unique_and_stable_across_index_runs() {
    let sb = Sandbox::new();
    sb.copy_sample_corpus();
    sb.run(["index", "sample-corpus", "--index", "one"])
        .expect_code(0);
    sb.run(["index", "sample-corpus", "--index", "two"])
        .expect_code(0);
    let one = ids_of(&sb, "one");
    assert!(one.len() > 20);
    assert_eq!(one, ids_of(&sb, "two"));
    // Updating one file keeps every id.
    let path = sb.join("sample-corpus/kapshagai-fish-farms.txt");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("eighteen", "twenty")).unwrap();
    let run = sb.run(["index", "sample-corpus", "--index", "one", "--json"]);
    run.expect_code(0);
    assert_eq!(run.summary().updated, 1, "{}", run.stderr);
    assert_eq!(one, ids_of(&sb, "one"));
}

#[test]
fn control_characters_in_titles_are_escaped_for_terminals_but_raw_in_json() {
    let sb = Sandbox::new();
    let evil = "Evil \x1b[31m headline";
    sb.write(
        "c/evil.txt",
        format!(
            "Title: {evil}\nDate: 2020-01-02\n\nVolunteers counted the marmots of the ridge.\n"
        ),
    );
    sb.index_ok("c");
    for color in ["never", "always"] {
        let run = sb.search(["marmots", "--color", color]);
        run.expect_code(0);
        let text = run.stdout.replace("\x1b[1m", "").replace("\x1b[0m", "");
        assert!(
            !text.contains('\x1b'),
            "raw escape in --color {color} output: {:?}",
            run.stdout
        );
        let (_, hits) = blocks(&text);
        let line = &hits[0][0];
        assert!(line.starts_with("1. 2020-01-02  Evil "), "{line:?}");
        assert!(line.ends_with("[31m headline"), "{line:?}");
    }
    let run = sb.search(["--json", "marmots"]);
    run.expect_code(0);
    assert!(!run.stdout_bytes.contains(&0x1b), "{:?}", run.stdout);
    let results = common::parse_results(&run);
    assert_eq!(results.hits[0].title, evil);
}

#[test]
fn snippet_of_a_whole_short_body_is_not_marked_as_cut() {
    let sb = Sandbox::new();
    sb.write(
        "c/ferry.txt",
        "Ferry timetable changes\n\nThe ferry timetable changes on Monday. Boats will leave every hour.\n",
    );
    sb.index_ok("c");
    let results = sb.search_json(&["boats"]);
    assert_eq!(results.total, 1);
    assert_eq!(
        results.hits[0].snippet,
        "The ferry timetable changes on Monday. Boats will leave every hour."
    );
}

#[test]
fn argument_errors_are_one_line() {
    let sb = Sandbox::new();
    let run = sb.run(["search", "drought", "--sort", "sideways"]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(
        line.contains("'sideways'") && line.contains("relevance"),
        "{line}"
    );
    let run = sb.run(["search"]);
    run.expect_code(2);
    assert!(run.single_error_line().contains("<QUERY>"));
}

/// Counts the dated hits of a whole result list by the first `width` characters of
/// their date (4 for years, 7 for months, 10 for days).
fn dates_by_prefix(hits: &[Hit], width: usize) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for hit in hits {
        if let Some(date) = &hit.date {
            *counts.entry(date[..width].to_string()).or_default() += 1;
        }
    }
    counts
}

#[test]
fn histograms_count_every_match_per_calendar_period() {
    let sb = sample();
    for (period, width) in [("year", 4), ("month", 7), ("day", 10)] {
        for filter in [&[][..], &["--since", "2013-02", "--until", "2016"][..]] {
            let mut args = vec!["drought", "--limit", "1", "--histogram", period];
            args.extend_from_slice(filter);
            let results = sb.search_json(&args);
            assert_eq!(results.hits.len(), 1, "the page stays as asked");
            let histogram = results.histogram.expect("a histogram");
            let mut all_args = vec!["drought", "--limit", "1000", "--all-copies"];
            all_args.extend_from_slice(filter);
            let expected = dates_by_prefix(&sb.search_json(&all_args).hits, width);
            let nonzero: std::collections::BTreeMap<String, usize> = histogram
                .iter()
                .filter(|p| p.count > 0)
                .map(|p| (p.period.clone(), p.count))
                .collect();
            assert_eq!(nonzero, expected, "{period} {filter:?}");
            let periods: Vec<&str> = histogram.iter().map(|p| p.period.as_str()).collect();
            let mut sorted = periods.clone();
            sorted.sort();
            assert_eq!(periods, sorted, "calendar order");
            assert!(periods.iter().all(|p| p.len() == width), "{periods:?}");
        }
    }
    // Years and months between the first and last are listed with 0.
    let years = sb
        .search_json(&["*", "--histogram", "year"])
        .histogram
        .unwrap();
    let numbers: Vec<i32> = years.iter().map(|p| p.period.parse().unwrap()).collect();
    assert_eq!(
        numbers,
        (numbers[0]..=numbers[numbers.len() - 1]).collect::<Vec<_>>()
    );
    // Without the option, no histogram key at all.
    let run = sb.search(["drought", "--json"]);
    assert!(!run.stdout.contains("\"histogram\""));
}

#[test]
fn histograms_draw_bars_in_human_output() {
    let sb = sample();
    let run = sb.search(["drought", "--histogram", "year", "--limit", "1"]);
    run.expect_code(0);
    let chart: Vec<&str> = run
        .stdout
        .lines()
        .skip_while(|l| *l != "matches per year:")
        .skip(1)
        .collect();
    assert!(!chart.is_empty(), "{}", run.stdout);
    let results = sb.search_json(&["drought", "--histogram", "year"]);
    for (line, period) in chart.iter().zip(results.histogram.unwrap()) {
        assert!(line.trim_start().starts_with(&period.period), "{line}");
        assert!(
            line.trim_end().ends_with(&period.count.to_string()),
            "{line}"
        );
        assert_eq!(line.contains('█'), period.count > 0, "{line}");
    }
    let bad = sb.search(["drought", "--histogram", "week"]);
    bad.expect_code(2);
    assert!(bad.single_error_line().contains("--histogram"));
}

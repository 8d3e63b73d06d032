//! `dateline clean` (what the cleaner makes of one file) and `dateline stats` (what
//! the index holds).
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)] // tests fail by panicking

mod common;

use common::{Run, Sandbox};
use serde_json::Value;
use std::collections::BTreeMap;

/// A scraped page: banner, headline, dateline, reporting that uses appeal words, a
/// newsletter block and an appeal running to the end.
const SALT_PAGE: &str = "Support The Marsh Courier!

Salt marsh restoration floods the old polders

GREYHAVEN, Norland — Engineers opened the sluices of three old polders on Friday, letting the tide back onto land that was drained two centuries ago.
Farmers said they would support the plan if grazing rights on the new marsh were kept.

The parish newsletter announced a walk along the new shoreline for Sunday.
Residents were asked to donate old fence posts for the bird hides.

Sign up for our free weekly newsletter
Our weekly newsletter brings the coast to your inbox. Preview
Subscribers agree to the Privacy Policy

A Message from The Marsh Courier:
Dear readers,
Reporting from the coast costs money, and we rely on readers to pay for it.
Every contribution, however small, keeps our reporters on the dykes.
Once
Monthly
Annual
Continue
Not ready to support today?
Remind me later.
";

/// Runs `dateline clean ARGS...` in the sandbox.
fn clean(sb: &Sandbox, args: &[&str]) -> Run {
    let mut all = vec!["clean"];
    all.extend_from_slice(args);
    sb.run(all)
}

/// The value of a `key:` line of `dateline clean`'s human output.
fn field<'a>(stdout: &'a str, key: &str) -> &'a str {
    let prefix = format!("{key}:");
    stdout
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no `{key}:` line in {stdout}"))
        .trim()
}

/// The `[rule] line` entries of `dateline clean`'s human output.
fn dropped(stdout: &str) -> Vec<(String, String)> {
    stdout
        .lines()
        .filter_map(|l| l.strip_prefix("  ["))
        .filter_map(|l| l.split_once("] "))
        .map(|(rule, line)| (rule.to_string(), line.to_string()))
        .collect()
}

/// The body of `dateline clean`'s human output: what lies between the `url:` line
/// and the `N dropped lines:` line.
fn human_body(stdout: &str) -> String {
    let after_url = stdout.split_once("\nurl:").unwrap().1;
    let after_url = after_url.split_once('\n').unwrap().1;
    let end = after_url.rfind("\n\n").unwrap();
    after_url[..end].trim().to_string()
}

fn clean_json(sb: &Sandbox, file: &str) -> Value {
    let run = clean(sb, &[file, "--json"]);
    run.expect_code(0);
    serde_json::from_str(&run.stdout).unwrap()
}

#[test]
fn clean_shows_metadata_body_and_dropped_lines() {
    let sb = Sandbox::new();
    sb.write("courier/salt-marsh.txt", SALT_PAGE);
    sb.write(
        "courier/manifest.jsonl",
        "{\"file\": \"salt-marsh.txt\", \"date\": \"2022-10-07\", \"url\": \"https://www.marshcourier.example/news/salt-marsh\"}\n",
    );
    let run = clean(&sb, &["courier/salt-marsh.txt"]);
    run.expect_code(0);
    let out = &run.stdout;
    assert!(!out.contains('\x1b'), "{out}");
    assert_eq!(
        field(out, "title"),
        "Salt marsh restoration floods the old polders"
    );
    assert_eq!(field(out, "date"), "2022-10-07 (from manifest)");
    assert_eq!(field(out, "place"), "Greyhaven, Norland");
    assert_eq!(field(out, "source"), "marshcourier.example");
    assert_eq!(
        field(out, "url"),
        "https://www.marshcourier.example/news/salt-marsh"
    );

    let body = human_body(out);
    assert!(
        body.starts_with("GREYHAVEN, Norland — Engineers opened the sluices"),
        "{body}"
    );
    assert!(body.contains("Residents were asked to donate old fence posts"));
    for gone in [
        "Support The Marsh Courier",
        "Sign up",
        "Dear readers",
        "Monthly",
    ] {
        assert!(!body.contains(gone), "{gone:?} left in {body}");
    }

    let dropped = dropped(out);
    let rule_of = |line: &str| {
        dropped
            .iter()
            .find(|(_, l)| l == line)
            .map(|(r, _)| r.as_str())
            .unwrap_or_else(|| panic!("{line:?} not among dropped lines {dropped:?}"))
    };
    assert_eq!(rule_of("Support The Marsh Courier!"), "appeal");
    assert_eq!(
        rule_of("Salt marsh restoration floods the old polders"),
        "title"
    );
    assert_eq!(
        rule_of("Sign up for our free weekly newsletter"),
        "newsletter"
    );
    assert_eq!(rule_of("A Message from The Marsh Courier:"), "appeal block");
    assert_eq!(rule_of("Remind me later."), "appeal block");
    let count_line = format!("{} dropped lines:", dropped.len());
    assert!(out.lines().any(|l| l == count_line), "{out}");
}

#[test]
fn clean_names_where_the_date_came_from() {
    let sb = Sandbox::new();
    sb.write(
        "site/header.txt",
        "Title: Tram depot approved\nDate: 2018-09-14\n\nThe council approved a second tram depot.\n",
    );
    sb.write(
        "site/from-manifest.txt",
        "Quay cranes to be repainted\n\nThe two old cranes on the quay will be repainted green.\n",
    );
    sb.write(
        "site/manifest.jsonl",
        "{\"file\": \"from-manifest.txt\", \"date\": \"2019-11-30\"}\n",
    );
    sb.write(
        "site/url.txt",
        "URL: https://dunes.example/2017/08/21/sand-fences\n\nVolunteers fix sand fences\n\nVolunteers repaired the sand fences on the spit.\n",
    );
    sb.write(
        "site/text.txt",
        "Beekeepers count winter losses\nPublished March 31, 2011\n\nA third of the colonies did not survive the frost.\n",
    );
    sb.write(
        "site/none.txt",
        "Kite makers gather on the bluff\n\nKite makers flew their new designs above the bluff.\n",
    );
    for (file, date, from) in [
        ("site/header.txt", "2018-09-14", "header"),
        ("site/from-manifest.txt", "2019-11-30", "manifest"),
        ("site/url.txt", "2017-08-21", "url"),
        ("site/text.txt", "2011-03-31", "text"),
    ] {
        let run = clean(&sb, &[file]);
        run.expect_code(0);
        assert_eq!(
            field(&run.stdout, "date"),
            format!("{date} (from {from})"),
            "{file}"
        );
        let json = clean_json(&sb, file);
        assert_eq!(json["date"], date, "{file}");
        assert_eq!(json["date_from"], from, "{file}");
    }
    let run = clean(&sb, &["site/none.txt"]);
    run.expect_code(0);
    assert_eq!(field(&run.stdout, "date"), "undated");
    let json = clean_json(&sb, "site/none.txt");
    assert!(
        json["date"].is_null() && json["date_from"].is_null(),
        "{json}"
    );
}

#[test]
fn clean_json_has_the_documented_keys() {
    let sb = Sandbox::new();
    sb.write("courier/salt-marsh.txt", SALT_PAGE);
    let json = clean_json(&sb, "courier/salt-marsh.txt");
    let object = json
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {json}"));
    for key in [
        "title",
        "date",
        "date_from",
        "place",
        "source",
        "url",
        "body",
        "dropped",
    ] {
        assert!(object.contains_key(key), "no `{key}` in {json}");
    }
    assert_eq!(
        json["title"],
        "Salt marsh restoration floods the old polders"
    );
    assert_eq!(json["place"], "Greyhaven, Norland");
    // No URL, manifest or header: nothing names the site or the address.
    assert!(json["url"].is_null(), "{json}");
    assert!(
        json["source"].is_null() || json["source"].is_string(),
        "{json}"
    );
    let body = json["body"].as_str().unwrap();
    assert!(body.starts_with("GREYHAVEN, Norland — "), "{body}");
    let dropped = json["dropped"].as_array().unwrap();
    assert!(dropped.len() > 5);
    for entry in dropped {
        let line = entry["line"].as_str().unwrap();
        let rule = entry["rule"].as_str().unwrap();
        assert!(!line.is_empty() && !rule.is_empty(), "{entry}");
        assert!(
            SALT_PAGE.contains(line),
            "{line:?} is not a line of the page"
        );
    }
    assert!(dropped.iter().any(
        |d| d["rule"] == "newsletter" && d["line"] == "Sign up for our free weekly newsletter"
    ));
}

#[test]
fn clean_json_of_a_json_lines_file_is_an_array() {
    let sb = Sandbox::new();
    sb.write(
        "feeds/crawl.jsonl",
        "{\"headline\": \"Kelp farm doubles its lines\", \"maintext\": \"Donate to Kelp News\\nA kelp farm off the north cape has doubled its growing lines.\", \"date_publish\": \"2021-06-03 14:20:00\", \"link\": \"https://kelpnews.example/a\", \"source_domain\": \"kelpnews.example\"}\n\
         {\"headline\": \"Seal pups counted\", \"maintext\": \"Rangers counted forty seal pups on the sandbank.\"}\n",
    );
    let json = clean_json(&sb, "feeds/crawl.jsonl");
    let items = json
        .as_array()
        .unwrap_or_else(|| panic!("not an array: {json}"));
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["title"], "Kelp farm doubles its lines");
    assert_eq!(items[0]["date"], "2021-06-03");
    assert_eq!(items[0]["date_from"], "json");
    assert_eq!(items[0]["source"], "kelpnews.example");
    assert_eq!(
        items[0]["body"],
        "A kelp farm off the north cape has doubled its growing lines."
    );
    assert_eq!(items[0]["dropped"][0]["line"], "Donate to Kelp News");
    assert_eq!(items[1]["title"], "Seal pups counted");
    assert!(items[1]["date"].is_null());

    // A single-line file is still an array; a single .json object is an object.
    sb.write(
        "feeds/one.jsonl",
        "{\"title\": \"Seal pups counted\", \"text\": \"Rangers counted forty seal pups.\"}\n",
    );
    assert_eq!(
        clean_json(&sb, "feeds/one.jsonl").as_array().unwrap().len(),
        1
    );
    sb.write(
        "feeds/one.json",
        "{\"title\": \"Seal pups counted\", \"text\": \"Rangers counted forty seal pups.\"}",
    );
    assert!(clean_json(&sb, "feeds/one.json").is_object());
}

#[test]
fn clean_keeps_reporting_that_uses_appeal_words() {
    let sb = Sandbox::new();
    let story = [
        "Farmers said they would support the plan.",
        "The cooperative's newsletter announced the new rota for the netting crews.",
        "Residents were asked to donate spare rope at the village hall.",
        "Growers said they would subscribe to a shared weather radar service.",
        "Minister pledges support for hail-hit growers, officials said.",
    ];
    sb.write(
        "ledger/orchards.txt",
        format!(
            "Orchard growers brace for hail\n\nVERNEY, Freeland — Apple growers began stretching nets over their trees on Monday.\n{}\n\nThe nets will stay up until the harvest.\n",
            story.join("\n")
        ),
    );
    let json = clean_json(&sb, "ledger/orchards.txt");
    let body = json["body"].as_str().unwrap();
    let dropped: Vec<&str> = json["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_str().unwrap())
        .collect();
    for sentence in story {
        assert!(
            body.contains(sentence),
            "{sentence:?} missing from {body:?}"
        );
        assert!(!dropped.contains(&sentence), "{sentence:?} was dropped");
    }
    assert_eq!(dropped, ["Orchard growers brace for hail"]);
}

#[test]
fn clean_drops_boilerplate_of_an_unknown_site() {
    let sb = Sandbox::new();
    let boilerplate = [
        "Love our reporting? Chip in $5 to keep us independent!",
        "Get our morning briefing in your inbox",
    ];
    sb.write(
        "ledger/hail.txt",
        format!(
            "Hail shreds nets in the upper valley\n\n\
             VERNEY, Freeland — A short but violent hailstorm tore through the nets of the upper valley on Tuesday.\n\
             {}\n\
             Growers said about a tenth of the fruit was damaged.\n\
             {}\n\
             The cooperative will meet on Thursday to count the losses.\n",
            boilerplate[0], boilerplate[1]
        ),
    );
    let json = clean_json(&sb, "ledger/hail.txt");
    let body = json["body"].as_str().unwrap();
    let dropped: Vec<&str> = json["dropped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["line"].as_str().unwrap())
        .collect();
    for line in boilerplate {
        assert!(!body.contains(line), "{line:?} kept in {body:?}");
        assert!(dropped.contains(&line), "{line:?} not among {dropped:?}");
    }
    assert!(body.contains("Growers said about a tenth of the fruit was damaged."));
    assert!(body.ends_with("The cooperative will meet on Thursday to count the losses."));
}

#[test]
fn clean_missing_file_is_an_error_naming_it() {
    let sb = Sandbox::new();
    let run = clean(&sb, &["missing.txt"]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(line.contains("missing.txt"), "{line}");
    assert!(run.stdout.is_empty());
}

#[test]
fn clean_refuses_a_file_that_is_not_an_article() {
    let sb = Sandbox::new();
    sb.write("x.pdf", "%PDF-1.4 a report");
    let run = clean(&sb, &["x.pdf"]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(line.contains("x.pdf"), "{line}");
    assert!(line.contains("not an article file"), "{line}");
}

/// A sandbox with the sample corpus indexed, and the summary of that run.
fn indexed_sample() -> (Sandbox, common::Summary) {
    let sb = Sandbox::new();
    sb.copy_sample_corpus();
    let summary = sb.index_ok("sample-corpus");
    (sb, summary)
}

/// Per-year and per-site counts computed from every article a `*` search returns,
/// each site under the source name most of its articles give.
fn counts_from_search(sb: &Sandbox) -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
    let mut per_year = BTreeMap::new();
    let mut per_site: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for hit in sb.all_articles() {
        if let Some(date) = &hit.date {
            *per_year.entry(date[..4].to_string()).or_insert(0) += 1;
        }
        let site = hit.site.clone().unwrap_or_else(|| "(none)".to_string());
        let source = hit.source.clone().unwrap_or_else(|| "(none)".to_string());
        *per_site.entry(site).or_default().entry(source).or_insert(0) += 1;
    }
    let mut per_source = BTreeMap::new();
    for names in per_site.values() {
        let (name, _) = names
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
            .unwrap();
        *per_source.entry(name.clone()).or_insert(0) += names.values().sum::<u64>();
    }
    (per_year, per_source)
}

fn stats_json(sb: &Sandbox) -> Value {
    let run = sb.run_with_index("stats", ["--json"]);
    run.expect_code(0);
    serde_json::from_str(&run.stdout).unwrap()
}

fn as_counts(value: &Value) -> BTreeMap<String, u64> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .iter()
        .map(|(k, v)| (k.clone(), v.as_u64().unwrap()))
        .collect()
}

#[test]
fn stats_json_agrees_with_the_index_run_and_the_articles() {
    let (sb, summary) = indexed_sample();
    let stats = stats_json(&sb);
    let object = stats.as_object().unwrap();
    for key in [
        "articles",
        "undated",
        "first_date",
        "last_date",
        "per_year",
        "per_source",
        "size_bytes",
    ] {
        assert!(object.contains_key(key), "no `{key}` in {stats}");
    }
    let articles = stats["articles"].as_u64().unwrap();
    let undated = stats["undated"].as_u64().unwrap();
    assert_eq!(articles, summary.articles as u64, "{}", summary.line);
    assert_eq!(undated, summary.undated as u64, "{}", summary.line);
    assert!(undated > 0 && undated < articles);

    let per_year = as_counts(&stats["per_year"]);
    assert_eq!(per_year.values().sum::<u64>(), articles - undated);
    let per_source = as_counts(&stats["per_source"]);
    assert_eq!(per_source.values().sum::<u64>(), articles);
    let (year_counts, source_counts) = counts_from_search(&sb);
    assert_eq!(per_year, year_counts);
    assert_eq!(per_source, source_counts);

    let oldest = sb.search_json(&["*", "--sort", "oldest", "--limit", "1"]);
    let newest = sb.search_json(&["*", "--sort", "newest", "--limit", "1"]);
    assert_eq!(stats["first_date"].as_str(), oldest.hits[0].date.as_deref());
    assert_eq!(stats["last_date"].as_str(), newest.hits[0].date.as_deref());
    assert!(stats["size_bytes"].as_u64().unwrap() > 0);
}

#[test]
fn stats_human_output_shows_counts_dates_years_and_sources() {
    let (sb, summary) = indexed_sample();
    let stats = stats_json(&sb);
    let run = sb.run_with_index("stats", Vec::<&str>::new());
    run.expect_code(0);
    let out = &run.stdout;
    assert_eq!(field(out, "articles"), summary.articles.to_string());
    assert_eq!(field(out, "undated"), summary.undated.to_string());
    assert_eq!(
        field(out, "first date"),
        stats["first_date"].as_str().unwrap()
    );
    assert_eq!(
        field(out, "last date"),
        stats["last_date"].as_str().unwrap()
    );
    assert!(!field(out, "index size").is_empty());

    let (_, after_years) = out.split_once("per year:\n").unwrap();
    let (years, sources) = after_years.split_once("per source:\n").unwrap();
    let year_lines: BTreeMap<String, u64> = years
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            // `  2013  ████████  4`: year, a bar (none for 0), count.
            let words: Vec<&str> = l.split_whitespace().collect();
            let count: u64 = words[words.len() - 1].parse().unwrap();
            assert_eq!(words.len(), if count > 0 { 3 } else { 2 }, "{l:?}");
            (words[0].to_string(), count)
        })
        .filter(|(_, count)| *count > 0)
        .collect();
    assert_eq!(year_lines, as_counts(&stats["per_year"]));

    let source_lines: BTreeMap<String, u64> = sources
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let (name, count) = l.trim().rsplit_once(' ').unwrap();
            (name.trim().to_string(), count.parse().unwrap())
        })
        .collect();
    assert_eq!(source_lines, as_counts(&stats["per_source"]));
    // Largest source first.
    let listed: Vec<u64> = sources
        .lines()
        .filter_map(|l| l.trim().rsplit_once(' '))
        .map(|(_, c)| c.parse().unwrap())
        .collect();
    assert!(listed.windows(2).all(|w| w[0] >= w[1]), "{listed:?}");
}

#[test]
fn stats_without_an_index_says_to_run_index() {
    let sb = Sandbox::new();
    let run = sb.run_with_index("stats", Vec::<&str>::new());
    run.expect_code(2);
    assert!(run.single_error_line().contains("dateline index"));
}

#[test]
fn clean_inside_an_indexed_corpus_shows_learned_lines_with_counts() {
    let sb = Sandbox::new();
    for story in ["Flood", "Fire", "Storm", "Drought"] {
        sb.write(
            format!("c/courier/{story}.txt"),
            format!(
                "Title: {story} in the lowlands\nSource: Lowland Courier\n\n\
                 The Lowland Courier is an independent outlet registered in Ghent.\n\n\
                 GHENT, Belgium \u{2014} The {story} struck on Monday, officials said.\n\n\
                 Tips? Write to desk@lowland.example\n"
            ),
        );
    }
    sb.index_ok("c");
    let run = sb.run_with_index("clean", [sb.join("c/courier/Fire.txt").as_os_str()]);
    run.expect_code(0);
    assert!(
        run.stdout.contains(
            "[learned, in 4 articles] The Lowland Courier is an independent outlet registered in Ghent."
        ),
        "{}",
        run.stdout
    );
    assert!(run
        .stdout
        .contains("[learned, in 4 articles] Tips? Write to desk@lowland.example"));
    assert!(run
        .stdout
        .contains("GHENT, Belgium \u{2014} The Fire struck on Monday"));
    // Searching finds the story but not the learned lines.
    assert_eq!(sb.search_json(&["struck"]).total, 4);
    sb.search(["registered"]).expect_code(1);
    // Without an index, only the rules apply and the site's lines stay.
    let alone = sb.run(["clean", sb.join("c/courier/Fire.txt").to_str().unwrap()]);
    alone.expect_code(0);
    assert!(!alone.stdout.contains("[learned"), "{}", alone.stdout);
}

//! Copies: one story saved twice or republished by other sites is one hit that names
//! its copies; groups follow copies added and removed as a fresh index would have
//! them; stories that only share wording, and briefs of a series, stay apart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{titles, Results, Sandbox};

const STORY: [&str; 5] = [
    "ORALSK, Kazakhstan — Engineers began raising the embankment along the Ural River on the eastern edge of Oralsk on Monday, racing to finish before the spring flood that forecasters expect to be the highest in a decade.",
    "The regional administration said about 3,000 homes in low-lying districts would be protected once the work was complete, and that trucks would run day and night to bring in gravel from quarries north of the city.",
    "Residents of the Zachagansk district, which flooded badly six years ago, said they had sandbags ready. \"We learned the hard way that the water comes faster than anyone promises,\" said Gulnar Ibraeva, a school teacher.",
    "The emergency ministry has moved pumps and boats to the city and asked residents to register vulnerable relatives who may need help leaving their homes if the water rises.",
    "Snow in the catchment area is twice as deep as usual after a cold winter, and a sudden thaw could send the river over its banks within days, the hydrology service warned.",
];

fn story(paragraphs: &[&str]) -> String {
    paragraphs.join("\n\n")
}

/// The original, a syndicated copy (new headline, a sentence added, a paragraph cut,
/// another site's furniture) and a re-saved exact copy.
fn write_copies(sb: &Sandbox) {
    sb.write(
        "c/ural-herald/embankment.txt",
        format!(
            "Title: Oralsk races to raise Ural embankment before flood\nDate: 2024-03-11\n\n{}\n",
            story(&STORY)
        ),
    );
    let mut edited = STORY.to_vec();
    edited.remove(3);
    edited.insert(
        2,
        "The city's mayor said schools in the district would stay open.",
    );
    sb.write(
        "c/steppe-daily/flood-wall.txt",
        format!(
            "Title: Race against the thaw on the Ural\nDate: 2024-03-12\n\nSTEPPE DAILY | News | Sport\n\n{}\n\nSubscribe to Steppe Daily for 500 tenge a month.\n",
            story(&edited)
        ),
    );
    sb.write(
        "c/ural-herald/embankment-saved-again.txt",
        format!(
            "Title: Oralsk races to raise Ural embankment before flood\nDate: 2024-03-11\n\n{}\n",
            story(&STORY)
        ),
    );
}

/// Distinct stories: one sharing a background paragraph with the flood story, and
/// briefs of a series written from one template.
fn write_others(sb: &Sandbox) {
    sb.write(
        "c/ural-herald/bridge.txt",
        format!(
            "Title: New Ural bridge opens to traffic\nDate: 2024-05-02\n\nORALSK, Kazakhstan — The new road bridge over the Ural River opened to traffic on Thursday, two years after work began, giving the city a second crossing.\n\n{}\n\nThe old bridge will close for repairs in June, the city said, and buses will be rerouted over the new crossing.\n",
            STORY[4]
        ),
    );
    for (day, price) in [
        ("Monday", "82.10"),
        ("Tuesday", "81.45"),
        ("Wednesday", "83.02"),
    ] {
        sb.write(
            format!("c/markets/oil-{day}.txt"),
            format!("Title: Oil prices move\nDate: 2024-03-11\n\nOil prices moved on {day} as traders weighed supply. Brent crude settled at {price} dollars a barrel.\n"),
        );
    }
}

fn flood(sb: &Sandbox, extra: &[&str]) -> Results {
    let mut args = vec!["flood", "embankment", "--match", "all"];
    args.extend_from_slice(extra);
    sb.search_json(&args)
}

#[test]
fn a_story_and_its_copies_are_one_hit_that_names_them() {
    let sb = Sandbox::new();
    write_copies(&sb);
    write_others(&sb);
    sb.index_ok("c");

    let results = flood(&sb, &[]);
    assert_eq!(
        (results.total, results.stories),
        (3, Some(1)),
        "{:?}",
        results.hits
    );
    assert_eq!(results.hits.len(), 1);
    let hit = &results.hits[0];
    let mut copies: Vec<&str> = hit.copies.iter().map(|c| c.title.as_str()).collect();
    copies.sort_unstable();
    assert_eq!(copies.len(), 2, "{:?}", hit.copies);
    assert!(hit.copies.iter().all(|c| c.id != hit.id));
    assert!(hit
        .copies
        .iter()
        .any(|c| c.date.as_deref() == Some("2024-03-12")));

    let human = sb.search(["flood", "embankment", "--match", "all"]);
    human.expect_code(0);
    assert!(
        human
            .stdout
            .starts_with("1 story matches (3 articles with their copies) (showing 1-1)"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("\n   and 2 copies ("),
        "{}",
        human.stdout
    );

    let every = flood(&sb, &["--all-copies"]);
    assert_eq!((every.hits.len(), every.stories), (3, None));
    assert!(every.hits.iter().all(|h| h.copies.len() == 2));

    // Sharing a paragraph, or a series' template, makes no copy.
    let bridge = sb.search_json(&["bridge", "traffic"]);
    assert_eq!(titles(&bridge.hits), ["New Ural bridge opens to traffic"]);
    assert!(bridge.hits[0].copies.is_empty());
    let oil = sb.search_json(&["brent"]);
    assert_eq!((oil.total, oil.hits.len()), (3, 3));
    assert!(oil.hits.iter().all(|h| h.copies.is_empty()));

    let stats = sb.run_with_index("stats", Vec::<&str>::new());
    assert!(
        stats
            .stdout
            .contains("stories:    5 (1 told more than once, in 2 more copies)"),
        "{}",
        stats.stdout
    );
}

/// What a search shows of each flood hit and its copies, by file name: comparable
/// between two indexes of the same files.
fn shown(sb: &Sandbox, index: &str) -> Vec<(String, Vec<String>)> {
    let run = sb.run([
        "search",
        "flood",
        "--json",
        "--all-copies",
        "--index",
        index,
    ]);
    let results = common::parse_results(&run);
    let name = |path: &str| path.rsplit('/').next().unwrap().to_string();
    let by_id: std::collections::HashMap<String, String> = results
        .hits
        .iter()
        .map(|h| (h.id.clone(), name(&h.path)))
        .collect();
    let mut shown: Vec<(String, Vec<String>)> = results
        .hits
        .iter()
        .map(|h| {
            let mut copies: Vec<String> = h.copies.iter().map(|c| by_id[&c.id].clone()).collect();
            copies.sort();
            (name(&h.path), copies)
        })
        .collect();
    shown.sort();
    shown
}

#[test]
fn groups_follow_copies_added_and_removed_as_a_fresh_index_has_them() {
    let sb = Sandbox::new();
    write_others(&sb);
    sb.write(
        "c/ural-herald/embankment.txt",
        format!(
            "Title: Oralsk races to raise Ural embankment before flood\n\n{}\n",
            story(&STORY)
        ),
    );
    sb.index_ok("c");
    let fresh = |sb: &Sandbox| {
        let dir = sb.join("fresh");
        let _ = std::fs::remove_dir_all(&dir);
        sb.run(["index", "c", "--index", "fresh", "--quiet"])
            .expect_code(0);
        shown(sb, "fresh")
    };
    let steps: [&dyn Fn(&Sandbox); 3] = [
        // Copies arrive.
        &|sb| write_copies(sb),
        // The original goes: its copies stay one story.
        &|sb| std::fs::remove_file(sb.join("c/ural-herald/embankment.txt")).unwrap(),
        // The syndicated copy is rewritten into another story: the saved copy is alone.
        &|sb| {
            sb.write(
                "c/steppe-daily/flood-wall.txt",
                "Title: Flood drill in Atyrau\n\nATYRAU — Rescuers held a flood drill on the Ural delta on Friday, practising the evacuation of two villages by boat.\n",
            );
        },
    ];
    for (n, step) in steps.iter().enumerate() {
        step(&sb);
        sb.index_ok("c");
        assert_eq!(shown(&sb, "index"), fresh(&sb), "after step {n}");
    }
    let last = shown(&sb, "index");
    assert!(last.iter().all(|(_, copies)| copies.is_empty()), "{last:?}");
}

#[test]
fn copies_from_one_site_do_not_teach_their_lines_as_boilerplate() {
    let sb = Sandbox::new();
    // Twelve copies of one story from one site, and twelve other stories of the site
    // with its sign-off line: the sign-off is learned, the story's lines are not.
    for n in 0..12 {
        sb.write(
            format!("c/ural-herald/copy-{n:02}.txt"),
            format!(
                "Oralsk races to raise Ural embankment before flood\n\n{}\n",
                story(&STORY)
            ),
        );
        sb.write(
            format!("c/ural-herald/other-{n:02}.txt"),
            format!(
                "Council meets on budget {n}\n\nORALSK — The city council met on Tuesday to discuss budget item {n} of the {} plan for roads and schools, approving most of it after a long debate.\n\nThe Ural Herald is read in every district of the region.\n",
                ["first", "second", "third", "fourth"][n % 4]
            ),
        );
    }
    let summary = sb.index_ok("c");
    assert_eq!(summary.learned_lines, 1, "{}", summary.line);
    let results = sb.search_json(&["hydrology"]);
    assert_eq!((results.total, results.hits.len()), (12, 1));
    assert!(
        results.hits[0].snippet.contains("hydrology"),
        "{:?}",
        results.hits[0]
    );
    let show = sb.run_with_index("show", [results.hits[0].id.as_str()]);
    for paragraph in STORY {
        let start: String = paragraph.chars().take(40).collect();
        assert!(show.stdout.contains(&start), "{start}: {}", show.stdout);
    }
}

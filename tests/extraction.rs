//! Extraction on pages shaped like the ones real sites serve: the story is kept
//! whatever the layout wraps it in, and the site's furniture is not. Every page here
//! is written for these tests.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)] // tests fail by panicking

mod common;

use common::Sandbox;
use serde_json::Value;

/// `dateline clean FILE --json` of a page or text written into the sandbox.
fn clean_page(sb: &Sandbox, name: &str, contents: &str) -> Value {
    let path = sb.write(name, contents);
    let run = sb.run(["clean".as_ref(), path.as_os_str(), "--json".as_ref()]);
    run.expect_code(0);
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

fn body(value: &Value) -> &str {
    value["body"].as_str().unwrap()
}

/// A paragraph of story text long enough to read as one.
fn para(n: usize) -> String {
    format!(
        "Paragraph {n} of the report: the harbour authority said the new breakwater \
         would be finished by the spring, and fishermen said they were waiting to see it."
    )
}

/// The story's paragraphs 1..=n as `<p>` elements.
fn paragraphs(range: std::ops::RangeInclusive<usize>) -> String {
    range.map(|n| format!("<p>{}</p>\n", para(n))).collect()
}

fn assert_keeps(body: &str, range: std::ops::RangeInclusive<usize>) {
    for n in range {
        assert!(
            body.contains(&format!("Paragraph {n} of")),
            "paragraph {n} lost:\n{body}"
        );
    }
}

#[test]
fn layout_words_on_page_wide_containers_do_not_hide_the_story() {
    let sb = Sandbox::new();
    let html = format!(
        r#"<html class="no-sidebar cookies-not-set"><head><title>Breakwater works begin | Coast Times</title></head>
<body class="single-author one-sidebar has-section-nav navigation-border-thin">
<form id="aspnetForm" action="/story">
<div class="l-sidebar-fixed Page-ad-margins hs_cos_wrapper_meta_field">
<nav class="site-nav"><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport</a></li><li><a href="/weather">Weather</a></li></ul></nav>
<main><article>
<h1>Breakwater works begin</h1>
{}
</article></main>
<aside class="sidebar"><h3>Most read</h3><ul><li><a href="/a">Ferry timetable changes for winter</a></li><li><a href="/b">Council approves the new car park</a></li></ul></aside>
<footer class="site-footer">Coast Times, 4 Quay Street. All rights reserved.</footer>
</div></form></body></html>"#,
        paragraphs(1..=5)
    );
    let page = clean_page(&sb, "layout.html", &html);
    assert_eq!(page["title"], "Breakwater works begin");
    assert_keeps(body(&page), 1..=5);
    for furniture in ["Ferry timetable", "car park", "Quay Street", "Weather"] {
        assert!(
            !body(&page).contains(furniture),
            "{furniture} kept:\n{}",
            body(&page)
        );
    }
}

#[test]
fn paragraphs_written_with_br_and_in_divs_are_kept() {
    let sb = Sandbox::new();
    let brs: String = (1..=4).map(|n| format!("{}<br><br>\n", para(n))).collect();
    let divs: String = (5..=7)
        .map(|n| format!(r#"<div class="zn-body__paragraph">{}</div>"#, para(n)))
        .collect();
    let html = format!(
        r#"<html><body><div id="content"><h1>Breakwater works begin</h1>
<div class="story-text">{brs}</div>{divs}</div>
<div class="footer"><a href="/about">About us</a> <a href="/contact">Contact</a></div></body></html>"#
    );
    let page = clean_page(&sb, "br.html", &html);
    assert_keeps(body(&page), 1..=7);
    assert!(!body(&page).contains("About us"), "{}", body(&page));
}

#[test]
fn a_story_split_across_sibling_blocks_is_kept_whole() {
    let sb = Sandbox::new();
    let html = format!(
        r#"<html><body><article><h1>Breakwater works begin</h1>
<div class="article-body">{}</div>
<div class="ad-slot"><a href="/ad">Advertisement</a></div>
<div class="article-body">{}</div>
<div class="article-body">{}</div>
</article></body></html>"#,
        paragraphs(1..=3),
        paragraphs(4..=6),
        paragraphs(7..=8)
    );
    let page = clean_page(&sb, "split.html", &html);
    assert_keeps(body(&page), 1..=8);
    assert!(!body(&page).contains("Advertisement"), "{}", body(&page));
}

#[test]
fn subheadings_lists_and_short_lines_of_the_story_are_kept() {
    let sb = Sandbox::new();
    let html = format!(
        r#"<html><body><article><h1>Breakwater works begin</h1>
{}
<h2>What changes for the fleet</h2>
<ul><li>Boats over twelve metres moor at the east quay.</li><li>The slipway closes until May.</li></ul>
{}
<p>工事は春に終わる。</p>
</article>
<div class="related"><h3>Related stories</h3><ul><li><a href="/x">Lighthouse keeper retires after forty years</a></li></ul></div>
</body></html>"#,
        paragraphs(1..=2),
        paragraphs(3..=4)
    );
    let page = clean_page(&sb, "parts.html", &html);
    let text = body(&page);
    assert_keeps(text, 1..=4);
    for part in [
        "What changes for the fleet",
        "Boats over twelve metres moor at the east quay.",
        "The slipway closes until May.",
        "工事は春に終わる。",
    ] {
        assert!(text.contains(part), "{part} lost:\n{text}");
    }
    assert!(!text.contains("Lighthouse keeper"), "{text}");
}

#[test]
fn a_page_with_text_but_no_story_block_still_gives_its_text() {
    let sb = Sandbox::new();
    let table = r#"<html><head><title>Council sets the water tariff</title></head><body>
<table><tr><td>The city council voted on Thursday to raise the water tariff by eight percent from January.</td></tr>
<tr><td>Households using less than five cubic metres a month will pay the old rate.</td></tr></table></body></html>"#;
    let page = clean_page(&sb, "table.html", table);
    assert!(body(&page).contains("raise the water tariff"), "{page}");
    assert!(body(&page).contains("five cubic metres"), "{page}");

    let bare = "<html><body>Power returns to the valley after a week without electricity. \
                Crews replaced two pylons brought down by ice.</body></html>";
    let page = clean_page(&sb, "bare.html", bare);
    assert!(body(&page).contains("two pylons"), "{page}");

    // Only a page with nothing to read is refused, and it says so.
    let path = sb.write(
        "empty.html",
        "<html><head><title>x</title></head><body><script>var a;</script></body></html>",
    );
    let run = sb.run(["clean".as_ref(), path.as_os_str()]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(
        line.contains("empty.html") && line.contains("no text"),
        "{line}"
    );
}

#[test]
fn reporting_sentences_near_appeals_stay() {
    let sb = Sandbox::new();
    let page = clean_page(
        &sb,
        "river.txt",
        "Title: River rises after three days of rain\n\n\
         KOSTANAY, Kazakhstan \u{2014} The Tobol rose two metres overnight after three days of rain.\n\n\
         Emergency crews moved forty families to a school on higher ground, officials said.\n\n\
         Before you go out, check the river levels, police said.\n\n\
         Residents should avoid the embankment until the water falls, officials told reporters.\n\n\
         Please support our journalism.\n",
    );
    let text = body(&page);
    assert!(
        text.contains("check the river levels, police said."),
        "{text}"
    );
    assert!(text.contains("officials told reporters"), "{text}");
    assert!(!text.contains("Please support our journalism"), "{text}");

    let page = clean_page(
        &sb,
        "abstract.txt",
        "Title: Soil microbes and drought in steppe grasses\n\n\
         Methods: We sampled 120 plots across three seasons and sequenced the root microbiome.\n\n\
         Conclusions: These findings made important contributions to our knowledge of how \
         microbes help grasses survive drought.\n",
    );
    assert!(
        body(&page).contains("important contributions to our knowledge"),
        "{page}"
    );
    assert_eq!(page["dropped"].as_array().unwrap().len(), 0, "{page}");
}

#[test]
fn a_banner_above_every_headline_is_learned_and_the_headlines_found() {
    let sb = Sandbox::new();
    let stories = [
        (
            "Ferry fleet doubles for the summer",
            "The ferry operator added four boats to the island route.",
        ),
        (
            "Lighthouse reopens to visitors",
            "The restored lighthouse opened its stairs to the public on Saturday.",
        ),
        (
            "Fish market moves to the east quay",
            "Traders set up their stalls at the new market hall at dawn.",
        ),
        (
            "Storm closes the coastal road",
            "Waves threw stones across the road and the police closed it overnight.",
        ),
    ];
    for (i, (headline, story)) in stories.iter().enumerate() {
        sb.write(
            format!("corpus/coast-times/{i}.txt"),
            format!(
                "Enjoying the Coast Times without ads?\n\n\
                 Keeping it that way costs real money every month.\n\n\
                 Chip in today\n\n\
                 {headline}\n\n\
                 {story} Harbour officials said more changes would follow.\n"
            ),
        );
    }
    sb.index_ok("corpus");
    let hits = sb.all_articles();
    let mut titles: Vec<&str> = common::titles(&hits);
    titles.sort_unstable();
    let mut expected: Vec<&str> = stories.iter().map(|(h, _)| *h).collect();
    expected.sort_unstable();
    assert_eq!(titles, expected);
    for banner_word in ["Enjoying", "\"real money\"", "Chip"] {
        let results = sb.search_json(&[banner_word]);
        assert_eq!(results.total, 0, "{banner_word} is searchable");
    }
    assert_eq!(sb.search_json(&["lighthouse"]).total, 1);
}

#[test]
fn one_site_saved_by_several_routes_is_one_site() {
    let sb = Sandbox::new();
    let tagline = "The Coast Times is published by the Quayside Trust.";
    sb.write(
        "corpus/coast/page.html",
        format!(
            r#"<html><head><meta property="og:site_name" content="Coast Times">
<link rel="canonical" href="https://www.coasttimes.example/2024/05/02/ferry"></head>
<body><article><h1>Ferry fleet doubles</h1><p>{}</p><p>{tagline}</p></article></body></html>"#,
            para(1)
        ),
    );
    sb.write(
        "corpus/coast/dump.txt",
        format!(
            "Source: Coast Times\n\nLighthouse reopens\n\n{}\n\n{tagline}\n",
            para(2)
        ),
    );
    sb.write(
        "corpus/coast/crawl.jsonl",
        format!(
            "{}\n",
            serde_json::json!({
                "title": "Fish market moves",
                "url": "https://news.coasttimes.example/market",
                "text": format!("{}\n\n{tagline}", para(3)),
            })
        ),
    );
    sb.index_ok("corpus");
    let hits = sb.all_articles();
    assert_eq!(hits.len(), 3);
    assert!(
        hits.iter()
            .all(|h| h.site.as_deref() == Some("coasttimes.example")),
        "{hits:#?}"
    );
    // The line all three routes share is learned as the site's.
    assert_eq!(sb.search_json(&["Quayside"]).total, 0);
    let run = sb.run_with_index("stats", ["--json"]);
    run.expect_code(0);
    let stats: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(stats["per_source"], serde_json::json!({"Coast Times": 3}));
}

#[test]
fn three_copies_of_one_story_keep_their_text() {
    let sb = Sandbox::new();
    for (i, title) in [
        "Miners rescued",
        "Forty miners rescued",
        "Karaganda miners safe",
    ]
    .iter()
    .enumerate()
    {
        sb.write(
            format!("corpus/wire/{i}.txt"),
            format!(
                "Title: {title}\nSource: Wire\n\n\
                 Forty miners trapped underground at the Karaganda pit were reached by rescuers on Sunday.\n\n\
                 All of them were brought to the surface in the early hours, the ministry said.\n"
            ),
        );
    }
    sb.index_ok("corpus");
    assert_eq!(sb.search_json(&["miners"]).total, 3);
    assert_eq!(sb.search_json(&["ministry"]).total, 3);
}

//! The search page of `dateline serve` in a real headless browser: Chromium driven
//! through chromedriver's W3C WebDriver HTTP API. Searching, date filters, the
//! histogram, paging state in the address bar, the article view, keyboard focus and
//! that text from articles is shown as text, never as markup.
//!
//! Without `/usr/bin/chromedriver` and `/usr/bin/chromium` the test is skipped, unless
//! `DATELINE_BROWSER_TESTS=required` makes that a failure (as in CI). The screenshot it
//! takes of the results is kept in `DATELINE_SCREENSHOT` (a file name) when that is set.
#![cfg(unix)]
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::Sandbox;
use serde::Deserialize;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const CHROMEDRIVER: &str = "/usr/bin/chromedriver";
const CHROMIUM: &str = "/usr/bin/chromium";

/// Longest any wait for the page, the server or the driver may take.
const WAIT: Duration = Duration::from_secs(20);
/// Longest a single WebDriver command may take (starting the browser is the slowest).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

/// The key under which WebDriver names an element.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";
/// The Enter key, as WebDriver types it.
const ENTER: &str = "\u{E007}";

/// An article whose title, source, URL and body carry markup and script, with
/// accents, an emoji and a CJK character before its highlighted words.
const MARKUP_ARTICLE: &str = "Title: <img src=x onerror=alert(1)> Drought notes
Date: 2015-05-02
Source: <b>Test</b> Wire
URL: javascript:alert(2)

ÑUÑOA — Notes on the drought: naïve café owners 🌵 in 水 country said the drought & the \"heat\" <script>alert(3)</script> hurt trade.

A second paragraph about wells, rain and the long drought of that year.
";
const MARKUP_TITLE: &str = "<img src=x onerror=alert(1)> Drought notes";

#[test]
fn search_page_works_in_a_headless_browser() {
    if let Some(why) = browser_missing() {
        if std::env::var("DATELINE_BROWSER_TESTS").as_deref() == Ok("required") {
            panic!(
                "DATELINE_BROWSER_TESTS=required, but {why}: install the packages chromium and chromium-driver"
            );
        }
        eprintln!("browser test skipped: {why} (install chromium and chromium-driver to run it)");
        return;
    }
    let started = Instant::now();
    let sandbox = Sandbox::new();
    sandbox.copy_sample_corpus();
    sandbox.write("sample-corpus/extra/markup-title.txt", MARKUP_ARTICLE);
    sandbox.index_ok("sample-corpus");

    let mut guard = Guard::default();
    let page = guard.start_server(&sandbox);
    let browser = guard.start_browser(&sandbox, page);

    search_from_the_form(&browser);
    take_a_screenshot(&browser, &sandbox);
    filter_by_dates(&browser);
    click_a_histogram_bar(&browser);
    open_an_article(&browser);
    load_a_bookmark(&browser);
    slash_focuses_the_search_box(&browser);
    errors_are_shown(&browser);
    markup_in_articles_stays_text(&browser);

    eprintln!("browser test took {:.1} s", started.elapsed().as_secs_f64());
}

fn browser_missing() -> Option<String> {
    let missing: Vec<&str> = [CHROMEDRIVER, CHROMIUM]
        .into_iter()
        .filter(|path| !Path::new(path).exists())
        .collect();
    (!missing.is_empty()).then(|| format!("{} not found", missing.join(" and ")))
}

// ---- the steps ----

fn search_from_the_form(browser: &Browser) {
    browser.goto("/");
    let shown = browser.wait_for("the empty page", |p| p.q.is_empty() && !p.results_shown);
    assert_eq!(
        shown.active.as_deref(),
        Some("q"),
        "the search box starts focused"
    );

    let q = browser.find("#q");
    browser.type_into(&q, &format!("drought{ENTER}"));
    let shown = browser.wait_for_results("q=drought");
    assert!(
        shown.url.contains("q=drought"),
        "the address bar keeps the query: {}",
        shown.url
    );
    let total = browser.api_total("q=drought");
    // The sample corpus tells one story three times: it is one of the stories.
    assert!(
        shown.total.contains("stories match (")
            && shown
                .total
                .contains(&format!("({total} articles with their copies)")),
        "the total line says what the API says ({total}): {:?}",
        shown.total
    );
    assert_eq!(shown.hits.len(), 10, "a full first page: {shown:#?}");
    assert!(shown.hits.iter().all(|h| !h.title.is_empty()), "{shown:#?}");
    let marks: Vec<&String> = shown.hits.iter().flat_map(|h| &h.marks).collect();
    assert!(
        marks.iter().any(|m| m.eq_ignore_ascii_case("drought")),
        "a highlight says drought: {marks:?}"
    );
    assert!(
        marks
            .iter()
            .all(|m| m.to_lowercase().starts_with("drought")),
        "every highlight is the query word: {marks:?}"
    );
    assert!(!shown.bars.is_empty(), "a histogram is drawn");
    assert!(!shown.prev_enabled && shown.next_enabled, "{shown:#?}");

    // The second page comes from `offset` and shows the following ranks.
    browser.click(&browser.find("#next"));
    let second = browser.wait_for_results("offset=10");
    assert_eq!(second.hits.first().map(|h| h.rank.as_str()), Some("11."));
    assert!(second.prev_enabled, "{second:#?}");
    // The sample corpus tells one story three times: shown once, naming its copies.
    let copied: Vec<&ShownHit> = shown
        .hits
        .iter()
        .chain(&second.hits)
        .filter(|h| !h.copies.is_empty())
        .collect();
    assert_eq!(copied.len(), 1, "{shown:#?} {second:#?}");
    assert!(
        copied[0].copies.starts_with("and 2 copies (")
            && copied[0].copies.contains("The Caspian Courier"),
        "{:#?}",
        copied[0]
    );
    assert_eq!(copied[0].copy_links.len(), 2, "{:#?}", copied[0]);
    browser.click(&browser.find("#prev"));
    let first = browser.wait_for("the first page again", |p| {
        p.settled() && !p.url.contains("offset=") && p.hits.len() == 10
    });
    assert_eq!(first.hits[0].title, shown.hits[0].title);
}

fn filter_by_dates(browser: &Browser) {
    let before = browser.page();
    let since = browser.find("#since");
    browser.clear(&since);
    browser.type_into(&since, "2014");
    let until = browser.find("#until");
    browser.clear(&until);
    browser.type_into(&until, &format!("2016{ENTER}"));
    let shown = browser.wait_for_results("since=2014&until=2016");
    assert!(!shown.hits.is_empty(), "{shown:#?}");
    for hit in &shown.hits {
        let year = hit.date.get(..4).unwrap_or_default();
        assert!(
            ("2014"..="2016").contains(&year),
            "{:?} is dated {:?}, outside 2014..2016",
            hit.title,
            hit.date
        );
    }
    assert!(
        shown.total_count() < before.total_count(),
        "the date filter narrows the total: {:?} then {:?}",
        before.total,
        shown.total
    );
    let periods: Vec<&str> = shown.bars.iter().map(|b| b.period.as_str()).collect();
    assert_eq!(periods, ["2014", "2015", "2016"]);
}

fn click_a_histogram_bar(browser: &Browser) {
    let shown = browser.page();
    let bar = shown
        .bars
        .iter()
        .rev()
        .find(|b| b.count > 0)
        .unwrap_or_else(|| panic!("no bar with matches: {shown:#?}"));
    let year = bar.period.clone();
    let element = browser.find(&format!("#histogram .bar[data-period=\"{year}\"]"));
    browser.click(&element);
    let shown = browser.wait_for_results(&format!("since={year}&until={year}"));
    assert_eq!(
        (shown.since.as_str(), shown.until.as_str()),
        (&*year, &*year)
    );
    assert_eq!(shown.total_count(), bar.count, "{shown:#?}");
    assert!(
        shown.hits.iter().all(|h| h.date.starts_with(&year)),
        "every hit is of {year}: {shown:#?}"
    );
}

fn open_an_article(browser: &Browser) {
    let results = browser.page();
    let title = results.hits[0].title.clone();
    browser.click(&browser.find("#results .hit .title"));
    let shown = browser.wait_for("the article view", |p| {
        p.article_shown && p.article_busy.as_deref() == Some("false")
    });
    assert_eq!(shown.article_title, title);
    assert!(
        !shown.results_shown,
        "the results are hidden behind the article"
    );
    assert!(
        shown.article_paragraphs.iter().any(|p| p.len() > 40),
        "the article has a body: {shown:#?}"
    );
    assert!(shown.url.contains("article="), "{}", shown.url);

    browser.click(&browser.find("#back"));
    let back = browser.wait_for("the results again", |p| {
        p.results_shown && !p.article_shown && p.settled()
    });
    assert_eq!(back.url, results.url, "back to the same address");
    assert_eq!(back.hits[0].title, title);
}

fn take_a_screenshot(browser: &Browser, sandbox: &Sandbox) {
    let encoded = browser.get("screenshot");
    let png = base64_decode(encoded.as_str().expect("a base64 string"));
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && &png[12..16] == b"IHDR",
        "the screenshot is not a PNG"
    );
    let width = u32::from_be_bytes(png[16..20].try_into().unwrap());
    let height = u32::from_be_bytes(png[20..24].try_into().unwrap());
    assert!(
        (1100..=1400).contains(&width) && (500..=1100).contains(&height),
        "the screenshot is {width}x{height}, not about 1280x1000"
    );
    assert!(png.len() > 10_000, "an almost empty screenshot");
    let path = sandbox.join("search-page.png");
    std::fs::write(&path, &png).unwrap();
    if let Some(copy) = std::env::var_os("DATELINE_SCREENSHOT") {
        std::fs::copy(&path, &copy).unwrap();
    }
}

fn load_a_bookmark(browser: &Browser) {
    browser.goto("/?q=copper&since=2019");
    let shown = browser.wait_for_results("q=copper");
    assert_eq!((shown.q.as_str(), shown.since.as_str()), ("copper", "2019"));
    assert_eq!(shown.until, "");
    let total = browser.api_total("q=copper&since=2019");
    let undated = browser.api_get("/api/search?q=copper&since=2019")["undated_left_out"]
        .as_u64()
        .unwrap();
    assert!(
        shown.total.starts_with(&format!("{total} article")),
        "the total line says what the API says ({total}): {:?}",
        shown.total
    );
    if undated > 0 {
        assert!(
            shown.total.contains(&format!("{undated} undated article"))
                && shown.total.contains("left out by the date filter"),
            "the total line tells about undated articles: {:?}",
            shown.total
        );
    }
    assert!(!shown.hits.is_empty());
    assert!(
        shown.hits.iter().all(|h| h.date.as_str() >= "2019"),
        "every hit is from 2019 on: {shown:#?}"
    );
}

fn slash_focuses_the_search_box(browser: &Browser) {
    browser.script("document.activeElement.blur()");
    browser.press("/");
    let shown = browser.page();
    assert_eq!(
        shown.active.as_deref(),
        Some("q"),
        "`/` focuses the search box"
    );
    assert_eq!(shown.q, "copper", "the `/` is not typed into the box");

    // In another input, `/` is just a character.
    let until = browser.find("#until");
    browser.click(&until);
    browser.press("/");
    let shown = browser.page();
    assert_eq!(shown.active.as_deref(), Some("until"));
    assert_eq!(shown.until, "/");
}

fn errors_are_shown(browser: &Browser) {
    browser.goto("/?q=drought&since=2014-13");
    let shown = browser.wait_for("an error line", |p| p.settled() && p.error_line.is_some());
    let error = shown.error_line.clone().unwrap();
    let expected = browser.api_error("/api/search?q=drought&since=2014-13");
    assert_eq!(error, expected, "the error line shows the API's message");
    assert!(
        shown.hits.is_empty() && shown.total.is_empty(),
        "{shown:#?}"
    );

    browser.goto("/?q=drought&article=no-such-article");
    let shown = browser.wait_for("the article's error", |p| {
        p.article_busy.as_deref() == Some("false") && p.error_line.is_some()
    });
    assert!(
        shown
            .error_line
            .as_deref()
            .unwrap()
            .contains("no-such-article"),
        "{shown:#?}"
    );
}

fn markup_in_articles_stays_text(browser: &Browser) {
    browser.goto("/?q=drought&since=2015-05-02&until=2015-05-02");
    let shown = browser.wait_for_results("q=drought");
    let hit = shown
        .hits
        .iter()
        .find(|h| h.title == MARKUP_TITLE)
        .unwrap_or_else(|| panic!("the title is shown as text: {shown:#?}"));
    assert_eq!(shown.images, 0, "no element was made from the title");
    assert_eq!(hit.origin, "<b>Test</b> Wire · Ñuñoa");
    // The highlights sit after accents, a CJK character and an emoji: cut at the
    // wrong offsets, they would not read "drought".
    assert!(hit.marks.len() >= 2, "{hit:#?}");
    for mark in &hit.marks {
        assert!(mark.eq_ignore_ascii_case("drought"), "{hit:#?}");
    }
    assert!(hit.snippet.contains("🌵 in 水 country"), "{hit:#?}");

    browser.click(&browser.find("#results .hit .title"));
    let shown = browser.wait_for("the article view", |p| {
        p.article_shown && p.article_busy.as_deref() == Some("false")
    });
    assert_eq!(shown.article_title, MARKUP_TITLE);
    assert_eq!(shown.images, 0, "no element was made from the article");
    assert_eq!(shown.scripts, 1, "no script was made from the article");
    assert_eq!(shown.article_links, 0, "a javascript: URL is not a link");
    assert_eq!(shown.article_url_text, "javascript:alert(2)");
    assert!(
        shown.article_paragraphs[0].contains("<script>alert(3)</script>"),
        "{shown:#?}"
    );
    assert_eq!(shown.article_paragraphs.len(), 2, "{shown:#?}");
}

// ---- what the page shows ----

/// What the page shows, read in one script call.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Shown {
    url: String,
    busy: Option<String>,
    results_shown: bool,
    total: String,
    error_line: Option<String>,
    hits: Vec<ShownHit>,
    bars: Vec<ShownBar>,
    prev_enabled: bool,
    next_enabled: bool,
    q: String,
    since: String,
    until: String,
    active: Option<String>,
    article_shown: bool,
    article_busy: Option<String>,
    article_title: String,
    article_paragraphs: Vec<String>,
    article_url_text: String,
    article_links: usize,
    images: usize,
    scripts: usize,
}

#[derive(Debug, Deserialize)]
struct ShownHit {
    rank: String,
    title: String,
    date: String,
    origin: String,
    snippet: String,
    marks: Vec<String>,
    /// What the hit says of its story's other copies (empty without).
    copies: String,
    /// The headlines of the copies it opens to.
    copy_links: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct ShownBar {
    period: String,
    count: usize,
}

impl Shown {
    /// Whether the last search has been answered (with results or an error).
    fn settled(&self) -> bool {
        self.busy.as_deref() == Some("false")
    }

    /// The number the total line starts with.
    fn total_count(&self) -> usize {
        let digits: String = self
            .total
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == ',')
            .filter(char::is_ascii_digit)
            .collect();
        digits
            .parse()
            .unwrap_or_else(|_| panic!("no count in the total line {:?}", self.total))
    }
}

const READ_PAGE: &str = r##"
const $ = (s) => document.querySelector(s);
const text = (e) => (e ? e.textContent : "");
const results = $("#results-view");
const article = $("#article");
return {
  url: location.href,
  busy: results.getAttribute("aria-busy"),
  resultsShown: !results.hidden,
  total: text($("#total")),
  errorLine: $("#error").hidden ? null : text($("#error")),
  hits: [...document.querySelectorAll("#results .hit")].map((h) => ({
    rank: text(h.querySelector(".rank")),
    title: text(h.querySelector(".title")),
    date: text(h.querySelector(".date")),
    origin: text(h.querySelector(".origin")),
    snippet: text(h.querySelector(".snippet")),
    marks: [...h.querySelectorAll(".snippet mark")].map(text),
    copies: text(h.querySelector(".copies summary")),
    copy_links: [...h.querySelectorAll(".copies a")].map(text),
  })),
  bars: [...document.querySelectorAll("#histogram .bar")].map((b) => ({
    period: b.dataset.period,
    count: Number(text(b.querySelector(".count")).replace(/,/g, "")),
  })),
  prevEnabled: !$("#prev").disabled,
  nextEnabled: !$("#next").disabled,
  q: $("#q").value,
  since: $("#since").value,
  until: $("#until").value,
  active: document.activeElement ? document.activeElement.id || null : null,
  articleShown: !article.hidden,
  articleBusy: article.getAttribute("aria-busy"),
  articleTitle: text($("#article-title")),
  articleParagraphs: [...document.querySelectorAll("#article-body p")].map(text),
  articleUrlText: text($("#article-url")),
  articleLinks: document.querySelectorAll("#article-url a").length,
  images: document.querySelectorAll("#results img, #article img, #total img").length,
  scripts: document.scripts.length,
};
"##;

// ---- WebDriver ----

/// One WebDriver session on a page of the server.
struct Browser {
    agent: ureq::Agent,
    /// `http://127.0.0.1:PORT/session/ID/`
    session: String,
    /// The page's address, `http://127.0.0.1:PORT/`.
    page: String,
}

impl Browser {
    fn command(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        webdriver(
            &self.agent,
            method,
            &format!("{}{path}", self.session),
            body,
        )
    }

    fn get(&self, path: &str) -> Value {
        self.command("GET", path, None)
    }

    fn post(&self, path: &str, body: Value) -> Value {
        self.command("POST", path, Some(body))
    }

    fn goto(&self, path_and_query: &str) {
        let url = format!("{}{}", self.page, path_and_query.trim_start_matches('/'));
        self.post("url", json!({ "url": url }));
    }

    /// The WebDriver id of the element `css` selects.
    fn find(&self, css: &str) -> String {
        let found = self.post("element", json!({ "using": "css selector", "value": css }));
        found[ELEMENT]
            .as_str()
            .unwrap_or_else(|| panic!("no element id for {css}: {found}"))
            .to_string()
    }

    fn type_into(&self, element: &str, text: &str) {
        self.post(&format!("element/{element}/value"), json!({ "text": text }));
    }

    fn clear(&self, element: &str) {
        self.post(&format!("element/{element}/clear"), json!({}));
    }

    fn click(&self, element: &str) {
        self.post(&format!("element/{element}/click"), json!({}));
    }

    /// Presses and releases one key wherever the focus is.
    fn press(&self, key: &str) {
        self.post(
            "actions",
            json!({ "actions": [{
                "type": "key",
                "id": "keyboard",
                "actions": [
                    { "type": "keyDown", "value": key },
                    { "type": "keyUp", "value": key },
                ],
            }] }),
        );
        self.command("DELETE", "actions", None);
    }

    fn script(&self, body: &str) -> Value {
        self.post("execute/sync", json!({ "script": body, "args": [] }))
    }

    fn page(&self) -> Shown {
        let value = self.script(READ_PAGE);
        serde_json::from_value(value.clone())
            .unwrap_or_else(|e| panic!("reading the page ({e}): {value:#}"))
    }

    /// Polls the page until `ready` holds; fails after [`WAIT`] showing the last state.
    fn wait_for(&self, what: &str, ready: impl Fn(&Shown) -> bool) -> Shown {
        let deadline = Instant::now() + WAIT;
        loop {
            let shown = self.page();
            if ready(&shown) {
                return shown;
            }
            if Instant::now() > deadline {
                panic!("waited {WAIT:?} for {what}; the page shows {shown:#?}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Waits until the address bar holds `in_url` and its search is answered without
    /// an error.
    fn wait_for_results(&self, in_url: &str) -> Shown {
        let shown = self.wait_for(&format!("the results of {in_url}"), |p| {
            p.url.contains(in_url) && p.settled() && p.results_shown
        });
        assert_eq!(
            shown.error_line, None,
            "the page shows an error: {shown:#?}"
        );
        shown
    }

    /// The server's own answer to a search, to compare the page with.
    fn api_get(&self, path_and_query: &str) -> Value {
        let url = format!("{}{}", self.page, path_and_query.trim_start_matches('/'));
        self.agent
            .get(&url)
            .call()
            .unwrap_or_else(|e| panic!("GET {url}: {e}"))
            .body_mut()
            .read_json()
            .unwrap_or_else(|e| panic!("GET {url}: {e}"))
    }

    /// The message of the server's error answer to `path_and_query`.
    fn api_error(&self, path_and_query: &str) -> String {
        let url = format!("{}{}", self.page, path_and_query.trim_start_matches('/'));
        let mut response = self
            .agent
            .get(&url)
            .call()
            .unwrap_or_else(|e| panic!("GET {url}: {e}"));
        assert_eq!(response.status(), 400, "GET {url}");
        let answer: Value = response.body_mut().read_json().unwrap();
        answer["error"].as_str().unwrap().to_string()
    }

    fn api_total(&self, query: &str) -> u64 {
        self.api_get(&format!("/api/search?{query}"))["total"]
            .as_u64()
            .unwrap()
    }
}

/// Sends one WebDriver command and returns its `value`; fails on a WebDriver error.
fn webdriver(agent: &ureq::Agent, method: &str, url: &str, body: Option<Value>) -> Value {
    let response = match (method, body) {
        ("GET", _) => agent.get(url).call(),
        ("DELETE", _) => agent.delete(url).call(),
        (_, body) => agent.post(url).send_json(body.unwrap_or_else(|| json!({}))),
    };
    let mut response = response.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = response.status();
    let answer: Value = response
        .body_mut()
        .read_json()
        .unwrap_or_else(|e| panic!("{method} {url}: answer is not JSON: {e}"));
    let value = answer.get("value").cloned().unwrap_or(Value::Null);
    if !status.is_success() {
        panic!(
            "{method} {url} failed ({status}): {} {}",
            value["error"],
            value["message"].as_str().unwrap_or_default()
        );
    }
    value
}

// ---- processes ----

/// The server, chromedriver and the browser session of a test, all ended when it is
/// dropped, whether the test passed or not.
#[derive(Default)]
struct Guard {
    server: Option<Child>,
    driver: Option<Child>,
    /// The agent and address of the open WebDriver session.
    session: Option<(ureq::Agent, String)>,
}

impl Guard {
    /// Starts `dateline serve` on a free port; returns the page's address.
    fn start_server(&mut self, sandbox: &Sandbox) -> String {
        let log = std::fs::File::create(sandbox.join("serve.log")).unwrap();
        let mut child = sandbox
            .process(&[])
            .arg("serve")
            .arg("--index")
            .arg(sandbox.index_dir())
            .args(["--addr", "127.0.0.1:0"])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("starting dateline serve");
        let stdout = child.stdout.take().unwrap();
        self.server = Some(child);
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout).lines();
            let _ = tx.send(lines.next());
            // Keep reading so that the server never writes into a closed pipe.
            for _ in lines {}
        });
        let line = match rx.recv_timeout(WAIT) {
            Ok(Some(Ok(line))) => line,
            other => panic!(
                "dateline serve did not say where it listens ({other:?}); its errors: {}",
                std::fs::read_to_string(sandbox.join("serve.log")).unwrap_or_default()
            ),
        };
        let page = line
            .split_whitespace()
            .last()
            .filter(|url| url.starts_with("http://") && url.ends_with('/'))
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        assert!(
            line.starts_with("serving "),
            "unexpected first line {line:?}"
        );
        page.to_string()
    }

    /// Starts chromedriver on a free port and opens a headless Chromium on `page`.
    fn start_browser(&mut self, sandbox: &Sandbox, page: String) -> Browser {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("finding a free port")
            .port();
        let log = std::fs::File::create(sandbox.join("chromedriver.log")).unwrap();
        let child = Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(log.try_clone().unwrap())
            .stderr(log)
            // A group of its own, so that the browsers it starts can be ended with it.
            .process_group(0)
            .spawn()
            .expect("starting chromedriver");
        self.driver = Some(child);

        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(COMMAND_TIMEOUT))
            .build()
            .into();
        let driver = format!("http://127.0.0.1:{port}/");
        let deadline = Instant::now() + WAIT;
        loop {
            let ready = agent
                .get(&format!("{driver}status"))
                .call()
                .ok()
                .and_then(|mut r| r.body_mut().read_json::<Value>().ok())
                .is_some_and(|status| status["value"]["ready"] == json!(true));
            if ready {
                break;
            }
            if Instant::now() > deadline {
                panic!(
                    "chromedriver was not ready within {WAIT:?}: {}",
                    std::fs::read_to_string(sandbox.join("chromedriver.log")).unwrap_or_default()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }

        let profile = sandbox.join("chromium-profile");
        std::fs::create_dir_all(&profile).unwrap();
        let capabilities = json!({ "capabilities": { "alwaysMatch": {
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--no-first-run",
                    format!("--user-data-dir={}", profile.display()),
                    "--window-size=1280,1000",
                ],
            },
            // A dialog stays open and fails the next command, saying what it said.
            "unhandledPromptBehavior": "ignore",
            "timeouts": { "implicit": 0, "pageLoad": WAIT.as_millis() as u64, "script": WAIT.as_millis() as u64 },
        } } });
        let created = webdriver(
            &agent,
            "POST",
            &format!("{driver}session"),
            Some(capabilities),
        );
        let id = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session id in {created}"));
        let session = format!("{driver}session/{id}/");
        self.session = Some((agent.clone(), session.clone()));
        Browser {
            agent,
            session,
            page,
        }
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some((agent, session)) = self.session.take() {
            // Closes the browser; errors do not matter any more.
            let _ = agent.delete(session.trim_end_matches('/')).call();
        }
        if let Some(mut driver) = self.driver.take() {
            // The driver and any browser it left behind: its whole process group.
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", driver.id())])
                .stderr(Stdio::null())
                .status();
            let _ = driver.kill();
            let _ = driver.wait();
        }
        if let Some(mut server) = self.server.take() {
            let _ = server.kill();
            let _ = server.wait();
        }
    }
}

/// Decodes standard base64 (as WebDriver sends screenshots).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {:?}", c as char),
        }
    };
    let digits: Vec<u8> = text
        .bytes()
        .filter(|c| !c.is_ascii_whitespace() && *c != b'=')
        .collect();
    let mut out = Vec::with_capacity(digits.len() * 3 / 4);
    for chunk in digits.chunks(4) {
        let bits = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, &c)| acc | value(c) << (18 - 6 * i));
        let bytes = bits.to_be_bytes();
        out.extend_from_slice(&bytes[1..chunk.len()]);
    }
    out
}

#[test]
fn base64_decodes() {
    assert_eq!(base64_decode("aGVsbG8="), b"hello");
    assert_eq!(base64_decode("aGVsbG8hIQ=="), b"hello!!");
    assert_eq!(base64_decode("YWJj"), b"abc");
}

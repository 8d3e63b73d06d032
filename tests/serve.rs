//! `dateline serve` over HTTP on loopback: the API answers with the same JSON as the
//! command line, errors are JSON with the right status, searches run concurrently,
//! and a new commit of the index is picked up without a restart.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)] // tests fail by panicking

mod common;

use common::Sandbox;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running `dateline serve`, stopped when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(sb: &Sandbox) -> Server {
        Server::start_with(sb, &[], Stdio::inherit())
    }

    fn start_with(sb: &Sandbox, args: &[&str], stderr: Stdio) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dateline"))
            .current_dir(sb.path())
            .env_clear()
            .args(["serve", "--addr", "127.0.0.1:0", "--index"])
            .arg(sb.index_dir())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(stderr)
            .spawn()
            .expect("starting dateline serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no address in {line:?}"))
            .trim_end_matches('/')
            .to_string();
        assert!(base.starts_with("http://127.0.0.1:"), "{base}");
        Server { child, base }
    }

    /// GETs `path` and returns the status, content type and body.
    fn get(&self, path: &str) -> (u16, String, String) {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut response = agent
            .get(format!("{}{path}", self.base))
            .call()
            .unwrap_or_else(|e| panic!("GET {path}: {e}"));
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = response.body_mut().read_to_string().unwrap();
        (status, content_type, body)
    }

    /// GETs `path`, expecting JSON with `status`.
    #[track_caller]
    fn json(&self, path: &str, status: u16) -> Value {
        let (got, content_type, body) = self.get(path);
        assert_eq!(got, status, "GET {path}: {body}");
        assert_eq!(content_type, "application/json", "GET {path}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sample() -> Sandbox {
    let sb = Sandbox::new();
    sb.copy_sample_corpus();
    sb.index_ok("sample-corpus");
    sb
}

/// What `dateline search ARGS --json` prints, parsed.
fn cli_json(sb: &Sandbox, args: &[&str]) -> Value {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    serde_json::from_str(&sb.search(&all).stdout).unwrap()
}

#[test]
fn the_api_answers_with_the_json_of_the_command_line() {
    let sb = sample();
    let server = Server::start(&sb);
    for (path, args) in [
        (
            "/api/search?q=drought&limit=3",
            &["drought", "--limit", "3"][..],
        ),
        (
            "/api/search?q=%22Tengri%20Copper%22&since=2019&sort=oldest&offset=1",
            &[
                "\"Tengri Copper\"",
                "--since",
                "2019",
                "--sort",
                "oldest",
                "--offset",
                "1",
            ][..],
        ),
        (
            "/api/search?q=drought&histogram=month&until=2016",
            &["drought", "--histogram", "month", "--until", "2016"][..],
        ),
        ("/api/search?q=*&limit=2&since=", &["*", "--limit", "2"][..]),
    ] {
        assert_eq!(server.json(path, 200), cli_json(&sb, args), "{path}");
    }
    let nothing = server.json("/api/search?q=zeppelin", 200);
    assert_eq!(nothing["total"], 0);

    let stats: Value =
        serde_json::from_str(&sb.run_with_index("stats", ["--json"]).stdout).unwrap();
    assert_eq!(server.json("/api/stats", 200), stats);
}

#[test]
fn articles_are_served_by_id() {
    let sb = sample();
    let server = Server::start(&sb);
    let hit = &server.json("/api/search?q=drought&limit=1", 200)["hits"][0];
    let id = hit["id"].as_str().unwrap();
    let article = server.json(&format!("/api/articles/{id}"), 200);
    assert_eq!(article["id"], hit["id"]);
    assert_eq!(article["title"], hit["title"]);
    assert_eq!(article["date"], hit["date"]);
    assert!(article["body"]
        .as_str()
        .unwrap()
        .to_lowercase()
        .contains("drought"));
    let missing = server.json("/api/articles/no-such-id", 404);
    assert!(missing["error"].as_str().unwrap().contains("no-such-id"));
}

#[test]
fn bad_requests_are_json_errors_with_status_400() {
    let sb = sample();
    let server = Server::start(&sb);
    for (path, says) in [
        ("/api/search?q=-drought", "only excludes"),
        ("/api/search?q=%22%28%29", "no word to search for"),
        ("/api/search?q=body:*", "`*` is not a wildcard"),
        ("/api/search?q=place:*", "`*` is not a wildcard"),
        (
            "/api/search?q=to%20be%20or%20not",
            "too common to be indexed",
        ),
        ("/api/search?q=drought&match=some", "`match`"),
        ("/api/search", "give a query"),
        ("/api/search?q=%20", "give a query"),
        ("/api/search?q=drought&since=2020-13", "month 13"),
        ("/api/search?q=drought&since=2020&until=2019", "2020"),
        ("/api/search?q=drought&limit=abc", "`limit`"),
        ("/api/search?q=drought&limit=0", "--limit"),
        ("/api/search?q=drought&offset=100001", "--offset"),
        ("/api/search?q=drought&sort=best", "`sort`"),
        ("/api/search?q=drought&histogram=week", "`histogram`"),
    ] {
        let error = server.json(path, 400);
        let message = error["error"].as_str().unwrap();
        assert!(message.contains(says), "{path}: {message}");
    }
    let (status, _, _) = server.get("/no/such/page");
    assert_eq!(status, 404);
}

#[test]
fn the_page_is_served_from_the_binary() {
    let sb = sample();
    let server = Server::start(&sb);
    let (status, content_type, body) = server.get("/");
    assert_eq!(status, 200);
    assert_eq!(content_type, "text/html; charset=utf-8");
    assert!(body.contains("<html"), "{body}");
    for external in ["src=\"http", "href=\"http", "@import", "url(http"] {
        assert!(!body.contains(external), "the page loads {external}…");
    }
}

#[test]
fn concurrent_searches_all_succeed_and_agree() {
    let sb = sample();
    let server = Server::start(&sb);
    let queries = ["drought", "copper", "railway", "*", "water OR river"];
    let expected: Vec<Value> = queries
        .iter()
        .map(|q| {
            server.json(&format!("/api/search?q={}", q.replace(' ', "%20")), 200)["total"].clone()
        })
        .collect();
    std::thread::scope(|scope| {
        for worker in 0..8 {
            let (server, expected) = (&server, &expected);
            scope.spawn(move || {
                for round in 0..25 {
                    let i = (worker + round) % queries.len();
                    let path = format!("/api/search?q={}&limit=5", queries[i].replace(' ', "%20"));
                    assert_eq!(server.json(&path, 200)["total"], expected[i], "{path}");
                }
            });
        }
    });
}

#[test]
fn a_new_commit_is_picked_up_without_a_restart() {
    let sb = sample();
    let server = Server::start(&sb);
    assert_eq!(server.json("/api/search?q=zeppelin", 200)["total"], 0);
    sb.write(
        "sample-corpus/zeppelin.txt",
        "Title: Zeppelin lands at Astana fair\nDate: 2024-09-10\n\nA zeppelin landed at the fair.\n",
    );
    sb.index_ok("sample-corpus");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if server.json("/api/search?q=zeppelin", 200)["total"] == 1 {
            break;
        }
        assert!(Instant::now() < deadline, "the new commit was never seen");
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn serve_without_an_index_says_what_to_do() {
    let sb = Sandbox::new();
    let run = sb.run_with_index("serve", ["--addr", "127.0.0.1:0"]);
    run.expect_code(2);
    assert!(run.single_error_line().contains("dateline index"));
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = busy.local_addr().unwrap().to_string();
    let sb = sample();
    let run = sb.run_with_index("serve", ["--addr", taken.as_str()]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(line.contains(&taken), "{line}");
}

#[test]
fn ctrl_c_stops_the_server_cleanly() {
    let sb = sample();
    let mut server = Server::start(&sb);
    server.json("/api/stats", 200);
    let status = Command::new("kill")
        .args(["-INT", &server.child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let deadline = Instant::now() + Duration::from_secs(10);
    let exit = loop {
        if let Some(exit) = server.child.try_wait().unwrap() {
            break exit;
        }
        assert!(Instant::now() < deadline, "the server did not stop");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert_eq!(exit.code(), Some(0));
}

#[test]
fn verbose_logs_each_request_on_stderr() {
    let sb = sample();
    let mut server = Server::start_with(&sb, &["--verbose"], Stdio::piped());
    server.json("/api/search?q=drought&limit=1", 200);
    server.json("/api/search?q=-drought", 400);
    let _ = server.child.kill();
    let mut log = String::new();
    std::io::Read::read_to_string(&mut server.child.stderr.take().unwrap(), &mut log).unwrap();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 2, "{log}");
    assert!(
        lines[0].starts_with("GET /api/search?q=drought&limit=1 200 "),
        "{log}"
    );
    assert!(
        lines[1].starts_with("GET /api/search?q=-drought 400 "),
        "{log}"
    );
    assert!(lines.iter().all(|l| l.ends_with(" ms")), "{log}");
}

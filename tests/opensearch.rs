//! The export against a live OpenSearch 2.19 node: the README's "Elasticsearch or
//! OpenSearch" commands, run as written (with the node's port), load the sample
//! corpus with no error, the node counts what `stats` counts, finds the undated
//! articles with the README's query, and its search returns the articles `dateline
//! search` returns for the same words and dates.
//!
//! The node is `tests/opensearch` (a Maven project): `.ci/run` builds it with
//! `mvn -q -B -f tests/opensearch/pom.xml dependency:build-classpath
//! -Dmdep.outputFile=target/classpath.txt compile`. Without that build, or without
//! `curl`, the test is skipped, unless `DATELINE_OPENSEARCH_TESTS=required` makes that
//! a failure (as in CI).
#![cfg(unix)]
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

mod common;

use common::Sandbox;
use regex::Regex;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const README: &str = include_str!("../README.md");

/// The launcher's folder.
fn launcher() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/opensearch")
}

/// Why the test cannot run here, if it cannot.
fn missing() -> Option<String> {
    if !launcher().join("target/classpath.txt").is_file() {
        return Some("tests/opensearch is not built".into());
    }
    let curl = Command::new("curl").arg("--version").output();
    if !curl.is_ok_and(|out| out.status.success()) {
        return Some("curl is not installed".into());
    }
    None
}

/// A single-node cluster, or `None` (the test skipped) where none can start and
/// `DATELINE_OPENSEARCH_TESTS=required` is not set.
fn start_node() -> Option<OpenSearch> {
    start_node_allowed().map(|()| OpenSearch::single())
}

/// Whether the OpenSearch tests can run here (`None`: skipped, as [`start_node`] says).
fn start_node_allowed() -> Option<()> {
    if let Some(why) = missing() {
        if std::env::var("DATELINE_OPENSEARCH_TESTS").as_deref() == Ok("required") {
            panic!("DATELINE_OPENSEARCH_TESTS=required, but {why}");
        }
        eprintln!("OpenSearch test skipped: {why}");
        return None;
    }
    Some(())
}

/// A free port on 127.0.0.1.
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// An OpenSearch node started for a test, stopped (its standard input closed, then
/// killed) when dropped, whatever happens to the test.
struct OpenSearch {
    child: Child,
    http: u16,
    _data: tempfile::TempDir,
}

impl OpenSearch {
    /// Starts a single-node cluster and waits until it answers.
    fn single() -> OpenSearch {
        let starting = OpenSearch::spawn(free_port(), free_port(), &[]);
        OpenSearch::started(starting)
    }

    /// Starts `n` nodes forming one cluster, and waits until it is green.
    fn cluster(n: usize) -> Vec<OpenSearch> {
        let ports: Vec<(u16, u16)> = (0..n).map(|_| (free_port(), free_port())).collect();
        let seeds: Vec<u16> = ports.iter().map(|&(_, transport)| transport).collect();
        let starting: Vec<_> = ports
            .iter()
            .map(|&(http, transport)| OpenSearch::spawn(http, transport, &seeds))
            .collect();
        let nodes: Vec<OpenSearch> = starting.into_iter().map(OpenSearch::started).collect();
        let health = nodes[0].get(&format!(
            "/_cluster/health?wait_for_nodes={n}&wait_for_status=green&timeout=120s"
        ));
        assert_eq!(health["number_of_nodes"], n, "{health}");
        nodes
    }

    /// Starts a node named after its transport port, joining the nodes on the
    /// transport ports `seeds` (a single-node cluster without).
    fn spawn(http: u16, transport: u16, seeds: &[u16]) -> (OpenSearch, mpsc::Receiver<()>) {
        let data = tempfile::tempdir().unwrap();
        let dir = launcher();
        let classpath = format!(
            "{}:{}",
            dir.join("target/classes").display(),
            std::fs::read_to_string(dir.join("target/classpath.txt"))
                .unwrap()
                .trim()
        );
        let log = std::fs::File::create(data.path().join("node.log")).unwrap();
        let mut child = Command::new("java")
            .args(["-Xms512m", "-Xmx512m", "-cp", &classpath])
            .arg("dateline.opensearch.Node")
            .arg(format!("node-{transport}"))
            .arg(http.to_string())
            .arg(transport.to_string())
            .arg(data.path())
            .args(seeds.iter().map(u16::to_string))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("starting java (Java 17 runs the OpenSearch node)");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if line.trim() == "started" {
                    let _ = tx.send(());
                }
            }
        });
        let node = OpenSearch {
            child,
            http,
            _data: data,
        };
        (node, rx)
    }

    /// Waits until a node spawned says it started.
    fn started((node, started): (OpenSearch, mpsc::Receiver<()>)) -> OpenSearch {
        if started.recv_timeout(Duration::from_secs(180)).is_err() {
            let log =
                std::fs::read_to_string(node._data.path().join("node.log")).unwrap_or_default();
            let tail: Vec<&str> = log.lines().rev().take(30).collect();
            panic!(
                "the OpenSearch node did not start within 3 minutes:\n{}",
                tail.join("\n")
            );
        }
        node
    }

    /// Kills the node at once, as a machine that goes down.
    fn crash(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.http)
    }

    fn get(&self, path: &str) -> Value {
        ureq::get(&self.url(path))
            .call()
            .unwrap()
            .body_mut()
            .read_json()
            .unwrap()
    }

    fn post(&self, path: &str, body: &Value) -> Value {
        ureq::post(&self.url(path))
            .send_json(body)
            .unwrap()
            .body_mut()
            .read_json()
            .unwrap()
    }
}

impl Drop for OpenSearch {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        for _ in 0..50 {
            if self.child.try_wait().ok().flatten().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The README's commands for Elasticsearch or OpenSearch, as one shell script.
fn readme_commands() -> String {
    let section = README
        .split("### Elasticsearch or OpenSearch")
        .nth(1)
        .expect("the README has an Elasticsearch or OpenSearch section");
    let block = Regex::new(r"(?s)```sh\n(.*?)\n```").unwrap();
    block
        .captures(section)
        .expect("the section gives its commands")[1]
        .to_string()
}

/// The ids of the hits of an OpenSearch search response.
fn ids(response: &Value) -> Vec<String> {
    let mut ids: Vec<String> = response["hits"]["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|hit| hit["_id"].as_str().unwrap().to_string())
        .collect();
    ids.sort();
    ids
}

#[test]
fn the_readme_export_loads_into_a_live_node_and_searches_alike() {
    let Some(node) = start_node() else { return };
    let sb = Sandbox::new();
    sb.copy_sample_corpus();
    sb.run(["index", "sample-corpus", "--quiet"]).expect_code(0);

    // The README's commands as written, on the node's port; `dateline` is this build.
    let script = readme_commands().replace("localhost:9200", &format!("127.0.0.1:{}", node.http));
    let bin = Path::new(env!("CARGO_BIN_EXE_dateline")).parent().unwrap();
    let run = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &script])
        .current_dir(sb.path())
        .env(
            "PATH",
            format!(
                "{}:{}",
                bin.display(),
                std::env::var("PATH").unwrap_or_default()
            ),
        )
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.contains("\"acknowledged\":true"),
        "the mapping is accepted: {stdout}"
    );
    assert!(
        stdout.contains("\"errors\":false"),
        "every article loads: {stdout}"
    );

    // The node holds what `stats` counts, and the undated ones by the README's query.
    let stats: Value = serde_json::from_str(&sb.run(["stats", "--json"]).stdout).unwrap();
    let count = node.get("/dateline/_count");
    assert_eq!(count["count"], stats["articles"]);
    let undated_query: Value = serde_json::from_str(
        README
            .split("Undated articles have no `date`")
            .nth(1)
            .and_then(|rest| rest.split("```json\n").nth(1))
            .and_then(|rest| rest.split("\n```").next())
            .expect("the README gives the query for undated articles"),
    )
    .unwrap();
    let undated = node.post("/dateline/_count", &undated_query);
    assert_eq!(undated["count"], stats["undated"]);

    // The README's search finds the articles `dateline search` finds (every copy).
    let search: Value = serde_json::from_str(
        script
            .split("--data-binary @- <<'EOF'\n")
            .nth(1)
            .and_then(|rest| rest.split("\nEOF").next())
            .unwrap(),
    )
    .unwrap();
    let mut request = search.clone();
    request["size"] = 100.into();
    let theirs = ids(&node.post("/dateline/_search", &request));
    let ours = common::parse_results(&sb.run([
        "search",
        "drought",
        "--since",
        "2012",
        "--until",
        "2019",
        "--all-copies",
        "--limit",
        "100",
        "--json",
    ]));
    let mut our_ids: Vec<String> = ours.hits.iter().map(|h| h.id.clone()).collect();
    our_ids.sort();
    assert!(!our_ids.is_empty());
    assert_eq!(theirs, our_ids);
}

/// Runs `dateline push` with `--json` in `sb` and gives its summary and exit code.
fn push(sb: &Sandbox, target: &str) -> (Value, i32, String) {
    let run = sb.run(["push", target, "--json"]);
    let summary = serde_json::from_str(&run.stdout).unwrap_or(Value::Null);
    (summary, run.code, run.stderr)
}

#[test]
fn push_sends_what_changed_and_never_records_what_the_cluster_refused() {
    let Some(node) = start_node() else { return };
    let sb = Sandbox::new();
    sb.copy_sample_corpus();
    sb.run(["index", "sample-corpus", "--quiet"]).expect_code(0);
    let stats: Value = serde_json::from_str(&sb.run(["stats", "--json"]).stdout).unwrap();
    let articles = stats["articles"].as_u64().unwrap();
    let target = node.url("/news");
    let count = || node.get("/news/_count")["count"].as_u64().unwrap();

    // The first push creates the index with the mapping and sends every article.
    let (first, code, stderr) = push(&sb, &target);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        (first["sent"].as_u64(), first["created_index"].as_bool()),
        (Some(articles), Some(true))
    );
    assert_eq!(count(), articles);
    // Nothing changed: nothing sent.
    let (again, _, _) = push(&sb, &target);
    assert_eq!(
        (again["sent"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(articles))
    );

    // A file gone and a story changed: one deletion, one document sent.
    std::fs::remove_file(sb.join("sample-corpus/harbor-gazette/ferry-fire-rescue.txt")).unwrap();
    let strike = sb.join("sample-corpus/harbor-gazette/port-strike-ends.txt");
    let text = std::fs::read_to_string(&strike).unwrap();
    std::fs::write(&strike, text.replace("nine-day strike", "ten-day strike")).unwrap();
    sb.run(["index", "sample-corpus", "--quiet"]).expect_code(0);
    let (changed, code, stderr) = push(&sb, &target);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        (changed["sent"].as_u64(), changed["deleted"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(count(), articles - 1);
    let found = node.post(
        "/news/_search",
        &serde_json::json!({"query": {"match_phrase": {"body": "ten-day strike"}}}),
    );
    assert_eq!(found["hits"]["total"]["value"], 1);

    // What the push recorded lost: everything is sent again, and replaces, so that
    // nothing is doubled.
    for entry in std::fs::read_dir(sb.join(".dateline")).unwrap() {
        let path = entry.unwrap().path();
        if path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("dateline-push-")
        {
            std::fs::remove_file(path).unwrap();
        }
    }
    let (resent, _, _) = push(&sb, &target);
    assert_eq!(resent["sent"].as_u64(), Some(articles - 1));
    assert_eq!(count(), articles - 1);

    // An index whose mapping refuses the articles: each refusal is reported with its
    // reason, the exit status is 1, and none is recorded (the next push tries again).
    let wrong = node.url("/wrong");
    ureq::put(&wrong)
        .header("Content-Type", "application/json")
        .send(r#"{"mappings":{"properties":{"title":{"type":"integer"}}}}"#)
        .unwrap();
    let (refused, code, stderr) = push(&sb, &wrong);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(
        refused["refused"].as_array().unwrap().len() as u64,
        articles - 1
    );
    let line = stderr.lines().next().unwrap();
    assert!(
        line.starts_with(&format!("dateline: {wrong} refused article "))
            && line.contains("mapper_parsing_exception"),
        "{line}"
    );
    let (again, code, _) = push(&sb, &wrong);
    assert_eq!(
        (code, again["refused"].as_array().unwrap().len() as u64),
        (1, articles - 1)
    );

    // No cluster there: a clear error once the retries are spent.
    let nobody = format!("http://127.0.0.1:{}/news", free_port());
    let run = sb.run(["push", &nobody, "--quiet", "--retries", "1"]);
    run.expect_code(2);
    let line = run.single_error_line();
    assert!(
        line.contains(&format!(
            "{} of the {} articles are not on",
            articles - 1,
            articles - 1
        )) && line.contains("did not answer")
            && line.ends_with("run dateline push again"),
        "{line}"
    );
}

/// The ids a search lists, sorted, and how many it counts.
fn listed(run: &common::Run) -> (Vec<String>, usize) {
    let results = common::parse_results(run);
    let mut ids: Vec<String> = results.hits.iter().map(|h| h.id.clone()).collect();
    ids.sort();
    (ids, results.total)
}

#[test]
fn searching_through_the_cluster_lists_what_a_local_search_lists() {
    let Some(node) = start_node() else { return };
    let sb = Sandbox::new();
    sb.copy_sample_corpus();
    sb.run(["index", "sample-corpus", "--quiet"]).expect_code(0);
    let target = node.url("/news");
    let (_, code, stderr) = push(&sb, &target);
    assert_eq!(code, 0, "{stderr}");
    let queries: [&[&str]; 8] = [
        &["drought"],
        &["drought", "--since", "2012", "--until", "2019"],
        &["\"Tengri Copper\"", "--since", "2019"],
        &["kaliyeva -title:kaliyeva"],
        &["saxaul OR ferroalloy"],
        &["*", "--until", "2012", "--sort", "oldest"],
        &["canal meters", "--match", "all"],
        &["place:aktau"],
    ];
    for query in queries {
        let mut local = vec!["search"];
        local.extend_from_slice(query);
        local.extend(["--json", "--all-copies", "--limit", "100"]);
        let mut remote = local.clone();
        remote.extend(["--engine", target.as_str()]);
        let ours = listed(&sb.run(&local));
        let theirs = listed(&sb.run(&remote));
        assert_eq!(theirs, ours, "{query:?}");
    }
    // The human output has the local shape, a hit's place its document there.
    let run = sb.run([
        "search", "drought", "--since", "2012", "--until", "2019", "--engine", &target,
    ]);
    run.expect_code(0);
    let head = run.stdout.lines().next().unwrap();
    assert!(
        head.starts_with("6 articles match (showing 1-6); "),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains(&format!("{target}/_doc/")),
        "{}",
        run.stdout
    );
    // A histogram counts as a local one does.
    let local = common::parse_results(&sb.run([
        "search",
        "drought",
        "--histogram",
        "year",
        "--json",
        "--all-copies",
    ]));
    let remote = common::parse_results(&sb.run([
        "search",
        "drought",
        "--histogram",
        "year",
        "--json",
        "--engine",
        &target,
    ]));
    assert_eq!(remote.histogram, local.histogram);

    // The server answers from the cluster too: searches and whole articles.
    let mut server = sb
        .process(&[])
        .args(["serve", "--addr", "127.0.0.1:0", "--engine", &target])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(server.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    let address = first
        .trim()
        .rsplit(' ')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .to_string();
    let get = |path: &str| -> Value {
        ureq::get(&format!("{address}{path}"))
            .call()
            .unwrap()
            .body_mut()
            .read_json()
            .unwrap()
    };
    let found = get("/api/search?q=saxaul");
    assert_eq!(found["total"], 1, "{found}");
    let id = found["hits"][0]["id"].as_str().unwrap().to_string();
    let article = get(&format!("/api/articles/{id}"));
    assert!(
        article["body"].as_str().unwrap().contains("saxaul"),
        "{article}"
    );
    let _ = server.kill();
    let _ = server.wait();
}

#[test]
fn a_push_cut_off_by_a_node_going_down_is_finished_by_the_next() {
    if start_node_allowed().is_none() {
        return;
    }
    let mut nodes = OpenSearch::cluster(3);
    let sb = Sandbox::new();
    // 6,000 articles in JSON lines, each its own story.
    let mut lines = String::new();
    for n in 0..6000 {
        lines.push_str(&format!(
            "{{\"title\":\"Harbour report {n}\",\"date\":\"2020-01-{:02}\",\"text\":\"Ship {n} reached berth {} on the morning tide with a cargo of {} tonnes of grain, the harbour office said, and will sail again within {} days.\"}}\n",
            1 + n % 28,
            n % 40,
            1000 + n,
            2 + n % 9
        ));
        if n % 1000 == 999 {
            sb.write(format!("c/reports-{}.jsonl", n / 1000), &lines);
            lines.clear();
        }
    }
    sb.run(["index", "c", "--quiet"]).expect_code(0);
    let target = nodes[0].url("/news");
    let count = |node: &OpenSearch| node.get("/news/_count")["count"].as_u64().unwrap_or(0);

    // A push killed part-way: the next one completes it, nothing doubled.
    let killed_target = nodes[0].url("/killed");
    let mut killed = sb
        .process(&[])
        .args(["push", &killed_target, "--batch-mib", "1", "--quiet"])
        .spawn()
        .unwrap();
    for _ in 0..500 {
        let answer = ureq::get(&nodes[0].url("/killed/_count")).call();
        let pushed = answer.is_ok_and(|mut r| {
            r.body_mut()
                .read_json::<Value>()
                .is_ok_and(|v| v["count"].as_u64().unwrap_or(0) > 0)
        });
        if pushed {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let _ = killed.kill();
    let _ = killed.wait();
    let resumed: Value =
        serde_json::from_str(&sb.run(["push", &killed_target, "--json"]).stdout).unwrap();
    let resent = resumed["sent"].as_u64().unwrap() + resumed["unchanged"].as_u64().unwrap();
    assert_eq!(resent, 6000, "{resumed}");
    assert_eq!(nodes[0].get("/killed/_count")["count"], 6000);

    // The push goes on while a node holding the index goes down (the index made
    // first, its replica in place, as on a cluster in service).
    ureq::put(&target)
        .header("Content-Type", "application/json")
        .send(dateline::export::elasticsearch_mapping().to_string())
        .unwrap();
    let health = nodes[0].get("/_cluster/health/news?wait_for_status=green&timeout=60s");
    assert_eq!(health["status"], "green", "{health}");
    let pushing = sb
        .process(&[])
        .args(["push", &target, "--batch-mib", "1", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..300 {
        let created = ureq::get(&nodes[0].url("/news/_count")).call();
        if created.is_ok_and(|mut r| {
            r.body_mut()
                .read_json::<Value>()
                .is_ok_and(|v| v["count"].as_u64().unwrap_or(0) > 0)
        }) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    nodes[2].crash();
    // Searches keep answering while the node is down.
    let during = sb.run([
        "search", "grain", "--engine", &target, "--json", "--limit", "1",
    ]);
    assert!(during.code == 0 || during.code == 1, "{during:#?}");
    let first = pushing.wait_with_output().unwrap();
    let code = first.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 2,
        "the push completes or says it could not: {}",
        String::from_utf8_lossy(&first.stderr)
    );
    // The next push finishes it: the cluster holds every article, once.
    let second = sb.run(["push", &target, "--json"]);
    second.expect_code(0);
    let summary: Value = serde_json::from_str(&second.stdout).unwrap();
    assert_eq!(summary["refused"].as_array().unwrap().len(), 0);
    assert_eq!(count(&nodes[0]), 6000);
    let third: Value = serde_json::from_str(&sb.run(["push", &target, "--json"]).stdout).unwrap();
    assert_eq!(
        (third["sent"].as_u64(), third["unchanged"].as_u64()),
        (Some(0), Some(6000))
    );
}

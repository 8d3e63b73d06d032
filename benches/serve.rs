//! A load test of `dateline serve` on loopback under attack: starts the real binary on
//! a free port, keeps CLIENTS connections busy with searches (top 10 with snippets) for
//! SECONDS while other threads send headers a byte at a time, hold half-open
//! connections and send hostile requests, then stops the server with SIGINT. Prints
//! the normal searches' rate and latency percentiles, what the hostile requests got,
//! the server's peak memory and open descriptors, and how fast it stopped.
//!
//! cargo bench --bench serve -- --index DIR [--queries FILE] [--clients 8]
//!     [--seconds 10] [--slow 50] [--half-open 500] [--hostile 2] [--open-files N]
//!     [--heavy PATH] [--binary PATH]
//!
//! A query line is `{"query": ..., "since": ..., "until": ...}` as for the search
//! bench; without a file, a few words of the sample corpus are used. `--slow`,
//! `--half-open` and `--hostile` take 0 to leave that attack out; `--open-files` runs
//! the server under that limit of open files; `--heavy PATH` adds one client asking
//! for PATH (say a search or an article over a very large article) over and over;
//! `--binary` serves with another build of dateline, to compare. A request waits 10 s
//! at most before it counts as an error.

#[allow(dead_code)]
#[path = "../tests/common/process.rs"]
mod process;

use anyhow::{bail, Context, Result};
use process::{under_limits, Limit};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Longest a request waits for its answer before it counts as an error.
const WAIT: Duration = Duration::from_secs(10);

#[derive(Deserialize)]
struct QuerySpec {
    query: String,
    since: Option<String>,
    until: Option<String>,
}

struct Args {
    index: PathBuf,
    queries: Option<PathBuf>,
    clients: usize,
    seconds: u64,
    slow: usize,
    half_open: usize,
    hostile: usize,
    open_files: Option<u32>,
    heavy: Option<String>,
    binary: PathBuf,
}

fn args() -> Result<Args> {
    let mut parsed = Args {
        index: PathBuf::new(),
        queries: None,
        clients: 8,
        seconds: 10,
        slow: 50,
        half_open: 500,
        hostile: 2,
        open_files: None,
        heavy: None,
        binary: PathBuf::from(env!("CARGO_BIN_EXE_dateline")),
    };
    let mut index = None;
    let mut argv = std::env::args().skip(1);
    while let Some(arg) = argv.next() {
        let mut value = || argv.next().with_context(|| format!("{arg} needs a value"));
        let number = |text: String| -> Result<usize> {
            text.parse()
                .with_context(|| format!("{arg} takes a number, not {text}"))
        };
        match arg.as_str() {
            "--index" => index = Some(PathBuf::from(value()?)),
            "--queries" => parsed.queries = Some(PathBuf::from(value()?)),
            "--clients" => parsed.clients = number(value()?)?,
            "--seconds" => parsed.seconds = number(value()?)? as u64,
            "--slow" => parsed.slow = number(value()?)?,
            "--half-open" => parsed.half_open = number(value()?)?,
            "--hostile" => parsed.hostile = number(value()?)?,
            "--open-files" => parsed.open_files = Some(number(value()?)? as u32),
            "--heavy" => parsed.heavy = Some(value()?),
            "--binary" => parsed.binary = PathBuf::from(value()?),
            "--bench" => {}
            other => bail!("unknown argument {other}"),
        }
    }
    parsed.index = index.context("--index DIR is required")?;
    Ok(parsed)
}

/// The query strings of the API, one per query to send.
fn paths(file: Option<&PathBuf>) -> Result<Vec<String>> {
    let specs: Vec<QuerySpec> = match file {
        Some(file) => std::fs::read_to_string(file)
            .with_context(|| format!("reading {}", file.display()))?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).context("reading a query line"))
            .collect::<Result<_>>()?,
        None => [
            "drought",
            "copper",
            "\"Tengri Copper\"",
            "water OR river",
            "railway",
        ]
        .iter()
        .map(|q| QuerySpec {
            query: q.to_string(),
            since: None,
            until: None,
        })
        .collect(),
    };
    let encode = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    Ok(specs
        .iter()
        .map(|s| {
            let mut path = format!("/api/search?q={}", encode(&s.query));
            for (name, value) in [("since", &s.since), ("until", &s.until)] {
                if let Some(v) = value {
                    path.push_str(&format!("&{name}={}", encode(v)));
                }
            }
            path
        })
        .collect())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// The server under test: the real binary, as a user runs it.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(args: &Args) -> Result<Server> {
        let limits: Vec<Limit> = args.open_files.map(Limit::OpenFiles).into_iter().collect();
        let mut child = under_limits(&args.binary, &limits)
            .args(["serve", "--addr", "127.0.0.1:0", "--index"])
            .arg(&args.index)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("starting dateline serve")?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("no stdout")?)
            .read_line(&mut line)
            .context("reading the server's address")?;
        let addr = line
            .split_whitespace()
            .find_map(|w| w.strip_prefix("http://"))
            .with_context(|| format!("no address in {line:?}"))?
            .trim_end_matches('/')
            .to_string();
        Ok(Server { child, addr })
    }

    /// Sends SIGINT; returns how long the server took to exit and its status, or
    /// `None` when it had not exited within 5 s (it is killed then).
    fn interrupt(&mut self) -> Result<Option<(Duration, Option<i32>)>> {
        let asked = Instant::now();
        Command::new("kill")
            .args(["-INT", &self.child.id().to_string()])
            .status()
            .context("running kill")?;
        while asked.elapsed() < Duration::from_secs(5) {
            if let Some(status) = self.child.try_wait().context("waiting for the server")? {
                return Ok(Some((asked.elapsed(), status.code())));
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        Ok(None)
    }
}

/// A line of `/proc/PID/status` of process `pid`, in KiB.
fn status_kib(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// How many files process `pid` holds open.
fn open_descriptors(pid: u32) -> Option<usize> {
    Some(std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?.count())
}

/// Requests no client should send, each on a connection of its own.
fn hostile_requests(addr: &str) -> Vec<(&'static str, Vec<u8>)> {
    let get = |target: &str, extra: &str| {
        format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\n{extra}Connection: close\r\n\r\n")
            .into_bytes()
    };
    vec![
        (
            "rebinding",
            format!(
                "GET /api/search?q=*&limit=1000 HTTP/1.1\r\nHost: attacker.example:{}\r\nConnection: close\r\n\r\n",
                addr.rsplit(':').next().unwrap_or("80")
            )
            .into_bytes(),
        ),
        ("no host", b"GET /api/stats HTTP/1.1\r\nConnection: close\r\n\r\n".to_vec()),
        ("duplicate key", get("/api/search?q=a&q=b", "")),
        ("bad escape", get("/api/articles/%FF%FE", "")),
        ("long target", get(&format!("/api/search?q={}", "a".repeat(9000)), "")),
        (
            "large header",
            get("/api/stats", &format!("X-Big: {}\r\n", "b".repeat(20_000))),
        ),
        (
            "huge header",
            get("/api/stats", &format!("X-Big: {}\r\n", "b".repeat(300_000))),
        ),
        ("all articles", get("/api/search?q=*&limit=1000", "")),
        ("deep query", get(&format!("/api/search?q={}a", "(".repeat(3000)), "")),
        (
            "post with body",
            format!(
                "POST /api/search HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 1000000\r\nConnection: close\r\n\r\n{}",
                "x".repeat(64 << 10)
            )
            .into_bytes(),
        ),
        ("garbage", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03garbage\r\n\r\n".to_vec()),
        (
            "options",
            format!("OPTIONS / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").into_bytes(),
        ),
    ]
}

/// A new connection to `addr`, if one is made within a second.
fn connect(addr: &str) -> Option<TcpStream> {
    TcpStream::connect_timeout(&addr.parse().ok()?, Duration::from_secs(1)).ok()
}

/// Sends `request` on a new connection; the status answered, or what went wrong.
fn send_raw(addr: &str, request: &[u8]) -> String {
    let Some(mut stream) = connect(addr) else {
        return "connect failed".into();
    };
    let _ = stream.set_read_timeout(Some(WAIT));
    let _ = stream.set_write_timeout(Some(WAIT));
    if stream.write_all(request).is_err() {
        return "closed while sending".into();
    }
    let mut head = [0; 12];
    match stream.read_exact(&mut head) {
        Ok(()) => String::from_utf8_lossy(&head[9..12]).into_owned(),
        Err(_) => "closed".into(),
    }
}

/// Keeps `count` connections that sent part of a header and nothing more, opening a
/// new one whenever the server closes one; returns how many it opened in all.
fn hold_half_open(addr: &str, count: usize, stop: &AtomicBool) -> usize {
    let open = || -> Option<TcpStream> {
        let mut stream = connect(addr)?;
        stream.write_all(b"GET /api/sea").ok()?;
        stream.set_nonblocking(true).ok()?;
        Some(stream)
    };
    let mut held: Vec<Option<TcpStream>> = (0..count).map(|_| None).collect();
    let mut opened = 0;
    while !stop.load(Ordering::Relaxed) {
        for slot in held.iter_mut() {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            let gone = match slot {
                Some(stream) => {
                    let mut byte = [0; 1];
                    !matches!(stream.read(&mut byte), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock)
                }
                None => true,
            };
            if gone {
                *slot = open();
                opened += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    opened
}

/// Keeps `count` connections sending a request header one byte every 0.5 s; returns
/// how many were cut before their header was whole, and how many were answered.
fn send_slowly(addr: &str, count: usize, stop: &AtomicBool) -> (usize, usize) {
    let request = format!(
        "GET /api/stats HTTP/1.1\r\nHost: {addr}\r\nX-Slow: {}\r\n\r\n",
        "s".repeat(40)
    )
    .into_bytes();
    let open = || connect(addr);
    let mut slow: Vec<(Option<TcpStream>, usize)> = (0..count).map(|_| (None, 0)).collect();
    let (mut cut, mut answered) = (0, 0);
    while !stop.load(Ordering::Relaxed) {
        for (stream, sent) in slow.iter_mut() {
            if stop.load(Ordering::Relaxed) {
                break;
            }
            if stream.is_none() {
                *stream = open();
                *sent = 0;
                continue;
            }
            let ok = stream
                .as_mut()
                .is_some_and(|s| s.write_all(&request[*sent..*sent + 1]).is_ok());
            *sent += 1;
            if *sent == request.len() {
                answered += 1;
            }
            if !ok || *sent == request.len() {
                cut += usize::from(!ok);
                *stream = open();
                *sent = 0;
            }
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    (cut, answered)
}

fn main() -> Result<()> {
    let args = args()?;
    let paths = paths(args.queries.as_ref())?;
    let mut server = Server::start(&args)?;
    let pid = server.child.id();
    let addr = server.addr.clone();
    let base = format!("http://{addr}");
    // `done` ends the searches and the hostile requests; `stop`, set once the server
    // has been stopped, lets go of the slow and half-open connections.
    let (done, stop) = (AtomicBool::new(false), AtomicBool::new(false));
    let most_descriptors = AtomicUsize::new(0);
    let hostile_seen: Mutex<BTreeMap<(&str, String), usize>> = Mutex::new(BTreeMap::new());
    let heavy_seen: Mutex<BTreeMap<String, usize>> = Mutex::new(BTreeMap::new());

    let deadline = Instant::now() + Duration::from_millis(500 + 1000 * args.seconds);
    let ((results, elapsed), (peak, stopped), half_opened, slow) = std::thread::scope(|scope| {
        let (done, stop, addr) = (&done, &stop, addr.as_str());
        let half_open = scope.spawn(move || hold_half_open(addr, args.half_open, stop));
        let slow = scope.spawn(move || send_slowly(addr, args.slow, stop));
        for _ in 0..args.hostile {
            let seen = &hostile_seen;
            scope.spawn(move || {
                let requests = hostile_requests(addr);
                while !done.load(Ordering::Relaxed) {
                    for (name, request) in &requests {
                        if done.load(Ordering::Relaxed) {
                            break;
                        }
                        let status = send_raw(addr, request);
                        let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                        *seen.entry((*name, status)).or_default() += 1;
                    }
                }
            });
        }
        if let Some(path) = &args.heavy {
            let (seen, base) = (&heavy_seen, &base);
            scope.spawn(move || {
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .timeout_global(Some(WAIT))
                    .build()
                    .into();
                while !done.load(Ordering::Relaxed) {
                    let status = match agent.get(format!("{base}{path}")).call() {
                        Ok(mut r) => {
                            let _ = r.body_mut().with_config().limit(u64::MAX).read_to_vec();
                            r.status().as_u16().to_string()
                        }
                        Err(e) => e.to_string(),
                    };
                    let mut seen = seen.lock().unwrap_or_else(|e| e.into_inner());
                    *seen.entry(status).or_default() += 1;
                }
            });
        }
        let most = &most_descriptors;
        scope.spawn(move || {
            while !stop.load(Ordering::Relaxed) {
                most.fetch_max(open_descriptors(pid).unwrap_or(0), Ordering::Relaxed);
                std::thread::sleep(Duration::from_millis(100));
            }
        });
        // Let the attacks take hold before measuring.
        std::thread::sleep(Duration::from_millis(500));
        let measuring = Instant::now();
        let workers: Vec<_> = (0..args.clients)
            .map(|client| {
                let (base, paths) = (&base, &paths);
                scope.spawn(move || {
                    let agent: ureq::Agent = ureq::Agent::config_builder()
                        .timeout_global(Some(WAIT))
                        .build()
                        .into();
                    let mut times = Vec::new();
                    let mut errors = 0;
                    let mut i = client;
                    while Instant::now() < deadline {
                        let asked = Instant::now();
                        let ok = agent
                            .get(format!("{base}{}", paths[i % paths.len()]))
                            .call()
                            .and_then(|mut r| r.body_mut().read_to_string())
                            .is_ok();
                        times.push(asked.elapsed().as_secs_f64() * 1000.0);
                        errors += usize::from(!ok);
                        i += 1;
                    }
                    (times, errors)
                })
            })
            .collect();
        let results: Vec<(Vec<f64>, usize)> = workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect();
        let measured = measuring.elapsed().as_secs_f64();
        done.store(true, Ordering::Relaxed);
        // Stopped while the attacks still hold their connections.
        let peak = status_kib(pid, "VmHWM:").unwrap_or(0) / 1024;
        let stopped = match server.interrupt() {
            Ok(Some((took, code))) => format!(
                "stopped by SIGINT in {} ms with status {}",
                took.as_millis(),
                code.map_or_else(|| "none".to_string(), |c| c.to_string())
            ),
            Ok(None) => "still running 5 s after SIGINT (killed)".to_string(),
            Err(err) => format!("not stopped: {err:#}"),
        };
        stop.store(true, Ordering::Relaxed);
        (
            (results, measured),
            (peak, stopped),
            half_open.join().unwrap_or_default(),
            slow.join().unwrap_or_default(),
        )
    });

    let errors: usize = results.iter().map(|(_, e)| e).sum();
    let mut times: Vec<f64> = results.into_iter().flat_map(|(t, _)| t).collect();
    times.sort_by(f64::total_cmp);
    if times.is_empty() {
        bail!("no search was answered");
    }
    println!(
        "{} searches by {} clients in {elapsed:.1} s: {:.0} searches/s; latency median {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.1} ms; {errors} errors",
        times.len(),
        args.clients,
        times.len() as f64 / elapsed,
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
        times[times.len() - 1],
    );
    println!(
        "meanwhile: {} half-open connections held ({half_opened} opened in all), {} slow headers ({} cut, {} whole), {} hostile senders",
        args.half_open, args.slow, slow.0, slow.1, args.hostile
    );
    let hostile_seen = hostile_seen.into_inner().unwrap_or_else(|e| e.into_inner());
    for ((name, status), count) in &hostile_seen {
        println!("  {name}: {status} x{count}");
    }
    for (status, count) in heavy_seen.into_inner().unwrap_or_else(|e| e.into_inner()) {
        println!(
            "  heavy {}: {status} x{count}",
            args.heavy.as_deref().unwrap_or("")
        );
    }
    println!(
        "server: peak memory {peak} MiB, at most {} open descriptors; {stopped}",
        most_descriptors.load(Ordering::Relaxed),
    );
    Ok(())
}

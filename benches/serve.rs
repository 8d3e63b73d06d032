//! A load test of `dateline serve` on loopback: starts the server in-process on a free
//! port, then keeps CLIENTS connections busy with searches (top 10 with snippets)
//! for SECONDS, and prints searches per second and latency percentiles.
//!
//! cargo bench --bench serve -- --index DIR [--queries FILE] [--clients 8] [--seconds 10]
//!
//! A query line is `{"query": ..., "since": ..., "until": ...}` as for the search
//! bench; without a file, a few words of the sample corpus are used.

use anyhow::{bail, Context, Result};
use dateline::schema;
use serde::Deserialize;
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

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
}

fn args() -> Result<Args> {
    let mut parsed = Args {
        index: PathBuf::new(),
        queries: None,
        clients: 8,
        seconds: 10,
    };
    let mut index = None;
    let mut argv = std::env::args().skip(1);
    while let Some(arg) = argv.next() {
        let mut value = || argv.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--index" => index = Some(PathBuf::from(value()?)),
            "--queries" => parsed.queries = Some(PathBuf::from(value()?)),
            "--clients" => parsed.clients = value()?.parse().context("--clients takes a number")?,
            "--seconds" => parsed.seconds = value()?.parse().context("--seconds takes a number")?,
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

fn main() -> Result<()> {
    let args = args()?;
    let paths = paths(args.queries.as_ref())?;
    let index = schema::open(&args.index)?;
    let loopback = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    let (bound, address) = mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = std::thread::spawn(move || {
        dateline::serve::serve(
            index,
            dateline::serve::ServeOptions::new(loopback),
            move |addr| {
                let _ = bound.send(addr);
            },
            async move {
                let _ = stopped.await;
            },
        )
    });
    let base = format!(
        "http://{}",
        address.recv().context("the server did not start")?
    );

    let deadline = Instant::now() + Duration::from_secs(args.seconds);
    let started = Instant::now();
    let results: Vec<(Vec<f64>, usize)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..args.clients)
            .map(|client| {
                let (base, paths) = (&base, &paths);
                scope.spawn(move || {
                    let agent = ureq::Agent::new_with_defaults();
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
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_default())
            .collect()
    });
    let elapsed = started.elapsed().as_secs_f64();
    let _ = stop.send(());
    server
        .join()
        .map_err(|_| anyhow::anyhow!("the server thread failed"))??;

    let errors: usize = results.iter().map(|(_, e)| e).sum();
    let mut times: Vec<f64> = results.into_iter().flat_map(|(t, _)| t).collect();
    times.sort_by(f64::total_cmp);
    if times.is_empty() {
        bail!("no search was answered");
    }
    println!(
        "{} searches by {} clients in {elapsed:.1} s: {:.0} searches/s; latency median {:.2} ms, p95 {:.2} ms, p99 {:.2} ms; {errors} errors",
        times.len(),
        args.clients,
        times.len() as f64 / elapsed,
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        percentile(&times, 0.99),
    );
    Ok(())
}

//! In-process search latency: opens an index once and runs each query of a JSON-lines
//! file many times through the library, top 10 with snippets, as `dateline search`
//! does. Prints median, p95 and p99 over all runs, and writes every timing as JSON.
//!
//! cargo bench --bench search -- --index DIR --queries FILE [--runs N] [--out FILE]
//!
//! A query line is `{"name": ..., "query": ..., "since": ..., "until": ..., "sort": ...}`.

use anyhow::{bail, Context, Result};
use dateline::date::DateRange;
use dateline::{schema, SearchRequest, Searcher, SortOrder};
use serde::Deserialize;
use std::path::PathBuf;
use std::time::Instant;

#[derive(Deserialize)]
struct QuerySpec {
    name: String,
    query: String,
    since: Option<String>,
    until: Option<String>,
    sort: Option<String>,
}

struct Args {
    index: PathBuf,
    queries: PathBuf,
    runs: usize,
    out: Option<PathBuf>,
}

fn args() -> Result<Args> {
    let mut index = None;
    let mut queries = None;
    let mut runs = 20;
    let mut out = None;
    let mut argv = std::env::args().skip(1);
    while let Some(arg) = argv.next() {
        let mut value = || argv.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--index" => index = Some(PathBuf::from(value()?)),
            "--queries" => queries = Some(PathBuf::from(value()?)),
            "--runs" => runs = value()?.parse().context("--runs takes a number")?,
            "--out" => out = Some(PathBuf::from(value()?)),
            "--bench" => {}
            other => bail!("unknown argument {other}"),
        }
    }
    Ok(Args {
        index: index.context("--index DIR is required")?,
        queries: queries.context("--queries FILE is required")?,
        runs,
        out,
    })
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

fn main() -> Result<()> {
    let args = args()?;
    let searcher = Searcher::new(schema::open(&args.index)?)?;
    let text = std::fs::read_to_string(&args.queries)
        .with_context(|| format!("reading {}", args.queries.display()))?;
    let mut all = Vec::new();
    let mut per_query = serde_json::Map::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let spec: QuerySpec = serde_json::from_str(line).context("reading a query line")?;
        let request = SearchRequest {
            dates: DateRange::from_args(spec.since.as_deref(), spec.until.as_deref())?,
            sort: spec
                .sort
                .as_deref()
                .and_then(dateline::choice::parse::<SortOrder>)
                .unwrap_or_default(),
            ..SearchRequest::new(spec.query.as_str())
        };
        let warm = searcher.search(&request)?;
        let mut times = Vec::with_capacity(args.runs);
        for _ in 0..args.runs {
            let started = Instant::now();
            let results = searcher.search(&request)?;
            times.push(started.elapsed().as_secs_f64() * 1000.0);
            std::hint::black_box(results);
        }
        per_query.insert(
            spec.name,
            serde_json::json!({"total": warm.total, "ms": times}),
        );
        all.extend(times);
    }
    all.sort_by(f64::total_cmp);
    let summary = serde_json::json!({
        "median_ms": percentile(&all, 0.5),
        "p95_ms": percentile(&all, 0.95),
        "p99_ms": percentile(&all, 0.99),
        "runs": all.len(),
    });
    println!("{summary}");
    if let Some(out) = args.out {
        let report = serde_json::json!({"summary": summary, "queries": per_query});
        std::fs::write(&out, serde_json::to_string_pretty(&report)?)
            .with_context(|| format!("writing {}", out.display()))?;
    }
    Ok(())
}

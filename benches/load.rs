//! tantivy alone on dateline's schema and analyzer: loads already-cleaned articles
//! (the `clean.jsonl` of a benchmark corpus) into a new index with the writer, memory
//! budget and merge policy of `dateline index`, without reading pages, cleaning or
//! learning. Beside a full `dateline index` of the same corpus, it splits the time
//! into tantivy's own cost on our schema and the cost of everything before it.
//!
//! cargo bench --bench load -- --clean FILE --index DIR [--threads N] [--memory MIB]
//!
//! A line of the file is `{"id": ..., "title": ..., "body": ..., "date": ..., "path": ...}`.
//! Prints one JSON line: articles written and seconds taken, the commit and merges
//! included.

use anyhow::{bail, Context, Result};
use dateline::{date, indexer, schema, Article};
use serde::Deserialize;
use std::io::BufRead;
use std::path::PathBuf;
use std::time::Instant;

struct Args {
    clean: PathBuf,
    index: PathBuf,
    threads: usize,
    memory_mib: usize,
}

fn args() -> Result<Args> {
    let (mut clean, mut index, mut threads, mut memory_mib) = (None, None, 2, 1024);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} takes a value"));
        match arg.as_str() {
            "--clean" => clean = Some(PathBuf::from(value()?)),
            "--index" => index = Some(PathBuf::from(value()?)),
            "--threads" => threads = value()?.parse().context("--threads takes a number")?,
            "--memory" => memory_mib = value()?.parse().context("--memory takes MiB")?,
            "--bench" => {}
            other => bail!("unknown argument {other}"),
        }
    }
    Ok(Args {
        clean: clean.context("--clean FILE is required")?,
        index: index.context("--index DIR is required")?,
        threads,
        memory_mib,
    })
}

/// One line of `clean.jsonl`.
#[derive(Deserialize)]
struct Cleaned {
    id: u64,
    title: String,
    body: String,
    date: Option<String>,
    path: String,
}

impl From<Cleaned> for Article {
    fn from(cleaned: Cleaned) -> Article {
        Article {
            id: cleaned.id.to_string(),
            title: cleaned.title,
            body: cleaned.body,
            date: cleaned.date.as_deref().and_then(date::parse_published),
            date_from: None,
            place: None,
            source: None,
            site: None,
            url: None,
            path: cleaned.path,
            line: None,
            lang: None,
            published: None,
            captured: None,
        }
    }
}

fn main() -> Result<()> {
    let args = args()?;
    if args.index.exists() {
        bail!("{} exists: give a new folder", args.index.display());
    }
    let file = std::fs::File::open(&args.clean)
        .with_context(|| format!("opening {}", args.clean.display()))?;
    let started = Instant::now();
    let index = schema::open_or_create(&args.index)?;
    let mut failure = None;
    let articles = std::io::BufReader::new(file)
        .lines()
        .map_while(|line| {
            let parsed = line
                .context("reading the cleaned articles")
                .and_then(|line| Ok(serde_json::from_str::<Cleaned>(&line)?));
            parsed.map_err(|err| failure = Some(err)).ok()
        })
        .map(Article::from);
    let written = indexer::load_cleaned(&index, articles, args.threads, args.memory_mib << 20)?;
    if let Some(err) = failure {
        return Err(err);
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"articles": written, "seconds": seconds})
    );
    Ok(())
}

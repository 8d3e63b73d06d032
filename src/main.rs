//! The `dateline` binary: parses the command line, runs the library, prints, and picks
//! the exit code (0 found or done, 1 nothing found or some files failed, 2 error).

use anyhow::{Context, Result};
use clap::Parser;
use dateline::cli::{
    CleanArgs, Cli, ColorChoice, Command, EvaluateArgs, IndexArgs, SearchArgs, StatsArgs,
};
use dateline::indexer::{Event, IndexOptions};
use dateline::output::{self, Style};
use dateline::{ingest, schema, stats, Searcher};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

/// Files from which an index run shows a progress bar on a terminal.
const PROGRESS_FROM_FILES: usize = 200;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(err),
    };
    let result = match cli.command {
        Command::Index(args) => run_index(args),
        Command::Search(args) => run_search(args),
        Command::Stats(args) => run_stats(args),
        Command::Clean(args) => run_clean(args),
        Command::Evaluate(args) => run_evaluate(args),
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("dateline: {err:#}");
            ExitCode::from(2)
        }
    }
}

/// Prints help and version as clap does, and argument errors on one line.
fn usage_error(err: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        err.kind(),
        ErrorKind::DisplayHelp
            | ErrorKind::DisplayVersion
            | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return if err.use_stderr() {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    let text = err.render().to_string();
    let parts: Vec<&str> = text
        .lines()
        .map(|line| line.trim().trim_start_matches("error: "))
        .filter(|line| {
            !line.is_empty()
                && !line.starts_with("For more information")
                && !line.starts_with("Usage:")
        })
        .collect();
    let mut message = String::new();
    for part in parts {
        if !message.is_empty() {
            message.push_str(if message.ends_with(':') { " " } else { "; " });
        }
        message.push_str(part);
    }
    eprintln!("dateline: {message} (see dateline --help)");
    ExitCode::from(2)
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

fn run_index(args: IndexArgs) -> Result<ExitCode> {
    dateline::indexer::resolve_roots(&args.paths)?;
    let index = schema::open_or_create(&args.location.index)?;
    let defaults = IndexOptions::default();
    let options = IndexOptions {
        threads: args.threads.map_or(defaults.threads, usize::from),
        memory_bytes: usize::try_from(args.memory << 20).unwrap_or(usize::MAX),
    };
    let show_progress = !args.quiet && io::stderr().is_terminal();
    let mut bar: Option<ProgressBar> = None;
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = |path: &std::path::Path| {
        output::sanitize(&output::display_path(&path.to_string_lossy(), &cwd)).into_owned()
    };
    let mut observer = |event: Event| {
        let say = |line: String| match &bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        };
        match event {
            Event::Phase(name, files) => {
                if let Some(done) = bar.take() {
                    done.finish_and_clear();
                }
                if show_progress && files >= PROGRESS_FROM_FILES {
                    let progress = ProgressBar::new(files as u64);
                    progress.set_style(
                        ProgressStyle::with_template(
                            "{prefix:>8} {bar:40} {human_pos}/{human_len} files, {elapsed} elapsed, eta {eta}",
                        )
                        .unwrap_or_else(|_| ProgressStyle::default_bar()),
                    );
                    progress.set_prefix(name);
                    bar = Some(progress);
                }
            }
            Event::Done => {
                if let Some(bar) = &bar {
                    bar.inc(1);
                }
            }
            Event::Failed(path, reason) => say(format!(
                "dateline: skipping {}: {}",
                shown(path),
                output::sanitize(reason)
            )),
            Event::Problem(path, problem) => say(format!(
                "dateline: {}: {}",
                shown(path),
                output::sanitize(problem)
            )),
            Event::Note(path, note) if args.verbose => say(format!(
                "dateline: note: {}: {}",
                shown(path),
                output::sanitize(note)
            )),
            Event::Skipped(path) if args.verbose => {
                say(format!("dateline: not an article file: {}", shown(path)))
            }
            Event::Note(..) | Event::Skipped(_) => {}
        }
    };
    let run = dateline::index_paths(&index, &args.paths, options, &mut observer);
    if let Some(bar) = bar.take() {
        bar.finish_and_clear();
    }
    let stats = run?;
    if !args.quiet {
        eprintln!("{}", output::index_summary(&stats));
    }
    Ok(if stats.had_failures() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_search(args: SearchArgs) -> Result<ExitCode> {
    let request = args.request()?;
    let index = schema::open(&args.location.index)?;
    let results = Searcher::new(index)?.search(&request)?;
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        output::search_json(&mut out, &results, &cwd)
    } else {
        let style = Style {
            color: use_color(args.color),
        };
        output::search_human(&mut out, &results, style, &cwd)
    }
    .and_then(|()| out.flush())
    .context("writing results")?;
    Ok(if results.total > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
        }
    }
}

fn run_stats(args: StatsArgs) -> Result<ExitCode> {
    let index = schema::open(&args.location.index)?;
    let stats = stats::collect(&index)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        output::stats_json(&mut out, &stats)
    } else {
        output::stats_human(&mut out, &stats)
    }
    .and_then(|()| out.flush())
    .context("writing statistics")?;
    Ok(ExitCode::SUCCESS)
}

fn run_evaluate(args: EvaluateArgs) -> Result<ExitCode> {
    let expected = dateline::evaluate::read_expected(&args.expected)?;
    let report = dateline::evaluate::evaluate(&args.corpus, &expected)?;
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        output::evaluation_human(&mut out, &report)
    }
    .and_then(|()| out.flush())
    .context("writing the evaluation")?;
    Ok(ExitCode::SUCCESS)
}

fn run_clean(args: CleanArgs) -> Result<ExitCode> {
    let (learned, source) = if args.location.index.exists() {
        let index = schema::open(&args.location.index)?;
        (
            Some(dateline::indexer::learned_from_index(&index)?),
            dateline::indexer::indexed_source(&index, &args.file)?,
        )
    } else {
        (None, None)
    };
    let parsed = ingest::read_one(&args.file, learned.as_ref(), source.as_deref())?;
    for problem in &parsed.problems {
        eprintln!(
            "dateline: {}: {}",
            args.file.display(),
            output::sanitize(problem)
        );
    }
    for note in &parsed.notes {
        eprintln!(
            "dateline: note: {}: {}",
            args.file.display(),
            output::sanitize(note)
        );
    }
    let several = matches!(
        ingest::Format::of(&args.file),
        Some(ingest::Format::JsonLines)
    ) || parsed.articles.len() > 1;
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        output::clean_json(&mut out, &parsed.articles, several)
    } else {
        let style = Style {
            color: use_color(ColorChoice::Auto),
        };
        output::clean_human(&mut out, &args.file, &parsed.articles, style)
    }
    .and_then(|()| out.flush())
    .context("writing the cleaned article")?;
    Ok(if parsed.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

//! The `dateline` binary: parses the command line, runs the library, prints, and picks
//! the exit code (0 found or done, 1 nothing found or some files failed, 2 error).

use anyhow::{Context, Result};
use clap::Parser;
use dateline::cli::{
    CleanArgs, Cli, ColorChoice, Command, EvaluateArgs, IndexArgs, SearchArgs, ServeArgs, StatsArgs,
};
use dateline::indexer::{Event, IndexOptions};
use dateline::output::{self, Style};
use dateline::{ingest, schema, stats, Searcher};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

/// mimalloc returns freed memory to the system and fragments less than the system
/// allocator under the index run's many threads, which keeps the run's peak memory
/// within its budget. It is built without transparent huge pages (`no_thp`), which
/// would make whole 2 MiB pages of its arenas resident.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Files from which an index run shows a progress bar on a terminal.
const PROGRESS_FROM_FILES: usize = 200;

fn main() -> ExitCode {
    // A panic while reading a damaged index is caught and reported as damage, in one
    // line; any other keeps Rust's report.
    let report = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !schema::guarding() {
            report(info);
        }
    }));
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
        Command::Show(args) => run_show(args),
        Command::Export(args) => run_export(args),
        Command::Push(args) => run_push(args),
        Command::Completions(args) => run_completions(args),
        Command::Serve(args) => run_serve(args),
    };
    match result {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!(
                "dateline: {}",
                output::message(&dateline::cli::describe(&err))
            );
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
    eprintln!(
        "dateline: {} (see dateline --help)",
        output::message(&message)
    );
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
    if args.rebuild {
        schema::clear(&args.location.index)?;
    }
    let index = schema::open_or_create(&args.location.index)?;
    let defaults = IndexOptions::default();
    let options = IndexOptions {
        threads: args.threads.map_or(defaults.threads, usize::from),
        memory_bytes: usize::try_from(args.memory << 20).unwrap_or(usize::MAX),
        follow_links: args.follow_links,
        undated_use_captured: args.undated_use_captured,
    };
    let show_progress = !args.quiet && io::stderr().is_terminal();
    let mut bar: Option<ProgressBar> = None;
    let cwd = std::env::current_dir().unwrap_or_default();
    let shown = |path: &std::path::Path| {
        output::sanitize(&dateline::view::display_path(&path.to_string_lossy(), &cwd)).into_owned()
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
            Event::Link(path) if args.verbose => say(format!(
                "dateline: not following the symbolic link {} (--follow-links follows links)",
                shown(path)
            )),
            Event::Note(..) | Event::Skipped(_) | Event::Link(_) => {}
        }
    };
    let run = dateline::index_paths(&index, &args.paths, options, &mut observer);
    if let Some(bar) = bar.take() {
        bar.finish_and_clear();
    }
    let stats = run?;
    if args.json {
        let mut out = io::stdout().lock();
        output::index_json(&mut out, &stats).context("writing the summary")?;
    } else if !args.quiet {
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
    let results = match &args.engine {
        Some(engine) => {
            let target = dateline::cluster::Target::parse(engine)?;
            dateline::engine::search(&target, &request)?
        }
        None => {
            let index = schema::open(&args.location.index)?;
            Searcher::new(index)?.search(&request)?
        }
    };
    if !args.json {
        for note in &results.notes {
            eprintln!("dateline: note: {}", output::sanitize(note));
        }
    }
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

fn run_serve(args: ServeArgs) -> Result<ExitCode> {
    let index = schema::open(&args.location.index)?;
    let shown = args.location.index.display().to_string();
    let engine = args
        .engine
        .as_deref()
        .map(dateline::cluster::Target::parse)
        .transpose()?;
    let options = dateline::serve::ServeOptions {
        log_requests: args.verbose,
        allowed_hosts: args.allow_host,
        engine,
        ..dateline::serve::ServeOptions::new(args.addr)
    };
    let quiet = args.quiet;
    dateline::serve::serve(
        index,
        options,
        |addr| {
            if !quiet {
                // On stdout and flushed at once, so that a script can read the address.
                println!("serving {} on http://{addr}/", output::sanitize(&shown));
                let _ = io::stdout().flush();
            }
        },
        stop_signal(),
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Completes on Ctrl-C (SIGINT) or, on Unix, SIGTERM. Must be polled inside the
/// server's runtime: its first poll installs the handlers.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let Ok(mut terminate) = signal(SignalKind::terminate()) else {
            let _ = tokio::signal::ctrl_c().await;
            return;
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
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
    let (learned, indexed) = if args.location.index.exists() {
        let index = schema::open(&args.location.index)?;
        (
            Some(dateline::indexer::learned_from_index(&index)?),
            Searcher::new(index)?.file(&args.file)?,
        )
    } else {
        (None, None)
    };
    let parsed = ingest::read_one(
        &args.file,
        learned.as_ref(),
        indexed.as_ref(),
        args.undated_use_captured,
    )?;
    for problem in &parsed.problems {
        eprintln!(
            "dateline: {}",
            output::message(&format!("{}: {problem}", args.file.display()))
        );
    }
    for note in &parsed.notes {
        eprintln!(
            "dateline: note: {}",
            output::message(&format!("{}: {note}", args.file.display()))
        );
    }
    let several = matches!(
        ingest::Format::of(&args.file),
        Some(ingest::Format::JsonLines | ingest::Format::Warc)
    ) || parsed.articles.len() > 1;
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        output::clean_json(&mut out, &parsed.articles, several, &cwd)
    } else {
        let style = Style {
            color: use_color(ColorChoice::Auto),
        };
        output::clean_human(&mut out, &parsed.articles, style, &cwd)
    }
    .and_then(|()| out.flush())
    .context("writing the cleaned article")?;
    Ok(if parsed.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_show(args: dateline::cli::ShowArgs) -> Result<ExitCode> {
    let index = schema::open(&args.location.index)?;
    let Some(article) = Searcher::new(index)?.article(&args.id)? else {
        anyhow::bail!(
            "no article with id `{}` in the index at {}",
            output::sanitize(&args.id),
            args.location.index.display()
        );
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut out = io::BufWriter::new(io::stdout().lock());
    if args.json {
        output::article_json(&mut out, &article, &cwd, None)
    } else {
        let style = Style {
            color: use_color(ColorChoice::Auto),
        };
        output::article_human(&mut out, &article, style, &cwd)
    }
    .and_then(|()| out.flush())
    .context("writing the article")?;
    Ok(ExitCode::SUCCESS)
}

fn run_push(args: dateline::cli::PushArgs) -> Result<ExitCode> {
    use dateline::push;
    let target = dateline::cluster::Target::parse(&args.target)?;
    let index = schema::open(&args.location.index)?;
    let dir = index.dir.clone();
    let searcher = Searcher::new(index)?;
    let options = push::PushOptions {
        batch_bytes: usize::try_from(args.batch_mib << 20).unwrap_or(usize::MAX),
        retries: args.retries,
    };
    let report = push::push(&searcher, &dir, &target, options)?;
    for refused in &report.refused {
        eprintln!(
            "dateline: {}",
            output::message(&format!(
                "{} refused article {}: {}",
                target.shown(),
                refused.id,
                refused.reason
            ))
        );
    }
    if args.json {
        let mut out = io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &report)
            .map_err(io::Error::from)
            .and_then(|()| writeln!(out))
            .context("writing the push's summary")?;
    } else if !args.quiet {
        eprintln!(
            "{}: {} sent, {} deleted, {} unchanged, {} refused{}",
            target.shown(),
            report.sent,
            report.deleted,
            report.unchanged,
            report.refused.len(),
            if report.created_index {
                " (index created with the mapping)"
            } else {
                ""
            }
        );
    }
    Ok(if report.refused.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_export(args: dateline::cli::ExportArgs) -> Result<ExitCode> {
    use dateline::export;
    let engine = args.engine();
    export::check_name(&args.name)?;
    if args.out.is_some() && args.out == args.mapping {
        anyhow::bail!("--out and --mapping name the same file: give each its own");
    }
    let index = schema::open(&args.location.index)?;
    for path in [&args.out, &args.mapping].into_iter().flatten() {
        let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
        let folder = folder.unwrap_or(std::path::Path::new(".")).canonicalize();
        if folder.is_ok_and(|f| index.dir.canonicalize().is_ok_and(|dir| dir == f)) {
            anyhow::bail!(
                "{} is in the index folder {}: write the export elsewhere",
                path.display(),
                index.dir.display()
            );
        }
    }
    let searcher = Searcher::new(index)?;
    let shown = |path: &std::path::Path| output::sanitize(&path.to_string_lossy()).into_owned();
    let mut settings = args
        .mapping
        .as_deref()
        .map(export::ExportFile::create)
        .transpose()?;
    if let (Some(file), Some(path)) = (&mut settings, &args.mapping) {
        export::write_settings(engine, &args.name, file.writer())
            .with_context(|| format!("writing {}", shown(path)))?;
    }
    let mut documents = args
        .out
        .as_deref()
        .map(export::ExportFile::create)
        .transpose()?;
    let target = args
        .out
        .as_deref()
        .map_or_else(|| "standard output".to_string(), shown);
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    let sink: &mut dyn Write = match &mut documents {
        Some(file) => file.writer(),
        None => &mut stdout,
    };
    let mut exporter = export::Exporter::new(engine, &args.name, sink)?;
    let written = searcher.for_each_article(|article| {
        exporter
            .write(&article)
            .with_context(|| format!("writing {target}"))
    })?;
    exporter
        .finish()
        .with_context(|| format!("writing {target}"))?;
    for file in [documents, settings].into_iter().flatten() {
        file.finish()?;
    }
    let mut summary = format!(
        "{written} article{} written for {} to {target}",
        if written == 1 { "" } else { "s" },
        engine.label()
    );
    if let Some(path) = &args.mapping {
        summary.push_str(&format!(
            ", the {} to {}",
            engine.settings_label(),
            shown(path)
        ));
    }
    if !args.quiet {
        eprintln!("{summary}");
    }
    Ok(if written > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn run_completions(args: dateline::cli::CompletionsArgs) -> Result<ExitCode> {
    use clap::CommandFactory;
    // Generated in memory first: the generator cannot report a write error (a closed pipe).
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "dateline", &mut script);
    let mut out = io::stdout().lock();
    out.write_all(&script)
        .and_then(|()| out.flush())
        .context("writing the completion script")?;
    Ok(ExitCode::SUCCESS)
}

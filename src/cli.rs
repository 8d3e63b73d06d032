//! The command line: clap types only, each turned into a plain library request.

use crate::date::DateRange;
use crate::error::{IndexError, RequestError};
use crate::histogram::Period;
use crate::search::{MatchMode, SearchRequest, SortOrder};
use anyhow::Result;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// What `--version` prints after the name: the crate version and the index format this
/// build reads and writes ([`crate::schema::FORMAT_VERSION`], kept equal by a test).
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (index format 11)");

/// Fast local full-text search for folders of scraped news articles.
#[derive(Debug, Parser)]
#[command(name = "dateline", version = VERSION, about, max_term_width = 100)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean the articles under PATH... and load them into the index (incremental).
    Index(IndexArgs),
    /// Search the index: words, "phrases", OR, -word, title:word, or * for everything.
    Search(SearchArgs),
    /// Show what the index holds: counts per year and per source, dates, size.
    Stats(StatsArgs),
    /// Show what the cleaner makes of one file: metadata, body and every dropped line.
    Clean(CleanArgs),
    /// Measure extraction on a labeled corpus: title and date accuracy, story precision and recall.
    Evaluate(EvaluateArgs),
    /// Show one indexed article by its id: metadata and the cleaned body.
    Show(ShowArgs),
    /// Write the index for Elasticsearch/OpenSearch (_bulk lines) or Quickwit (NDJSON).
    Export(ExportArgs),
    /// Send the articles to an Elasticsearch/OpenSearch index, only what changed since
    /// the last push there.
    Push(PushArgs),
    /// Print a completion script for a shell.
    Completions(CompletionsArgs),
    /// Serve the index over HTTP: a JSON API and a search page.
    Serve(ServeArgs),
}

/// `dateline serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub location: IndexLocation,
    /// Address to listen on; loopback by default, port 0 for any free port.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7878")]
    pub addr: std::net::SocketAddr,
    /// Also answer requests for this host name or address (repeatable); loopback
    /// names and the address listened on are always answered, others get a 403.
    #[arg(long = "allow-host", value_name = "NAME")]
    pub allow_host: Vec<crate::serve::HostName>,
    /// Also log each request on standard error: method, path, status and time taken.
    #[arg(long, short, conflicts_with = "quiet")]
    pub verbose: bool,
    /// Print nothing but errors (not even the address served).
    #[arg(long, short)]
    pub quiet: bool,
    /// Answer searches and articles from a cluster's index that `dateline push`
    /// filled: URL/INDEX (statistics still come from the local index).
    #[arg(long, value_name = "URL/INDEX")]
    pub engine: Option<String>,
}

/// `dateline evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The folder of article files.
    #[arg(value_name = "CORPUS")]
    pub corpus: PathBuf,
    /// JSON lines of {"file", "title", "date", "lang", "text"}, one per article file.
    #[arg(long, value_name = "FILE")]
    pub expected: PathBuf,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// Where the index lives.
#[derive(Debug, Args)]
pub struct IndexLocation {
    /// Index folder [default: $DATELINE_INDEX, else .dateline]
    #[arg(
        long,
        value_name = "DIR",
        env = "DATELINE_INDEX",
        default_value = ".dateline",
        hide_default_value = true,
        hide_env = true
    )]
    pub index: PathBuf,
}

/// `dateline index`.
#[derive(Debug, Args)]
pub struct IndexArgs {
    /// Files or folders of articles (.txt .text .md .html .htm .jsonl .ndjson .json
    /// .warc .warc.gz).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub location: IndexLocation,
    /// Worker threads [default: number of cores]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256))]
    pub threads: Option<u16>,
    /// Remove the index's own files first and build it afresh (for a damaged index;
    /// other files in its folder are left alone).
    #[arg(long)]
    pub rebuild: bool,
    /// Follow symbolic links (by default they are skipped, and listed with --verbose).
    #[arg(long)]
    pub follow_links: bool,
    /// Date a page of a web archive that states no date of its own by the day it was
    /// captured (its date then says `from captured`).
    #[arg(long)]
    pub undated_use_captured: bool,
    /// Memory budget of the run in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(64..=65536))]
    pub memory: u64,
    /// Also list skipped files and notes (unreadable dates, undecodable bytes).
    #[arg(long, short)]
    pub verbose: bool,
    /// Print only errors: no progress bar, no summary.
    #[arg(long, short, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Print the run's summary as one JSON object on standard output instead of a
    /// line on standard error.
    #[arg(long, conflicts_with = "quiet")]
    pub json: bool,
}

/// `dateline search`.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// The query; several words are joined (all are required unless OR is used).
    /// Quote a query that excludes words: "drought -railway".
    #[arg(required = true, value_name = "QUERY")]
    pub query: Vec<String>,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub location: IndexLocation,
    /// Only articles published on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles published on or before DATE (YYYY, YYYY-MM or YYYY-MM-DD; whole periods).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Hits to show.
    #[arg(
        long,
        short = 'n',
        value_name = "N",
        default_value_t = 10,
        allow_negative_numbers = true
    )]
    pub limit: usize,
    /// Hits to skip (for the next page).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        allow_negative_numbers = true
    )]
    pub offset: usize,
    /// Order of hits.
    #[arg(long, value_enum, default_value_t = SortOrder::Relevance)]
    pub sort: SortOrder,
    /// Which articles a query of several words lists.
    #[arg(long = "match", value_enum, value_name = "MODE", default_value_t = MatchMode::Best)]
    pub matching: MatchMode,
    /// Also count every match per calendar year, month or day.
    #[arg(long, value_enum, value_name = "PERIOD")]
    pub histogram: Option<Period>,
    /// Show every copy of a story as a hit of its own (by default a story saved or
    /// republished several times is shown once, by its best-ranked copy).
    #[arg(long)]
    pub all_copies: bool,
    /// Search a cluster's index that `dateline push` filled instead of the local
    /// index: URL/INDEX, such as http://127.0.0.1:9200/news.
    #[arg(long, value_name = "URL/INDEX")]
    pub engine: Option<String>,
    /// Print one JSON object instead of text.
    #[arg(long)]
    pub json: bool,
    /// Bold highlights: auto (on a terminal, unless NO_COLOR is set), always or never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

/// `--color` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour on a terminal unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// `dateline stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub location: IndexLocation,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `dateline clean`.
#[derive(Debug, Args)]
pub struct CleanArgs {
    /// The article file to clean.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// An index of the corpus the file belongs to, for the boilerplate learned from it
    /// (used when it exists) [default: $DATELINE_INDEX, else .dateline]
    #[command(flatten)]
    pub location: IndexLocation,
    /// Print JSON instead of text (an array for files of several articles).
    #[arg(long)]
    pub json: bool,
    /// Date a page of a web archive that states no date of its own by the day it was
    /// captured, as `dateline index --undated-use-captured` does.
    #[arg(long)]
    pub undated_use_captured: bool,
}

/// `dateline show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// The article's id, as `dateline search --json` shows it.
    #[arg(value_name = "ID")]
    pub id: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub location: IndexLocation,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `dateline export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The engine to write for.
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub format: ExportFormat,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub location: IndexLocation,
    /// Write the documents to FILE instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Also write what the engine needs first to FILE: Elasticsearch's mapping (JSON) or
    /// Quickwit's index config (YAML).
    #[arg(long, visible_alias = "config", value_name = "FILE")]
    pub mapping: Option<PathBuf>,
    /// The index name (Elasticsearch) or index id (Quickwit).
    #[arg(long, value_name = "NAME", default_value = crate::export::DEFAULT_NAME)]
    pub name: String,
    /// Print only errors: no summary line.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `dateline push`.
#[derive(Debug, Args)]
pub struct PushArgs {
    /// The cluster's index: URL/INDEX, such as http://127.0.0.1:9200/news
    /// (user:password@ before the host for basic authentication).
    #[arg(value_name = "URL/INDEX")]
    pub target: String,
    #[command(flatten)]
    #[allow(missing_docs)]
    pub location: IndexLocation,
    /// The most MiB of one _bulk request.
    #[arg(long, value_name = "MIB", default_value_t = 5, value_parser = clap::value_parser!(u64).range(1..=100))]
    pub batch_mib: u64,
    /// How many times a request the cluster cannot take (429, 5xx, no answer) is sent
    /// again, waiting twice as long each time from half a second.
    #[arg(long, value_name = "N", default_value_t = 6, value_parser = clap::value_parser!(u32).range(0..=20))]
    pub retries: u32,
    /// Print the push's summary as one JSON object on standard output.
    #[arg(long)]
    pub json: bool,
    /// Print only errors: no summary line.
    #[arg(long, short, conflicts_with = "json")]
    pub quiet: bool,
}

/// `--format` values of `dateline export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Elasticsearch or OpenSearch `_bulk` NDJSON.
    Elasticsearch,
    /// Quickwit NDJSON.
    Quickwit,
}

impl ExportArgs {
    /// The engine these arguments ask for.
    pub fn engine(&self) -> crate::export::Engine {
        match self.format {
            ExportFormat::Elasticsearch => crate::export::Engine::Elasticsearch,
            ExportFormat::Quickwit => crate::export::Engine::Quickwit,
        }
    }
}

/// `dateline completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete dateline's commands and options in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
}

impl SearchArgs {
    /// The library request these arguments ask for.
    pub fn request(&self) -> Result<SearchRequest> {
        Ok(SearchRequest {
            query: self.query.join(" "),
            dates: DateRange::from_args(self.since.as_deref(), self.until.as_deref())?,
            limit: self.limit,
            offset: self.offset,
            sort: self.sort,
            matching: self.matching,
            histogram: self.histogram,
            all_copies: self.all_copies,
        })
    }
}

/// An error as the command line words it: its causes from the outermost in, the
/// typed ones naming the flags and commands to use.
pub fn describe(err: &anyhow::Error) -> String {
    let causes: Vec<String> = err
        .chain()
        .map(|cause| {
            if let Some(request) = cause.downcast_ref::<RequestError>() {
                request.worded(|name| format!("--{name}"))
            } else if let Some(index) = cause.downcast_ref::<IndexError>() {
                index_message(index)
            } else {
                cause.to_string()
            }
        })
        .collect();
    causes.join(": ")
}

fn index_message(err: &IndexError) -> String {
    let point = "point --index (or DATELINE_INDEX) at one";
    let rebuild = |dir: &std::path::Path| {
        format!(
            "rebuild it with `dateline index --rebuild PATH... --index {}`",
            dir.display()
        )
    };
    match err {
        IndexError::Missing(_) => format!("{err}: run `dateline index PATH` first, or {point}"),
        IndexError::NotDateline(_) => format!("{err}: {point}"),
        IndexError::Foreign(_) => format!("{err}; choose another --index or empty that folder"),
        IndexError::NeverCommitted(_) => format!("{err}: run `dateline index PATH` to build it"),
        IndexError::OtherFormat { dir, .. } | IndexError::Damaged { dir, .. } => {
            format!("{err}: {}", rebuild(dir))
        }
        IndexError::InUse(dir) => format!(
            "the index at {} is in use by another `dateline index`; wait for it to finish",
            dir.display()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn exclusions_and_flags_after_the_query() {
        let cli = Cli::try_parse_from(["dateline", "search", "drought -railway", "--limit", "3"])
            .unwrap();
        let Command::Search(args) = cli.command else {
            panic!("not search")
        };
        let request = args.request().unwrap();
        assert_eq!(request.query, "drought -railway");
        assert_eq!(request.limit, 3);
        let cli =
            Cli::try_parse_from(["dateline", "search", "Tengri", "Copper", "-n", "2"]).unwrap();
        let Command::Search(args) = cli.command else {
            panic!("not search")
        };
        assert_eq!(args.request().unwrap().query, "Tengri Copper");
    }

    #[test]
    fn the_version_names_the_index_format() {
        let format = format!(" (index format {})", crate::schema::FORMAT_VERSION);
        assert!(VERSION.ends_with(&format), "{VERSION}");
        assert!(VERSION.starts_with(env!("CARGO_PKG_VERSION")));
    }

    #[test]
    fn export_needs_a_format_and_names_dateline_by_default() {
        let cli = Cli::try_parse_from(["dateline", "export", "--format", "quickwit"]).unwrap();
        let Command::Export(args) = cli.command else {
            panic!("not export")
        };
        assert_eq!(args.engine(), crate::export::Engine::Quickwit);
        assert_eq!(args.name, "dateline");
        assert!(Cli::try_parse_from(["dateline", "export"]).is_err());
    }
}

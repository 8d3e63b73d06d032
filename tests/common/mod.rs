//! Helpers shared by the integration tests: a temporary folder to build corpora and
//! indexes in, a way to run the real `dateline` binary there with a cleared
//! environment, and parsers for what it prints.
#![allow(dead_code)]
// Helpers of tests: a failed step fails the test that called it.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)]

mod process;

pub use process::Limit;

use assert_cmd::Command;
use serde::Deserialize;
use std::ffi::OsStr;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;
use tempfile::TempDir;

/// Longest any single run of the binary may take before the test fails.
const TIMEOUT: Duration = Duration::from_secs(60);

/// The sample corpus shipped with the crate.
pub fn sample_corpus_source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-corpus")
}

/// `dateline` as a process with a cleared environment, run in `dir`, under `limits`.
pub fn dateline_in(dir: &Path, limits: &[Limit]) -> std::process::Command {
    let mut cmd = process::under_limits(Path::new(env!("CARGO_BIN_EXE_dateline")), limits);
    cmd.env_clear().current_dir(dir);
    cmd
}

/// Copies the directory tree `from` to `to` (created if needed).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("creating {}: {e}", to.display()));
    let entries = fs::read_dir(from).unwrap_or_else(|e| panic!("reading {}: {e}", from.display()));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| panic!("reading {}: {e}", from.display()));
        let target = to.join(entry.file_name());
        let kind = entry.file_type().expect("file type");
        if kind.is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target)
                .unwrap_or_else(|e| panic!("copying {}: {e}", entry.path().display()));
        }
    }
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Run {
    /// The exit code (-1 if killed by a signal).
    pub code: i32,
    /// Standard output, as text.
    pub stdout: String,
    /// Standard output, as bytes.
    pub stdout_bytes: Vec<u8>,
    /// Standard error, as text.
    pub stderr: String,
}

impl Run {
    /// Panics with the whole run shown unless the exit code is `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(self.code, code, "unexpected exit code; run: {self:#?}");
        self
    }

    /// The lines of standard error.
    pub fn stderr_lines(&self) -> Vec<&str> {
        self.stderr.lines().collect()
    }

    /// Checks that standard error is exactly one line starting with `dateline: ` and
    /// returns it.
    #[track_caller]
    pub fn single_error_line(&self) -> &str {
        let lines = self.stderr_lines();
        assert_eq!(
            lines.len(),
            1,
            "expected one line on stderr; run: {self:#?}"
        );
        assert!(
            lines[0].starts_with("dateline: "),
            "stderr should start with `dateline: `; run: {self:#?}"
        );
        lines[0]
    }

    /// The summary of an index run run with `--json` (standard output).
    #[track_caller]
    pub fn summary(&self) -> Summary {
        let mut summary: Summary = serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("no JSON summary on stdout ({e}); run: {self:#?}"));
        summary.line = self.stdout.trim().to_string();
        summary
    }
}

/// The summary of `dateline index --json`.
#[derive(Debug, Default, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// The summary as printed, for messages.
    #[serde(skip)]
    pub line: String,
    pub files: usize,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub recleaned: usize,
    pub removed: usize,
    pub skipped: usize,
    pub failed: usize,
    /// Unreadable parts (JSON lines, array items, manifest lines).
    #[serde(rename = "unreadable_parts")]
    pub unreadable: usize,
    pub articles: usize,
    pub undated: usize,
    pub learned_lines: usize,
    pub seconds: f64,
}

/// Search results as `dateline search --json` prints them.
#[derive(Debug, Clone, Deserialize)]
pub struct Results {
    pub query: String,
    pub total: usize,
    pub total_all: usize,
    /// Stories among the articles listed, when the index groups copies.
    #[serde(default)]
    pub stories: Option<usize>,
    #[serde(default)]
    pub notes: Vec<String>,
    #[serde(default)]
    pub undated_left_out: Option<usize>,
    pub hits: Vec<Hit>,
    /// Matches per period, with `--histogram`.
    #[serde(default)]
    pub histogram: Option<Vec<PeriodCount>>,
}

/// One row of `--histogram`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PeriodCount {
    pub period: String,
    pub count: usize,
}

/// One hit of `dateline search --json`.
#[derive(Debug, Clone, Deserialize)]
pub struct Hit {
    pub rank: usize,
    pub score: Option<f64>,
    pub id: String,
    pub title: String,
    pub date: Option<String>,
    #[serde(default)]
    pub date_from: Option<String>,
    /// When a web archive captured the page.
    #[serde(default)]
    pub captured: Option<String>,
    pub source: Option<String>,
    pub site: Option<String>,
    pub url: Option<String>,
    pub place: Option<String>,
    pub path: String,
    #[serde(default)]
    pub line: Option<u64>,
    pub snippet: String,
    pub highlights: Vec<[usize; 2]>,
    /// The other copies of its story.
    #[serde(default)]
    pub copies: Vec<Copy>,
}

/// A copy of a hit's story, as `dateline search --json` lists it.
#[derive(Debug, Clone, Deserialize)]
pub struct Copy {
    pub id: String,
    pub title: String,
    pub source: Option<String>,
    pub date: Option<String>,
    pub url: Option<String>,
}

impl Hit {
    /// The highlighted pieces of the snippet (panics on ranges that are not valid
    /// byte ranges on character boundaries).
    #[track_caller]
    pub fn highlighted(&self) -> Vec<&str> {
        self.highlights
            .iter()
            .map(|&[start, end]| {
                self.snippet.get(start..end).unwrap_or_else(|| {
                    panic!(
                        "highlight {start}..{end} is not a valid range of the snippet {:?}",
                        self.snippet
                    )
                })
            })
            .collect()
    }
}

/// A folder in which corpora and indexes are built and `dateline` is run: temporary,
/// or kept under cargo's folder for test files when one index serves many tests.
pub struct Sandbox {
    dir: PathBuf,
    /// The temporary folder, removed when the sandbox is dropped.
    _temp: Option<TempDir>,
}

impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

impl Sandbox {
    /// A new, empty sandbox.
    pub fn new() -> Sandbox {
        let temp = tempfile::Builder::new()
            .prefix("dateline-test")
            .tempdir()
            .expect("creating a temporary folder");
        Sandbox {
            dir: temp.path().to_path_buf(),
            _temp: Some(temp),
        }
    }

    /// An empty sandbox named `name` under cargo's folder for test files, which
    /// outlives the test run: for a corpus indexed once and searched by many tests
    /// of one binary (a `static` is never dropped, so a temporary folder would stay
    /// behind in the system's).
    pub fn kept(name: &str) -> Sandbox {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
        if dir.exists() {
            fs::remove_dir_all(&dir).unwrap_or_else(|e| panic!("emptying {}: {e}", dir.display()));
        }
        fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("creating {}: {e}", dir.display()));
        Sandbox { dir, _temp: None }
    }

    /// The sandbox folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// `rel` inside the sandbox.
    pub fn join(&self, rel: impl AsRef<Path>) -> PathBuf {
        self.path().join(rel)
    }

    /// The index folder the tests use by default.
    pub fn index_dir(&self) -> PathBuf {
        self.join("index")
    }

    /// Writes `contents` to `rel` inside the sandbox, creating folders; returns the path.
    pub fn write(&self, rel: impl AsRef<Path>, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("creating a folder");
        }
        fs::write(&path, contents).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
        path
    }

    /// Copies the crate's sample corpus into the sandbox; returns the copy's path.
    pub fn copy_sample_corpus(&self) -> PathBuf {
        let to = self.join("sample-corpus");
        copy_dir(&sample_corpus_source(), &to);
        to
    }

    /// `dateline` as a process to start and watch (a server, runs that race), with a
    /// cleared environment, in the sandbox folder, under `limits`; [`Sandbox::command`]
    /// is for runs the test waits for.
    pub fn process(&self, limits: &[Limit]) -> std::process::Command {
        dateline_in(self.path(), limits)
    }

    /// The `dateline` binary with a cleared environment, run in the sandbox folder.
    pub fn command(&self) -> Command {
        let mut cmd = Command::cargo_bin("dateline").expect("the dateline binary");
        cmd.env_clear().current_dir(self.path()).timeout(TIMEOUT);
        cmd
    }

    /// Runs a prepared command and collects what it did.
    pub fn finish(cmd: &mut Command) -> Run {
        let output = cmd.output().expect("running dateline");
        Run {
            code: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stdout_bytes: output.stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    /// Runs `dateline ARGS...` exactly as given (no `--index` added).
    pub fn run<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        Sandbox::finish(self.command().args(args))
    }

    /// Runs `dateline SUBCOMMAND --index INDEX ARGS...` with the sandbox's index.
    pub fn run_with_index<I, S>(&self, subcommand: &str, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        let mut cmd = self.command();
        cmd.arg(subcommand).arg("--index").arg(self.index_dir());
        // An index run's summary is read from its JSON.
        if subcommand == "index" {
            cmd.arg("--json");
        }
        cmd.args(args);
        Sandbox::finish(&mut cmd)
    }

    /// Runs `dateline index PATH --index INDEX` (`rel` inside the sandbox).
    pub fn index(&self, rel: impl AsRef<Path>) -> Run {
        self.run_with_index("index", [self.join(rel)])
    }

    /// Indexes `rel` and checks that the run succeeded; returns its summary.
    #[track_caller]
    pub fn index_ok(&self, rel: impl AsRef<Path>) -> Summary {
        let run = self.index(rel);
        run.expect_code(0);
        run.summary()
    }

    /// Runs `dateline search --index INDEX ARGS...`.
    pub fn search<I, S>(&self, args: I) -> Run
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.run_with_index("search", args)
    }

    /// Runs `dateline search --index INDEX --json ARGS...` and parses the results
    /// (exit code 0 or 1 expected, matching whether anything was found).
    #[track_caller]
    pub fn search_json(&self, args: &[&str]) -> Results {
        let mut all: Vec<&str> = vec!["--json"];
        all.extend_from_slice(args);
        let run = self.search(&all);
        parse_results(&run)
    }

    /// All articles of the index (`*`, up to 1000, every copy of a story), in index
    /// order.
    #[track_caller]
    pub fn all_articles(&self) -> Vec<Hit> {
        let results = self.search_json(&["*", "--limit", "1000", "--all-copies"]);
        assert_eq!(results.total, results.hits.len(), "more than one page");
        results.hits
    }
}

/// Parses the output of `dateline search --json`, checking that the exit code agrees
/// with whether anything was found.
#[track_caller]
pub fn parse_results(run: &Run) -> Results {
    let results: Results = serde_json::from_str(&run.stdout)
        .unwrap_or_else(|e| panic!("search --json output is not valid JSON ({e}); run: {run:#?}"));
    let expected = if results.total > 0 { 0 } else { 1 };
    assert_eq!(
        run.code, expected,
        "search exit code should be 0 with hits and 1 without; run: {run:#?}"
    );
    results
}

/// The titles of hits, in order.
pub fn titles(hits: &[Hit]) -> Vec<&str> {
    hits.iter().map(|h| h.title.as_str()).collect()
}

/// The hit whose title is `title`; panics listing the titles when there is none.
#[track_caller]
pub fn hit_titled<'a>(hits: &'a [Hit], title: &str) -> &'a Hit {
    hits.iter()
        .find(|h| h.title == title)
        .unwrap_or_else(|| panic!("no hit titled {title:?} among {:?}", titles(hits)))
}

/// Whether `path` (as printed) names the file `rel` (a `/`-separated path suffix).
pub fn path_ends_with(path: &str, rel: &str) -> bool {
    Path::new(path).ends_with(rel)
}

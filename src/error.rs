//! The errors a caller acts on, typed: a request that cannot be answered as asked
//! (the client's to fix), and an index that cannot be used as it is. Their values are
//! carried, not worded for one front end: the command line names its flags and
//! commands, the server its parameters; [`std::fmt::Display`] is a plain default.

use std::path::PathBuf;

/// A request that cannot be answered as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    /// Hits per page outside 1 to [`crate::search::MAX_LIMIT`].
    #[error("a page shows 1 to {max} hits, not {0}", max = crate::search::MAX_LIMIT)]
    Limit(usize),
    /// A page that starts past [`crate::search::MAX_OFFSET`].
    #[error("a page starts at most {max} hits in, not {0}: narrow the query instead", max = crate::search::MAX_OFFSET)]
    Offset(usize),
    /// A query of nothing but spaces.
    #[error("empty query: give words to search for, or `*` for every article")]
    EmptyQuery,
    /// A query that means nothing to search for.
    #[error("invalid query `{shown}`: {problem}")]
    Query {
        /// The query as a message may quote it: escaped, and cut when long.
        shown: String,
        /// What is wrong with it.
        problem: QueryProblem,
    },
    /// A date bound that cannot be read.
    #[error("bad {bound} date: {problem}")]
    Date {
        /// Which bound.
        bound: Bound,
        /// What is wrong with it, quoting it.
        problem: String,
    },
    /// A first day after the last.
    #[error("the first day {since} is after the last {until}: swap them")]
    DatesReversed {
        /// The first day asked for, `YYYY-MM-DD`.
        since: String,
        /// The last day asked for.
        until: String,
    },
}

impl RequestError {
    /// The error worded for a front end that names its parameters its own way:
    /// `parameter("limit")` is `--limit` on the command line, `` `limit` `` in the
    /// server's answers.
    pub fn worded(&self, parameter: impl Fn(&str) -> String) -> String {
        use crate::search::{MAX_LIMIT, MAX_OFFSET};
        match self {
            RequestError::Limit(n) => format!(
                "{} must be between 1 and {MAX_LIMIT}, not {n}",
                parameter("limit")
            ),
            RequestError::Offset(n) => format!(
                "{} must be at most {MAX_OFFSET}, not {n}: narrow the query instead",
                parameter("offset")
            ),
            RequestError::Date { bound, problem } => {
                format!("bad {} date: {problem}", parameter(bound.name()))
            }
            RequestError::DatesReversed { since, until } => format!(
                "{} {since} is after {} {until}: swap them",
                parameter("since"),
                parameter("until")
            ),
            other => other.to_string(),
        }
    }
}

/// Which bound of a date range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    /// The first day included.
    Since,
    /// The last day included.
    Until,
}

impl Bound {
    /// Its name: `since` or `until`.
    pub fn name(self) -> &'static str {
        match self {
            Bound::Since => "since",
            Bound::Until => "until",
        }
    }
}

impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a query means nothing to search for.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryProblem {
    /// Words all too common to be indexed.
    #[error("its words are too common to be indexed (\"the\", \"of\", \"to\" ...); add a word that says what to look for")]
    OnlyCommonWords,
    /// No word the analyzer keeps (`title:*`, punctuation), with a note on why.
    #[error("it holds no word to search for{}; give a word, or `*` alone for every article", why.as_ref().map_or(String::new(), |w| format!(" ({w})")))]
    NoWord {
        /// The reader's note on what it read as something else, if any.
        why: Option<String>,
    },
    /// Only exclusions.
    #[error("it only excludes words; add a word to search for")]
    OnlyExcludes,
    /// What no person types.
    #[error("{0}")]
    Unreadable(crate::query::Unreadable),
}

/// An index that cannot be used as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// No index in the folder.
    #[error("no index at {}", .0.display())]
    Missing(PathBuf),
    /// A folder that holds a tantivy index of someone else's.
    #[error("{} is not a dateline index", .0.display())]
    NotDateline(PathBuf),
    /// A folder of other files, where an index was to be created.
    #[error("{} exists and is not a dateline index", .0.display())]
    Foreign(PathBuf),
    /// An index that was never committed.
    #[error("the index at {} was never committed", .0.display())]
    NeverCommitted(PathBuf),
    /// An index of another format or layout than this build reads.
    #[error("the index at {} has {} and this dateline reads format {}", dir.display(), found.map_or("another layout".to_string(), |f| format!("format {f}")), crate::schema::FORMAT_VERSION)]
    OtherFormat {
        /// The index folder.
        dir: PathBuf,
        /// The format its marker names; `None` for a layout that differs under the
        /// same number.
        found: Option<u32>,
    },
    /// An index whose files cannot be read as they are.
    #[error("the index at {} is damaged ({gist})", dir.display())]
    Damaged {
        /// The index folder.
        dir: PathBuf,
        /// The gist of what was wrong.
        gist: String,
    },
    /// An index another run is writing.
    #[error("the index at {} is in use by another run", .0.display())]
    InUse(PathBuf),
}

//! dateline: fast local full-text search for folders of scraped news articles.
//!
//! The data flows through one module per step: [`ingest`] finds and reads files,
//! [`clean`] strips the site's boilerplate and finds the headline and dateline,
//! [`date`] finds the publication day, [`indexer`] loads [`Article`]s into a tantivy
//! index incrementally, [`search`] ranks them with BM25 and date filters, [`snippet`]
//! shows why each hit matched, [`view`] is how an article or a hit is shown and
//! [`output`] prints it for people or scripts, and [`export`] writes the index for
//! Elasticsearch or Quickwit.
//!
//! The whole pipeline, in memory:
//!
//! ```
//! use dateline::{clean, indexer, schema, Article, SearchRequest, Searcher};
//!
//! # fn main() -> anyhow::Result<()> {
//! let page = "Support The Steppe Herald!\n\n\
//!             Drought empties the Kapshagai reservoir\n\n\
//!             ALMATY, Kazakhstan — The reservoir has fallen to a third of its volume.\n\n\
//!             Sign up for our free weekly newsletter\n";
//! let cleaned = clean::clean(page, None);
//! assert_eq!(cleaned.place.as_deref(), Some("Almaty, Kazakhstan"));
//!
//! let index = schema::create_in_ram()?;
//! let article = Article {
//!     id: "kapshagai".into(),
//!     title: cleaned.title.unwrap_or_default(),
//!     body: cleaned.body,
//!     date: dateline::date::parse_published("2012-07-18"),
//!     date_from: None,
//!     place: cleaned.place,
//!     source: Some("The Steppe Herald".into()),
//!     site: None,
//!     url: None,
//!     path: "kapshagai.txt".into(),
//!     line: None,
//!     lang: None,
//!     published: None,
//!     captured: None,
//! };
//! indexer::add_articles(&index, &[article])?;
//!
//! let searcher = Searcher::new(index)?;
//! let results = searcher.search(&SearchRequest::new("reservoir"))?;
//! assert_eq!(results.total, 1);
//! assert_eq!(results.hits[0].article.title, "Drought empties the Kapshagai reservoir");
//! // The site's boilerplate never reached the index.
//! assert_eq!(searcher.search(&SearchRequest::new("newsletter"))?.total, 0);
//! # Ok(())
//! # }
//! ```

pub mod article;
pub mod choice;
pub mod clean;
pub mod cli;
pub mod cluster;
pub mod copies;
pub mod date;
pub mod engine;
pub mod error;
pub mod evaluate;
pub mod export;
pub mod extract;
pub mod indexer;
pub mod ingest;
pub mod output;
pub mod push;
pub mod query;
pub mod schema;
pub mod search;
pub mod serve;
pub mod snippet;
mod spill;
pub mod view;

pub use article::{Article, DateSource, DroppedLine};
pub use error::{IndexError, RequestError};
pub use histogram::{Period, PeriodCount};
pub use indexer::{index_paths, IndexOptions, RunStats};
pub use search::{histogram, stats};
pub use search::{SearchRequest, SearchResults, Searcher, SortOrder};

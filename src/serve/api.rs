//! The JSON API and the page: each handler reads its parameters, waits its turn for
//! the index, and answers with the printers of the command line.

use super::error::ApiError;
use crate::date::DateRange;
use crate::schema::DatelineIndex;
use crate::search::{SearchRequest, Searcher};
use crate::{output, stats};
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// The web page, embedded so that the server works offline and alone.
const PAGE: &str = include_str!("page.html");

/// What the page may load and do: nothing from elsewhere, and no framing by any page.
const PAGE_POLICY: &str = "default-src 'self'; style-src 'unsafe-inline'; \
     script-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

/// What the handlers share.
pub(super) struct App {
    pub index: DatelineIndex,
    pub searcher: Searcher,
    /// The cluster's index that answers searches and articles instead, if any.
    pub engine: Option<crate::cluster::Target>,
    /// Paths in answers are shown relative to this folder, as `search --json` does.
    pub cwd: std::path::PathBuf,
    /// Index work running at once: each search holds a whole stored article (perhaps
    /// megabytes) per hit, so their number bounds the server's memory.
    pub turns: Arc<Semaphore>,
    /// How long a request waits for its turn before it is refused.
    pub turn_wait: Duration,
    /// Longest article body an answer carries.
    pub article_body_bytes: usize,
}

impl App {
    /// The article stored under `id`, from the cluster when it answers instead.
    fn article(&self, id: &str) -> anyhow::Result<Option<crate::Article>> {
        match &self.engine {
            Some(engine) => crate::engine::article(engine, id),
            None => self.searcher.article(id),
        }
    }

    /// Runs `work` on a blocking thread once a turn is free; a 503 when none frees
    /// within [`App::turn_wait`]. The turn is held until the work ends, even when the
    /// client has gone.
    async fn run<T: Send + 'static>(
        self: &Arc<App>,
        work: impl FnOnce(&App) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        let turn = tokio::time::timeout(self.turn_wait, Arc::clone(&self.turns).acquire_owned())
            .await
            .map_err(|_| ApiError::busy("the server is busy with other searches; try again"))?
            .map_err(|err| ApiError::internal(err.to_string()))?;
        let app = Arc::clone(self);
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            work(&app)
        })
        .await
        .map_err(|err| ApiError::internal(err.to_string()))?
    }
}

/// A JSON answer written by one of the printers of [`output`].
fn json(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<Response, ApiError> {
    let mut body = Vec::new();
    write(&mut body).map_err(|err| ApiError::internal(err.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

pub(super) async fn page() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CONTENT_SECURITY_POLICY, PAGE_POLICY),
        ],
        PAGE,
    )
}

/// The query string of `/api/search`; every value is read as text and checked here,
/// so that a bad one gets a message rather than a bare rejection.
#[derive(Debug, Default, Deserialize)]
pub(super) struct SearchParams {
    q: Option<String>,
    since: Option<String>,
    until: Option<String>,
    sort: Option<String>,
    #[serde(rename = "match")]
    matching: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
    histogram: Option<String>,
    all_copies: Option<String>,
}

/// A parameter's text, unless empty.
fn none_if_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().filter(|s| !s.is_empty())
}

/// The choice (sort order, match mode, period) named in parameter `key`, if given.
fn choice<T: clap::ValueEnum>(key: &str, value: &Option<String>) -> Result<Option<T>, ApiError> {
    let Some(name) = none_if_empty(value) else {
        return Ok(None);
    };
    crate::choice::parse(name).map(Some).ok_or_else(|| {
        ApiError::bad_request(format!(
            "`{key}` is {}, not `{}`",
            crate::choice::names::<T>(),
            crate::view::clip(name, 40)
        ))
    })
}

impl SearchParams {
    /// The library request these parameters ask for.
    fn request(&self) -> Result<SearchRequest, ApiError> {
        let bad_request = |message: String| ApiError::bad_request(message);
        let query = self
            .q
            .as_deref()
            .filter(|q| !q.trim().is_empty())
            .ok_or_else(|| bad_request("give a query in `q` (`*` for every article)".into()))?;
        let dates = DateRange::from_args(none_if_empty(&self.since), none_if_empty(&self.until))
            .map_err(ApiError::from)?;
        let number = |name: &str, value: &Option<String>, default: usize| match none_if_empty(value)
        {
            None => Ok(default),
            Some(text) => text.parse().map_err(|_| {
                bad_request(format!(
                    "`{name}` must be a whole number, not `{}`",
                    crate::view::clip(text, 40)
                ))
            }),
        };
        let sort = choice("sort", &self.sort)?.unwrap_or_default();
        let matching = choice("match", &self.matching)?.unwrap_or_default();
        let histogram = choice("histogram", &self.histogram)?;
        let all_copies = match none_if_empty(&self.all_copies) {
            None | Some("0" | "false") => false,
            Some("1" | "true") => true,
            Some(other) => {
                return Err(bad_request(format!(
                    "`all_copies` is 1 or 0, not `{}`",
                    crate::view::clip(other, 40)
                )))
            }
        };
        Ok(SearchRequest {
            all_copies,
            dates,
            limit: number("limit", &self.limit, 10)?,
            offset: number("offset", &self.offset, 0)?,
            sort,
            matching,
            histogram,
            ..SearchRequest::new(query)
        })
    }
}

pub(super) async fn search(
    State(app): State<Arc<App>>,
    params: Result<Query<SearchParams>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(params) = params?;
    let request = params.request()?;
    app.run(move |app| {
        let results = match &app.engine {
            Some(engine) => crate::engine::search(engine, &request)?,
            None => app.searcher.search(&request)?,
        };
        json(|out| output::search_json(out, &results, &app.cwd))
    })
    .await
}

/// The article with an id, as `dateline show --json` prints it, with its body cut to
/// [`App::article_body_bytes`].
pub(super) async fn article(
    State(app): State<Arc<App>>,
    id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(id) = id?;
    app.run(move |app| match app.article(&id)? {
        Some(article) => {
            json(|out| output::article_json(out, &article, &app.cwd, Some(app.article_body_bytes)))
        }
        None => Err(ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            format!("no article with id `{}`", crate::view::clip(&id, 100)),
        )),
    })
    .await
}

pub(super) async fn index_stats(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    app.run(move |app| {
        let stats = stats::collect(&app.index)?;
        json(|out| output::stats_json(out, &stats))
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::StatusCode;

    #[test]
    fn a_request_that_waits_too_long_for_its_turn_gets_a_503() {
        let index = crate::schema::create_in_ram().unwrap();
        let app = Arc::new(App {
            searcher: Searcher::following(index.clone()).unwrap(),
            engine: None,
            index,
            cwd: std::path::PathBuf::new(),
            turns: Arc::new(Semaphore::new(1)),
            turn_wait: Duration::from_millis(20),
            article_body_bytes: 1000,
        });
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        runtime.block_on(async {
            let taken = Arc::clone(&app.turns).acquire_owned().await.unwrap();
            let refused = app.run(|_| Ok(())).await.unwrap_err();
            assert_eq!(refused.status, StatusCode::SERVICE_UNAVAILABLE);
            let answer = refused.into_response();
            assert_eq!(answer.headers()[header::RETRY_AFTER], "1");
            drop(taken);
            assert_eq!(app.run(|_| Ok(7)).await.unwrap(), 7);
            assert_eq!(app.turns.available_permits(), 1, "the turn is given back");
        });
    }
}

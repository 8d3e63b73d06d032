//! The search server: a JSON API over one index (the same JSON as `search --json`)
//! and a web page embedded in the binary, served over HTTP on a runtime of its own.

use crate::date::DateRange;
use crate::histogram::Period;
use crate::schema::DatelineIndex;
use crate::search::{InvalidRequest, MatchMode, SearchRequest, Searcher, SortOrder};
use crate::{output, stats};
use anyhow::{Context, Result};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

/// The web page, embedded so that the server works offline and alone.
const PAGE: &str = include_str!("page.html");

/// What the handlers share.
struct App {
    index: DatelineIndex,
    searcher: Searcher,
    /// Paths in answers are shown relative to this folder, as `search --json` does.
    cwd: std::path::PathBuf,
}

/// How to serve.
#[derive(Debug, Clone, Copy)]
pub struct ServeOptions {
    /// The address to listen on (port 0 picks a free one).
    pub addr: SocketAddr,
    /// Whether to log each request on standard error.
    pub log_requests: bool,
}

/// Serves `index` until `shutdown` completes. `ready` is told the address actually
/// bound before the first request is taken.
pub fn serve(
    index: DatelineIndex,
    options: ServeOptions,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> Result<()> {
    let searcher = Searcher::new(index.clone())?;
    let app = Arc::new(App {
        index,
        searcher,
        cwd: std::env::current_dir().unwrap_or_default(),
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the server's runtime")?;
    runtime.block_on(async move {
        let addr = options.addr;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        ready(listener.local_addr().context("reading the bound address")?);
        let mut routes = router(app);
        if options.log_requests {
            routes = routes.layer(axum::middleware::from_fn(log_request));
        }
        axum::serve(listener, routes)
            .with_graceful_shutdown(shutdown)
            .await
            .context("serving")
    })
}

/// The routes of the API and the page.
fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/", get(page))
        .route("/api/search", get(search))
        .route("/api/articles/{id}", get(article))
        .route("/api/stats", get(index_stats))
        .fallback(not_found)
        .with_state(app)
}

/// Logs one request on standard error once it is answered.
async fn log_request(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let started = std::time::Instant::now();
    let line = format!("{} {}", request.method(), request.uri());
    let response = next.run(request).await;
    eprintln!(
        "{} {} {:.1} ms",
        output::sanitize(&line),
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

/// An answer of the API that is not a success: a status and a JSON message.
struct ApiError(StatusCode, String);

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.1 }).to_string();
        (
            self.0,
            [(header::CONTENT_TYPE, "application/json")],
            body + "\n",
        )
            .into_response()
    }
}

impl From<anyhow::Error> for ApiError {
    /// A request the index cannot answer as asked is the client's to fix (400); any
    /// other failure is the server's (500).
    fn from(err: anyhow::Error) -> ApiError {
        let status = if err.chain().any(|e| e.is::<InvalidRequest>()) {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::INTERNAL_SERVER_ERROR
        };
        ApiError(status, format!("{err:#}"))
    }
}

fn bad_request(message: impl Into<String>) -> ApiError {
    ApiError(StatusCode::BAD_REQUEST, message.into())
}

/// A JSON answer written by one of the printers of [`output`].
fn json(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<Response, ApiError> {
    let mut body = Vec::new();
    write(&mut body).map_err(|err| ApiError(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], body).into_response())
}

/// Runs blocking index work off the runtime's threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|err| ApiError(StatusCode::INTERNAL_SERVER_ERROR, err.to_string()))?
}

async fn page() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'",
            ),
        ],
        PAGE,
    )
}

async fn not_found() -> ApiError {
    ApiError(StatusCode::NOT_FOUND, "no such page".to_string())
}

/// The query string of `/api/search`; every value is read as text and checked here,
/// so that a bad one gets a message rather than a bare rejection.
#[derive(Debug, Default, Deserialize)]
struct SearchParams {
    q: Option<String>,
    since: Option<String>,
    until: Option<String>,
    sort: Option<String>,
    #[serde(rename = "match")]
    matching: Option<String>,
    limit: Option<String>,
    offset: Option<String>,
    histogram: Option<String>,
}

impl SearchParams {
    /// The library request these parameters ask for.
    fn request(&self) -> Result<SearchRequest, ApiError> {
        let query = self
            .q
            .as_deref()
            .filter(|q| !q.trim().is_empty())
            .ok_or_else(|| bad_request("give a query in `q` (`*` for every article)"))?;
        fn none_if_empty(value: &Option<String>) -> Option<&str> {
            value.as_deref().filter(|s| !s.is_empty())
        }
        let dates = DateRange::from_args(none_if_empty(&self.since), none_if_empty(&self.until))
            .map_err(|err| bad_request(format!("{err:#}")))?;
        let number = |name: &str, value: &Option<String>, default: usize| match none_if_empty(value)
        {
            None => Ok(default),
            Some(text) => text
                .parse()
                .map_err(|_| bad_request(format!("`{name}` must be a whole number, not `{text}`"))),
        };
        let sort = match none_if_empty(&self.sort).unwrap_or("relevance") {
            "relevance" => SortOrder::Relevance,
            "newest" => SortOrder::Newest,
            "oldest" => SortOrder::Oldest,
            other => {
                return Err(bad_request(format!(
                    "`sort` is relevance, newest or oldest, not `{other}`"
                )))
            }
        };
        let matching = match none_if_empty(&self.matching) {
            None => MatchMode::Best,
            Some(name) => MatchMode::from_name(name)
                .ok_or_else(|| bad_request(format!("`match` is best, all or any, not `{name}`")))?,
        };
        let histogram = match none_if_empty(&self.histogram) {
            None => None,
            Some(name) => Some(Period::from_name(name).ok_or_else(|| {
                bad_request(format!("`histogram` is year, month or day, not `{name}`"))
            })?),
        };
        Ok(SearchRequest {
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

async fn search(
    State(app): State<Arc<App>>,
    Query(params): Query<SearchParams>,
) -> Result<Response, ApiError> {
    let request = params.request()?;
    blocking(move || {
        let results = app.searcher.search(&request)?;
        json(|out| output::search_json(out, &results, &app.cwd))
    })
    .await
}

async fn article(
    State(app): State<Arc<App>>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    blocking(move || match app.searcher.article(&id)? {
        Some(article) => json(|out| {
            serde_json::to_writer_pretty(&mut *out, &article)?;
            out.push(b'\n');
            Ok(())
        }),
        None => Err(ApiError(
            StatusCode::NOT_FOUND,
            format!("no article with id `{id}`"),
        )),
    })
    .await
}

async fn index_stats(State(app): State<Arc<App>>) -> Result<Response, ApiError> {
    blocking(move || {
        let stats = stats::collect(&app.index)?;
        json(|out| output::stats_json(out, &stats))
    })
    .await
}

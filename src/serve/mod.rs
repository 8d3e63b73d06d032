//! The search server: a JSON API over one index (the same JSON as `search --json`)
//! and a web page embedded in the binary, served over HTTP on a runtime of its own.
//!
//! It is built to face a hostile network as well as a browser's other tabs: it answers
//! only to its own host names (`hosts`), refuses oversized requests before routing
//! (`guard`), bounds how long a client may take and how many connections are open
//! (`connections`), how many searches run at once and how much an answer carries
//! ([`Limits`]), and stops within a second when asked, whatever its clients do.

mod api;
mod connections;
mod error;
mod guard;
mod hosts;
mod limits;

pub use hosts::{AllowedHosts, BadHostName, HostName};
pub use limits::Limits;

use crate::output;
use crate::schema::DatelineIndex;
use crate::search::Searcher;
use anyhow::{Context, Result};
use axum::routing::get;
use axum::Router;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The address to listen on (port 0 picks a free one).
    pub addr: SocketAddr,
    /// Whether to log each request on standard error.
    pub log_requests: bool,
    /// Host names answered besides loopback and the bound address.
    pub allowed_hosts: Vec<HostName>,
    /// Timeouts and bounds.
    pub limits: Limits,
    /// A cluster's index that answers searches and articles instead of the local
    /// index (`dateline serve --engine`).
    pub engine: Option<crate::cluster::Target>,
}

impl ServeOptions {
    /// Serving on `addr` with the default limits, no log and no extra host name.
    pub fn new(addr: SocketAddr) -> ServeOptions {
        ServeOptions {
            addr,
            log_requests: false,
            allowed_hosts: Vec::new(),
            limits: Limits::default(),
            engine: None,
        }
    }
}

/// Serves `index` until `shutdown` completes. `ready` is told the address actually
/// bound before the first request is taken; `shutdown` is polled once before that, so
/// that a signal handler it installs is in place by then.
pub fn serve(
    index: DatelineIndex,
    options: ServeOptions,
    ready: impl FnOnce(SocketAddr),
    shutdown: impl Future<Output = ()>,
) -> Result<()> {
    let limits = options.limits;
    let searches = limits.searches.max(1);
    let app = Arc::new(api::App {
        searcher: Searcher::following(index.clone())?,
        engine: options.engine.clone(),
        index,
        cwd: std::env::current_dir().unwrap_or_default(),
        turns: Arc::new(tokio::sync::Semaphore::new(searches)),
        turn_wait: limits.search_wait,
        article_body_bytes: limits.article_body_bytes,
    });
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(searches)
        .build()
        .context("starting the server's runtime")?;
    let served = runtime.block_on(async move {
        let mut shutdown = std::pin::pin!(shutdown);
        let stopped = tokio::select! {
            biased;
            () = &mut shutdown => true,
            () = std::future::ready(()) => false,
        };
        let addr = options.addr;
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("listening on {addr}"))?;
        let bound = listener.local_addr().context("reading the bound address")?;
        ready(bound);
        if stopped {
            return Ok(());
        }
        let guard = guard::Guard::new(AllowedHosts::new(bound, &options.allowed_hosts), &limits);
        let mut routes = router(app).layer(axum::middleware::from_fn_with_state(
            Arc::new(guard),
            guard::guard,
        ));
        if options.log_requests {
            routes = routes.layer(axum::middleware::from_fn(log_request));
        }
        connections::serve(listener, routes, &limits, options.log_requests, shutdown).await;
        Ok(())
    });
    // A search still running on a blocking thread is not waited for.
    runtime.shutdown_background();
    served
}

/// The routes of the API and the page; any other path is a 404 and any other method
/// a 405, as JSON.
fn router(app: Arc<api::App>) -> Router {
    Router::new()
        .route("/", get(api::page))
        .route("/api/search", get(api::search))
        .route("/api/articles/{id}", get(api::article))
        .route("/api/stats", get(api::index_stats))
        .method_not_allowed_fallback(error::method_not_allowed)
        .fallback(error::not_found)
        .with_state(app)
}

/// Logs one request on standard error once it is answered.
async fn log_request(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let started = std::time::Instant::now();
    let line = format!("{} {}", request.method(), request.uri());
    let response = next.run(request).await;
    eprintln!(
        "{} {} {:.1} ms",
        output::sanitize(&crate::view::clip(&line, 1000)),
        response.status().as_u16(),
        started.elapsed().as_secs_f64() * 1000.0
    );
    response
}

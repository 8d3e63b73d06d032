//! Connections: accepting them, serving each with HTTP/1.1 under the timeouts of
//! [`Limits`], keeping their number within [`Limits::connections`], and closing them
//! all when the server stops.
//!
//! When every place is taken, a new connection takes the place of the one that has
//! waited longest for a request (a client that opened a connection and sends its
//! header slowly, or not at all, is that one), so such clients cannot keep others
//! out; only when every connection is being answered is the new one refused, with a
//! 503, at once. A connection told to make room keeps its place until its socket
//! is closed, and while [`MOST_CLOSING`] are closing new ones wait to be accepted, so
//! the sockets open stay within the limit.

use super::error::error_body;
use super::limits::Limits;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::{service_fn, Service};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::pin::{pin, Pin};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify};
use tokio::task::JoinSet;

/// How long accepting pauses after a failure such as running out of file descriptors.
const ACCEPT_PAUSE: Duration = Duration::from_millis(50);

/// Serves connections from `listener` with `router` until `shutdown` completes, then
/// gives the answers under way [`Limits::shutdown_grace`] to finish and drops every
/// connection still open.
pub(super) async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &Limits,
    log: bool,
    shutdown: impl Future<Output = ()>,
) {
    let registry = Arc::new(Registry::new(limits.connections));
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(limits.head_bytes);
    let http = Arc::new(http);
    let refusal = full_answer();
    let (stop, stopping) = watch::channel(false);
    let mut connections = JoinSet::new();
    let mut shutdown = pin!(shutdown);
    let mut failing = false;
    'accepting: loop {
        // While the connections told to close have not closed yet, new ones wait in
        // the listener's queue rather than take descriptors.
        while registry.closing_in_full() {
            tokio::select! {
                biased;
                () = &mut shutdown => break 'accepting,
                () = registry.closed.notified() => {}
                () = tokio::time::sleep(ACCEPT_PAUSE) => {}
            }
        }
        let accepted = tokio::select! {
            biased;
            () = &mut shutdown => break 'accepting,
            accepted = listener.accept() => accepted,
        };
        while connections.try_join_next().is_some() {}
        match accepted {
            Ok((stream, _)) => {
                failing = false;
                let Some(ticket) = registry.admit() else {
                    // Every connection is being answered: refuse this one at once. A
                    // fresh socket's buffer takes the few bytes without blocking.
                    let _ = stream.try_write(&refusal);
                    continue;
                };
                let _ = stream.set_nodelay(true);
                connections.spawn(connection(
                    stream,
                    ticket,
                    router.clone(),
                    Arc::clone(&http),
                    stopping.clone(),
                    limits.stall_timeout,
                ));
            }
            // The client gave up before the connection was taken: nothing to do.
            Err(err) if is_peer_error(&err) => {}
            Err(err) => {
                if log && !failing {
                    eprintln!("dateline: accepting a connection: {err}");
                }
                failing = true;
                // Out of descriptors (or memory): free one held by a connection that
                // is only waiting, and pause rather than spin.
                registry.evict_waiting();
                tokio::select! {
                    biased;
                    () = &mut shutdown => break 'accepting,
                    () = tokio::time::sleep(ACCEPT_PAUSE) => {}
                }
            }
        }
    }
    drop(listener);
    let _ = stop.send(true);
    let drained = async { while connections.join_next().await.is_some() {} };
    let _ = tokio::time::timeout(limits.shutdown_grace, drained).await;
    connections.shutdown().await;
}

/// Whether an accept failed for the one connection's sake only.
fn is_peer_error(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::Interrupted
            | io::ErrorKind::WouldBlock
    )
}

/// The whole answer to a connection refused because every place is being answered.
fn full_answer() -> Vec<u8> {
    let body = error_body("the server has no room for another connection; try again");
    format!(
        "HTTP/1.1 503 Service Unavailable\r\n\
         content-type: application/json\r\n\
         content-length: {}\r\n\
         retry-after: 1\r\n\
         x-frame-options: DENY\r\n\
         x-content-type-options: nosniff\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves one connection until it ends, is evicted, stalls or the server stops.
async fn connection(
    stream: TcpStream,
    ticket: Ticket,
    router: Router,
    http: Arc<http1::Builder>,
    mut stopping: watch::Receiver<bool>,
    stall: Duration,
) {
    let slot = Arc::clone(&ticket.slot);
    let epoch = ticket.registry.epoch;
    let tower = TowerToHyperService::new(router);
    let answering = Arc::clone(&slot);
    let service = service_fn(move |request: hyper::Request<Incoming>| {
        let answer = Answer::start(&answering, epoch);
        let response = tower.call(request);
        async move {
            let response = response.await;
            drop(answer);
            response
        }
    });
    let io = TokioIo::new(Metered {
        stream,
        slot: Arc::clone(&slot),
        epoch,
    });
    let mut served = pin!(http.serve_connection(io, service));
    let mut stopped = false;
    loop {
        tokio::select! {
            _ = served.as_mut() => break,
            () = slot.close.notified() => break,
            _ = stopping.changed(), if !stopped => {
                // A connection between requests has nothing to finish: it goes at
                // once; one being answered may finish its answer first.
                if slot.answering.load(Ordering::Acquire) == 0 {
                    break;
                }
                stopped = true;
                served.as_mut().graceful_shutdown();
            }
            () = tokio::time::sleep(Duration::from_secs(1)) => {
                if slot.stalled(since(epoch), stall) {
                    break;
                }
            }
        }
    }
    drop(ticket);
}

/// Milliseconds from `epoch` to now.
fn since(epoch: Instant) -> u64 {
    u64::try_from(epoch.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Connections told to close whose sockets are not closed yet, at most: past them no
/// new connection is taken until one closes, so that the sockets open never pass the
/// capacity by more than this.
const MOST_CLOSING: usize = 16;

/// The open connections, and which to drop when a new one needs a place.
struct Registry {
    /// The start of the clock of every [`Slot`].
    epoch: Instant,
    capacity: usize,
    open: Mutex<Open>,
    next: AtomicU64,
    /// Told when a connection told to close has closed.
    closed: Notify,
}

/// The connections whose sockets are open.
#[derive(Default)]
struct Open {
    slots: HashMap<u64, Arc<Slot>>,
    /// How many of them have been told to close.
    closing: usize,
}

impl Open {
    /// Tells the connection that has waited longest for a request to close, if one
    /// waits; it keeps its place until its socket is closed.
    fn evict(&mut self) -> bool {
        let longest = self
            .slots
            .values()
            .filter(|slot| !slot.evicted.load(Ordering::Acquire))
            .filter(|slot| slot.answering.load(Ordering::Acquire) == 0)
            .min_by_key(|slot| slot.waiting_since.load(Ordering::Acquire));
        match longest {
            Some(slot) => {
                slot.evicted.store(true, Ordering::Release);
                slot.close.notify_one();
                self.closing += 1;
                true
            }
            None => false,
        }
    }
}

/// One open connection as the [`Registry`] sees it.
struct Slot {
    /// Requests being answered.
    answering: AtomicUsize,
    /// When it last began to wait for a request: its opening or its last answer.
    waiting_since: AtomicU64,
    /// When a byte last went in or out.
    last_io: AtomicU64,
    /// Told when the connection is to be dropped.
    close: Notify,
    /// Whether it has been told so (changed under the registry's lock).
    evicted: std::sync::atomic::AtomicBool,
}

impl Slot {
    /// Whether an answer has gone `stall` without its client taking a byte (or a
    /// connection without a request has, when the header timeout has not ended it).
    fn stalled(&self, now: u64, stall: Duration) -> bool {
        let stall = u64::try_from(stall.as_millis()).unwrap_or(u64::MAX);
        self.answering.load(Ordering::Acquire) == 0
            && now.saturating_sub(self.last_io.load(Ordering::Acquire)) >= stall
    }
}

/// A connection's place in the [`Registry`], given up when dropped.
struct Ticket {
    registry: Arc<Registry>,
    id: u64,
    slot: Arc<Slot>,
}

impl Drop for Ticket {
    fn drop(&mut self) {
        let mut open = self.registry.lock();
        if let Some(slot) = open.slots.remove(&self.id) {
            if slot.evicted.load(Ordering::Acquire) {
                open.closing -= 1;
                self.registry.closed.notify_one();
            }
        }
    }
}

impl Registry {
    fn new(capacity: usize) -> Registry {
        Registry {
            epoch: Instant::now(),
            capacity: capacity.max(1),
            open: Mutex::new(Open::default()),
            next: AtomicU64::new(0),
            closed: Notify::new(),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Open> {
        self.open.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A place for a new connection, made by evicting the connection that has waited
    /// longest for a request when all are taken; `None` when every one is answering
    /// or too many are still closing.
    fn admit(self: &Arc<Registry>) -> Option<Ticket> {
        let mut open = self.lock();
        let full = open.slots.len() - open.closing >= self.capacity;
        if full && (open.closing >= MOST_CLOSING || !open.evict()) {
            return None;
        }
        let now = since(self.epoch);
        let slot = Arc::new(Slot {
            answering: AtomicUsize::new(0),
            waiting_since: AtomicU64::new(now),
            last_io: AtomicU64::new(now),
            close: Notify::new(),
            evicted: false.into(),
        });
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        open.slots.insert(id, Arc::clone(&slot));
        Some(Ticket {
            registry: Arc::clone(self),
            id,
            slot,
        })
    }

    /// Whether every place is taken and no more connections may be told to close
    /// until some of those told have closed.
    fn closing_in_full(&self) -> bool {
        let open = self.lock();
        open.closing >= MOST_CLOSING && open.slots.len() - open.closing >= self.capacity
    }

    /// Drops the connection that has waited longest for a request, if one waits.
    fn evict_waiting(&self) {
        self.lock().evict();
    }
}

/// A request being answered on a connection, from its header to its answer's start.
struct Answer {
    slot: Arc<Slot>,
    epoch: Instant,
}

impl Answer {
    fn start(slot: &Arc<Slot>, epoch: Instant) -> Answer {
        slot.answering.fetch_add(1, Ordering::AcqRel);
        Answer {
            slot: Arc::clone(slot),
            epoch,
        }
    }
}

impl Drop for Answer {
    fn drop(&mut self) {
        let now = since(self.epoch);
        self.slot.waiting_since.store(now, Ordering::Release);
        // The answer is being written from now on: its stall is counted from here.
        self.slot.last_io.fetch_max(now, Ordering::AcqRel);
        self.slot.answering.fetch_sub(1, Ordering::AcqRel);
    }
}

/// A connection's stream that notes when bytes last moved.
struct Metered {
    stream: TcpStream,
    slot: Arc<Slot>,
    epoch: Instant,
}

impl Metered {
    fn moved<T>(&self, poll: &Poll<io::Result<T>>) {
        if let Poll::Ready(Ok(_)) = poll {
            self.slot
                .last_io
                .store(since(self.epoch), Ordering::Release);
        }
    }
}

impl AsyncRead for Metered {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_read(cx, buf);
        this.moved(&poll);
        poll
    }
}

impl AsyncWrite for Metered {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.moved(&poll);
        poll
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.moved(&poll);
        poll
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn waiting(registry: &Registry, ticket: &Ticket, since: u64) {
        ticket.slot.waiting_since.store(since, Ordering::Release);
        assert!(registry.lock().slots.contains_key(&ticket.id));
    }

    #[test]
    fn a_full_registry_evicts_the_connection_waiting_longest() {
        let registry = Arc::new(Registry::new(2));
        let first = registry.admit().unwrap();
        let second = registry.admit().unwrap();
        waiting(&registry, &first, 5);
        waiting(&registry, &second, 1);
        let third = registry.admit().expect("a place");
        assert!(
            second.slot.evicted.load(Ordering::Acquire),
            "the longest waiting"
        );
        assert!(!first.slot.evicted.load(Ordering::Acquire));
        // Told to close, even before it listens.
        {
            let notified = pin!(second.slot.close.notified());
            assert!(poll_once(notified));
        }
        // It holds its place until its socket is closed.
        assert_eq!(registry.lock().slots.len(), 3);
        drop(second);
        let open = registry.lock();
        assert_eq!((open.slots.len(), open.closing), (2, 0));
        assert!(open.slots.contains_key(&third.id));
    }

    #[test]
    fn sockets_open_stay_within_the_capacity_and_those_closing() {
        let registry = Arc::new(Registry::new(1));
        let mut held = vec![registry.admit().unwrap()];
        for _ in 0..MOST_CLOSING {
            held.push(registry.admit().expect("a place made by evicting"));
        }
        assert_eq!(registry.lock().closing, MOST_CLOSING);
        assert!(registry.closing_in_full());
        assert!(registry.admit().is_none(), "too many still closing");
        held.remove(0);
        assert!(!registry.closing_in_full());
        {
            let notified = pin!(registry.closed.notified());
            assert!(poll_once(notified), "the accept loop is told");
        }
        assert!(registry.admit().is_some(), "one closed: room again");
    }

    #[test]
    fn connections_being_answered_are_never_evicted() {
        let registry = Arc::new(Registry::new(1));
        let only = registry.admit().unwrap();
        let answer = Answer::start(&only.slot, registry.epoch);
        assert!(registry.admit().is_none(), "refused rather than evicting");
        drop(answer);
        let next = registry.admit().expect("the finished one makes room");
        drop(only);
        assert_eq!(registry.lock().slots.len(), 1);
        drop(next);
        assert!(registry.lock().slots.is_empty());
    }

    #[test]
    fn a_stall_counts_only_between_answers() {
        let registry = Arc::new(Registry::new(1));
        let ticket = registry.admit().unwrap();
        let stall = Duration::from_secs(10);
        ticket.slot.last_io.store(0, Ordering::Release);
        assert!(ticket.slot.stalled(10_000, stall));
        assert!(!ticket.slot.stalled(9_999, stall));
        let _answer = Answer::start(&ticket.slot, registry.epoch);
        assert!(
            !ticket.slot.stalled(60_000, stall),
            "a search may take its time"
        );
    }

    fn poll_once(future: Pin<&mut impl Future<Output = ()>>) -> bool {
        let waker = std::task::Waker::noop();
        future.poll(&mut Context::from_waker(waker)).is_ready()
    }

    #[test]
    fn the_refusal_is_a_whole_json_answer() {
        let answer = String::from_utf8(full_answer()).unwrap();
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 503 "));
        assert!(head.contains(&format!("content-length: {}\r\n", body.len())));
        let json: serde_json::Value = serde_json::from_str(body).unwrap();
        assert!(json["error"].is_string());
    }
}

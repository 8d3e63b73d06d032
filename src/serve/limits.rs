//! The server's bounds in one place: how long a client may take, how many connections
//! and searches run at once, and how much one answer or request may carry.

use std::time::Duration;

/// What the server allows each client and all of them together. [`Limits::default`]
/// sizes the shared bounds from the machine: connections from the process's limit on
/// open files, searches from its processors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Time a connection has to send a request's whole header, counted from its
    /// opening or from the end of its previous answer; so also how long an idle
    /// keep-alive connection stays open.
    pub header_timeout: Duration,
    /// Time an answer may go without a byte taken by its client before the
    /// connection is dropped.
    pub stall_timeout: Duration,
    /// Time the answers under way get to finish once the server is asked to stop;
    /// every connection still open after it is dropped.
    pub shutdown_grace: Duration,
    /// Connections open at once. When all are taken, a new one takes the place of the
    /// one that has waited longest for a request; if every one is being answered, the
    /// new one gets a 503 and is closed.
    pub connections: usize,
    /// Searches (and article and statistics reads) running at once.
    pub searches: usize,
    /// Time a request waits for one of [`Limits::searches`] before it gets a 503.
    pub search_wait: Duration,
    /// Longest request target (path and query) answered; longer ones get a 414.
    pub uri_bytes: usize,
    /// Most bytes of header fields answered; more get a 431.
    pub header_bytes: usize,
    /// Most bytes a request head may take before it is refused without an answer of
    /// ours (HTTP's own 431, then the connection is closed).
    pub head_bytes: usize,
    /// Longest article body an answer carries; a longer one is cut and marked.
    pub article_body_bytes: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            header_timeout: Duration::from_secs(3),
            stall_timeout: Duration::from_secs(10),
            shutdown_grace: Duration::from_millis(500),
            connections: connections_for(open_files_limit()),
            searches: std::thread::available_parallelism().map_or(2, usize::from),
            search_wait: Duration::from_secs(2),
            uri_bytes: 8 << 10,
            header_bytes: 16 << 10,
            head_bytes: 64 << 10,
            article_body_bytes: 1 << 20,
        }
    }
}

/// Connections at most, whatever the file limit.
const MAX_CONNECTIONS: usize = 1024;

/// How many connections a process allowed `files` open files can hold: a quarter of
/// them (at least 32) is left for the index, the listener, the standard streams and
/// the few connections being closed to make room for new ones.
pub fn connections_for(files: u64) -> usize {
    let files = usize::try_from(files).unwrap_or(usize::MAX);
    let kept = (files / 4).max(32);
    files.saturating_sub(kept).clamp(8, MAX_CONNECTIONS)
}

/// The process's soft limit on open files.
#[cfg(unix)]
fn open_files_limit() -> u64 {
    rustix::process::getrlimit(rustix::process::Resource::Nofile)
        .current
        .unwrap_or(u64::MAX)
}

/// Elsewhere, a limit common to desktop systems.
#[cfg(not(unix))]
fn open_files_limit() -> u64 {
    1024
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_leave_room_for_other_files() {
        assert_eq!(connections_for(256), 192);
        assert_eq!(connections_for(1024), 768);
        assert_eq!(connections_for(64), 32);
        assert_eq!(connections_for(20), 8);
        assert_eq!(connections_for(1 << 20), MAX_CONNECTIONS);
        assert_eq!(connections_for(u64::MAX), MAX_CONNECTIONS);
    }

    #[test]
    fn the_defaults_fit_together() {
        let limits = Limits::default();
        assert!(limits.searches >= 1);
        assert!(limits.connections >= 8);
        assert!(limits.uri_bytes + limits.header_bytes < limits.head_bytes);
        assert!(limits.shutdown_grace < Duration::from_secs(1));
    }
}

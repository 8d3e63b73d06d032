//! The workers of a run's two phases.
//!
//! Not rayon, though it is compiled in, because a run needs three things its
//! parallel iterators do not give together: each result handed, in the order it is
//! ready, to a callback on the calling thread (the observer that draws progress and
//! the phase's memory budget are not `Sync`), at most 256 results waiting at once
//! (so a slow consumer holds back the readers instead of letting cleaned articles
//! pile up), and the run's own thread count rather than a global pool's. Its cost is
//! small: its lock and channel are 0.07% of the instructions of indexing 1,010 files
//! of the benchmark corpus (callgrind).

use anyhow::Result;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};

/// Runs `work` on every item on `threads` scoped threads and hands each result, with
/// the item's position, to `collect` on the calling thread. Items are taken one at a
/// time from the iterator, so owned items move to the worker that takes them. The
/// first error `collect` returns stops the workers and is returned.
pub(super) fn for_each_parallel<T: Send, R: Send>(
    items: impl Iterator<Item = T> + Send,
    threads: usize,
    work: impl Fn(T) -> R + Sync,
    mut collect: impl FnMut(usize, R) -> Result<()>,
) -> Result<()> {
    let items = Mutex::new(items.enumerate());
    let stop = AtomicBool::new(false);
    let (sender, receiver) = mpsc::sync_channel::<(usize, R)>(256);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            let sender = sender.clone();
            let (items, stop, work) = (&items, &stop, &work);
            scope.spawn(move || {
                while !stop.load(Ordering::Relaxed) {
                    // A poisoned lock means another worker panicked: stop taking work.
                    let next = match items.lock() {
                        Ok(mut items) => items.next(),
                        Err(_) => None,
                    };
                    let Some((i, item)) = next else { break };
                    if sender.send((i, work(item))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let mut first_error = None;
        for (i, result) in receiver {
            if first_error.is_none() {
                if let Err(err) = collect(i, result) {
                    stop.store(true, Ordering::Relaxed);
                    first_error = Some(err);
                }
            }
        }
        first_error.map_or(Ok(()), Err)
    })
}

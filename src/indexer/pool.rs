//! The workers of a run's two phases.
//!
//! Not rayon, though it is compiled in, because a run needs three things its
//! parallel iterators do not give together: each result handed, in the order it is
//! ready, to a callback on the calling thread (the observer that draws progress and
//! the phase's memory budget are not `Sync`), at most 256 results waiting at once
//! (so a slow consumer holds back the readers instead of letting cleaned articles
//! pile up), and the run's own thread count rather than a global pool's. Its lock and
//! channel are 0.07% of the instructions of indexing 1,010 files of the benchmark
//! corpus (callgrind); what cost was waking the calling thread for every file: handed
//! over in batches of 16, a 100,000-article run spends 1.7 s in the kernel instead of
//! 2.4-4.1 s.

use anyhow::Result;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};

/// How many results may wait for the calling thread at most (besides the batches
/// the workers are filling).
const WAITING: usize = 256;

/// How many results a worker hands over at once: the calling thread wakes once per
/// batch rather than once per file.
const BATCH: usize = 16;

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
    let (sender, receiver) = mpsc::sync_channel::<Vec<(usize, R)>>(WAITING / BATCH);
    std::thread::scope(|scope| {
        for _ in 0..threads.max(1) {
            let sender = sender.clone();
            let (items, stop, work) = (&items, &stop, &work);
            scope.spawn(move || {
                let mut batch = Vec::with_capacity(BATCH);
                while !stop.load(Ordering::Relaxed) {
                    // A poisoned lock means another worker panicked: stop taking work.
                    let next = match items.lock() {
                        Ok(mut items) => items.next(),
                        Err(_) => None,
                    };
                    let Some((i, item)) = next else { break };
                    batch.push((i, work(item)));
                    if batch.len() == BATCH {
                        let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH));
                        if sender.send(full).is_err() {
                            return;
                        }
                    }
                }
                if !batch.is_empty() {
                    let _ = sender.send(batch);
                }
            });
        }
        drop(sender);
        let mut first_error = None;
        for (i, result) in receiver.into_iter().flatten() {
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

//! A bound on the documents waiting in tantivy's writer. tantivy queues up to 10,000
//! documents whatever their size, which is more than a small memory budget holds:
//! each [`ArticleDocument`](super::ArticleDocument) carries a [`QueueTicket`] for its
//! bytes, which tantivy drops with the document once it is indexed, and a producer
//! waits for room before handing over another.

use std::sync::{Arc, Condvar, Mutex, PoisonError};

/// The bytes of documents handed to tantivy and not yet indexed, and how many may be.
#[derive(Debug)]
pub struct DocumentQueue {
    waiting: Mutex<usize>,
    drained: Condvar,
    limit: usize,
}

impl DocumentQueue {
    /// A queue of at most `limit` bytes of documents (one document at least).
    pub fn new(limit: usize) -> Arc<DocumentQueue> {
        Arc::new(DocumentQueue {
            waiting: Mutex::new(0),
            drained: Condvar::new(),
            limit,
        })
    }

    /// Waits until a document of `bytes` fits (or the queue is empty), and counts it
    /// in until its ticket is dropped. tantivy drops every document it was handed,
    /// indexed or not (its queue goes when its indexing threads stop), so the wait
    /// ends.
    pub(super) fn enter(self: &Arc<DocumentQueue>, bytes: usize) -> QueueTicket {
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        while *waiting > 0 && *waiting + bytes > self.limit {
            waiting = self
                .drained
                .wait(waiting)
                .unwrap_or_else(PoisonError::into_inner);
        }
        *waiting += bytes;
        QueueTicket {
            queue: Arc::clone(self),
            bytes,
        }
    }

    /// The bytes of documents waiting now.
    #[cfg(test)]
    fn waiting(&self) -> usize {
        *self.waiting.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A document's place in a [`DocumentQueue`], given up when it is dropped.
#[derive(Debug)]
pub(super) struct QueueTicket {
    queue: Arc<DocumentQueue>,
    bytes: usize,
}

impl Drop for QueueTicket {
    fn drop(&mut self) {
        let mut waiting = self
            .queue
            .waiting
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *waiting = waiting.saturating_sub(self.bytes);
        self.queue.drained.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_producer_waits_until_tickets_are_given_up() {
        let queue = DocumentQueue::new(100);
        let first = queue.enter(60);
        // Alone, a document larger than the queue still enters.
        let (sender, receiver) = std::sync::mpsc::channel();
        let waiter = {
            let queue = Arc::clone(&queue);
            std::thread::spawn(move || {
                let ticket = queue.enter(60);
                sender.send(()).unwrap();
                ticket
            })
        };
        let early = receiver.recv_timeout(std::time::Duration::from_millis(100));
        assert!(early.is_err(), "entered while the queue was full");
        assert_eq!(queue.waiting(), 60);
        drop(first);
        receiver.recv().unwrap();
        let second = waiter.join().unwrap();
        assert_eq!(queue.waiting(), 60);
        drop(second);
        assert_eq!(queue.waiting(), 0);
        let huge = queue.enter(1_000);
        assert_eq!(queue.waiting(), 1_000);
        drop(huge);
    }
}

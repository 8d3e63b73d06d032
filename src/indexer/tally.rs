//! What a run counts of every article the index will hold, one after the other (those
//! it reads, then those it keeps): the keys of its lines, for learning boilerplate,
//! and the fingerprint of its story, for grouping copies. Both number the articles
//! alike, so that the `n`-th article's keys, fingerprint and story go together.

use crate::clean::line_counts::{CountedArticle, LineCounts};
use crate::copies::{Fingerprint, Grouper, Stories};
use std::io;
use std::path::Path;

/// The lines and fingerprints of a run's articles.
pub(super) struct Tally {
    /// The articles' lines.
    pub(super) lines: LineCounts,
    /// The articles' fingerprints.
    pub(super) copies: Grouper,
}

impl Tally {
    /// An empty tally whose lists go to files in `dir`, each sorted in runs of about
    /// `memory_bytes`.
    pub(super) fn new(dir: &Path, memory_bytes: usize) -> io::Result<Tally> {
        Ok(Tally {
            lines: LineCounts::new(dir, memory_bytes)?,
            copies: Grouper::new(dir, memory_bytes)?,
        })
    }

    /// Counts the next article: of `site`, the `order`-th of the corpus, with its
    /// sorted line `keys` and the fingerprint of its story.
    pub(super) fn add(
        &mut self,
        site: Option<u64>,
        order: u64,
        keys: &[u64],
        fingerprint: Option<&Fingerprint>,
    ) -> io::Result<CountedArticle> {
        let counted = self.lines.add(site, order, keys)?;
        let grouped = self.copies.add(fingerprint)?;
        if grouped != counted.index() {
            return Err(io::Error::other(
                "the lines and fingerprints of a run's articles disagree on their number",
            ));
        }
        Ok(counted)
    }

    /// The stories of the articles counted.
    pub(super) fn stories(&mut self) -> io::Result<Stories> {
        self.copies.stories()
    }
}

//! Between a run's two phases: the sites of folders, the line counts that give the
//! learned boilerplate, and which files the second phase writes.

use super::known::{Known, KnownArticle};
use super::listing::{corpus_file, Outcome, ReadRecord};
use super::phases::{Kept, LinesOf, Work};
use super::stamp::path_key;
use super::tally::Tally;
use super::RunStats;
use crate::clean::learned::{self, Learned};
use crate::clean::line_counts::{CountedArticle, LineCounts};
use crate::copies::Stories;
use crate::ingest::SiteHints;
use crate::schema::ArticleRecord;
use crate::spill::Spill;
use anyhow::Result;
use std::collections::{HashMap, HashSet};
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Whether the indexed file at `path` is gone: it lies under one of the run's
/// `roots` and is not among the indexed files the walk `seen`.
pub(super) fn vanished(path: &str, roots: &[PathBuf], seen: &HashSet<&str>) -> bool {
    roots.iter().any(|root| Path::new(path).starts_with(root)) && !seen.contains(path)
}

/// Gives the articles without a URL read in this run the site their folder's pages
/// with one name (by `hints` from the index and by this run's pages), which they
/// take when they are built too.
pub(super) fn give_folder_sites(
    reads: &mut Spill<ReadRecord>,
    hints: &SiteHints,
    counts: &mut LineCounts,
) -> io::Result<()> {
    for read in reads.records()? {
        let read = read?;
        let Outcome::Changed { articles, .. } = read.outcome else {
            continue;
        };
        let Some(source) = hints
            .site_for(&read.path)
            .and_then(|site| learned::site_hash(Some(site)))
        else {
            continue;
        };
        for article in articles {
            counts.set_site(CountedArticle::nth(article), source);
        }
    }
    Ok(())
}

/// Which of the index's articles a run keeps: those of files outside its roots, or
/// that the walk saw and the run neither replaces nor removes.
pub(super) struct Keeps<'a> {
    pub(super) seen: &'a HashSet<&'a str>,
    pub(super) replaced: &'a HashSet<&'a str>,
    pub(super) roots: &'a [PathBuf],
}

impl Keeps<'_> {
    fn keeps(&self, path: &str) -> bool {
        !vanished(path, self.roots, self.seen) && !self.replaced.contains(path)
    }

    /// Calls `each` with every article the run keeps and its number in the tally:
    /// those after the `first` ones the run read, in the order of the index.
    fn for_each(
        &self,
        known: &Known,
        first: u32,
        mut each: impl FnMut(u32, &KnownArticle) -> Result<()>,
    ) -> Result<()> {
        let mut n = first;
        known.for_each_article(|article| {
            if self.keeps(article.path) {
                each(n, &article)?;
                n += 1;
            }
            Ok(())
        })
    }
}

/// Counts the articles the index keeps (outside the run's roots, or unchanged)
/// after those the run read anew, counted as they were read: their lines (those
/// with a site, which alone learn) and their fingerprints.
pub(super) fn count_kept(tally: &mut Tally, known: &Known, keeps: &Keeps) -> Result<()> {
    let mut order = 0;
    let first = tally.lines.counted();
    keeps.for_each(known, first, |_, article| {
        let (site, keys) = match article.source {
            0 => (None, &[][..]),
            source => (Some(source), article.line_keys),
        };
        tally.add(site, order, keys, article.fingerprint.as_ref())?;
        order += 1;
        Ok(())
    })
}

/// The indexed articles of the files the walk saw and the run keeps whose learned
/// lines are no longer those they were cleaned with, or whose group of copies is no
/// longer theirs (in `stories`, numbered from `first`), by file: those files are
/// cleaned again. Two passes over the index, so that only those files' articles are
/// held. (An article of a file outside the run's roots keeps its group until that
/// file is indexed again.)
pub(super) fn stale_files(
    known: &Known,
    keeps: &Keeps,
    learned: &Learned,
    stories: &Stories,
    first: u32,
) -> Result<HashMap<Box<str>, Vec<ArticleRecord>>> {
    let mut stale: HashMap<Box<str>, Vec<ArticleRecord>> = HashMap::new();
    keeps.for_each(known, first, |n, article| {
        if keeps.seen.contains(article.path)
            && !stale.contains_key(article.path)
            && (article.learned_digest != learned.digest(article.source, article.line_keys)
                || article.story != stories.of(n))
        {
            stale.insert(article.path.into(), Vec::new());
        }
        Ok(())
    })?;
    if !stale.is_empty() {
        keeps.for_each(known, first, |n, article| {
            if let Some(records) = stale.get_mut(article.path) {
                records.push(ArticleRecord {
                    source: article.source,
                    line_keys: article.line_keys.to_vec(),
                    learned_digest: article.learned_digest,
                    fingerprint: article.fingerprint,
                    story: stories.of(n),
                });
            }
            Ok(())
        })?;
    }
    Ok(stale)
}

/// The files to index in the second phase, read back from the first phase's list as
/// the workers take them, and how many there are: the changed ones, and the
/// unchanged ones whose articles are `stale` (see [`stale_files`]).
pub(super) fn plan_writes<'r>(
    reads: &mut Spill<ReadRecord>,
    mut kept: HashMap<usize, Kept>,
    mut stale: HashMap<Box<str>, Vec<ArticleRecord>>,
    roots: &'r [Arc<Path>],
    stats: &mut RunStats,
) -> io::Result<(usize, impl Iterator<Item = io::Result<Work>> + Send + 'r)> {
    let (mut changed, mut recleaned) = (0, 0);
    for read in reads.records()? {
        let read = read?;
        match read.outcome {
            Outcome::Changed { .. } => changed += 1,
            Outcome::Unchanged => {
                recleaned += usize::from(stale.contains_key(path_key(&read.path).as_ref()));
            }
        }
    }
    stats.recleaned += recleaned;
    let work = reads.records()?.filter_map(move |read| {
        let work = |read: ReadRecord| -> io::Result<Option<Work>> {
            let (stamp, replaced, kept, lines) = match read.outcome {
                Outcome::Changed {
                    stamp,
                    replaced,
                    articles,
                } => {
                    let kept = kept.remove(&read.position).unwrap_or(Kept::Nothing);
                    (Some(stamp), replaced, kept, LinesOf::Counted(articles))
                }
                Outcome::Unchanged => match stale.remove(path_key(&read.path).as_ref()) {
                    Some(indexed) => (None, true, Kept::Nothing, LinesOf::Indexed(indexed)),
                    None => return Ok(None),
                },
            };
            Ok(Some(Work {
                file: corpus_file(read.path, roots)?,
                stamp,
                replaced,
                kept,
                lines,
            }))
        };
        read.and_then(work).transpose()
    });
    Ok((changed + recleaned, work))
}

//! Between a run's two phases: the sites of folders, the line counts that give the
//! learned boilerplate, and which files the second phase writes.

use super::known::KnownFile;
use super::phases::{keeps_old, ArticleLines, Kept, Read, Work};
use super::stamp::path_key;
use super::RunStats;
use crate::clean::learned::{self, Learned, LineCounts};
use crate::ingest::{CorpusFile, SiteHints};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Whether the indexed file at `path` is gone: it lies under one of the run's
/// `roots` and the walk did not see it.
pub(super) fn vanished(path: &str, roots: &[PathBuf], seen: &HashSet<Cow<str>>) -> bool {
    roots.iter().any(|root| Path::new(path).starts_with(root)) && !seen.contains(path)
}

/// Counts the articles without a URL read in this run under the site their folder's
/// pages with one name (by `hints` from the index and by this run's pages); returns
/// the hints, which give them that site when they are built.
pub(super) fn give_folder_sites(
    files: &[CorpusFile],
    reads: &mut [Read],
    mut hints: SiteHints,
) -> SiteHints {
    for (file, read) in files.iter().zip(reads.iter()) {
        if let Read::Changed { lines, .. } = read {
            for site in lines.iter().filter_map(|a| a.url_site.as_deref()) {
                hints.add(&file.path, site);
            }
        }
    }
    for (file, read) in files.iter().zip(reads.iter_mut()) {
        let Read::Changed { lines, .. } = read else {
            continue;
        };
        let Some(site) = hints.site_for(&file.path) else {
            continue;
        };
        let source = learned::site_hash(Some(site));
        for article in lines.iter_mut().filter(|a| a.url_site.is_none()) {
            article.source = source;
        }
    }
    hints
}

/// The line counts of every article the index will hold after this run: those it
/// keeps (outside the run's roots, or unchanged) and those read anew.
pub(super) fn count_lines<'a>(
    known: &'a HashMap<String, KnownFile>,
    files: &[CorpusFile],
    reads: &'a [Read],
    seen: &HashSet<Cow<str>>,
    roots: &[PathBuf],
) -> LineCounts<'a> {
    let replaced: HashSet<Cow<str>> = files
        .iter()
        .zip(reads)
        .filter(|(_, read)| !keeps_old(read))
        .map(|(file, _)| path_key(&file.path))
        .collect();
    let mut counts = LineCounts::default();
    for (path, file) in known {
        let stays = !vanished(path, roots, seen) && !replaced.contains(path.as_str());
        if stays {
            for article in file.articles.iter().filter(|a| a.source != 0) {
                counts.add(article.source, &article.line_keys[..]);
            }
        }
    }
    for read in reads {
        if let Read::Changed { lines, .. } = read {
            for article in lines {
                if let Some(source) = article.source {
                    counts.add(source, &article.keys[..]);
                }
            }
        }
    }
    counts
}

/// The files to index in the second phase, one at a time as the workers take them
/// (so that no second list of them is made beside `reads`), and how many there are:
/// the changed ones, and the unchanged ones whose articles' learned lines are no
/// longer those they were cleaned with.
pub(super) fn plan_writes<'a>(
    files: &'a [CorpusFile],
    reads: Vec<Read>,
    known: &'a HashMap<String, KnownFile>,
    learned: &Learned,
    stats: &mut RunStats,
) -> (usize, impl Iterator<Item = Work<'a>> + Send + 'a) {
    let stale: Vec<bool> = files
        .iter()
        .zip(&reads)
        .map(|(file, read)| {
            matches!(read, Read::Unchanged { .. })
                && known
                    .get(path_key(&file.path).as_ref())
                    .is_some_and(|indexed| {
                        indexed
                            .articles
                            .iter()
                            .any(|a| a.learned_digest != learned.digest(a.source, &a.line_keys))
                    })
        })
        .collect();
    let recleaned = stale.iter().filter(|&&s| s).count();
    stats.recleaned += recleaned;
    let changed = reads
        .iter()
        .filter(|r| matches!(r, Read::Changed { .. }))
        .count();
    let work =
        files
            .iter()
            .zip(reads)
            .zip(stale)
            .filter_map(move |((file, read), stale)| match read {
                Read::Changed {
                    stamp,
                    replaced,
                    kept,
                    lines,
                    ..
                } => Some(Work {
                    file,
                    stamp: Some(stamp),
                    replaced,
                    kept,
                    lines,
                }),
                Read::Unchanged { .. } if stale => {
                    let indexed = known.get(path_key(&file.path).as_ref())?;
                    Some(Work {
                        file,
                        stamp: None,
                        replaced: true,
                        kept: Kept::Nothing,
                        lines: indexed
                            .articles
                            .iter()
                            .map(|a| ArticleLines {
                                source: (a.source != 0).then_some(a.source),
                                url_site: None,
                                keys: a.line_keys.clone().into_boxed_slice(),
                            })
                            .collect(),
                    })
                }
                _ => None,
            });
    (changed + recleaned, work)
}

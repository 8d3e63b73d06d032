//! Between a run's two phases: the sites of folders, the line counts that give the
//! learned boilerplate, and which files the second phase writes.

use super::known::KnownFile;
use super::phases::{keeps_old, Kept, LinesOf, Read, Work};
use super::stamp::path_key;
use super::RunStats;
use crate::clean::learned::{self, Learned};
use crate::clean::line_counts::LineCounts;
use crate::ingest::{CorpusFile, SiteHints};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

/// Whether the indexed file at `path` is gone: it lies under one of the run's
/// `roots` and is not among the indexed files the walk `seen`.
pub(super) fn vanished(path: &str, roots: &[PathBuf], seen: &HashSet<&str>) -> bool {
    roots.iter().any(|root| Path::new(path).starts_with(root)) && !seen.contains(path)
}

/// Gives the articles without a URL read in this run the site their folder's pages
/// with one name (by `hints` from the index and by this run's pages), which they
/// take when they are built too.
pub(super) fn give_folder_sites(
    files: &[CorpusFile],
    reads: &[Read],
    hints: &SiteHints,
    counts: &mut LineCounts,
) {
    for (file, read) in files.iter().zip(reads) {
        let Read::Changed { lines, .. } = read else {
            continue;
        };
        let Some(source) = hints
            .site_for(&file.path)
            .and_then(|site| learned::site_hash(Some(site)))
        else {
            continue;
        };
        for article in lines.iter().filter(|a| !a.site_from_url) {
            counts.set_site(article.article, source);
        }
    }
}

/// Counts the lines of the articles the index keeps (outside the run's roots, or
/// unchanged) beside those the run read anew, counted as they were read.
pub(super) fn count_kept_lines(
    counts: &mut LineCounts,
    known: &HashMap<String, KnownFile>,
    files: &[CorpusFile],
    reads: &[Read],
    seen: &HashSet<&str>,
    roots: &[PathBuf],
) -> std::io::Result<()> {
    let replaced: HashSet<&str> = files
        .iter()
        .zip(reads)
        .filter(|(_, read)| !keeps_old(read))
        .filter_map(|(file, _)| known.get_key_value(path_key(&file.path).as_ref()))
        .map(|(path, _)| path.as_str())
        .collect();
    let mut order = 0;
    for (path, file) in known {
        let stays = !vanished(path, roots, seen) && !replaced.contains(path.as_str());
        if stays {
            for article in file.articles.iter().filter(|a| a.source != 0) {
                counts.add(Some(article.source), order, &article.line_keys)?;
                order += 1;
            }
        }
    }
    Ok(())
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
                } => Some(Work {
                    file,
                    stamp: Some(stamp),
                    replaced,
                    kept,
                    lines: lines
                        .iter()
                        .map(|counted| LinesOf::Counted(counted.article))
                        .collect(),
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
                            .map(|a| LinesOf::Indexed(a.line_keys.clone().into_boxed_slice()))
                            .collect(),
                    })
                }
                _ => None,
            });
    (changed + recleaned, work)
}

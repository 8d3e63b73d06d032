//! A run's files as its lists on disk hold them ([`Spill`](crate::spill::Spill)):
//! each file the walk found, and what the first phase made of each file the second
//! phase may write.

use crate::ingest::{CorpusFile, Format};
use crate::schema::FileStamp;
use crate::spill::{read_path, read_uint, write_path, write_uint, Record};
use std::io::{self, BufRead, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The walk's list holds each article file's path: its format and its root follow
/// from it.
impl Record for PathBuf {
    fn write(&self, out: &mut impl Write) -> io::Result<()> {
        write_path(out, self)
    }

    fn read(input: &mut impl BufRead) -> io::Result<PathBuf> {
        read_path(input)
    }
}

/// The article file at `path`, which the walk found under one of `roots`.
pub(super) fn corpus_file(path: PathBuf, roots: &[Arc<Path>]) -> io::Result<CorpusFile> {
    let unlisted = || io::Error::other(format!("{} was not walked", path.display()));
    let format = Format::of(&path).ok_or_else(unlisted)?;
    let root = roots.iter().find(|root| path.starts_with(root));
    let root = Arc::clone(root.ok_or_else(unlisted)?);
    Ok(CorpusFile { path, root, format })
}

/// A file the second phase may write, as the first phase left it on disk.
pub(super) struct ReadRecord {
    /// Its place in the walk, by which what was kept of it is found.
    pub(super) position: usize,
    pub(super) path: PathBuf,
    pub(super) outcome: Outcome,
}

/// What the first phase made of a file the second phase may write.
pub(super) enum Outcome {
    /// Indexed as it is (cleaned again if its learned lines changed).
    Unchanged,
    /// New or changed.
    Changed {
        stamp: FileStamp,
        /// Whether it replaces indexed articles.
        replaced: bool,
        /// Its articles as [`LineCounts`] counted them.
        articles: Range<u32>,
    },
}

impl Record for ReadRecord {
    fn write(&self, out: &mut impl Write) -> io::Result<()> {
        write_uint(out, self.position as u64)?;
        write_path(out, &self.path)?;
        match &self.outcome {
            Outcome::Unchanged => write_uint(out, 0),
            Outcome::Changed {
                stamp,
                replaced,
                articles,
            } => {
                write_uint(out, 1 + u64::from(*replaced))?;
                for value in [stamp.hash, stamp.problems, stamp.quick] {
                    write_uint(out, value)?;
                }
                write_uint(out, u64::from(articles.start))?;
                write_uint(out, u64::from(articles.end - articles.start))
            }
        }
    }

    fn read(input: &mut impl BufRead) -> io::Result<ReadRecord> {
        let position = usize::try_from(read_uint(input)?).map_err(io::Error::other)?;
        let path = read_path(input)?;
        let outcome = match read_uint(input)? {
            0 => Outcome::Unchanged,
            tag @ (1 | 2) => {
                let stamp = FileStamp {
                    hash: read_uint(input)?,
                    problems: read_uint(input)?,
                    quick: read_uint(input)?,
                };
                let number =
                    |input: &mut _| u32::try_from(read_uint(input)?).map_err(io::Error::other);
                let start = number(input)?;
                let count = number(input)?;
                Outcome::Changed {
                    stamp,
                    replaced: tag == 2,
                    articles: start..start.saturating_add(count),
                }
            }
            _ => {
                return Err(io::Error::other(
                    "an unknown outcome in the run's list of reads",
                ))
            }
        };
        Ok(ReadRecord {
            position,
            path,
            outcome,
        })
    }
}

//! A run's files as its lists on disk hold them ([`Spill`](super::spill::Spill)):
//! each file the walk found, and what the first phase made of each file the second
//! phase may write.

use crate::ingest::{CorpusFile, Format};
use crate::schema::FileStamp;
use crate::spill::{read_path, read_uint, write_path, write_uint, Record};
use std::io::{self, BufRead, Write};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// A file the walk found, as listed on disk.
pub(super) struct Listed {
    pub(super) path: PathBuf,
    /// Which of the run's roots it lies under.
    pub(super) root: u32,
    pub(super) format: Format,
}

impl Listed {
    /// The listing of `file`, one of the files found under `roots`.
    pub(super) fn of(file: CorpusFile, roots: &[Arc<Path>]) -> Listed {
        let root = roots.iter().position(|root| **root == *file.root);
        Listed {
            path: file.path,
            root: root.unwrap_or(0) as u32,
            format: file.format,
        }
    }

    /// The file listed, under its root among `roots`.
    pub(super) fn file(self, roots: &[Arc<Path>]) -> CorpusFile {
        let root = match roots.get(self.root as usize) {
            Some(root) => Arc::clone(root),
            None => Arc::from(self.path.parent().unwrap_or(Path::new(""))),
        };
        CorpusFile {
            path: self.path,
            root,
            format: self.format,
        }
    }
}

impl Record for Listed {
    fn write(&self, out: &mut impl Write) -> io::Result<()> {
        write_path(out, &self.path)?;
        write_uint(out, u64::from(self.root))?;
        let format = match self.format {
            Format::Text => 0,
            Format::JsonLines => 1,
            Format::Json => 2,
            Format::Html => 3,
        };
        out.write_all(&[format])
    }

    fn read(input: &mut impl BufRead) -> io::Result<Listed> {
        let path = read_path(input)?;
        let root = u32::try_from(read_uint(input)?).map_err(io::Error::other)?;
        let mut format = [0u8];
        input.read_exact(&mut format)?;
        let format = match format[0] {
            0 => Format::Text,
            1 => Format::JsonLines,
            2 => Format::Json,
            3 => Format::Html,
            _ => return Err(io::Error::other("an unknown format in the run's file list")),
        };
        Ok(Listed { path, root, format })
    }
}

/// A file the second phase may write, as the first phase left it on disk.
pub(super) struct ReadRecord {
    /// Its place in the walk, by which what was kept of it is found.
    pub(super) position: usize,
    pub(super) file: Listed,
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
        self.file.write(out)?;
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
        let file = Listed::read(input)?;
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
            file,
            outcome,
        })
    }
}

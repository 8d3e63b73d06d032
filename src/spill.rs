//! Lists that grow with the corpus (the files an index run walks, what its first
//! phase made of each, the sorted runs of counted lines) kept on disk instead of in
//! memory: records written one after the other to an unnamed temporary file and read
//! back in the same order. The kernel keeps a small list in its page cache, which is
//! not the process's own memory.

use rayon::slice::ParallelSliceMut;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

/// A record of a [`Spill`]: how it is written and read back.
pub(crate) trait Record: Sized {
    /// Writes the record.
    fn write(&self, out: &mut impl Write) -> io::Result<()>;
    /// Reads back a record [`Record::write`] wrote.
    fn read(input: &mut impl BufRead) -> io::Result<Self>;
}

/// Records of one kind on disk, appended and then read back in order.
pub(crate) struct Spill<T> {
    writer: BufWriter<File>,
    len: usize,
    record: PhantomData<T>,
}

impl<T: Record> Spill<T> {
    /// An empty list in an unnamed temporary file in `dir` (gone when dropped, or when
    /// the process dies).
    pub(crate) fn new(dir: &Path) -> io::Result<Spill<T>> {
        Ok(Spill {
            writer: BufWriter::with_capacity(1 << 16, tempfile::tempfile_in(dir)?),
            len: 0,
            record: PhantomData,
        })
    }

    /// Appends a record.
    pub(crate) fn push(&mut self, record: &T) -> io::Result<()> {
        record.write(&mut self.writer)?;
        self.len += 1;
        Ok(())
    }

    /// How many records it holds.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Its records from the first, read from disk as the iterator is advanced; more
    /// may still be pushed meanwhile (the iterator gives those written before it).
    pub(crate) fn records(&mut self) -> io::Result<Records<T>> {
        self.writer.flush()?;
        let file = self.writer.get_ref();
        let at = ReadAt {
            file: file.try_clone()?,
            offset: 0,
            end: file.metadata()?.len(),
        };
        Ok(Records {
            reader: BufReader::with_capacity(1 << 16, at),
            left: self.len,
            record: PhantomData,
        })
    }
}

/// Reads a file from its start up to `end` with positional reads, which leave the
/// position the writer appends at alone.
struct ReadAt {
    file: File,
    offset: u64,
    end: u64,
}

impl Read for ReadAt {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let left = usize::try_from(self.end - self.offset).unwrap_or(usize::MAX);
        let len = buffer.len().min(left);
        read_exact_at(&self.file, &mut buffer[..len], self.offset)?;
        self.offset += len as u64;
        Ok(len)
    }
}

/// The records of a [`Spill`], read in order.
pub(crate) struct Records<T> {
    reader: BufReader<ReadAt>,
    left: usize,
    record: PhantomData<T>,
}

impl<T: Record> Iterator for Records<T> {
    type Item = io::Result<T>;

    fn next(&mut self) -> Option<io::Result<T>> {
        if self.left == 0 {
            return None;
        }
        self.left -= 1;
        Some(T::read(&mut self.reader))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

/// A key and the number of the item that holds it (a line and an article).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Pair(pub(crate) u64, pub(crate) u32);

impl Record for Pair {
    fn write(&self, out: &mut impl Write) -> io::Result<()> {
        out.write_all(&self.0.to_le_bytes())?;
        out.write_all(&self.1.to_le_bytes())
    }

    fn read(input: &mut impl BufRead) -> io::Result<Pair> {
        let mut key = [0u8; 8];
        let mut item = [0u8; 4];
        input.read_exact(&mut key)?;
        input.read_exact(&mut item)?;
        Ok(Pair(u64::from_le_bytes(key), u32::from_le_bytes(item)))
    }
}

/// Pairs sorted within a memory bound: pushed in any order, sorted in runs that fit
/// and written as lists on disk, then merged, so that each key comes with the items
/// that hold it, in order.
pub(crate) struct SortedPairs {
    dir: PathBuf,
    /// Pairs not yet written to a run.
    run: Vec<Pair>,
    /// How many pairs a run holds.
    run_capacity: usize,
    /// Sorted runs written so far.
    runs: Vec<Spill<Pair>>,
}

impl SortedPairs {
    /// Pairs sorted in runs of about `memory_bytes` (at least 1,024 pairs), in files
    /// in `dir`.
    pub(crate) fn new(dir: &Path, memory_bytes: usize) -> SortedPairs {
        SortedPairs {
            dir: dir.to_path_buf(),
            run: Vec::new(),
            run_capacity: (memory_bytes / std::mem::size_of::<Pair>()).max(1024),
            runs: Vec::new(),
        }
    }

    /// Adds a pair.
    pub(crate) fn push(&mut self, pair: Pair) -> io::Result<()> {
        if self.run.len() >= self.run_capacity {
            self.write_run()?;
        }
        self.run.push(pair);
        Ok(())
    }

    /// How many runs went to disk.
    #[cfg(test)]
    pub(crate) fn runs_written(&self) -> usize {
        self.runs.len()
    }

    /// Sorts the pairs in memory and writes them as a run.
    fn write_run(&mut self) -> io::Result<()> {
        self.run.par_sort_unstable();
        let mut run = Spill::new(&self.dir)?;
        for pair in &self.run {
            run.push(pair)?;
        }
        self.runs.push(run);
        self.run.clear();
        Ok(())
    }

    /// Hands every pair to `each` in order, and empties the pairs.
    pub(crate) fn drain_sorted(
        &mut self,
        mut each: impl FnMut(Pair) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut run = std::mem::take(&mut self.run);
        if self.runs.is_empty() {
            run.par_sort_unstable();
            return run.into_iter().try_for_each(each);
        }
        if !run.is_empty() {
            self.run = run;
            self.write_run()?;
        }
        self.run = Vec::new();
        let mut runs = std::mem::take(&mut self.runs);
        let mut readers = runs
            .iter_mut()
            .map(Spill::records)
            .collect::<io::Result<Vec<_>>>()?;
        let mut heads = BinaryHeap::new();
        for (i, run) in readers.iter_mut().enumerate() {
            if let Some(pair) = run.next().transpose()? {
                heads.push(Reverse((pair, i)));
            }
        }
        while let Some(Reverse((pair, i))) = heads.pop() {
            each(pair)?;
            if let Some(next) = readers[i].next().transpose()? {
                heads.push(Reverse((next, i)));
            }
        }
        Ok(())
    }
}

/// Writes an unsigned integer in 1 to 10 bytes (LEB128): most of a run's numbers
/// are small.
pub(crate) fn write_uint(out: &mut impl Write, mut value: u64) -> io::Result<()> {
    let mut bytes = [0u8; 10];
    let mut len = 0;
    loop {
        let low = (value & 0x7f) as u8;
        value >>= 7;
        if value == 0 {
            bytes[len] = low;
            len += 1;
            break;
        }
        bytes[len] = low | 0x80;
        len += 1;
    }
    out.write_all(&bytes[..len])
}

/// Reads an integer [`write_uint`] wrote.
pub(crate) fn read_uint(input: &mut impl BufRead) -> io::Result<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let mut byte = [0u8];
        input.read_exact(&mut byte)?;
        value |= u64::from(byte[0] & 0x7f) << shift;
        if byte[0] & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidData,
        "a number of more than 64 bits in a run's list on disk",
    ))
}

/// Writes a path, its length first.
pub(crate) fn write_path(out: &mut impl Write, path: &Path) -> io::Result<()> {
    let bytes = path_bytes(path)?;
    write_uint(out, bytes.len() as u64)?;
    out.write_all(&bytes)
}

/// Reads a path [`write_path`] wrote.
pub(crate) fn read_path(input: &mut impl BufRead) -> io::Result<PathBuf> {
    let len = usize::try_from(read_uint(input)?).map_err(io::Error::other)?;
    let mut bytes = vec![0u8; len];
    input.read_exact(&mut bytes)?;
    bytes_path(bytes)
}

#[cfg(unix)]
fn path_bytes(path: &Path) -> io::Result<std::borrow::Cow<'_, [u8]>> {
    use std::os::unix::ffi::OsStrExt;
    Ok(path.as_os_str().as_bytes().into())
}

#[cfg(unix)]
fn bytes_path(bytes: Vec<u8>) -> io::Result<PathBuf> {
    use std::os::unix::ffi::OsStringExt;
    Ok(std::ffi::OsString::from_vec(bytes).into())
}

#[cfg(not(unix))]
fn path_bytes(path: &Path) -> io::Result<std::borrow::Cow<'_, [u8]>> {
    path.to_str()
        .map(|path| path.as_bytes().into())
        .ok_or_else(|| io::Error::other(format!("{} is not Unicode", path.display())))
}

#[cfg(not(unix))]
fn bytes_path(bytes: Vec<u8>) -> io::Result<PathBuf> {
    String::from_utf8(bytes)
        .map(PathBuf::from)
        .map_err(io::Error::other)
}

/// Fills `buffer` from `file` at `offset` without moving the file's position.
#[cfg(unix)]
pub(crate) fn read_exact_at(file: &File, buffer: &mut [u8], offset: u64) -> io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buffer, offset)
}

/// Fills `buffer` from `file` at `offset` without moving the file's position.
#[cfg(windows)]
pub(crate) fn read_exact_at(file: &File, mut buffer: &mut [u8], mut offset: u64) -> io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buffer.is_empty() {
        match file.seek_read(buffer, offset)? {
            0 => return Err(io::ErrorKind::UnexpectedEof.into()),
            n => {
                buffer = &mut buffer[n..];
                offset += n as u64;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    struct Entry(PathBuf, u64);

    impl Record for Entry {
        fn write(&self, out: &mut impl Write) -> io::Result<()> {
            write_path(out, &self.0)?;
            write_uint(out, self.1)
        }
        fn read(input: &mut impl BufRead) -> io::Result<Self> {
            Ok(Entry(read_path(input)?, read_uint(input)?))
        }
    }

    #[test]
    fn records_come_back_in_order_while_more_are_pushed() {
        let dir = tempfile::tempdir().unwrap();
        let mut spill = Spill::new(dir.path()).unwrap();
        let entries: Vec<Entry> = [0, 1, 127, 128, 300, u64::from(u32::MAX), u64::MAX]
            .into_iter()
            .enumerate()
            .map(|(n, value)| Entry(PathBuf::from(format!("a/é/{n}.txt")), value))
            .collect();
        for entry in &entries {
            spill.push(entry).unwrap();
        }
        let first: Vec<Entry> = spill.records().unwrap().map(Result::unwrap).collect();
        assert_eq!(first, entries);
        let mut reading = spill.records().unwrap();
        assert_eq!(reading.next().unwrap().unwrap(), entries[0]);
        spill.push(&Entry(PathBuf::from("late"), 9)).unwrap();
        assert_eq!(reading.count(), entries.len() - 1);
        let again: Vec<Entry> = spill.records().unwrap().map(Result::unwrap).collect();
        assert_eq!(again.len(), entries.len() + 1);
        assert_eq!(again[entries.len()], Entry(PathBuf::from("late"), 9));
        assert_eq!(spill.len(), entries.len() + 1);
    }

    #[test]
    fn a_cut_record_is_an_error() {
        let mut bytes = Vec::new();
        write_uint(&mut bytes, 1 << 40).unwrap();
        bytes.pop();
        assert!(read_uint(&mut bytes.as_slice()).is_err());
    }
}

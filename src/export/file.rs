//! The files an export writes, staged so that a failed export leaves nothing behind.

use anyhow::{Context, Result};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A file an export writes: staged as a temporary file beside it (removed if the
/// export fails) and moved into place once complete, so that a failed export leaves
/// no half-written file and an older export of the same name stays whole. A file
/// that is not a regular file (`/dev/stdout`, a named pipe) is written directly.
pub struct ExportFile {
    writer: io::BufWriter<Sink>,
    path: PathBuf,
}

enum Sink {
    Staged(tempfile::NamedTempFile),
    Direct(std::fs::File),
}

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self {
            Sink::Staged(file) => file.write(bytes),
            Sink::Direct(file) => file.write(bytes),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::Staged(file) => file.flush(),
            Sink::Direct(file) => file.flush(),
        }
    }
}

impl ExportFile {
    /// Where the export's bytes go.
    pub fn writer(&mut self) -> &mut impl Write {
        &mut self.writer
    }

    /// Opens `path` for an export: a staged file beside it, or the file itself when
    /// it is not a regular file.
    pub fn create(path: &Path) -> Result<ExportFile> {
        let opening = || format!("opening {}", path.display());
        let sink = if std::fs::metadata(path).is_ok_and(|meta| !meta.is_file()) {
            let file = std::fs::File::options().write(true).open(path);
            Sink::Direct(file.with_context(opening)?)
        } else {
            let name = path
                .file_name()
                .with_context(|| format!("{} does not name a file", path.display()))?;
            let folder = path.parent().filter(|p| !p.as_os_str().is_empty());
            let mut prefix = std::ffi::OsString::from(".");
            prefix.push(name);
            let staged = tempfile::Builder::new()
                .prefix(&prefix)
                .suffix(".partial")
                .tempfile_in(folder.unwrap_or(Path::new(".")));
            Sink::Staged(staged.with_context(opening)?)
        };
        Ok(ExportFile {
            writer: io::BufWriter::new(sink),
            path: path.to_path_buf(),
        })
    }

    /// Flushes the file and moves it into place.
    pub fn finish(self) -> Result<()> {
        let writing = || format!("writing {}", self.path.display());
        let sink = self
            .writer
            .into_inner()
            .map_err(|e| e.into_error())
            .with_context(writing)?;
        if let Sink::Staged(staged) = sink {
            staged
                .persist(&self.path)
                .map_err(|e| e.error)
                .with_context(writing)?;
        }
        Ok(())
    }
}

//! Starting `dateline` as a process to watch (a server, runs that race), optionally
//! under limits the shell sets before it becomes `dateline`. Shared by the tests and
//! the server's load test.

use std::path::Path;
use std::process::Command;

/// A limit set on the process before it starts.
#[derive(Debug, Clone, Copy)]
pub enum Limit {
    /// Open files (`ulimit -n`).
    OpenFiles(u32),
    /// The largest file written, in blocks of 512 bytes (`ulimit -f` in dash), with
    /// SIGXFSZ ignored, so that writing past it fails as on a full disk.
    FileBlocks(u64),
}

/// `binary` as a command under `limits`: the shell sets them and then becomes it.
pub fn under_limits(binary: &Path, limits: &[Limit]) -> Command {
    if limits.is_empty() {
        return Command::new(binary);
    }
    let mut script: Vec<String> = limits
        .iter()
        .map(|limit| match limit {
            Limit::OpenFiles(n) => format!("ulimit -n {n} || exit 99"),
            Limit::FileBlocks(blocks) => format!("trap '' XFSZ; ulimit -f {blocks} || exit 99"),
        })
        .collect();
    script.push("exec \"$0\" \"$@\"".to_string());
    let mut shell = Command::new("/bin/sh");
    shell.arg("-c").arg(script.join("; ")).arg(binary);
    shell
}

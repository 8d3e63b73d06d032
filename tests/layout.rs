//! The shape of the code that its tests can hold: only the modules that must touch
//! tantivy do, so that an upgrade of it changes few files.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)] // tests fail by panicking

use std::path::{Path, PathBuf};

/// The modules that may name tantivy: the schema and its codec, the writer, the read
/// side and the snippets.
const TANTIVY_MODULES: &[&str] = &["schema/", "indexer/", "search.rs", "search/", "snippet.rs"];

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn only_the_index_modules_touch_tantivy() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut strays = Vec::new();
    for file in files {
        let relative = file
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if TANTIVY_MODULES.iter().any(|m| relative.starts_with(m)) {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            if code.contains("tantivy") {
                strays.push(format!("src/{relative}:{}: {}", n + 1, line.trim()));
            }
        }
    }
    assert!(
        strays.is_empty(),
        "tantivy outside its modules:\n{}",
        strays.join("\n")
    );
}

//! The README's examples are true: every `$ dateline ...` line of its `console` blocks
//! is run, in order, in a folder holding a copy of the sample corpus, and what it
//! prints must be what the README shows (timings, sizes, ids and scores aside).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::copy_dir;
use regex::Regex;
use std::path::Path;

const README: &str = include_str!("../README.md");

/// One example: the command line and the output shown under it.
struct Example {
    command: String,
    expected: String,
}

fn examples() -> Vec<Example> {
    let block = Regex::new(r"(?s)```console\n(.*?)\n```").unwrap();
    let mut examples = Vec::new();
    for captures in block.captures_iter(README) {
        for chunk in captures[1].split("$ ").filter(|c| !c.is_empty()) {
            let (command, expected) = chunk.split_once('\n').unwrap_or((chunk, ""));
            examples.push(Example {
                command: command.to_string(),
                expected: expected.to_string(),
            });
        }
    }
    examples
}

/// Splits a command line as a POSIX shell would for the quoting the README uses.
fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                word.extend(chars.by_ref().take_while(|&c| c != '\''));
            }
            '"' => {
                in_word = true;
                word.extend(chars.by_ref().take_while(|&c| c != '"'));
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

fn normalize(text: &str) -> String {
    let rules = [
        (r"\(\d+\.\d+ s\)", "(TIME)"),
        (r"index size: .*", "index size: SIZE"),
        (r#""size_bytes": \d+"#, r#""size_bytes": SIZE"#),
        (r#""id": "[0-9a-f]{16}(-\d+)?""#, r#""id": "ID""#),
        (r#""score": [0-9.e-]+"#, r#""score": SCORE"#),
    ];
    let mut text = text.trim_end().to_string();
    for (pattern, replacement) in rules {
        text = Regex::new(pattern)
            .unwrap()
            .replace_all(&text, replacement)
            .into_owned();
    }
    text
}

/// A folder laid out like the repository for the examples: the sample corpus and the
/// evaluation set.
fn corpus_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(
        &root.join("sample-corpus"),
        &dir.path().join("sample-corpus"),
    );
    copy_dir(&root.join("tests/eval"), &dir.path().join("tests/eval"));
    dir
}

fn run(words: &[String], dir: &Path) -> std::process::Output {
    assert_eq!(
        words[0], "dateline",
        "README examples run dateline: {words:?}"
    );
    common::dateline_in(dir, &[])
        .args(&words[1..])
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

#[test]
fn readme_examples_print_what_the_readme_shows() {
    let examples = examples();
    assert!(
        examples.len() >= 8,
        "found only {} examples",
        examples.len()
    );
    let dir = corpus_copy();
    for example in examples {
        let output = run(&shell_words(&example.command), dir.path());
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            normalize(&printed),
            normalize(&example.expected),
            "README example `{}` printed something else",
            example.command
        );
        // An error is one line on standard error; a note (`dateline: note: ...`) is not.
        let error_shown = example.expected.starts_with("dateline: ")
            && !example.expected.starts_with("dateline: note: ");
        assert_eq!(
            output.status.code() == Some(2),
            error_shown,
            "`{}` exited with {:?}",
            example.command,
            output.status
        );
    }
}

#[test]
fn set_up_commands_work_and_ci_runs_the_test_command() {
    let setup =
        Regex::new(r"(?m)^cargo run --release -- (.+) && cargo run --release -- (.+)$").unwrap();
    let captures = setup
        .captures(README)
        .expect("README gives the set-up command");
    let dir = corpus_copy();
    let mut outputs = Vec::new();
    for args in [&captures[1], &captures[2]] {
        let mut words = vec!["dateline".to_string()];
        words.extend(shell_words(args));
        let output = run(&words, dir.path());
        assert!(
            output.status.success(),
            "`dateline {args}` failed: {output:?}"
        );
        outputs.push(output);
    }
    let shown = String::from_utf8_lossy(&outputs[1].stdout);
    assert!(
        shown.contains(" match (") && shown.contains("(showing 1-10)"),
        "{shown}"
    );

    assert!(
        README.contains("```sh\ncargo test\n```"),
        "README gives `cargo test`"
    );
    let ci =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/run")).unwrap();
    assert!(
        ci.lines().any(|l| l.starts_with("cargo test")),
        ".ci/run runs the tests"
    );
}

#[test]
fn shell_words_follow_the_quoting_the_readme_uses() {
    assert_eq!(
        shell_words(r#"dateline search '"Tengri Copper"' -n 3"#),
        ["dateline", "search", "\"Tengri Copper\"", "-n", "3"]
    );
    assert_eq!(
        shell_words("dateline search 'a OR b'"),
        ["dateline", "search", "a OR b"]
    );
}

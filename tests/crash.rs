//! `dateline index` under stress: killed at any moment, run twice at once, searched
//! while it runs, out of disk space, or sharing its folder with a user's file. Searches
//! always answer from the last commit, and the next complete run leaves the index equal
//! to a fresh index of the corpus.
#![allow(clippy::panic, clippy::expect_used, clippy::unwrap_used)] // tests fail by panicking

mod common;

use common::{parse_results, Limit, Run, Sandbox};
use std::collections::BTreeSet;
use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::thread::sleep;
use std::time::{Duration, Instant};

/// Longest a spawned index run may take before the test gives up on it.
const RUN_DEADLINE: Duration = Duration::from_secs(120);

/// The writer lock tantivy holds in the index folder while a run writes.
const WRITER_LOCK: &str = ".tantivy-writer.lock";

/// Invented words the generated articles are made of.
const WORDS: &str = "\
    harbour ferry brine quarry orchard tannery granary sluice mill kiln levee marsh \
    pasture barley millet flax copper tin salt wool ledger tariff council magistrate \
    warden ferryman cooper miller weaver drover tanner smelter surveyor reeve bailiff \
    clerk engineer pilot dredger barge wharf bridge canal reservoir aqueduct terrace \
    vineyard beehive flood frost drought gale thaw harvest auction strike census toll \
    levy dispute petition inquiry repair closure opening delay shortage surplus rose \
    fell doubled halved stalled resumed widened narrowed approved rejected delayed \
    northern southern eastern western upper lower old new quiet crowded muddy dry cold \
    early late Velmora Ostrik Tavren Quillon Marsk Brenhold Ysolde Karvath Dunmere \
    Pellistor Orvane Saltreach Hethmoor Lindqvale Corrabay";

/// A stream of pseudo-random numbers (splitmix64) from a seed, so that every run of
/// the tests builds the same corpus.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `low..=high`.
    fn between(&mut self, low: usize, high: usize) -> usize {
        low + (self.next() % (high - low + 1) as u64) as usize
    }

    fn word(&mut self) -> &'static str {
        static VOCABULARY: OnceLock<Vec<&str>> = OnceLock::new();
        let words = VOCABULARY.get_or_init(|| WORDS.split_whitespace().collect());
        words[self.between(0, words.len() - 1)]
    }

    /// `count` words joined by spaces.
    fn words(&mut self, count: usize) -> String {
        (0..count)
            .map(|_| self.word())
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// A sentence of reporting, capitalised and ended by a full stop.
    fn sentence(&mut self) -> String {
        let n = self.between(8, 16);
        let words = self.words(n);
        let mut chars = words.chars();
        let first = chars.next().unwrap().to_uppercase();
        format!("{first}{} said the {}.", chars.as_str(), self.word())
    }

    /// A headline of five to nine words, told apart by `serial`.
    fn title(&mut self, serial: usize) -> String {
        let n = self.between(4, 8);
        let words = self.words(n);
        let mut chars = words.chars();
        let first = chars.next().unwrap().to_uppercase();
        format!("{first}{} {serial}", chars.as_str())
    }

    /// A day between 2001 and 2024, as `YYYY-MM-DD`.
    fn date(&mut self) -> String {
        format!(
            "{}-{:02}-{:02}",
            self.between(2001, 2024),
            self.between(1, 12),
            self.between(1, 28)
        )
    }

    /// Two to four paragraphs of sentences.
    fn body(&mut self) -> String {
        let paragraphs = self.between(2, 4);
        (0..paragraphs)
            .map(|_| {
                let sentences = self.between(2, 4);
                (0..sentences)
                    .map(|_| self.sentence())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

/// A text article with a header block; every fourth one ends with the line its desk
/// prints under each story, which the index learns as boilerplate.
fn text_article(seed: u64, serial: usize, desk: usize) -> String {
    let mut dice = Dice(seed);
    let title = dice.title(serial);
    let date = dice.date();
    let body = dice.body();
    let footer = if serial.is_multiple_of(4) {
        format!("\n\nThe Desk {desk} Courier is printed on the Velmora wharf.\n")
    } else {
        "\n".to_string()
    };
    format!("Title: {title}\nDate: {date}\n\n{body}{footer}")
}

/// A JSON lines feed of `lines` articles.
fn feed(seed: u64, first_serial: usize, lines: usize) -> String {
    let mut dice = Dice(seed);
    let mut out = String::new();
    for i in 0..lines {
        let article = serde_json::json!({
            "title": dice.title(first_serial + i),
            "date": dice.date(),
            "source": "Corrabay Wire",
            "text": dice.body(),
        });
        out.push_str(&article.to_string());
        out.push('\n');
    }
    out
}

/// The size of a generated corpus.
#[derive(Debug, Clone, Copy)]
struct Size {
    /// Text articles, spread over six desk folders.
    texts: usize,
    /// JSON lines feeds.
    feeds: usize,
    /// Articles in each feed.
    lines: usize,
}

impl Size {
    /// The size scaled by `factor`.
    fn times(self, factor: usize) -> Size {
        Size {
            texts: self.texts * factor,
            feeds: self.feeds,
            lines: self.lines * factor,
        }
    }

    fn articles(self) -> usize {
        self.texts + self.feeds * self.lines
    }
}

/// Enough articles for a debug build to take a second or two to index them.
const BIG: Size = Size {
    texts: 3000,
    feeds: 2,
    lines: 300,
};

/// Writes a corpus of `size` into `rel` inside the sandbox (seeded by `seed`, so two
/// corpora with different seeds differ); returns its path.
fn write_corpus(sb: &Sandbox, rel: &str, seed: u64, size: Size) -> PathBuf {
    let root = sb.join(rel);
    for serial in 0..size.texts {
        let desk = serial % 6;
        sb.write(
            format!("{rel}/desk-{desk}/story-{serial:05}.txt"),
            text_article(seed * 1_000_003 + serial as u64, serial, desk),
        );
    }
    for k in 0..size.feeds {
        sb.write(
            format!("{rel}/wire/feed-{k}.jsonl"),
            feed(seed * 7919 + k as u64, 100_000 + k * size.lines, size.lines),
        );
    }
    root
}

/// The `dateline` binary as a plain command, with a cleared environment, run in the
/// sandbox folder.
fn dateline(sb: &Sandbox) -> Command {
    sb.process(&[])
}

/// Starts `dateline index ROOTS... --index INDEX --threads 2`, its output captured.
fn spawn_index(sb: &Sandbox, index: &Path, roots: &[&Path]) -> Child {
    dateline(sb)
        .arg("index")
        .args(roots)
        .arg("--index")
        .arg(index)
        .args(["--threads", "2", "--json"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting dateline index")
}

/// Waits for a spawned run and collects what it did; kills it and fails past
/// [`RUN_DEADLINE`].
#[track_caller]
fn finish(mut child: Child) -> Run {
    // Drain both pipes while waiting, so that a run that prints much never blocks.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut bytes = Vec::new();
            if let Some(mut pipe) = pipe {
                pipe.read_to_end(&mut bytes)
                    .expect("reading dateline's output");
            }
            bytes
        })
    };
    let stdout = drain(
        child
            .stdout
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let stderr = drain(
        child
            .stderr
            .take()
            .map(|p| Box::new(p) as Box<dyn Read + Send>),
    );
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for dateline") {
            break status;
        }
        if started.elapsed() > RUN_DEADLINE {
            let _ = child.kill();
            let _ = child.wait();
            panic!("dateline ran for more than {RUN_DEADLINE:?}");
        }
        sleep(Duration::from_millis(5));
    };
    let stdout = stdout.join().expect("reading dateline's output");
    let stderr = stderr.join().expect("reading dateline's output");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stdout_bytes: stdout,
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Runs `dateline index ROOTS... --index INDEX --threads 2` to its end.
fn index(sb: &Sandbox, index: &Path, roots: &[&Path]) -> Run {
    finish(spawn_index(sb, index, roots))
}

/// Runs an index run that must succeed, and checks that it says nothing but its
/// summary.
#[track_caller]
fn index_ok(sb: &Sandbox, index_dir: &Path, roots: &[&Path]) -> Run {
    let run = index(sb, index_dir, roots);
    run.expect_code(0);
    assert!(run.stderr.is_empty(), "{run:#?}");
    run.summary();
    run
}

/// Runs `dateline search --index INDEX ARGS...` to its end.
fn search(sb: &Sandbox, index: &Path, args: &[&str]) -> Run {
    let mut cmd = dateline(sb);
    cmd.arg("search")
        .args(args)
        .arg("--index")
        .arg(index)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    finish(cmd.spawn().expect("starting dateline search"))
}

/// How many articles the index holds, by `search '*'`.
#[track_caller]
fn count(sb: &Sandbox, index: &Path) -> usize {
    let run = search(sb, index, &["*", "--json", "--limit", "1"]);
    assert_no_panic(&run);
    parse_results(&run).total
}

/// What identifies an article to a reader: file, headline and date.
type Key = (String, String, Option<String>);

/// Every article of the index as (path, title, date), sorted, paged through
/// `search '*' --json`; checks that the pages add up to the total.
#[track_caller]
fn every_article(sb: &Sandbox, index: &Path) -> Vec<Key> {
    let mut keys = Vec::new();
    let mut total = None;
    loop {
        let offset = keys.len().to_string();
        let run = search(
            sb,
            index,
            &["*", "--json", "--limit", "1000", "--offset", &offset],
        );
        assert_no_panic(&run);
        let results = parse_results(&run);
        assert_eq!(
            *total.get_or_insert(results.total),
            results.total,
            "the index changed while it was read"
        );
        if results.hits.is_empty() {
            break;
        }
        keys.extend(
            results
                .hits
                .into_iter()
                .map(|hit| (hit.path, hit.title, hit.date)),
        );
        if keys.len() >= results.total {
            break;
        }
    }
    assert_eq!(keys.len(), total.unwrap_or(0), "pages do not add up");
    keys.sort();
    keys
}

/// Builds a fresh index of `roots` in a new folder and returns its articles.
#[track_caller]
fn fresh_articles(sb: &Sandbox, name: &str, roots: &[&Path]) -> Vec<Key> {
    let dir = sb.join(name);
    index_ok(sb, &dir, roots);
    every_article(sb, &dir)
}

/// Fails when the run panicked.
#[track_caller]
fn assert_no_panic(run: &Run) {
    assert!(
        !run.stderr.contains("panicked at"),
        "dateline panicked: {run:#?}"
    );
}

/// Whether `index` holds a committed dateline index (its marker and tantivy's
/// metadata).
fn is_committed(index: &Path) -> bool {
    index.join(dateline::schema::MARKER_FILE).is_file() && index.join("meta.json").is_file()
}

/// The file names in `dir`.
fn file_names(dir: &Path) -> BTreeSet<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

/// Changes a few files of a corpus written by [`write_corpus`]: rewrites some text
/// articles, adds new ones, deletes one and rewrites a feed; `round` makes each change
/// different.
fn edit_corpus(sb: &Sandbox, rel: &str, size: Size, round: usize) {
    let seed = 50_000 + round as u64 * 100;
    for i in 0..3 {
        let serial = (round * 37 + i * 11) % size.texts;
        let desk = serial % 6;
        sb.write(
            format!("{rel}/desk-{desk}/story-{serial:05}.txt"),
            text_article(seed + i as u64, serial, desk),
        );
    }
    for i in 0..2 {
        let serial = 90_000 + round * 10 + i;
        sb.write(
            format!("{rel}/desk-extra/story-{serial:05}.txt"),
            text_article(seed + 10 + i as u64, serial, 9),
        );
    }
    let gone = (round * 53 + 5) % size.texts;
    let _ = fs::remove_file(sb.join(format!("{rel}/desk-{}/story-{gone:05}.txt", gone % 6)));
    if size.feeds > 0 {
        sb.write(
            format!("{rel}/wire/feed-{}.jsonl", round % size.feeds),
            feed(seed + 20, 200_000 + round * 1000, size.lines / 2 + round),
        );
    }
}

/// When the kill test stops a run.
#[derive(Debug, Clone, Copy)]
enum KillAt {
    /// This many milliseconds after the start: before the index folder, its marker or
    /// tantivy's first metadata may exist.
    Ms(u64),
    /// This many thousandths of the time the last uninterrupted run took; past 1000 the
    /// run may finish, so that it commits and the next runs are incremental.
    Permille(u32),
}

/// The kills, in order: first over the first build, one late enough to let it finish,
/// then over incremental runs.
const KILLS: [KillAt; 24] = {
    use KillAt::{Ms, Permille};
    [
        Ms(1),
        Permille(500),
        Ms(8),
        Permille(950),
        Permille(120),
        Ms(3),
        Permille(800),
        Permille(1500),
        Ms(15),
        Permille(300),
        Permille(990),
        Permille(60),
        Ms(20),
        Permille(700),
        Permille(1200),
        Permille(400),
        Ms(5),
        Permille(880),
        Permille(200),
        Permille(1050),
        Ms(11),
        Permille(600),
        Permille(30),
        Permille(940),
    ]
};

/// Lets `child` run for `delay` and kills it; returns how long it took when it ended
/// on its own first.
fn kill_after(child: &mut Child, delay: Duration) -> Option<Duration> {
    let started = Instant::now();
    let mut finished = None;
    while started.elapsed() < delay {
        if child.try_wait().unwrap().is_some() {
            finished = Some(started.elapsed());
            break;
        }
        sleep(Duration::from_millis(1).min(delay));
    }
    let _ = child.kill();
    finished
}

#[test]
fn kill_9_at_any_moment_leaves_an_index_that_the_next_run_completes() {
    let sb = Sandbox::new();
    let corpus = write_corpus(&sb, "corpus", 1, BIG);

    // One full run on a scratch index gives the span to spread the first kills over.
    let started = Instant::now();
    index_ok(&sb, &sb.join("scratch"), &[&corpus]);
    let mut span = started.elapsed();
    fs::remove_dir_all(sb.join("scratch")).unwrap();

    let index_dir = sb.index_dir();
    let mut finished = 0;
    for (round, kill) in KILLS.into_iter().enumerate() {
        // Once the first build is in, every run has a few changes to index.
        if finished > 0 {
            edit_corpus(&sb, "corpus", BIG, round);
        }
        let delay = match kill {
            KillAt::Ms(ms) => Duration::from_millis(ms),
            KillAt::Permille(permille) => span * permille / 1000,
        };
        let mut child = spawn_index(&sb, &index_dir, &[&corpus]);
        let took = kill_after(&mut child, delay);
        let run = finish(child);
        assert_no_panic(&run);
        match took {
            Some(took) => {
                run.expect_code(0);
                finished += 1;
                span = took;
            }
            // A run that outlives the estimate shows it is too short.
            None if delay >= span => span = delay * 3 / 2,
            None => {}
        }

        let answer = search(&sb, &index_dir, &["*", "--json", "--limit", "1"]);
        assert_no_panic(&answer);
        if is_committed(&index_dir) {
            parse_results(&answer);
        } else {
            answer.expect_code(2);
            let line = answer.single_error_line();
            assert!(line.contains("dateline index"), "{answer:#?}");
        }
    }
    eprintln!(
        "{finished} of {} runs finished before their kill",
        KILLS.len()
    );

    index_ok(&sb, &index_dir, &[&corpus]);
    let resumed = every_article(&sb, &index_dir);
    let fresh = fresh_articles(&sb, "fresh", &[&corpus]);
    assert!(
        resumed == fresh,
        "the index after the kills differs from a fresh one: {} only after the kills, {} only fresh",
        difference(&resumed, &fresh),
        difference(&fresh, &resumed),
    );
}

/// How many of `a`'s keys `b` lacks, with the first few.
fn difference(a: &[Key], b: &[Key]) -> String {
    let b: BTreeSet<&Key> = b.iter().collect();
    let missing: Vec<&Key> = a.iter().filter(|k| !b.contains(k)).collect();
    format!(
        "{} (e.g. {:?})",
        missing.len(),
        &missing[..missing.len().min(3)]
    )
}

#[test]
fn a_second_index_run_is_refused_while_one_is_running() {
    let sb = Sandbox::new();
    let index_dir = sb.index_dir();
    // On a machine fast enough to finish the first run before the second starts, try
    // again with a bigger corpus.
    for factor in [1, 2, 4, 8] {
        let rel = format!("corpus-{factor}");
        let corpus = write_corpus(&sb, &rel, 2, BIG.times(factor));
        if index_dir.exists() {
            fs::remove_dir_all(&index_dir).unwrap();
        }
        let mut first = spawn_index(&sb, &index_dir, &[&corpus]);
        let started = Instant::now();
        while !index_dir.join(WRITER_LOCK).exists()
            && first.try_wait().unwrap().is_none()
            && started.elapsed() < RUN_DEADLINE
        {
            sleep(Duration::from_millis(2));
        }
        let second = index(&sb, &index_dir, &[&corpus]);
        let first_still_running = first.try_wait().unwrap().is_none();
        let first = finish(first);
        assert_no_panic(&first);
        assert_no_panic(&second);
        first.expect_code(0);
        if second.code == 0 && !first_still_running {
            // The first run may have ended before the second took the lock.
            eprintln!(
                "the first run ended too soon with {factor}x the corpus; trying a bigger one"
            );
            continue;
        }
        second.expect_code(2);
        let line = second.single_error_line();
        assert!(
            line.contains("in use by another `dateline index`"),
            "{second:#?}"
        );
        assert!(
            line.contains(&index_dir.display().to_string()),
            "{second:#?}"
        );
        assert_eq!(
            every_article(&sb, &index_dir),
            fresh_articles(&sb, &format!("fresh-{factor}"), &[&corpus])
        );
        return;
    }
    panic!("every first run ended before a second one could start");
}

#[test]
fn searches_answer_from_the_last_commit_while_an_index_run_goes_on() {
    let sb = Sandbox::new();
    let index_dir = sb.index_dir();
    let small = Size {
        texts: 300,
        feeds: 1,
        lines: 50,
    };
    let a = write_corpus(&sb, "a", 3, small);
    index_ok(&sb, &index_dir, &[&a]);
    let after_a = count(&sb, &index_dir);
    assert_eq!(after_a, small.articles());

    let b = write_corpus(&sb, "b", 4, BIG);
    let both = after_a + BIG.articles();
    let mut run = spawn_index(&sb, &index_dir, &[&a, &b]);
    let mut searches = 0;
    let mut while_running = 0;
    loop {
        let running = run.try_wait().unwrap().is_none();
        if !running && searches >= 10 {
            break;
        }
        let answer = search(&sb, &index_dir, &["*", "--json", "--limit", "1"]);
        assert_no_panic(&answer);
        answer.expect_code(0);
        let total = parse_results(&answer).total;
        assert!(
            total == after_a || total == both,
            "a search found {total} articles, neither the {after_a} of the first commit nor the {both} of the second"
        );
        searches += 1;
        while_running += usize::from(running && run.try_wait().unwrap().is_none());
        sleep(Duration::from_millis(20));
    }
    eprintln!("{searches} searches, {while_running} of them during the run");
    let run = finish(run);
    run.expect_code(0);
    assert_eq!(count(&sb, &index_dir), both);
}

/// Runs `dateline index ROOTS... --index INDEX` with files limited to `blocks` blocks
/// of 512 bytes (the unit of `ulimit -f` in dash, /bin/sh on Debian) and SIGXFSZ
/// ignored, so that writing past the limit fails with "File too large" as on a full
/// disk.
fn index_with_file_limit(sb: &Sandbox, index: &Path, roots: &[&Path], blocks: u64) -> Run {
    let mut cmd = sb.process(&[Limit::FileBlocks(blocks)]);
    cmd.arg("index")
        .args(roots)
        .arg("--index")
        .arg(index)
        .args(["--threads", "2"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    finish(cmd.spawn().expect("starting /bin/sh"))
}

/// Indexes a small corpus A, then runs out of disk space while adding a big corpus B,
/// and checks what must hold however the error is worded: one error line and exit
/// status 2, searches still answer with exactly A's articles, and the next run without
/// the limit indexes A and B as a fresh run would and clears what the failed run left.
/// Returns the failed run.
fn run_out_of_disk(sb: &Sandbox) -> Run {
    let index_dir = sb.index_dir();
    let small = Size {
        texts: 60,
        feeds: 1,
        lines: 20,
    };
    let a = write_corpus(sb, "a", 5, small);
    index_ok(sb, &index_dir, &[&a]);
    let before = every_article(sb, &index_dir);
    assert_eq!(before.len(), small.articles());
    let files_before = file_names(&index_dir);

    let b = write_corpus(sb, "b", 6, BIG);
    // 64 KiB (128 KiB in a shell that counts 1024-byte blocks): far less than the
    // stored text of B's articles.
    let full = index_with_file_limit(sb, &index_dir, &[&a, &b], 128);
    assert_no_panic(&full);
    full.expect_code(2);
    full.single_error_line();
    assert_eq!(every_article(sb, &index_dir), before);
    let left_behind: BTreeSet<String> = file_names(&index_dir)
        .difference(&files_before)
        .cloned()
        .collect();
    // The failed run removed what it wrote, so a disk it filled is not left full.
    assert!(
        left_behind.iter().all(|name| name.ends_with(".lock")),
        "the failed run left its files behind: {left_behind:?}"
    );

    index_ok(sb, &index_dir, &[&a, &b]);
    assert_eq!(
        every_article(sb, &index_dir),
        fresh_articles(sb, "fresh", &[&a, &b])
    );
    let still_there: Vec<&String> = left_behind
        .iter()
        .filter(|name| index_dir.join(name).exists() && !name.ends_with(".lock"))
        .collect();
    assert!(
        still_there.is_empty(),
        "the files of the failed run outlive the next run: {still_there:?}"
    );
    full
}

#[test]
fn a_full_disk_is_a_clear_error_and_the_previous_index_stays() {
    let full = run_out_of_disk(&Sandbox::new());
    let line = full.single_error_line();
    assert!(line.contains("File too large"), "{full:#?}");
    assert!(line.contains("keeps its previous commit"), "{full:#?}");
}

#[test]
fn a_marker_left_half_written_by_a_killed_first_run_is_not_a_foreign_folder() {
    let sb = Sandbox::new();
    let corpus = write_corpus(
        &sb,
        "corpus",
        3,
        Size {
            texts: 5,
            feeds: 0,
            lines: 0,
        },
    );
    let index_dir = sb.index_dir();
    fs::create_dir_all(&index_dir).unwrap();
    fs::write(index_dir.join("dateline-index.json.new"), "").unwrap();
    index_ok(&sb, &index_dir, &[&corpus]);
    assert_eq!(every_article(&sb, &index_dir).len(), 5);
}

#[test]
fn an_index_run_never_deletes_files_it_did_not_create() {
    let sb = Sandbox::new();
    let index_dir = sb.index_dir();
    let size = Size {
        texts: 120,
        feeds: 1,
        lines: 30,
    };
    let corpus = write_corpus(&sb, "corpus", 7, size);
    index_ok(&sb, &index_dir, &[&corpus]);
    let notes = "what I changed by hand, and why\n";
    fs::write(index_dir.join("notes.txt"), notes).unwrap();
    let first_files = file_names(&index_dir);

    // Enough runs that change, add and remove articles for segments to be merged and
    // their files deleted.
    for round in 0..12 {
        edit_corpus(&sb, "corpus", size, round);
        index_ok(&sb, &index_dir, &[&corpus]);
        assert_eq!(
            fs::read_to_string(index_dir.join("notes.txt")).unwrap(),
            notes
        );
    }
    let last_files = file_names(&index_dir);
    let deleted: Vec<&String> = first_files.difference(&last_files).collect();
    assert!(
        !deleted.is_empty(),
        "the runs deleted none of the index's own files, so the test proves nothing"
    );
    assert!(last_files.contains("notes.txt"));
    assert_eq!(
        every_article(&sb, &index_dir),
        fresh_articles(&sb, "fresh", &[&corpus])
    );
}

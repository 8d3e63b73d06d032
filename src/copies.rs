//! Copies: one story saved twice, captured again, or republished by other sites with
//! a new headline, a sentence added or cut and their own boilerplate around it.
//!
//! Each article's story (its body as the line rules left it) gets a [`Fingerprint`]:
//! a hash of its words, and a MinHash of its four-word shingles in 64 bins, each
//! shingle hashed once into one bin (one-permutation hashing, empty bins filled from
//! their neighbours). Two stories are copies when their words are the same, or when
//! both are long enough and at least half their bins agree (an estimate of the share
//! of shingles they have in common). A [`Grouper`] finds the pairs to compare by
//! locality-sensitive hashing (32 bands of two bins: articles sharing a band are
//! compared) and groups copies by union; each group of two or more is one story,
//! named by the least word hash of its members, so that a run's groups are the same
//! whatever order it read the articles in. Short stories (briefs of a series, whose
//! wording is mostly the series') are grouped only with exact copies, headline and
//! all: a monthly brief that repeats last month's words under a new headline is a new
//! story.

use crate::spill::{read_exact_at, Pair, SortedPairs};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

/// Bins of a fingerprint's MinHash.
pub const BINS: usize = 64;
/// Words in a shingle.
const SHINGLE_WORDS: usize = 4;
/// Shingles a story needs for its copies with edits to be found: below it, only exact
/// copies are.
pub const MIN_SHINGLES: usize = 64;
/// Bins a band of the locality-sensitive hash takes.
const BAND_BINS: usize = 2;
/// Bins two long stories must agree on to be copies (half of them).
pub const AGREEING_BINS: usize = BINS / 2;
/// The most members of one band a member is compared with: a band shared by
/// thousands of articles (the same page saved a thousand times) costs a bounded
/// number of comparisons, each member being compared with the first ones.
const MOST_COMPARED: usize = 64;

/// What tells an article's story from others: see the module's documentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fingerprint {
    /// A hash of the story's words, in order (and of its headline's, for a short
    /// story); never 0.
    pub words: u64,
    /// The least 16-bit shingle hash in each bin, when the story is long enough.
    bins: Option<[u16; BINS]>,
}

impl Fingerprint {
    /// The fingerprint of a story under its headline.
    pub fn of(headline: &str, story: &str) -> Fingerprint {
        let mut words = 0u64;
        let mut window = [0u64; SHINGLE_WORDS];
        let mut seen = 0usize;
        let mut bins = [u64::MAX; BINS];
        for_each_word(story, &mut |word| {
            let hash = xxh3_64(word);
            words = mix(words.rotate_left(7) ^ hash);
            window.rotate_left(1);
            window[SHINGLE_WORDS - 1] = hash;
            seen += 1;
            if seen >= SHINGLE_WORDS {
                let shingle = mix(window.iter().fold(0u64, |acc, &w| acc.rotate_left(21) ^ w));
                let bin = (shingle >> 58) as usize;
                bins[bin] = bins[bin].min(shingle & 0xffff);
            }
        });
        let shingles = seen.saturating_sub(SHINGLE_WORDS - 1);
        if shingles < MIN_SHINGLES {
            words = mix(words ^ 0x4ead);
            for_each_word(headline, &mut |word| {
                words = mix(words.rotate_left(7) ^ xxh3_64(word));
            });
        }
        Fingerprint {
            words: words.max(1),
            bins: (shingles >= MIN_SHINGLES).then(|| densified(&bins)),
        }
    }

    /// Whether `self` and `other` are copies of one story.
    pub fn are_copies(&self, other: &Fingerprint) -> bool {
        if self.words == 0 || other.words == 0 {
            return false;
        }
        if self.words == other.words {
            return true;
        }
        match (&self.bins, &other.bins) {
            (Some(a), Some(b)) => a.iter().zip(b).filter(|(x, y)| x == y).count() >= AGREEING_BINS,
            _ => false,
        }
    }

    /// The keys of the bands it falls in: one per band of bins, or, for a short story,
    /// its words alone.
    fn band_keys(&self) -> impl Iterator<Item = u64> + '_ {
        let bands = self.bins.iter().flat_map(|bins| {
            bins.chunks_exact(BAND_BINS)
                .enumerate()
                .map(|(band, pair)| {
                    mix((band as u64) << 32 | u64::from(pair[0]) << 16 | u64::from(pair[1]))
                })
        });
        let words = self.bins.is_none().then(|| mix(self.words ^ 0x5eed));
        bands.chain(words)
    }

    /// The fingerprint as the index stores it: its word hash, then its bins four to a
    /// number.
    pub fn to_values(&self) -> Vec<u64> {
        let mut values = vec![self.words];
        if let Some(bins) = &self.bins {
            values.extend(bins.chunks_exact(4).map(|four| {
                four.iter()
                    .enumerate()
                    .fold(0u64, |acc, (i, &bin)| acc | u64::from(bin) << (16 * i))
            }));
        }
        values
    }

    /// The fingerprint of values [`Fingerprint::to_values`] gave; `None` for values it
    /// cannot have given.
    pub fn from_values(values: &[u64]) -> Option<Fingerprint> {
        let (&words, packed) = values.split_first()?;
        let bins = match packed.len() {
            0 => None,
            n if n == BINS / 4 => {
                let mut bins = [0u16; BINS];
                for (i, bin) in bins.iter_mut().enumerate() {
                    *bin = (packed[i / 4] >> (16 * (i % 4))) as u16;
                }
                Some(bins)
            }
            _ => return None,
        };
        Some(Fingerprint { words, bins })
    }
}

/// Hands each word of `text` to `each`, lower-cased: its runs of letters and digits,
/// ASCII read a byte at a time.
fn for_each_word(text: &str, each: &mut impl FnMut(&[u8])) {
    let mut word = Vec::with_capacity(32);
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let byte = bytes[at];
        let (letter, len) = if byte.is_ascii() {
            if byte.is_ascii_alphanumeric() {
                word.push(byte.to_ascii_lowercase());
            }
            (byte.is_ascii_alphanumeric(), 1)
        } else {
            let c = text[at..].chars().next().unwrap_or(' ');
            if c.is_alphanumeric() {
                let mut buffer = [0u8; 4];
                for lower in c.to_lowercase() {
                    word.extend_from_slice(lower.encode_utf8(&mut buffer).as_bytes());
                }
            }
            (c.is_alphanumeric(), c.len_utf8())
        };
        if !letter && !word.is_empty() {
            each(&word);
            word.clear();
        }
        at += len;
    }
    if !word.is_empty() {
        each(&word);
    }
}

/// Each bin's least hash, an empty bin taking the next filled one's (and its
/// distance), so that stories of few shingles still compare bin by bin.
fn densified(bins: &[u64; BINS]) -> [u16; BINS] {
    let mut out = [0u16; BINS];
    for (i, slot) in out.iter_mut().enumerate() {
        *slot = (1..=BINS)
            .map(|distance| (distance, bins[(i + distance - 1) % BINS]))
            .find(|(_, bin)| *bin != u64::MAX)
            .map_or(0, |(distance, bin)| {
                (mix(bin ^ (distance as u64) << 20) & 0xffff) as u16
            });
    }
    out
}

/// A 64-bit mixer (splitmix64's finalizer).
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// The size of a fingerprint on disk: its word hash and its bins (zeros for none),
/// and whether it has bins.
const RECORD_BYTES: usize = 8 + 2 * BINS + 1;

/// Groups the copies among the articles it is given, one after the other, within a
/// memory bound: the fingerprints lie in a temporary file, the band keys are sorted
/// in runs on disk.
pub struct Grouper {
    fingerprints: File,
    writer: BufWriter<File>,
    count: u32,
    bands: SortedPairs,
}

impl Grouper {
    /// A grouper whose band keys are sorted in runs of about `memory_bytes`, in files
    /// in `dir`.
    pub fn new(dir: &Path, memory_bytes: usize) -> io::Result<Grouper> {
        let fingerprints = tempfile::tempfile_in(dir)?;
        let writer = BufWriter::with_capacity(1 << 16, fingerprints.try_clone()?);
        Ok(Grouper {
            fingerprints,
            writer,
            count: 0,
            bands: SortedPairs::new(dir, memory_bytes),
        })
    }

    /// Adds the next article, the `count()`-th, with its fingerprint; one without
    /// (from an index written before fingerprints) is never a copy.
    pub fn add(&mut self, fingerprint: Option<&Fingerprint>) -> io::Result<u32> {
        let article = self.count;
        self.count = self
            .count
            .checked_add(1)
            .ok_or_else(|| io::Error::other("more than 4 billion articles to group"))?;
        let mut record = [0u8; RECORD_BYTES];
        let Some(fingerprint) = fingerprint else {
            return self.writer.write_all(&record).map(|()| article);
        };
        record[..8].copy_from_slice(&fingerprint.words.to_le_bytes());
        if let Some(bins) = &fingerprint.bins {
            for (i, bin) in bins.iter().enumerate() {
                record[8 + 2 * i..10 + 2 * i].copy_from_slice(&bin.to_le_bytes());
            }
            record[RECORD_BYTES - 1] = 1;
        }
        self.writer.write_all(&record)?;
        for key in fingerprint.band_keys() {
            self.bands.push(Pair(key, article))?;
        }
        Ok(article)
    }

    /// The fingerprint of the `article`-th article added, once [`Grouper::stories`]
    /// has been asked for; `None` for one added without.
    pub fn fingerprint(&self, article: u32) -> io::Result<Option<Fingerprint>> {
        let fingerprint = read_fingerprint(&self.fingerprints, article)?;
        Ok((fingerprint.words != 0).then_some(fingerprint))
    }

    /// The story of every article added, as [`Stories`].
    pub fn stories(&mut self) -> io::Result<Stories> {
        self.writer.flush()?;
        let count = self.count as usize;
        let mut parent: Vec<u32> = (0..self.count).collect();
        let mut members = Vec::new();
        let mut band = None;
        let file = &self.fingerprints;
        let compare = |members: &mut Vec<u32>, parent: &mut Vec<u32>| -> io::Result<()> {
            if members.len() > 1 {
                let fingerprints = members
                    .iter()
                    .map(|&m| read_fingerprint(file, m))
                    .collect::<io::Result<Vec<_>>>()?;
                for i in 1..members.len() {
                    for j in 0..i.min(MOST_COMPARED) {
                        if fingerprints[i].are_copies(&fingerprints[j]) {
                            union(parent, members[i], members[j]);
                        }
                    }
                }
            }
            members.clear();
            Ok(())
        };
        self.bands.drain_sorted(|Pair(key, article)| {
            if band != Some(key) {
                compare(&mut members, &mut parent)?;
                band = Some(key);
            }
            members.push(article);
            Ok(())
        })?;
        compare(&mut members, &mut parent)?;
        // Each group is named by its members' least word hash; one alone has none.
        let mut name = vec![u64::MAX; count];
        let mut size = vec![0u32; count];
        // The fingerprints' word hashes in order, read a few thousand records at a time
        // (positional reads, which leave the writer's place alone).
        const CHUNK: u32 = 4096;
        let mut records = vec![0u8; CHUNK as usize * RECORD_BYTES];
        for first in (0..self.count).step_by(CHUNK as usize) {
            let n = CHUNK.min(self.count - first);
            let chunk = &mut records[..n as usize * RECORD_BYTES];
            read_exact_at(file, chunk, u64::from(first) * RECORD_BYTES as u64)?;
            for (i, record) in chunk.chunks_exact(RECORD_BYTES).enumerate() {
                let words = u64::from_le_bytes(record[..8].try_into().unwrap_or_default());
                let root = find(&mut parent, first + i as u32) as usize;
                name[root] = name[root].min(words);
                size[root] += 1;
            }
        }
        let story = (0..self.count)
            .map(|article| {
                let root = find(&mut parent, article) as usize;
                if size[root] > 1 {
                    name[root]
                } else {
                    0
                }
            })
            .collect();
        Ok(Stories { story })
    }
}

fn read_fingerprint(file: &File, article: u32) -> io::Result<Fingerprint> {
    let mut record = [0u8; RECORD_BYTES];
    read_exact_at(file, &mut record, u64::from(article) * RECORD_BYTES as u64)?;
    let words = u64::from_le_bytes(record[..8].try_into().unwrap_or_default());
    let bins = (record[RECORD_BYTES - 1] == 1).then(|| {
        let mut bins = [0u16; BINS];
        for (i, bin) in bins.iter_mut().enumerate() {
            *bin = u16::from_le_bytes([record[8 + 2 * i], record[9 + 2 * i]]);
        }
        bins
    });
    Ok(Fingerprint { words, bins })
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let up = parent[parent[x as usize] as usize];
        parent[x as usize] = up;
        x = up;
    }
    x
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (a, b) = (find(parent, a), find(parent, b));
    if a != b {
        let (low, high) = (a.min(b), a.max(b));
        parent[high as usize] = low;
    }
}

/// The story of each article a [`Grouper`] was given, by the order it was given.
#[derive(Debug, Clone, Default)]
pub struct Stories {
    story: Vec<u64>,
}

impl Stories {
    /// The story of the `article`-th article: the name of its group of copies, 0 for
    /// an article with none.
    pub fn of(&self, article: u32) -> u64 {
        self.story.get(article as usize).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const STORY: &str = "AKTAU, Kazakhstan - The ferry line between Aktau and Baku will run three crossings a week instead of five until the end of the month, its operator said on Monday, after late ice in the northern Caspian held back two of its ships in Kuryk. Lorry drivers queuing at the port gates said they had waited up to four days for a place on board. The operator said it would give priority to perishable cargo and to drivers who had booked before the cut. The port authority said the ice was the latest it had recorded in eleven years.";

    fn group(stories: &[&str]) -> Vec<u64> {
        let dir = tempfile::tempdir().unwrap();
        let mut grouper = Grouper::new(dir.path(), 0).unwrap();
        for story in stories {
            grouper
                .add(Some(&Fingerprint::of("A headline", story)))
                .unwrap();
        }
        let stories = grouper.stories().unwrap();
        (0..stories.story.len() as u32)
            .map(|n| stories.of(n))
            .collect()
    }

    #[test]
    fn copies_with_edits_are_one_story_and_others_are_not() {
        let edited = format!(
            "{} Officials in Baku said the Azerbaijani side would add a crossing at the weekend.",
            STORY.replace("Lorry drivers", "Truck drivers")
        );
        let other = "ALMATY, Kazakhstan - The city council voted on Tuesday to close the old tram depot and turn it into a park, ending a decade of arguments over the land near the railway station. Residents had asked for a park since the trams stopped running, while developers wanted flats. The mayor said the first trees would be planted in the spring and that the depot's brick hall would become a market for local farmers and craftsmen.";
        let stories = group(&[STORY, other, &edited, STORY]);
        assert_ne!(stories[0], 0);
        assert_eq!(stories[0], stories[2]);
        assert_eq!(stories[0], stories[3]);
        assert_eq!(stories[1], 0);
        // The same groups, named the same, whatever the order.
        let reversed = group(&[STORY, &edited, other, STORY]);
        assert_eq!(reversed[0], stories[0]);
        assert_eq!(reversed[2], 0);
    }

    #[test]
    fn a_brief_under_another_headline_is_another_story() {
        let brief = "The harbour master published the monthly tally of ships.";
        assert!(
            !Fingerprint::of("May tally", brief).are_copies(&Fingerprint::of("June tally", brief))
        );
        assert!(
            Fingerprint::of("May tally", brief).are_copies(&Fingerprint::of("May tally", brief))
        );
        // A long story is the same story under any headline.
        assert!(Fingerprint::of("One", STORY).are_copies(&Fingerprint::of("Another", STORY)));
    }

    #[test]
    fn copies_far_apart_in_a_long_run_are_one_story() {
        let briefs: Vec<String> = (0..5000)
            .map(|n| format!("Brief number {n} of the day."))
            .collect();
        let mut stories: Vec<&str> = briefs.iter().map(String::as_str).collect();
        stories[10] = STORY;
        stories[4500] = STORY;
        let grouped = group(&stories);
        assert_ne!(grouped[10], 0);
        assert_eq!(grouped[10], grouped[4500]);
        assert_eq!(grouped.iter().filter(|&&s| s != 0).count(), 2);
    }

    #[test]
    fn briefs_of_a_series_are_not_copies_unless_exact() {
        let monday = "Oil prices rose on Monday as traders weighed supply cuts. Brent crude rose 1.2 percent to 82.10 dollars a barrel.";
        let tuesday = "Oil prices rose on Tuesday as traders weighed supply cuts. Brent crude rose 0.8 percent to 82.75 dollars a barrel.";
        let stories = group(&[monday, tuesday, monday]);
        assert_eq!(stories[1], 0);
        assert_ne!(stories[0], 0);
        assert_eq!(stories[0], stories[2]);
    }

    #[test]
    fn fingerprints_survive_the_index() {
        for story in [STORY, "short"] {
            let fingerprint = Fingerprint::of("A headline", story);
            assert_eq!(
                Fingerprint::from_values(&fingerprint.to_values()),
                Some(fingerprint)
            );
        }
        assert_eq!(Fingerprint::from_values(&[]), None);
        assert_eq!(Fingerprint::from_values(&[1, 2]), None);
    }
}

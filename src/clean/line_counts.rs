//! Counting the lines of a corpus within a memory bound. The line keys of every
//! article lie in a temporary file instead of in memory, with a small record per
//! article (its site and where its keys lie); the (line, article) pairs are sorted in
//! runs that fit the bound, written beside it and merged, so that each line comes
//! with the articles that hold it. A line found in enough articles of a site is then
//! weighed against those articles' keys, read back from the file.

use super::learned::{stands_in_stories, threshold, Learned, MIN_ARTICLES};
use crate::spill::{read_exact_at, Pair, SortedPairs};
use rustc_hash::FxHashMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// An article counted by [`LineCounts`], by the order it was counted in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CountedArticle(u32);

impl CountedArticle {
    /// The `n`-th article counted, from 0.
    pub fn nth(n: u32) -> CountedArticle {
        CountedArticle(n)
    }

    /// Which article it is, from 0, in the order they were counted.
    pub fn index(self) -> u32 {
        self.0
    }
}

/// What is kept in memory of a counted article: 24 bytes.
#[derive(Debug, Clone, Copy)]
struct Counted {
    /// Its site's key; 0 for none (its lines are never learned).
    site: u64,
    /// Where it stands among the corpus's articles: a site's articles holding a line
    /// are weighed in this order, whatever the order they were counted in.
    order: u64,
    /// Where its keys start in the key file, in keys (the low [`OFFSET_BITS`] bits),
    /// how many keys it has (the [`LEN_BITS`] above them) and, in the top bit,
    /// whether its site is its own, which [`LineCounts::set_site`] leaves alone.
    place: u64,
}

/// Bits of [`Counted::place`] that say where an article's keys start.
const OFFSET_BITS: u32 = 40;
/// Bits of [`Counted::place`] that say how many keys an article has: an article's
/// keys past 2^23 - 1 (8 million distinct lines) are not counted.
const LEN_BITS: u32 = 23;
/// The bit of [`Counted::place`] that keeps an article's site.
const SITE_KEPT: u64 = 1 << 63;

impl Counted {
    fn offset(&self) -> u64 {
        self.place & ((1 << OFFSET_BITS) - 1)
    }

    fn len(&self) -> usize {
        ((self.place >> OFFSET_BITS) & ((1 << LEN_BITS) - 1)) as usize
    }

    fn site_kept(&self) -> bool {
        self.place & SITE_KEPT != 0
    }
}

/// The lines of a corpus's articles, counted in about the memory they are given
/// besides 24 bytes an article. Runs and keys go to unnamed temporary files in a
/// folder (gone when dropped, or when the process dies); the kernel keeps small ones
/// in its page cache, which is not the process's own memory.
pub struct LineCounts {
    dir: PathBuf,
    articles: Vec<Counted>,
    /// The articles' keys, one after the other.
    keys: File,
    writer: BufWriter<File>,
    /// Keys written so far.
    written: u64,
    /// Each line's key with the article that holds it.
    pairs: SortedPairs,
}

impl LineCounts {
    /// Counts with runs of about `memory_bytes` (at least 16 KiB), in files in `dir`.
    pub fn new(dir: &Path, memory_bytes: usize) -> io::Result<LineCounts> {
        let keys = tempfile::tempfile_in(dir)?;
        let writer = BufWriter::with_capacity(1 << 16, keys.try_clone()?);
        Ok(LineCounts {
            dir: dir.to_path_buf(),
            articles: Vec::new(),
            keys,
            writer,
            written: 0,
            pairs: SortedPairs::new(dir, memory_bytes),
        })
    }

    /// Counts one article with the (sorted, deduplicated) line `keys`, of `site`
    /// (which [`LineCounts::set_site`] may still give it), the `order`-th of the
    /// corpus.
    pub fn add(
        &mut self,
        site: Option<u64>,
        order: u64,
        keys: &[u64],
    ) -> io::Result<CountedArticle> {
        let article = u32::try_from(self.articles.len())
            .map_err(|_| io::Error::other("more than 4 billion articles to count"))?;
        let keys = &keys[..keys.len().min((1 << LEN_BITS) - 1)];
        let len = keys.len() as u64;
        if self.written + len >= 1 << OFFSET_BITS {
            return Err(io::Error::other("more than a trillion lines to count"));
        }
        self.articles.push(Counted {
            site: site.unwrap_or(0),
            order,
            place: self.written | len << OFFSET_BITS,
        });
        for &key in keys {
            self.writer.write_all(&key.to_le_bytes())?;
            self.pairs.push(Pair(key, article))?;
        }
        self.written += len;
        Ok(CountedArticle(article))
    }

    /// How many articles are counted: the next one counted is the `counted()`-th.
    pub fn counted(&self) -> u32 {
        self.articles.len() as u32
    }

    /// Gives a counted article the site `site`, unless its own was kept
    /// ([`LineCounts::keep_site`]).
    pub fn set_site(&mut self, article: CountedArticle, site: u64) {
        if let Some(counted) = self.articles.get_mut(article.0 as usize) {
            if !counted.site_kept() {
                counted.site = site;
            }
        }
    }

    /// Keeps the site a counted article was counted with: [`LineCounts::set_site`]
    /// leaves it alone.
    pub fn keep_site(&mut self, article: CountedArticle) {
        if let Some(counted) = self.articles.get_mut(article.0 as usize) {
            counted.place |= SITE_KEPT;
        }
    }

    /// The site of a counted article, if it has one.
    #[cfg(test)]
    fn site(&self, article: CountedArticle) -> Option<u64> {
        let site = self.articles.get(article.0 as usize)?.site;
        (site != 0).then_some(site)
    }

    /// The keys of a counted article, read back (once counting is done: see
    /// [`LineCounts::learned`]).
    pub fn keys(&self, article: CountedArticle) -> io::Result<Vec<u64>> {
        let Some(counted) = self.articles.get(article.0 as usize) else {
            return Ok(Vec::new());
        };
        let mut bytes = vec![0u8; counted.len() * 8];
        read_exact_at(&self.keys, &mut bytes, counted.offset() * 8)?;
        Ok(bytes
            .chunks_exact(8)
            .map(|chunk| u64::from_le_bytes(chunk.try_into().unwrap_or_default()))
            .collect())
    }

    /// The lines that stand in at least the threshold of their site's articles, in
    /// as many different stories. The counts' keys stay readable afterwards.
    pub fn learned(&mut self) -> io::Result<Learned> {
        self.writer.flush()?;
        let dir = self.dir.clone();
        let mut site_articles: FxHashMap<u64, u32> = FxHashMap::default();
        for counted in self.articles.iter().filter(|c| c.site != 0) {
            *site_articles.entry(counted.site).or_default() += 1;
        }
        let mut learner = Learner {
            counts: self,
            site_articles,
            learned: Learned::default(),
            line: None,
            articles: Vec::new(),
        };
        let mut pairs = std::mem::replace(&mut learner.counts.pairs, SortedPairs::new(&dir, 0));
        pairs.drain_sorted(|pair| learner.take(pair))?;
        learner.end_line()?;
        Ok(learner.learned)
    }
}

/// Walks the sorted pairs one line at a time and learns the lines that qualify.
struct Learner<'a> {
    counts: &'a mut LineCounts,
    site_articles: FxHashMap<u64, u32>,
    learned: Learned,
    /// The line being gathered, and the articles that hold it.
    line: Option<u64>,
    articles: Vec<u32>,
}

impl Learner<'_> {
    fn take(&mut self, Pair(key, article): Pair) -> io::Result<()> {
        if self.line != Some(key) {
            self.end_line()?;
            self.line = Some(key);
        }
        self.articles.push(article);
        Ok(())
    }

    /// Learns the line gathered, for each site whose threshold it meets.
    fn end_line(&mut self) -> io::Result<()> {
        let Some(key) = self.line.take() else {
            return Ok(());
        };
        // Most lines stand in one article: too few for any site.
        if self.articles.len() < MIN_ARTICLES as usize {
            self.articles.clear();
            return Ok(());
        }
        let counts = &*self.counts;
        let of = |article: &u32| counts.articles[*article as usize];
        self.articles.sort_unstable_by_key(|article| {
            let counted = of(article);
            (counted.site, counted.order)
        });
        for articles in self.articles.chunk_by(|a, b| of(a).site == of(b).site) {
            let site = of(&articles[0]).site;
            let site_articles = self.site_articles.get(&site).copied().unwrap_or(0);
            let needed = threshold(site_articles) as usize;
            if site == 0 || articles.len() < needed {
                continue;
            }
            let stands = stands_in_stories(articles, needed, |article| {
                counts.keys(CountedArticle(article))
            })?;
            if stands {
                let count = u32::try_from(articles.len()).unwrap_or(u32::MAX);
                self.learned.insert(site, key, count);
            }
        }
        self.articles.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A corpus of two sites whose articles share some lines: (site, keys) each.
    fn corpus() -> Vec<(Option<u64>, Vec<u64>)> {
        let mut articles = Vec::new();
        for i in 0..600u64 {
            let site = [Some(11), Some(22), None][(i % 3) as usize];
            // Lines of the article's own, a line every tenth article shares, a line
            // every article of its site shares and one of every other article.
            let mut keys = vec![1_000_000 + i, 2_000_000 + i];
            if i % 10 == 0 {
                keys.push(77);
            }
            keys.push(88);
            if i % 2 == 0 {
                keys.push(99);
            }
            keys.sort_unstable();
            articles.push((site, keys));
        }
        articles
    }

    fn learn(memory_bytes: usize) -> (Learned, usize) {
        let dir = tempfile::tempdir().unwrap();
        let mut counts = LineCounts::new(dir.path(), memory_bytes).unwrap();
        let mut counted = Vec::new();
        for (order, (site, keys)) in corpus().iter().enumerate() {
            counted.push(counts.add(*site, order as u64, keys).unwrap());
        }
        let runs = counts.pairs.runs_written();
        let learned = counts.learned().unwrap();
        // Every article's keys read back as they were counted.
        for (article, (_, keys)) in counted.iter().zip(corpus()) {
            assert_eq!(counts.keys(*article).unwrap(), keys);
        }
        (learned, runs)
    }

    #[test]
    fn runs_on_disk_learn_what_memory_does() {
        let (in_memory, runs) = learn(1 << 20);
        assert_eq!(runs, 0);
        let (on_disk, runs) = learn(0);
        assert_eq!(runs, 2, "2,100 pairs in runs of 1,024");
        assert_eq!(in_memory, on_disk);
        // 88 and 99 in every (every other) article of both sites, 77 in every tenth:
        // 20 of a site's 200, above its threshold of 15.
        assert_eq!(in_memory.len(), 6);
        for site in [11, 22] {
            assert_eq!(in_memory.count_key(site, 88), Some(200));
            assert_eq!(in_memory.count_key(site, 77), Some(20));
        }
        assert_eq!(in_memory.count_key(0, 88), None);
    }

    #[test]
    fn an_article_given_a_site_later_counts_for_it() {
        let dir = tempfile::tempdir().unwrap();
        let mut counts = LineCounts::new(dir.path(), 1 << 20).unwrap();
        let mut last = None;
        for order in 0..3 {
            let keys = [order + 10, 500];
            let site = (order < 2).then_some(7);
            last = Some(counts.add(site, order, &keys).unwrap());
        }
        counts.set_site(last.unwrap(), 7);
        let kept = counts.add(Some(3), 1000, &[1]).unwrap();
        counts.keep_site(kept);
        counts.set_site(kept, 7);
        assert_eq!(counts.site(kept), Some(3));
        assert_eq!(counts.site(last.unwrap()), Some(7));
        assert_eq!(counts.learned().unwrap().count_key(7, 500), Some(3));
        // Keeping the site leaves where its keys lie as it was.
        assert_eq!(counts.keys(kept).unwrap(), vec![1]);
        assert_eq!(counts.keys(last.unwrap()).unwrap(), vec![12, 500]);
        assert_eq!(std::mem::size_of::<Counted>(), 24);
    }
}

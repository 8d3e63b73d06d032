//! Counting matches without ranking them: from document frequencies where the
//! numbers allow, by walking a small list and looking its articles up in the words'
//! posting lists, or by walking every match.

use anyhow::{Context, Result};
use tantivy::collector::{Collector, SegmentCollector};
use tantivy::query::Query;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentOrdinal, SegmentReader, Term};

/// Whether any segment holds deleted articles, which document frequencies still
/// count.
pub(super) fn has_deletions(searcher: &tantivy::Searcher) -> bool {
    searcher
        .segment_readers()
        .iter()
        .any(|segment| segment.num_deleted_docs() > 0)
}

/// How many articles hold either of two words, from their document frequencies
/// and `both`, how many hold the two: |A ∪ B| = |A| + |B| − |A ∩ B|.
pub(super) fn pair_union(
    searcher: &tantivy::Searcher,
    pair: &[Term],
    both: usize,
) -> Result<usize> {
    let sum = usize::try_from(union_bound(searcher, pair)?).unwrap_or(usize::MAX);
    Ok(sum.saturating_sub(both))
}

/// The sum of the words' document frequencies: at least the size of their union.
pub(super) fn union_bound(searcher: &tantivy::Searcher, words: &[Term]) -> Result<u64> {
    words.iter().try_fold(0, |sum, term| {
        let frequency = searcher
            .doc_freq(term)
            .context("counting the articles of a word")?;
        Ok(sum + frequency)
    })
}

/// How many live articles of `within` hold any of `words`, walking `within` and
/// looking each of its articles up in the words' posting lists. Where `within` is
/// the smaller, this is far less work than walking the union of the words.
pub(super) fn count_any_within(
    searcher: &tantivy::Searcher,
    words: &[Term],
    within: &dyn Query,
) -> Result<usize> {
    let weight = within
        .weight(tantivy::query::EnableScoring::disabled_from_searcher(
            searcher,
        ))
        .context("counting matches")?;
    let mut count = 0;
    for segment in searcher.segment_readers() {
        let mut postings = Vec::with_capacity(words.len());
        for term in words {
            let index = segment
                .inverted_index(term.field())
                .context("opening the word index")?;
            let list = index
                .read_postings(term, IndexRecordOption::Basic)
                .context("reading the articles of a word")?;
            postings.extend(list);
        }
        if postings.is_empty() {
            continue;
        }
        let alive = segment.alive_bitset();
        let mut candidates = weight.scorer(segment, 1.0).context("counting matches")?;
        let mut doc = candidates.doc();
        while doc != tantivy::TERMINATED {
            let live = alive.is_none_or(|bits| bits.is_alive(doc));
            // Posting lists only move forward: one already past `doc` lacks it.
            if live
                && postings
                    .iter_mut()
                    .any(|list| list.doc() <= doc && list.seek(doc) == doc)
            {
                count += 1;
            }
            doc = candidates.advance();
        }
    }
    Ok(count)
}

/// Counts matches by walking them. tantivy's `Count` fills a bitset of every clause of
/// a dense intersection, checking each candidate of a phrase; walking lets the short
/// list of undated articles lead and the phrase be checked only where it lands.
pub(super) struct WalkCount;

impl Collector for WalkCount {
    type Fruit = usize;
    type Child = WalkCountSegment;

    fn for_segment(&self, _: SegmentOrdinal, _: &SegmentReader) -> tantivy::Result<Self::Child> {
        Ok(WalkCountSegment(0))
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, counts: Vec<usize>) -> tantivy::Result<usize> {
        Ok(counts.into_iter().sum())
    }
}

/// [`WalkCount`] within one segment.
pub(super) struct WalkCountSegment(usize);

impl SegmentCollector for WalkCountSegment {
    type Fruit = usize;

    fn collect(&mut self, _: DocId, _: Score) {
        self.0 += 1;
    }

    fn harvest(self) -> usize {
        self.0
    }
}

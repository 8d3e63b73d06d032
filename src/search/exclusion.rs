//! A query as the excluded side of a boolean query.
//!
//! tantivy tests an excluded query's scorer with `seek_danger`, which may leave a
//! phrase's intersection past the next document asked about; the phrase scorer then
//! asserts (in debug builds) that it was never asked to go back. An [`Exclusion`]
//! answers `seek_danger` with a plain `seek`, which always leaves the scorer valid,
//! so any query can be excluded: a phrase, a group, or the whole all-words query.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, TermQuery, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// `query` made safe to exclude; a term query is already safe and stays as it is,
/// so tantivy keeps its faster path for excluded terms.
pub fn exclusion(query: Box<dyn Query>) -> Box<dyn Query> {
    if query.downcast_ref::<TermQuery>().is_some() {
        query
    } else {
        Box::new(Exclusion(query))
    }
}

/// A query whose scorer never enters tantivy's "danger" state.
#[derive(Debug)]
struct Exclusion(Box<dyn Query>);

impl Clone for Exclusion {
    fn clone(&self) -> Self {
        Exclusion(self.0.box_clone())
    }
}

impl Query for Exclusion {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExclusionWeight(self.0.weight(enable_scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ExclusionWeight(Box<dyn Weight>);

impl Weight for ExclusionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let scorer = self.0.scorer(reader, boost)?;
        // tantivy drops an empty excluded scorer outright; keep it recognisable.
        if scorer.is::<EmptyScorer>() {
            return Ok(scorer);
        }
        Ok(Box::new(SafeSeek(scorer)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// A scorer with tantivy's default `seek_danger`, built on `seek`.
struct SafeSeek(Box<dyn Scorer>);

impl DocSet for SafeSeek {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.0.seek(target)
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for SafeSeek {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

//! A phrase of two frequent words, found through the pair term the index holds for
//! each place they stand side by side (see [`crate::schema::pair_term_text`]) and
//! scored as tantivy scores the phrase: BM25 with both words' weights, the body's
//! length and the number of times the phrase occurs.

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{Bm25Weight, EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TantivyError, Term};

/// The phrase `words` of the body field, looked up as the term `pair` of the pairs
/// field.
#[derive(Clone, Debug)]
pub(super) struct PairQuery {
    pair: Term,
    words: [Term; 2],
}

impl PairQuery {
    /// The phrase of the two body `words`, whose pair term is `pair`.
    pub(super) fn new(pair: Term, words: [Term; 2]) -> PairQuery {
        PairQuery { pair, words }
    }
}

impl Query for PairQuery {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let similarity = match enable_scoring {
            EnableScoring::Enabled {
                statistics_provider,
                ..
            } => Some(Bm25Weight::for_terms(statistics_provider, &self.words)?),
            EnableScoring::Disabled { .. } => None,
        };
        Ok(Box::new(PairWeight {
            pair: self.pair.clone(),
            body: self.words[0].field(),
            similarity,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for word in &self.words {
            visitor(word, true);
        }
    }
}

struct PairWeight {
    pair: Term,
    body: tantivy::schema::Field,
    similarity: Option<Bm25Weight>,
}

impl PairWeight {
    fn pair_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<PairScorer>> {
        let option = match self.similarity {
            Some(_) => IndexRecordOption::WithFreqs,
            None => IndexRecordOption::Basic,
        };
        let index = reader.inverted_index(self.pair.field())?;
        let Some(postings) = index.read_postings(&self.pair, option)? else {
            return Ok(None);
        };
        Ok(Some(PairScorer {
            postings,
            lengths: reader.get_fieldnorms_reader(self.body)?,
            similarity: self.similarity.as_ref().map(|s| s.boost_by(boost)),
        }))
    }
}

impl Weight for PairWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.pair_scorer(reader, boost)? {
            Some(scorer) => Box::new(scorer),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let not_a_match =
            || TantivyError::InvalidArgument(format!("document #{doc} does not hold the phrase"));
        let mut scorer = self.pair_scorer(reader, 1.0)?.ok_or_else(not_a_match)?;
        if scorer.seek(doc) != doc {
            return Err(not_a_match());
        }
        Ok(match &scorer.similarity {
            Some(similarity) => similarity.explain(
                scorer.lengths.fieldnorm_id(doc),
                scorer.postings.term_freq(),
            ),
            None => Explanation::new("phrase of frequent words, unscored", 1.0),
        })
    }

    fn count(&self, reader: &SegmentReader) -> tantivy::Result<u32> {
        let index = reader.inverted_index(self.pair.field())?;
        match reader.alive_bitset() {
            None => Ok(index.doc_freq(&self.pair)?),
            Some(alive) => Ok(match self.pair_scorer(reader, 1.0)? {
                Some(mut scorer) => scorer.count(alive),
                None => 0,
            }),
        }
    }
}

struct PairScorer {
    postings: SegmentPostings,
    /// The body's lengths, by which the phrase is scored.
    lengths: FieldNormReader,
    similarity: Option<Bm25Weight>,
}

impl DocSet for PairScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for PairScorer {
    fn score(&mut self) -> Score {
        match &self.similarity {
            Some(similarity) => {
                let doc = self.postings.doc();
                similarity.score(self.lengths.fieldnorm_id(doc), self.postings.term_freq())
            }
            None => 1.0,
        }
    }
}

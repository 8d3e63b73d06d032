//! A union of queries that moves its parts only as far as it is asked.
//!
//! tantivy's union scores its parts a window of 4,096 documents at a time, which is
//! fast when the union leads a search and wasteful when something smaller leads and
//! only asks it about a few documents: a date filter within one year, or the
//! headline clause that adds to the score of the articles already found. Each such
//! question then costs the scoring of a whole window. A [`SeekingUnion`] seeks each
//! part to the document asked about and scores only that one.

use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::{DocId, DocSet, Score, SegmentReader, Term, TERMINATED};

/// Documents matching any of the parts, scored by the sum of the parts they match,
/// as a boolean query of `Should` clauses scores them.
#[derive(Debug)]
pub struct SeekingUnion(Vec<Box<dyn Query>>);

impl SeekingUnion {
    /// The union of `parts`.
    pub fn new(parts: Vec<Box<dyn Query>>) -> SeekingUnion {
        SeekingUnion(parts)
    }

    /// The parts.
    pub fn parts(&self) -> &[Box<dyn Query>] {
        &self.0
    }
}

impl Clone for SeekingUnion {
    fn clone(&self) -> Self {
        SeekingUnion(self.0.iter().map(|q| q.box_clone()).collect())
    }
}

impl Query for SeekingUnion {
    fn weight(&self, enable_scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let parts = self
            .0
            .iter()
            .map(|part| part.weight(enable_scoring))
            .collect::<tantivy::Result<_>>()?;
        Ok(Box::new(SeekingUnionWeight(parts)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for part in &self.0 {
            part.query_terms(visitor);
        }
    }
}

struct SeekingUnionWeight(Vec<Box<dyn Weight>>);

impl Weight for SeekingUnionWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let mut parts = Vec::with_capacity(self.0.len());
        for weight in &self.0 {
            let scorer = weight.scorer(reader, boost)?;
            if scorer.doc() != TERMINATED {
                parts.push(scorer);
            }
        }
        Ok(match parts.len() {
            0 => Box::new(EmptyScorer),
            1 => parts.swap_remove(0),
            _ => {
                let doc = parts.iter().map(|p| p.doc()).min().unwrap_or(TERMINATED);
                Box::new(SeekingUnionScorer { parts, doc })
            }
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut scorer = self.scorer(reader, 1.0)?;
        if scorer.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} matches none of the parts"
            )));
        }
        let mut explanation = Explanation::new("sum of the parts matched", scorer.score());
        for weight in &self.0 {
            if let Ok(part) = weight.explain(reader, doc) {
                explanation.add_detail(part);
            }
        }
        Ok(explanation)
    }
}

/// The scorer of a [`SeekingUnion`] in one segment.
struct SeekingUnionScorer {
    /// The parts not yet past their last document.
    parts: Vec<Box<dyn Scorer>>,
    doc: DocId,
}

impl SeekingUnionScorer {
    /// Moves to the lowest document of the parts.
    fn settle(&mut self) -> DocId {
        self.parts.retain(|part| part.doc() != TERMINATED);
        self.doc = self
            .parts
            .iter()
            .map(|p| p.doc())
            .min()
            .unwrap_or(TERMINATED);
        self.doc
    }
}

impl DocSet for SeekingUnionScorer {
    fn advance(&mut self) -> DocId {
        let doc = self.doc;
        for part in self.parts.iter_mut().filter(|p| p.doc() == doc) {
            part.advance();
        }
        self.settle()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        if self.doc >= target {
            return self.doc;
        }
        for part in self.parts.iter_mut().filter(|p| p.doc() < target) {
            part.seek(target);
        }
        self.settle()
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.parts.iter().map(|p| p.size_hint()).max().unwrap_or(0)
    }

    fn cost(&self) -> u64 {
        self.parts.iter().map(|p| p.cost()).sum()
    }
}

impl Scorer for SeekingUnionScorer {
    fn score(&mut self) -> Score {
        let doc = self.doc;
        self.parts
            .iter_mut()
            .filter(|p| p.doc() == doc)
            .map(|p| p.score())
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::{BooleanQuery, Occur, TermQuery};
    use tantivy::schema::{IndexRecordOption, Schema, TEXT};
    use tantivy::{doc, DocAddress, Index};

    /// Documents of a few words each, in a pattern that gives every word a different
    /// spread; `filter` is in every third one.
    fn index() -> (Index, tantivy::schema::Field) {
        let mut schema = Schema::builder();
        let text = schema.add_text_field("text", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        let words = ["wheat", "rail", "port", "drought", "grain"];
        for i in 0..300usize {
            let mut body: Vec<&str> = words
                .iter()
                .enumerate()
                .filter(|(w, _)| i % (w + 2) == 0)
                .map(|(_, word)| *word)
                .collect();
            if i % 3 == 0 {
                body.push("filter");
            }
            body.extend(std::iter::repeat_n("wheat", i % 4));
            writer.add_document(doc!(text => body.join(" "))).unwrap();
        }
        writer.commit().unwrap();
        (index, text)
    }

    fn term(field: tantivy::schema::Field, word: &str) -> Box<dyn Query> {
        let term = Term::from_field_text(field, word);
        Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs))
    }

    fn top(index: &Index, query: &dyn Query) -> Vec<(u32, DocAddress)> {
        let searcher = index.reader().unwrap().searcher();
        let hits = searcher
            .search(query, &TopDocs::with_limit(1000).order_by_score())
            .unwrap();
        hits.into_iter()
            .map(|(score, at)| ((score * 1e4).round() as u32, at))
            .collect()
    }

    #[test]
    fn matches_and_scores_as_a_union_of_should_clauses() {
        let (index, text) = index();
        for words in [
            &["wheat", "rail"][..],
            &["rail", "port", "drought"],
            &["grain", "absent"],
        ] {
            let parts = || words.iter().map(|w| term(text, w)).collect::<Vec<_>>();
            let seeking = SeekingUnion::new(parts());
            let boolean = BooleanQuery::union(parts());
            assert_eq!(top(&index, &seeking), top(&index, &boolean), "{words:?}");
            // Asked only about the documents of a filter.
            let within = |union: Box<dyn Query>| {
                BooleanQuery::new(vec![
                    (Occur::Must, union),
                    (Occur::Must, term(text, "filter")),
                ])
            };
            let seeking = within(Box::new(SeekingUnion::new(parts())));
            let boolean = within(Box::new(BooleanQuery::union(parts())));
            let found = top(&index, &seeking);
            assert!(!found.is_empty());
            assert_eq!(found, top(&index, &boolean), "{words:?} within the filter");
        }
    }
}

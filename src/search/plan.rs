//! A query as read (see [`crate::query`]) made into tantivy queries over the index:
//! what an article must match (all the parts, or any), the second list of articles
//! with some of them, and the headline clause that only adds to the score.

use super::exclusion::exclusion;
use super::pair::PairQuery;
use super::union::SeekingUnion;
use super::{MatchMode, TITLE_BOOST};
use crate::error::{QueryProblem, RequestError};
use crate::query::{self, Part};
use crate::schema::{self, names, DatelineIndex};
use anyhow::Result;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur, PhraseQuery, Query, TermQuery,
};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::Term;

/// Plans queries against one index and one of its searchers (whose statistics decide
/// whether a word has a hyphenated spelling).
pub(super) struct Planner<'a> {
    pub(super) index: &'a DatelineIndex,
    pub(super) searcher: &'a tantivy::Searcher,
}

impl Planner<'_> {
    /// Reads the query as typed (see [`crate::query`]); `*` alone matches every
    /// article. Only a query with nothing to search for is refused. Under a date
    /// `filter`, the filter leads and a union of the parts is only asked about the
    /// articles it holds.
    pub(super) fn parse(&self, text: &str, mode: MatchMode, filtered: bool) -> Result<Plan> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(RequestError::EmptyQuery.into());
        }
        if is_match_all(trimmed) {
            return Ok(Plan {
                matching: Box::new(AllQuery),
                some: None,
                in_title: None,
                notes: Vec::new(),
            });
        }
        let read = match query::read(trimmed) {
            Ok(read) => read,
            Err(why) => return Err(query_error(trimmed, QueryProblem::Unreadable(why))),
        };
        let fields = self.index.fields;
        let mut positive = Vec::new();
        let mut excluded = Vec::new();
        for clause in &read.clauses {
            if let Some(q) = self.part_query(&clause.part, fields.body) {
                if clause.exclude {
                    excluded.push((Occur::MustNot, exclusion(q)));
                } else {
                    positive.push(q);
                }
            }
        }
        if positive.is_empty() {
            if excluded.is_empty() && only_common_words(&read) {
                return Err(query_error(trimmed, QueryProblem::OnlyCommonWords));
            }
            if excluded.is_empty() {
                let why = read.notes.first().cloned();
                return Err(query_error(trimmed, QueryProblem::NoWord { why }));
            }
            return Err(query_error(trimmed, QueryProblem::OnlyExcludes));
        }
        // The positive parts joined by `occur`, with the exclusions.
        let clauses = |occur: Occur| -> Vec<(Occur, Box<dyn Query>)> {
            let positive: Vec<(Occur, Box<dyn Query>)> = if filtered && occur == Occur::Should {
                let parts = positive.iter().map(|q| q.box_clone()).collect();
                vec![(Occur::Must, Box::new(SeekingUnion::new(parts)))]
            } else {
                positive.iter().map(|q| (occur, q.box_clone())).collect()
            };
            let excluded = excluded.iter().map(|(o, q)| (*o, q.box_clone()));
            positive.into_iter().chain(excluded).collect()
        };
        let all = join(clauses(Occur::Must)).unwrap_or_else(|| Box::new(AllQuery));
        let (matching, some) = match mode {
            _ if positive.len() < 2 => (all, None),
            MatchMode::All => (all, None),
            MatchMode::Any => (join(clauses(Occur::Should)).unwrap_or(all), None),
            MatchMode::Best => {
                let any = join(clauses(Occur::Should)).unwrap_or_else(|| all.box_clone());
                let some: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
                    (Occur::Must, any.box_clone()),
                    (Occur::MustNot, exclusion(all.box_clone())),
                ]));
                // Plan and nothing else can be counted from their posting lists.
                let words = excluded
                    .is_empty()
                    .then(|| {
                        positive
                            .iter()
                            .map(|q| q.downcast_ref::<TermQuery>().map(|t| t.term().clone()))
                            .collect::<Option<Vec<Term>>>()
                    })
                    .flatten();
                (all, Some(SomeWords { any, some, words }))
            }
        };
        // Any of the words in the headline: the body field holds the headline too, so
        // this clause only adds to the score of articles that already match.
        // It is only asked about those articles, so its union seeks.
        let mut in_title: Vec<Box<dyn Query>> = read
            .positive()
            .filter_map(|part| self.title_query(part))
            .collect();
        let in_title = match in_title.len() {
            0 | 1 => in_title.pop(),
            _ => Some(Box::new(SeekingUnion::new(in_title)) as Box<dyn Query>),
        };
        Ok(Plan {
            matching,
            some,
            in_title,
            notes: read.notes,
        })
    }

    /// The query of one part over `default_field` (or the field it names); `None`
    /// when its text holds no word the analyzer keeps.
    fn part_query(&self, part: &Part, default_field: Field) -> Option<Box<dyn Query>> {
        match part {
            Part::Text {
                field,
                text,
                phrase,
            } => {
                let field = field.map_or(Some(default_field), |name| self.field(name))?;
                let terms = self.terms(field, text);
                // A word also finds its hyphenated spelling (`email` finds `e-mail`),
                // where the index has one.
                let hyphenated = match terms.as_slice() {
                    [(_, term)] if !*phrase && field == self.index.fields.body => {
                        self.hyphenated_spelling(term)
                    }
                    _ => None,
                };
                let words = self.words_query(field, terms);
                // A typed hyphenated word is its parts in a row, or the word written
                // whole (`e-mail` finds `email`), scored by the better of the two.
                let joined = (!*phrase).then(|| self.joined_term(field, text)).flatten();
                let alternatives: Vec<Box<dyn Query>> = [joined, hyphenated]
                    .into_iter()
                    .flatten()
                    .map(|term| Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)) as _)
                    .collect();
                if alternatives.is_empty() {
                    words
                } else {
                    Some(Box::new(DisjunctionMaxQuery::new(
                        words.into_iter().chain(alternatives).collect(),
                    )))
                }
            }
            Part::Any(parts) => join(
                parts
                    .iter()
                    .filter_map(|p| self.part_query(p, default_field))
                    .map(|q| (Occur::Should, q))
                    .collect(),
            ),
            Part::All(clauses) => {
                let clauses: Vec<(Occur, Box<dyn Query>)> = clauses
                    .iter()
                    .filter_map(|c| {
                        let query = self.part_query(&c.part, default_field)?;
                        Some(if c.exclude {
                            (Occur::MustNot, exclusion(query))
                        } else {
                            (Occur::Must, query)
                        })
                    })
                    .collect();
                if clauses.iter().any(|(o, _)| *o == Occur::Must) {
                    join(clauses)
                } else {
                    None
                }
            }
        }
    }

    /// The headline query of a part that searches the article's text.
    fn title_query(&self, part: &Part) -> Option<Box<dyn Query>> {
        match part {
            Part::Text { field: None, .. } | Part::Any(_) => {
                self.part_query(part, self.index.fields.title)
            }
            _ => None,
        }
    }

    /// The searchable field a query names.
    fn field(&self, name: &str) -> Option<Field> {
        let fields = self.index.fields;
        match name {
            names::TITLE => Some(fields.title),
            names::BODY => Some(fields.body),
            names::PLACE => Some(fields.place),
            names::SOURCE => Some(fields.source),
            _ => None,
        }
    }

    /// The one term a typed hyphenated word makes without its hyphens, if `text` is
    /// one (`e-mail`: `email`).
    fn joined_term(&self, field: Field, text: &str) -> Option<Term> {
        let whole = schema::joined_word(text)?;
        match self.terms(field, &whole).as_slice() {
            [(_, term)] => Some(term.clone()),
            _ => None,
        }
    }

    /// The term of a body word's hyphenated spelling, when an article has one.
    fn hyphenated_spelling(&self, term: &Term) -> Option<Term> {
        let value = term.value();
        let joined = Term::from_field_text(self.index.fields.joined, value.as_str()?);
        let frequency = self.searcher.doc_freq(&joined);
        frequency.is_ok_and(|n| n > 0).then_some(joined)
    }

    /// One term, or the phrase of several at their positions; `None` for none. A
    /// phrase of two frequent words side by side in the body is their pair term.
    fn words_query(&self, field: Field, mut terms: Vec<(usize, Term)>) -> Option<Box<dyn Query>> {
        match terms.as_slice() {
            [] => None,
            [_] => {
                let (_, term) = terms.pop()?;
                Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)))
            }
            [(0, first), (1, second)] if field == self.index.fields.body => {
                let pair = (first.value().as_str())
                    .zip(second.value().as_str())
                    .and_then(|(first, second)| schema::pair_term_text(first, second));
                Some(match pair {
                    Some(pair) => Box::new(PairQuery::new(
                        Term::from_field_text(self.index.fields.pairs, &pair),
                        [first.clone(), second.clone()],
                    )),
                    None => Box::new(PhraseQuery::new_with_offset(terms)),
                })
            }
            _ => Some(Box::new(PhraseQuery::new_with_offset(terms))),
        }
    }

    /// The terms the field's analyzer makes of `text`, with their positions.
    fn terms(&self, field: Field, text: &str) -> Vec<(usize, Term)> {
        let Some(mut analyzer) = self.index.analyzer(field) else {
            return Vec::new();
        };
        let mut stream = analyzer.token_stream(text);
        let mut terms: Vec<(usize, Term)> = Vec::new();
        let mut first = None;
        while let Some(token) = stream.next() {
            let start = *first.get_or_insert(token.position);
            terms.push((
                token.position - start,
                Term::from_field_text(field, &token.text),
            ));
        }
        terms
    }
}

/// The plan of a search: the tantivy queries of what an article must match, of the
/// second list, and of what raises a score, with the reader's notes.
pub(super) struct Plan {
    /// The articles listed first: with all the query's parts (or any, by the mode).
    pub(super) matching: Box<dyn Query>,
    /// The articles listed after them, with some of the parts but not all.
    pub(super) some: Option<SomeWords>,
    /// Any of the query's words in the headline, scored [`TITLE_BOOST`] times higher.
    pub(super) in_title: Option<Box<dyn Query>>,
    /// What was read as text rather than as syntax.
    pub(super) notes: Vec<String>,
}

/// The second list of a query of several parts.
pub(super) struct SomeWords {
    /// The articles with any of the parts: both lists.
    pub(super) any: Box<dyn Query>,
    /// Those of them without all the parts.
    pub(super) some: Box<dyn Query>,
    /// The words, when the query is words and nothing else.
    pub(super) words: Option<Vec<Term>>,
}

impl Plan {
    /// Every article listed: the first list and the second.
    pub(super) fn listed(&self) -> Box<dyn Query> {
        match &self.some {
            Some(some) => some.any.box_clone(),
            None => self.matching.box_clone(),
        }
    }

    /// `matching` AND the date filter, with the headline clause as an optional
    /// addition to the score. The required part drives the search, so a selective
    /// filter skips through the words' posting lists instead of scoring all of them.
    pub(super) fn scored(
        &self,
        matching: &dyn Query,
        filter: Option<&dyn Query>,
    ) -> Box<dyn Query> {
        let mut clauses = vec![(Occur::Must, matching.box_clone())];
        clauses.extend(filter.map(|f| (Occur::Must, f.box_clone())));
        if let Some(title) = &self.in_title {
            clauses.push((
                Occur::Should,
                Box::new(BoostQuery::new(title.box_clone(), TITLE_BOOST)),
            ));
        }
        Box::new(BooleanQuery::new(clauses))
    }

    /// Without a filter, a query of one word or of words joined by OR becomes a flat
    /// union of body and boosted headline terms (the same matches and scores as
    /// [`Plan::scored`]), which tantivy ranks with block-WAND.
    pub(super) fn prunable_union(
        &self,
        matching: &dyn Query,
        filtered: bool,
    ) -> Option<BooleanQuery> {
        if filtered {
            return None;
        }
        let mut clauses = Vec::new();
        for term in term_alternatives(matching)? {
            clauses.push((Occur::Should, term));
        }
        if let Some(title) = &self.in_title {
            for term in term_alternatives(&**title)? {
                clauses.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(term, TITLE_BOOST)) as Box<dyn Query>,
                ));
            }
        }
        Some(BooleanQuery::new(clauses))
    }
}

/// `matching` AND the date filter, unscored (for sorting by date and counting).
pub(super) fn filtered(matching: &dyn Query, filter: Option<&dyn Query>) -> Box<dyn Query> {
    match filter {
        Some(filter) => Box::new(BooleanQuery::new(vec![
            (Occur::Must, matching.box_clone()),
            (Occur::Must, filter.box_clone()),
        ])),
        None => matching.box_clone(),
    }
}

/// Whether the query's words are all words the index leaves out as too common.
fn only_common_words(read: &query::Query) -> bool {
    let mut words = read
        .positive()
        .filter_map(|part| match part {
            Part::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .flat_map(|text| text.split(|c: char| !c.is_alphanumeric()))
        .filter(|word| !word.is_empty())
        .peekable();
    words.peek().is_some() && words.all(schema::is_common_word)
}

/// The clauses as one query: `None` when there are none, the query itself when there
/// is one that does not exclude, else their boolean query.
fn join(mut clauses: Vec<(Occur, Box<dyn Query>)>) -> Option<Box<dyn Query>> {
    match clauses.len() {
        0 => None,
        1 if clauses[0].0 != Occur::MustNot => clauses.pop().map(|(_, q)| q),
        _ => Some(Box::new(BooleanQuery::new(clauses))),
    }
}

/// The terms of a query that is one term or an OR of terms; `None` for anything else.
fn term_alternatives(query: &dyn Query) -> Option<Vec<Box<dyn Query>>> {
    if query.downcast_ref::<TermQuery>().is_some() {
        return Some(vec![query.box_clone()]);
    }
    let is_term = |clause: &dyn Query| clause.downcast_ref::<TermQuery>().is_some();
    if let Some(union) = query.downcast_ref::<SeekingUnion>() {
        return union
            .parts()
            .iter()
            .map(|part| is_term(&**part).then(|| part.box_clone()))
            .collect();
    }
    let boolean = query.downcast_ref::<BooleanQuery>()?;
    boolean
        .clauses()
        .iter()
        .map(|(occur, clause)| {
            (*occur == Occur::Should && is_term(&**clause)).then(|| clause.box_clone())
        })
        .collect()
}

/// The characters of a query quoted in a message, before it is cut.
const QUOTED_CHARS: usize = 80;

/// The error of a `query` that means nothing to search for: the query quoted on one
/// line, its control characters escaped, cut with `…` past [`QUOTED_CHARS`].
fn query_error(query: &str, problem: QueryProblem) -> anyhow::Error {
    let mut shown: String = query.chars().take(QUOTED_CHARS).collect();
    if shown.len() < query.len() {
        shown.push('…');
    }
    let shown = crate::output::sanitize(&shown).into_owned();
    RequestError::Query { shown, problem }.into()
}

/// Whether the query asks for every article.
pub(super) fn is_match_all(query: &str) -> bool {
    query.trim() == "*"
}

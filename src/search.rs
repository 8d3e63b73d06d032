//! Search: a [`SearchRequest`] becomes a tantivy query (the words AND the date range),
//! ranked by BM25 with the title boosted or sorted by date, paged, with snippets made
//! for the hits shown only.

mod exclusion;
pub mod histogram;
pub mod stats;
mod union;

use crate::article::Article;
use crate::date::{self, DateRange};
use crate::query::{self, Part};
use crate::schema::{self, datetime_to_day, names, DatelineIndex, Fields, Stored};
use crate::snippet::{Highlighter, Snippet};
use anyhow::{Context, Result};
use exclusion::exclusion;
use histogram::{DateHistogram, Period, PeriodCount};
use serde::Serialize;
use tantivy::collector::{Collector, Count, SegmentCollector, TopDocs};
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, Occur, PhraseQuery,
    Query, TermQuery,
};
use tantivy::schema::Field;
use tantivy::schema::IndexRecordOption;
use tantivy::{
    DateTime, DocAddress, DocId, DocSet, IndexReader, Order, Score, SegmentOrdinal, SegmentReader,
    TantivyDocument, Term,
};
use union::SeekingUnion;

/// The weight of a query word's score in the headline, added to its score in the body
/// (which holds the headline too). Chosen on the judged collections, where 0.2-0.3
/// ranked best and 2.5 cost up to 0.05 MAP.
pub const TITLE_BOOST: f32 = 0.3;

/// The most hits one page may show.
pub const MAX_LIMIT: usize = 1000;

/// The deepest a page may start.
pub const MAX_OFFSET: usize = 100_000;

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Best match first (BM25, title boosted); newest first for `*`.
    #[default]
    Relevance,
    /// Latest publication date first; undated articles last.
    Newest,
    /// Earliest publication date first; undated articles last.
    Oldest,
}

/// Which articles a query of several parts lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    /// Articles with all the parts first, then (ranked after every one of them) those
    /// with some, so that a question typed as a sentence still finds what it asks.
    #[default]
    Best,
    /// Only articles with all the parts.
    All,
    /// Articles with any of the parts, ranked together.
    Any,
}

impl MatchMode {
    /// Every mode.
    pub const ALL: [MatchMode; 3] = [MatchMode::Best, MatchMode::All, MatchMode::Any];

    /// The mode named `name` (`best`, `all` or `any`).
    pub fn from_name(name: &str) -> Option<MatchMode> {
        MatchMode::ALL.into_iter().find(|m| m.as_str() == name)
    }

    /// The name users give.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMode::Best => "best",
            MatchMode::All => "all",
            MatchMode::Any => "any",
        }
    }
}

/// One search, as the command line or another caller asks for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchRequest {
    /// The query text: words, `"phrases"`, `OR`, `-word`, `field:word`, or `*`.
    pub query: String,
    /// Publication dates to keep; with any bound, undated articles are left out.
    pub dates: DateRange,
    /// Hits per page.
    pub limit: usize,
    /// Hits to skip before the page.
    pub offset: usize,
    /// The order of hits.
    pub sort: SortOrder,
    /// Which articles a query of several parts lists.
    pub matching: MatchMode,
    /// The calendar period to count every match by, if any.
    pub histogram: Option<Period>,
}

impl SearchRequest {
    /// A first page of ten hits by relevance, over all dates.
    pub fn new(query: impl Into<String>) -> SearchRequest {
        SearchRequest {
            query: query.into(),
            dates: DateRange::default(),
            limit: 10,
            offset: 0,
            sort: SortOrder::Relevance,
            matching: MatchMode::Best,
            histogram: None,
        }
    }
}

/// One article found.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// Position in the whole result list, from 1.
    pub rank: usize,
    /// BM25 score; absent when sorted by date.
    pub score: Option<f32>,
    /// The article id.
    pub id: String,
    /// The headline.
    pub title: String,
    /// The publication day.
    #[serde(with = "crate::article::optional_day")]
    pub date: Option<time::Date>,
    /// The publishing site, as the article names it.
    pub source: Option<String>,
    /// The key grouping the site's articles (see [`crate::Article::site`]).
    pub site: Option<String>,
    /// The article's address.
    pub url: Option<String>,
    /// The dateline place.
    pub place: Option<String>,
    /// The file the article was read from.
    pub path: String,
    /// The line or item of that file, for files of several articles.
    pub line: Option<u64>,
    /// The moment of publication in UTC, when the source stated a time.
    #[serde(with = "time::serde::rfc3339::option")]
    pub published: Option<time::OffsetDateTime>,
    /// A passage showing why the article matched.
    pub snippet: Snippet,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResults {
    /// The query text as given.
    pub query: String,
    /// How many articles are listed in all.
    pub total: usize,
    /// How many of them have all the query's parts (they come first); the rest have
    /// some. Equal to `total` for a query of one part or with [`MatchMode::All`].
    pub total_all: usize,
    /// What of the query was read as text rather than as syntax.
    pub notes: Vec<String>,
    /// With a date bound: how many undated articles matched the words but were left out.
    pub undated_left_out: Option<usize>,
    /// The page of hits asked for.
    pub hits: Vec<Hit>,
    /// Dated matches per period, when asked for: every match, not only the page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub histogram: Option<Vec<PeriodCount>>,
    /// The period of [`SearchResults::histogram`].
    #[serde(skip)]
    pub histogram_period: Option<Period>,
}

/// A request that cannot be answered as asked (a bad query, page or limit), as
/// opposed to a failure of the index; its message says what to change.
#[derive(Debug)]
pub struct InvalidRequest(pub String);

impl std::fmt::Display for InvalidRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InvalidRequest {}

/// Fails with an [`InvalidRequest`] saying `message`.
macro_rules! invalid {
    ($($arg:tt)*) => {
        return Err(anyhow::Error::new(InvalidRequest(format!($($arg)*))))
    };
}

/// A reusable searcher over one index; cheap to query many times.
pub struct Searcher {
    index: DatelineIndex,
    reader: IndexReader,
}

impl Searcher {
    /// Prepares searches over `index`; later commits are picked up on the next search.
    pub fn new(index: DatelineIndex) -> Result<Searcher> {
        let reader = index.reader()?;
        Ok(Searcher { index, reader })
    }

    /// Runs one search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        schema::guard(&self.index.dir, || self.run(request))
    }

    fn run(&self, request: &SearchRequest) -> Result<SearchResults> {
        if request.limit == 0 || request.limit > MAX_LIMIT {
            invalid!(
                "--limit must be between 1 and {MAX_LIMIT}, not {}",
                request.limit
            );
        }
        if request.offset > MAX_OFFSET {
            invalid!(
                "--offset must be at most {MAX_OFFSET}, not {}: narrow the query instead",
                request.offset
            );
        }
        let fields = self.index.fields;
        let searcher = self.reader.searcher();
        let date_filter = date_range_query(fields, &request.dates, &searcher);
        let words = self.parse(
            &searcher,
            &request.query,
            request.matching,
            date_filter.is_some(),
        )?;
        let filter = date_filter.as_ref().map(|f| &*f.query);
        let histogram = match request.histogram {
            Some(period) => {
                let matches = words.filtered(&*words.listed(), filter);
                let counts = searcher
                    .search(&matches, &DateHistogram(period))
                    .context("counting matches per period")?;
                Some(histogram::periods(period, &counts))
            }
            None => None,
        };
        // Every article scores the same for `*`: browsing it by relevance means by date.
        let sort = match request.sort {
            SortOrder::Relevance if is_match_all(&request.query) => SortOrder::Newest,
            sort => sort,
        };
        // The articles with all the parts, then (when they do not fill the page) those
        // with some: each list is ranked on its own, so the second never comes first.
        let list = |matching| List {
            searcher: &searcher,
            words: &words,
            matching,
            filter,
            sort,
        };
        let (mut addresses, total_all) =
            self.page(&list(&*words.matching), request.offset, request.limit)?;
        let mut total = total_all;
        if let Some(some) = &words.some {
            let offset = request.offset.saturating_sub(total_all);
            let room = request.limit - addresses.len();
            if room > 0 {
                let (more, total_some) = self.page(&list(&*some.some), offset, room)?;
                addresses.extend(more);
                total += total_some;
            } else {
                // The page is full: only the count of the second list is needed, the
                // articles with any part less those with all, without testing each
                // one against the all-parts query.
                let listed = match (some.words.as_deref(), &date_filter) {
                    (Some(pair @ [_, _]), None) if !has_deletions(&searcher) => {
                        pair_union(&searcher, pair, total_all)?
                    }
                    (Some(words), Some(dates))
                        if union_bound(&searcher, &dates.periods)?
                            < union_bound(&searcher, words)? =>
                    {
                        count_any_within(&searcher, words, &*dates.query)?
                    }
                    _ => {
                        let any = words.filtered(&*some.any, filter);
                        searcher.search(&any, &Count).context("counting matches")?
                    }
                };
                total = listed.max(total_all);
            }
        }
        let undated_left_out = if request.dates.is_bounded() {
            // Undated articles carry a marker term, so this intersection is driven by
            // their short posting list rather than by every match of the words.
            let marker = Term::from_field_text(fields.flags, schema::UNDATED_FLAG);
            let undated = BooleanQuery::new(vec![
                (Occur::Must, words.listed()),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(marker, IndexRecordOption::Basic)),
                ),
            ]);
            Some(
                searcher
                    .search(&undated, &WalkCount)
                    .context("counting undated matches")?,
            )
        } else {
            None
        };

        let mut body_terms = std::collections::BTreeSet::new();
        words.matching.query_terms(&mut |term, _| {
            if term.field() == fields.body {
                body_terms.insert(term.clone());
            }
        });
        let body_terms: Vec<Term> = body_terms.into_iter().collect();
        let mut highlighter = Highlighter::new(&searcher, fields, &body_terms)?;
        let mut hits = Vec::with_capacity(addresses.len());
        for (i, (score, address)) in addresses.into_iter().enumerate() {
            let doc: TantivyDocument = searcher
                .doc(address)
                .context("reading a hit from the index")?;
            let stored = Stored::new(fields, &doc);
            let snippet = highlighter.snippet(&searcher, address, stored.body().trim())?;
            hits.push(hit(&stored, request.offset + i + 1, score, snippet));
        }
        Ok(SearchResults {
            query: request.query.clone(),
            total,
            total_all,
            notes: words.notes,
            undated_left_out,
            hits,
            histogram,
            histogram_period: request.histogram,
        })
    }

    /// Every article in the index, in index order (for evaluation and export).
    pub fn all_articles(&self) -> Result<Vec<Article>> {
        let mut articles = Vec::new();
        self.for_each_article(|article| {
            articles.push(article);
            Ok(())
        })?;
        Ok(articles)
    }

    /// Calls `each` with every article in the index, one at a time and in index order,
    /// so that an export of any size holds one article in memory; returns how many.
    pub fn for_each_article(&self, mut each: impl FnMut(Article) -> Result<()>) -> Result<usize> {
        schema::guard(&self.index.dir, || self.walk_articles(&mut each))
    }

    fn walk_articles(&self, each: &mut dyn FnMut(Article) -> Result<()>) -> Result<usize> {
        let searcher = self.reader.searcher();
        let fields = self.index.fields;
        let mut count = 0;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            for doc in segment.doc_ids_alive() {
                let address = DocAddress::new(ord as u32, doc);
                let doc: TantivyDocument = searcher
                    .doc(address)
                    .context("reading an article from the index")?;
                each(Stored::new(fields, &doc).article())?;
                count += 1;
            }
        }
        Ok(count)
    }

    /// The article stored under `id`, looked up in the exact `id` field; `None` when the
    /// index holds no such article.
    pub fn article(&self, id: &str) -> Result<Option<Article>> {
        schema::guard(&self.index.dir, || self.look_up(id))
    }

    fn look_up(&self, id: &str) -> Result<Option<Article>> {
        let searcher = self.reader.searcher();
        let fields = self.index.fields;
        let query = TermQuery::new(
            Term::from_field_text(fields.id, id),
            IndexRecordOption::Basic,
        );
        let found = searcher
            .search(&query, &TopDocs::with_limit(1).order_by_score())
            .context("looking up the article")?;
        let Some((_, address)) = found.into_iter().next() else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher
            .doc(address)
            .context("reading the article from the index")?;
        Ok(Some(Stored::new(fields, &doc).article()))
    }

    /// What the index recorded for the articles of the file at `path` (source and
    /// site), if it holds them.
    pub fn file(&self, path: &std::path::Path) -> Result<Option<crate::ingest::Indexed>> {
        schema::guard(&self.index.dir, || {
            let Ok(path) = path.canonicalize() else {
                return Ok(None);
            };
            let searcher = self.reader.searcher();
            let fields = self.index.fields;
            let term = Term::from_field_text(fields.path, &path.to_string_lossy());
            let query = TermQuery::new(term, IndexRecordOption::Basic);
            let top = searcher
                .search(&query, &TopDocs::with_limit(1).order_by_score())
                .context("looking up the file in the index")?;
            let Some((_, address)) = top.first() else {
                return Ok(None);
            };
            let doc: TantivyDocument = searcher
                .doc(*address)
                .context("reading an indexed article")?;
            let stored = Stored::new(fields, &doc);
            Ok(Some(crate::ingest::Indexed {
                source: stored.source().map(str::to_string),
                site: stored.site().map(str::to_string),
            }))
        })
    }

    /// One page of a list of articles, and how many the list holds.
    fn page(&self, list: &List, offset: usize, limit: usize) -> Result<Page> {
        let List {
            searcher,
            words,
            matching,
            filter,
            sort,
        } = *list;
        let page = TopDocs::with_limit(limit).and_offset(offset);
        let scored = |top: Vec<(f32, DocAddress)>| top.into_iter().map(|(s, a)| (Some(s), a));
        Ok(match sort {
            SortOrder::Relevance => match words.prunable_union(matching, filter.is_some()) {
                // Block-WAND skips most matches of a union of words, so the total
                // is counted on its own, without scoring.
                Some(union) => {
                    let top = searcher
                        .search(&union, &page.order_by_score())
                        .context("running the search")?;
                    let total = searcher
                        .search(matching, &Count)
                        .context("counting matches")?;
                    (scored(top).collect(), total)
                }
                None => {
                    let query = words.scored(matching, filter);
                    let (top, total) = searcher
                        .search(&query, &(page.order_by_score(), Count))
                        .context("running the search")?;
                    (scored(top).collect(), total)
                }
            },
            SortOrder::Newest | SortOrder::Oldest => {
                let order = if sort == SortOrder::Newest {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let query = words.filtered(matching, filter);
                let by_date = page.order_by_fast_field::<DateTime>(names::DATE, order);
                let (top, total) = searcher
                    .search(&query, &(by_date, Count))
                    .context("running the search")?;
                (top.into_iter().map(|(_, a)| (None, a)).collect(), total)
            }
        })
    }

    /// Reads the query as typed (see [`crate::query`]); `*` alone matches every
    /// article. Only a query with nothing to search for is refused. Under a date
    /// `filter`, the filter leads and a union of the parts is only asked about the
    /// articles it holds.
    fn parse(
        &self,
        searcher: &tantivy::Searcher,
        text: &str,
        mode: MatchMode,
        filtered: bool,
    ) -> Result<Words> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            invalid!("empty query: give words to search for, or `*` for every article");
        }
        if is_match_all(trimmed) {
            return Ok(Words {
                matching: Box::new(AllQuery),
                some: None,
                in_title: None,
                notes: Vec::new(),
            });
        }
        // The query as one line in a message, its control characters escaped.
        let shown = quoted(trimmed);
        let read = match query::read(trimmed) {
            Ok(read) => read,
            Err(why) => invalid!("invalid query `{shown}`: {why}"),
        };
        let fields = self.index.fields;
        let mut positive = Vec::new();
        let mut excluded = Vec::new();
        for clause in &read.clauses {
            if let Some(q) = self.part_query(searcher, &clause.part, fields.body) {
                if clause.exclude {
                    excluded.push((Occur::MustNot, exclusion(q)));
                } else {
                    positive.push(q);
                }
            }
        }
        if positive.is_empty() {
            if excluded.is_empty() && only_common_words(&read) {
                invalid!(
                    "invalid query `{shown}`: its words are too common to be indexed (\"the\", \"of\", \"to\" ...); add a word that says what to look for"
                );
            }
            if excluded.is_empty() {
                let why = read
                    .notes
                    .first()
                    .map_or(String::new(), |note| format!(" ({note})"));
                invalid!(
                    "invalid query `{shown}`: it holds no word to search for{why}; give a word, or `*` alone for every article"
                );
            }
            invalid!("invalid query `{shown}`: it only excludes words; add a word to search for");
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
                // Words and nothing else can be counted from their posting lists.
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
            .filter_map(|part| self.title_query(searcher, part))
            .collect();
        let in_title = match in_title.len() {
            0 | 1 => in_title.pop(),
            _ => Some(Box::new(SeekingUnion::new(in_title)) as Box<dyn Query>),
        };
        Ok(Words {
            matching,
            some,
            in_title,
            notes: read.notes,
        })
    }

    /// The query of one part over `default_field` (or the field it names); `None`
    /// when its text holds no word the analyzer keeps.
    fn part_query(
        &self,
        searcher: &tantivy::Searcher,
        part: &Part,
        default_field: Field,
    ) -> Option<Box<dyn Query>> {
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
                        self.hyphenated_spelling(searcher, term)
                    }
                    _ => None,
                };
                let words = words_query(terms);
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
                    .filter_map(|p| self.part_query(searcher, p, default_field))
                    .map(|q| (Occur::Should, q))
                    .collect(),
            ),
            Part::All(clauses) => {
                let clauses: Vec<(Occur, Box<dyn Query>)> = clauses
                    .iter()
                    .filter_map(|c| {
                        let query = self.part_query(searcher, &c.part, default_field)?;
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
    fn title_query(&self, searcher: &tantivy::Searcher, part: &Part) -> Option<Box<dyn Query>> {
        match part {
            Part::Text { field: None, .. } | Part::Any(_) => {
                self.part_query(searcher, part, self.index.fields.title)
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
    fn hyphenated_spelling(&self, searcher: &tantivy::Searcher, term: &Term) -> Option<Term> {
        let value = term.value();
        let joined = Term::from_field_text(self.index.fields.joined, value.as_str()?);
        let frequency = searcher.doc_freq(&joined);
        frequency.is_ok_and(|n| n > 0).then_some(joined)
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

/// A page of hits with their scores (none when sorted by date), and how many the
/// list holds.
type Page = (Vec<(Option<f32>, DocAddress)>, usize);

/// One ranked list of articles: those matching `matching` AND the date filter.
#[derive(Clone, Copy)]
struct List<'a> {
    searcher: &'a tantivy::Searcher,
    words: &'a Words,
    matching: &'a dyn Query,
    filter: Option<&'a dyn Query>,
    sort: SortOrder,
}

/// A parsed query: what an article must match, and what raises its score.
struct Words {
    /// The articles listed first: with all the query's parts (or any, by the mode).
    matching: Box<dyn Query>,
    /// The articles listed after them, with some of the parts but not all.
    some: Option<SomeWords>,
    /// Any of the query's words in the headline, scored [`TITLE_BOOST`] times higher.
    in_title: Option<Box<dyn Query>>,
    /// What was read as text rather than as syntax.
    notes: Vec<String>,
}

/// The second list of a query of several parts.
struct SomeWords {
    /// The articles with any of the parts: both lists.
    any: Box<dyn Query>,
    /// Those of them without all the parts.
    some: Box<dyn Query>,
    /// The words, when the query is words and nothing else.
    words: Option<Vec<Term>>,
}

impl Words {
    /// Every article listed: the first list and the second.
    fn listed(&self) -> Box<dyn Query> {
        match &self.some {
            Some(some) => some.any.box_clone(),
            None => self.matching.box_clone(),
        }
    }

    /// `matching` AND the date filter, unscored (for sorting by date).
    fn filtered(&self, matching: &dyn Query, filter: Option<&dyn Query>) -> Box<dyn Query> {
        match filter {
            Some(filter) => Box::new(BooleanQuery::new(vec![
                (Occur::Must, matching.box_clone()),
                (Occur::Must, filter.box_clone()),
            ])),
            None => matching.box_clone(),
        }
    }

    /// `matching` AND the date filter, with the headline clause as an optional
    /// addition to the score. The required part drives the search, so a selective
    /// filter skips through the words' posting lists instead of scoring all of them.
    fn scored(&self, matching: &dyn Query, filter: Option<&dyn Query>) -> Box<dyn Query> {
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
    /// [`Words::scored`]), which tantivy ranks with block-WAND.
    fn prunable_union(&self, matching: &dyn Query, filtered: bool) -> Option<BooleanQuery> {
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

/// One term, or the phrase of several at their positions; `None` for none.
fn words_query(mut terms: Vec<(usize, Term)>) -> Option<Box<dyn Query>> {
    match terms.len() {
        0 => None,
        1 => {
            let (_, term) = terms.pop()?;
            Some(Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)))
        }
        _ => Some(Box::new(PhraseQuery::new_with_offset(terms))),
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

/// Whether any segment holds deleted articles, which document frequencies still
/// count.
fn has_deletions(searcher: &tantivy::Searcher) -> bool {
    searcher
        .segment_readers()
        .iter()
        .any(|segment| segment.num_deleted_docs() > 0)
}

/// How many articles hold either of two words, from their document frequencies
/// and `both`, how many hold the two: |A ∪ B| = |A| + |B| − |A ∩ B|.
fn pair_union(searcher: &tantivy::Searcher, pair: &[Term], both: usize) -> Result<usize> {
    let sum = usize::try_from(union_bound(searcher, pair)?).unwrap_or(usize::MAX);
    Ok(sum.saturating_sub(both))
}

/// The sum of the words' document frequencies: at least the size of their union.
fn union_bound(searcher: &tantivy::Searcher, words: &[Term]) -> Result<u64> {
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
fn count_any_within(
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
struct WalkCount;

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
struct WalkCountSegment(usize);

impl SegmentCollector for WalkCountSegment {
    type Fruit = usize;

    fn collect(&mut self, _: DocId, _: Score) {
        self.0 += 1;
    }

    fn harvest(self) -> usize {
        self.0
    }
}

/// The characters of a query quoted in a message, before it is cut.
const QUOTED_CHARS: usize = 80;

/// A query as a message quotes it: on one line, its control characters escaped,
/// and cut with `…` past [`QUOTED_CHARS`].
fn quoted(query: &str) -> String {
    let mut shown: String = query.chars().take(QUOTED_CHARS).collect();
    if shown.len() < query.len() {
        shown.push('…');
    }
    crate::output::sanitize(&shown).into_owned()
}

/// Whether the query asks for every article.
fn is_match_all(query: &str) -> bool {
    query.trim() == "*"
}

/// Runs one search on `index` (for one-off callers; reuse a [`Searcher`] for many).
pub fn search(index: &DatelineIndex, request: &SearchRequest) -> Result<SearchResults> {
    Searcher::new(index.clone())?.search(request)
}

/// A date range as a query, and the period terms it is the union of.
struct DateFilter {
    query: Box<dyn Query>,
    periods: Vec<Term>,
}

/// The date range as a filter: the union of the few period terms that cover it
/// exactly (whole years, months, then days), so that its matches come from exact
/// posting lists. Open ends are clamped to the dates the index holds.
fn date_range_query(
    fields: Fields,
    dates: &DateRange,
    searcher: &tantivy::Searcher,
) -> Option<DateFilter> {
    if !dates.is_bounded() {
        return None;
    }
    let known = || {
        Some((
            date::day(date::FIRST_YEAR, 1, 1)?,
            date::day(date::LAST_YEAR, 12, 31)?,
        ))
    };
    let (first, last) = indexed_span(searcher).or_else(known)?;
    let since = dates.since.map_or(first, |d| d.max(first));
    let until = dates.until.map_or(last, |d| d.min(last));
    let periods: Vec<Term> = date::cover(since, until)
        .into_iter()
        .map(|period| Term::from_field_text(fields.flags, &period))
        .collect();
    let terms = periods
        .iter()
        .map(|term| {
            Box::new(TermQuery::new(term.clone(), IndexRecordOption::Basic)) as Box<dyn Query>
        })
        .collect();
    let union = BooleanQuery::union(terms);
    Some(DateFilter {
        query: Box::new(ConstScoreQuery::new(Box::new(union), 0.0)),
        periods,
    })
}

/// The first and last publication day in the index, from the date column's bounds.
fn indexed_span(searcher: &tantivy::Searcher) -> Option<(time::Date, time::Date)> {
    let mut span: Option<(DateTime, DateTime)> = None;
    for segment in searcher.segment_readers() {
        let column = segment.fast_fields().date(names::DATE).ok()?;
        if column.values.num_vals() == 0 {
            continue;
        }
        let (low, high) = (column.min_value(), column.max_value());
        span = Some(match span {
            Some((a, b)) => (a.min(low), b.max(high)),
            None => (low, high),
        });
    }
    let (low, high) = span?;
    Some((datetime_to_day(low)?, datetime_to_day(high)?))
}

/// The hit of the article stored as `doc`, with its `snippet`.
fn hit(stored: &Stored, rank: usize, score: Option<f32>, snippet: Snippet) -> Hit {
    let owned = |text: Option<&str>| text.map(str::to_string);
    Hit {
        rank,
        score,
        id: stored.id().to_string(),
        title: stored.title().to_string(),
        date: stored.date(),
        source: owned(stored.source()),
        site: owned(stored.site()),
        url: owned(stored.url()),
        place: owned(stored.place()),
        path: stored.path().to_string(),
        line: stored.line().map(|n| n as u64),
        published: stored.published(),
        snippet,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;
    use crate::{indexer, schema};

    fn article(id: &str, title: &str, body: &str, date: Option<&str>) -> Article {
        Article {
            id: id.into(),
            title: title.into(),
            body: body.into(),
            date: date.and_then(date::parse_published),
            date_from: None,
            place: None,
            source: Some("Test Wire".into()),
            site: None,
            url: None,
            path: format!("/corpus/{id}.txt"),
            line: None,
            lang: None,
            published: None,
        }
    }

    fn searcher() -> Searcher {
        let index = schema::create_in_ram().unwrap();
        indexer::add_articles(
            &index,
            &[
                article(
                    "body",
                    "Harvest report",
                    "The drought cut the wheat harvest.",
                    Some("2013-12-31"),
                ),
                article(
                    "title",
                    "Drought hits the south",
                    "Rivers ran low all summer.",
                    Some("2014-01-01"),
                ),
                article(
                    "old",
                    "Rain at last",
                    "Farmers welcomed rain after the drought of 2011.",
                    Some("2011-06-30"),
                ),
                article(
                    "undated",
                    "Drought diary",
                    "Notes from a dry village.",
                    None,
                ),
                article(
                    "rail",
                    "Railway opens",
                    "The drought did not delay the railway.",
                    Some("2016-02-29"),
                ),
            ],
        )
        .unwrap();
        Searcher::new(index).unwrap()
    }

    fn ids(results: &SearchResults) -> Vec<&str> {
        results.hits.iter().map(|h| h.id.as_str()).collect()
    }

    fn request(query: &str, since: Option<&str>, until: Option<&str>) -> SearchRequest {
        SearchRequest {
            dates: DateRange::from_args(since, until).unwrap(),
            ..SearchRequest::new(query)
        }
    }

    #[test]
    fn a_phrase_can_be_excluded_after_articles_it_skips_past() {
        // The excluded phrase's words first appear after three articles with the
        // included word, so testing the first of them carries the phrase past the
        // next two.
        let index = schema::create_in_ram().unwrap();
        let articles = [
            article("a", "One", "drought in the north", None),
            article("b", "Two", "drought in the south", None),
            article("c", "Three", "drought in the east", None),
            article("d", "Four", "drought spoils the wheat harvest", None),
        ];
        indexer::add_articles(&index, &articles).unwrap();
        let searcher = Searcher::new(index).unwrap();
        // The ids found, those after the first `keep` in id order (they tie).
        let found = |query: &str, keep: usize| {
            let results = searcher.search(&SearchRequest::new(query)).unwrap();
            let mut ids: Vec<String> = ids(&results).iter().map(|id| id.to_string()).collect();
            ids[keep..].sort_unstable();
            ids.join(" ")
        };
        assert_eq!(found(r#"drought -"wheat harvest""#, 0), "a b c");
        // The articles with some of the words but not all exclude those with all.
        assert_eq!(found(r#"drought "wheat harvest""#, 1), "d a b c");
    }

    #[test]
    fn articles_with_some_words_are_counted_within_a_date_range() {
        let index = schema::create_in_ram().unwrap();
        let dated = |id: &str, body: &str, date: &str| article(id, id, body, Some(date));
        indexer::add_articles(
            &index,
            &[
                dated("both-1", "Wheat went by rail.", "2014-03-02"),
                dated("both-2", "Rail freight of wheat.", "2014-03-20"),
                dated("wheat-1", "Wheat prices rose.", "2014-03-05"),
                dated("wheat-2", "Wheat exports fell.", "2014-03-31"),
                dated("rail-1", "A rail strike.", "2014-03-11"),
                dated("none", "Nothing of either.", "2014-03-12"),
                dated("later-1", "Wheat went by rail.", "2015-03-02"),
                dated("later-2", "Wheat and rail.", "2015-04-02"),
                dated("later-3", "Wheat harvest.", "2016-03-02"),
                dated("later-4", "Rail line.", "2016-03-03"),
            ],
        )
        .unwrap();
        let searcher = Searcher::new(index).unwrap();
        let count = |matching: MatchMode, limit: usize| {
            let request = SearchRequest {
                dates: DateRange::from_args(Some("2014-03"), Some("2014-03")).unwrap(),
                matching,
                limit,
                ..SearchRequest::new("wheat rail")
            };
            let results = searcher.search(&request).unwrap();
            (results.total, results.total_all)
        };
        // A full page of articles with both words: the others are only counted.
        assert_eq!(count(MatchMode::Best, 1), (5, 2));
        assert_eq!(count(MatchMode::Best, 10), (5, 2));
        assert_eq!(count(MatchMode::Any, 10).0, 5);
    }

    #[test]
    fn title_matches_rank_above_body_matches() {
        let results = searcher().search(&SearchRequest::new("drought")).unwrap();
        assert_eq!(results.total, 5);
        let ids = ids(&results);
        let last_title_hit = ids
            .iter()
            .rposition(|id| *id == "title" || *id == "undated")
            .unwrap();
        assert!(last_title_hit <= 1, "{ids:?}");
    }

    #[test]
    fn word_unions_rank_as_the_general_query_does() {
        let s = searcher();
        let searcher = s.reader.searcher();
        for query in ["drought", "drought OR railway", "rain OR rivers OR notes"] {
            let words = s.parse(&searcher, query, MatchMode::Best, false).unwrap();
            let union = words
                .prunable_union(&*words.matching, false)
                .expect("a union of words");
            let scored = |q: &dyn Query| {
                let top = searcher
                    .search(q, &TopDocs::with_limit(10).order_by_score())
                    .unwrap();
                top.into_iter()
                    .map(|(score, a)| (a, (score * 1000.0).round()))
                    .collect::<Vec<_>>()
            };
            let general = words.scored(&*words.matching, None);
            assert_eq!(scored(&union), scored(&*general), "{query}");
        }
        let phrase = s
            .parse(&searcher, "\"wheat harvest\"", MatchMode::Best, false)
            .unwrap();
        assert!(phrase.prunable_union(&*phrase.matching, false).is_none());
        let word = s
            .parse(&searcher, "drought", MatchMode::Best, false)
            .unwrap();
        assert!(word.prunable_union(&*word.matching, true).is_none());
    }

    #[test]
    fn words_in_the_headline_alone_are_found() {
        let results = searcher().search(&SearchRequest::new("diary")).unwrap();
        assert_eq!(ids(&results), ["undated"]);
        assert_eq!(results.hits[0].snippet.text, "Notes from a dry village.");
        assert!(results.hits[0].snippet.highlights.is_empty());
        let results = searcher()
            .search(&SearchRequest::new("\"drought hits\""))
            .unwrap();
        assert_eq!(ids(&results), ["title"]);
    }

    #[test]
    fn date_bounds_are_whole_and_leave_undated_out() {
        let s = searcher();
        let results = s.search(&request("drought", Some("2014"), None)).unwrap();
        assert_eq!((results.total, results.undated_left_out), (2, Some(1)));
        let results = s.search(&request("drought", None, Some("2013"))).unwrap();
        let mut found = ids(&results);
        found.sort();
        assert_eq!(found, ["body", "old"]);
        let results = s
            .search(&request("drought", Some("2016-02"), Some("2016-02")))
            .unwrap();
        assert_eq!(ids(&results), ["rail"]);
        let results = s
            .search(&request("drought", Some("2013-12-31"), Some("2014-01-01")))
            .unwrap();
        assert_eq!(results.total, 2);
    }

    #[test]
    fn everything_by_date_with_undated_last() {
        let s = searcher();
        let newest = s.search(&SearchRequest::new("*")).unwrap();
        assert_eq!(ids(&newest), ["rail", "title", "body", "old", "undated"]);
        let oldest = s
            .search(&SearchRequest {
                sort: SortOrder::Oldest,
                ..SearchRequest::new("*")
            })
            .unwrap();
        assert_eq!(ids(&oldest)[..4], ["old", "body", "title", "rail"]);
        assert!(newest.hits.iter().all(|h| h.score.is_none()));
    }

    #[test]
    fn query_syntax() {
        let s = searcher();
        let total = |q: &str| s.search(&SearchRequest::new(q)).unwrap().total;
        assert_eq!(total("drought -railway"), 4);
        assert_eq!(total("title:drought"), 2);
        assert_eq!(total("\"wheat harvest\""), 1);
        assert_eq!(total("\"harvest wheat\""), 0);
        assert_eq!(total("rain OR railway"), 2);
        assert_eq!(total("droughts"), 5, "stemmed");
        assert_eq!(total("source:wire"), 5);
    }

    #[test]
    fn bad_requests_are_explained() {
        let s = searcher();
        let error = |r: SearchRequest| format!("{:#}", s.search(&r).unwrap_err());
        assert!(error(SearchRequest::new("-drought")).contains("only excludes words"));
        assert!(error(SearchRequest::new("- ( ) OR")).contains("no word to search for"));
        assert!(error(SearchRequest::new("  ")).contains("empty query"));
        assert!(error(SearchRequest {
            limit: 0,
            ..SearchRequest::new("x")
        })
        .contains("--limit"));
        assert!(error(SearchRequest {
            offset: MAX_OFFSET + 1,
            ..SearchRequest::new("x")
        })
        .contains("--offset"));
    }

    #[test]
    fn snippets_highlight_query_words_or_show_the_lead() {
        let s = searcher();
        let results = s.search(&SearchRequest::new("wheat")).unwrap();
        let snippet = &results.hits[0].snippet;
        let words: Vec<&str> = snippet
            .highlights
            .iter()
            .map(|r| &snippet.text[r.clone()])
            .collect();
        assert_eq!(words, ["wheat"]);
        let results = s.search(&SearchRequest::new("title:diary")).unwrap();
        assert_eq!(results.hits[0].snippet.text, "Notes from a dry village.");
        assert!(results.hits[0].snippet.highlights.is_empty());
    }

    #[test]
    fn pages_continue_the_ranking() {
        let s = searcher();
        let all = s.search(&SearchRequest::new("drought")).unwrap();
        let page = s
            .search(&SearchRequest {
                limit: 2,
                offset: 2,
                ..SearchRequest::new("drought")
            })
            .unwrap();
        assert_eq!(ids(&page), ids(&all)[2..4]);
        assert_eq!(page.hits[0].rank, 3);
    }
}

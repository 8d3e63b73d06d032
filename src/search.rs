//! Search: a [`SearchRequest`] becomes a tantivy query (the words AND the date range),
//! ranked by BM25 with the title boosted or sorted by date, paged, with snippets made
//! for the hits shown only.

mod count;
mod dates;
mod exclusion;
pub mod histogram;
mod pair;
mod plan;
pub mod stats;
mod stories;
mod union;

use crate::article::Article;
use crate::date::DateRange;
use crate::error::RequestError;
use crate::schema::{self, names, DatelineIndex, Stored};
use crate::snippet::{Highlighter, Snippet};
use anyhow::{Context, Result};
use count::{count_any_within, has_deletions, pair_union, union_bound, WalkCount};
use dates::{date_range_query, DateFilter};
use histogram::{DateHistogram, Period, PeriodCount};
use plan::{filtered, is_match_all, Plan, Planner, SomeWords};
pub use stories::Copy;
use stories::StoryCount;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{BooleanQuery, Occur, Query, TermQuery};
use tantivy::schema::IndexRecordOption;
use tantivy::{DateTime, DocAddress, IndexReader, Order, TantivyDocument, Term};

/// The weight of a query word's score in the headline, added to its score in the body
/// (which holds the headline too). Chosen on the judged collections, where 0.2-0.3
/// ranked best and 2.5 cost up to 0.05 MAP.
pub const TITLE_BOOST: f32 = 0.3;

/// The most hits one page may show.
pub const MAX_LIMIT: usize = 1000;

/// The deepest a page may start.
pub const MAX_OFFSET: usize = 100_000;

/// The order of hits.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
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
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
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
    /// Whether every copy of a story is a hit of its own, rather than the story
    /// once, by its best-ranked copy.
    pub all_copies: bool,
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
            all_copies: false,
        }
    }
}

/// One article found.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Position in the whole result list, from 1.
    pub rank: usize,
    /// BM25 score; absent when sorted by date.
    pub score: Option<f32>,
    /// The article, without its body: the snippet shows why it matched.
    pub article: Article,
    /// A passage showing why the article matched.
    pub snippet: Snippet,
    /// The other copies of its story in the index (see [`crate::copies`]).
    pub copies: Vec<Copy>,
}

/// The answer to a [`SearchRequest`].
#[derive(Debug, Clone, PartialEq)]
pub struct SearchResults {
    /// The query text as given.
    pub query: String,
    /// How many articles are listed in all.
    pub total: usize,
    /// How many of them have all the query's parts (they come first); the rest have
    /// some. Equal to `total` for a query of one part or with [`MatchMode::All`].
    pub total_all: usize,
    /// How many stories the articles listed are, each group of copies counted once,
    /// when the index groups copies and the search shows each story once.
    pub stories: Option<usize>,
    /// What of the query was read as text rather than as syntax.
    pub notes: Vec<String>,
    /// With a date bound: how many undated articles matched the words but were left out.
    pub undated_left_out: Option<usize>,
    /// The page of hits asked for.
    pub hits: Vec<Hit>,
    /// Dated matches per period, when asked for: every match, not only the page.
    pub histogram: Option<Vec<PeriodCount>>,
    /// The period of [`SearchResults::histogram`].
    pub histogram_period: Option<Period>,
}

/// A reusable searcher over one index; cheap to query many times.
pub struct Searcher {
    index: DatelineIndex,
    reader: IndexReader,
}

impl Searcher {
    /// Prepares searches over the last commit of `index`.
    pub fn new(index: DatelineIndex) -> Result<Searcher> {
        let reader = index.reader()?;
        Ok(Searcher { index, reader })
    }

    /// Prepares searches over `index` that pick up later commits, for a process that
    /// keeps answering while the index is written.
    pub fn following(index: DatelineIndex) -> Result<Searcher> {
        let reader = index.following_reader()?;
        Ok(Searcher { index, reader })
    }

    /// Runs one search.
    pub fn search(&self, request: &SearchRequest) -> Result<SearchResults> {
        schema::guard(&self.index.dir, || self.run(request))
    }

    fn run(&self, request: &SearchRequest) -> Result<SearchResults> {
        if request.limit == 0 || request.limit > MAX_LIMIT {
            return Err(RequestError::Limit(request.limit).into());
        }
        if request.offset > MAX_OFFSET {
            return Err(RequestError::Offset(request.offset).into());
        }
        let searcher = self.reader.searcher();
        // The plan: the date range and the words as queries.
        let dates = date_range_query(self.index.fields, &request.dates, &searcher);
        let planner = Planner {
            index: &self.index,
            searcher: &searcher,
        };
        let plan = planner.parse(&request.query, request.matching, dates.is_some())?;
        let found = self.collect(&searcher, &plan, dates.as_ref(), request)?;
        let hits = self.hits(&searcher, &plan, found.page, request.offset)?;
        Ok(SearchResults {
            query: request.query.clone(),
            total: found.total,
            total_all: found.total_all,
            stories: found.stories,
            notes: plan.notes,
            undated_left_out: found.undated_left_out,
            hits,
            histogram: found.histogram,
            histogram_period: request.histogram,
        })
    }

    /// The page of hits asked for and the counts around it.
    fn collect(
        &self,
        searcher: &tantivy::Searcher,
        plan: &Plan,
        dates: Option<&DateFilter>,
        request: &SearchRequest,
    ) -> Result<Found> {
        let filter = dates.map(|f| &*f.query);
        let histogram = match request.histogram {
            Some(period) => {
                let matches = filtered(&*plan.listed(), filter);
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
        let lists = Lists {
            searcher,
            plan,
            dates,
            sort,
        };
        let collapse = !request.all_copies && stories::index_has_copies(searcher)?;
        let (page, total, total_all) = if collapse {
            self.first_of_each_story(&lists, request.offset, request.limit)?
        } else {
            self.ranked(&lists, request.offset, request.limit)?
        };
        let stories = if collapse {
            let listed = filtered(&*plan.listed(), filter);
            let counted = searcher
                .search(&listed, &StoryCount)
                .context("counting stories")?;
            Some(counted.stories())
        } else {
            None
        };
        let undated_left_out = if request.dates.is_bounded() {
            // Undated articles carry a marker term, so this intersection is driven by
            // their short posting list rather than by every match of the words.
            let marker = Term::from_field_text(self.index.fields.flags, schema::UNDATED_FLAG);
            let undated = BooleanQuery::new(vec![
                (Occur::Must, plan.listed()),
                (
                    Occur::Must,
                    Box::new(TermQuery::new(marker, IndexRecordOption::Basic)),
                ),
            ]);
            let count = searcher
                .search(&undated, &WalkCount)
                .context("counting undated matches")?;
            Some(count)
        } else {
            None
        };
        Ok(Found {
            page,
            total,
            total_all,
            stories,
            undated_left_out,
            histogram,
        })
    }

    /// The page at `offset` of the articles with all the query's parts, then (when
    /// they do not fill it) those with some: each list is ranked on its own, so the
    /// second never comes first. With how many articles are listed, and how many of
    /// them have all the parts.
    fn ranked(
        &self,
        lists: &Lists,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Hit0>, usize, usize)> {
        let Lists {
            searcher,
            plan,
            dates,
            sort,
        } = *lists;
        let filter = dates.map(|f| &*f.query);
        let list = |matching| List {
            searcher,
            plan,
            matching,
            filter,
            sort,
        };
        let (mut page, total_all) = self.page(&list(&*plan.matching), offset, limit)?;
        let mut total = total_all;
        if let Some(some) = &plan.some {
            let offset = offset.saturating_sub(total_all);
            let room = limit - page.len();
            if room > 0 {
                let (more, total_some) = self.page(&list(&*some.some), offset, room)?;
                page.extend(more);
                total += total_some;
            } else {
                total = count_some(searcher, some, dates, total_all)?.max(total_all);
            }
        }
        Ok((page, total, total_all))
    }

    /// [`Searcher::ranked`] with each story once, by its best-ranked copy: the ranked
    /// lists are read from their start, ever further, until the stories fill the
    /// page or the lists end.
    fn first_of_each_story(
        &self,
        lists: &Lists,
        offset: usize,
        limit: usize,
    ) -> Result<(Vec<Hit0>, usize, usize)> {
        let wanted = offset + limit;
        let mut reading = wanted.saturating_mul(2).max(32);
        loop {
            let (ranked, total, total_all) = self.ranked(lists, 0, reading)?;
            let addresses: Vec<DocAddress> = ranked.iter().map(|(_, a)| *a).collect();
            let stories = stories::stories_of(lists.searcher, &addresses)?;
            let ended = ranked.len() < reading || ranked.len() >= total;
            let firsts = stories::first_of_each(ranked, &stories);
            if firsts.len() >= wanted || ended {
                let page = firsts.into_iter().skip(offset).take(limit).collect();
                return Ok((page, total, total_all));
            }
            reading = reading.saturating_mul(4).min(total);
        }
    }

    /// The hits at `page`, each read with its snippet, ranked from `offset` + 1.
    fn hits(
        &self,
        searcher: &tantivy::Searcher,
        plan: &Plan,
        page: Vec<(Option<f32>, DocAddress)>,
        offset: usize,
    ) -> Result<Vec<Hit>> {
        let fields = self.index.fields;
        let mut body_terms = std::collections::BTreeSet::new();
        plan.matching.query_terms(&mut |term, _| {
            if term.field() == fields.body {
                body_terms.insert(term.clone());
            }
        });
        let body_terms: Vec<Term> = body_terms.into_iter().collect();
        let mut highlighter = Highlighter::new(searcher, fields, &body_terms)?;
        let addresses: Vec<DocAddress> = page.iter().map(|(_, a)| *a).collect();
        let stories = stories::stories_of(searcher, &addresses)?;
        let mut hits = Vec::with_capacity(page.len());
        for (i, ((score, address), story)) in page.into_iter().zip(stories).enumerate() {
            let doc: TantivyDocument = searcher
                .doc(address)
                .context("reading a hit from the index")?;
            let stored = Stored::new(fields, &doc);
            let snippet = highlighter.snippet(searcher, address, stored.body().trim())?;
            let mut hit = hit(&stored, offset + i + 1, score, snippet);
            hit.copies = stories::copies_of(searcher, fields, story, stored.id())?;
            hits.push(hit);
        }
        Ok(hits)
    }

    /// Every article in the index, in index order, in memory (for evaluation; an
    /// export walks them one at a time with [`Searcher::for_each_article`]).
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
            plan,
            matching,
            filter,
            sort,
        } = *list;
        let page = TopDocs::with_limit(limit).and_offset(offset);
        let scored = |top: Vec<(f32, DocAddress)>| top.into_iter().map(|(s, a)| (Some(s), a));
        Ok(match sort {
            SortOrder::Relevance => match plan.prunable_union(matching, filter.is_some()) {
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
                    let query = plan.scored(matching, filter);
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
                let query = filtered(matching, filter);
                let by_date = page.order_by_fast_field::<DateTime>(names::DATE, order);
                let (top, total) = searcher
                    .search(&query, &(by_date, Count))
                    .context("running the search")?;
                (top.into_iter().map(|(_, a)| (None, a)).collect(), total)
            }
        })
    }
}

/// A page of hits with their scores (none when sorted by date), and how many the
/// list holds.
type Page = (Vec<Hit0>, usize);

/// A hit before it is read: its score (none when sorted by date) and its address.
type Hit0 = (Option<f32>, DocAddress);

/// The ranked lists of a search: the articles with all its parts, then those with
/// some, within its dates, in its order.
#[derive(Clone, Copy)]
struct Lists<'a> {
    searcher: &'a tantivy::Searcher,
    plan: &'a Plan,
    dates: Option<&'a DateFilter>,
    sort: SortOrder,
}

/// What a search found, before its hits are read.
struct Found {
    /// The page asked for, with scores when ranked.
    page: Vec<(Option<f32>, DocAddress)>,
    total: usize,
    total_all: usize,
    stories: Option<usize>,
    undated_left_out: Option<usize>,
    histogram: Option<Vec<PeriodCount>>,
}

/// How many articles the second list holds with the first, `total_all` long, when the
/// page is full and only the count is needed: the articles with any part, counted
/// from the words' frequencies or by walking the smaller side where it can be,
/// without testing each one against the all-parts query.
fn count_some(
    searcher: &tantivy::Searcher,
    some: &SomeWords,
    dates: Option<&DateFilter>,
    total_all: usize,
) -> Result<usize> {
    Ok(match (some.words.as_deref(), dates) {
        (Some(pair @ [_, _]), None) if !has_deletions(searcher) => {
            pair_union(searcher, pair, total_all)?
        }
        (Some(words), Some(dates))
            if union_bound(searcher, &dates.periods)? < union_bound(searcher, words)? =>
        {
            count_any_within(searcher, words, &*dates.query)?
        }
        _ => {
            let filter = dates.map(|f| &*f.query);
            let any = filtered(&*some.any, filter);
            searcher.search(&any, &Count).context("counting matches")?
        }
    })
}

/// One ranked list of articles: those matching `matching` AND the date filter.
#[derive(Clone, Copy)]
struct List<'a> {
    searcher: &'a tantivy::Searcher,
    plan: &'a Plan,
    matching: &'a dyn Query,
    filter: Option<&'a dyn Query>,
    sort: SortOrder,
}

/// Runs one search on `index` (for one-off callers; reuse a [`Searcher`] for many).
pub fn search(index: &DatelineIndex, request: &SearchRequest) -> Result<SearchResults> {
    Searcher::new(index.clone())?.search(request)
}

/// The hit of the article `stored`, with its `snippet`.
fn hit(stored: &Stored, rank: usize, score: Option<f32>, snippet: Snippet) -> Hit {
    Hit {
        rank,
        score,
        article: stored.headed(),
        snippet,
        copies: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::Article;
    use crate::{date, indexer, schema};

    fn article(id: &str, title: &str, body: &str, date: Option<&str>) -> Article {
        Article {
            date: date.and_then(date::parse_published),
            source: Some("Test Wire".into()),
            ..Article::story(id, title, body)
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
        results.hits.iter().map(|h| h.article.id.as_str()).collect()
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
        let planner = Planner {
            index: &s.index,
            searcher: &searcher,
        };
        for query in ["drought", "drought OR railway", "rain OR rivers OR notes"] {
            let plan = planner.parse(query, MatchMode::Best, false).unwrap();
            let union = plan
                .prunable_union(&*plan.matching, false)
                .expect("a union of words");
            let scored = |q: &dyn Query| {
                let top = searcher
                    .search(q, &TopDocs::with_limit(10).order_by_score())
                    .unwrap();
                top.into_iter()
                    .map(|(score, a)| (a, (score * 1000.0).round()))
                    .collect::<Vec<_>>()
            };
            let general = plan.scored(&*plan.matching, None);
            assert_eq!(scored(&union), scored(&*general), "{query}");
        }
        let phrase = planner
            .parse("\"wheat harvest\"", MatchMode::Best, false)
            .unwrap();
        assert!(phrase.prunable_union(&*phrase.matching, false).is_none());
        let word = planner.parse("drought", MatchMode::Best, false).unwrap();
        assert!(word.prunable_union(&*word.matching, true).is_none());
    }

    #[test]
    fn a_phrase_of_frequent_words_is_its_pair_term_and_scores_as_the_phrase() {
        let index = schema::create_in_ram().unwrap();
        indexer::add_articles(
            &index,
            &[
                article(
                    "once",
                    "Talks",
                    "The United States and its allies met.",
                    None,
                ),
                article(
                    "twice",
                    "Envoys",
                    "United States envoys left the United States.",
                    None,
                ),
                article(
                    "reversed",
                    "Order",
                    "The states united against the tax.",
                    None,
                ),
                article("apart", "Gap", "United at last, the states voted.", None),
                article(
                    "stopword",
                    "Gap",
                    "Ships of the United and the States sailed.",
                    None,
                ),
                article(
                    "headline",
                    "United States envoy named",
                    "A diplomat was named.",
                    None,
                ),
                article("across", "States gather", "Delegates from the united", None),
                article(
                    "long",
                    "Report",
                    &"Long text with the united states in it. ".repeat(9),
                    None,
                ),
            ],
        )
        .unwrap();
        let s = Searcher::new(index).unwrap();
        let searcher = s.reader.searcher();
        let planner = Planner {
            index: &s.index,
            searcher: &searcher,
        };
        let plan = planner
            .parse("\"united states\"", MatchMode::Best, false)
            .unwrap();
        assert!(plan.matching.downcast_ref::<pair::PairQuery>().is_some());
        let body = |word: &str| Term::from_field_text(s.index.fields.body, word);
        let phrase = tantivy::query::PhraseQuery::new(vec![body("unit"), body("state")]);
        let scored = |q: &dyn Query| {
            let mut top: Vec<(DocAddress, i64)> = searcher
                .search(q, &TopDocs::with_limit(20).order_by_score())
                .unwrap()
                .into_iter()
                .map(|(score, a)| (a, (score * 1e5).round() as i64))
                .collect();
            top.sort();
            top
        };
        assert_eq!(scored(&*plan.matching), scored(&phrase));
        assert_eq!(
            searcher.search(&*plan.matching, &Count).unwrap(),
            searcher.search(&phrase, &Count).unwrap()
        );
        let results = s.search(&SearchRequest::new("\"united states\"")).unwrap();
        let mut found = ids(&results);
        found.sort();
        assert_eq!(found, ["headline", "long", "once", "twice"]);
        let first = &results.hits[0];
        assert_eq!(first.article.id, "headline", "the headline is boosted");
        let twice = results
            .hits
            .iter()
            .find(|h| h.article.id == "twice")
            .unwrap();
        assert_eq!(twice.snippet.highlights.len(), 4, "{:?}", twice.snippet);
        // Words the index holds no pairs of are a phrase as before.
        let rare = planner
            .parse("\"allies met\"", MatchMode::Best, false)
            .unwrap();
        assert!(rare.matching.downcast_ref::<pair::PairQuery>().is_none());
        let results = s.search(&SearchRequest::new("\"allies met\"")).unwrap();
        assert_eq!(ids(&results), ["once"]);
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
        let request_error = |r: SearchRequest| s.search(&r).unwrap_err().downcast::<RequestError>();
        let limit = SearchRequest {
            limit: 0,
            ..SearchRequest::new("x")
        };
        assert_eq!(request_error(limit).ok(), Some(RequestError::Limit(0)));
        let offset = SearchRequest {
            offset: MAX_OFFSET + 1,
            ..SearchRequest::new("x")
        };
        let expected = RequestError::Offset(MAX_OFFSET + 1);
        assert_eq!(request_error(offset).ok(), Some(expected));
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

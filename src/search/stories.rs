//! Stories: a search shows each group of copies (see [`crate::copies`]) once, by its
//! best-ranked member, counts the stories among its matches and lists each hit's
//! copies.

use crate::schema::{names, Fields, Stored};
use anyhow::{Context, Result};
use rustc_hash::FxHashSet;
use tantivy::collector::{Collector, SegmentCollector, TopDocs};
use tantivy::columnar::Column;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, TantivyDocument, Term};

/// The most copies listed with a hit.
pub const MOST_COPIES: usize = 100;

/// Whether any article of the index has a copy.
pub(super) fn index_has_copies(searcher: &tantivy::Searcher) -> Result<bool> {
    for segment in searcher.segment_readers() {
        if story_column(segment)?.is_some_and(|column| column.max_value() > 0) {
            return Ok(true);
        }
    }
    Ok(false)
}

fn story_column(segment: &SegmentReader) -> Result<Option<Column<u64>>> {
    segment
        .fast_fields()
        .u64(names::STORY)
        .map(Some)
        .or_else(|err| match err {
            tantivy::TantivyError::FieldNotFound(_) => Ok(None),
            err => Err(err),
        })
        .context("reading the stories of articles")
}

/// The story of each of `page`'s articles (0 for one without copies).
pub(super) fn stories_of(searcher: &tantivy::Searcher, page: &[DocAddress]) -> Result<Vec<u64>> {
    let mut columns: Vec<Option<Option<Column<u64>>>> =
        vec![None; searcher.segment_readers().len()];
    page.iter()
        .map(|address| {
            let slot = &mut columns[address.segment_ord as usize];
            if slot.is_none() {
                *slot = Some(story_column(searcher.segment_reader(address.segment_ord))?);
            }
            Ok(slot
                .as_ref()
                .and_then(Option::as_ref)
                .and_then(|column| column.first(address.doc_id))
                .unwrap_or(0))
        })
        .collect()
}

/// `ranked` with each story's articles after its first left out.
pub(super) fn first_of_each<T>(ranked: Vec<T>, stories: &[u64]) -> Vec<T> {
    let mut seen = FxHashSet::default();
    ranked
        .into_iter()
        .zip(stories)
        .filter(|(_, &story)| story == 0 || seen.insert(story))
        .map(|(item, _)| item)
        .collect()
}

/// Counts the stories among the matches: each article without copies is one, and
/// the articles of one group of copies are one together.
pub(super) struct StoryCount;

/// What [`StoryCount`] found in a segment, or in all.
#[derive(Default)]
pub(super) struct Counted {
    alone: usize,
    groups: FxHashSet<u64>,
}

impl Counted {
    /// How many stories.
    pub(super) fn stories(&self) -> usize {
        self.alone + self.groups.len()
    }
}

impl Collector for StoryCount {
    type Fruit = Counted;
    type Child = SegmentStories;

    fn for_segment(
        &self,
        _: SegmentOrdinal,
        segment: &SegmentReader,
    ) -> tantivy::Result<SegmentStories> {
        let column = segment.fast_fields().u64(names::STORY).ok();
        Ok(SegmentStories {
            column,
            counted: Counted::default(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<Counted>) -> tantivy::Result<Counted> {
        let mut all = Counted::default();
        for fruit in fruits {
            all.alone += fruit.alone;
            all.groups.extend(fruit.groups);
        }
        Ok(all)
    }
}

/// [`StoryCount`] in one segment.
pub(super) struct SegmentStories {
    column: Option<Column<u64>>,
    counted: Counted,
}

impl SegmentCollector for SegmentStories {
    type Fruit = Counted;

    fn collect(&mut self, doc: DocId, _: Score) {
        match self.column.as_ref().and_then(|c| c.first(doc)) {
            None | Some(0) => self.counted.alone += 1,
            Some(story) => {
                self.counted.groups.insert(story);
            }
        }
    }

    fn harvest(self) -> Counted {
        self.counted
    }
}

/// One copy of a hit's story.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Copy {
    /// Its article id.
    pub id: String,
    /// Its headline.
    pub title: String,
    /// Its publishing site, as it names itself.
    pub source: Option<String>,
    /// Its publication day, `YYYY-MM-DD`.
    pub date: Option<String>,
    /// Its address.
    pub url: Option<String>,
}

/// The other articles of `story` than `id`, oldest first (at most [`MOST_COPIES`]).
pub(super) fn copies_of(
    searcher: &tantivy::Searcher,
    fields: Fields,
    story: u64,
    id: &str,
) -> Result<Vec<Copy>> {
    if story == 0 {
        return Ok(Vec::new());
    }
    let query = TermQuery::new(
        Term::from_field_u64(fields.story, story),
        IndexRecordOption::Basic,
    );
    let members = searcher
        .search(
            &query,
            &TopDocs::with_limit(MOST_COPIES + 1).order_by_score(),
        )
        .context("looking up the copies of a story")?;
    let mut copies = Vec::with_capacity(members.len());
    for (_, address) in members {
        let doc: TantivyDocument = searcher
            .doc(address)
            .context("reading a copy from the index")?;
        let stored = Stored::new(fields, &doc);
        if stored.id() == id {
            continue;
        }
        copies.push(Copy {
            id: stored.id().to_string(),
            title: stored.title().to_string(),
            source: stored.source().map(str::to_string),
            date: stored.date().map(crate::date::format_day),
            url: stored.url().map(str::to_string),
        });
    }
    copies.sort_by(|a, b| {
        (a.date.is_none(), &a.date, &a.id).cmp(&(b.date.is_none(), &b.date, &b.id))
    });
    copies.truncate(MOST_COPIES);
    Ok(copies)
}

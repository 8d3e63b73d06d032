//! The same search, served by a cluster: a [`SearchRequest`] read as dateline reads
//! it (words, phrases, `OR`, `-word`, `field:word`, dates, order, matching, paging,
//! histogram) and asked of an Elasticsearch or OpenSearch index that `dateline push`
//! filled, its answer given the shape of a local search's results.
//!
//! What differs: the cluster scores with its own analyzer (`english`) and BM25 per
//! field, so the order of hits may differ; its snippet is its highlighter's fragment;
//! `source:` matches the whole name there (a keyword); copies are not grouped.

use crate::article::{Article, DateSource};
use crate::cluster::{reason, Client, Target};
use crate::date;
use crate::histogram::{self, Period};
use crate::query::{self, Clause, Part};
use crate::search::{Hit, SearchRequest, SearchResults};
use crate::search::{MatchMode, SortOrder};
use crate::snippet::Snippet;
use anyhow::{bail, Result};
use serde_json::{json, Value};

/// How many times a search is sent again while the cluster cannot answer (half a
/// second, then twice as long each time: about 15 s, what a cluster takes to carry
/// on without a node that went down).
const SEARCH_RETRIES: u32 = 5;

/// What marks the start and the end of a highlight in the cluster's fragment.
const MARK_START: char = '\u{1}';
const MARK_END: char = '\u{2}';

/// Runs `request` on the cluster's index `target`.
pub fn search(target: &Target, request: &SearchRequest) -> Result<SearchResults> {
    let read = query::read(&request.query)
        .map_err(|why| anyhow::anyhow!("the query cannot be read: {why}"))?;
    let client = Client::new(target, SEARCH_RETRIES, "try again");
    let match_all = request.query.trim() == "*";
    let sort = match request.sort {
        SortOrder::Relevance if match_all => SortOrder::Newest,
        sort => sort,
    };
    let all = if match_all {
        json!({ "match_all": {} })
    } else {
        clauses(&read.clauses)
    };
    let positive: Vec<&Part> = read.positive().collect();
    // Best: the articles with all the parts first, then those with some.
    let some =
        (request.matching != MatchMode::All && positive.len() > 1 && !match_all).then(|| {
            let excluded: Vec<Value> = read
                .clauses
                .iter()
                .filter(|c| c.exclude)
                .map(|c| part(&c.part))
                .collect();
            json!({ "bool": {
                "should": positive.iter().map(|p| part(p)).collect::<Vec<_>>(),
                "minimum_should_match": 1,
                "must_not": excluded,
            }})
        });
    let dates = date_filter(request);
    let filtered = |query: &Value| match &dates {
        Some(range) => json!({ "bool": { "must": query, "filter": range } }),
        None => query.clone(),
    };
    let (first, second) = match (request.matching, &some) {
        (MatchMode::Any, Some(any)) => (filtered(any), None),
        (_, Some(any)) => (
            filtered(&all),
            Some(filtered(
                &json!({ "bool": { "must": any, "must_not": all } }),
            )),
        ),
        (_, None) => (filtered(&all), None),
    };
    let listed = match &some {
        Some(any) if request.matching != MatchMode::All => filtered(any),
        _ => filtered(&all),
    };

    let page = |query: &Value, from: usize, size: usize| -> Result<Value> {
        let mut body = json!({
            "query": query,
            "from": from,
            "size": size,
            "track_total_hits": true,
            "_source": ["id", "title", "date", "published", "captured", "place", "source", "url", "lang"],
            "highlight": {
                "pre_tags": [MARK_START.to_string()],
                "post_tags": [MARK_END.to_string()],
                "fields": { "body": { "fragment_size": 200, "number_of_fragments": 1, "no_match_size": 200 } },
            },
        });
        if sort != SortOrder::Relevance {
            let order = if sort == SortOrder::Newest {
                "desc"
            } else {
                "asc"
            };
            body["sort"] = json!([{ "date": { "order": order, "missing": "_last" } }]);
        }
        ask(&client, &format!("/{}/_search", target.index), &body)
    };
    let answer = page(&first, request.offset, request.limit)?;
    let total_all = total(&answer);
    let mut hits: Vec<Value> = answer["hits"]["hits"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let mut listed_total = total_all;
    if let Some(second) = &second {
        let room = request.limit - hits.len().min(request.limit);
        let from = request.offset.saturating_sub(total_all);
        let answer = page(second, from, room.max(1))?;
        listed_total += total(&answer);
        if room > 0 {
            hits.extend(
                answer["hits"]["hits"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default(),
            );
        }
    }
    let undated_left_out = if request.dates.is_bounded() {
        let undated = json!({ "bool": {
            "must": match &some { Some(any) if request.matching != MatchMode::All => any, _ => &all },
            "must_not": { "exists": { "field": "date" } },
        }});
        let answer = ask(
            &client,
            &format!("/{}/_count", target.index),
            &json!({ "query": undated }),
        )?;
        Some(answer["count"].as_u64().unwrap_or(0) as usize)
    } else {
        None
    };
    let histogram = match request.histogram {
        Some(period) => Some(histogram_of(&client, target, &listed, period)?),
        None => None,
    };
    let hits = hits
        .iter()
        .enumerate()
        .map(|(i, hit)| hit_of(target, hit, request.offset + i + 1, sort))
        .collect();
    Ok(SearchResults {
        query: request.query.clone(),
        total: listed_total,
        total_all: if request.matching == MatchMode::Any && some.is_some() {
            listed_total
        } else {
            total_all
        },
        stories: None,
        notes: read.notes,
        undated_left_out,
        hits,
        histogram,
        histogram_period: request.histogram,
    })
}

/// The article stored under `id` in the cluster's index, with its body; `None` when
/// the index holds no such article.
pub fn article(target: &Target, id: &str) -> Result<Option<Article>> {
    let client = Client::new(target, SEARCH_RETRIES, "try again");
    let path = format!(
        "/{}/_doc/{}",
        target.index,
        url::form_urlencoded::byte_serialize(id.as_bytes()).collect::<String>()
    );
    let answer = client.send("GET", &path, "application/json", &[])?;
    match answer.status {
        200 => {}
        404 => return Ok(None),
        status => bail!(
            "the cluster at {} answered {status}: {}",
            target.base,
            reason(&answer.json)
        ),
    }
    let hit = hit_of(target, &answer.json, 1, SortOrder::Newest);
    Ok(Some(Article {
        body: answer.json["_source"]["body"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        ..hit.article
    }))
}

/// Sends a search or count; an error says what the cluster said.
fn ask(client: &Client, path: &str, body: &Value) -> Result<Value> {
    let answer = client.send(
        "POST",
        path,
        "application/json",
        body.to_string().as_bytes(),
    )?;
    if answer.status != 200 {
        bail!(
            "the cluster at {} answered {}: {}",
            client.target.base,
            answer.status,
            reason(&answer.json)
        );
    }
    Ok(answer.json)
}

fn total(answer: &Value) -> usize {
    answer["hits"]["total"]["value"].as_u64().unwrap_or(0) as usize
}

/// The clauses of a query, all required (or excluded).
fn clauses(clauses: &[Clause]) -> Value {
    let (excluded, required): (Vec<&Clause>, Vec<&Clause>) =
        clauses.iter().partition(|c| c.exclude);
    let must: Vec<Value> = required.iter().map(|c| part(&c.part)).collect();
    let must_not: Vec<Value> = excluded.iter().map(|c| part(&c.part)).collect();
    if must.is_empty() {
        return json!({ "bool": { "must": { "match_all": {} }, "must_not": must_not } });
    }
    json!({ "bool": { "must": must, "must_not": must_not } })
}

/// One part of a query: words in the title or the body (the title weighing as much
/// as dateline weighs it), a phrase, a field's words, any of several parts or a group.
fn part(part: &Part) -> Value {
    match part {
        Part::Text {
            field: None,
            text,
            phrase: false,
        } => json!({ "multi_match": {
            "query": text, "type": "cross_fields", "fields": ["title^0.3", "body"], "operator": "and",
        }}),
        Part::Text {
            field: None,
            text,
            phrase: true,
        } => {
            json!({ "multi_match": { "query": text, "type": "phrase", "fields": ["title^0.3", "body"] } })
        }
        Part::Text {
            field: Some(field),
            text,
            phrase: true,
        } => json!({ "match_phrase": { *field: text } }),
        Part::Text {
            field: Some(field),
            text,
            phrase: false,
        } => json!({ "match": { *field: { "query": text, "operator": "and" } } }),
        Part::Any(parts) => json!({ "bool": {
            "should": parts.iter().map(self::part).collect::<Vec<_>>(),
            "minimum_should_match": 1,
        }}),
        Part::All(group) => clauses(group),
    }
}

/// The request's dates as a range filter, when bounded.
fn date_filter(request: &SearchRequest) -> Option<Value> {
    if !request.dates.is_bounded() {
        return None;
    }
    let mut range = serde_json::Map::new();
    if let Some(since) = request.dates.since {
        range.insert("gte".into(), date::format_day(since).into());
    }
    if let Some(until) = request.dates.until {
        range.insert("lte".into(), date::format_day(until).into());
    }
    Some(json!({ "range": { "date": range } }))
}

/// Matches per period, as a local search counts them.
fn histogram_of(
    client: &Client,
    target: &Target,
    listed: &Value,
    period: Period,
) -> Result<Vec<histogram::PeriodCount>> {
    let interval = match period {
        Period::Year => "year",
        Period::Month => "month",
        Period::Day => "day",
    };
    let body = json!({
        "size": 0,
        "query": listed,
        "aggs": { "periods": { "date_histogram": {
            "field": "date", "calendar_interval": interval, "format": "yyyy-MM-dd", "min_doc_count": 1,
        }}},
    });
    let answer = ask(client, &format!("/{}/_search", target.index), &body)?;
    let mut counts = std::collections::BTreeMap::new();
    for bucket in answer["aggregations"]["periods"]["buckets"]
        .as_array()
        .into_iter()
        .flatten()
    {
        let day = bucket["key_as_string"]
            .as_str()
            .and_then(date::parse_published);
        if let Some(day) = day {
            *counts.entry(period.key(day)).or_insert(0) +=
                bucket["doc_count"].as_u64().unwrap_or(0);
        }
    }
    Ok(histogram::periods(period, &counts))
}

/// A hit of the cluster as a local search shows it.
fn hit_of(target: &Target, hit: &Value, rank: usize, sort: SortOrder) -> Hit {
    let source = &hit["_source"];
    let text = |key: &str| source[key].as_str().map(str::to_string);
    let id = text("id")
        .or_else(|| hit["_id"].as_str().map(str::to_string))
        .unwrap_or_default();
    let fragment = hit["highlight"]["body"][0].as_str().unwrap_or_default();
    Hit {
        rank,
        score: (sort == SortOrder::Relevance).then(|| hit["_score"].as_f64().unwrap_or(0.0) as f32),
        article: Article {
            title: text("title").unwrap_or_default(),
            body: String::new(),
            date: text("date").as_deref().and_then(date::parse_published),
            date_from: None::<DateSource>,
            place: text("place"),
            source: text("source"),
            site: None,
            url: text("url"),
            path: format!("{}/_doc/{id}", target.shown()),
            line: None,
            lang: text("lang"),
            published: text("published").as_deref().and_then(date::parse_instant),
            captured: text("captured").as_deref().and_then(date::parse_instant),
            id,
        },
        snippet: marked_snippet(fragment),
        copies: Vec::new(),
    }
}

/// The cluster's fragment as a snippet: its marks taken out, their places kept as
/// highlights, its whitespace folded.
fn marked_snippet(fragment: &str) -> Snippet {
    let mut text = String::with_capacity(fragment.len());
    let mut highlights = Vec::new();
    let mut start = None;
    let mut space = false;
    for c in fragment.chars() {
        match c {
            MARK_START => start = Some(text.len()),
            MARK_END => {
                if let Some(from) = start.take() {
                    highlights.push(from..text.len());
                }
            }
            c if c.is_whitespace() => space = !text.is_empty(),
            c => {
                if std::mem::take(&mut space) {
                    text.push(' ');
                    if let Some(from) = start.as_mut().filter(|f| **f == text.len() - 1) {
                        *from += 1;
                    }
                }
                text.push(c);
            }
        }
    }
    Snippet { text, highlights }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_become_highlights() {
        let snippet = marked_snippet("The \u{1}drought\u{2}  took\n the \u{1}wheat\u{2}.");
        assert_eq!(snippet.text, "The drought took the wheat.");
        let shown: Vec<&str> = snippet
            .highlights
            .iter()
            .map(|r| &snippet.text[r.clone()])
            .collect();
        assert_eq!(shown, ["drought", "wheat"]);
    }

    #[test]
    fn queries_become_bool_queries() {
        let read = query::read("drought \"united states\" -railway title:kazakhstan").unwrap();
        let query = clauses(&read.clauses);
        assert_eq!(query["bool"]["must"].as_array().unwrap().len(), 3);
        assert_eq!(
            query["bool"]["must_not"][0]["multi_match"]["query"],
            "railway"
        );
        assert_eq!(query["bool"]["must"][1]["multi_match"]["type"], "phrase");
        assert_eq!(
            query["bool"]["must"][2]["match"]["title"]["query"],
            "kazakhstan"
        );
    }
}

//! Push: the cleaned articles sent straight to an Elasticsearch or OpenSearch index,
//! incrementally. The index folder keeps, for each cluster and index pushed to, the
//! hash of every document the cluster acknowledged; a push sends the documents
//! added or changed since, and deletes those gone, in `_bulk` requests of bounded
//! size, and records each document only once the cluster has acknowledged it. A
//! push cut off at any point is completed by the next: nothing is recorded that the
//! cluster did not take, and sending a document again replaces it.

use crate::cluster::{reason, Client, Target};
use crate::export::{self, Engine};
use crate::search::Searcher;
use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What a push did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PushReport {
    /// Documents sent and acknowledged (new or changed).
    pub sent: usize,
    /// Documents deleted from the cluster (gone from the local index).
    pub deleted: usize,
    /// Documents the cluster already had as they are.
    pub unchanged: usize,
    /// Documents the cluster refused, with its reason.
    pub refused: Vec<Refused>,
    /// Whether the push created the cluster's index (with the mapping).
    pub created_index: bool,
}

/// A document the cluster refused.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Refused {
    /// The article id.
    pub id: String,
    /// Why, as the cluster said it.
    pub reason: String,
}

/// How a push sends.
#[derive(Debug, Clone, Copy)]
pub struct PushOptions {
    /// The most bytes of one `_bulk` request.
    pub batch_bytes: usize,
    /// How many times a request the cluster could not take (429, 5xx, no answer) is
    /// sent again, waiting twice as long each time from half a second.
    pub retries: u32,
}

impl Default for PushOptions {
    fn default() -> Self {
        PushOptions {
            batch_bytes: 5 << 20,
            retries: 6,
        }
    }
}

/// What the index folder keeps of the pushes to one cluster's index: each
/// acknowledged document's hash, by article id.
struct PushState {
    path: PathBuf,
    pushed: HashMap<String, u64>,
}

impl PushState {
    /// The file of pushes to `target` in the index folder `dir`.
    fn file(dir: &Path, target: &Target) -> PathBuf {
        let key = xxhash_rust::xxh3::xxh3_64(target.shown().as_bytes());
        dir.join(format!("{PUSH_STATE_PREFIX}{key:016x}.tsv"))
    }

    fn load(dir: &Path, target: &Target) -> Result<PushState> {
        let path = PushState::file(dir, target);
        let mut pushed = HashMap::new();
        match std::fs::File::open(&path) {
            Ok(file) => {
                for line in BufReader::new(file).lines().skip(1) {
                    let line = line.with_context(|| format!("reading {}", path.display()))?;
                    let Some((id, hash)) = line.split_once('\t') else {
                        continue;
                    };
                    if let Ok(hash) = u64::from_str_radix(hash, 16) {
                        pushed.insert(id.to_string(), hash);
                    }
                }
            }
            Err(err) if err.kind() == std::io::ErrorKind::NotFound => {}
            Err(err) => return Err(err).with_context(|| format!("reading {}", path.display())),
        }
        Ok(PushState { path, pushed })
    }

    /// Writes the state whole, replacing the file only once it is written.
    fn save(&self, target: &Target) -> Result<()> {
        let saving = || format!("recording the push in {}", self.path.display());
        let dir = self.path.parent().unwrap_or(Path::new("."));
        let mut file = tempfile::NamedTempFile::new_in(dir).with_context(saving)?;
        {
            let mut out = std::io::BufWriter::new(file.as_file_mut());
            writeln!(out, "# dateline push to {}", target.shown()).with_context(saving)?;
            for (id, hash) in &self.pushed {
                writeln!(out, "{id}\t{hash:016x}").with_context(saving)?;
            }
            out.flush().with_context(saving)?;
        }
        file.as_file().sync_all().with_context(saving)?;
        file.persist(&self.path)
            .map_err(|e| e.error)
            .with_context(saving)?;
        Ok(())
    }
}

/// The start of the name of the files that record pushes, in an index folder.
pub const PUSH_STATE_PREFIX: &str = "dateline-push-";

/// One document waiting in a `_bulk` request.
struct Pending {
    id: String,
    /// The document's hash; `None` for a deletion.
    hash: Option<u64>,
}

/// Sends the articles of `searcher`'s index, whose folder is `dir`, to `target`:
/// see the module's documentation.
pub fn push(
    searcher: &Searcher,
    dir: &Path,
    target: &Target,
    options: PushOptions,
) -> Result<PushReport> {
    push_all(searcher, dir, target, options).map_err(|err| {
        // Say exactly what the cluster still lacks, as recorded.
        match missing(searcher, dir, target) {
            Ok((missing, all)) => err.context(format!(
                "{missing} of the {all} articles are not on {} yet",
                target.shown()
            )),
            Err(_) => err,
        }
    })
}

/// How many of the index's articles the cluster has not acknowledged as they are,
/// and how many there are.
fn missing(searcher: &Searcher, dir: &Path, target: &Target) -> Result<(usize, usize)> {
    let state = PushState::load(dir, target)?;
    let (mut missing, mut all) = (0, 0);
    searcher.for_each_article(|article| {
        let document = export::document_json(&article, Engine::Elasticsearch)?;
        let hash = xxhash_rust::xxh3::xxh3_64(document.as_bytes());
        all += 1;
        missing += usize::from(state.pushed.get(&article.id) != Some(&hash));
        Ok(())
    })?;
    Ok((missing, all))
}

fn push_all(
    searcher: &Searcher,
    dir: &Path,
    target: &Target,
    options: PushOptions,
) -> Result<PushReport> {
    let client = Client::new(
        target,
        options.retries,
        "what it acknowledged is recorded; run dateline push again",
    );
    let mut state = PushState::load(dir, target)?;
    let mut report = PushReport::default();
    if client.ensure_index()? {
        // A new index holds nothing, whatever was pushed before.
        report.created_index = true;
        state.pushed.clear();
    }
    let mut seen = std::collections::HashSet::new();
    let mut body = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    searcher.for_each_article(|article| {
        let document = export::document_json(&article, Engine::Elasticsearch)?;
        let hash = xxhash_rust::xxh3::xxh3_64(document.as_bytes());
        seen.insert(article.id.clone());
        if state.pushed.get(&article.id) == Some(&hash) {
            report.unchanged += 1;
            return Ok(());
        }
        let action = serde_json::json!({ "index": { "_index": target.index, "_id": article.id } });
        body.extend_from_slice(action.to_string().as_bytes());
        body.push(b'\n');
        body.extend_from_slice(document.as_bytes());
        body.push(b'\n');
        pending.push(Pending {
            id: article.id,
            hash: Some(hash),
        });
        if body.len() >= options.batch_bytes {
            client.bulk(&mut body, &mut pending, &mut state, &mut report)?;
            state.save(target)?;
        }
        Ok(())
    })?;
    let gone: Vec<String> = state
        .pushed
        .keys()
        .filter(|id| !seen.contains(*id))
        .cloned()
        .collect();
    for id in gone {
        let action = serde_json::json!({ "delete": { "_index": target.index, "_id": id } });
        body.extend_from_slice(action.to_string().as_bytes());
        body.push(b'\n');
        pending.push(Pending { id, hash: None });
        if body.len() >= options.batch_bytes {
            client.bulk(&mut body, &mut pending, &mut state, &mut report)?;
            state.save(target)?;
        }
    }
    client.bulk(&mut body, &mut pending, &mut state, &mut report)?;
    state.save(target)?;
    client.refresh()?;
    Ok(report)
}

impl Client<'_> {
    /// Creates the index with dateline's mapping when it is missing; whether it did.
    fn ensure_index(&self) -> Result<bool> {
        let path = format!("/{}", self.target.index);
        let answer = self.send("GET", &path, "application/json", &[])?;
        match answer.status {
            200 => return Ok(false),
            404 => {}
            status => bail!(
                "the cluster at {} answered {status} for the index {}: {}",
                self.target.base,
                self.target.index,
                reason(&answer.json)
            ),
        }
        let mapping = export::elasticsearch_mapping().to_string();
        let answer = self.send("PUT", &path, "application/json", mapping.as_bytes())?;
        if answer.status != 200 {
            bail!(
                "the cluster at {} did not create the index {} ({}): {}",
                self.target.base,
                self.target.index,
                answer.status,
                reason(&answer.json)
            );
        }
        Ok(true)
    }

    /// Sends the documents waiting, and records those acknowledged; a document the
    /// cluster could not take for now (429) is sent again, one it refused is reported.
    fn bulk(
        &self,
        body: &mut Vec<u8>,
        pending: &mut Vec<Pending>,
        state: &mut PushState,
        report: &mut PushReport,
    ) -> Result<()> {
        let mut attempts = 0;
        while !pending.is_empty() {
            let answer = self.send("POST", "/_bulk", "application/x-ndjson", body)?;
            if answer.status != 200 {
                bail!(
                    "the cluster at {} refused a _bulk request ({}): {}",
                    self.target.base,
                    answer.status,
                    reason(&answer.json)
                );
            }
            let items = answer.json["items"].as_array().cloned().unwrap_or_default();
            if items.len() != pending.len() {
                bail!(
                    "the cluster at {} answered {} items for {} documents",
                    self.target.base,
                    items.len(),
                    pending.len()
                );
            }
            let (mut again_body, mut again) = (Vec::new(), Vec::new());
            let lines: Vec<&[u8]> = body.split(|&b| b == b'\n').collect();
            let mut line = 0;
            for (item, waiting) in items.iter().zip(pending.drain(..)) {
                let lines_of_item = if waiting.hash.is_some() { 2 } else { 1 };
                let result = item
                    .as_object()
                    .and_then(|o| o.values().next())
                    .cloned()
                    .unwrap_or(Value::Null);
                let status = result["status"].as_u64().unwrap_or(0);
                match (waiting.hash, status) {
                    (Some(hash), 200 | 201) => {
                        state.pushed.insert(waiting.id, hash);
                        report.sent += 1;
                    }
                    (None, 200 | 404) => {
                        state.pushed.remove(&waiting.id);
                        report.deleted += 1;
                    }
                    (_, 429) | (_, 500..) => {
                        for l in &lines[line..line + lines_of_item] {
                            again_body.extend_from_slice(l);
                            again_body.push(b'\n');
                        }
                        again.push(waiting);
                    }
                    _ => {
                        // Refused: not recorded, so that the next push tries it again.
                        state.pushed.remove(&waiting.id);
                        report.refused.push(Refused {
                            id: waiting.id,
                            reason: reason(&result),
                        });
                    }
                }
                line += lines_of_item;
            }
            *body = again_body;
            *pending = again;
            if !pending.is_empty() {
                attempts += 1;
                if attempts > self.retries {
                    bail!(
                        "the cluster at {} kept refusing {} documents for now (429); what it acknowledged is recorded: run dateline push again",
                        self.target.base,
                        pending.len()
                    );
                }
                std::thread::sleep(Duration::from_millis(500 << attempts.min(4)));
            }
        }
        body.clear();
        Ok(())
    }

    /// Makes what was pushed searchable.
    fn refresh(&self) -> Result<()> {
        let path = format!("/{}/_refresh", self.target.index);
        let answer = self.send("POST", &path, "application/json", &[])?;
        if answer.status != 200 {
            bail!(
                "the cluster at {} did not refresh the index {} ({}): {}",
                self.target.base,
                self.target.index,
                answer.status,
                reason(&answer.json)
            );
        }
        Ok(())
    }
}

//! A cluster (Elasticsearch or OpenSearch) over HTTP: the address of one of its
//! indexes, and requests to it sent again while it cannot take them.

use anyhow::{bail, Context, Result};
use base64::Engine as _;
use serde_json::Value;
use std::time::Duration;

/// A cluster's index: `http://127.0.0.1:9200/news`, with `user:password@`
/// before the host for basic authentication.
#[derive(Debug, Clone)]
pub struct Target {
    /// The cluster's address without credentials or path: `http://127.0.0.1:9200`.
    pub base: String,
    /// The index.
    pub index: String,
    /// The `Authorization` header, when credentials were given.
    auth: Option<String>,
}

impl Target {
    /// Reads `URL/INDEX`.
    pub fn parse(text: &str) -> Result<Target> {
        let url = url::Url::parse(text).with_context(|| {
            format!("`{text}` is not a cluster's index: give URL/INDEX, such as http://127.0.0.1:9200/news")
        })?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            bail!("`{text}` is not a cluster's index: give URL/INDEX, such as http://127.0.0.1:9200/news");
        }
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        let [index] = segments[..] else {
            bail!("`{text}` names no index: give URL/INDEX, such as http://127.0.0.1:9200/news");
        };
        crate::export::check_name(index)?;
        let auth = (!url.username().is_empty()).then(|| {
            let user = percent_decode(url.username());
            let password = percent_decode(url.password().unwrap_or(""));
            let token =
                base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
            format!("Basic {token}")
        });
        let port = url.port().map_or(String::new(), |p| format!(":{p}"));
        let host = url.host_str().unwrap_or_default();
        Ok(Target {
            base: format!("{}://{host}{port}", url.scheme()),
            index: index.to_string(),
            auth,
        })
    }

    /// The target as shown: without credentials.
    pub fn shown(&self) -> String {
        format!("{}/{}", self.base, self.index)
    }
}

/// A part of a URL's user information, its `%XX` escapes decoded (a `+` stays a `+`).
fn percent_decode(text: &str) -> String {
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

/// The cluster, over HTTP.
pub(crate) struct Client<'a> {
    agent: ureq::Agent,
    /// The index the requests are about.
    pub(crate) target: &'a Target,
    /// How many times a request is sent again.
    pub(crate) retries: u32,
    /// What to tell the user when the cluster never answers.
    advice: &'static str,
}

/// A cluster's answer: its status and its JSON.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) json: Value,
}

impl<'a> Client<'a> {
    /// A client of `target` that sends a request again up to `retries` times, and
    /// then gives up with `advice`.
    pub(crate) fn new(target: &'a Target, retries: u32, advice: &'static str) -> Client<'a> {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(120)))
            .build()
            .into();
        Client {
            agent,
            target,
            retries,
            advice,
        }
    }

    /// Sends a request, again while the cluster is busy (429), failing (5xx) or does
    /// not answer, up to the retries allowed.
    pub(crate) fn send(
        &self,
        method: &str,
        path: &str,
        content_type: &str,
        body: &[u8],
    ) -> Result<Answer> {
        let url = format!("{}{path}", self.target.base);
        let mut wait = Duration::from_millis(500);
        let mut attempt = 0;
        loop {
            let mut request = ureq::http::Request::builder()
                .method(method)
                .uri(&url)
                .header("Content-Type", content_type);
            if let Some(auth) = &self.target.auth {
                request = request.header("Authorization", auth);
            }
            let request = request.body(body.to_vec()).context("building a request")?;
            let outcome = self.agent.run(request);
            let retry_why = match outcome {
                Ok(mut response) => {
                    let status = response.status().as_u16();
                    if status != 429 && status < 500 {
                        let text = response.body_mut().read_to_string().unwrap_or_default();
                        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
                        return Ok(Answer { status, json });
                    }
                    format!("it answered {status}")
                }
                Err(err) => format!("{err}"),
            };
            if attempt >= self.retries {
                bail!(
                    "the cluster at {} did not answer ({retry_why}, {} tries): {}",
                    self.target.base,
                    attempt + 1,
                    self.advice
                );
            }
            attempt += 1;
            std::thread::sleep(wait);
            wait = (wait * 2).min(Duration::from_secs(8));
        }
    }
}

/// The reason in a cluster's error, on one line.
pub(crate) fn reason(json: &Value) -> String {
    let error = &json["error"];
    let text = match (error["type"].as_str(), error["reason"].as_str()) {
        (Some(kind), Some(why)) => format!("{kind}: {why}"),
        _ if error.is_string() => error.as_str().unwrap_or_default().to_string(),
        _ => json.to_string(),
    };
    text.replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_name_a_cluster_and_an_index() {
        let target = Target::parse("http://127.0.0.1:9200/news").unwrap();
        assert_eq!(
            (target.base.as_str(), target.index.as_str()),
            ("http://127.0.0.1:9200", "news")
        );
        assert!(target.auth.is_none());
        let secured = Target::parse("https://ann:p%40ss@search.example/news/").unwrap();
        assert_eq!(secured.shown(), "https://search.example/news");
        assert_eq!(secured.auth.as_deref(), Some("Basic YW5uOnBAc3M="));
        // `ann:a+b`: a plus sign in a password is itself, not a space.
        let plus = Target::parse("http://ann:a+b@search.example/news").unwrap();
        assert_eq!(plus.auth.as_deref(), Some("Basic YW5uOmErYg=="));
        for bad in [
            "127.0.0.1:9200/news",
            "http://127.0.0.1:9200",
            "http://h/a/b",
            "http://h/News",
            "ftp://h/news",
        ] {
            assert!(Target::parse(bad).is_err(), "{bad}");
        }
    }
}

//! What every request passes before it is routed, and what every answer carries: the
//! `Host` must be one of ours (403 otherwise), the target and header fields must fit
//! their bounds (414, 431) and no request may carry a body (413); every answer forbids
//! framing and content sniffing.

use super::error::ApiError;
use super::hosts::AllowedHosts;
use super::limits::Limits;
use crate::view::clip;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode, Version};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// The checks made before routing.
pub(super) struct Guard {
    hosts: AllowedHosts,
    uri_bytes: usize,
    header_bytes: usize,
}

impl Guard {
    pub fn new(hosts: AllowedHosts, limits: &Limits) -> Guard {
        Guard {
            hosts,
            uri_bytes: limits.uri_bytes,
            header_bytes: limits.header_bytes,
        }
    }

    /// Why `request` is refused, if it is.
    fn refusal(&self, request: &Request) -> Option<ApiError> {
        let hosts = request.headers().get_all(header::HOST);
        let mut names = hosts.iter().map(|v| String::from_utf8_lossy(v.as_bytes()));
        let host = names.next();
        if names.next().is_some() {
            return Some(ApiError::bad_request("a request names one host"));
        }
        // A target in absolute form (`GET http://name/...`) names the host too.
        let target = request.uri().authority().map(|a| a.as_str().into());
        for name in host.iter().chain(target.iter()) {
            if !self.hosts.allows(name) {
                return Some(refused_host(name));
            }
        }
        if host.is_none() && target.is_none() && request.version() >= Version::HTTP_11 {
            return Some(ApiError::new(
                StatusCode::FORBIDDEN,
                "a request names its host in a Host header",
            ));
        }
        let target_bytes = request
            .uri()
            .path_and_query()
            .map_or(0, |p| p.as_str().len());
        if target_bytes > self.uri_bytes {
            return Some(ApiError::new(
                StatusCode::URI_TOO_LONG,
                format!(
                    "the request target has {target_bytes} bytes; at most {} are read",
                    self.uri_bytes
                ),
            ));
        }
        let header_bytes: usize = request
            .headers()
            .iter()
            .map(|(name, value)| name.as_str().len() + value.len() + 4)
            .sum();
        if header_bytes > self.header_bytes {
            return Some(ApiError::new(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                format!(
                    "the header fields have {header_bytes} bytes; at most {} are read",
                    self.header_bytes
                ),
            ));
        }
        // Other methods get a 405 from the router, which says what to use instead.
        let routed = matches!(*request.method(), Method::GET | Method::HEAD);
        let sized = request
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|length| length.as_bytes() != b"0");
        if routed && (sized || request.headers().contains_key(header::TRANSFER_ENCODING)) {
            return Some(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "no request of this server takes a body",
            ));
        }
        None
    }
}

/// The answer to a request for a name that is not ours. 403 rather than 421: the
/// request is refused for what it names, not sent to the wrong server by mistake, and
/// a browser shows a 403 as what it is.
fn refused_host(name: &str) -> ApiError {
    let name = clip(name, 100);
    ApiError::new(
        StatusCode::FORBIDDEN,
        format!(
            "this server does not answer to the host `{name}` (start it with \
             --allow-host NAME to add a name)"
        ),
    )
}

/// Refuses what [`Guard`] refuses, answers the rest, and marks every answer.
pub(super) async fn guard(
    State(guard): State<Arc<Guard>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = match guard.refusal(&request) {
        Some(refusal) => {
            let mut response = refusal.into_response();
            if response.status() == StatusCode::PAYLOAD_TOO_LARGE {
                // The body is never read: the connection cannot take another request.
                response
                    .headers_mut()
                    .insert(header::CONNECTION, HeaderValue::from_static("close"));
            }
            response
        }
        None => next.run(request).await,
    };
    let headers = response.headers_mut();
    for (name, value) in [
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::HeaderName::from_static("cross-origin-resource-policy"),
            "same-origin",
        ),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

//! Answers that are not a success: every one is JSON, `{"error": "..."}`, with the
//! status that says whose fault it is, whichever layer refused the request.

use crate::error::RequestError;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};

/// An answer of the API that is not a success: a status and a message.
#[derive(Debug)]
pub(super) struct ApiError {
    pub status: StatusCode,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            message: message.into(),
        }
    }

    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, message)
    }

    /// The server has no room for the request now; asking again later may work.
    pub fn busy(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, message)
    }
}

/// The JSON body of an error answer, with its final newline.
pub(super) fn error_body(message: &str) -> String {
    serde_json::json!({ "error": message }).to_string() + "\n"
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = (
            self.status,
            [(header::CONTENT_TYPE, "application/json")],
            error_body(&self.message),
        )
            .into_response();
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
        }
        response
    }
}

impl From<anyhow::Error> for ApiError {
    /// A request the index cannot answer as asked is the client's to fix (400); any
    /// other failure is the server's (500).
    fn from(err: anyhow::Error) -> ApiError {
        match err.chain().find_map(|e| e.downcast_ref::<RequestError>()) {
            Some(request) => ApiError::from(request.clone()),
            None => ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, format!("{err:#}")),
        }
    }
}

impl From<RequestError> for ApiError {
    /// The request error worded with the API's parameters.
    fn from(err: RequestError) -> ApiError {
        let message = err.worded(|name| format!("`{name}`"));
        ApiError::bad_request(message)
    }
}

impl From<QueryRejection> for ApiError {
    /// A query string that cannot be read as parameters (a parameter given twice).
    fn from(rejection: QueryRejection) -> ApiError {
        ApiError::new(
            rejection.status(),
            format!("the query string cannot be read: {}", innermost(&rejection)),
        )
    }
}

impl From<PathRejection> for ApiError {
    /// A path whose parts cannot be read (percent escapes that are not UTF-8).
    fn from(rejection: PathRejection) -> ApiError {
        ApiError::new(
            rejection.status(),
            format!("the path cannot be read: {}", innermost(&rejection)),
        )
    }
}

/// What an extractor's rejection says at its root (`duplicate field `q``), without
/// the wording of the layers that wrapped it.
fn innermost(err: &(dyn std::error::Error + 'static)) -> String {
    let mut cause = err;
    while let Some(source) = cause.source() {
        cause = source;
    }
    let text = cause.to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => text,
    }
}

/// The answer to a path that names nothing.
pub(super) async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "no such page")
}

/// The answer to a method a path does not take; the router adds the `Allow` header.
pub(super) async fn method_not_allowed(method: Method) -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        format!("{method} is not answered here: the API is read with GET"),
    )
}

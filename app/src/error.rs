//! One error type for the whole portal. The browser only ever sees a plain message (and, for
//! failures, a reference it can quote to the SEN team); the cause goes to the server log.

use serde::{Deserialize, Serialize};
use server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};

/// A problem with one answer: `target` is the id of the element the error summary links to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// `section-index-field`: the question as a whole (its error message sits there).
    pub field: String,
    /// The first input of the question, which the error summary's link focuses.
    pub target: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// Also the answer for a record that exists but is not the caller's to see.
    #[error("Page not found")]
    NotFound,
    #[error("You need to sign in to do that")]
    SignInRequired,
    /// Signed in, but this is for another role (a parent calling a staff function, say).
    #[error("You do not have permission to do that")]
    Forbidden,
    /// Bad input, with a message the user can act on.
    #[error("{0}")]
    Invalid(String),
    /// Bad input in one field: the error summary links to it.
    #[error("{message}")]
    Field { field: String, message: String },
    /// Too many attempts: the message says when to try again.
    #[error("{0}")]
    TooManyAttempts(String),
    /// More than the portal takes in one request (a posted step with too many answers, say);
    /// nothing was saved.
    #[error("{0}")]
    TooLarge(String),
    /// The request could not reach the server, or its answer could not be read.
    #[error("The portal could not be reached. Check your connection and try again.")]
    Unreachable,
    /// The database is out of reach or out of space (restarting, say, or its disk full):
    /// nothing about the request was wrong, nothing was changed, and the person can only wait.
    #[error("The portal is not working just now, so nothing was changed. Everything saved before is safe: try again in a few minutes.")]
    Unavailable,
    /// A failure on our side; the reference ties the user's report to the log entry.
    #[error("Sorry, there is a problem with the service. If it keeps happening, contact the SEN team and quote reference {reference}.")]
    Internal { reference: String },
}

impl AppError {
    pub fn invalid(message: impl Into<String>) -> Self {
        Self::Invalid(message.into())
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::Field {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            AppError::NotFound => 404,
            AppError::SignInRequired => 401,
            AppError::Forbidden => 403,
            AppError::Invalid(_) | AppError::Field { .. } => 422,
            AppError::TooLarge(_) => 413,
            AppError::TooManyAttempts(_) => 429,
            AppError::Unreachable | AppError::Unavailable => 503,
            AppError::Internal { .. } => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Deserialization(message) if message.contains(BODY_LIMIT_EXCEEDED) => {
                let error = AppError::TooLarge(
                    "This was too much to send at once, so nothing was saved. Shorten the longest answers and try again."
                        .into(),
                );
                // The server function never ran, so nothing else gives the answer its status.
                let _ = with_status::<()>(Err(error.clone()));
                error
            }
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::Unreachable
            }
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => {
                AppError::invalid("The form could not be read. Check your answers and try again.")
            }
            other => internal(other),
        }
    }
}

/// What reading a server function's arguments fails with when the body is over axum's limit
/// (`DefaultBodyLimit`, 2 MB unless a route sets another): http-body-util's `LengthLimitError`.
const BODY_LIMIT_EXCEEDED: &str = "length limit exceeded";

/// Records an unexpected failure and returns the error the user sees. On the server the cause
/// and a fresh reference are logged; in the browser there is no log to tie it to.
#[cfg(feature = "ssr")]
pub fn internal(cause: impl std::fmt::Debug) -> AppError {
    let reference = crate::ids::reference();
    tracing::error!(%reference, cause = ?cause, "internal error");
    AppError::Internal { reference }
}

#[cfg(not(feature = "ssr"))]
pub fn internal(_cause: impl std::fmt::Debug) -> AppError {
    AppError::Internal {
        reference: "not recorded".into(),
    }
}

#[cfg(feature = "ssr")]
pub use ssr::{out_of_service, unavailable};

#[cfg(feature = "ssr")]
mod ssr {
    use super::{internal, AppError};

    impl From<sqlx::Error> for AppError {
        fn from(err: sqlx::Error) -> Self {
            match out_of_service(&err) {
                Some(why) => unavailable(why, err),
                None => internal(err),
            }
        }
    }

    /// Why the database cannot serve anyone just now, when that is the cause of `err`: it is
    /// out of reach (the pool found no connection in time, the connection broke, or
    /// PostgreSQL is shutting down or starting: SQLSTATE classes 08 and 57P) or out of room
    /// (SQLite's `SQLITE_FULL`; PostgreSQL's class 53, disk full or out of memory).
    pub fn out_of_service(err: &sqlx::Error) -> Option<&'static str> {
        match err {
            sqlx::Error::Io(_)
            | sqlx::Error::Tls(_)
            | sqlx::Error::PoolTimedOut
            | sqlx::Error::PoolClosed
            | sqlx::Error::WorkerCrashed => Some("the database is out of reach"),
            sqlx::Error::Database(db) => {
                let code = db.code()?;
                if code == "13" {
                    Some("the database's disk is full (SQLITE_FULL)")
                } else if code.starts_with("53") {
                    Some("the database is out of room (disk or memory)")
                } else if code.starts_with("08") || code.starts_with("57P") {
                    Some("the database is out of reach")
                } else {
                    None
                }
            }
            _ => None,
        }
    }

    /// Logs what the operator must fix and returns what the person is told.
    pub fn unavailable(why: &str, cause: impl std::fmt::Debug) -> AppError {
        tracing::error!(cause = ?cause, "{why}: requests that need the database fail until this is put right");
        AppError::Unavailable
    }

    impl From<anyhow::Error> for AppError {
        fn from(err: anyhow::Error) -> Self {
            internal(err)
        }
    }

    impl From<std::io::Error> for AppError {
        fn from(err: std::io::Error) -> Self {
            internal(err)
        }
    }

    /// For plain axum routes (outside the Leptos app): a small self-contained page, since the
    /// app's layout may be what failed.
    impl axum::response::IntoResponse for AppError {
        fn into_response(self) -> axum::response::Response {
            let status = http::StatusCode::from_u16(self.status())
                .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
            let heading = match self {
                AppError::NotFound => "Page not found",
                AppError::TooLarge(_) => "Too much to save at once",
                AppError::Unavailable => "The portal is not working just now",
                _ => "Sorry, there is a problem with the service",
            };
            let body = format!(
                "<!DOCTYPE html><html lang=\"en-GB\"><head><meta charset=\"utf-8\">\
                 <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
                 <title>{heading} – SEND Portal</title><link rel=\"stylesheet\" href=\"/pkg/{css}.css\"></head>\
                 <body class=\"govuk-template__body\"><div class=\"govuk-width-container\">\
                 <main class=\"govuk-main-wrapper\" id=\"main-content\"><h1 class=\"govuk-heading-l\">{heading}</h1>\
                 <p class=\"govuk-body\">{message}</p><p class=\"govuk-body\"><a class=\"govuk-link\" href=\"/\">Go to the start page</a></p>\
                 </main></div></body></html>",
                css = crate::site::OUTPUT_NAME,
                message = escape_html(&self.to_string()),
            );
            (
                status,
                [(http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
                body,
            )
                .into_response()
        }
    }

    fn escape_html(text: &str) -> String {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use axum::response::IntoResponse;

        #[test]
        fn plain_error_pages_carry_status_and_reference_but_no_cause() {
            let err = internal(std::io::Error::other("disk on fire <b>"));
            let response = err.clone().into_response();
            assert_eq!(response.status(), 500);
            let AppError::Internal { reference } = err else {
                panic!("expected an internal error");
            };
            let body = futures_body(response);
            assert!(body.contains(&reference));
            assert!(!body.contains("disk on fire"));
        }

        fn futures_body(response: axum::response::Response) -> String {
            let rt = tokio::runtime::Builder::new_current_thread()
                .build()
                .unwrap();
            let bytes = rt
                .block_on(axum::body::to_bytes(response.into_body(), usize::MAX))
                .unwrap();
            String::from_utf8(bytes.to_vec()).unwrap()
        }
    }
}

/// Gives a server function's error its HTTP status (422 for bad input, 429 for too many
/// tries, …). A plain form post from a page without JavaScript keeps the redirect back to the
/// form that Leptos gives it, so it is left alone.
pub fn with_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    #[cfg(feature = "ssr")]
    if let Err(err) = &result {
        let plain_form_post = leptos::prelude::use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::ACCEPT)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| v.contains("text/html"))
            })
            .unwrap_or(false);
        if !plain_form_post {
            set_response_status(err.status());
        }
    }
    result
}

/// Sets the status of the page being rendered on the server (404 for the not-found page, …).
/// In the browser there is no response to change.
pub fn set_response_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(options), Ok(code)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::StatusCode::from_u16(status),
    ) {
        options.set_status(code);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_through_the_server_function_encoding() {
        let err = AppError::Internal {
            reference: "ABCD-1234".into(),
        };
        let bytes = err.ser();
        assert_eq!(AppError::de(bytes), err);
    }

    #[test]
    fn internal_message_quotes_the_reference_and_no_cause() {
        let err = AppError::Internal {
            reference: "ABCD-1234".into(),
        };
        let text = err.to_string();
        assert!(text.contains("ABCD-1234"));
        assert!(text.contains("problem with the service"));
    }

    #[test]
    fn a_body_over_the_limit_reads_as_too_large() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Deserialization(
            "length limit exceeded".into(),
        ));
        assert_eq!(err.status(), 413);
        assert!(err.to_string().contains("nothing was saved"), "{err}");
    }

    #[test]
    fn a_broken_connection_reads_as_unreachable() {
        let err = AppError::from_server_fn_error(ServerFnErrorErr::Request("reset".into()));
        assert_eq!(err, AppError::Unreachable);
        assert_eq!(err.status(), 503);
    }
}

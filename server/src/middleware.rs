//! Protections every response gets: security headers, cache rules, and the refusal of
//! state-changing requests that come from another site.

use std::{
    future::Future,
    pin::Pin,
    sync::Arc,
    task::{Context, Poll},
};

use axum::{
    body::Body,
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};

/// What the header middleware needs to know about this deployment.
#[derive(Clone, Debug)]
pub struct SecurityPolicy {
    /// `scheme://host[:port]` of the public base URL.
    pub origin: String,
    /// Send Strict-Transport-Security (everywhere but development).
    pub hsts: bool,
}

/// For responses that set no policy of their own (files, server functions, errors): nothing
/// may load, nothing may frame them.
const DEFAULT_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

pub async fn security_headers(
    State(policy): State<Arc<SecurityPolicy>>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let found = !(response.status().is_client_error() || response.status().is_server_error());
    let headers = response.headers_mut();
    headers
        .entry(header::CONTENT_SECURITY_POLICY)
        .or_insert(HeaderValue::from_static(DEFAULT_CSP));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
    );
    headers.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(
        "cross-origin-resource-policy",
        HeaderValue::from_static("same-origin"),
    );
    if policy.hsts {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, cache_rule(&path, found));
    }
    response
}

/// Built assets named by their content's digest are kept for a year and never asked for again
/// (a new build has new names); other built assets are revalidated on every use; other public
/// files may be kept a day; pages and data, which may be personal, are never stored.
/// An error (a missing file, say) is never kept: the next build may bring the file.
fn cache_rule(path: &str, found: bool) -> HeaderValue {
    if !found {
        HeaderValue::from_static("no-store")
    } else if let Some(file) = path.strip_prefix("/pkg/") {
        if app::platform::assets::is_fingerprinted(file) {
            HeaderValue::from_static("public, max-age=31536000, immutable")
        } else {
            HeaderValue::from_static("no-cache")
        }
    } else if path.starts_with("/favicon") {
        HeaderValue::from_static("public, max-age=86400")
    } else {
        HeaderValue::from_static("no-store")
    }
}

/// Refuses (403) any request that could change state when it comes from another site, using
/// the browser's `Sec-Fetch-Site` header, or its `Origin` header where that is missing.
/// Requests from non-browser clients carry neither and are let through: they carry no cookies
/// of a victim's browser.
pub async fn refuse_cross_site(
    State(policy): State<Arc<SecurityPolicy>>,
    request: Request,
    next: Next,
) -> Response {
    if !is_safe_method(request.method()) && is_cross_site(request.headers(), &policy.origin) {
        tracing::warn!(
            method = %request.method(),
            path = %request.uri().path(),
            "refused a cross-site request"
        );
        return forbidden();
    }
    next.run(request).await
}

fn is_safe_method(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

pub fn is_cross_site(headers: &HeaderMap, public_origin: &str) -> bool {
    if let Some(site) = headers.get("sec-fetch-site") {
        return !matches!(site.to_str(), Ok("same-origin") | Ok("none"));
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return false;
    };
    let Ok(origin) = origin.to_str() else {
        return true;
    };
    if origin.eq_ignore_ascii_case(public_origin) {
        return false;
    }
    // Reached directly (not through the public address): same origin as the Host it named.
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    match (origin.split_once("://"), host) {
        (Some((_, origin_host)), Some(host)) => !origin_host.eq_ignore_ascii_case(host),
        _ => true,
    }
}

fn forbidden() -> Response {
    let mut response = (
        StatusCode::FORBIDDEN,
        "This request came from another website, so it was refused. Go back to the portal and try again.",
    )
        .into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Keeps Leptos's reactive state of one request from reaching another.
///
/// Leptos keeps the "current reactive owner" in a thread-local variable. `Owner::new_root`,
/// which leptos_axum calls for every page it renders, makes the new owner current and never
/// puts the previous one back; the next request polled on that worker thread then finds the
/// page's owner there. leptos_axum 0.8.10 creates child owners with `Owner::new()`, which takes
/// the thread's current owner as parent, for static files and server functions: a static file
/// then found the page's `ResponseOptions` by context and took its headers (the page lost its
/// nonce policy, the stylesheet got it). Clearing the thread-local around every poll of every
/// request means each request starts with no owner and leaves none behind.
#[derive(Clone, Copy, Debug, Default)]
pub struct IsolateReactiveOwnerLayer;

impl<S> tower::Layer<S> for IsolateReactiveOwnerLayer {
    type Service = IsolateReactiveOwner<S>;

    fn layer(&self, inner: S) -> Self::Service {
        IsolateReactiveOwner { inner }
    }
}

#[derive(Clone, Debug)]
pub struct IsolateReactiveOwner<S> {
    inner: S,
}

impl<S, R> tower::Service<R> for IsolateReactiveOwner<S>
where
    S: tower::Service<R>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Isolated<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let inner = isolated(|| self.inner.call(request));
        Isolated {
            inner: Box::pin(inner),
        }
    }
}

/// A request's future, polled with no reactive owner current before or after.
pub struct Isolated<F> {
    inner: Pin<Box<F>>,
}

impl<F: Future> Future for Isolated<F> {
    type Output = F::Output;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        isolated(|| self.inner.as_mut().poll(cx))
    }
}

fn isolated<T>(run: impl FnOnce() -> T) -> T {
    clear_current_owner();
    let value = run();
    clear_current_owner();
    value
}

fn clear_current_owner() {
    if let Some(owner) = leptos::reactive::owner::Owner::current() {
        owner.unset();
    }
}

/// The answer when a handler panics: a plain page with a reference, the panic in the log.
pub fn panic_response(err: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    let detail = err
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| err.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "unknown panic".into());
    let error = app::error::internal(format!("panic: {detail}"));
    axum::response::IntoResponse::into_response(error)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    const ORIGIN: &str = "https://send.example.gov.uk";

    #[test]
    fn same_origin_fetch_metadata_is_allowed() {
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "same-origin")]),
            ORIGIN
        ));
        assert!(!is_cross_site(
            &headers(&[("sec-fetch-site", "none")]),
            ORIGIN
        ));
    }

    #[test]
    fn cross_site_and_same_site_fetch_metadata_are_refused() {
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "cross-site")]),
            ORIGIN
        ));
        assert!(is_cross_site(
            &headers(&[("sec-fetch-site", "same-site")]),
            ORIGIN
        ));
    }

    #[test]
    fn origin_is_checked_when_fetch_metadata_is_missing() {
        assert!(!is_cross_site(
            &headers(&[("origin", "https://send.example.gov.uk")]),
            ORIGIN
        ));
        assert!(is_cross_site(
            &headers(&[("origin", "https://evil.example")]),
            ORIGIN
        ));
        assert!(is_cross_site(&headers(&[("origin", "null")]), ORIGIN));
        assert!(!is_cross_site(
            &headers(&[
                ("origin", "http://127.0.0.1:40123"),
                ("host", "127.0.0.1:40123")
            ]),
            ORIGIN
        ));
    }

    #[test]
    fn requests_without_browser_headers_are_not_cross_site() {
        assert!(!is_cross_site(&HeaderMap::new(), ORIGIN));
    }

    #[test]
    fn only_built_assets_and_public_files_may_be_cached() {
        assert_eq!(cache_rule("/pkg/send_portal.wasm", true), "no-cache");
        assert_eq!(
            cache_rule("/pkg/send_portal.0123456789abcdef.wasm", true),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_rule("/pkg/send_portal.0123456789abcdef.wasm", false),
            "no-store"
        );
        assert_eq!(cache_rule("/favicon.svg", true), "public, max-age=86400");
        assert_eq!(cache_rule("/dev/mailbox", true), "no-store");
    }
}

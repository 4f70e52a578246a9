//! Each response carries only what its own request set: pages, redirects, not-found pages,
//! static files and server functions fired at the same moment must never swap their
//! Content-Security-Policy, status or Location.

mod common;

use common::{browser, Backend, TestApp};
use reqwest::StatusCode;

/// What the header middleware gives responses that set no policy of their own.
const DEFAULT_CSP: &str =
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const CSS: &str = ".govuk-template { color: #0b0c0c; }\n";
const JS: &str = "export function hydrate() {}\n";

/// One kind of request and what its response must be, whatever else is in flight.
#[derive(Clone, Copy, Debug)]
enum Probe {
    /// An anonymous page: 200 with a nonce policy matching the nonce in its own HTML.
    Page(&'static str),
    /// A page that sends a signed-in person elsewhere.
    SignedInRedirect(&'static str, &'static str),
    /// A page that sends a signed-out person to sign in.
    SignedOutRedirect(&'static str, &'static str),
    /// An unknown address: 404 inside the page shell, with its own nonce.
    Missing(&'static str),
    /// A built asset: 200, its own type, the default policy, no Location.
    Asset(&'static str, &'static str, &'static str),
    /// A server function answering data: 200 JSON, the default policy.
    ServerFunction,
    Health,
}

fn nonce_in_csp(csp: &str) -> Option<&str> {
    csp.split("'nonce-").nth(1)?.split('\'').next()
}

fn nonce_in_html(html: &str) -> Option<&str> {
    html.split("nonce=\"").nth(1)?.split('"').next()
}

/// Checks one response against its probe; returns what is wrong, if anything.
async fn check(probe: Probe, response: reqwest::Response) -> Result<(), String> {
    let status = response.status();
    let headers = response.headers().clone();
    let csp = headers
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let location = headers
        .get("location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let content_type = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let body = response.text().await.map_err(|e| e.to_string())?;
    let wrong = |what: String| Err(format!("{probe:?}: {what}"));
    let own_nonce_policy = |expected: StatusCode| -> Result<(), String> {
        if status != expected {
            return wrong(format!("status {status}, expected {expected}"));
        }
        if location.is_some() {
            return wrong(format!("a Location it did not set: {location:?}"));
        }
        if !content_type.starts_with("text/html") {
            return wrong(format!("content type {content_type}"));
        }
        match (nonce_in_csp(&csp), nonce_in_html(&body)) {
            (Some(header), Some(html)) if header == html => Ok(()),
            (header, html) => wrong(format!(
                "policy nonce {header:?} but the page's scripts carry {html:?} (CSP: {csp})"
            )),
        }
    };
    match probe {
        Probe::Page(_) => own_nonce_policy(StatusCode::OK),
        Probe::Missing(_) => own_nonce_policy(StatusCode::NOT_FOUND),
        Probe::SignedInRedirect(_, to) | Probe::SignedOutRedirect(_, to) => {
            if !status.is_redirection() {
                return wrong(format!("status {status}, expected a redirect"));
            }
            if location.as_deref() != Some(to) {
                return wrong(format!("Location {location:?}, expected {to}"));
            }
            if csp.is_empty() {
                return wrong("no policy".into());
            }
            Ok(())
        }
        Probe::Asset(_, kind, contents) => {
            if status != StatusCode::OK {
                return wrong(format!("status {status}"));
            }
            if location.is_some() {
                return wrong(format!("a Location it did not set: {location:?}"));
            }
            if !content_type.starts_with(kind) {
                return wrong(format!("content type {content_type}, expected {kind}"));
            }
            if csp != DEFAULT_CSP {
                return wrong(format!("policy {csp}"));
            }
            if body != contents {
                return wrong("another response's body".into());
            }
            Ok(())
        }
        Probe::ServerFunction | Probe::Health => {
            if status != StatusCode::OK {
                return wrong(format!("status {status}"));
            }
            if location.is_some() {
                return wrong(format!("a Location it did not set: {location:?}"));
            }
            if !content_type.starts_with("application/json") {
                return wrong(format!("content type {content_type}"));
            }
            if csp != DEFAULT_CSP {
                return wrong(format!("policy {csp}"));
            }
            Ok(())
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_pages_and_assets_each_carry_their_own_headers() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let pkg = app.db.dir.path().join("site/pkg");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(pkg.join("send_portal.css"), CSS).unwrap();
    std::fs::write(pkg.join("send_portal.js"), JS).unwrap();
    let parent = app
        .signed_in("parent@example.org", "demo-portal-2026")
        .await;
    let anonymous = browser();

    let probes = [
        Probe::Page("/"),
        Probe::Page("/sign-in"),
        Probe::Asset("/pkg/send_portal.css", "text/css", CSS),
        Probe::SignedInRedirect("/", "/home"),
        Probe::Asset("/pkg/send_portal.js", "text/javascript", JS),
        Probe::SignedOutRedirect("/send", "/sign-in?return=/send"),
        Probe::Missing("/no-such-page"),
        Probe::ServerFunction,
        Probe::Health,
    ];
    let mut tasks = Vec::new();
    for _ in 0..40 {
        for probe in probes {
            let client = match probe {
                Probe::SignedInRedirect(..) => parent.clone(),
                _ => anonymous.clone(),
            };
            let url = |path: &str| app.url(path);
            let request = match probe {
                Probe::Page(path)
                | Probe::Missing(path)
                | Probe::SignedInRedirect(path, _)
                | Probe::SignedOutRedirect(path, _)
                | Probe::Asset(path, _, _) => client.get(url(path)).header("accept", "text/html"),
                Probe::ServerFunction => client
                    .post(url("/api/auth/current-user"))
                    .header("origin", app.address.clone())
                    .form(&[] as &[(&str, &str)]),
                Probe::Health => client.get(url("/healthz")),
            };
            tasks.push(tokio::spawn(async move {
                let response = request.send().await.map_err(|e| e.to_string())?;
                check(probe, response).await
            }));
        }
    }
    let total = tasks.len();
    let mut failures = Vec::new();
    for task in tasks {
        if let Err(problem) = task.await.expect("request task") {
            failures.push(problem);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} responses carried another request's headers or status:\n{}",
        failures.len(),
        failures.join("\n")
    );
    app.finish().await;
}

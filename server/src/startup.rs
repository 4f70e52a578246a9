//! Wiring: from `Settings` to a running server. Connects the database (migrating it), chooses
//! the mailer, seeds demo accounts in development, and assembles the router and middleware.

use std::{convert::Infallible, future::Future, sync::Arc, time::Duration};

use anyhow::Context;
use app::auth::session_store::DbSessionStore;
use app::{
    platform::{AppState, Db, Mailer, Storage},
    shell,
    site::{SiteInfo, OUTPUT_NAME},
    App,
};
use axum::{
    extract::{DefaultBodyLimit, Request, State},
    http::StatusCode,
    middleware::from_fn_with_state,
    response::Response,
    routing::{get, post},
    Json, Router,
};
use leptos::{
    config::{Env, LeptosOptions},
    prelude::provide_context,
};
use leptos_axum::{generate_route_list, LeptosRoutes};
use secrecy::ExposeSecret;
use tower::{service_fn, Service};
use tower_http::{
    catch_panic::CatchPanicLayer, compression::CompressionLayer, services::ServeDir,
    timeout::TimeoutLayer, trace::TraceLayer,
};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

use crate::{
    config::{FileSettings, MailSettings, Settings},
    middleware::{
        panic_response, refuse_cross_site, security_headers, IsolateReactiveOwnerLayer,
        SecurityPolicy,
    },
};

/// The most files one post of a step can carry (a step's attachments fields together).
const UPLOADS_PER_POST: usize = 10;

/// Used only outside production, where `PORTAL_SECRET_KEY` is required.
const DEVELOPMENT_SECRET_KEY: &str = "development-only-secret-key-never-use-in-production";

/// Everything the handlers share, built from the settings.
pub async fn build_state(settings: &Settings) -> anyhow::Result<AppState> {
    // First, so a broken form definition stops start-up before anything else happens.
    let forms = Arc::new(app::formdef::library::FormLibrary::shipped()?);
    let db = Db::connect(&settings.database_url, settings.db_max_connections)
        .await
        .with_context(|| format!("opening the database {}", settings.database_display()))?;
    let mailer = match &settings.mail {
        MailSettings::Outbox(dir) => Mailer::outbox(dir, &settings.mail_from)?,
        MailSettings::Smtp(url) => Mailer::smtp(url.expose_secret(), &settings.mail_from)?,
    };
    let storage = match &settings.files {
        FileSettings::Folder(dir) => Storage::local(dir, settings.max_upload_bytes)
            .with_context(|| format!("opening the files folder {}", dir.display()))?,
        FileSettings::S3Bucket(bucket) => Storage::s3(bucket, settings.max_upload_bytes)
            .with_context(|| format!("opening the S3 bucket {bucket}"))?,
    };
    if settings.seed_demo && app::demo::seed_once(&db, &storage).await? {
        tracing::info!("seeded the demo accounts");
    }
    let site = SiteInfo {
        council_name: settings.council_name.clone(),
        sen_team_phone: settings.sen_team_phone.clone(),
        sen_team_email: settings.sen_team_email.clone(),
        dev_mailbox: !settings.is_production() && mailer.outbox_dir().is_some(),
    };
    let leptos_options = LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root(settings.site_root.display().to_string())
        .site_pkg_dir("pkg")
        .env(Env::PROD)
        .site_addr(std::net::SocketAddr::new(settings.host, settings.port))
        .build();
    let secret_key = settings
        .secret_key
        .clone()
        .unwrap_or_else(|| secrecy::SecretString::from(DEVELOPMENT_SECRET_KEY));
    Ok(AppState {
        leptos_options,
        db,
        mailer,
        outbox: app::platform::Outbox::new(&secret_key),
        site,
        forms,
        storage,
        runtime: Arc::new(app::platform::state::Runtime {
            environment: settings.environment,
            base_url: settings.base_url_str(),
            secret_key,
            service_tiles: settings.service_tiles.clone(),
            hashing: tokio::sync::Semaphore::new(app::platform::state::hashing_turns()),
            trusted_proxies: settings.trusted_proxies.clone(),
            clean_up_every: settings.clean_up_every,
            reminders_every: settings.reminders_every,
        }),
    })
}

/// The whole HTTP surface: Leptos pages and server functions, `/healthz`, static files, and the
/// middleware every response passes through.
pub fn router(state: AppState, settings: &Settings) -> Router {
    let policy = Arc::new(SecurityPolicy {
        origin: settings.base_url.origin().ascii_serialization(),
        hsts: settings.is_production(),
    });
    let routes = generate_route_list({
        let site = state.site.clone();
        move || leptos::view! { <App site=site.clone()/> }
    });
    let context = {
        let state = state.clone();
        move || {
            provide_context(state.clone());
            provide_context(app::auth::api::RequestAccount::default());
        }
    };
    let sessions = SessionManagerLayer::new(DbSessionStore::new(state.db.clone()))
        .with_name(if settings.cookie_secure {
            "__Host-portal_session"
        } else {
            "portal_session"
        })
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(settings.cookie_secure)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(
            tower_sessions::cookie::time::Duration::minutes(30),
        ));
    // A step without JavaScript may carry every file of its attachments fields at once.
    let upload_limit = DefaultBodyLimit::max(
        usize::try_from(state.storage.max_upload_bytes)
            .unwrap_or(usize::MAX)
            .saturating_mul(UPLOADS_PER_POST)
            .saturating_add(1024 * 1024),
    );
    Router::new()
        .route("/healthz", get(healthz))
        // A wizard step posted by a page without JavaScript.
        .route(
            "/drafts/{draft}/steps/{step}",
            post(app::forms::post::save_step).layer(upload_limit),
        )
        // One file, uploaded by the wizard's scripts (with progress); and files to download.
        .route(
            "/drafts/{draft}/files",
            post(app::forms::files::upload).layer(upload_limit),
        )
        .route("/files/{file}", get(app::forms::files::download))
        // Copies to keep: a sent form, a shared document and a plan as PDFs.
        .route(
            "/submissions/{submission}/copy.pdf",
            get(app::copies::submission_copy),
        )
        .route(
            "/shared/{document}/copy.pdf",
            get(app::copies::document_copy),
        )
        .route("/plans/{plan}/copy.pdf", get(app::copies::plan_copy))
        // Plain form posts of the SEND area (they work the same with or without JavaScript).
        .route("/send/people", post(app::area::pages::add_person))
        // The SEN team's case pages post here (plain forms, with or without JavaScript).
        .route("/staff/cases", post(app::casework::post::new_case))
        .route(
            "/staff/cases/{child}/documents",
            post(app::casework::post::share_document).layer(upload_limit),
        )
        .route(
            "/staff/cases/{child}/{action}",
            post(app::casework::post::case_action),
        )
        .route(
            "/messages/{message}/form",
            post(app::messages::post::open_form),
        )
        // Conversations: a reply (either side), a new message to the SEN team, and the SEN
        // team's plain message from the case page. Each may carry files.
        .route(
            "/messages/{message}/replies",
            post(app::messages::post::reply).layer(upload_limit),
        )
        .route(
            "/messages",
            post(app::messages::post::write).layer(upload_limit),
        )
        .route(
            "/staff/cases/{child}/messages",
            post(app::casework::post::send_message).layer(upload_limit),
        )
        // The family's comment, school or setting, and meeting request on a draft plan.
        .route(
            "/plans/{plan}/{action}",
            post(app::plans::post::family_action),
        )
        // A professional picks an advice request up from their caseload.
        .route(
            "/advice/{request}/pick-up",
            post(app::caseload::post::pick_up),
        )
        // A school or setting asks for an assessment.
        .route(
            "/professional/request",
            post(app::caseload::post::start_setting_request),
        )
        // A school or setting answers a consultation on a draft plan.
        .route(
            "/consultations/{consultation}/answer",
            post(app::caseload::post::answer_consultation),
        )
        .leptos_routes_with_context(&state, routes, context.clone(), {
            let options = state.leptos_options.clone();
            move || shell(options.clone())
        })
        .fallback_service(site_files(&state, context))
        .layer(sessions)
        .layer(from_fn_with_state(policy.clone(), refuse_cross_site))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(from_fn_with_state(policy, security_headers))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(CatchPanicLayer::custom(panic_response))
        .layer(TraceLayer::new_for_http())
        .layer(IsolateReactiveOwnerLayer)
        .with_state(state)
}

/// The built assets and public files of the site folder, served without the reactive system
/// (nothing a page sets can reach them); any other address is the portal's "Page not found".
fn site_files(
    state: &AppState,
    context: impl Fn() + Clone + Send + Sync + 'static,
) -> ServeDir<
    impl Service<Request, Response = Response, Error = Infallible, Future: Send + 'static>
        + Clone
        + Send
        + Sync,
> {
    let render = leptos_axum::render_app_async_with_context(context, {
        let options = state.leptos_options.clone();
        move || shell(options.clone())
    });
    let not_found = service_fn(move |request: Request| {
        let render = render.clone();
        async move {
            let mut response = render(request).await;
            // A page may have answered otherwise (a redirect, say); keep that.
            if response.status() == StatusCode::OK {
                *response.status_mut() = StatusCode::NOT_FOUND;
            }
            Ok(response)
        }
    });
    let root = std::path::Path::new(state.leptos_options.site_root.as_ref());
    let files = ServeDir::new(root)
        .append_index_html_on_directories(false)
        .call_fallback_on_method_not_allowed(true)
        .fallback(not_found);
    match stale_precompressed(&root.join("pkg")) {
        None => files.precompressed_br().precompressed_gzip(),
        Some(stale) => {
            tracing::warn!(
                file = %stale.display(),
                "a precompressed copy is older than its file: assets are compressed as they are \
                 sent (run `node scripts/assets.js` after building)"
            );
            files
        }
    }
}

/// The first `.br` or `.gz` copy in `pkg` that is older than the file it copies (a build since
/// `scripts/assets.js` ran), if any: then none of them may be served.
fn stale_precompressed(pkg: &std::path::Path) -> Option<std::path::PathBuf> {
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    std::fs::read_dir(pkg)
        .ok()?
        .flatten()
        .map(|entry| entry.path())
        .filter(|copy| matches!(copy.extension().and_then(|e| e.to_str()), Some("br" | "gz")))
        .find(|copy| {
            let original = copy.with_extension("");
            match (modified(copy), modified(&original)) {
                (Some(copied), Some(built)) => copied < built,
                // A copy of a file that is gone is stale too.
                _ => true,
            }
        })
}

/// A name for this server in leases and claims, unique among servers on one database.
pub fn holder_name() -> String {
    format!("{}:{}", std::process::id(), app::ids::token(8))
}

/// Starts the email outbox's sender: it delivers whatever changes wrote to the outbox, woken
/// after each commit.
pub fn start_sender(state: &AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(app::platform::outbox::run_sender(
        state.db.clone(),
        state.outbox.clone(),
        state.mailer.clone(),
        holder_name(),
    ))
}

/// The work a server does besides answering requests: the email sender and the scheduled
/// clean-up. With several servers on one database, each email and each clean-up run happens
/// on one of them.
pub struct Background(Vec<tokio::task::JoinHandle<()>>);

impl Background {
    pub fn start(state: &AppState) -> Background {
        Background(vec![
            start_sender(state),
            tokio::spawn(app::platform::jobs::run_scheduled(
                state.db.clone(),
                state.storage.clone(),
                holder_name(),
                state.runtime.clean_up_every,
            )),
            tokio::spawn(app::reminders::run_scheduled(
                state.clone(),
                holder_name(),
                state.runtime.reminders_every,
            )),
        ])
    }

    pub fn stop(self) {
        for task in self.0 {
            task.abort();
        }
    }
}

/// Answers 200 when the database answers, 503 otherwise; for load balancers and monitors.
/// Within `HEALTH_TIMEOUT` either way: a database that is down is not waited for as long as
/// a request would wait for a connection (the pool keeps trying until its own timeout).
async fn healthz(State(db): State<Db>) -> (StatusCode, Json<Health>) {
    let answer = tokio::time::timeout(HEALTH_TIMEOUT, db.ping())
        .await
        .map_err(|_elapsed| "no answer within the health check's time");
    match answer {
        Ok(Ok(())) => (
            StatusCode::OK,
            Json(Health {
                status: "ok",
                database: "ok",
            }),
        ),
        Ok(Err(err)) => {
            tracing::error!(error = ?err, "health check: database unreachable");
            unhealthy()
        }
        Err(timeout) => {
            tracing::error!(error = timeout, "health check: database unreachable");
            unhealthy()
        }
    }
}

const HEALTH_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(2);

fn unhealthy() -> (StatusCode, Json<Health>) {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(Health {
            status: "unavailable",
            database: "unreachable",
        }),
    )
}

#[derive(serde::Serialize)]
struct Health {
    status: &'static str,
    database: &'static str,
}

/// Serves until `shutdown` completes, then finishes the requests under way.
pub async fn serve(
    listener: tokio::net::TcpListener,
    router: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown)
    .await
}

/// Completes on Ctrl-C or SIGTERM (what a service manager or container runtime sends).
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(err) => {
                tracing::error!(error = ?err, "cannot listen for SIGTERM");
                std::future::pending::<()>().await
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("shutting down: finishing requests under way");
}

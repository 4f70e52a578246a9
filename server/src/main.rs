//! `send-portal`: starts the portal with settings from the environment (see README).

use std::process::ExitCode;

use server::{build_state, router, serve, shutdown_signal, Background, Settings};
use tracing_subscriber::{fmt, EnvFilter};

/// mimalloc instead of glibc's allocator (see the workspace's Cargo.toml).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc 3's option numbers (`mi_option_e` in its `mimalloc.h`; the crate names only some).
#[cfg(target_os = "linux")]
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
#[cfg(target_os = "linux")]
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Gives freed memory back to the system at once instead of keeping it committed: under the
/// bench's 200-person load the server held about 103 MiB, 33 of them freed but kept; with these
/// two options it holds 66-68. They must be set before mimalloc makes its first arena,
/// which happens before `main` (set in `main`, they left it at 95 MiB), so this runs as an
/// ELF constructor of the first priority, ahead of mimalloc's own (on Linux, where the portal
/// is run; elsewhere mimalloc keeps its defaults). A `MIMALLOC_*` environment variable still
/// wins, for experiments.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array.00101"]
static RETURN_FREED_MEMORY: extern "C" fn() = return_freed_memory;

#[cfg(target_os = "linux")]
extern "C" fn return_freed_memory() {
    for (option, value, name) in [
        (
            MI_OPTION_ARENA_EAGER_COMMIT,
            0,
            "MIMALLOC_ARENA_EAGER_COMMIT",
        ),
        (MI_OPTION_PURGE_DELAY, 0, "MIMALLOC_PURGE_DELAY"),
    ] {
        if std::env::var_os(name).is_none() {
            // SAFETY: mi_option_set only stores a number in mimalloc's table of options.
            unsafe { libmimalloc_sys::mi_option_set(option, value) };
        }
    }
}

fn main() -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime.block_on(start()),
        Err(err) => {
            eprintln!("SEND Portal cannot start its runtime: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn start() -> ExitCode {
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("SEND Portal cannot start. Fix these settings:\n{err}");
            return ExitCode::from(2);
        }
    };
    init_tracing(&settings);
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("create-admin") {
        return create_admin(settings, &args[1..]).await;
    }
    match run(settings).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = ?err, "SEND Portal stopped");
            eprintln!("SEND Portal stopped: {err:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(settings: Settings) -> anyhow::Result<()> {
    let state = build_state(&settings).await?;
    let address = std::net::SocketAddr::new(settings.host, settings.port);
    let listener = tokio::net::TcpListener::bind(address)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {address}: {e}"))?;
    let base = settings.base_url_str();
    let mut banner = format!(
        "\nSEND Portal ({:?}) listening on http://{}\n  public address: {base}\n  database: {} (migrated)\n",
        settings.environment,
        listener.local_addr()?,
        settings.database_display(),
    );
    match state.mailer.outbox_dir() {
        Some(dir) => banner.push_str(&format!(
            "  mail: written to {} and shown at {base}/dev/mailbox\n",
            dir.display()
        )),
        None => banner.push_str("  mail: sent by SMTP\n"),
    }
    if settings.seed_demo {
        banner.push_str(&app::demo::describe());
    }
    println!("{banner}");
    let db = state.db.clone();
    let background = Background::start(&state);
    let app = router(state, &settings);
    serve(listener, app, shutdown_signal()).await?;
    background.stop();
    db.close().await;
    tracing::info!("stopped cleanly");
    Ok(())
}

/// `send-portal create-admin EMAIL "FULL NAME"`: the first administrator, who gets an email
/// with a link to choose a password.
async fn create_admin(settings: Settings, args: &[String]) -> ExitCode {
    let (Some(email), Some(name)) = (args.first(), args.get(1)) else {
        eprintln!("Usage: send-portal create-admin EMAIL \"FULL NAME\"");
        return ExitCode::from(2);
    };
    let result = async {
        let state = build_state(&settings).await?;
        let created = app::auth::ssr::staff::create_staff_account(
            &state,
            email,
            name,
            app::role::Role::Admin,
            None,
            "command line",
        )
        .await;
        // Deliver the welcome email now: no server may be running to do it.
        let delivered = app::platform::outbox::deliver_due(
            &state.db,
            &state.outbox,
            &state.mailer,
            &server::startup::holder_name(),
            app::platform::db::unix_now(),
        )
        .await;
        let unsent = app::platform::outbox::unsent(&state.db).await;
        state.db.close().await;
        let id = created.map_err(|e| anyhow::anyhow!("{e}"))?;
        match (delivered, unsent) {
            (Ok(_), Ok(0)) => {}
            _ => eprintln!(
                "The email could not be sent yet: the portal sends it when it next runs (check PORTAL_SMTP_URL)."
            ),
        }
        anyhow::Ok(id)
    }
    .await;
    match result {
        Ok(_) => {
            println!("Created the administrator {email}. We have emailed them a link to choose a password (it works for 24 hours).");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("Could not create the administrator: {err:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing(settings: &Settings) {
    let filter =
        EnvFilter::try_new(&settings.log_filter).unwrap_or_else(|_| EnvFilter::new("info"));
    if settings.log_json {
        fmt().with_env_filter(filter).json().init();
    } else {
        fmt().with_env_filter(filter).init();
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::*;

    /// The option numbers above are copied from mimalloc 3's header, where retired options
    /// keep their places and new ones are added at the end; another major version may number
    /// them differently, and then this fails rather than setting the wrong options.
    #[test]
    fn mimalloc_is_the_version_whose_options_are_numbered_here() {
        // SAFETY: mi_version only returns a constant.
        let version = unsafe { libmimalloc_sys::mi_version() };
        assert_eq!(
            version / 100,
            303,
            "mimalloc {version}: check the option numbers"
        );
    }

    /// The constructor ran before this test (as before `main`) and set both options.
    #[test]
    fn freed_memory_is_given_back_at_once() {
        for (option, name) in [
            (MI_OPTION_ARENA_EAGER_COMMIT, "MIMALLOC_ARENA_EAGER_COMMIT"),
            (MI_OPTION_PURGE_DELAY, "MIMALLOC_PURGE_DELAY"),
        ] {
            if std::env::var_os(name).is_none() {
                // SAFETY: mi_option_get only reads mimalloc's table of options.
                assert_eq!(
                    unsafe { libmimalloc_sys::mi_option_get(option) },
                    0,
                    "{name}"
                );
            }
        }
    }
}

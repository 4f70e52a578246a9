//! Configuration from `PORTAL_*` environment variables, with defaults that run on a laptop.
//! Production (`PORTAL_ENV=production`) refuses settings that are only safe for development.

use std::{
    net::{IpAddr, Ipv4Addr},
    path::PathBuf,
};

use app::platform::Environment;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

/// Every setting, after parsing and checking.
#[derive(Debug)]
pub struct Settings {
    pub environment: Environment,
    pub host: IpAddr,
    pub port: u16,
    pub database_url: String,
    pub db_max_connections: u32,
    pub base_url: Url,
    pub council_name: String,
    pub sen_team_phone: String,
    pub sen_team_email: String,
    pub mail_from: String,
    pub mail: MailSettings,
    pub files: FileSettings,
    pub max_upload_bytes: u64,
    pub data_dir: PathBuf,
    pub site_root: PathBuf,
    pub cookie_secure: bool,
    pub secret_key: Option<SecretString>,
    pub seed_demo: bool,
    /// Other council services shown as tiles on the home page.
    pub service_tiles: Vec<app::platform::state::ServiceTile>,
    /// Proxies whose `X-Forwarded-For` names the client (`PORTAL_TRUSTED_PROXIES`).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// How often the scheduled clean-up runs (`PORTAL_CLEAN_UP_SECS`), on one server at a time.
    pub clean_up_every: std::time::Duration,
    /// How often the reminders run (`PORTAL_REMINDERS_SECS`), on one server at a time.
    pub reminders_every: std::time::Duration,
    pub log_filter: String,
    pub log_json: bool,
}

/// Where uploaded files go.
#[derive(Debug)]
pub enum FileSettings {
    /// A folder on this machine (default `data/files`); not inside any served folder.
    Folder(PathBuf),
    /// A bucket of an S3-compatible store, with `AWS_*` variables for credentials and endpoint.
    S3Bucket(String),
}

#[derive(Debug)]
pub enum MailSettings {
    /// Development: messages are written to this folder and shown at `/dev/mailbox`.
    Outbox(PathBuf),
    /// An SMTP URL such as `smtps://user:password@smtp.example.org:465`.
    Smtp(SecretString),
}

/// A setting that could not be used, and why, in words for whoever deploys the portal.
#[derive(Debug, PartialEq, Eq)]
pub struct Problem {
    pub setting: &'static str,
    pub message: String,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{}", .0.iter().map(|p| format!("  {}: {}", p.setting, p.message)).collect::<Vec<_>>().join("\n"))]
pub struct ConfigError(pub Vec<Problem>);

/// `Title|https://address;Title|https://address`: the tiles for other council services.
fn parse_service_tiles(text: &str) -> Result<Vec<app::platform::state::ServiceTile>, String> {
    text.split(';')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|tile| {
            let (title, url) = tile
                .split_once('|')
                .map(|(t, u)| (t.trim(), u.trim()))
                .filter(|(t, _)| !t.is_empty())
                .ok_or_else(|| format!("“{tile}” must be a title and a web address joined by |, such as School places|https://www.example.gov.uk/school-places"))?;
            match Url::parse(url) {
                Ok(parsed) if matches!(parsed.scheme(), "https" | "http") => {
                    Ok(app::platform::state::ServiceTile {
                        title: title.to_owned(),
                        url: parsed.to_string(),
                    })
                }
                _ => Err(format!("“{url}” (for {title}) must be a web address starting https://")),
            }
        })
        .collect()
}

/// `10.0.0.0/8, 192.168.1.4`: addresses or CIDR ranges, separated by commas or spaces.
fn parse_trusted_proxies(text: &str) -> Result<Vec<ipnet::IpNet>, String> {
    text.split([',', ' '])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|item| {
            item.parse::<ipnet::IpNet>()
                .or_else(|_| item.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .map_err(|_| format!("“{item}” is not an IP address or a range such as 10.0.0.0/8"))
        })
        .collect()
}

impl Settings {
    pub fn from_env() -> Result<Settings, ConfigError> {
        Settings::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Settings, ConfigError> {
        let mut problems = Vec::new();
        let get = |key: &str| {
            lookup(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };

        let environment = match get("PORTAL_ENV").as_deref() {
            None | Some("development") | Some("dev") => Environment::Development,
            Some("production") | Some("prod") => Environment::Production,
            Some(other) => {
                problems.push(problem(
                    "PORTAL_ENV",
                    format!("must be development or production, not {other:?}"),
                ));
                Environment::Development
            }
        };
        let production = environment == Environment::Production;

        let host = parse_or(
            &get,
            &mut problems,
            "PORTAL_HOST",
            IpAddr::V4(Ipv4Addr::LOCALHOST),
            "an IP address such as 127.0.0.1 or 0.0.0.0",
        );
        let port = parse_or(
            &get,
            &mut problems,
            "PORTAL_PORT",
            3000u16,
            "a port number from 0 to 65535",
        );
        let data_dir = PathBuf::from(get("PORTAL_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = get("PORTAL_DATABASE_URL")
            .or_else(|| get("DATABASE_URL"))
            .unwrap_or_else(|| format!("sqlite:{}", data_dir.join("portal.db").display()));
        if !(database_url.starts_with("sqlite:")
            || database_url.starts_with("postgres://")
            || database_url.starts_with("postgresql://"))
        {
            problems.push(problem(
                "PORTAL_DATABASE_URL",
                "must start with sqlite: or postgres://".into(),
            ));
        }
        let db_max_connections = parse_or(
            &get,
            &mut problems,
            "PORTAL_DB_MAX_CONNECTIONS",
            16u32,
            "a whole number of connections",
        );
        let clean_up_secs: u64 = parse_or(
            &get,
            &mut problems,
            "PORTAL_CLEAN_UP_SECS",
            600,
            "a whole number of seconds",
        );
        if !(1..=86_400).contains(&clean_up_secs) {
            problems.push(problem(
                "PORTAL_CLEAN_UP_SECS",
                "must be between 1 and 86400 (a day)".into(),
            ));
        }
        let reminders_secs: u64 = parse_or(
            &get,
            &mut problems,
            "PORTAL_REMINDERS_SECS",
            app::reminders::EVERY.as_secs(),
            "a whole number of seconds",
        );
        if !(1..=86_400).contains(&reminders_secs) {
            problems.push(problem(
                "PORTAL_REMINDERS_SECS",
                "must be between 1 and 86400 (a day)".into(),
            ));
        }

        let default_base = format!(
            "http://{}:{port}",
            if host.is_unspecified() {
                IpAddr::V4(Ipv4Addr::LOCALHOST)
            } else {
                host
            }
        );
        let base_url = match Url::parse(&get("PORTAL_BASE_URL").unwrap_or(default_base)) {
            Ok(url) if url.scheme() == "http" || url.scheme() == "https" => url,
            _ => {
                problems.push(problem(
                    "PORTAL_BASE_URL",
                    "must be a web address such as https://send.example.gov.uk".into(),
                ));
                Url::parse("http://127.0.0.1:3000").expect("constant URL")
            }
        };

        let council_name =
            get("PORTAL_COUNCIL_NAME").unwrap_or_else(|| "Example Borough Council".into());
        let service_tiles = match get("PORTAL_SERVICE_TILES") {
            None => Vec::new(),
            Some(text) => match parse_service_tiles(&text) {
                Ok(tiles) => tiles,
                Err(message) => {
                    problems.push(problem("PORTAL_SERVICE_TILES", message));
                    Vec::new()
                }
            },
        };
        let trusted_proxies = match get("PORTAL_TRUSTED_PROXIES") {
            None => Vec::new(),
            Some(text) => parse_trusted_proxies(&text).unwrap_or_else(|message| {
                problems.push(problem("PORTAL_TRUSTED_PROXIES", message));
                Vec::new()
            }),
        };
        let sen_team_phone = get("PORTAL_SEN_TEAM_PHONE").unwrap_or_else(|| "01234 567890".into());
        let sen_team_email =
            get("PORTAL_SEN_TEAM_EMAIL").unwrap_or_else(|| "sen.team@example.org".into());
        let mail_from = get("PORTAL_MAIL_FROM")
            .unwrap_or_else(|| format!("{council_name} SEND Portal <no-reply@example.org>"));
        let mail = match get("PORTAL_SMTP_URL") {
            Some(url) => MailSettings::Smtp(SecretString::from(url)),
            None => MailSettings::Outbox(
                get("PORTAL_OUTBOX_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| data_dir.join("outbox")),
            ),
        };
        let files = match get("PORTAL_S3_BUCKET") {
            Some(bucket) => FileSettings::S3Bucket(bucket),
            None => FileSettings::Folder(
                get("PORTAL_FILES_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| data_dir.join("files")),
            ),
        };
        let max_upload_mib: u64 = parse_or(
            &get,
            &mut problems,
            "PORTAL_MAX_UPLOAD_MB",
            20,
            "a whole number of megabytes (MiB)",
        );
        if max_upload_mib == 0 || max_upload_mib > 1024 {
            problems.push(problem(
                "PORTAL_MAX_UPLOAD_MB",
                "must be between 1 and 1024".into(),
            ));
        }
        let max_upload_bytes = max_upload_mib * 1024 * 1024;
        let site_root = PathBuf::from(
            get("PORTAL_SITE_ROOT")
                .or_else(|| get("LEPTOS_SITE_ROOT"))
                .unwrap_or_else(|| "target/site".into()),
        );
        let cookie_secure = parse_or(
            &get,
            &mut problems,
            "PORTAL_COOKIE_SECURE",
            production,
            "true or false",
        );
        let secret_key = get("PORTAL_SECRET_KEY").map(SecretString::from);
        let seed_demo = parse_or(
            &get,
            &mut problems,
            "PORTAL_SEED_DEMO",
            !production,
            "true or false",
        );
        let log_filter = get("PORTAL_LOG")
            .or_else(|| get("RUST_LOG"))
            .unwrap_or_else(|| "info,sqlx=warn,tower_http=info".into());
        let log_json = match get("PORTAL_LOG_FORMAT").as_deref() {
            None => production,
            Some("json") => true,
            Some("text") => false,
            Some(_) => {
                problems.push(problem("PORTAL_LOG_FORMAT", "must be text or json".into()));
                false
            }
        };

        if let Some(key) = &secret_key {
            if key.expose_secret().len() < 32 {
                problems.push(problem("PORTAL_SECRET_KEY", "must be at least 32 characters (for example, 64 hex digits from `openssl rand -hex 32`)".into()));
            }
        }
        if production {
            if matches!(mail, MailSettings::Outbox(_)) {
                problems.push(problem(
                    "PORTAL_SMTP_URL",
                    "is not set: production sends real email and cannot use the development outbox"
                        .into(),
                ));
            }
            if !cookie_secure {
                problems.push(problem(
                    "PORTAL_COOKIE_SECURE",
                    "must not be false in production: session cookies must be Secure".into(),
                ));
            }
            if secret_key.is_none() {
                problems.push(problem(
                    "PORTAL_SECRET_KEY",
                    "is not set: production needs a secret key of at least 32 characters".into(),
                ));
            }
            if base_url.scheme() != "https" {
                problems.push(problem(
                    "PORTAL_BASE_URL",
                    "must start with https:// in production".into(),
                ));
            }
            if seed_demo {
                problems.push(problem(
                    "PORTAL_SEED_DEMO",
                    "must not be true in production: demo accounts have a published password"
                        .into(),
                ));
            }
        }

        if !problems.is_empty() {
            return Err(ConfigError(problems));
        }
        Ok(Settings {
            environment,
            host,
            port,
            database_url,
            db_max_connections,
            base_url,
            council_name,
            sen_team_phone,
            sen_team_email,
            mail_from,
            mail,
            files,
            max_upload_bytes,
            data_dir,
            site_root,
            cookie_secure,
            secret_key,
            seed_demo,
            service_tiles,
            trusted_proxies,
            clean_up_every: std::time::Duration::from_secs(clean_up_secs),
            reminders_every: std::time::Duration::from_secs(reminders_secs),
            log_filter,
            log_json,
        })
    }

    pub fn is_production(&self) -> bool {
        self.environment == Environment::Production
    }

    /// The base URL without its trailing slash, for building links.
    pub fn base_url_str(&self) -> String {
        self.base_url.as_str().trim_end_matches('/').to_owned()
    }

    /// The database URL with any password hidden, for the start-up message.
    pub fn database_display(&self) -> String {
        match Url::parse(&self.database_url) {
            Ok(mut url) if url.password().is_some() => {
                let _ = url.set_password(Some("****"));
                url.to_string()
            }
            _ => self.database_url.clone(),
        }
    }
}

fn problem(setting: &'static str, message: String) -> Problem {
    Problem { setting, message }
}

fn parse_or<T: std::str::FromStr>(
    get: &impl Fn(&str) -> Option<String>,
    problems: &mut Vec<Problem>,
    key: &'static str,
    default: T,
    expected: &str,
) -> T {
    match get(key) {
        None => default,
        Some(raw) => raw.parse().unwrap_or_else(|_| {
            problems.push(problem(key, format!("must be {expected}, not {raw:?}")));
            default
        }),
    }
}

#[cfg(test)]
mod tests;

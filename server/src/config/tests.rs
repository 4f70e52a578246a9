//! Settings read from the environment: defaults, each setting's parsing, and what production
//! refuses.

use std::collections::HashMap;

use super::*;

fn settings(vars: &[(&str, &str)]) -> Result<Settings, ConfigError> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    Settings::from_lookup(|k| map.get(k).cloned())
}

fn settings_named(err: &ConfigError) -> Vec<&'static str> {
    err.0.iter().map(|p| p.setting).collect()
}

const GOOD_PRODUCTION: [(&str, &str); 4] = [
    ("PORTAL_ENV", "production"),
    ("PORTAL_SMTP_URL", "smtps://user:pw@smtp.example.org"),
    (
        "PORTAL_SECRET_KEY",
        "0123456789abcdef0123456789abcdef0123456789abcdef",
    ),
    ("PORTAL_BASE_URL", "https://send.example.gov.uk"),
];

#[test]
fn defaults_run_locally_on_sqlite_with_the_outbox() {
    let s = settings(&[]).unwrap();
    assert_eq!(s.environment, Environment::Development);
    assert_eq!(s.port, 3000);
    assert_eq!(s.database_url, "sqlite:data/portal.db");
    assert_eq!(s.base_url.as_str(), "http://127.0.0.1:3000/");
    assert!(matches!(s.mail, MailSettings::Outbox(ref p) if p == &PathBuf::from("data/outbox")));
    assert!(!s.cookie_secure);
    assert!(s.seed_demo);
}

#[test]
fn trusted_proxies_are_addresses_and_ranges() {
    let proxies = settings(&[("PORTAL_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.4 ::1")])
        .unwrap()
        .trusted_proxies;
    let shown: Vec<String> = proxies.iter().map(ToString::to_string).collect();
    assert_eq!(shown, ["10.0.0.0/8", "192.168.1.4/32", "::1/128"]);
    assert!(settings(&[]).unwrap().trusted_proxies.is_empty());
    let err = settings(&[("PORTAL_TRUSTED_PROXIES", "10.0.0.0/8,load-balancer")]).unwrap_err();
    assert!(err.to_string().contains("PORTAL_TRUSTED_PROXIES"), "{err}");
    assert!(err.to_string().contains("load-balancer"), "{err}");
}

#[test]
fn service_tiles_are_titles_with_web_addresses() {
    let s = settings(&[(
        "PORTAL_SERVICE_TILES",
        "School places|https://www.example.gov.uk/school-places; Free school meals | https://www.example.gov.uk/fsm ;",
    )])
    .unwrap();
    let tiles: Vec<(&str, &str)> = s
        .service_tiles
        .iter()
        .map(|t| (t.title.as_str(), t.url.as_str()))
        .collect();
    assert_eq!(
        tiles,
        [
            ("School places", "https://www.example.gov.uk/school-places"),
            ("Free school meals", "https://www.example.gov.uk/fsm"),
        ]
    );
    assert!(settings(&[]).unwrap().service_tiles.is_empty());
    for bad in [
        "School places",
        "School places|javascript:alert(1)",
        "|https://x.example",
    ] {
        let err = settings(&[("PORTAL_SERVICE_TILES", bad)]).unwrap_err();
        assert_eq!(err.0[0].setting, "PORTAL_SERVICE_TILES", "{bad}");
    }
}

#[test]
fn database_url_is_read_with_or_without_the_prefix() {
    let s = settings(&[("DATABASE_URL", "postgres://postgres@127.0.0.1/portal")]).unwrap();
    assert_eq!(s.database_url, "postgres://postgres@127.0.0.1/portal");
    let s = settings(&[
        ("DATABASE_URL", "postgres://a@h/x"),
        ("PORTAL_DATABASE_URL", "sqlite:other.db"),
    ])
    .unwrap();
    assert_eq!(s.database_url, "sqlite:other.db");
}

#[test]
fn production_with_every_safe_setting_starts() {
    let s = settings(&GOOD_PRODUCTION).unwrap();
    assert!(s.is_production());
    assert!(s.cookie_secure);
    assert!(!s.seed_demo);
}

#[test]
fn production_refuses_the_development_outbox() {
    let vars: Vec<_> = GOOD_PRODUCTION
        .iter()
        .copied()
        .filter(|(k, _)| *k != "PORTAL_SMTP_URL")
        .collect();
    let err = settings(&vars).unwrap_err();
    assert_eq!(settings_named(&err), vec!["PORTAL_SMTP_URL"]);
    assert!(err.to_string().contains("development outbox"));
}

#[test]
fn production_refuses_insecure_cookies() {
    let mut vars = GOOD_PRODUCTION.to_vec();
    vars.push(("PORTAL_COOKIE_SECURE", "false"));
    assert_eq!(
        settings_named(&settings(&vars).unwrap_err()),
        vec!["PORTAL_COOKIE_SECURE"]
    );
}

#[test]
fn production_refuses_to_start_without_a_secret_key() {
    let vars: Vec<_> = GOOD_PRODUCTION
        .iter()
        .copied()
        .filter(|(k, _)| *k != "PORTAL_SECRET_KEY")
        .collect();
    assert_eq!(
        settings_named(&settings(&vars).unwrap_err()),
        vec!["PORTAL_SECRET_KEY"]
    );
}

#[test]
fn production_refuses_demo_accounts_and_plain_http() {
    let mut vars = GOOD_PRODUCTION.to_vec();
    vars.retain(|(k, _)| *k != "PORTAL_BASE_URL");
    vars.push(("PORTAL_BASE_URL", "http://send.example.gov.uk"));
    vars.push(("PORTAL_SEED_DEMO", "true"));
    let err = settings(&vars).unwrap_err();
    assert_eq!(
        settings_named(&err),
        vec!["PORTAL_BASE_URL", "PORTAL_SEED_DEMO"]
    );
}

#[test]
fn a_short_secret_key_is_refused_everywhere() {
    let err = settings(&[("PORTAL_SECRET_KEY", "short")]).unwrap_err();
    assert_eq!(settings_named(&err), vec!["PORTAL_SECRET_KEY"]);
}

#[test]
fn unreadable_values_name_the_setting() {
    let err = settings(&[("PORTAL_PORT", "eighty"), ("PORTAL_ENV", "staging")]).unwrap_err();
    assert_eq!(settings_named(&err), vec!["PORTAL_ENV", "PORTAL_PORT"]);
    assert!(err
        .to_string()
        .contains("PORTAL_PORT: must be a port number"));
}

#[test]
fn secrets_do_not_print() {
    let s = settings(&GOOD_PRODUCTION).unwrap();
    let printed = format!("{s:?}");
    assert!(!printed.contains("0123456789abcdef"));
    assert!(!printed.contains("user:pw"));
}

#[test]
fn database_password_is_hidden_in_messages() {
    let s = settings(&[("PORTAL_DATABASE_URL", "postgres://portal:hunter2@db/portal")]).unwrap();
    assert_eq!(s.database_display(), "postgres://portal:****@db/portal");
}

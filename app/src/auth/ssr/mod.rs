//! Accounts on the server: password and secret-answer hashing (here: argon2id at the strength
//! DESIGN.md section 7 sets), account rows (`accounts`), the audit log (`audit`), limits on
//! tries and emails (`throttle`), emailed sign-in codes (`codes`), one-time link tokens
//! (`tokens`) and the staff accounts an admin makes (`staff`).

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Algorithm, Argon2, Params, Version,
};

pub mod accounts;
pub mod audit;
pub mod codes;
pub mod staff;
pub mod throttle;
pub mod tokens;

/// A PHC-format argon2id hash. Deliberately not `Serialize`: it never leaves the server.
#[derive(Clone, PartialEq, Eq)]
pub struct PasswordHashString(pub String);

impl std::fmt::Debug for PasswordHashString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PasswordHashString(..)")
    }
}

/// argon2id, 19 MiB, 2 passes, 1 lane (OWASP's recommended minimum).
fn hasher() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("constant argon2 parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub fn hash_secret(secret: &str) -> anyhow::Result<PasswordHashString> {
    let salt = SaltString::generate(&mut OsRng);
    let hash = hasher()
        .hash_password(secret.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hashing a secret: {e}"))?;
    Ok(PasswordHashString(hash.to_string()))
}

pub fn verify_secret(secret: &str, hash: &PasswordHashString) -> bool {
    match PasswordHash::new(&hash.0) {
        Ok(parsed) => hasher().verify_password(secret.as_bytes(), &parsed).is_ok(),
        Err(_) => false,
    }
}

/// Hashes on the blocking threads, as many at a time as `Runtime::hashing` allows: each hash
/// takes tens of milliseconds of a core and 19 MiB, so a burst of sign-ins or registrations
/// waits its turn instead of starving page loads and `/healthz` on the async workers.
pub async fn hash_secret_off_thread(
    state: &crate::platform::AppState,
    secret: &str,
) -> Result<PasswordHashString, crate::error::AppError> {
    let secret = secret.to_owned();
    off_thread(state, move || hash_secret(&secret))
        .await?
        .map_err(crate::error::internal)
}

/// `verify_secret`, on the blocking threads (see `hash_secret_off_thread`).
pub async fn verify_secret_off_thread(
    state: &crate::platform::AppState,
    secret: &str,
    hash: &PasswordHashString,
) -> Result<bool, crate::error::AppError> {
    let (secret, hash) = (secret.to_owned(), hash.clone());
    off_thread(state, move || verify_secret(&secret, &hash)).await
}

async fn off_thread<T: Send + 'static>(
    state: &crate::platform::AppState,
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, crate::error::AppError> {
    let _turn = state
        .runtime
        .hashing
        .acquire()
        .await
        .map_err(crate::error::internal)?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(crate::error::internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_secret_and_no_other() {
        let hash = hash_secret("correct horse battery").unwrap();
        assert!(hash.0.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_secret("correct horse battery", &hash));
        assert!(!verify_secret("correct horse batterz", &hash));
        assert!(!format!("{hash:?}").contains("argon2"));
    }
}

/// Passwords people choose most often (Django's list of 20,000, BSD licence), refused at
/// registration and on every password change.
static COMMON_PASSWORDS: &str = include_str!("../common-passwords.txt");

pub fn is_common_password(password: &str) -> bool {
    let wanted = password.trim().to_lowercase();
    COMMON_PASSWORDS.lines().any(|line| line.trim() == wanted)
}

#[cfg(test)]
mod common_password_tests {
    use super::*;

    #[test]
    fn the_list_is_long_and_catches_common_choices() {
        assert!(COMMON_PASSWORDS.lines().count() >= 10_000);
        assert!(is_common_password("password123"));
        assert!(is_common_password("Qwertyuiop"));
        assert!(!is_common_password("correct horse battery staple"));
    }
}

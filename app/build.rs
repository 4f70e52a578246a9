//! `sqlx::migrate!` reads `migrations/` when this crate compiles: rebuild when they change.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}

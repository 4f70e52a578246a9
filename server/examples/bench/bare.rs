//! The yardstick: a bare axum handler doing a version-checked upsert of a draft's answers on
//! the same database, with nothing else (no session, no parsing of the form, no page).

use axum::{
    extract::{Path, State},
    http::StatusCode,
    routing::post,
    Router,
};

const TABLE: &str = "CREATE TABLE IF NOT EXISTS bench_bare (\
     id BIGINT PRIMARY KEY, answers TEXT NOT NULL, version BIGINT NOT NULL, updated_at BIGINT NOT NULL)";

/// Writes `body` as the answers of row `id` if its version is still `version`; answers with
/// the new version, or 409 when someone else's write came first.
async fn write(
    State(db): State<app::platform::Db>,
    Path((id, version)): Path<(i64, i64)>,
    body: String,
) -> (StatusCode, String) {
    let now = app::platform::db::unix_now();
    let written: Result<Option<i64>, sqlx::Error> = sqlx::query_scalar(
        "INSERT INTO bench_bare (id, answers, version, updated_at) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (id) DO UPDATE SET answers = excluded.answers, \
         version = bench_bare.version + 1, updated_at = excluded.updated_at \
         WHERE bench_bare.version = $4 RETURNING version",
    )
    .bind(id)
    .bind(body)
    .bind(now)
    .bind(version)
    .fetch_optional(db.pool())
    .await;
    match written {
        Ok(Some(version)) => (StatusCode::OK, version.to_string()),
        Ok(None) => (StatusCode::CONFLICT, String::new()),
        Err(err) => (StatusCode::INTERNAL_SERVER_ERROR, err.to_string()),
    }
}

/// Starts the handler on a free port of this machine; returns its address.
pub async fn serve(db: app::platform::Db) -> anyhow::Result<String> {
    sqlx::query(TABLE).execute(db.pool()).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = format!("http://{}", listener.local_addr()?);
    let app = Router::new()
        .route("/bare/{id}/{version}", post(write))
        .with_state(db);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(address)
}

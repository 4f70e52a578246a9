//! The SEN team's dashboard over many open cases.

use std::time::Instant;

use crate::{measure::Stats, portal::Portal};

/// Seeds `cases` open cases (children at every stage, deadlines spread over a year either side
/// of today, a third assigned), then loads the SEN team's first dashboard page `loads` times,
/// one request at a time, as a caseworker opening it does: the time is the server's.
pub async fn measure(
    portal: &Portal,
    database_url: &str,
    cases: usize,
    loads: usize,
) -> anyhow::Result<Stats> {
    use app::status::timeline::Stage;
    let db = app::platform::Db::connect(database_url, 4).await?;
    let caseworker: i64 =
        sqlx::query_scalar("SELECT id FROM users WHERE email = 'caseworker@example.org'")
            .fetch_one(db.pool())
            .await?;
    let today = app::status::store::today();
    let now = app::platform::db::unix_now();
    let mut tx = db.pool().begin().await?;
    for i in 0..cases {
        let public_id = app::ids::token(12);
        let child: i64 = sqlx::query_scalar(
            "INSERT INTO children (public_id, first_name, last_name, date_of_birth, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(&public_id)
        .bind(format!("Child{i}"))
        .bind(format!("Bench{}", i % 97))
        .bind(format!(
            "20{:02}-{:02}-{:02}",
            8 + i % 15,
            1 + i % 12,
            1 + i % 28
        ))
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let stage = Stage::ALL[i % 6];
        let deadline = app::status::timeline::add_days(today, (i as i64 * 7919) % 730 - 365).iso();
        sqlx::query(
            "INSERT INTO cases (child_id, reference, caseworker_id, stage, requested_on, next_deadline, urgency, version, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $6, 1, $7)",
        )
        .bind(child)
        .bind(format!("SEN-B{i:07}"))
        .bind((i % 3 == 0).then_some(caseworker))
        .bind(stage.as_str())
        .bind(today.iso())
        .bind(deadline)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    // As the database's own maintenance (autovacuum) would soon after a load like this.
    sqlx::query("ANALYZE").execute(db.pool()).await?;
    db.pool().close().await;
    let client = portal
        .signed_in(
            "caseworker@example.org",
            app::demo::DEMO_PASSWORD,
            "10.255.0.1",
        )
        .await?;
    let mut stats = Stats::default();
    let started = Instant::now();
    // The first few warm the caches, as a running server's are.
    let warm = (loads / 20).max(1);
    for i in 0..loads + warm {
        let t = Instant::now();
        // The dashboard's first page, as the browser asks for it.
        let reply = client
            .get(format!("{}/staff?page=1", portal.base))
            .header("accept", "text/html")
            .send()
            .await?;
        let ok = reply.status().is_success() && reply.text().await?.contains("Child");
        if i >= warm {
            if ok {
                stats.latencies.push(t.elapsed());
            } else {
                stats.errors += 1;
            }
        }
    }
    stats.seconds = started.elapsed().as_secs_f64();
    Ok(stats)
}

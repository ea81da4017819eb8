//! Timeline and memories latency on a server-sized library: ten users, one of whom shows a
//! partner's timeline in their own, photos spread over twenty years. Times the queries the
//! gallery makes on every Photos page load — the months with counts, one month's photos, and
//! "on this day" — through the same functions the API calls.
//!
//! `cargo run --release -p shoebox-db --example timeline_bench -- 100000 1000000`
//! needs SHOEBOX_TEST_DATABASE_URL (a maintenance database on a Postgres with pgvector); it works
//! in a database of its own and drops it at the end (SHOEBOX_BENCH_KEEP=1 keeps it).

use std::time::{Duration, Instant};

use anyhow::Context;
use chrono::{Datelike, NaiveDate};
use shoebox_db::assets::{self, TimelineFilter};
use sqlx::PgPool;
use uuid::Uuid;

const USERS: i64 = 10;
const RUNS: usize = 100;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

/// Runs `query` RUNS times (after one warm-up) and prints its p50 and p95.
async fn time<F, Fut, T>(label: &str, mut query: F) -> anyhow::Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = sqlx::Result<T>>,
{
    let result = query().await?;
    let mut took = Vec::with_capacity(RUNS);
    for _ in 0..RUNS {
        let started = Instant::now();
        query().await?;
        took.push(started.elapsed());
    }
    took.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!("  {label:<52} p50 {:>7.2} ms   p95 {:>7.2} ms", ms(percentile(&took, 0.5)), ms(percentile(&took, 0.95)));
    Ok(result)
}

/// Ten users and `rows` photos among them, dated over 2005–2024; user 1 shows user 2's timeline.
async fn seed(pool: &PgPool, rows: i64) -> anyhow::Result<Vec<Uuid>> {
    sqlx::query("TRUNCATE users CASCADE").execute(pool).await?;
    let users: Vec<Uuid> = (0..USERS).map(|_| Uuid::new_v4()).collect();
    sqlx::query(
        "INSERT INTO users (id, email, name, password_hash)
         SELECT id, 'user' || n || '@example.com', 'User ' || n, 'x' FROM unnest($1::uuid[]) WITH ORDINALITY AS u(id, n)",
    )
    .bind(&users)
    .execute(pool)
    .await?;
    let started = Instant::now();
    // In chunks, so one statement's memory stays small on the 1M run.
    let chunk = 100_000;
    let mut done = 0;
    while done < rows {
        let end = (done + chunk).min(rows);
        sqlx::query(
            "INSERT INTO assets (id, owner_id, checksum, type, original_path, original_file_name, original_mime_type,
                                 file_size_bytes, file_created_at, file_modified_at, local_date_time, visibility)
             SELECT gen_random_uuid(), ($1::uuid[])[1 + i % $4], sha256(i::text::bytea), 'IMAGE', 'bench/' || i,
                    'IMG_' || i || '.jpg', 'image/jpeg', 3000000, t, t, t,
                    CASE WHEN i % 50 = 0 THEN 'archive' ELSE 'timeline' END
             FROM generate_series($2::bigint, $3::bigint - 1) AS i,
                  LATERAL (SELECT timestamptz '2005-01-01 00:00:00+00'
                                  + ((i * 7919) % (20 * 365 * 86400)) * interval '1 second' AS t) AS taken",
        )
        .bind(&users)
        .bind(done)
        .bind(end)
        .bind(USERS)
        .execute(pool)
        .await?;
        done = end;
    }
    sqlx::query("INSERT INTO partners (shared_by_id, shared_with_id, in_timeline) VALUES ($1, $2, true)")
        .bind(users[1])
        .bind(users[0])
        .execute(pool)
        .await?;
    // Steady state, as autovacuum leaves a server: statistics and the visibility map current.
    sqlx::query("VACUUM ANALYZE").execute(pool).await?;
    println!("# {rows} photos among {USERS} users, seeded in {:.1} s", started.elapsed().as_secs_f64());
    Ok(users)
}

async fn bench(pool: &PgPool, rows: i64) -> anyhow::Result<()> {
    let users = seed(pool, rows).await?;
    let viewer = users[0];
    let own = TimelineFilter::default();
    let with_partner = TimelineFilter { with_partners: true, ..TimelineFilter::default() };
    let buckets = time("months with counts (own timeline)", || assets::time_buckets(pool, viewer, &own)).await?;
    time("months with counts (with a partner's)", || assets::time_buckets(pool, viewer, &with_partner)).await?;
    let busiest = buckets.iter().max_by_key(|bucket| bucket.count).context("no months")?;
    let month = NaiveDate::parse_from_str(&busiest.time_bucket, "%Y-%m-%d")?;
    let label = format!("one month's photos ({} of them, with a partner's)", busiest.count);
    time(&label, || assets::time_bucket_assets(pool, viewer, month, &with_partner)).await?;
    let today = chrono::Utc::now().date_naive();
    let memories = time("on this day", || {
        shoebox_db::memories::on_this_day(pool, viewer, today.month(), today.day(), today.year())
    })
    .await?;
    println!("  ({} memories today)", memories.len());
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sizes: Vec<i64> =
        std::env::args().skip(1).map(|a| a.parse().context("sizes are numbers")).collect::<Result<_, _>>()?;
    let sizes = if sizes.is_empty() { vec![100_000, 1_000_000] } else { sizes };
    let url = shoebox_db::testing::fresh_database().await?;
    let pool = shoebox_db::connect(&url, 2).await?;
    let server: String = sqlx::query_scalar("SHOW server_version").fetch_one(&pool).await?;
    println!("# timeline latency: PostgreSQL {server}, {RUNS} runs per query after a warm-up");
    let result = async {
        for rows in sizes {
            bench(&pool, rows).await?;
        }
        anyhow::Ok(())
    }
    .await;
    pool.close().await;
    // SHOEBOX_BENCH_KEEP=1 keeps the database, to look at query plans afterwards.
    if std::env::var_os("SHOEBOX_BENCH_KEEP").is_some() {
        println!("# kept {url}");
    } else {
        shoebox_db::testing::drop_database(&url).await?;
    }
    result
}

//! Smart-search latency with pgvector's HNSW index: builds tables of synthetic 512-d embeddings
//! (clustered like photo libraries are, not uniform noise), times the index build, then times
//! nearest-neighbour queries as smart search runs them (cosine, `ef_search` 100, a page of 100)
//! and checks their recall against exact search.
//!
//! `cargo run --release -p shoebox-db --example search_bench -- 100000 1000000`
//! needs SHOEBOX_TEST_DATABASE_URL (a maintenance database on a Postgres with pgvector); it works
//! in a database of its own and drops it at the end.

use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::{Connection, Executor, PgConnection};

const DIMENSION: usize = 512;
const CLUSTERS: i64 = 1000;
const QUERIES: usize = 200;
const RECALL_QUERIES: usize = 10;
const PAGE: i64 = 100;
const CHUNK: i64 = 50_000;

/// A small deterministic generator for query noise (no dependency needed for a benchmark).
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> f32 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 40) as f32 / (1u64 << 24) as f32 - 0.5
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

async fn bench(conn: &mut PgConnection, rows: i64) -> anyhow::Result<()> {
    conn.execute("DROP TABLE IF EXISTS items").await?;
    conn.execute(sqlx::AssertSqlSafe(format!(
        "CREATE TABLE items (id bigint PRIMARY KEY, embedding vector({DIMENSION}) NOT NULL)"
    )))
    .await?;
    let started = Instant::now();
    let mut random = XorShift(0x0dd_ba11 ^ rows as u64);
    let centres: Vec<Vec<f32>> = (0..CLUSTERS).map(|_| (0..DIMENSION).map(|_| random.next()).collect()).collect();
    let mut done = 0;
    while done < rows {
        let end = (done + CHUNK).min(rows);
        // Binary COPY: the fastest way in; each vector is its cluster's centre plus noise.
        let mut copy = conn.copy_in_raw("COPY items (id, embedding) FROM STDIN (FORMAT binary)").await?;
        let mut buffer = Vec::with_capacity(((end - done) as usize) * (DIMENSION * 4 + 24) + 32);
        buffer.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        buffer.extend_from_slice(&0i32.to_be_bytes());
        buffer.extend_from_slice(&0i32.to_be_bytes());
        for id in done..end {
            let centre = &centres[(id % CLUSTERS) as usize];
            buffer.extend_from_slice(&2i16.to_be_bytes());
            buffer.extend_from_slice(&8i32.to_be_bytes());
            buffer.extend_from_slice(&id.to_be_bytes());
            buffer.extend_from_slice(&((4 + DIMENSION * 4) as i32).to_be_bytes());
            buffer.extend_from_slice(&(DIMENSION as i16).to_be_bytes());
            buffer.extend_from_slice(&0i16.to_be_bytes());
            for value in centre {
                buffer.extend_from_slice(&(value + random.next() * 0.4).to_be_bytes());
            }
        }
        buffer.extend_from_slice(&(-1i16).to_be_bytes());
        copy.send(buffer).await?;
        copy.finish().await?;
        done = end;
        eprintln!("  {rows}: {done} rows inserted ({:.0} s)", started.elapsed().as_secs_f64());
    }
    let insert_time = started.elapsed();
    conn.execute("VACUUM ANALYZE items").await?;

    let started = Instant::now();
    conn.execute("CREATE INDEX items_embedding ON items USING hnsw (embedding vector_cosine_ops)").await?;
    let build_time = started.elapsed();
    let size: String =
        sqlx::query_scalar("SELECT pg_size_pretty(pg_relation_size('items_embedding'))").fetch_one(&mut *conn).await?;
    let table_size: String =
        sqlx::query_scalar("SELECT pg_size_pretty(pg_table_size('items'))").fetch_one(&mut *conn).await?;

    // Queries: stored vectors with noise, so each has true near neighbours.
    let mut random = XorShift(0x5eed_1234_abcd_0001 ^ rows as u64);
    let mut queries = Vec::with_capacity(QUERIES);
    for q in 0..QUERIES as i64 {
        let id = (q * 7919 + 17) % rows;
        let text: String = sqlx::query_scalar("SELECT embedding::text FROM items WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
        let noisy: Vec<f32> =
            shoebox_db::vector::from_text(&text).into_iter().map(|x| x + random.next() * 0.2).collect();
        queries.push(shoebox_db::vector::to_text(&noisy));
    }
    conn.execute("SET hnsw.ef_search = 100").await?;
    let search = "SELECT id FROM items ORDER BY embedding <=> $1::vector LIMIT $2";
    // Warm the cache the way a running server's would be.
    for query in queries.iter().take(20) {
        sqlx::query_scalar::<_, i64>(search).bind(query).bind(PAGE).fetch_all(&mut *conn).await?;
    }
    let mut times = Vec::with_capacity(QUERIES);
    let mut approximate = Vec::with_capacity(RECALL_QUERIES);
    for (i, query) in queries.iter().enumerate() {
        let started = Instant::now();
        let ids: Vec<i64> = sqlx::query_scalar(search).bind(query).bind(PAGE).fetch_all(&mut *conn).await?;
        times.push(started.elapsed());
        if i < RECALL_QUERIES {
            approximate.push(ids);
        }
    }
    times.sort();
    let explain: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("EXPLAIN {search}")))
        .bind(&queries[0])
        .bind(PAGE)
        .fetch_all(&mut *conn)
        .await?;
    anyhow::ensure!(explain.iter().any(|line| line.contains("items_embedding")), "the index was not used: {explain:?}");

    // Recall against an exact scan.
    conn.execute("SET enable_indexscan = off").await?;
    let mut found = 0;
    let mut exact_times = Vec::new();
    for (query, ids) in queries.iter().zip(&approximate) {
        let started = Instant::now();
        let exact: Vec<i64> = sqlx::query_scalar(search).bind(query).bind(PAGE).fetch_all(&mut *conn).await?;
        exact_times.push(started.elapsed());
        found += exact.iter().filter(|id| ids.contains(id)).count();
    }
    conn.execute("RESET enable_indexscan").await?;
    exact_times.sort();
    let recall = found as f64 / (RECALL_QUERIES as f64 * PAGE as f64);

    println!(
        "{rows} vectors x {DIMENSION}: insert {:.0} s, HNSW build {:.0} s (index {size}, table {table_size}); \
         top-{PAGE} query p50 {} p95 {} (max {}), recall@{PAGE} {:.3}; exact scan p50 {}",
        insert_time.as_secs_f64(),
        build_time.as_secs_f64(),
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.95)),
        ms(*times.last().unwrap()),
        recall,
        ms(percentile(&exact_times, 0.5)),
    );
    Ok(())
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let sizes: Vec<i64> =
        std::env::args().skip(1).map(|a| a.parse().context("sizes are numbers")).collect::<Result<_, _>>()?;
    let sizes = if sizes.is_empty() { vec![100_000, 1_000_000] } else { sizes };
    let admin_url = std::env::var(shoebox_db::testing::TEST_DATABASE_URL)
        .context("SHOEBOX_TEST_DATABASE_URL must name a maintenance database on Postgres with pgvector")?;
    let name = format!("search_bench_{}", std::process::id());
    let mut admin = PgConnection::connect(&admin_url).await?;
    admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await?;
    let (base, _) = admin_url.rsplit_once('/').context("database URL has no database name")?;
    let result = async {
        let mut conn = PgConnection::connect(&format!("{base}/{name}")).await?;
        conn.execute("CREATE EXTENSION IF NOT EXISTS vector").await?;
        // Room and both cores for the index build, as an operator would give a one-off build.
        conn.execute("SET maintenance_work_mem = '4GB'").await?;
        conn.execute("SET max_parallel_maintenance_workers = 2").await?;
        let version: String =
            sqlx::query_scalar("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetch_one(&mut conn).await?;
        let server: String = sqlx::query_scalar("SHOW server_version").fetch_one(&mut conn).await?;
        println!("# smart-search latency: PostgreSQL {server}, pgvector {version}, HNSW m=16 ef_construction=64, ef_search=100");
        for rows in sizes {
            bench(&mut conn, rows).await?;
        }
        anyhow::Ok(())
    }
    .await;
    admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await?;
    result
}

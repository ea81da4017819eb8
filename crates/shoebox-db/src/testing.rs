//! Helpers for integration tests: each test gets a database of its own on the real server that
//! `deploy/local/test` starts, so tests run in parallel without seeing each other's rows.

use anyhow::Context;
use sqlx::{Connection, Executor, PgConnection};

/// Environment variable naming the test cluster's maintenance database.
pub const TEST_DATABASE_URL: &str = "SHOEBOX_TEST_DATABASE_URL";

/// Creates an empty, migrated database and returns its URL.
pub async fn fresh_database() -> anyhow::Result<String> {
    let url = empty_database().await?;
    let pool = crate::connect(&url, 2).await?;
    crate::migrate(&pool).await?;
    pool.close().await;
    Ok(url)
}

/// Creates a database without any schema (as a fresh installation starts) and returns its URL.
pub async fn empty_database() -> anyhow::Result<String> {
    let admin_url = std::env::var(TEST_DATABASE_URL).with_context(|| {
        format!("{TEST_DATABASE_URL} is not set: run the tests through deploy/local/test, which starts Postgres")
    })?;
    let name = format!("test_{}", uuid::Uuid::new_v4().simple());
    let mut admin = PgConnection::connect(&admin_url).await.context("connecting to the test Postgres")?;
    admin.execute(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).await?;
    let (base, _) = admin_url.rsplit_once('/').context("test database URL has no database name")?;
    Ok(format!("{base}/{name}"))
}

/// Drops a database [`fresh_database`] made (benchmarks clean up after themselves).
pub async fn drop_database(url: &str) -> anyhow::Result<()> {
    let admin_url = std::env::var(TEST_DATABASE_URL).with_context(|| format!("{TEST_DATABASE_URL} is not set"))?;
    let (_, name) = url.rsplit_once('/').context("database URL has no database name")?;
    let mut admin = PgConnection::connect(&admin_url).await?;
    admin.execute(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))).await?;
    Ok(())
}

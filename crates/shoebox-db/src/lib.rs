//! PostgreSQL access for Shoebox: the migration runner over `migrations/` and one repository
//! module per domain. Every query that touches a user's data filters by owner, so a foreign id
//! and a missing id look the same to callers.

pub mod activities;
pub mod albums;
pub mod api_keys;
pub mod assets;
pub mod downloads;
pub mod duplicates;
pub mod exif;
pub mod export;
pub mod faces;
pub mod integrity;
pub mod labels;
pub mod libraries;
pub mod locked_folder;
pub mod maintenance;
pub mod memories;
pub mod ocr;
mod memory_store;
pub mod notifications;
pub mod partners;
pub mod people;
pub mod pipeline;
pub mod places;
pub mod search;
pub mod sessions;
pub mod shared_links;
pub mod smart_search;
pub mod stacks;
pub mod stats;
pub mod stored_files;
pub mod sync;
pub mod tags;
pub mod testing;
pub mod users;
pub mod vector;

use std::time::Duration;

pub use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};

/// Opens a connection pool to `url`.
pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<PgPool> {
    let options: PgConnectOptions = url.parse()?;
    let pool = PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(10))
        .connect_with(options)
        .await?;
    Ok(pool)
}

/// Brings the schema up to date; safe to run from several processes at once (sqlx takes a lock).
pub async fn migrate(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::migrate!("../../migrations").run(pool).await?;
    Ok(())
}

/// Whether `err` is a violation of a unique constraint.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

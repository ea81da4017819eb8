//! `shoebox-worker`: drains Shoebox's Redis job queues and writes results back to Postgres and
//! storage. Many workers on many machines may share one Redis.
//!
//! For now it connects to both services and stays up, so deployments can run it; the
//! pipeline steps (metadata, thumbnails, video) are added queue by queue.

use anyhow::Context;
use shoebox_core::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    tracing_subscriber::fmt().with_env_filter(EnvFilter::try_new(&config.log_filter)?).init();
    let db = shoebox_db::connect(&config.database_url, 5)
        .await
        .context("cannot connect to PostgreSQL (check SHOEBOX_DATABASE_URL)")?;
    let queues = shoebox_queue::JobQueues::connect(&config.redis_url, &config.redis_namespace)
        .await
        .context("cannot connect to Redis (check SHOEBOX_REDIS_URL)")?;
    tracing::info!(namespace = queues.namespace(), "worker connected to PostgreSQL and Redis");
    tokio::signal::ctrl_c().await?;
    db.close().await;
    tracing::info!("worker stopped");
    Ok(())
}

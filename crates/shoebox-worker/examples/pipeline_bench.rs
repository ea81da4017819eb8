//! Pipeline benchmark: photos per hour through upload → metadata → thumbnails on this machine.
//!
//! Starts a server in this process and one release `shoebox-worker` process against the
//! Postgres and Redis that `deploy/local/bench` starts, uploads N (default 40) generated
//! 12-megapixel JPEGs over HTTP, and times until every photo has its thumbnails.
//! Run through `deploy/local/bench`, which sets the environment this reads.

use std::io::Cursor;
use std::time::{Duration, Instant};

use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use shoebox_core::Config;

const WIDTH: u32 = 4000;
const HEIGHT: u32 = 3000;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt().with_env_filter("warn").init();
    let count: usize = std::env::args().nth(1).map_or(Ok(40), |n| n.parse())?;
    let worker_bin = std::env::var("SHOEBOX_WORKER_BIN")?;
    let mut config = Config::from_lookup(|_| None)?;
    let data_dir = tempfile::tempdir()?;
    config.database_url = shoebox_db::testing::fresh_database().await?;
    config.redis_url = std::env::var("SHOEBOX_TEST_REDIS_URL")?;
    config.redis_namespace = format!("bench-{}", uuid::Uuid::new_v4().simple());
    config.data_dir = data_dir.path().to_owned();
    config.log_filter = "warn".into();

    println!("generating {count} JPEGs of {WIDTH}×{HEIGHT}");
    let photos: Vec<Vec<u8>> = (0..count).map(photo).collect();
    let mb = photos.iter().map(Vec::len).sum::<usize>() as f64 / count as f64 / 1e6;
    println!("average size {mb:.1} MB");

    let (app, ctx) = shoebox_server::build(config.clone()).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/api", listener.local_addr()?);
    tokio::spawn(shoebox_server::serve(listener, app, std::future::pending()));
    let http = reqwest::Client::new();
    let credentials = json!({ "email": "bench@example.com", "name": "Bench", "password": "benchmark password" });
    http.post(format!("{url}/auth/admin-sign-up")).json(&credentials).send().await?.error_for_status()?;
    let login: Value = http.post(format!("{url}/auth/login")).json(&credentials).send().await?.json().await?;
    let token = login["accessToken"].as_str().unwrap_or_default().to_owned();

    let worker = std::process::Command::new(worker_bin)
        .env("SHOEBOX_DATABASE_URL", &config.database_url)
        .env("SHOEBOX_REDIS_URL", &config.redis_url)
        .env("SHOEBOX_REDIS_NAMESPACE", &config.redis_namespace)
        .env("SHOEBOX_DATA_DIR", &config.data_dir)
        .env("SHOEBOX_LOG", "warn")
        .spawn()?;
    let _worker = KillOnDrop(worker);

    let start = Instant::now();
    for (i, bytes) in photos.into_iter().enumerate() {
        let form = Form::new()
            .part("assetData", Part::bytes(bytes).file_name(format!("photo-{i}.jpg")))
            .text("fileCreatedAt", "2024-01-01T00:00:00Z")
            .text("fileModifiedAt", "2024-01-01T00:00:00Z");
        http.post(format!("{url}/assets")).bearer_auth(&token).multipart(form).send().await?.error_for_status()?;
    }
    let uploaded = start.elapsed();
    loop {
        let done: i64 =
            sqlx::query_scalar("SELECT count(*) FROM asset_job_status WHERE thumbnails_generated_at IS NOT NULL")
                .fetch_one(&ctx.db)
                .await?;
        let failed: i64 = sqlx::query_scalar("SELECT count(*) FROM asset_job_failures").fetch_one(&ctx.db).await?;
        anyhow::ensure!(failed == 0, "{failed} jobs failed");
        if done as usize == count {
            break;
        }
        anyhow::ensure!(start.elapsed() < Duration::from_secs(1800), "timed out with {done}/{count} done");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let total = start.elapsed();
    println!(
        "uploaded {count} photos in {:.1} s ({:.1} photos/s over HTTP)",
        uploaded.as_secs_f64(),
        count as f64 / uploaded.as_secs_f64()
    );
    println!(
        "upload → metadata → thumbnails: {count} photos in {:.1} s = {:.0} photos/hour ({} cores, one worker, default concurrency)",
        total.as_secs_f64(),
        count as f64 / total.as_secs_f64() * 3600.0,
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    Ok(())
}

/// A photographic-looking 12 MP JPEG: smooth gradients with noise, so it compresses like a photo.
fn photo(seed: usize) -> Vec<u8> {
    let mut state = seed as u32 * 2_654_435_761 + 1;
    let image = image::RgbImage::from_fn(WIDTH, HEIGHT, |x, y| {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let noise = (state % 24) as i32 - 12;
        let channel = |base: u32| (base as i32 + noise).clamp(0, 255) as u8;
        image::Rgb([
            channel(x * 255 / WIDTH),
            channel(y * 255 / HEIGHT),
            channel(((x + y) / 30 + seed as u32 * 40) % 256),
        ])
    });
    let mut out = Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(&image).expect("encode");
    out.into_inner()
}

/// Stops the worker however the benchmark ends.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

//! Moving a library between backends and sweeping orphans, with the real tools: a populated
//! library on local disk is migrated to S3 (the first run killed with SIGKILL midway, the second
//! resuming), served from there, migrated back to another folder, and served again, every
//! original with its SHA-1 and every derived file intact. Then the sweep finds a stray file.

use crate::common;

use std::process::Stdio;
use std::time::{Duration, Instant};

use common::{Stack, jpeg, worker_command};
use reqwest::StatusCode;
use sha1::{Digest, Sha1};
use shoebox_core::Config;
use shoebox_core::config::StorageLocation;

const LIMIT: Duration = Duration::from_secs(300);

/// A PNG of noise: large (about 36 MB) and incompressible, so its copy takes a while.
fn noise_png(width: u32, height: u32) -> Vec<u8> {
    let mut state = 0x2545_F491_u32;
    let pixels: Vec<u8> = (0..width * height * 3)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_compression(png::Compression::Fast);
    encoder.write_header().unwrap().write_image_data(&pixels).unwrap();
    out
}

async fn copies(stack: &Stack) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM storage_copies").fetch_one(&stack.ctx.db).await.unwrap()
}

/// Runs `shoebox-worker ARGS` with `config`'s settings to its end; returns its output.
fn run_tool(config: &Config, args: &[&str]) -> String {
    let output = worker_command(config).args(args).output().unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "shoebox-worker {args:?} failed:\n{text}");
    text
}

/// What a user sees through a server at `url`: every asset's original (its SHA-1 checked against
/// the one recorded at upload), thumbnail and preview, the video's playback and the person's crop.
async fn everything_is_served(stack: &Stack, url: &str, person: &str) {
    let rows: Vec<(uuid::Uuid, Vec<u8>)> =
        sqlx::query_as("SELECT id, checksum FROM assets").fetch_all(&stack.ctx.db).await.unwrap();
    let get = |path: String| stack.http.get(format!("{url}/api{path}")).bearer_auth(&stack.token).send();
    for (id, checksum) in &rows {
        let original = get(format!("/assets/{id}/original")).await.unwrap();
        assert_eq!(original.status(), StatusCode::OK, "original of {id} through {url}");
        let bytes = original.bytes().await.unwrap();
        assert_eq!(Sha1::digest(&bytes).to_vec(), *checksum, "the SHA-1 of {id}'s original is unchanged");
        for size in ["thumbnail", "preview"] {
            let response = get(format!("/assets/{id}/thumbnail?size={size}")).await.unwrap();
            assert_eq!(response.status(), StatusCode::OK, "{size} of {id} through {url}");
        }
    }
    let crop = get(format!("/people/{person}/thumbnail")).await.unwrap();
    assert_eq!(crop.status(), StatusCode::OK, "the person's crop through {url}");
}

#[tokio::test]
async fn a_library_moves_to_s3_and_back_intact_though_the_first_move_is_killed() {
    let (mut config, data_dir) = common::test_config(&common::Options::default(), true).await;
    // Starts on local disk whatever SHOEBOX_TEST_STORAGE says.
    config.storage = None;
    config.storage_derived = None;
    let mut stack = Stack::serve(config.clone(), data_dir, Vec::new()).await;
    stack.install_models();
    for fixture in ["photos/obama.jpg", "photos/obama2.jpg", "photos/obama3.jpg", "photos/pug.heic", "video/bikes.mp4"] {
        stack.upload_fixture(fixture).await;
    }
    for seed in 0..12 {
        stack.upload_bytes(&format!("small-{seed}.jpg"), jpeg(200 + seed)).await;
    }
    stack.upload_bytes("noise.png", noise_png(4000, 3000)).await;
    let total: i64 = sqlx::query_scalar("SELECT count(*) FROM assets").fetch_one(&stack.ctx.db).await.unwrap();
    stack.start_worker();
    stack.wait_for(total, 0, LIMIT).await;
    stack.wait_count("SELECT count(*) FROM people WHERE thumbnail_path IS NOT NULL", 1, LIMIT).await;
    let person: uuid::Uuid =
        sqlx::query_scalar("SELECT id FROM people LIMIT 1").fetch_one(&stack.ctx.db).await.unwrap();
    let person = person.to_string();
    everything_is_served(&stack, &stack.url, &person).await;

    // Disk → S3, killed once midway.
    let (bucket, s3) = shoebox_storage::testing::test_bucket();
    let in_s3 = StorageLocation::S3 { bucket, prefix: format!("moved-{}", uuid::Uuid::new_v4().simple()) };
    let mut with_keys = config.clone();
    with_keys.s3 = s3;
    let to_s3 = in_s3.to_string();
    let mut first = worker_command(&with_keys)
        .args(["storage", "migrate", "--to", &to_s3])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while copies(&stack).await < 1 {
        assert!(start.elapsed() < LIMIT, "the migration copied nothing");
        assert!(first.try_wait().unwrap().is_none(), "the migration ended before it was killed");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill().unwrap();
    first.wait().unwrap();
    // A record the killed run had already sent is still committed by Postgres: let it land.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let named: i64 = sqlx::query_scalar(
        "SELECT (SELECT count(*) FROM assets) + (SELECT count(*) FROM asset_files) + (SELECT count(*) FROM people WHERE thumbnail_path IS NOT NULL)",
    )
    .fetch_one(&stack.ctx.db)
    .await
    .unwrap();
    let after_kill = copies(&stack).await;
    assert!(after_kill < named, "killed midway: {after_kill} of {named} files copied");

    let report = run_tool(&with_keys, &["storage", "migrate", "--to", &to_s3]);
    assert!(report.contains("failed the check: 0"), "{report}");
    assert!(report.contains("missing at the source: 0"), "{report}");
    assert!(report.contains(&format!("files named by the database: {named}")), "{report}");
    assert_eq!(copies(&stack).await, named, "every file is recorded as copied and checked");
    // The resumed run took up exactly what the killed one had not recorded: copies in flight at
    // the kill (found complete and checked) and the rest.
    let count = |label: &str| -> i64 {
        report.lines().find_map(|line| line.strip_prefix(label)?.split(' ').next()?.parse().ok()).unwrap()
    };
    let (copied, already) = (count("copied and checked: "), count("already at the destination: "));
    assert_eq!(copied + already, named - after_kill, "{report}");
    assert!(copied > 0, "the kill came before the end\n{report}");

    let mut on_s3 = with_keys.clone();
    on_s3.storage = Some(in_s3.clone());
    let s3_server_dir = tempfile::tempdir().unwrap();
    on_s3.data_dir = s3_server_dir.path().to_owned();
    let s3_server = stack.server_for(on_s3.clone()).await;
    everything_is_served(&stack, &s3_server, &person).await;

    // S3 → another folder on disk.
    let back = tempfile::tempdir().unwrap();
    let on_disk = StorageLocation::Local(back.path().to_owned());
    let report = run_tool(&on_s3, &["storage", "migrate", "--to", &on_disk.to_string()]);
    assert!(report.contains("failed the check: 0"), "{report}");
    let mut local_again = config.clone();
    local_again.data_dir = back.path().to_owned();
    let disk_server = stack.server_for(local_again.clone()).await;
    everything_is_served(&stack, &disk_server, &person).await;

    // The sweep: a stray original (an upload whose row was never committed) and a young one.
    let owner: uuid::Uuid = sqlx::query_scalar("SELECT id FROM users LIMIT 1").fetch_one(&stack.ctx.db).await.unwrap();
    let stray = back.path().join(format!("upload/{owner}/ff/ff/ffffffff-0000-4000-8000-000000000000.jpg"));
    std::fs::create_dir_all(stray.parent().unwrap()).unwrap();
    std::fs::write(&stray, jpeg(1)).unwrap();
    let two_hours_ago = std::time::SystemTime::now() - Duration::from_secs(7200);
    std::fs::File::options().write(true).open(&stray).unwrap().set_modified(two_hours_ago).unwrap();
    let young = stray.with_file_name("ffffffff-0000-4000-8000-000000000001.jpg");
    std::fs::write(&young, jpeg(2)).unwrap();

    let dry = run_tool(&local_again, &["storage", "sweep"]);
    assert!(dry.contains("named by no row: 1"), "{dry}");
    assert!(dry.contains("ffffffff-0000-4000-8000-000000000000.jpg"), "{dry}");
    assert!(dry.contains("left alone as too young: 1"), "{dry}");
    assert!(dry.contains("removed: 0") && stray.exists(), "a dry run removes nothing:\n{dry}");
    let swept = run_tool(&local_again, &["storage", "sweep", "--delete"]);
    assert!(swept.contains("removed: 1"), "{swept}");
    assert!(!stray.exists() && young.exists());
    everything_is_served(&stack, &disk_server, &person).await;
}

//! Workers on other machines share only Postgres, Redis and the bucket with the server: each has
//! a data folder of its own (models, scratch space) and reaches originals and derived files
//! through S3 alone. Two such workers process a mixed batch, one is killed with SIGKILL midway,
//! and the other finishes it.

use crate::common;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::{Stack, free_port, install_models_into, jpeg, metric, scrape, wait_until_up};
use reqwest::StatusCode;
use shoebox_core::config::StorageLocation;

const LIMIT: Duration = Duration::from_secs(300);

/// Every file under `dir`.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    walk(dir).into_iter().filter(|path| path.is_file()).collect()
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.flatten().flat_map(|entry| [vec![entry.path()], walk(&entry.path())].concat()).collect()
}

/// Library files on a local disk: anything in the layout's folders.
fn library_files(dir: &Path) -> Vec<PathBuf> {
    ["upload", "thumbs", "encoded-video"].iter().flat_map(|folder| files_under(&dir.join(folder))).collect()
}

async fn jobs_done(http: &reqwest::Client, port: u16) -> f64 {
    scrape(http, port).await.map_or(0.0, |text| metric(&text, "shoebox_jobs_total", &["outcome=\"done\""]))
}

#[tokio::test]
async fn two_workers_with_only_the_bucket_in_common_finish_a_mixed_batch_though_one_is_killed() {
    let (mut config, server_dir) = common::test_config(&common::Options::default(), true).await;
    // On S3 whatever SHOEBOX_TEST_STORAGE says: the point is that no disk is shared.
    let (bucket, s3) = shoebox_storage::testing::test_bucket();
    config.s3 = s3;
    config.storage = Some(StorageLocation::S3 { bucket, prefix: format!("workers-{}", uuid::Uuid::new_v4().simple()) });
    config.storage_derived = None;
    let mut stack = Stack::serve(config, server_dir, Vec::new()).await;

    // Each worker machine: its own folder with its own copy of the models, nothing else.
    let machines: Vec<tempfile::TempDir> = (0..2).map(|_| tempfile::tempdir().unwrap()).collect();
    let mut ports = Vec::new();
    for machine in &machines {
        install_models_into(&machine.path().join("models"));
        let port = free_port();
        let (data, models) = (machine.path().to_str().unwrap(), machine.path().join("models"));
        let address = format!("127.0.0.1:{port}");
        stack.start_worker_with(
            &[
                ("SHOEBOX_DATA_DIR", Some(data)),
                ("SHOEBOX_MODELS_DIR", Some(models.to_str().unwrap())),
                // Bounded scratch space: 32 MiB of downloaded originals at once.
                ("SHOEBOX_SCRATCH_MAX_BYTES", Some("33554432")),
                ("SHOEBOX_WORKER_METRICS_ADDRESS", Some(&address)),
            ],
            None,
        );
        wait_until_up(&stack.http, port).await;
        ports.push(port);
    }

    let mut photos = Vec::new();
    for fixture in ["photos/starfish.jpg", "photos/pug.heic", "photos/obama.jpg", "photos/obama2.jpg", "photos/obama3.jpg"] {
        photos.push(stack.upload_fixture(fixture).await);
    }
    let hevc = stack.upload_fixture("video/generated/hevc_1280x720.mp4").await;
    let bikes = stack.upload_fixture("video/bikes.mp4").await;
    for seed in 0..16 {
        photos.push(stack.upload_bytes(&format!("batch-{seed}.jpg"), jpeg(100 + seed)).await);
    }
    let all: Vec<&String> = photos.iter().chain([&hevc, &bikes]).collect();

    // Both take part before one dies.
    let start = Instant::now();
    while jobs_done(&stack.http, ports[0]).await < 1.0 || jobs_done(&stack.http, ports[1]).await < 1.0 {
        assert!(start.elapsed() < LIMIT, "both workers never took a job");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (done, _) = stack.progress().await;
    assert!(done < all.len() as i64, "the batch is still under way when the worker is killed ({done} done)");
    stack.kill_worker(0);

    let total = all.len() as i64;
    stack.wait_for(total, 0, LIMIT).await;
    stack.wait_video(&hevc).await;
    stack
        .wait_count("SELECT count(*) FROM asset_job_status WHERE facial_recognition_at IS NOT NULL", total, LIMIT)
        .await;
    stack.wait_count("SELECT count(*) FROM smart_search", total, LIMIT).await;
    let (_, failed) = stack.progress().await;
    assert_eq!(failed, 0, "no step failed");

    for id in &all {
        for size in ["thumbnail", "preview"] {
            let response = stack.get(&format!("/assets/{id}/thumbnail?size={size}")).await;
            assert_eq!(response.status(), StatusCode::OK, "{size} of {id}");
            assert!(!response.bytes().await.unwrap().is_empty());
        }
    }
    let playback = stack.get(&format!("/assets/{hevc}/video/playback")).await;
    assert_eq!(playback.status(), StatusCode::OK);
    assert_eq!(playback.headers()["content-type"], "video/mp4", "the worker's H.264 copy, read back from S3");
    let people = stack.get_json("/people").await;
    let person = people["people"].as_array().unwrap().first().expect("the three Obama photos became a person").clone();
    let thumbnail = stack.get(&format!("/people/{}/thumbnail", person["id"].as_str().unwrap())).await;
    assert_eq!(thumbnail.status(), StatusCode::OK, "the face crop, written by a worker to S3");

    assert!(jobs_done(&stack.http, ports[1]).await > 0.0);
    for dir in [stack.data_dir.path(), machines[0].path(), machines[1].path()] {
        assert_eq!(library_files(dir), Vec::<PathBuf>::new(), "no library file on a local disk in {}", dir.display());
    }
    let survivor_scratch: Vec<_> =
        files_under(&machines[1].path().join("tmp")).into_iter().filter(|path| !path.starts_with(machines[1].path().join("models"))).collect();
    assert!(survivor_scratch.is_empty(), "every downloaded copy was removed: {survivor_scratch:?}");
}

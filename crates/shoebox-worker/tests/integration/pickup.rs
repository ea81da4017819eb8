//! Jobs start when they arrive, not at the worker's next heartbeat, and a batch spreads over
//! every worker on the Redis. The workers here beat once a minute, so a pick-up tied to the
//! heartbeat would take up to a minute per step; the bounds below are far from that and far
//! above what a loaded test machine needs.

use crate::common;

use std::time::{Duration, Instant};

use common::{Stack, free_port, jpeg, metric, scrape, wait_until_up};
use reqwest::StatusCode;

const SLOW_HEARTBEAT: &str = "60";
/// Upload to served thumbnail through two queues (metadata, thumbnails) with idle workers.
const PICK_UP_BOUND: Duration = Duration::from_secs(10);

#[tokio::test]
async fn an_idle_worker_starts_a_new_photo_at_once_whatever_its_heartbeat() {
    let mut stack = Stack::start(false).await;
    let port = free_port();
    let address = format!("127.0.0.1:{port}");
    stack.start_worker_with(
        &[("SHOEBOX_WORKER_HEARTBEAT_SECS", Some(SLOW_HEARTBEAT)), ("SHOEBOX_WORKER_METRICS_ADDRESS", Some(&address))],
        None,
    );
    wait_until_up(&stack.http, port).await;
    // Past the worker's first look at its (empty) queues: from here only a wake or a beat helps.
    tokio::time::sleep(Duration::from_millis(500)).await;

    for round in 0..3 {
        let started = Instant::now();
        let id = stack.upload_bytes(&format!("new-{round}.jpg"), jpeg(round)).await;
        loop {
            let response = stack.get(&format!("/assets/{id}/thumbnail")).await;
            if response.status() == StatusCode::OK {
                break;
            }
            assert!(
                started.elapsed() < PICK_UP_BOUND,
                "photo {round}: no thumbnail {PICK_UP_BOUND:?} after the upload (heartbeat {SLOW_HEARTBEAT} s)"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // Idle again before the next photo, as when photos come one by one from a phone.
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

#[tokio::test]
async fn two_workers_on_one_redis_both_take_jobs_from_one_batch() {
    let mut stack = Stack::start(false).await;
    let ports = [free_port(), free_port()];
    for port in ports {
        let address = format!("127.0.0.1:{port}");
        stack.start_worker_with(
            &[
                ("SHOEBOX_WORKER_HEARTBEAT_SECS", Some(SLOW_HEARTBEAT)),
                ("SHOEBOX_WORKER_METRICS_ADDRESS", Some(&address)),
                // One job at a time each: a worker with a job in hand leaves the next to the other.
                ("SHOEBOX_CPU_BUDGET", Some("1")),
                ("SHOEBOX_CONCURRENCY_THUMBNAILS", Some("1")),
            ],
            None,
        );
        wait_until_up(&stack.http, port).await;
    }
    const PHOTOS: u32 = 24;
    for seed in 0..PHOTOS {
        stack.upload_bytes(&format!("batch-{seed}.jpg"), jpeg(1000 + seed)).await;
    }
    stack.wait_for(PHOTOS as i64, 0, Duration::from_secs(60)).await;

    // The whole batch at once, as an admin re-running thumbnails queues it.
    stack.start_job("thumbnailGeneration", true).await;

    let done = ["queue=\"thumbnailGeneration\"", "outcome=\"done\""];
    let start = Instant::now();
    let per_worker = loop {
        let mut counts = Vec::new();
        for port in ports {
            let text = scrape(&stack.http, port).await.expect("the worker's metrics answer");
            counts.push(metric(&text, "shoebox_jobs_total", &done));
        }
        if counts.iter().sum::<f64>() >= f64::from(2 * PHOTOS) {
            break counts;
        }
        assert!(start.elapsed() < Duration::from_secs(60), "thumbnail jobs done per worker so far: {counts:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(per_worker.iter().all(|&count| count > 0.0), "each worker must take part: {per_worker:?}");

    // The rest of what an operator scrapes: durations by queue, queue depth, the CPU budget.
    let text = [scrape(&stack.http, ports[0]).await.unwrap(), scrape(&stack.http, ports[1]).await.unwrap()].concat();
    assert_eq!(
        metric(&text, "shoebox_job_duration_seconds_count", &["queue=\"metadataExtraction\""]),
        f64::from(PHOTOS),
        "job durations by queue:\n{text}"
    );
    assert!(text.contains("shoebox_job_duration_seconds_bucket{"), "durations as a histogram:\n{text}");
    assert!(text.contains("shoebox_queue_jobs{"), "queue depth:\n{text}");
    assert_eq!(metric(&text, "shoebox_cpu_budget", &[]), 2.0, "one share on each worker:\n{text}");
}

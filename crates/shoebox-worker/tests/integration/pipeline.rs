//! Upload → metadata → thumbnails → video, end to end through real worker processes.

use crate::common;

use std::time::{Duration, Instant};

use crate::socketio::SocketIoClient;
use common::{Stack, jpeg};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn short_side(bytes: &[u8]) -> (u32, u32) {
    let image = image::load_from_memory(bytes).expect("a decodable image");
    (image.width(), image.height())
}

#[tokio::test]
async fn real_photos_and_videos_become_browsable() {
    let mut stack = Stack::start(true).await;
    let starfish = stack.upload_fixture("photos/starfish.jpg").await;
    let pug = stack.upload_fixture("photos/pug.heic").await;
    let obama = stack.upload_fixture("photos/obama.jpg").await;
    let sony = stack.upload_fixture("photos/piexif/r_sony.jpg").await;
    let astronaut = stack.upload_fixture("photos/astronaut.png").await;
    let bikes = stack.upload_fixture("video/bikes.mp4").await;
    let hevc = stack.upload_fixture("video/generated/hevc_1280x720.mp4").await;
    stack.start_worker();
    stack.wait_for(7, 0, Duration::from_secs(240)).await;

    let info = stack.get_json(&format!("/assets/{starfish}")).await;
    assert_eq!(info["hasMetadata"], true);
    assert_eq!((info["width"].as_i64(), info["height"].as_i64()), (Some(1278), Some(720)));
    assert_eq!(info["localDateTime"], "2013-05-10T15:21:35.000Z", "EXIF date without offset");
    let exif: (
        Option<String>,
        Option<String>,
        Option<f64>,
        Option<f64>,
        Option<String>,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
        "SELECT make, model, latitude, longitude, city, state, country FROM exif WHERE asset_id = $1::uuid",
    )
    .bind(&starfish)
    .fetch_one(&stack.ctx.db)
    .await
    .unwrap();
    assert_eq!(exif.0.as_deref(), Some("Nokia"));
    assert_eq!(exif.1.as_deref(), Some("Lumia 820"));
    assert!((exif.2.unwrap() - 55.038_756).abs() < 1e-5 && (exif.3.unwrap() - 8.457_191).abs() < 1e-5);
    assert_eq!(
        (exif.4.as_deref(), exif.5.as_deref(), exif.6.as_deref()),
        (Some("List"), Some("Schleswig-Holstein"), Some("Germany"))
    );

    let (city, country, offset): (Option<String>, Option<String>, Option<String>) =
        sqlx::query_as("SELECT city, country, time_zone FROM exif WHERE asset_id = $1::uuid")
            .bind(&pug)
            .fetch_one(&stack.ctx.db)
            .await
            .unwrap();
    assert_eq!((city.as_deref(), country.as_deref()), (Some("Sudak"), Some("Ukraine")));
    assert_eq!(offset.as_deref(), Some("UTC+03:00"));
    let pug_info = stack.get_json(&format!("/assets/{pug}")).await;
    assert_eq!(pug_info["localDateTime"], "2023-02-21T14:33:08.000Z");
    assert_eq!(pug_info["fileCreatedAt"], "2023-02-21T11:33:08.000Z", "the offset makes the instant");

    for (id, make) in [(&obama, "Canon"), (&sony, "SONY")] {
        let stored: Option<String> = sqlx::query_scalar("SELECT make FROM exif WHERE asset_id = $1::uuid")
            .bind(id)
            .fetch_one(&stack.ctx.db)
            .await
            .unwrap();
        assert_eq!(stored.as_deref(), Some(make));
    }

    // Thumbnails: WebP 250 px and JPEG preview on the short side, never enlarged.
    for id in [&starfish, &pug, &obama, &astronaut, &bikes, &hevc] {
        let thumb = stack.get(&format!("/assets/{id}/thumbnail")).await;
        assert_eq!(thumb.status(), StatusCode::OK);
        assert_eq!(thumb.headers()["content-type"], "image/webp");
        let (w, h) = short_side(&thumb.bytes().await.unwrap());
        assert_eq!(w.min(h), 250, "thumbnail of {id} is {w}x{h}");
        let preview = stack.get(&format!("/assets/{id}/thumbnail?size=preview")).await;
        assert_eq!(preview.headers()["content-type"], "image/jpeg");
        let (pw, ph) = short_side(&preview.bytes().await.unwrap());
        let info = stack.get_json(&format!("/assets/{id}")).await;
        let (ow, oh) = (info["width"].as_u64().unwrap() as u32, info["height"].as_u64().unwrap() as u32);
        assert_eq!(pw.min(ph), ow.min(oh).min(1440), "preview of {id}: {pw}x{ph} from {ow}x{oh}");
        assert!(info["thumbhash"].as_str().is_some_and(|t| !t.is_empty()));
    }
    let pug_dims = stack.get_json(&format!("/assets/{pug}")).await;
    assert_eq!((pug_dims["width"].as_i64(), pug_dims["height"].as_i64()), (Some(4032), Some(3024)));

    // Videos: duration and codec; HEVC gets a playable H.264 copy, H.264 plays as it is.
    let (codec, duration): (Option<String>, Option<i64>) = sqlx::query_as(
        "SELECT e.codec, a.duration_ms FROM exif e JOIN assets a ON a.id = e.asset_id WHERE a.id = $1::uuid",
    )
    .bind(&bikes)
    .fetch_one(&stack.ctx.db)
    .await
    .unwrap();
    assert_eq!(codec.as_deref(), Some("h264"));
    assert!((9_900..=10_100).contains(&duration.unwrap()), "bikes.mp4 lasts 10 s, got {duration:?}");
    stack.wait_video(&hevc).await;
    let playback = stack.get(&format!("/assets/{hevc}/video/playback")).await;
    assert_eq!(playback.status(), StatusCode::OK);
    assert_eq!(playback.headers()["content-type"], "video/mp4");
    let transcoded = playback.bytes().await.unwrap();
    let original = std::fs::read(common::fixtures().join("video/generated/hevc_1280x720.mp4")).unwrap();
    assert_ne!(transcoded.as_ref(), original.as_slice(), "HEVC is re-encoded");
    let plays_as_is = stack.get(&format!("/assets/{bikes}/video/playback")).await;
    assert_eq!(plays_as_is.headers()["content-type"], "video/mp4");
    let image_playback = stack.get(&format!("/assets/{starfish}/video/playback")).await;
    assert_eq!(image_playback.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn bad_files_fail_their_own_jobs_and_the_worker_goes_on() {
    let mut stack = Stack::start(false).await;
    let good = jpeg(1);
    let truncated = good[..good.len() / 3].to_vec();
    let truncated_id = stack.upload_bytes("truncated.jpg", truncated).await;
    let bomb_id = stack.upload_bytes("bomb.png", png_bomb(30_000, 30_000)).await;
    // Files that the upload check refuses can still reach the worker (a disk error, a file
    // replaced behind Shoebox's back): overwrite stored originals with an empty and a text file.
    let empty_id = stack.upload_bytes("empty.jpg", jpeg(2)).await;
    let text_id = stack.upload_bytes("notes.jpg", jpeg(3)).await;
    for (id, bytes) in [(&empty_id, Vec::new()), (&text_id, b"this is not a photo".to_vec())] {
        let key: String = sqlx::query_scalar("SELECT original_path FROM assets WHERE id = $1::uuid")
            .bind(id)
            .fetch_one(&stack.ctx.db)
            .await
            .unwrap();
        let key = shoebox_storage::Key::parse(key).unwrap();
        stack.ctx.storage.put(&key, bytes, shoebox_storage::WriteMode::Replace).await.unwrap();
    }
    let fine = stack.upload_bytes("fine.jpg", jpeg(4)).await;
    stack.start_worker();
    stack.wait_for(1, 4, Duration::from_secs(120)).await;

    let failures = stack.get_json("/jobs/thumbnailGeneration/failures").await;
    let metadata_failures = stack.get_json("/jobs/metadataExtraction/failures").await;
    let all: Vec<&Value> = failures.as_array().unwrap().iter().chain(metadata_failures.as_array().unwrap()).collect();
    for id in [&truncated_id, &bomb_id, &empty_id, &text_id] {
        let failure =
            all.iter().find(|f| f["assetId"] == id.as_str()).unwrap_or_else(|| panic!("no failure for {id}: {all:?}"));
        assert!(!failure["reason"].as_str().unwrap().is_empty());
    }
    assert!(all.iter().all(|f| f["transient"] == false), "a bad file is a permanent failure: {all:?}");
    let bomb = all.iter().find(|f| f["assetId"] == bomb_id.as_str()).unwrap();
    assert!(bomb["reason"].as_str().unwrap().contains("30000"), "{bomb}");
    assert_eq!(stack.get(&format!("/assets/{fine}/thumbnail")).await.status(), StatusCode::OK);

    let jobs = stack.get_json("/jobs").await;
    let failed = jobs["thumbnailGeneration"]["jobCounts"]["failed"].as_i64().unwrap()
        + jobs["metadataExtraction"]["jobCounts"]["failed"].as_i64().unwrap();
    assert_eq!(failed, 4);
    assert_eq!(jobs["library"]["jobCounts"]["waiting"], 0, "queues Shoebox lacks report zeros");

    let cleared = stack
        .http
        .put(stack.api("/jobs/thumbnailGeneration"))
        .bearer_auth(&stack.token)
        .json(&json!({ "command": "clear-failed" }))
        .send()
        .await
        .unwrap();
    assert_eq!(cleared.status(), StatusCode::OK);
    let after: Value = cleared.json().await.unwrap();
    assert_eq!(after["jobCounts"]["failed"], 0);
}

/// A PNG that claims `width`×`height` pixels but compresses to a few kilobytes.
fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Grayscale);
        encoder.set_depth(png::BitDepth::One);
        encoder.set_compression(png::Compression::High);
        let mut writer = encoder.write_header().unwrap();
        let mut stream = writer.stream_writer().unwrap();
        let row = vec![0u8; width.div_ceil(8) as usize];
        for _ in 0..height {
            std::io::Write::write_all(&mut stream, &row).unwrap();
        }
        stream.finish().unwrap();
    }
    out
}

#[tokio::test]
async fn a_killed_worker_loses_no_jobs() {
    let mut stack = Stack::start(false).await;
    for seed in 0..50 {
        stack.upload_bytes(&format!("photo-{seed}.jpg"), jpeg(seed + 100)).await;
    }
    let first = stack.start_worker();
    stack.wait_for(5, 0, Duration::from_secs(120)).await;
    stack.kill_worker(first);
    let (done_when_killed, _) = stack.progress().await;
    assert!(done_when_killed < 50, "the worker finished before it could be killed; make the batch bigger");
    stack.start_worker();
    // Orphaned jobs return after four missed one-second heartbeats.
    stack.wait_for(50, 0, Duration::from_secs(120)).await;
    // (Without models installed, the ML steps wait for them; that is not a failure.)
    let failures: i64 = sqlx::query_scalar("SELECT count(*) FROM asset_job_failures WHERE NOT waiting_for_model")
        .fetch_one(&stack.ctx.db)
        .await
        .unwrap();
    assert_eq!(failures, 0);

    // Finished jobs leave nothing behind in Redis once vacuumed (workers do it every minute).
    // A job is acknowledged to Redis just after its step commits, so allow the last acks a moment.
    let client = redis::Client::open(stack.config.redis_url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let mut leftovers: Vec<String> = Vec::new();
    for _ in 0..20 {
        for &queue in shoebox_core::jobs::Queue::ALL {
            stack.ctx.queues.vacuum(queue).await.unwrap();
        }
        leftovers = redis::cmd("KEYS")
            .arg(format!("{}:*:meta:*", stack.config.redis_namespace))
            .query_async(&mut conn)
            .await
            .unwrap();
        if leftovers.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert!(
        leftovers.is_empty(),
        "{} finished-job records left: {:?}",
        leftovers.len(),
        &leftovers[..leftovers.len().min(3)]
    );
    let data: u64 = redis::cmd("HLEN")
        .arg(
            stack
                .ctx
                .queues
                .storage::<shoebox_core::jobs::AssetJob>(shoebox_core::jobs::Queue::Thumbnails)
                .get_config()
                .job_data_hash(),
        )
        .query_async(&mut conn)
        .await
        .unwrap();
    assert_eq!(data, 0);
}

#[tokio::test]
async fn queue_missing_rebuilds_lost_jobs_from_postgres() {
    let mut stack = Stack::start(false).await;
    for seed in 0..20 {
        stack.upload_bytes(&format!("photo-{seed}.jpg"), jpeg(seed + 500)).await;
    }
    // Lose every queued job of this installation.
    let client = redis::Client::open(stack.config.redis_url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> =
        redis::cmd("KEYS").arg(format!("{}:*", stack.config.redis_namespace)).query_async(&mut conn).await.unwrap();
    assert!(!keys.is_empty());
    redis::cmd("DEL").arg(&keys).query_async::<()>(&mut conn).await.unwrap();
    assert_eq!(stack.ctx.queues.waiting(shoebox_core::jobs::Queue::Metadata).await.unwrap(), 0);

    // With no worker running, the operator rebuilds the queues from Postgres.
    let printed = stack.worker_cli(&["queue", "missing"]);
    assert!(printed.contains("metadataExtraction: queued 20"), "{printed}");
    assert_eq!(stack.ctx.queues.waiting(shoebox_core::jobs::Queue::Metadata).await.unwrap(), 20);
    stack.start_worker();
    stack.wait_for(20, 0, Duration::from_secs(120)).await;

    // Through the API: "start" without force finds nothing missing.
    stack.start_job("thumbnailGeneration", false).await;
    let queues = stack.get_json("/queues/thumbnailGeneration").await;
    assert_eq!(queues["statistics"]["completed"], 20);
}

#[tokio::test]
async fn pause_holds_jobs_and_live_events_reach_the_owner() {
    let mut stack = Stack::start(false).await;
    let pause = stack
        .http
        .put(stack.api("/jobs/metadataExtraction"))
        .bearer_auth(&stack.token)
        .json(&json!({ "command": "pause" }))
        .send()
        .await
        .unwrap();
    assert_eq!(pause.json::<Value>().await.unwrap()["queueStatus"]["isPaused"], true);

    let mut socket = SocketIoClient::start(&stack.url, &[("authorization", format!("Bearer {}", stack.token))]);
    socket.connected().await;

    let id = stack.upload_bytes("live.jpg", jpeg(7)).await;
    stack.start_worker();
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(stack.progress().await.0, 0, "a paused queue starts nothing");
    let queue = stack.get_json("/queues/metadataExtraction").await;
    assert_eq!(queue["isPaused"], true);

    let resume = stack
        .http
        .put(stack.api("/jobs/metadataExtraction"))
        .bearer_auth(&stack.token)
        .json(&json!({ "command": "resume" }))
        .send()
        .await
        .unwrap();
    assert_eq!(resume.status(), StatusCode::OK);
    let event = socket.event("on_upload_success", Duration::from_secs(60)).await;
    assert_eq!(event.arg()["id"], id.as_str());
    assert!(socket.events("on_upload_success").len() == 1, "{:?}", socket.lines_seen());
    socket.stop().await;
}

async fn exif_written_at(stack: &Stack, asset: &str) -> chrono::DateTime<chrono::Utc> {
    sqlx::query_scalar("SELECT updated_at FROM exif WHERE asset_id = $1::uuid")
        .bind(asset)
        .fetch_one(&stack.ctx.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn hand_corrections_survive_the_metadata_step_running_again() {
    let mut stack = Stack::start(true).await;
    let starfish = stack.upload_fixture("photos/starfish.jpg").await;
    stack.start_worker();
    stack.wait_for(1, 0, Duration::from_secs(120)).await;

    // The photo was taken in List; the user says it was Helsinki, a year later, and describes it.
    let edit = json!({
        "description": "Starfish from the market",
        "dateTimeOriginal": "2014-07-01T12:00:00+03:00",
        "latitude": 60.1699,
        "longitude": 24.9384,
    });
    let edited = stack.http.put(stack.api(&format!("/assets/{starfish}"))).bearer_auth(&stack.token).json(&edit);
    assert_eq!(edited.send().await.unwrap().status(), StatusCode::OK);
    let before = exif_written_at(&stack, &starfish).await;

    stack.start_job("metadataExtraction", true).await;
    let start = Instant::now();
    while exif_written_at(&stack, &starfish).await == before {
        assert!(start.elapsed() < Duration::from_secs(120), "the metadata step never ran again");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    let asset = stack.get_json(&format!("/assets/{starfish}")).await;
    let exif = &asset["exifInfo"];
    assert_eq!(exif["make"], "Nokia", "what the file says is read again");
    assert_eq!(exif["description"], "Starfish from the market");
    assert_eq!(exif["dateTimeOriginal"], "2014-07-01T09:00:00.000Z");
    assert_eq!(asset["localDateTime"], "2014-07-01T12:00:00.000Z");
    assert_eq!((exif["city"].as_str(), exif["country"].as_str()), (Some("Helsinki"), Some("Finland")), "{exif}");
}

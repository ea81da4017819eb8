//! Uploads: stored once per owner however they arrive, handed back byte for byte, queued for
//! the worker, and never half-stored.

use crate::common;

use std::time::Duration;

use common::{TestServer, expect_error, jpeg};
use reqwest::StatusCode;
use serde_json::{Value, json};
use shoebox_core::jobs::Queue;
use tokio::io::AsyncWriteExt;

const WHEN: &str = "2024-06-01T12:00:00.000Z";

#[tokio::test]
async fn upload_dedupe_and_byte_identical_download() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let photo = jpeg(7);

    let id = server.upload_new(&token, "beach.jpg", photo.clone(), WHEN).await;
    assert_eq!(server.ctx.queues.waiting(Queue::Metadata).await.unwrap(), 1, "metadata job queued");

    let again = server.upload(&token, "copy-of-beach.jpg", photo.clone(), WHEN).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<Value>().await.unwrap(), json!({ "id": id, "status": "duplicate" }));
    assert_eq!(server.stored_originals().await.len(), 1);
    assert_eq!(server.ctx.queues.waiting(Queue::Metadata).await.unwrap(), 1, "no second job for a duplicate");

    let info: Value = server.get(&token, &format!("/assets/{id}")).await.json().await.unwrap();
    assert_eq!(info["originalFileName"], "beach.jpg");
    assert_eq!(info["type"], "IMAGE");
    assert_eq!(info["originalMimeType"], "image/jpeg");
    assert_eq!(info["fileCreatedAt"], WHEN);
    assert_eq!(info["isTrashed"], false);

    let original = server.get(&token, &format!("/assets/{id}/original")).await;
    assert_eq!(original.status(), StatusCode::OK);
    assert_eq!(original.headers()["content-type"], "image/jpeg");
    assert!(original.headers()["content-disposition"].to_str().unwrap().contains("beach.jpg"));
    let etag = original.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(original.bytes().await.unwrap().as_ref(), photo.as_slice());

    let ranged = server.get_range(&token, &format!("/assets/{id}/original"), "bytes=10-19").await;
    assert_eq!(ranged.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(ranged.headers()["content-range"], format!("bytes 10-19/{}", photo.len()).as_str());
    assert_eq!(ranged.bytes().await.unwrap().as_ref(), &photo[10..20]);

    let past_end =
        server.get_range(&token, &format!("/assets/{id}/original"), &format!("bytes={}-", photo.len() + 5)).await;
    assert_eq!(past_end.status(), StatusCode::RANGE_NOT_SATISFIABLE);

    let cached = server
        .http
        .get(server.api(&format!("/assets/{id}/original")))
        .bearer_auth(&token)
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn checksum_header_and_bulk_check_find_duplicates_in_hex_and_base64() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let photo = jpeg(3);
    let id = server.upload_new(&token, "a.jpg", photo.clone(), WHEN).await;
    let photo_sha1 = sha1_hex(&photo);

    // The mobile app's base64 form of the same checksum.
    let sha1_b64 = {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(hex::decode(&photo_sha1).unwrap())
    };
    let check = server
        .http
        .post(server.api("/assets/bulk-upload-check"))
        .bearer_auth(&token)
        .json(&json!({ "assets": [
            { "id": "/photos/a.jpg", "checksum": photo_sha1 },
            { "id": "phone-asset-1", "checksum": sha1_b64 },
            { "id": "/photos/new.jpg", "checksum": sha1_hex(&jpeg(4)) },
        ]}))
        .send()
        .await
        .unwrap();
    let results: Value = check.json().await.unwrap();
    assert_eq!(
        results["results"][0],
        json!({ "id": "/photos/a.jpg", "action": "reject", "reason": "duplicate", "assetId": id, "isTrashed": false })
    );
    assert_eq!(results["results"][1]["action"], "reject");
    assert_eq!(results["results"][2], json!({ "id": "/photos/new.jpg", "action": "accept" }));

    // With the checksum announced, the server answers before reading the body.
    let form = reqwest::multipart::Form::new().text("fileCreatedAt", WHEN).text("fileModifiedAt", WHEN);
    let short = server
        .http
        .post(server.api("/assets"))
        .bearer_auth(&token)
        .header("x-immich-checksum", &photo_sha1)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), StatusCode::OK);
    assert_eq!(short.json::<Value>().await.unwrap()["status"], "duplicate");

    let bad = server
        .http
        .post(server.api("/assets/bulk-upload-check"))
        .bearer_auth(&token)
        .json(&json!({ "assets": [{ "id": "x", "checksum": "nope" }] }))
        .send()
        .await
        .unwrap();
    expect_error(bad, StatusCode::BAD_REQUEST).await;
}

fn sha1_hex(bytes: &[u8]) -> String {
    use sha1::Digest;
    hex::encode(sha1::Sha1::digest(bytes))
}

#[tokio::test]
async fn twenty_concurrent_uploads_of_one_file_store_it_once() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let photo = jpeg(42);
    let names: Vec<String> = (0..20).map(|i| format!("same-{i}.jpg")).collect();
    let uploads = names.iter().map(|name| server.upload(&token, name, photo.clone(), WHEN));
    let responses = futures::future::join_all(uploads).await;
    let mut created = 0;
    let mut ids = std::collections::HashSet::new();
    for response in responses {
        match response.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("unexpected status {other}"),
        }
        ids.insert(response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned());
    }
    assert_eq!(created, 1, "exactly one upload creates the asset");
    assert_eq!(ids.len(), 1, "every answer names the same asset");
    assert_eq!(server.asset_rows().await, 1);
    assert_eq!(server.stored_originals().await.len(), 1);
    assert!(server.staging_files().is_empty(), "no staging leftovers: {:?}", server.staging_files());
}

#[tokio::test]
async fn a_cut_off_upload_leaves_no_file_and_no_row() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let photo = jpeg(9);
    let boundary = "shoeboxboundary";
    let mut body = Vec::new();
    for (name, value) in [("fileCreatedAt", WHEN), ("fileModifiedAt", WHEN)] {
        body.extend(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").bytes(),
        );
    }
    body.extend(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"assetData\"; filename=\"cut.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n")
            .bytes(),
    );
    body.extend_from_slice(&photo[..photo.len() / 2]);
    let host = server.url.trim_start_matches("http://");
    let head = format!(
        "POST /api/assets HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: multipart/form-data; boundary={boundary}\r\nContent-Length: {}\r\n\r\n",
        body.len() + 100_000
    );
    let mut socket = tokio::net::TcpStream::connect(host).await.unwrap();
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&body).await.unwrap();
    socket.flush().await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(socket);

    // The server notices the cut and drops the staging file.
    for _ in 0..50 {
        if server.staging_files().is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(server.staging_files().is_empty(), "staging file left behind");
    assert!(server.stored_originals().await.is_empty());
    assert_eq!(server.asset_rows().await, 0);

    // And the same file uploads normally afterwards.
    server.upload_new(&token, "cut.jpg", photo, WHEN).await;
}

#[tokio::test]
async fn bad_uploads_get_clear_json_errors_and_store_nothing() {
    let server = TestServer::start_with(|config| config.max_upload_bytes = 20_000).await;
    let token = server.admin().await;

    let empty = server.upload(&token, "empty.jpg", Vec::new(), WHEN).await;
    assert!(expect_error(empty, StatusCode::BAD_REQUEST).await.contains("empty"));

    let text = server.upload(&token, "notes.jpg", b"these are my notes, not a photo".to_vec(), WHEN).await;
    assert!(expect_error(text, StatusCode::BAD_REQUEST).await.contains("Unsupported file type"));

    let no_file = reqwest::multipart::Form::new().text("fileCreatedAt", WHEN).text("fileModifiedAt", WHEN);
    let no_file = server.http.post(server.api("/assets")).bearer_auth(&token).multipart(no_file).send().await.unwrap();
    assert!(expect_error(no_file, StatusCode::BAD_REQUEST).await.contains("assetData"));

    let no_date =
        reqwest::multipart::Form::new().part("assetData", reqwest::multipart::Part::bytes(jpeg(1)).file_name("a.jpg"));
    let no_date = server.http.post(server.api("/assets")).bearer_auth(&token).multipart(no_date).send().await.unwrap();
    assert!(expect_error(no_date, StatusCode::BAD_REQUEST).await.contains("fileCreatedAt"));

    let json_body =
        server.http.post(server.api("/assets")).bearer_auth(&token).json(&json!({ "file": "x" })).send().await.unwrap();
    expect_error(json_body, StatusCode::BAD_REQUEST).await;

    let huge = server.upload(&token, "huge.jpg", [jpeg(2), vec![0u8; 30_000]].concat(), WHEN).await;
    expect_error(huge, StatusCode::PAYLOAD_TOO_LARGE).await;

    let bad_json = server
        .http
        .post(server.api("/auth/login"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    expect_error(bad_json, StatusCode::BAD_REQUEST).await;
    expect_error(server.get(&token, "/no/such/endpoint").await, StatusCode::NOT_FOUND).await;
    expect_error(server.get(&token, "/assets/not-a-uuid").await, StatusCode::BAD_REQUEST).await;

    assert_eq!(server.asset_rows().await, 0);
    assert!(server.stored_originals().await.is_empty());
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(server.staging_files().is_empty(), "{:?}", server.staging_files());
}

#[tokio::test]
async fn another_users_assets_are_not_found() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    let bob = server.user(&admin, "bob@example.com").await;
    let photo = jpeg(5);
    let id = server.upload_new(&admin, "private.jpg", photo.clone(), WHEN).await;
    // A derived file exists for the owner, so a 404 for Bob can only come from ownership.
    let thumb_key = format!("thumbs/{id}.webp");
    server.store_file(&thumb_key, b"RIFF....WEBP".to_vec()).await;
    shoebox_db::assets::upsert_file(
        &server.ctx.db,
        id.parse().unwrap(),
        shoebox_core::domain::AssetFileKind::Thumbnail,
        &thumb_key,
    )
    .await
    .unwrap();
    assert_eq!(server.get(&admin, &format!("/assets/{id}/thumbnail")).await.status(), StatusCode::OK);

    for path in [format!("/assets/{id}"), format!("/assets/{id}/original"), format!("/assets/{id}/thumbnail")] {
        expect_error(server.get(&bob, &path).await, StatusCode::NOT_FOUND).await;
    }
    let favorite = server
        .http
        .put(server.api(&format!("/assets/{id}")))
        .bearer_auth(&bob)
        .json(&json!({ "isFavorite": true }))
        .send()
        .await
        .unwrap();
    expect_error(favorite, StatusCode::NOT_FOUND).await;

    // Dedupe is per owner: Bob's copy of the same bytes is his own asset.
    let bobs = server.upload_new(&bob, "same.jpg", photo, WHEN).await;
    assert_ne!(bobs, id);
}

#[tokio::test]
async fn a_file_date_of_year_zero_is_refused_with_a_reason() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    for absurd in ["0000-01-01T00:00:00.000Z", "0001-01-01T00:00:00.000Z"] {
        let response = server.upload(&token, "ancient.jpg", jpeg(5), absurd).await;
        let message = expect_error(response, StatusCode::BAD_REQUEST).await;
        assert!(message.contains("fileCreatedAt") && message.contains("1800"), "{absurd}: {message}");
    }
    assert_eq!(server.asset_rows().await, 0);
    assert!(server.staging_files().is_empty(), "{:?}", server.staging_files());
    // A plausible old date still uploads and is found in the timeline.
    server.upload_new(&token, "old.jpg", jpeg(5), "1901-05-01T12:00:00.000Z").await;
    let buckets: Value = server.get(&token, "/timeline/buckets").await.json().await.unwrap();
    assert_eq!(buckets[0]["timeBucket"], "1901-05-01", "{buckets}");
}

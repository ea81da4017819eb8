//! The Immich mobile app's path: log in with email and password, read the sync stream, back up
//! a photo with a base64 checksum, see it in the stream, ack it, and see nothing new after.

use crate::common;

use base64::Engine;
use common::{PASSWORD, TestServer, expect_error, jpeg};
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

const TYPES: [&str; 4] = ["AuthUsersV1", "UsersV1", "AssetsV1", "AssetExifsV1"];

/// Reads one sync stream as the app does; returns its lines.
async fn stream(server: &TestServer, token: &str, body: Value) -> Vec<Value> {
    let response = server
        .http
        .post(server.api("/sync/stream"))
        .header("x-immich-user-token", token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/jsonlines+json");
    let text = response.text().await.unwrap();
    text.lines().map(|line| serde_json::from_str(line).expect("every line is JSON")).collect()
}

fn types_of(lines: &[Value]) -> Vec<&str> {
    lines.iter().map(|line| line["type"].as_str().unwrap()).collect()
}

async fn ack(server: &TestServer, token: &str, lines: &[Value]) {
    let acks: Vec<&Value> = lines.iter().map(|line| &line["ack"]).collect();
    let response = server
        .http
        .post(server.api("/sync/ack"))
        .header("x-immich-user-token", token)
        .json(&json!({ "acks": acks }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
}

/// Uploads like the app: base64 checksum header, device ids, favorite flag.
async fn app_upload(server: &TestServer, token: &str, name: &str, bytes: Vec<u8>) -> (StatusCode, Value) {
    let checksum = base64::engine::general_purpose::STANDARD.encode(Sha1::digest(&bytes));
    let form = Form::new()
        .part("assetData", Part::bytes(bytes).file_name(name.to_owned()))
        .text("deviceAssetId", format!("{name}-device"))
        .text("deviceId", "phone-1")
        .text("fileCreatedAt", "2025-03-04T05:06:07.000Z")
        .text("fileModifiedAt", "2025-03-04T05:06:07.000Z")
        .text("isFavorite", "true")
        .text("duration", "0:00:00.000000");
    let response = server
        .http
        .post(server.api("/assets"))
        .header("x-immich-user-token", token)
        .header("x-immich-checksum", &checksum)
        .multipart(form)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn mobile_app_backs_up_and_syncs_its_timeline() {
    let server = TestServer::start().await;
    server.admin().await;

    // Login screen: discovery, features, config; then the login itself.
    let config: Value = server.http.get(server.api("/server/config")).send().await.unwrap().json().await.unwrap();
    assert_eq!(config["isInitialized"], true);
    let login = server
        .http
        .post(server.api("/auth/login"))
        .json(&json!({ "email": "admin@example.com", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), StatusCode::CREATED);
    let login: Value = login.json().await.unwrap();
    let token = login["accessToken"].as_str().unwrap().to_owned();
    for field in ["userId", "userEmail", "name", "isAdmin", "profileImagePath", "shouldChangePassword", "isOnboarded"] {
        assert!(login.get(field).is_some(), "login response lacks {field}");
    }
    let prefs = server.http.get(server.api("/users/me/preferences")).header("x-immich-user-token", &token).send().await;
    assert_eq!(prefs.unwrap().status(), StatusCode::OK);

    // A fresh phone: the user itself, no assets, then the end marker.
    let first = stream(&server, &token, json!({ "types": TYPES })).await;
    assert_eq!(types_of(&first), ["AuthUserV1", "UserV1", "SyncCompleteV1"]);
    assert_eq!(first[0]["data"]["email"], "admin@example.com");
    assert!(first[0]["ack"].as_str().unwrap().starts_with("AuthUserV1|"));
    ack(&server, &token, &first).await;

    // Back up one photo; a second upload of the same bytes is a duplicate decided by the header.
    let photo = jpeg(42);
    let expected_checksum = base64::engine::general_purpose::STANDARD.encode(Sha1::digest(&photo));
    let (status, created) = app_upload(&server, &token, "IMG_0001.jpg", photo.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let (status, again) = app_upload(&server, &token, "IMG_0001.jpg", photo).await;
    assert_eq!((status, &again["status"]), (StatusCode::OK, &json!("duplicate")));
    assert_eq!(again["id"], created["id"]);

    let second = stream(&server, &token, json!({ "types": TYPES })).await;
    assert_eq!(types_of(&second), ["AssetV1", "SyncCompleteV1"], "{second:#?}");
    let asset = &second[0]["data"];
    assert_eq!(asset["id"], created["id"]);
    assert_eq!(asset["checksum"], expected_checksum.as_str());
    assert_eq!(asset["originalFileName"], "IMG_0001.jpg");
    assert_eq!(asset["isFavorite"], true);
    assert_eq!(asset["type"], "IMAGE");
    assert_eq!(asset["visibility"], "timeline");
    assert_eq!(asset["fileCreatedAt"], "2025-03-04T05:06:07.000Z");
    let update_id = second[0]["ack"].as_str().unwrap().split_once('|').unwrap().1;
    assert_eq!(uuid::Uuid::parse_str(update_id).unwrap().get_version_num(), 7, "update ids are UUIDv7");
    ack(&server, &token, &second).await;

    let acks: Value = server
        .http
        .get(server.api("/sync/ack"))
        .header("x-immich-user-token", &token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(acks.as_array().unwrap().iter().any(|a| a["type"] == "AssetV1" && a["ack"] == second[0]["ack"]));

    // Nothing new after the ack.
    let third = stream(&server, &token, json!({ "types": TYPES })).await;
    assert_eq!(types_of(&third), ["SyncCompleteV1"]);

    // Trash shows as an update with deletedAt; deleting for good as AssetDeleteV1.
    let id = created["id"].as_str().unwrap();
    let trash = server.http.delete(server.api("/assets")).bearer_auth(&token).json(&json!({ "ids": [id] })).send();
    assert_eq!(trash.await.unwrap().status(), StatusCode::NO_CONTENT);
    let fourth = stream(&server, &token, json!({ "types": TYPES })).await;
    assert_eq!(types_of(&fourth), ["AssetV1", "SyncCompleteV1"]);
    assert!(fourth[0]["data"]["deletedAt"].is_string());
    ack(&server, &token, &fourth).await;
    let purge = server
        .http
        .delete(server.api("/assets"))
        .bearer_auth(&token)
        .json(&json!({ "ids": [id], "force": true }))
        .send();
    assert_eq!(purge.await.unwrap().status(), StatusCode::NO_CONTENT);
    let fifth = stream(&server, &token, json!({ "types": TYPES })).await;
    assert_eq!(types_of(&fifth), ["AssetDeleteV1", "SyncCompleteV1"]);
    assert_eq!(fifth[0]["data"]["assetId"], id);

    // `reset` starts over from nothing acknowledged: the user rows come again.
    let reset = stream(&server, &token, json!({ "types": ["AuthUsersV1"], "reset": true })).await;
    assert_eq!(types_of(&reset), ["AuthUserV1", "SyncCompleteV1"]);
}

#[tokio::test]
async fn sync_streams_only_the_callers_assets_and_keeps_acks_per_session() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    let other = server.user(&admin, "other@example.com").await;
    server.upload_new(&admin, "admin.jpg", jpeg(1), "2024-01-01T00:00:00.000Z").await;
    server.upload_new(&other, "other.jpg", jpeg(2), "2024-01-01T00:00:00.000Z").await;

    let lines = stream(&server, &other, json!({ "types": ["AssetsV1"] })).await;
    assert_eq!(types_of(&lines), ["AssetV1", "SyncCompleteV1"]);
    assert_eq!(lines[0]["data"]["originalFileName"], "other.jpg");
    ack(&server, &other, &lines).await;

    // A second phone of the same user has its own session and so its own acks.
    let second_phone = server.login("other@example.com", PASSWORD).await;
    let lines = stream(&server, &second_phone, json!({ "types": ["AssetsV1"] })).await;
    assert_eq!(types_of(&lines), ["AssetV1", "SyncCompleteV1"]);
}

#[tokio::test]
async fn sync_rejects_bad_requests_with_json_errors() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let post = |path: &str, body: Value| {
        server.http.post(server.api(path)).header("x-immich-user-token", &token).json(&body).send()
    };
    expect_error(post("/sync/stream", json!({ "types": ["NoSuchTypeV1"] })).await.unwrap(), StatusCode::BAD_REQUEST)
        .await;
    expect_error(post("/sync/stream", json!({})).await.unwrap(), StatusCode::BAD_REQUEST).await;
    expect_error(post("/sync/ack", json!({ "acks": ["AssetV1"] })).await.unwrap(), StatusCode::BAD_REQUEST).await;
    expect_error(
        post("/sync/ack", json!({ "acks": ["Bogus|0192f1b2-0000-7000-8000-000000000000"] })).await.unwrap(),
        StatusCode::BAD_REQUEST,
    )
    .await;

    // API keys have no session to keep sync state in.
    let (_, key) = server.api_key(&token, &["all"]).await;
    let with_key = server
        .http
        .post(server.api("/sync/stream"))
        .header("x-api-key", &key)
        .json(&json!({ "types": ["AssetsV1"] }))
        .send()
        .await
        .unwrap();
    expect_error(with_key, StatusCode::FORBIDDEN).await;
    let anonymous = server.http.post(server.api("/sync/stream")).json(&json!({ "types": ["AssetsV1"] })).send();
    expect_error(anonymous.await.unwrap(), StatusCode::UNAUTHORIZED).await;
}

/// A row stamped by a transaction that commits late must not fall behind an ack: the stream
/// stops below the oldest writer in flight, and the late row arrives in order afterwards.
#[tokio::test]
async fn a_late_commit_is_never_skipped() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let first = server.upload_new(&token, "first.jpg", jpeg(1), "2024-01-01T00:00:00.000Z").await;
    let lines = stream(&server, &token, json!({ "types": ["AssetsV1"] })).await;
    ack(&server, &token, &lines).await;

    // A slow writer favourites `first` and holds its transaction open…
    let mut slow = server.ctx.db.begin().await.unwrap();
    sqlx::query("UPDATE assets SET is_favorite = true WHERE id = $1::uuid")
        .bind(&first)
        .execute(&mut *slow)
        .await
        .unwrap();
    // …while a later upload commits and a phone syncs.
    let second = server.upload_new(&token, "second.jpg", jpeg(2), "2024-01-01T00:00:00.000Z").await;
    let during = stream(&server, &token, json!({ "types": ["AssetsV1"] })).await;
    assert_eq!(types_of(&during), ["SyncCompleteV1"], "nothing past the writer in flight: {during:#?}");
    ack(&server, &token, &during).await;

    slow.commit().await.unwrap();
    let after = stream(&server, &token, json!({ "types": ["AssetsV1"] })).await;
    assert_eq!(types_of(&after), ["AssetV1", "AssetV1", "SyncCompleteV1"]);
    assert_eq!(after[0]["data"]["id"], first.as_str());
    assert_eq!(after[0]["data"]["isFavorite"], true);
    assert_eq!(after[1]["data"]["id"], second.as_str());
}

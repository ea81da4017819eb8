//! Live events of the pipeline through socket.io, with a real client (python-socketio) on a
//! second server: what Immich's app and web are told once an upload has its thumbnails.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::common::Stack;
use crate::socketio::SocketIoClient;

/// The `Cookie` header the app sends after logging in on `server`: only what `Set-Cookie` set.
async fn login_cookie(stack: &Stack, server: &str) -> String {
    let response = stack
        .http
        .post(format!("{server}/api/auth/login"))
        .json(&json!({ "email": "admin@example.com", "password": "correct horse battery" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let pairs: Vec<String> = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|value| value.to_str().unwrap().split(';').next().unwrap().to_owned())
        .collect();
    pairs.join("; ")
}

async fn thumbnails_made_at(stack: &Stack, asset: &str) -> chrono::DateTime<chrono::Utc> {
    sqlx::query_scalar("SELECT thumbnails_generated_at FROM asset_job_status WHERE asset_id = $1::uuid")
        .bind(asset)
        .fetch_one(&stack.ctx.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_upload_through_one_server_is_announced_on_another_with_the_apps_payloads() {
    let mut stack = Stack::start(false).await;
    let second = stack.second_server().await;
    let mut client = SocketIoClient::start(&second, &[("cookie", login_cookie(&stack, &second).await)]);
    client.connected().await;
    stack.start_worker();

    let id = stack.upload_fixture("photos/starfish.jpg").await;
    let limit = Duration::from_secs(120);
    let success = client.event("on_upload_success", limit).await;
    let received = chrono::Utc::now();
    let v1 = client.event("AssetUploadReadyV1", Duration::from_secs(1)).await;
    let v2 = client.event("AssetUploadReadyV2", Duration::from_secs(1)).await;

    // The event leaves as soon as the worker has made the thumbnails (the pipeline's own time
    // is not measured here).
    let relayed = received - thumbnails_made_at(&stack, &id).await;
    assert!(relayed < chrono::Duration::seconds(1), "on_upload_success came {relayed} after the thumbnails");

    // on_upload_success: the web's AssetResponseDto, as GET /assets/{id} shows it.
    let asset = success.arg();
    let read: Value = stack.get_json(&format!("/assets/{id}")).await;
    for field in ["id", "ownerId", "checksum", "thumbhash", "originalFileName", "type", "visibility", "fileCreatedAt"] {
        assert_eq!(asset[field], read[field], "{field}");
    }
    assert!(asset["thumbhash"].is_string(), "{asset}");
    assert_eq!(asset["exifInfo"]["make"], "Nokia");

    // AssetUploadReadyV1/V2: {asset: SyncAssetV1/V2, exif: SyncAssetExifV1}, every field the
    // app's generated client requires.
    let v1 = v1.arg();
    let v2 = v2.arg();
    for ready in [v1, v2] {
        assert_eq!(ready["asset"]["id"], id.as_str());
        assert_eq!(ready["asset"]["checksum"], read["checksum"]);
        assert_eq!(ready["exif"]["assetId"], id.as_str());
        assert_eq!(ready["exif"]["make"], "Nokia");
        for field in [
            "id",
            "ownerId",
            "originalFileName",
            "thumbhash",
            "checksum",
            "fileCreatedAt",
            "fileModifiedAt",
            "createdAt",
            "localDateTime",
            "duration",
            "type",
            "deletedAt",
            "isFavorite",
            "visibility",
            "livePhotoVideoId",
            "stackId",
            "libraryId",
            "width",
            "height",
            "isEdited",
        ] {
            assert!(ready["asset"].get(field).is_some(), "asset.{field} missing: {ready}");
        }
        for field in [
            "assetId",
            "description",
            "exifImageWidth",
            "exifImageHeight",
            "fileSizeInByte",
            "orientation",
            "dateTimeOriginal",
            "modifyDate",
            "timeZone",
            "latitude",
            "longitude",
            "projectionType",
            "city",
            "state",
            "country",
            "make",
            "model",
            "lensModel",
            "fNumber",
            "focalLength",
            "iso",
            "exposureTime",
            "profileDescription",
            "rating",
            "fps",
        ] {
            assert!(ready["exif"].get(field).is_some(), "exif.{field} missing: {ready}");
        }
    }
    assert!(v1["asset"]["duration"].is_null() && v2["asset"]["duration"].is_null(), "a photo has no duration");
    client.stop().await;
}

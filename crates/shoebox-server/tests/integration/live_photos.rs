//! Live photos as the mobile app uploads them: the motion video first with `visibility=hidden`,
//! then the still naming it in `livePhotoVideoId`. The still stands for both in the timeline.

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

fn bikes() -> Vec<u8> {
    let fixtures = std::env::var("SHOEBOX_FIXTURES_DIR").expect("SHOEBOX_FIXTURES_DIR is set");
    std::fs::read(std::path::Path::new(&fixtures).join("video/bikes.mp4")).unwrap()
}

/// The app's upload form, with extra fields.
async fn upload(server: &TestServer, token: &str, name: &str, bytes: Vec<u8>, extra: &[(&str, String)]) -> Value {
    let mut form = Form::new()
        .part("assetData", Part::bytes(bytes).file_name(name.to_owned()))
        .text("deviceAssetId", format!("{name}-local"))
        .text("deviceId", "phone")
        .text("fileCreatedAt", "2024-06-01T12:00:00.000Z")
        .text("fileModifiedAt", "2024-06-01T12:00:00.000Z")
        .text("isFavorite", "false")
        .text("duration", "0:00:02.000000");
    for (name, value) in extra {
        form = form.text(name.to_string(), value.clone());
    }
    let response = server.http.post(server.api("/assets")).bearer_auth(token).multipart(form).send().await.unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status.is_success() || status.is_client_error(), "{status}: {body}");
    json!({ "status": status.as_u16(), "body": body })
}

async fn timeline(server: &TestServer, token: &str) -> Value {
    server.get(token, "/timeline/bucket?timeBucket=2024-06-01").await.json().await.unwrap()
}

#[tokio::test]
async fn a_still_uploaded_with_its_motion_video_is_one_live_photo() {
    let server = TestServer::start().await;
    let token = server.admin().await;

    let video = upload(&server, &token, "IMG_0001.MP4", bikes(), &[("visibility", "hidden".into())]).await;
    assert_eq!(video["status"], 201, "{video}");
    let video_id = video["body"]["id"].as_str().unwrap().to_owned();
    let still = upload(&server, &token, "IMG_0001.JPG", jpeg(1), &[("livePhotoVideoId", video_id.clone())]).await;
    assert_eq!(still["status"], 201, "{still}");
    let still_id = still["body"]["id"].as_str().unwrap().to_owned();

    let asset: Value = server.get(&token, &format!("/assets/{still_id}")).await.json().await.unwrap();
    assert_eq!(asset["livePhotoVideoId"], video_id.as_str());
    let shown = timeline(&server, &token).await;
    assert_eq!(shown["id"], json!([still_id]), "the motion video is not in the timeline");
    assert_eq!(shown["livePhotoVideoId"], json!([video_id]));
    // The viewer plays the motion part from its own playback URL.
    let playback = server.get(&token, &format!("/assets/{video_id}/video/playback")).await;
    assert_eq!(playback.status(), StatusCode::OK);
    assert_eq!(playback.bytes().await.unwrap(), bikes());

    // Nothing but one's own video can be the motion part.
    let other = server.user(&token, "other@example.com").await;
    let theirs = upload(&server, &other, "x.jpg", jpeg(2), &[("livePhotoVideoId", video_id.clone())]).await;
    assert_eq!(theirs["status"], 400, "{theirs}");
    assert!(theirs["body"]["message"].as_str().unwrap().contains("Live photo video not found"));
    let photo_as_video = upload(&server, &token, "y.jpg", jpeg(3), &[("livePhotoVideoId", still_id.clone())]).await;
    assert_eq!(photo_as_video["status"], 400, "{photo_as_video}");
    assert!(photo_as_video["body"]["message"].as_str().unwrap().contains("must be a video"));
}

#[tokio::test]
async fn a_still_uploaded_before_its_video_is_linked_afterwards() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let still = upload(&server, &token, "IMG_0002.JPG", jpeg(5), &[]).await;
    let still_id = still["body"]["id"].as_str().unwrap().to_owned();
    // Uploaded to the timeline: on its own, it shows.
    let video = upload(&server, &token, "IMG_0002.MP4", bikes(), &[]).await;
    let video_id = video["body"]["id"].as_str().unwrap().to_owned();
    assert_eq!(timeline(&server, &token).await["id"].as_array().unwrap().len(), 2);

    let linked = server
        .send(&token, Method::PUT, &format!("/assets/{still_id}"), Some(json!({ "livePhotoVideoId": video_id })))
        .await;
    assert_eq!(linked.status(), StatusCode::OK);
    assert_eq!(linked.json::<Value>().await.unwrap()["livePhotoVideoId"], video_id.as_str());
    assert_eq!(timeline(&server, &token).await["id"], json!([still_id]));

    // Unlinking gives the video back its own place in the timeline.
    let unlinked = server
        .send(&token, Method::PUT, &format!("/assets/{still_id}"), Some(json!({ "livePhotoVideoId": null })))
        .await;
    assert_eq!(unlinked.json::<Value>().await.unwrap()["livePhotoVideoId"], Value::Null);
    assert_eq!(timeline(&server, &token).await["id"].as_array().unwrap().len(), 2);
    let missing = json!({ "livePhotoVideoId": uuid::Uuid::new_v4() });
    let missing = server.send(&token, Method::PUT, &format!("/assets/{still_id}"), Some(missing)).await;
    expect_error(missing, StatusCode::BAD_REQUEST).await;
}

//! Smart search, near-duplicates and "waiting for model", end to end: uploads go through real
//! worker processes running the test CLIP model on ONNX Runtime, and the server answers searches
//! through the same model's text tower.

use crate::common;

use std::time::Duration;

use common::Stack;
use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

const LIMIT: Duration = Duration::from_secs(240);

/// A photo of one colour, with a little noise so each is a different file.
fn solid_jpeg(rgb: [u8; 3], seed: u32) -> Vec<u8> {
    let image = image::RgbImage::from_fn(400, 300, |x, y| {
        let wobble = ((x * 7 + y * 13 + seed) % 5) as u8;
        image::Rgb(rgb.map(|c| c.saturating_sub(wobble)))
    });
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

async fn upload(stack: &Stack, token: &str, name: &str, bytes: Vec<u8>, taken: &str) -> String {
    let form = Form::new()
        .part("assetData", Part::bytes(bytes).file_name(name.to_owned()))
        .text("fileCreatedAt", taken.to_owned())
        .text("fileModifiedAt", taken.to_owned());
    let response = stack.http.post(stack.api("/assets")).bearer_auth(token).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED, "uploading {name}");
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

async fn smart(stack: &Stack, token: &str, body: Value) -> Vec<String> {
    let response = stack.http.post(stack.api("/search/smart")).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "search {body}");
    let found: Value = response.json().await.unwrap();
    assert_eq!(found["albums"]["items"], json!([]));
    found["assets"]["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect()
}

async fn second_user(stack: &Stack) -> String {
    let created = stack
        .http
        .post(stack.api("/admin/users"))
        .bearer_auth(&stack.token)
        .json(&json!({ "email": "bob@example.com", "name": "Bob", "password": "another long password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let login: Value = stack
        .http
        .post(stack.api("/auth/login"))
        .json(&json!({ "email": "bob@example.com", "password": "another long password" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    login["accessToken"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn search_by_colour_finds_the_owners_photo_and_filters_narrow_it() {
    let mut stack = Stack::start(false).await;
    stack.install_models();
    let token = stack.token.clone();
    let red = upload(&stack, &token, "red.jpg", solid_jpeg([220, 20, 20], 1), "2021-03-01T10:00:00.000Z").await;
    let green = upload(&stack, &token, "green.jpg", solid_jpeg([20, 200, 30], 2), "2022-06-01T10:00:00.000Z").await;
    let blue = upload(&stack, &token, "blue.jpg", solid_jpeg([25, 30, 210], 3), "2023-09-01T10:00:00.000Z").await;
    // The same red photo again, saved differently: a near-duplicate.
    let red_copy =
        upload(&stack, &token, "red-copy.jpg", solid_jpeg([220, 20, 20], 4), "2021-03-01T10:00:01.000Z").await;
    let bob = second_user(&stack).await;
    let bobs_red = upload(&stack, &bob, "bobs-red.jpg", solid_jpeg([230, 10, 10], 5), "2021-01-01T00:00:00.000Z").await;
    stack.start_worker();
    stack.wait_count("SELECT count(*) FROM asset_job_status WHERE duplicates_detected_at IS NOT NULL", 5, LIMIT).await;

    // The column took the model's dimension.
    let (dimension, column): (i32, String) = sqlx::query_as(
        "SELECT m.dimension, format_type(a.atttypid, a.atttypmod) FROM ml_models m, pg_attribute a
         WHERE m.kind = 'clip' AND a.attrelid = 'smart_search'::regclass AND a.attname = 'embedding'",
    )
    .fetch_one(&stack.ctx.db)
    .await
    .unwrap();
    assert_eq!(column, format!("vector({dimension})"));

    for (word, expected) in [("green", &green), ("blue", &blue), ("a photo of something blue", &blue)] {
        let found = smart(&stack, &token, json!({ "query": word })).await;
        assert_eq!(&found[0], expected, "searching {word:?}: {found:?}");
        assert!(!found.contains(&bobs_red), "another user's photo must not appear");
    }
    // The red photo and its copy tie for first.
    let reds = smart(&stack, &token, json!({ "query": "red", "size": 2 })).await;
    assert_eq!(reds.len(), 2);
    assert!(reds.contains(&red) && reds.contains(&red_copy), "{reds:?}");
    let found = smart(&stack, &bob, json!({ "query": "red" })).await;
    assert_eq!(found, vec![bobs_red.clone()], "Bob sees only his own photo");

    // Filters: date range, favourite, type.
    let in_2023 = smart(&stack, &token, json!({ "query": "red", "takenAfter": "2023-01-01T00:00:00.000Z" })).await;
    assert_eq!(in_2023, vec![blue.clone()]);
    let before_2022 =
        smart(&stack, &token, json!({ "query": "blue", "takenBefore": "2021-12-31T00:00:00.000Z" })).await;
    assert_eq!(before_2022.len(), 2);
    assert!(before_2022.contains(&red) && before_2022.contains(&red_copy));
    let favourite = stack
        .http
        .put(stack.api(&format!("/assets/{green}")))
        .bearer_auth(&token)
        .json(&json!({ "isFavorite": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(favourite.status(), StatusCode::OK);
    assert_eq!(smart(&stack, &token, json!({ "query": "red", "isFavorite": true })).await, vec![green.clone()]);
    assert!(smart(&stack, &token, json!({ "query": "red", "type": "VIDEO" })).await.is_empty());
    let page_two: Value = stack
        .http
        .post(stack.api("/search/smart"))
        .bearer_auth(&token)
        .json(&json!({ "query": "red", "size": 3, "page": 2 }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page_two["assets"]["count"], 1, "4 photos in pages of 3");
    assert_eq!(page_two["assets"]["nextPage"], Value::Null);

    // Metadata search by file name.
    let by_name: Value = stack
        .http
        .post(stack.api("/search/metadata"))
        .bearer_auth(&token)
        .json(&json!({ "originalFileName": "GREEN" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_name["assets"]["items"][0]["id"], green.as_str());
    assert_eq!(by_name["assets"]["total"], 1);

    // Near-duplicates: the two reds, and nothing else.
    let groups = stack.get_json("/duplicates").await;
    let groups = groups.as_array().unwrap();
    assert_eq!(groups.len(), 1, "{groups:?}");
    let mut members: Vec<&str> =
        groups[0]["assets"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    members.sort();
    let mut reds = vec![red.as_str(), red_copy.as_str()];
    reds.sort();
    assert_eq!(members, reds);
    let group = groups[0]["duplicateId"].as_str().unwrap().to_owned();
    assert_eq!(stack.get_json(&format!("/assets/{red}")).await["duplicateId"], group.as_str());
    assert_eq!(stack.get_json(&format!("/assets/{green}")).await["duplicateId"], Value::Null);
    let bobs_groups: Value =
        stack.http.get(stack.api("/duplicates")).bearer_auth(&bob).send().await.unwrap().json().await.unwrap();
    assert_eq!(bobs_groups, json!([]));
    let resolved: Value = stack
        .http
        .post(stack.api("/duplicates/resolve"))
        .bearer_auth(&token)
        .json(&json!({ "groups": [{ "duplicateId": group, "keepAssetIds": [red], "trashAssetIds": [red_copy] }] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(resolved, json!([{ "id": group, "success": true }]));
    assert_eq!(stack.get_json("/duplicates").await, json!([]));
    assert_eq!(stack.get_json(&format!("/assets/{red_copy}")).await["isTrashed"], true);
    assert!(
        !smart(&stack, &token, json!({ "query": "red" })).await.contains(&red_copy),
        "trashed assets are not found"
    );
}

#[tokio::test]
async fn ml_jobs_wait_for_their_models_and_finish_once_installed() {
    let mut stack = Stack::start(false).await;
    let token = stack.token.clone();
    let red = upload(&stack, &token, "red.jpg", solid_jpeg([220, 20, 20], 1), "2021-03-01T10:00:00.000Z").await;
    stack.start_worker();

    // Without models the jobs park, visibly, instead of failing.
    stack
        .wait_count(
            "SELECT count(*) FROM asset_job_failures WHERE waiting_for_model AND queue = 'smartSearch'",
            1,
            LIMIT,
        )
        .await;
    stack
        .wait_count(
            "SELECT count(*) FROM asset_job_failures WHERE waiting_for_model AND queue = 'faceDetection'",
            1,
            LIMIT,
        )
        .await;
    let failures = stack.get_json("/jobs/smartSearch/failures").await;
    assert_eq!(failures[0]["assetId"], red.as_str());
    assert_eq!(failures[0]["waitingForModel"], true);
    assert!(failures[0]["reason"].as_str().unwrap().contains("waiting for model"), "{failures}");
    let queue = stack.get_json("/queues/smartSearch").await;
    assert_eq!(queue["statistics"]["delayed"], 1, "{queue}");
    assert_eq!(queue["statistics"]["failed"], 0, "{queue}");
    let search = stack.http.post(stack.api("/search/smart")).bearer_auth(&token).json(&json!({"query": "red"})).send();
    assert_eq!(search.await.unwrap().status(), StatusCode::SERVICE_UNAVAILABLE);

    // The model appears: the parked jobs run without anyone asking.
    stack.install_models();
    stack.wait_count("SELECT count(*) FROM asset_job_status WHERE smart_search_at IS NOT NULL", 1, LIMIT).await;
    stack.wait_count("SELECT count(*) FROM asset_job_status WHERE facial_recognition_at IS NOT NULL", 1, LIMIT).await;
    assert_eq!(stack.get_json("/jobs/smartSearch/failures").await, json!([]));
    assert_eq!(stack.get_json("/jobs/faceDetection/failures").await, json!([]));
    assert_eq!(smart(&stack, &token, json!({ "query": "red" })).await, vec![red]);
}

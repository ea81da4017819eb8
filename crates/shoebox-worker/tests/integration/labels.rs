//! Scenes and things: zero-shot labels from the CLIP model, suggested for a photo and made tags
//! only when its owner accepts them. The test CLIP model knows colour words, so the vocabulary
//! here is colours (and a word it has no meaning for, which must never be suggested).

use crate::common;

use std::time::Duration;

use common::{Options, Stack};
use reqwest::StatusCode;
use serde_json::{Value, json};

const LIMIT: Duration = Duration::from_secs(240);

/// A photo of one colour.
fn solid_jpeg(rgb: [u8; 3]) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(400, 300, image::Rgb(rgb));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

fn labels_of(suggestions: &Value) -> Vec<&str> {
    suggestions.as_array().unwrap().iter().map(|s| s["label"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn a_photo_is_offered_the_labels_it_shows_and_an_accepted_one_becomes_a_tag() {
    let (mut config, data_dir) = common::test_config(&Options::default(), true).await;
    let vocabulary = data_dir.path().join("labels.txt");
    std::fs::write(&vocabulary, "# colours\nRed\nblue\ngreen\nyellow\ndog\n").unwrap();
    config.ml.labels.vocabulary_file = Some(vocabulary);
    let mut stack = Stack::serve(config, data_dir, Vec::new()).await;
    stack.install_models();
    stack.start_worker();
    let red = stack.upload_bytes("red.jpg", solid_jpeg([220, 20, 20])).await;
    let blue = stack.upload_bytes("blue.jpg", solid_jpeg([25, 30, 210])).await;
    stack.wait_count("SELECT count(*) FROM asset_job_status WHERE smart_search_at IS NOT NULL", 2, LIMIT).await;

    let suggested = stack.get_json(&format!("/assets/{red}/labels")).await;
    assert_eq!(labels_of(&suggested).first(), Some(&"red"), "{suggested}");
    assert!(suggested[0]["score"].as_f64().unwrap() > 0.5, "{suggested}");
    assert_eq!(suggested[0]["accepted"], json!(false));
    assert!(!labels_of(&suggested).contains(&"dog"), "{suggested}");
    assert!(!labels_of(&suggested).contains(&"blue"), "{suggested}");
    let blue_suggested = stack.get_json(&format!("/assets/{blue}/labels")).await;
    assert_eq!(labels_of(&blue_suggested).first(), Some(&"blue"), "{blue_suggested}");
    // Each label was embedded once, for this model; "dog" means nothing to it and is not kept.
    let embedded: Vec<String> = sqlx::query_scalar("SELECT label FROM label_embeddings ORDER BY label")
        .fetch_all(&stack.ctx.db)
        .await
        .unwrap();
    assert_eq!(embedded, ["blue", "green", "red", "yellow"]);

    // Suggestions are not tags.
    assert_eq!(stack.get_json("/tags").await, json!([]));

    // Accepting, as the web does: Immich's tag API.
    let tags = stack.http.put(stack.api("/tags")).bearer_auth(&stack.token).json(&json!({ "tags": ["red"] }));
    let tags: Value = tags.send().await.unwrap().json().await.unwrap();
    let tag_id = tags[0]["id"].as_str().unwrap().to_owned();
    let tagged = stack.http.put(stack.api(&format!("/tags/{tag_id}/assets"))).bearer_auth(&stack.token);
    let tagged = tagged.json(&json!({ "ids": [red] })).send().await.unwrap();
    assert_eq!(tagged.status(), StatusCode::OK);
    let suggested = stack.get_json(&format!("/assets/{red}/labels")).await;
    assert_eq!(suggested[0]["label"], "red");
    assert_eq!(suggested[0]["accepted"], json!(true), "{suggested}");
    let found = stack.http.post(stack.api("/search/metadata")).bearer_auth(&stack.token);
    let found: Value = found.json(&json!({ "tagIds": [tag_id] })).send().await.unwrap().json().await.unwrap();
    let ids: Vec<&str> = found["assets"]["items"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [red.as_str()]);

    // The search box completes from the vocabulary.
    assert_eq!(stack.get_json("/search/labels?query=RE").await, json!(["red"]));
    assert_eq!(stack.get_json("/search/labels?query=").await, json!([]));

    // Another user neither sees the photo nor its labels.
    let bob = stack.user("bob.labels@example.com").await;
    let response = stack.http.get(stack.api(&format!("/assets/{red}/labels"))).bearer_auth(&bob).send().await.unwrap();
    assert!(response.status().is_client_error(), "{}", response.status());
    let body: Value = response.json().await.unwrap();
    assert!(body["message"].is_string(), "{body}");
}

//! The words in photos, end to end with the real PP-OCRv5 models: a photographed book page is
//! read by the worker, found by a word in it for its owner only (metadata and smart search), and
//! its lines come back with boxes where the words are; a photo without text has none.

use crate::common;

use std::time::Duration;

use common::Stack;
use reqwest::StatusCode;
use serde_json::{Value, json};

const LIMIT: Duration = Duration::from_secs(300);

/// Asset ids a search as `token` finds.
async fn found(stack: &Stack, token: &str, path: &str, body: Value) -> Vec<String> {
    let response = stack.http.post(stack.api(path)).bearer_auth(token).json(&body).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "POST {path} {body}");
    let body: Value = response.json().await.unwrap();
    body["assets"]["items"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn a_photographed_page_is_found_by_a_word_in_it_for_its_owner_only() {
    let mut stack = Stack::start(false).await;
    stack.install_models();
    stack.install_ocr_model();
    let page = stack.upload_fixture("photos/text/page.png").await;
    let cat = stack.upload_fixture("photos/chelsea.png").await;
    // Bob has a map with words of its own.
    let bob_token = stack.user("bob@example.com").await;
    let map_bytes = std::fs::read(common::fixtures().join("photos/text/baiona_color.jpg")).unwrap();
    let map = stack.upload_bytes_as(&bob_token, "baiona_color.jpg", map_bytes).await;

    stack.start_worker();
    stack.wait_count("SELECT count(*) FROM asset_job_status WHERE ocr_at IS NOT NULL", 3, LIMIT).await;

    // The page's lines, in reading order, with the heading's box at the top left.
    let lines = stack.get_json(&format!("/assets/{page}/ocr")).await;
    let texts: Vec<&str> = lines.as_array().unwrap().iter().map(|line| line["text"].as_str().unwrap()).collect();
    assert_eq!(texts.first().copied(), Some("Region-based segmentation"), "{texts:?}");
    assert!(texts.len() >= 5, "{texts:?}");
    let heading = &lines[0];
    for corner in 1..=4 {
        let (x, y) = (heading[format!("x{corner}")].as_f64().unwrap(), heading[format!("y{corner}")].as_f64().unwrap());
        assert!((0.0..=0.8).contains(&x) && (0.0..=0.35).contains(&y), "corner {corner} at ({x}, {y}): {heading}");
    }
    assert!(heading["textScore"].as_f64().unwrap() > 0.8 && heading["boxScore"].as_f64().unwrap() > 0.5);
    assert_eq!(stack.get_json(&format!("/assets/{cat}/ocr")).await, json!([]), "a cat has nothing to read");

    // Found by a word of it (case and a prefix aside), for its owner only.
    let admin = stack.token.clone();
    assert_eq!(found(&stack, &admin, "/search/metadata", json!({ "ocr": "SEGMENTATION" })).await, [page.clone()]);
    assert_eq!(found(&stack, &admin, "/search/metadata", json!({ "ocr": "region-bas" })).await, [page.clone()]);
    assert_eq!(found(&stack, &admin, "/search/metadata", json!({ "ocr": "segmentation giraffe" })).await, Vec::<String>::new());
    assert_eq!(found(&stack, &bob_token, "/search/metadata", json!({ "ocr": "segmentation" })).await, Vec::<String>::new());
    assert_eq!(found(&stack, &bob_token, "/search/metadata", json!({ "ocr": "baiona" })).await, [map.clone()]);
    assert_eq!(found(&stack, &admin, "/search/metadata", json!({ "ocr": "baiona" })).await, Vec::<String>::new());
    // A word misread by a letter still finds it (the recognizer's slip or the user's), for its
    // owner only; a search for the word's prefix alone stays a prefix search.
    assert_eq!(found(&stack, &admin, "/search/metadata", json!({ "ocr": "segmentatiom" })).await, [page.clone()]);
    assert_eq!(found(&stack, &admin, "/search/metadata", json!({ "ocr": "Regions" })).await, [page.clone()]);
    assert_eq!(found(&stack, &bob_token, "/search/metadata", json!({ "ocr": "segmentatiom" })).await, Vec::<String>::new());
    assert_eq!(found(&stack, &admin, "/search/metadata", json!({ "ocr": "giraffes" })).await, Vec::<String>::new());
    // Inside a smart search too: of the owner's photos nearest "white", only the page has the word.
    assert_eq!(found(&stack, &admin, "/search/smart", json!({ "query": "white", "ocr": "markers" })).await, [page.clone()]);
    // Another user's photo shows them nothing of its text.
    let foreign = stack.http.get(stack.api(&format!("/assets/{page}/ocr"))).bearer_auth(&bob_token).send().await.unwrap();
    assert!(foreign.status().is_client_error(), "{}", foreign.status());
}

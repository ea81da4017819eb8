//! The machine-learning endpoints against Immich's OpenAPI document: search, people, faces and
//! duplicates answer with statuses the spec lists and bodies with every required field, typed as
//! the spec says. Faces and a duplicate group are written through the repositories the worker
//! uses, so no model is needed here.

use crate::common;
use crate::openapi;

use common::{TestServer, jpeg};
use reqwest::Method;
use serde_json::{Value, json};
use shoebox_db::faces::NewFace;
use uuid::Uuid;

use openapi::Spec;

#[tokio::test]
async fn ml_endpoints_match_the_openapi_document() {
    let spec = Spec::load();
    let server = TestServer::start().await;
    let token = server.admin().await;
    let mut failures: Vec<String> = Vec::new();

    macro_rules! call {
        ($method:ident, $template:expr, $path:expr) => {
            call!($method, $template, $path, None::<Value>)
        };
        ($method:ident, $template:expr, $path:expr, $body:expr) => {{
            let path: String = $path.into();
            let mut request = server.http.request(Method::$method, server.api(&path)).bearer_auth(&token);
            if let Some(body) = $body {
                request = request.json(&body);
            }
            let response = request.send().await.unwrap();
            spec.check_response(&Method::$method, $template, response, &mut failures).await
        }};
    }

    // Two photos, one with a detected face, and the pair grouped as near-duplicates.
    let first = server.upload_new(&token, "first.jpg", jpeg(1), "2024-01-01T00:00:00.000Z").await;
    let second = server.upload_new(&token, "second.jpg", jpeg(2), "2024-01-02T00:00:00.000Z").await;
    let (first_id, second_id) = (first.parse::<Uuid>().unwrap(), second.parse::<Uuid>().unwrap());
    let face = NewFace {
        image_width: 64,
        image_height: 48,
        bounding_box: [10, 5, 30, 30],
        score: 0.9,
        embedding: (0..512).map(|i| if i == 0 { 1.0 } else { 0.0 }).collect(),
    };
    let face_id = shoebox_db::faces::replace_detected(&server.ctx.db, first_id, &[face]).await.unwrap()[0];
    shoebox_db::smart_search::prepare(&server.ctx.db, "contract", 2).await.unwrap();
    // Cosine distance 0.005: near-duplicates (≤ 0.01), yet clearly ordered when searching by example
    // (a difference of 1e-4 rounds to a tie in single precision, and ties come back in any order).
    shoebox_db::smart_search::save(&server.ctx.db, first_id, &[1.0, 0.1]).await.unwrap();
    shoebox_db::smart_search::save(&server.ctx.db, second_id, &[1.0, 0.0]).await.unwrap();
    let group = shoebox_db::duplicates::detect(&server.ctx.db, second_id, 0.01).await.unwrap();
    assert!(group.is_some(), "embeddings 0.005 apart are near-duplicates");

    // People and faces.
    let person = call!(POST, "/people", "/people", Some(json!({ "name": "Ada", "birthDate": "1815-12-10" })));
    let person_id = person["id"].as_str().unwrap_or_default().to_owned();
    // As Immich's web tags a face: the person in the path, the face in the body.
    let tagged = call!(PUT, "/faces/{id}", format!("/faces/{person_id}"), Some(json!({ "id": face_id })));
    assert_eq!(tagged["id"], person_id.as_str(), "{tagged}");
    let faces = call!(GET, "/faces", format!("/faces?id={first}"));
    assert_eq!(faces[0]["person"]["id"], person_id.as_str());
    let people = call!(GET, "/people", "/people?withHidden=true");
    assert_eq!(people["total"], 1);
    call!(GET, "/people/{id}", format!("/people/{person_id}"));
    call!(PUT, "/people/{id}", format!("/people/{person_id}"), Some(json!({ "isFavorite": true })));
    call!(PUT, "/people", "/people", Some(json!({ "people": [{ "id": person_id, "isHidden": false }] })));
    let stats = call!(GET, "/people/{id}/statistics", format!("/people/{person_id}/statistics"));
    assert_eq!(stats["assets"], 1);
    let other = call!(POST, "/people", "/people", Some(json!({ "name": "Other" })));
    let other_id = other["id"].as_str().unwrap_or_default().to_owned();
    call!(POST, "/people/{id}/merge", format!("/people/{person_id}/merge"), Some(json!({ "ids": [other_id] })));
    call!(GET, "/search/person", "/search/person?name=ad");

    // Searches.
    let by_person = call!(POST, "/search/metadata", "/search/metadata", Some(json!({ "personIds": [person_id] })));
    assert_eq!(by_person["assets"]["items"][0]["id"], first.as_str());
    call!(POST, "/search/metadata", "/search/metadata", Some(json!({ "size": 1, "order": "asc" })));
    // Smart search by example (by text needs the CLIP model; see shoebox-worker's tests).
    let similar = call!(POST, "/search/smart", "/search/smart", Some(json!({ "queryAssetId": second, "size": 1 })));
    assert_eq!(similar["assets"]["items"][0]["id"], second.as_str());
    assert_eq!(similar["assets"]["nextPage"], "2");
    call!(GET, "/search/suggestions", "/search/suggestions?type=camera-make");
    call!(GET, "/search/cities", "/search/cities");

    // An asset read lists its people; then people are deleted one and many at a time.
    let asset = call!(GET, "/assets/{id}", format!("/assets/{first}"));
    assert_eq!(asset["people"][0]["id"], person_id.as_str(), "{asset}");
    let third = call!(POST, "/people", "/people", Some(json!({ "name": "Third" })));
    let fourth = call!(POST, "/people", "/people", Some(json!({ "name": "Fourth" })));
    // Faces move between people a photo at a time, as the web's "unmerge" does.
    let third_id = third["id"].as_str().unwrap_or_default().to_owned();
    let moved = call!(
        PUT,
        "/people/{id}/reassign",
        format!("/people/{third_id}/reassign"),
        Some(json!({ "data": [{ "assetId": first, "personId": person_id }] }))
    );
    assert_eq!(moved[0]["id"], third_id.as_str(), "{moved}");
    let faces = call!(GET, "/faces", format!("/faces?id={first}"));
    assert_eq!(faces[0]["person"]["id"], third_id.as_str());
    call!(DELETE, "/people/{id}", format!("/people/{}", third["id"].as_str().unwrap()));
    call!(DELETE, "/people", "/people", Some(json!({ "ids": [fourth["id"]] })));
    // "Not this person", then deleting the face.
    call!(DELETE, "/faces/{id}", format!("/faces/{face_id}"), Some(json!({ "force": false })));
    call!(DELETE, "/faces/{id}", format!("/faces/{face_id}"), Some(json!({ "force": true })));
    assert_eq!(call!(GET, "/faces", format!("/faces?id={first}")), json!([]));

    // The words read in a photo, as the OCR step stores them.
    let line = shoebox_db::ocr::NewTextLine {
        corners: [[0.1, 0.2], [0.6, 0.2], [0.6, 0.3], [0.1, 0.3]],
        box_score: 0.9,
        text_score: 0.95,
        text: "Grand Café".into(),
    };
    shoebox_db::ocr::replace(&server.ctx.db, first_id, &[line]).await.unwrap();
    let lines = call!(GET, "/assets/{id}/ocr", format!("/assets/{first}/ocr"));
    assert_eq!((lines[0]["text"].as_str(), lines[0]["x2"].as_f64().map(|x| (x * 10.0).round())), (Some("Grand Café"), Some(6.0)));
    let by_words = call!(POST, "/search/metadata", "/search/metadata", Some(json!({ "ocr": "cafe gra" })));
    assert_eq!(by_words["assets"]["items"][0]["id"], first.as_str(), "{by_words}");

    // Duplicates.
    let groups = call!(GET, "/duplicates", "/duplicates");
    assert_eq!(groups.as_array().map(Vec::len), Some(1));
    let group = group.unwrap();
    call!(
        POST,
        "/duplicates/resolve",
        "/duplicates/resolve",
        Some(json!({ "groups": [{ "duplicateId": group, "keepAssetIds": [first], "trashAssetIds": [second] }] }))
    );

    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
}

//! Faces and people, end to end with the real SCRFD and ArcFace models: photos of one man become
//! one person, a group photo gives one face per person with its box, and people can be renamed,
//! merged and re-clustered through the API.

use crate::common;

use std::time::{Duration, Instant};

use common::Stack;
use reqwest::StatusCode;
use serde_json::{Value, json};

const LIMIT: Duration = Duration::from_secs(300);

async fn faces_of(stack: &Stack, asset: &str) -> Vec<Value> {
    stack.get_json(&format!("/faces?id={asset}")).await.as_array().unwrap().clone()
}

fn person_of(face: &Value) -> Option<String> {
    face["person"]["id"].as_str().map(str::to_owned)
}

/// Waits until the three Obama photos share a person (deferred faces join when the third
/// arrives, in whatever order the jobs ran).
async fn wait_for_one_person(stack: &Stack, assets: &[&String]) -> String {
    let start = Instant::now();
    loop {
        let mut people = Vec::new();
        for asset in assets {
            people.push(faces_of(stack, asset).await.first().and_then(person_of));
        }
        if let Some(Some(first)) = people.first()
            && people.iter().all(|p| p.as_ref() == Some(first))
        {
            return first.clone();
        }
        assert!(start.elapsed() < LIMIT, "the photos never became one person: {people:?}");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

#[tokio::test]
async fn faces_cluster_into_people_that_can_be_named_and_merged() {
    let mut stack = Stack::start(false).await;
    stack.install_models();
    let obama = stack.upload_fixture("photos/obama.jpg").await;
    let obama2 = stack.upload_fixture("photos/obama2.jpg").await;
    let obama3 = stack.upload_fixture("photos/obama3.jpg").await;
    let biden = stack.upload_fixture("photos/biden.jpg").await;
    let gdp = stack.upload_fixture("photos/gdp.jpg").await;
    stack.start_worker();
    stack.wait_count("SELECT count(*) FROM asset_job_status WHERE facial_recognition_at IS NOT NULL", 5, LIMIT).await;

    let obama_person = wait_for_one_person(&stack, &[&obama, &obama2, &obama3]).await;
    for asset in [&obama, &obama2, &obama3, &biden] {
        assert_eq!(faces_of(&stack, asset).await.len(), 1, "one face on {asset}");
    }
    let biden_face = faces_of(&stack, &biden).await.remove(0);
    assert_ne!(person_of(&biden_face), Some(obama_person.clone()), "Biden is not Obama");

    // The group photo: three faces, each box inside the preview and of a plausible size.
    let group = faces_of(&stack, &gdp).await;
    assert_eq!(group.len(), 3, "{group:?}");
    let preview = stack.get(&format!("/assets/{gdp}/thumbnail?size=preview")).await.bytes().await.unwrap();
    let preview = image::load_from_memory(&preview).unwrap();
    for face in &group {
        let (w, h) = (face["imageWidth"].as_i64().unwrap(), face["imageHeight"].as_i64().unwrap());
        assert_eq!((w, h), (preview.width() as i64, preview.height() as i64), "boxes are in the preview's pixels");
        let (x1, y1) = (face["boundingBoxX1"].as_i64().unwrap(), face["boundingBoxY1"].as_i64().unwrap());
        let (x2, y2) = (face["boundingBoxX2"].as_i64().unwrap(), face["boundingBoxY2"].as_i64().unwrap());
        assert!(0 <= x1 && x1 < x2 && x2 <= w && 0 <= y1 && y1 < y2 && y2 <= h, "{face}");
        let side = (x2 - x1).max(y2 - y1);
        assert!(side > w / 40 && side < w / 2, "a face-sized box: {face}");
    }

    // People: Obama is listed with a face crop; rename him.
    let people = stack.get_json("/people").await;
    assert!(people["people"].as_array().unwrap().iter().any(|p| p["id"] == obama_person.as_str()), "{people}");
    let renamed = stack
        .http
        .put(stack.api(&format!("/people/{obama_person}")))
        .bearer_auth(&stack.token)
        .json(&json!({ "name": "Barack Obama", "birthDate": "1961-08-04" }))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), StatusCode::OK);
    let renamed: Value = renamed.json().await.unwrap();
    assert_eq!((renamed["name"].as_str(), renamed["birthDate"].as_str()), (Some("Barack Obama"), Some("1961-08-04")));
    let stats = stack.get_json(&format!("/people/{obama_person}/statistics")).await;
    assert_eq!(stats["assets"], 3);
    let start = Instant::now();
    let thumbnail = loop {
        let response = stack.get(&format!("/people/{obama_person}/thumbnail")).await;
        if response.status() == StatusCode::OK {
            break response.bytes().await.unwrap();
        }
        assert!(start.elapsed() < LIMIT, "no face crop for the person");
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let crop = image::load_from_memory(&thumbnail).unwrap();
    assert_eq!((crop.width(), crop.height()), (250, 250));

    // His photos by person.
    let found: Value = stack
        .http
        .post(stack.api("/search/metadata"))
        .bearer_auth(&stack.token)
        .json(&json!({ "personIds": [obama_person] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found["assets"]["total"], 3, "{found}");
    let buckets = stack.get_json(&format!("/timeline/buckets?personId={obama_person}")).await;
    let in_timeline: i64 = buckets.as_array().unwrap().iter().map(|b| b["count"].as_i64().unwrap()).sum();
    assert_eq!(in_timeline, 3, "the timeline filtered by person: {buckets}");

    // Name a new person after Biden, give him his face (the person in the path, the face in the
    // body, as Immich's web sends it), then merge him into Obama's person (as a
    // user fixing clusters would): Obama's person then has four photos.
    let created = stack
        .http
        .post(stack.api("/people"))
        .bearer_auth(&stack.token)
        .json(&json!({ "name": "Joe Biden" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let joe = created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let moved = stack
        .http
        .put(stack.api(&format!("/faces/{joe}")))
        .bearer_auth(&stack.token)
        .json(&json!({ "id": biden_face["id"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(moved.status(), StatusCode::OK);
    assert_eq!(moved.json::<Value>().await.unwrap()["name"], "Joe Biden");
    assert_eq!(person_of(&faces_of(&stack, &biden).await[0]).as_deref(), Some(joe.as_str()));
    let merged: Value = stack
        .http
        .post(stack.api(&format!("/people/{obama_person}/merge")))
        .bearer_auth(&stack.token)
        .json(&json!({ "ids": [joe] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(merged, json!([{ "id": joe, "success": true }]));
    assert_eq!(stack.get(&format!("/people/{joe}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(person_of(&faces_of(&stack, &biden).await[0]).as_deref(), Some(obama_person.as_str()));
    assert_eq!(stack.get_json(&format!("/people/{obama_person}/statistics")).await["assets"], 4);
    // An asset read names the people in it, as the viewer's info panel shows them.
    let asset = stack.get_json(&format!("/assets/{biden}")).await;
    let names: Vec<&str> = asset["people"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["Barack Obama"], "{asset}");

    // A full re-cluster starts over from the faces alone: the three photos are one person again.
    stack.start_job("facialRecognition", true).await;
    stack.wait_count("SELECT count(*) FROM asset_job_status WHERE facial_recognition_at IS NOT NULL", 5, LIMIT).await;
    let again = wait_for_one_person(&stack, &[&obama, &obama2, &obama3]).await;
    assert_ne!(again, obama_person, "people were made anew");
    assert_ne!(person_of(&faces_of(&stack, &biden).await[0]), Some(again.clone()));

    // Deleting a person keeps the faces, now without a person; a wrong id deletes nothing.
    let delete = |path: String| stack.http.delete(stack.api(&path)).bearer_auth(&stack.token);
    let missing = uuid::Uuid::new_v4();
    let refused = delete("/people".into()).json(&json!({ "ids": [again, missing] })).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
    assert!(refused.text().await.unwrap().contains(&missing.to_string()));
    assert_eq!(stack.get(&format!("/people/{again}")).await.status(), StatusCode::OK, "all or nothing");
    assert_eq!(delete(format!("/people/{again}")).send().await.unwrap().status(), StatusCode::NO_CONTENT);
    assert_eq!(stack.get(&format!("/people/{again}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(delete(format!("/people/{again}")).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    let faces = faces_of(&stack, &obama).await;
    assert_eq!((faces.len(), person_of(&faces[0])), (1, None), "the face stays, unassigned");
    assert_eq!(stack.get_json(&format!("/assets/{obama}")).await["people"], json!([]));
}

/// Photos arriving one by one: the first two faces are too few to make a person and stay
/// unassigned ("deferred"); the third makes a person, and the deferred two join it.
#[tokio::test]
async fn deferred_faces_join_the_person_the_third_photo_makes() {
    let mut stack = Stack::start(false).await;
    stack.install_models();
    stack.start_worker();
    let recognized = "SELECT count(*) FROM asset_job_status WHERE facial_recognition_at IS NOT NULL";
    let obama = stack.upload_fixture("photos/obama.jpg").await;
    stack.wait_count(recognized, 1, LIMIT).await;
    let obama2 = stack.upload_fixture("photos/obama2.jpg").await;
    stack.wait_count(recognized, 2, LIMIT).await;
    for asset in [&obama, &obama2] {
        let faces = faces_of(&stack, asset).await;
        assert_eq!(faces.len(), 1);
        assert_eq!(person_of(&faces[0]), None, "two faces are below the minimum of three");
    }
    assert_eq!(stack.get_json("/people").await["total"], 0);

    let obama3 = stack.upload_fixture("photos/obama3.jpg").await;
    let person = wait_for_one_person(&stack, &[&obama, &obama2, &obama3]).await;
    let people = stack.get_json("/people").await;
    assert_eq!(people["total"], 1, "{people}");
    assert_eq!(stack.get_json(&format!("/people/{person}/statistics")).await["assets"], 3);
}

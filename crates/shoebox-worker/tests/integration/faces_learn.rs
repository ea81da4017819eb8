//! Faces that learn from names, with the real SCRFD and ArcFace models on a labelled set: three
//! men with two photos each (dlib's example Johns), whom the 3-face rule alone leaves unassigned,
//! beside Obama's three photos, which it makes a person. Naming one photo's face per man gives
//! him his other photo and the ones uploaded later; a man split in two is suggested for merging;
//! a face rejected from a person stays out.

use crate::common;

use std::io::Cursor;
use std::time::{Duration, Instant};

use common::Stack;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const LIMIT: Duration = Duration::from_secs(300);
const RECOGNIZED: &str = "SELECT count(*) FROM asset_job_status WHERE facial_recognition_at IS NOT NULL";

/// A labelled face crop centred on a mid-grey canvas twice its size, as a camera would frame a
/// face: the detector finds nothing in a crop the face fills edge to edge.
fn framed(person: &str, file: &str) -> Vec<u8> {
    let path = common::fixtures().join(format!("photos/johns/{person}/{file}.jpg"));
    let chip = image::open(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display())).into_rgb8();
    let mut canvas = image::RgbImage::from_pixel(chip.width() * 2, chip.height() * 2, image::Rgb([127, 127, 127]));
    image::imageops::overlay(&mut canvas, &chip, i64::from(chip.width() / 2), i64::from(chip.height() / 2));
    let mut bytes = Vec::new();
    canvas.write_to(&mut Cursor::new(&mut bytes), image::ImageFormat::Jpeg).unwrap();
    bytes
}

async fn upload_john(stack: &Stack, person: &str, file: &str) -> String {
    stack.upload_bytes(&format!("{person}-{file}.jpg"), framed(person, file)).await
}

async fn face_of(stack: &Stack, asset: &str) -> Value {
    let faces = stack.get_json(&format!("/faces?id={asset}")).await;
    assert_eq!(faces.as_array().map(Vec::len), Some(1), "one face on {asset}: {faces}");
    faces[0].clone()
}

async fn person_of(stack: &Stack, asset: &str) -> Option<String> {
    face_of(stack, asset).await["person"]["id"].as_str().map(str::to_owned)
}

async fn send(stack: &Stack, method: Method, path: &str, body: Value) -> Value {
    let response = stack.http.request(method, stack.api(path)).bearer_auth(&stack.token).json(&body).send().await.unwrap();
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
    if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() }
}

/// Names a face as Immich's web does: a new person, then the face given to them.
async fn name_face(stack: &Stack, asset: &str, name: &str) -> String {
    let face = face_of(stack, asset).await["id"].as_str().unwrap().to_owned();
    let person = send(stack, Method::POST, "/people", json!({ "name": name })).await["id"].as_str().unwrap().to_owned();
    send(stack, Method::PUT, &format!("/faces/{person}"), json!({ "id": face })).await;
    person
}

/// Waits until every asset's face belongs to `person`.
async fn wait_for_person(stack: &Stack, person: &str, assets: &[&String]) {
    let start = Instant::now();
    loop {
        let mut held = Vec::new();
        for asset in assets {
            // A photo just uploaded may not have its face yet.
            let faces = stack.get_json(&format!("/faces?id={asset}")).await;
            held.push(faces[0]["person"]["id"].as_str().map(str::to_owned));
        }
        if held.iter().all(|p| p.as_deref() == Some(person)) {
            return;
        }
        assert!(start.elapsed() < LIMIT, "after {LIMIT:?} the photos' people are {held:?}, not all {person}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
}

async fn assigned_faces(stack: &Stack) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM asset_faces WHERE person_id IS NOT NULL").fetch_one(&stack.ctx.db).await.unwrap()
}

#[tokio::test]
async fn naming_one_face_per_person_gives_them_the_faces_the_3_face_rule_left_alone() {
    let mut stack = Stack::start(false).await;
    stack.install_models();
    let obama = [
        stack.upload_fixture("photos/obama.jpg").await,
        stack.upload_fixture("photos/obama2.jpg").await,
        stack.upload_fixture("photos/obama3.jpg").await,
    ];
    let biden = stack.upload_fixture("photos/biden.jpg").await;
    let johns = [("John_Salley", ["000179_02159509", "000183_02159543"]), ("John_Savage", ["000264_01099001", "000274_01099061"]), ("John_Schneider", ["000288_00925786", "000302_00925785"])];
    let mut photos: Vec<(&str, [String; 2])> = Vec::new();
    for (person, files) in johns {
        photos.push((person, [upload_john(&stack, person, files[0]).await, upload_john(&stack, person, files[1]).await]));
    }
    stack.start_worker();
    stack.wait_count(RECOGNIZED, 10, LIMIT).await;

    // The rule alone: Obama's three faces make a person; two photos of a man are too few.
    let barack = person_of(&stack, &obama[0]).await.expect("Obama's three photos make a person");
    wait_for_person(&stack, &barack, &obama.iter().collect::<Vec<_>>()).await;
    for (person, assets) in &photos {
        for asset in assets {
            assert_eq!(person_of(&stack, asset).await, None, "{person}'s two photos are below the three-face minimum");
        }
    }
    assert_eq!(assigned_faces(&stack).await, 3);
    assert_eq!(stack.get_json("/people").await["total"], 1);

    // Naming one photo's face per man gives him his other photo.
    let mut named = Vec::new();
    for (person, assets) in &photos {
        let id = name_face(&stack, &assets[0], &person.replace('_', " ")).await;
        wait_for_person(&stack, &id, &assets.iter().collect::<Vec<_>>()).await;
        named.push(id);
    }
    assert_eq!(assigned_faces(&stack).await, 3 + 6, "every John's second photo joined him");
    for id in &named {
        assert_eq!(stack.get_json(&format!("/people/{id}/statistics")).await["assets"], 2);
    }
    assert_eq!(person_of(&stack, &biden).await, None, "nobody named looks like Biden");
    let people = stack.get_json("/people").await;
    assert_eq!(people["total"], 4, "{people}");

    // A later photo of a named man joins him as it arrives.
    let later = upload_john(&stack, "John_Salley", "000186_02159346").await;
    wait_for_person(&stack, &named[0], &[&later]).await;

    // Split by hand into two people, his photos are suggested for merging, and merge back.
    let schneider = &named[2];
    let johnny = name_face(&stack, &photos[2].1[1], "Johnny").await;
    let suggested = stack.get_json(&format!("/people/{schneider}/merge-suggestions")).await;
    let ids: Vec<&str> = suggested.as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [johnny.as_str()], "only his other self is near: {suggested}");
    assert!(suggested[0]["distance"].as_f64().unwrap() < 0.5, "{suggested}");
    send(&stack, Method::POST, &format!("/people/{schneider}/merge"), json!({ "ids": [johnny] })).await;
    assert_eq!(stack.get_json(&format!("/people/{schneider}/statistics")).await["assets"], 2);
    assert_eq!(stack.get_json(&format!("/people/{schneider}/merge-suggestions")).await, json!([]));

    // "Not John Salley": the face leaves him for good, though his next photo and his renaming
    // both send recognition back to it.
    let rejected = face_of(&stack, &photos[0].1[1]).await["id"].as_str().unwrap().to_owned();
    let response = stack.http.delete(stack.api(&format!("/faces/{rejected}"))).bearer_auth(&stack.token).json(&json!({ "force": false })).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let next = upload_john(&stack, "John_Salley", "000190_02159501").await;
    wait_for_person(&stack, &named[0], &[&next]).await;
    send(&stack, Method::PUT, &format!("/people/{}", named[0]), json!({ "name": "John Salley (NBA)" })).await;
    let quiet_since = Instant::now();
    stack.wait_count(RECOGNIZED, 12, LIMIT).await;
    // Give the queued re-runs time to act.
    while quiet_since.elapsed() < Duration::from_secs(5) {
        assert_eq!(person_of(&stack, &photos[0].1[1]).await, None, "the rejected face came back");
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    assert_eq!(stack.get_json(&format!("/people/{}/statistics", named[0])).await["assets"], 3);
    assert_eq!(assigned_faces(&stack).await, 3 + 6 - 1 + 2);
}

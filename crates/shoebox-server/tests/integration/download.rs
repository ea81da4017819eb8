//! Downloading originals as zip archives: planning with `/download/info`, the archive's contents,
//! and the errors a wrong request gets.

use std::io::{Cursor, Read};

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// The entries of a zip: (name, bytes, modified time as y-m-d h:m).
fn unzip(bytes: &[u8]) -> Vec<(String, Vec<u8>, String)> {
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).expect("a valid zip");
    (0..archive.len())
        .map(|index| {
            let mut entry = archive.by_index(index).unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            let time = entry.last_modified().unwrap();
            let when = format!(
                "{}-{:02}-{:02} {:02}:{:02}",
                time.year(),
                time.month(),
                time.day(),
                time.hour(),
                time.minute()
            );
            (entry.name().unwrap().into_owned(), content, when)
        })
        .collect()
}

#[tokio::test]
async fn a_selection_downloads_as_one_zip_of_the_originals() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let (first, second, third) = (jpeg(1), jpeg(2), jpeg(3));
    let a = server.upload_new(&token, "IMG_0001.jpg", first.clone(), "2013-05-10T15:21:08.000Z").await;
    // Two cameras, one file name: the archive must keep both.
    let b = server.upload_new(&token, "IMG_0001.jpg", second.clone(), "2014-01-02T03:04:05.000Z").await;
    let c = server.upload_new(&token, "beach.jpg", third.clone(), "2020-07-08T09:10:11.000Z").await;

    let info = server.http.post(server.api("/download/info")).bearer_auth(&token);
    let info = info.json(&json!({ "assetIds": [a, b, c] })).send().await.unwrap();
    assert_eq!(info.status(), StatusCode::CREATED);
    let info: Value = info.json().await.unwrap();
    let total = (first.len() + second.len() + third.len()) as u64;
    assert_eq!(info["totalSize"], total);
    assert_eq!(info["archives"], json!([{ "size": total, "assetIds": [a, b, c] }]));

    // A size limit splits the selection into archives the client fetches one by one.
    let limit = first.len() + second.len();
    let split = server.http.post(server.api("/download/info")).bearer_auth(&token);
    let split: Value =
        split.json(&json!({ "assetIds": [a, b, c], "archiveSize": limit })).send().await.unwrap().json().await.unwrap();
    let archives: Vec<Value> = split["archives"].as_array().unwrap().iter().map(|a| a["assetIds"].clone()).collect();
    assert_eq!(archives, [json!([a, b]), json!([c])]);

    let response = server.http.post(server.api("/download/archive")).bearer_auth(&token);
    let response = response.json(&json!({ "assetIds": [a, b, c, a] })).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "application/zip");
    let disposition = response.headers()["content-disposition"].to_str().unwrap().to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"shoebox-") && disposition.ends_with(".zip\""),
        "{disposition}"
    );
    let entries = unzip(&response.bytes().await.unwrap());
    assert_eq!(
        entries,
        [
            ("IMG_0001.jpg".to_owned(), first, "2013-05-10 15:21".to_owned()),
            ("IMG_0001+1.jpg".to_owned(), second, "2014-01-02 03:04".to_owned()),
            ("beach.jpg".to_owned(), third, "2020-07-08 09:10".to_owned()),
        ]
    );
}

#[tokio::test]
async fn albums_and_whole_libraries_are_planned_without_the_trash_or_other_users() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let other = server.user(&token, "other@example.com").await;
    let kept = server.upload_new(&token, "kept.jpg", jpeg(10), "2024-01-01T00:00:00.000Z").await;
    let trashed = server.upload_new(&token, "trashed.jpg", jpeg(11), "2024-01-02T00:00:00.000Z").await;
    let theirs = server.upload_new(&other, "theirs.jpg", jpeg(12), "2024-01-03T00:00:00.000Z").await;
    let album: Value = server
        .http
        .post(server.api("/albums"))
        .bearer_auth(&token)
        .json(&json!({ "albumName": "Trip", "assetIds": [kept, trashed] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let trash = server.http.delete(server.api("/assets")).bearer_auth(&token).json(&json!({ "ids": [trashed] }));
    assert_eq!(trash.send().await.unwrap().status(), StatusCode::NO_CONTENT);

    let me: Value = server.get(&token, "/users/me").await.json().await.unwrap();
    for body in [json!({ "albumId": album["id"] }), json!({ "userId": me["id"] })] {
        let info = server.http.post(server.api("/download/info")).bearer_auth(&token).json(&body);
        let info: Value = info.send().await.unwrap().json().await.unwrap();
        assert_eq!(info["archives"][0]["assetIds"], json!([kept]), "{body}");
    }
    // The trash page can still download what is in the trash, by id.
    let info = server.http.post(server.api("/download/info")).bearer_auth(&token);
    let info: Value = info.json(&json!({ "assetIds": [trashed] })).send().await.unwrap().json().await.unwrap();
    assert_eq!(info["archives"][0]["assetIds"], json!([trashed]));

    let other_me: Value = server.get(&other, "/users/me").await.json().await.unwrap();
    let cases = [
        (json!({ "userId": other_me["id"] }), StatusCode::FORBIDDEN, "your own library"),
        (json!({}), StatusCode::BAD_REQUEST, "assetIds, albumId or userId is required"),
        (json!({ "assetIds": [kept, theirs] }), StatusCode::BAD_REQUEST, "not found or are not yours"),
        (json!({ "assetIds": [kept], "archiveSize": 0 }), StatusCode::BAD_REQUEST, "archiveSize"),
        (json!({ "albumId": uuid::Uuid::new_v4() }), StatusCode::NOT_FOUND, "Album"),
    ];
    for (body, status, expected) in cases {
        let response =
            server.http.post(server.api("/download/info")).bearer_auth(&token).json(&body).send().await.unwrap();
        let message = expect_error(response, status).await;
        assert!(message.contains(expected), "{body}: {message}");
    }
    for (body, expected) in [
        (json!({ "assetIds": [theirs] }), theirs.as_str()),
        (json!({ "assetIds": [] }), "at least one asset"),
        (json!({ "ids": [kept] }), "assetIds"),
    ] {
        let response =
            server.http.post(server.api("/download/archive")).bearer_auth(&token).json(&body).send().await.unwrap();
        let message = expect_error(response, StatusCode::BAD_REQUEST).await;
        assert!(message.contains(expected), "{body}: {message}");
    }
    let anonymous = server.http.post(server.api("/download/archive")).json(&json!({ "assetIds": [kept] }));
    expect_error(anonymous.send().await.unwrap(), StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn an_original_missing_from_storage_breaks_the_download_instead_of_truncating_it() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let a = server.upload_new(&token, "a.jpg", jpeg(20), "2024-01-01T00:00:00.000Z").await;
    let b = server.upload_new(&token, "b.jpg", jpeg(21), "2024-01-02T00:00:00.000Z").await;
    let path: String = sqlx::query_scalar("SELECT original_path FROM assets WHERE id = $1::uuid")
        .bind(&b)
        .fetch_one(&server.ctx.db)
        .await
        .unwrap();
    assert!(server.stored_originals().await.contains(&path), "b is stored");
    server.ctx.storage.delete_named(&path).await.unwrap();

    let response = server.http.post(server.api("/download/archive")).bearer_auth(&token);
    let response = response.json(&json!({ "assetIds": [a, b] })).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK, "streaming has begun before b is read");
    assert!(response.bytes().await.is_err(), "the body must fail, not end as a short zip");

    // The server goes on serving.
    let response = server.http.post(server.api("/download/archive")).bearer_auth(&token);
    let response = response.json(&json!({ "assetIds": [a] })).send().await.unwrap();
    assert_eq!(unzip(&response.bytes().await.unwrap()).len(), 1);
}

//! The server with its library in S3 (SeaweedFS, whatever `SHOEBOX_TEST_STORAGE` says): uploads
//! go straight to the bucket and nothing reaches the local disk; a duplicate leaves one object;
//! ranged reads come from the bucket; with presigned downloads a client is sent to a signed URL
//! it can fetch without the server. A hybrid layout keeps derived files on local disk. The
//! orphan sweep reports, then removes, a file no row names.

use crate::common;

use common::{TestServer, jpeg};
use reqwest::StatusCode;
use shoebox_core::config::StorageLocation;

const WHEN: &str = "2024-05-01T10:00:00.000Z";

fn on_s3(config: &mut shoebox_core::Config, presigned: bool) {
    let (bucket, mut s3) = shoebox_storage::testing::test_bucket();
    s3.presigned_downloads = presigned;
    config.s3 = s3;
    config.storage = Some(StorageLocation::S3 { bucket, prefix: format!("server-{}", uuid::Uuid::new_v4().simple()) });
    config.storage_derived = None;
}

fn files_under(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries
        .flatten()
        .flat_map(|entry| if entry.path().is_dir() { files_under(&entry.path()) } else { vec![entry.path()] })
        .collect()
}

#[tokio::test]
async fn uploads_go_to_the_bucket_and_are_served_from_it() {
    let server = TestServer::start_with(|config| on_s3(config, false)).await;
    let token = server.admin().await;
    let photo = jpeg(7);
    let id = server.upload_new(&token, "bucket.jpg", photo.clone(), WHEN).await;
    let again = server.upload(&token, "again.jpg", photo.clone(), WHEN).await;
    assert_eq!(again.status(), StatusCode::OK, "a duplicate");
    assert_eq!(server.stored_originals().await.len(), 1, "one object for the two uploads");
    assert!(files_under(server.data_dir.path()).is_empty(), "nothing on local disk: {:?}", files_under(server.data_dir.path()));

    let whole = server.get(&token, &format!("/assets/{id}/original")).await;
    assert_eq!(whole.status(), StatusCode::OK);
    assert_eq!(whole.bytes().await.unwrap().as_ref(), photo.as_slice());
    let range = server.get_range(&token, &format!("/assets/{id}/original"), "bytes=2-9").await;
    assert_eq!(range.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(range.headers()["content-range"], format!("bytes 2-9/{}", photo.len()));
    assert_eq!(range.bytes().await.unwrap().as_ref(), &photo[2..=9]);

    // The sizes reported for a bucket: what the originals take, no disk size.
    let storage: serde_json::Value = server.get(&token, "/server/storage").await.json().await.unwrap();
    assert_eq!(storage["diskUseRaw"], photo.len() as u64, "{storage}");
    assert_eq!(storage["diskSizeRaw"], 0, "{storage}");
}

#[tokio::test]
async fn presigned_downloads_send_the_client_to_the_bucket() {
    let server = TestServer::start_with(|config| on_s3(config, true)).await;
    let token = server.admin().await;
    let photo = jpeg(8);
    let id = server.upload_new(&token, "signed.jpg", photo.clone(), WHEN).await;
    let no_redirects = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let answer = no_redirects.get(server.api(&format!("/assets/{id}/original"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(answer.status(), StatusCode::FOUND);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.contains("X-Amz-Signature="), "{location}");
    // A client with no credentials at all fetches it from the store.
    let fetched = reqwest::get(&location).await.unwrap();
    assert_eq!(fetched.status(), StatusCode::OK);
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), photo.as_slice());
    // Someone else is still refused by the server before any address is signed.
    let refused = no_redirects.get(server.api(&format!("/assets/{id}/original"))).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_hybrid_layout_keeps_originals_in_the_bucket_and_derived_files_on_disk() {
    let server = TestServer::start_with(|config| {
        on_s3(config, false);
        config.storage_derived = Some(StorageLocation::Local(config.data_dir.clone()));
    })
    .await;
    let token = server.admin().await;
    let id = server.upload_new(&token, "hybrid.jpg", jpeg(9), WHEN).await;
    let owner: uuid::Uuid = sqlx::query_scalar("SELECT owner_id FROM assets").fetch_one(&server.ctx.db).await.unwrap();
    // What the worker does: write the thumbnail through storage, then record it.
    let thumbnail = shoebox_storage::Key::thumbnail(owner, id.parse().unwrap());
    server.store_file(thumbnail.as_str(), b"RIFF....WEBP".to_vec()).await;
    shoebox_db::assets::upsert_file(&server.ctx.db, id.parse().unwrap(), shoebox_core::domain::AssetFileKind::Thumbnail, thumbnail.as_str())
        .await
        .unwrap();

    assert!(server.data_dir.path().join(thumbnail.as_str()).is_file(), "the thumbnail is on local disk");
    assert!(!server.data_dir.path().join("upload").exists(), "the original is not");
    assert_eq!(server.stored_originals().await.len(), 1, "the original is in the bucket");
    let served = server.get(&token, &format!("/assets/{id}/thumbnail")).await;
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/webp");
}

#[tokio::test]
async fn an_admin_sees_the_orphans_in_the_bucket_then_removes_them() {
    let server = TestServer::start_with(|config| on_s3(config, false)).await;
    let admin = server.admin().await;
    let bob = server.user(&admin, "bob@example.com").await;
    let id = server.upload_new(&admin, "named.jpg", jpeg(10), WHEN).await;
    let owner: uuid::Uuid = sqlx::query_scalar("SELECT owner_id FROM assets").fetch_one(&server.ctx.db).await.unwrap();
    // An upload placed in the bucket whose row never came (its server died first).
    let stray = shoebox_storage::Key::original(owner, uuid::Uuid::new_v4(), "jpg");
    server.store_file(stray.as_str(), jpeg(11)).await;

    // Young files are left alone by default: this one was written a moment ago.
    let default: serde_json::Value = server.get(&admin, "/admin/storage/orphans").await.json().await.unwrap();
    assert_eq!((default["orphanCount"].as_u64(), default["tooYoung"].as_u64()), (Some(0), Some(1)), "{default}");
    let report = server.get(&admin, "/admin/storage/orphans?minAgeHours=0").await;
    assert_eq!(report.status(), StatusCode::OK);
    let report: serde_json::Value = report.json().await.unwrap();
    assert_eq!(report["orphanCount"], 1, "{report}");
    assert_eq!(report["orphans"][0]["key"], stray.as_str());
    assert_eq!(report["orphans"][0]["size"], jpeg(11).len() as u64);
    assert_eq!(report["removed"], 0, "a dry run removes nothing");
    assert!(server.ctx.storage.head(&stray).await.unwrap().is_some());
    assert_eq!(server.get(&bob, "/admin/storage/orphans").await.status(), StatusCode::FORBIDDEN);

    let removed = server.send(&admin, reqwest::Method::DELETE, "/admin/storage/orphans?minAgeHours=0", None).await;
    assert_eq!(removed.status(), StatusCode::OK);
    let removed: serde_json::Value = removed.json().await.unwrap();
    assert_eq!(removed["removed"], 1, "{removed}");
    assert!(server.ctx.storage.head(&stray).await.unwrap().is_none(), "the orphan is gone");
    let named = server.get(&admin, &format!("/assets/{id}/original")).await;
    assert_eq!(named.status(), StatusCode::OK, "the named original stays");
    let bad = server.get(&admin, "/admin/storage/orphans?minAge=3").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST, "an unknown parameter is refused");
}

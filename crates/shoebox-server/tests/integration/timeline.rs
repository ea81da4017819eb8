//! The timeline in Immich's shape, favorites and archive, the trash, and derived files.

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn months_newest_first_with_counts_and_columnar_assets() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let march_early = server.upload_new(&token, "a.jpg", jpeg(1), "2024-03-02T08:00:00Z").await;
    let march_late = server.upload_new(&token, "b.jpg", jpeg(2), "2024-03-28T18:30:00Z").await;
    let january = server.upload_new(&token, "c.jpg", jpeg(3), "2023-01-15T12:00:00Z").await;

    let buckets: Value = server.get(&token, "/timeline/buckets").await.json().await.unwrap();
    assert_eq!(
        buckets,
        json!([{ "timeBucket": "2024-03-01", "count": 2 }, { "timeBucket": "2023-01-01", "count": 1 }])
    );

    let march: Value = server.get(&token, "/timeline/bucket?timeBucket=2024-03-01").await.json().await.unwrap();
    assert_eq!(march["id"], json!([march_late, march_early]), "newest first");
    assert_eq!(march["isImage"], json!([true, true]));
    assert_eq!(march["ratio"].as_array().unwrap().len(), 2);
    let oldest_first: Value =
        server.get(&token, "/timeline/bucket?timeBucket=2024-03-01&order=asc").await.json().await.unwrap();
    assert_eq!(oldest_first["id"], json!([march_early, march_late]));

    let favorite = server
        .http
        .put(server.api("/assets"))
        .bearer_auth(&token)
        .json(&json!({ "ids": [january], "isFavorite": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(favorite.status(), StatusCode::NO_CONTENT);
    let favorites: Value = server.get(&token, "/timeline/buckets?isFavorite=true").await.json().await.unwrap();
    assert_eq!(favorites, json!([{ "timeBucket": "2023-01-01", "count": 1 }]));

    let archive = server
        .http
        .put(server.api(&format!("/assets/{march_early}")))
        .bearer_auth(&token)
        .json(&json!({ "visibility": "archive" }))
        .send()
        .await
        .unwrap();
    assert_eq!(archive.json::<Value>().await.unwrap()["isArchived"], true);
    let main: Value = server.get(&token, "/timeline/buckets?visibility=timeline").await.json().await.unwrap();
    assert_eq!(main[0], json!({ "timeBucket": "2024-03-01", "count": 1 }));

    expect_error(server.get(&token, "/timeline/bucket").await, StatusCode::BAD_REQUEST).await;
    expect_error(server.get(&token, "/timeline/bucket?timeBucket=March").await, StatusCode::BAD_REQUEST).await;
    expect_error(server.get(&token, "/timeline/buckets?visibility=public").await, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn trash_restore_and_empty() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let keep = server.upload_new(&token, "keep.jpg", jpeg(10), "2024-05-01T00:00:00Z").await;
    let doomed = server.upload_new(&token, "doomed.jpg", jpeg(11), "2024-05-02T00:00:00Z").await;
    let trash = |ids: Vec<&str>| {
        server.http.delete(server.api("/assets")).bearer_auth(&token).json(&json!({ "ids": ids })).send()
    };
    assert_eq!(trash(vec![&keep, &doomed]).await.unwrap().status(), StatusCode::NO_CONTENT);
    let library: Value = server.get(&token, "/timeline/buckets").await.json().await.unwrap();
    assert_eq!(library, json!([]));
    let trashed: Value = server.get(&token, "/timeline/buckets?isTrashed=true").await.json().await.unwrap();
    assert_eq!(trashed[0]["count"], 2);
    let info: Value = server.get(&token, &format!("/assets/{keep}")).await.json().await.unwrap();
    assert_eq!(info["isTrashed"], true);

    let restored = server
        .http
        .post(server.api("/trash/restore/assets"))
        .bearer_auth(&token)
        .json(&json!({ "ids": [keep] }))
        .send()
        .await
        .unwrap();
    assert_eq!(restored.json::<Value>().await.unwrap(), json!({ "count": 1 }));

    let emptied = server.http.post(server.api("/trash/empty")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(emptied.json::<Value>().await.unwrap(), json!({ "count": 1 }));
    expect_error(server.get(&token, &format!("/assets/{doomed}")).await, StatusCode::NOT_FOUND).await;
    assert_eq!(server.stored_originals().await.len(), 1, "the emptied asset's file is gone");
    assert_eq!(server.get(&token, &format!("/assets/{keep}/original")).await.status(), StatusCode::OK);

    // Deleted for good, the same bytes stay deleted (the phone offering them again is refused),
    // unless the owner turns that off; then they come back as a new asset.
    let refused = server.upload(&token, "doomed.jpg", jpeg(11), "2024-05-02T00:00:00Z").await;
    assert_eq!(refused.json::<Value>().await.unwrap()["reason"], "deleted");
    let off = json!({ "deletedStaysDeleted": { "enabled": false } });
    let turned_off = server.send(&token, Method::PUT, "/users/me/preferences", Some(off)).await;
    assert_eq!(turned_off.status(), StatusCode::OK);
    server.upload_new(&token, "doomed.jpg", jpeg(11), "2024-05-02T00:00:00Z").await;

    let forced = server
        .http
        .delete(server.api("/assets"))
        .bearer_auth(&token)
        .json(&json!({ "ids": [keep], "force": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(forced.status(), StatusCode::NO_CONTENT);
    expect_error(server.get(&token, &format!("/assets/{keep}")).await, StatusCode::NOT_FOUND).await;
    assert_eq!(server.stored_originals().await.len(), 1);
}

#[tokio::test]
async fn thumbnails_are_not_found_until_the_worker_makes_them() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let id = server.upload_new(&token, "a.jpg", jpeg(20), "2024-05-01T00:00:00Z").await;
    for size in ["thumbnail", "preview"] {
        let message = expect_error(
            server.get(&token, &format!("/assets/{id}/thumbnail?size={size}")).await,
            StatusCode::NOT_FOUND,
        )
        .await;
        assert!(message.contains("not generated yet"), "{message}");
    }
    expect_error(server.get(&token, &format!("/assets/{id}/thumbnail?size=huge")).await, StatusCode::BAD_REQUEST).await;

    // What the worker will do: write the file, then record it.
    let key = format!("thumbs/{id}-preview.jpeg");
    server.store_file(&key, jpeg(21)).await;
    shoebox_db::assets::upsert_file(
        &server.ctx.db,
        id.parse().unwrap(),
        shoebox_core::domain::AssetFileKind::Preview,
        &key,
    )
    .await
    .unwrap();
    let preview = server.get(&token, &format!("/assets/{id}/thumbnail?size=preview")).await;
    assert_eq!(preview.status(), StatusCode::OK);
    assert_eq!(preview.headers()["content-type"], "image/jpeg");
    assert_eq!(preview.bytes().await.unwrap().as_ref(), jpeg(21).as_slice());
}

#[tokio::test]
async fn discovery_and_server_endpoints_need_no_login() {
    let server = TestServer::start().await;
    let ping: Value = server.http.get(server.api("/server/ping")).send().await.unwrap().json().await.unwrap();
    assert_eq!(ping, json!({ "res": "pong" }));
    let version: Value = server.http.get(server.api("/server/version")).send().await.unwrap().json().await.unwrap();
    assert!(version["major"].as_u64().unwrap() >= 1);
    let well_known: Value =
        server.http.get(format!("{}/.well-known/immich", server.url)).send().await.unwrap().json().await.unwrap();
    assert_eq!(well_known["api"]["endpoint"], "/api");
    let home = server.http.get(format!("{}/", server.url)).send().await.unwrap();
    assert_eq!(home.status(), StatusCode::OK);
    assert!(home.text().await.unwrap().contains("Shoebox"));
}

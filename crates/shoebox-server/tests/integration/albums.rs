//! Albums as the Immich CLI and the gallery use them: create, find by name, add and remove
//! assets with per-id results, and nothing visible to other users.

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::StatusCode;
use serde_json::{Value, json};

const WHEN: &str = "2024-02-03T04:05:06.000Z";

#[tokio::test]
async fn albums_collect_assets_with_per_id_results() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let a = server.upload_new(&token, "a.jpg", jpeg(1), WHEN).await;
    let b = server.upload_new(&token, "b.jpg", jpeg(2), "2024-02-05T00:00:00.000Z").await;

    let created = server.http.post(server.api("/albums")).bearer_auth(&token).json(&json!({ "albumName": " Trip " }));
    let created = created.send().await.unwrap();
    assert_eq!(created.status(), StatusCode::CREATED);
    let album: Value = created.json().await.unwrap();
    assert_eq!(album["albumName"], "Trip");
    assert_eq!(album["assetCount"], 0);
    assert_eq!(album["albumUsers"][0]["role"], "owner");
    let id = album["id"].as_str().unwrap();

    let missing = uuid::Uuid::new_v4();
    let added: Value = server
        .http
        .put(server.api(&format!("/albums/{id}/assets")))
        .bearer_auth(&token)
        .json(&json!({ "ids": [a, b, a, missing] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        added,
        json!([
            { "id": a, "success": true },
            { "id": b, "success": true },
            { "id": a, "success": true },
            { "id": missing, "success": false, "error": "not_found" },
        ])
    );
    let again: Value = server
        .http
        .put(server.api(&format!("/albums/{id}/assets")))
        .bearer_auth(&token)
        .json(&json!({ "ids": [a] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(again, json!([{ "id": a, "success": false, "error": "duplicate" }]));

    let album: Value = server.get(&token, &format!("/albums/{id}")).await.json().await.unwrap();
    assert_eq!(album["assetCount"], 2);
    assert_eq!(album["albumThumbnailAssetId"], a.as_str(), "the first asset added is the cover");
    assert_eq!(album["startDate"], WHEN);
    assert_eq!(album["endDate"], "2024-02-05T00:00:00.000Z");

    // The CLI finds albums by listing; filters by name and by asset narrow the list.
    let by_name: Value = server.get(&token, "/albums?name=Trip").await.json().await.unwrap();
    assert_eq!(by_name.as_array().unwrap().len(), 1);
    let by_other_name: Value = server.get(&token, "/albums?name=Nope").await.json().await.unwrap();
    assert_eq!(by_other_name, json!([]));
    let by_asset: Value = server.get(&token, &format!("/albums?assetId={b}")).await.json().await.unwrap();
    assert_eq!(by_asset[0]["id"], id);

    let removed: Value = server
        .http
        .delete(server.api(&format!("/albums/{id}/assets")))
        .bearer_auth(&token)
        .json(&json!({ "ids": [a, a] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(removed[0], json!({ "id": a, "success": true }));
    let album: Value = server.get(&token, &format!("/albums/{id}")).await.json().await.unwrap();
    assert_eq!(album["assetCount"], 1);
    assert_eq!(album["albumThumbnailAssetId"], b.as_str(), "a removed cover gives way");

    // Trashed assets don't count; deleting the album keeps the assets.
    let trash = server.http.delete(server.api("/assets")).bearer_auth(&token).json(&json!({ "ids": [b] })).send();
    assert_eq!(trash.await.unwrap().status(), StatusCode::NO_CONTENT);
    let album: Value = server.get(&token, &format!("/albums/{id}")).await.json().await.unwrap();
    assert_eq!(album["assetCount"], 0);
    let deleted = server.http.delete(server.api(&format!("/albums/{id}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(server.get(&token, &format!("/assets/{a}")).await.status(), StatusCode::OK);
    expect_error(server.get(&token, &format!("/albums/{id}")).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn albums_are_private_and_bad_input_gets_json_errors() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    let other = server.user(&admin, "other@example.com").await;
    let mine = server.upload_new(&admin, "mine.jpg", jpeg(5), WHEN).await;
    let album: Value = server
        .http
        .post(server.api("/albums"))
        .bearer_auth(&admin)
        .json(&json!({ "albumName": "Private", "assetIds": [mine] }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(album["assetCount"], 1);
    let id = album["id"].as_str().unwrap();

    // Another user sees nothing, cannot add to it, and cannot add the owner's asset to their own.
    assert_eq!(server.get(&other, "/albums").await.json::<Value>().await.unwrap(), json!([]));
    expect_error(server.get(&other, &format!("/albums/{id}")).await, StatusCode::NOT_FOUND).await;
    let theirs: Value = server
        .http
        .post(server.api("/albums"))
        .bearer_auth(&other)
        .json(&json!({ "albumName": "Theirs" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let add = server
        .http
        .put(server.api(&format!("/albums/{}/assets", theirs["id"].as_str().unwrap())))
        .bearer_auth(&other)
        .json(&json!({ "ids": [mine] }))
        .send()
        .await
        .unwrap();
    assert_eq!(add.json::<Value>().await.unwrap()[0]["error"], "not_found");

    let post = |body: Value| server.http.post(server.api("/albums")).bearer_auth(&admin).json(&body).send();
    expect_error(post(json!({ "albumName": "   " })).await.unwrap(), StatusCode::BAD_REQUEST).await;
    expect_error(post(json!({})).await.unwrap(), StatusCode::BAD_REQUEST).await;
    expect_error(post(json!({ "albumName": "x", "assetIds": ["nope"] })).await.unwrap(), StatusCode::BAD_REQUEST).await;
    expect_error(server.get(&admin, "/albums/not-a-uuid").await, StatusCode::BAD_REQUEST).await;
    let bad_order =
        server.http.patch(server.api(&format!("/albums/{id}"))).bearer_auth(&admin).json(&json!({ "order": "up" }));
    expect_error(bad_order.send().await.unwrap(), StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn server_reports_capabilities_statistics_and_preferences() {
    let server = TestServer::start().await;
    let config: Value = server.http.get(server.api("/server/config")).send().await.unwrap().json().await.unwrap();
    assert_eq!(config["isInitialized"], false, "no admin yet");
    let admin = server.admin().await;
    let other = server.user(&admin, "other@example.com").await;
    server.upload_new(&admin, "a.jpg", jpeg(1), WHEN).await;
    server.upload_new(&other, "b.jpg", jpeg(2), WHEN).await;
    server.upload_new(&other, "c.jpg", jpeg(3), WHEN).await;

    let types: Value = server.http.get(server.api("/server/media-types")).send().await.unwrap().json().await.unwrap();
    for ext in [".jpg", ".heic", ".png", ".mp4", ".mov"] {
        assert!(
            types["image"].as_array().unwrap().contains(&json!(ext))
                || types["video"].as_array().unwrap().contains(&json!(ext))
        );
    }
    let stats: Value = server.get(&other, "/assets/statistics").await.json().await.unwrap();
    assert_eq!(stats, json!({ "images": 2, "videos": 0, "total": 2 }));
    let favorites: Value = server.get(&other, "/assets/statistics?isFavorite=true").await.json().await.unwrap();
    assert_eq!(favorites["total"], 0);
    expect_error(server.get(&other, "/assets/statistics?visibility=sideways").await, StatusCode::BAD_REQUEST).await;

    let all: Value = server.get(&admin, "/server/statistics").await.json().await.unwrap();
    assert_eq!(all["photos"], 3);
    assert_eq!(all["usageByUser"].as_array().unwrap().len(), 2);
    expect_error(server.get(&other, "/server/statistics").await, StatusCode::FORBIDDEN).await;
    let storage: Value = server.get(&other, "/server/storage").await.json().await.unwrap();
    if server.ctx.storage.disk_space().await.unwrap().is_some() {
        assert!(storage["diskSizeRaw"].as_u64().unwrap() > 0);
    } else {
        // On an object store: the originals' bytes, no size.
        let used = storage["diskUseRaw"].as_u64().unwrap();
        assert!(used > 0 && storage["diskSizeRaw"] == 0, "{storage}");
    }

    let prefs = server
        .http
        .put(server.api("/users/me/preferences"))
        .bearer_auth(&other)
        .json(&json!({ "memories": { "enabled": false }, "avatar": { "color": "green" } }))
        .send()
        .await
        .unwrap();
    let prefs: Value = prefs.json().await.unwrap();
    assert_eq!(prefs["memories"], json!({ "enabled": false, "duration": 5 }));
    let read: Value = server.get(&other, "/users/me/preferences").await.json().await.unwrap();
    assert_eq!(read, prefs, "preferences persist");
    let untouched: Value = server.get(&admin, "/users/me/preferences").await.json().await.unwrap();
    assert_eq!(untouched["memories"]["enabled"], true, "per user");
    let me: Value = server.get(&other, "/users/me").await.json().await.unwrap();
    assert_eq!(me["avatarColor"], "green");
    let bad = server
        .http
        .put(server.api("/users/me/preferences"))
        .bearer_auth(&other)
        .json(&json!({ "memories": { "enabled": 1 } }));
    expect_error(bad.send().await.unwrap(), StatusCode::BAD_REQUEST).await;
}

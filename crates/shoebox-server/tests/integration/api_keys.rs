//! API keys: created with a secret shown once, used through `x-api-key`, limited by permissions.

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn a_key_authenticates_until_it_is_deleted() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let (id, secret) = server.api_key(&token, &["all"]).await;

    let me = server.http.get(server.api("/users/me")).header("x-api-key", &secret).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let current: Value = server
        .http
        .get(server.api("/api-keys/me"))
        .header("x-api-key", &secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(current["permissions"], json!(["all"]));
    assert_eq!(current["id"], id.as_str());

    let listed: Value = server.get(&token, "/api-keys").await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(!listed.to_string().contains(&secret), "the secret is shown only once");

    let renamed = server
        .http
        .put(server.api(&format!("/api-keys/{id}")))
        .bearer_auth(&token)
        .json(&json!({ "name": "laptop" }))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.json::<Value>().await.unwrap()["name"], "laptop");

    let deleted = server.http.delete(server.api(&format!("/api-keys/{id}"))).bearer_auth(&token).send().await.unwrap();
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let after = server.http.get(server.api("/users/me")).header("x-api-key", &secret).send().await.unwrap();
    expect_error(after, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn a_key_can_do_only_what_it_was_granted() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let (_, read_only) = server.api_key(&token, &["asset.read", "user.read"]).await;

    let form = reqwest::multipart::Form::new()
        .part("assetData", reqwest::multipart::Part::bytes(jpeg(1)).file_name("a.jpg"))
        .text("fileCreatedAt", "2024-01-01T00:00:00Z")
        .text("fileModifiedAt", "2024-01-01T00:00:00Z");
    let upload =
        server.http.post(server.api("/assets")).header("x-api-key", &read_only).multipart(form).send().await.unwrap();
    let message = expect_error(upload, StatusCode::FORBIDDEN).await;
    assert!(message.contains("asset.upload"), "{message}");
    assert_eq!(server.asset_rows().await, 0);

    let me = server.http.get(server.api("/users/me")).header("x-api-key", &read_only).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
}

#[tokio::test]
async fn unknown_permissions_and_foreign_keys_are_refused() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    let bad = server
        .http
        .post(server.api("/api-keys"))
        .bearer_auth(&admin)
        .json(&json!({ "permissions": ["everything"] }))
        .send()
        .await
        .unwrap();
    assert!(expect_error(bad, StatusCode::BAD_REQUEST).await.contains("everything"));

    let (admin_key, _) = server.api_key(&admin, &["all"]).await;
    let bob = server.user(&admin, "bob@example.com").await;
    let steal =
        server.http.delete(server.api(&format!("/api-keys/{admin_key}"))).bearer_auth(&bob).send().await.unwrap();
    expect_error(steal, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn a_key_cannot_raise_itself_or_another_key() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    let (updater_id, updater) = server.api_key(&admin, &["apiKey.update", "asset.read"]).await;
    let (other_id, _) = server.api_key(&admin, &["asset.read"]).await;
    let put = |id: &str, body: Value| {
        server.http.put(server.api(&format!("/api-keys/{id}"))).header("x-api-key", &updater).json(&body).send()
    };
    let permissions_of = |id: String| {
        let (server, admin) = (&server, &admin);
        async move {
            let key: Value = server.get(admin, &format!("/api-keys/{id}")).await.json().await.unwrap();
            key["permissions"].clone()
        }
    };

    for id in [&updater_id, &other_id] {
        let raised = put(id, json!({ "permissions": ["all"] })).await.unwrap();
        assert!(expect_error(raised, StatusCode::FORBIDDEN).await.contains("all"));
        let admin_too = put(id, json!({ "permissions": ["asset.read", "adminUser.update"] })).await.unwrap();
        assert!(expect_error(admin_too, StatusCode::FORBIDDEN).await.contains("adminUser.update"));
    }
    assert_eq!(permissions_of(updater_id.clone()).await, json!(["apiKey.update", "asset.read"]));
    assert_eq!(permissions_of(other_id.clone()).await, json!(["asset.read"]));
    let admin_users = server.http.get(server.api("/admin/users")).header("x-api-key", &updater).send().await.unwrap();
    expect_error(admin_users, StatusCode::FORBIDDEN).await;

    // What it holds it may give, and a rename needs no more than apiKey.update.
    assert_eq!(put(&other_id, json!({ "permissions": ["asset.read"], "name": "reader" })).await.unwrap().status(), 200);
    assert_eq!(put(&updater_id, json!({ "name": "updater" })).await.unwrap().status(), 200);
    // The user's session holds everything: it may raise any key.
    let raised = server
        .send(&admin, reqwest::Method::PUT, &format!("/api-keys/{other_id}"), Some(json!({ "permissions": ["all"] })))
        .await;
    assert_eq!(raised.status(), StatusCode::OK);
}

//! The locked folder: a PIN code opens it for one session; until then its photos are in no
//! view at all (timeline, search, albums, downloads, statistics, single reads).

use crate::common;

use common::{PASSWORD, TestServer, expect_error, jpeg};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn status(server: &TestServer, token: &str) -> Value {
    let response = server.get(token, "/auth/status").await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// What the default timeline shows: every asset id in every month.
async fn timeline_ids(server: &TestServer, token: &str, query: &str) -> Vec<String> {
    let buckets: Value = server.get(token, &format!("/timeline/buckets?{query}")).await.json().await.unwrap();
    let mut ids = Vec::new();
    for bucket in buckets.as_array().unwrap() {
        let month = bucket["timeBucket"].as_str().unwrap();
        let assets: Value =
            server.get(token, &format!("/timeline/bucket?timeBucket={month}&{query}")).await.json().await.unwrap();
        ids.extend(assets["id"].as_array().unwrap().iter().map(|id| id.as_str().unwrap().to_owned()));
    }
    ids
}

async fn send_status(server: &TestServer, token: &str, method: Method, path: &str, body: Value) -> StatusCode {
    server.send(token, method, path, Some(body)).await.status()
}

#[tokio::test]
async fn locked_photos_show_only_to_a_session_the_pin_code_unlocked() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let open = server.upload_new(&token, "open.jpg", jpeg(1), "2024-03-01T10:00:00.000Z").await;
    let secret = server.upload_new(&token, "secret.jpg", jpeg(2), "2024-03-02T10:00:00.000Z").await;
    let album: Value = server
        .send(&token, Method::POST, "/albums", Some(json!({ "albumName": "Trip", "assetIds": [open, secret] })))
        .await
        .json()
        .await
        .unwrap();
    let album_id = album["id"].as_str().unwrap().to_owned();

    let moved =
        send_status(&server, &token, Method::PUT, "/assets", json!({ "ids": [secret], "visibility": "locked" }));
    assert_eq!(moved.await, StatusCode::NO_CONTENT);
    assert_eq!(status(&server, &token).await, json!({ "pinCode": false, "password": true, "isElevated": false }));

    // Locked: in no view, and not readable by id.
    assert_eq!(timeline_ids(&server, &token, "").await, [open.clone()]);
    let message =
        expect_error(server.get(&token, "/timeline/buckets?visibility=locked").await, StatusCode::UNAUTHORIZED);
    assert!(message.await.contains("Elevated permission is required"));
    expect_error(server.get(&token, &format!("/assets/{secret}")).await, StatusCode::NOT_FOUND).await;
    expect_error(server.get(&token, &format!("/assets/{secret}/original")).await, StatusCode::NOT_FOUND).await;
    let found: Value =
        server.send(&token, Method::POST, "/search/metadata", Some(json!({}))).await.json().await.unwrap();
    let found: Vec<&str> =
        found["assets"]["items"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(found, [open.as_str()]);
    let locked_search = server.send(&token, Method::POST, "/search/metadata", Some(json!({ "visibility": "locked" })));
    expect_error(locked_search.await, StatusCode::UNAUTHORIZED).await;
    let stats: Value = server.get(&token, "/assets/statistics").await.json().await.unwrap();
    assert_eq!(stats["total"], 1);
    expect_error(server.get(&token, "/assets/statistics?visibility=locked").await, StatusCode::UNAUTHORIZED).await;
    // Moving it to the locked folder took it out of the album, and it cannot go back in.
    let album: Value = server.get(&token, &format!("/albums/{album_id}")).await.json().await.unwrap();
    assert_eq!(album["assetCount"], 1);
    let readd: Value = server
        .send(&token, Method::PUT, &format!("/albums/{album_id}/assets"), Some(json!({ "ids": [secret] })))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(readd[0]["success"], false, "{readd}");
    let download = server.send(&token, Method::POST, "/download/info", Some(json!({ "assetIds": [secret] })));
    expect_error(download.await, StatusCode::BAD_REQUEST).await;
    let me: Value = server.get(&token, "/users/me").await.json().await.unwrap();
    let library: Value = server
        .send(&token, Method::POST, "/download/info", Some(json!({ "userId": me["id"] })))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(library["archives"][0]["assetIds"], json!([open]));
    // Nor can it be taken out of the locked folder while it is locked.
    let out = server.send(&token, Method::PUT, "/assets", Some(json!({ "ids": [secret], "visibility": "timeline" })));
    expect_error(out.await, StatusCode::BAD_REQUEST).await;

    // A PIN code is six digits, set once.
    let short = server.send(&token, Method::POST, "/auth/pin-code", Some(json!({ "pinCode": "12345" })));
    assert!(expect_error(short.await, StatusCode::BAD_REQUEST).await.contains("six digits"));
    assert_eq!(
        send_status(&server, &token, Method::POST, "/auth/pin-code", json!({ "pinCode": "123456" })).await,
        StatusCode::NO_CONTENT
    );
    let again = server.send(&token, Method::POST, "/auth/pin-code", Some(json!({ "pinCode": "654321" })));
    assert!(expect_error(again.await, StatusCode::BAD_REQUEST).await.contains("already has a PIN code"));
    let stored: String = sqlx::query_scalar("SELECT pin_code_hash FROM users").fetch_one(&server.ctx.db).await.unwrap();
    assert!(stored.starts_with("$argon2id$"), "the PIN code is stored hashed");

    // Unlocking takes the PIN code, not the password.
    let wrong = server.send(&token, Method::POST, "/auth/session/unlock", Some(json!({ "pinCode": "000000" })));
    assert!(expect_error(wrong.await, StatusCode::BAD_REQUEST).await.contains("Wrong PIN code"));
    let by_password = server.send(&token, Method::POST, "/auth/session/unlock", Some(json!({ "password": PASSWORD })));
    expect_error(by_password.await, StatusCode::BAD_REQUEST).await;
    assert_eq!(
        send_status(&server, &token, Method::POST, "/auth/session/unlock", json!({ "pinCode": "123456" })).await,
        StatusCode::NO_CONTENT
    );
    let unlocked = status(&server, &token).await;
    assert_eq!((unlocked["pinCode"].clone(), unlocked["isElevated"].clone()), (json!(true), json!(true)));
    let until = chrono::DateTime::parse_from_rfc3339(unlocked["pinExpiresAt"].as_str().unwrap()).unwrap();
    let left = until.with_timezone(&chrono::Utc) - chrono::Utc::now();
    assert!(left > chrono::Duration::minutes(14) && left <= chrono::Duration::minutes(15), "{left}");

    // Unlocked: the locked view lists it, and only it; everything else still leaves it out.
    assert_eq!(timeline_ids(&server, &token, "visibility=locked").await, [secret.clone()]);
    assert_eq!(timeline_ids(&server, &token, "").await, [open.clone()]);
    assert_eq!(server.get(&token, &format!("/assets/{secret}")).await.status(), StatusCode::OK);
    assert_eq!(server.get(&token, &format!("/assets/{secret}/original")).await.bytes().await.unwrap(), jpeg(2));
    let stats: Value = server.get(&token, "/assets/statistics?visibility=locked").await.json().await.unwrap();
    assert_eq!(stats["total"], 1);
    // Only this session: another login of the same user is still locked, and so is an API key.
    let phone = server.login("admin@example.com", PASSWORD).await;
    assert_eq!(status(&server, &phone).await["isElevated"], false);
    expect_error(server.get(&phone, &format!("/assets/{secret}")).await, StatusCode::NOT_FOUND).await;
    let (_, key) = server.api_key(&token, &["all"]).await;
    let by_key = server
        .http
        .post(server.api("/auth/session/unlock"))
        .header("x-api-key", &key)
        .json(&json!({ "pinCode": "123456" }))
        .send()
        .await
        .unwrap();
    assert!(expect_error(by_key, StatusCode::BAD_REQUEST).await.contains("session token"));

    // Locking the session hides it again.
    assert_eq!(
        send_status(&server, &token, Method::POST, "/auth/session/lock", json!({})).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(status(&server, &token).await["isElevated"], false);
    expect_error(server.get(&token, &format!("/assets/{secret}")).await, StatusCode::NOT_FOUND).await;

    // Changing the PIN code needs the old one (or the password); the old one then stops working.
    let bad_change = json!({ "pinCode": "111111", "newPinCode": "654321" });
    let bad_change = server.send(&token, Method::PUT, "/auth/pin-code", Some(bad_change));
    assert!(expect_error(bad_change.await, StatusCode::BAD_REQUEST).await.contains("Wrong PIN code"));
    let change = json!({ "pinCode": "123456", "newPinCode": "654321" });
    assert_eq!(send_status(&server, &token, Method::PUT, "/auth/pin-code", change).await, StatusCode::NO_CONTENT);
    let old = server.send(&token, Method::POST, "/auth/session/unlock", Some(json!({ "pinCode": "123456" })));
    expect_error(old.await, StatusCode::BAD_REQUEST).await;
    let unlock = json!({ "pinCode": "654321" });
    assert_eq!(
        send_status(&server, &token, Method::POST, "/auth/session/unlock", unlock).await,
        StatusCode::NO_CONTENT
    );

    // Resetting takes the password, removes the PIN code and locks every session.
    let wrong_password = server.send(&token, Method::DELETE, "/auth/pin-code", Some(json!({ "password": "nope" })));
    assert!(expect_error(wrong_password.await, StatusCode::BAD_REQUEST).await.contains("Wrong password"));
    let nothing = server.send(&token, Method::DELETE, "/auth/pin-code", Some(json!({})));
    assert!(expect_error(nothing.await, StatusCode::BAD_REQUEST).await.contains("Either password or pinCode"));
    let reset = json!({ "password": PASSWORD });
    assert_eq!(send_status(&server, &token, Method::DELETE, "/auth/pin-code", reset).await, StatusCode::NO_CONTENT);
    assert_eq!(status(&server, &token).await, json!({ "pinCode": false, "password": true, "isElevated": false }));
    expect_error(server.get(&token, &format!("/assets/{secret}")).await, StatusCode::NOT_FOUND).await;
    let no_pin = server.send(&token, Method::POST, "/auth/session/unlock", Some(json!({ "pinCode": "654321" })));
    assert!(expect_error(no_pin.await, StatusCode::BAD_REQUEST).await.contains("does not have a PIN code"));
}

#[tokio::test]
async fn an_unlock_expires_and_a_partner_never_sees_the_locked_folder() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let partner = server.user(&token, "partner@example.com").await;
    let partner_me: Value = server.get(&partner, "/users/me").await.json().await.unwrap();
    let me: Value = server.get(&token, "/users/me").await.json().await.unwrap();
    let share = json!({ "sharedWithId": partner_me["id"] });
    assert!(server.send(&token, Method::POST, "/partners", Some(share)).await.status().is_success());
    let secret = server.upload_new(&token, "secret.jpg", jpeg(3), "2024-03-02T10:00:00.000Z").await;
    let moved =
        send_status(&server, &token, Method::PUT, "/assets", json!({ "ids": [secret], "visibility": "locked" }));
    assert_eq!(moved.await, StatusCode::NO_CONTENT);
    assert_eq!(
        send_status(&server, &token, Method::POST, "/auth/pin-code", json!({ "pinCode": "123456" })).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        send_status(&server, &token, Method::POST, "/auth/session/unlock", json!({ "pinCode": "123456" })).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(server.get(&token, &format!("/assets/{secret}")).await.status(), StatusCode::OK);

    // The partner sees the owner's timeline, never the locked folder, even with their own PIN.
    let theirs = format!("userId={}", me["id"].as_str().unwrap());
    assert!(timeline_ids(&server, &partner, &theirs).await.is_empty());
    expect_error(server.get(&partner, &format!("/assets/{secret}")).await, StatusCode::NOT_FOUND).await;
    send_status(&server, &partner, Method::POST, "/auth/pin-code", json!({ "pinCode": "222222" })).await;
    send_status(&server, &partner, Method::POST, "/auth/session/unlock", json!({ "pinCode": "222222" })).await;
    let other_locked = server.get(&partner, &format!("/timeline/buckets?visibility=locked&{theirs}")).await;
    assert!(expect_error(other_locked, StatusCode::BAD_REQUEST).await.contains("another user's locked timeline"));

    // Fifteen minutes later (the clock moved by rewriting the expiry) the folder is locked again.
    sqlx::query("UPDATE sessions SET pin_expires_at = now() - interval '1 second'")
        .execute(&server.ctx.db)
        .await
        .unwrap();
    assert_eq!(status(&server, &token).await["isElevated"], false);
    expect_error(server.get(&token, &format!("/assets/{secret}")).await, StatusCode::NOT_FOUND).await;
}

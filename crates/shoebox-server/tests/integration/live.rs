//! socket.io at `/api/socket.io` with a real client (python-socketio): who may connect, and
//! which events reach whom, across two servers of one installation (one Redis adapter).

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::common::socketio::SocketIoClient;
use crate::common::{PASSWORD, TestServer, jpeg};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_connection_without_valid_credentials_is_told_unauthorized_and_dropped() {
    let server = TestServer::start().await;
    server.admin().await;
    for headers in [vec![], vec![("cookie", "immich_access_token=not-a-session".to_owned())]] {
        let mut client = SocketIoClient::start(&server.url, &headers);
        let error = client.event("error", WAIT).await;
        assert_eq!(error.arg(), "unauthorized");
        client.wait_for("the disconnect", WAIT, |seen| seen.kind() == "disconnect").await;
        assert!(client.events("on_server_version").is_empty(), "{:?}", client.lines_seen());
        client.stop().await;
    }
}

#[tokio::test]
async fn the_login_cookie_a_bearer_token_the_app_header_and_an_api_key_all_connect() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let cookie = server.login_cookie("admin@example.com", PASSWORD).await;
    let (_, key) = server.api_key(&token, &["all"]).await;
    for headers in [
        vec![("cookie", cookie)],
        vec![("authorization", format!("Bearer {token}"))],
        vec![("x-immich-user-token", token.clone())],
        vec![("x-api-key", key)],
    ] {
        let mut client = SocketIoClient::start(&server.url, &headers);
        client.connected().await;
        let version = &client.events("on_server_version")[0].arg().clone();
        assert!(version["major"].as_u64().unwrap() >= 3, "{version}");
        assert!(version.get("minor").is_some() && version.get("patch").is_some(), "{version}");
        client.stop().await;
    }
}

#[tokio::test]
async fn changes_made_on_one_server_reach_the_owners_sockets_on_another_and_no_one_elses() {
    let first = TestServer::start().await;
    let second = first.beside().await;
    let admin = first.admin().await;
    let owner = first.user(&admin, "owner@example.com").await;
    first.user(&admin, "other@example.com").await;
    let mut owners =
        SocketIoClient::start(&second.url, &[("cookie", second.login_cookie("owner@example.com", PASSWORD).await)]);
    let mut others =
        SocketIoClient::start(&second.url, &[("cookie", second.login_cookie("other@example.com", PASSWORD).await)]);
    owners.connected().await;
    others.connected().await;

    let kept = first.upload_new(&owner, "kept.jpg", jpeg(1), "2024-01-01T00:00:00.000Z").await;
    let gone = first.upload_new(&owner, "gone.jpg", jpeg(2), "2024-01-02T00:00:00.000Z").await;

    let trash = json!({ "ids": [kept, gone] });
    assert_eq!(first.send(&owner, Method::DELETE, "/assets", Some(trash)).await.status(), StatusCode::NO_CONTENT);
    let trashed = owners.event("on_asset_trash", WAIT).await;
    let mut ids: Vec<String> = serde_json::from_value(trashed.arg().clone()).unwrap();
    ids.sort();
    let mut want = vec![kept.clone(), gone.clone()];
    want.sort();
    assert_eq!(ids, want);

    let restore = json!({ "ids": [kept] });
    assert_eq!(first.send(&owner, Method::POST, "/trash/restore/assets", Some(restore)).await.status(), StatusCode::OK);
    assert_eq!(owners.event("on_asset_restore", WAIT).await.arg(), &json!([kept]));

    assert_eq!(first.send(&owner, Method::POST, "/trash/empty", None).await.status(), StatusCode::OK);
    assert_eq!(owners.event("on_asset_delete", WAIT).await.arg(), &json!(gone));

    let edit = json!({ "description": "by the sea" });
    let path = format!("/assets/{kept}");
    assert_eq!(first.send(&owner, Method::PUT, &path, Some(edit)).await.status(), StatusCode::OK);
    let updated = owners.event("on_asset_update", WAIT).await;
    assert_eq!(updated.arg()["id"], kept.as_str());
    assert_eq!(updated.arg()["exifInfo"]["description"], "by the sea");

    let album = first.send(&owner, Method::POST, "/albums", Some(json!({ "albumName": "Sea" }))).await;
    let album: serde_json::Value = album.json().await.unwrap();
    let album = album["id"].as_str().unwrap().to_owned();
    let add = json!({ "ids": [kept] });
    let added = first.send(&owner, Method::PUT, &format!("/albums/{album}/assets"), Some(add)).await;
    assert_eq!(added.status(), StatusCode::OK);
    assert_eq!(owners.event("on_album_update", WAIT).await.arg(), &json!(album));

    // Everything the owner got has arrived by now; the other user's socket got none of it.
    others.drain(Duration::from_millis(500)).await;
    let leaked: Vec<_> =
        others.seen.iter().filter(|seen| seen.kind() == "event" && seen.name() != "on_server_version").collect();
    assert!(leaked.is_empty(), "another user's socket received {leaked:?}");
    owners.stop().await;
    others.stop().await;
}

#[tokio::test]
async fn logging_out_tells_that_sessions_sockets_and_drops_them() {
    let first = TestServer::start().await;
    let second = first.beside().await;
    first.admin().await;
    let token = first.login("admin@example.com", PASSWORD).await;
    let mut client = SocketIoClient::start(&second.url, &[("authorization", format!("Bearer {token}"))]);
    client.connected().await;
    let logout = first.http.post(first.api("/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::OK);
    let deleted = client.event("on_session_delete", WAIT).await;
    assert!(deleted.arg().is_string());
    client.wait_for("the disconnect", WAIT, |seen| seen.kind() == "disconnect").await;
    client.stop().await;
}

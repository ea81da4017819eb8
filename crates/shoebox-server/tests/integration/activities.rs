//! Likes and comments on a shared album, as Immich's apps show them: the album's owner and members
//! comment and like the album or a photo in it, see each other's activity and its counts, delete
//! their own (the owner anyone's), and the owner can switch activity off. Nobody outside the
//! album reads or writes any of it.

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const WHEN: &str = "2024-06-01T10:00:00.000Z";

async fn call(server: &TestServer, token: &str, method: Method, path: &str, body: Option<Value>) -> Value {
    let response = server.send(token, method.clone(), path, body).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{method} {path}: {status} {text}");
    if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() }
}

/// (author's email, type, comment, asset id) of each activity, in order.
fn summary(activities: &Value) -> Vec<(String, String, Value, Value)> {
    activities
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["user"]["email"].as_str().unwrap().to_owned(),
                a["type"].as_str().unwrap().to_owned(),
                a["comment"].clone(),
                a["assetId"].clone(),
            )
        })
        .collect()
}

fn row(email: &str, kind: &str, comment: Value, asset: Value) -> (String, String, Value, Value) {
    (email.to_owned(), kind.to_owned(), comment, asset)
}

#[tokio::test]
async fn album_members_like_and_comment_and_outsiders_see_nothing() {
    let server = TestServer::start().await;
    let owner = server.admin().await;
    let member = server.user(&owner, "alice@example.com").await;
    let stranger = server.user(&owner, "carol@example.com").await;
    let member_id = call(&server, &member, Method::GET, "/users/me", None).await["id"].clone();
    let photo = server.upload_new(&owner, "beach.jpg", jpeg(1), WHEN).await;
    let other_photo = server.upload_new(&owner, "other.jpg", jpeg(2), WHEN).await;
    let album = json!({ "albumName": "Summer", "assetIds": [photo], "albumUsers": [{ "userId": member_id, "role": "viewer" }] });
    let album = call(&server, &owner, Method::POST, "/albums", Some(album)).await;
    assert_eq!(album["isActivityEnabled"], true);
    let album = album["id"].as_str().unwrap().to_owned();

    // A viewer may comment on the album and like a photo in it.
    let comment = json!({ "albumId": album, "type": "comment", "comment": "What a day!" });
    let created = server.send(&member, Method::POST, "/activities", Some(comment)).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let comment: Value = created.json().await.unwrap();
    assert_eq!(
        (&comment["type"], &comment["comment"], &comment["assetId"]),
        (&json!("comment"), &json!("What a day!"), &Value::Null)
    );
    assert_eq!(comment["user"]["email"], "alice@example.com");
    let like = json!({ "albumId": album, "assetId": photo, "type": "like" });
    let liked = server.send(&member, Method::POST, "/activities", Some(like.clone())).await;
    assert_eq!(liked.status(), StatusCode::CREATED);
    let liked: Value = liked.json().await.unwrap();
    // Liking twice is one like: the first comes back, with 200.
    let again = server.send(&member, Method::POST, "/activities", Some(like)).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert_eq!(again.json::<Value>().await.unwrap()["id"], liked["id"]);
    let owner_like =
        call(&server, &owner, Method::POST, "/activities", Some(json!({ "albumId": album, "type": "like" }))).await;
    let owner_comment = json!({ "albumId": album, "assetId": photo, "type": "comment", "comment": "Thanks" });
    call(&server, &owner, Method::POST, "/activities", Some(owner_comment)).await;

    // Both see all of it, oldest first, and can narrow it down.
    let list = |query: &str| format!("/activities?albumId={album}{query}");
    let everything = vec![
        row("alice@example.com", "comment", json!("What a day!"), Value::Null),
        row("alice@example.com", "like", Value::Null, json!(photo)),
        row("admin@example.com", "like", Value::Null, Value::Null),
        row("admin@example.com", "comment", json!("Thanks"), json!(photo)),
    ];
    for token in [&owner, &member] {
        assert_eq!(summary(&call(&server, token, Method::GET, &list(""), None).await), everything);
    }
    let narrowed = |query: &'static str| {
        let path = list(query);
        let (server, owner) = (&server, &owner);
        async move { summary(&call(server, owner, Method::GET, &path, None).await) }
    };
    assert_eq!(narrowed("&level=album").await, [everything[0].clone(), everything[2].clone()]);
    assert_eq!(narrowed("&level=asset").await, [everything[1].clone(), everything[3].clone()]);
    assert_eq!(narrowed("&type=like").await, [everything[1].clone(), everything[2].clone()]);
    assert_eq!(narrowed("&type=comment").await, [everything[0].clone(), everything[3].clone()]);
    let by_member = summary(
        &call(&server, &owner, Method::GET, &list(&format!("&userId={}", member_id.as_str().unwrap())), None).await,
    );
    assert_eq!(by_member, everything[..2]);
    let on_photo = summary(&call(&server, &owner, Method::GET, &list(&format!("&assetId={photo}")), None).await);
    assert_eq!(on_photo, [everything[1].clone(), everything[3].clone()]);
    let stats = call(&server, &member, Method::GET, &format!("/activities/statistics?albumId={album}"), None).await;
    assert_eq!(stats, json!({ "comments": 2, "likes": 2 }));
    let stats = format!("/activities/statistics?albumId={album}&assetId={photo}");
    assert_eq!(call(&server, &member, Method::GET, &stats, None).await, json!({ "comments": 1, "likes": 1 }));

    // Someone outside the album can neither read nor write, nor learn that it exists.
    expect_error(server.get(&stranger, &list("")).await, StatusCode::NOT_FOUND).await;
    expect_error(
        server.get(&stranger, &format!("/activities/statistics?albumId={album}")).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let intrusion = json!({ "albumId": album, "type": "comment", "comment": "hi" });
    expect_error(server.send(&stranger, Method::POST, "/activities", Some(intrusion)).await, StatusCode::NOT_FOUND)
        .await;
    let target = format!("/activities/{}", comment["id"].as_str().unwrap());
    expect_error(server.send(&stranger, Method::DELETE, &target, None).await, StatusCode::NOT_FOUND).await;

    // A member deletes only their own; the owner anyone's.
    let owners_like = format!("/activities/{}", owner_like["id"].as_str().unwrap());
    expect_error(server.send(&member, Method::DELETE, &owners_like, None).await, StatusCode::FORBIDDEN).await;
    let deleted = server.send(&owner, Method::DELETE, &target, None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let members_like = format!("/activities/{}", liked["id"].as_str().unwrap());
    assert_eq!(server.send(&member, Method::DELETE, &members_like, None).await.status(), StatusCode::NO_CONTENT);
    expect_error(server.send(&member, Method::DELETE, &members_like, None).await, StatusCode::NOT_FOUND).await;
    assert_eq!(
        summary(&call(&server, &member, Method::GET, &list(""), None).await),
        [everything[2].clone(), everything[3].clone()]
    );

    // The owner switches activity off: what is there stays readable, nothing new is added.
    let off =
        call(&server, &owner, Method::PATCH, &format!("/albums/{album}"), Some(json!({ "isActivityEnabled": false })))
            .await;
    assert_eq!(off["isActivityEnabled"], false);
    assert_eq!(
        call(&server, &member, Method::GET, &format!("/albums/{album}"), None).await["isActivityEnabled"],
        false
    );
    let refused = json!({ "albumId": album, "type": "like" });
    expect_error(server.send(&member, Method::POST, "/activities", Some(refused.clone())).await, StatusCode::FORBIDDEN)
        .await;
    assert_eq!(call(&server, &member, Method::GET, &list(""), None).await.as_array().unwrap().len(), 2);
    let on =
        call(&server, &owner, Method::PATCH, &format!("/albums/{album}"), Some(json!({ "isActivityEnabled": true })))
            .await;
    assert_eq!(on["isActivityEnabled"], true);
    assert_eq!(server.send(&member, Method::POST, "/activities", Some(refused)).await.status(), StatusCode::CREATED);

    // A photo taken out of the album takes its activity along.
    call(&server, &owner, Method::DELETE, &format!("/albums/{album}/assets"), Some(json!({ "ids": [photo] }))).await;
    let stats = call(&server, &owner, Method::GET, &format!("/activities/statistics?albumId={album}"), None).await;
    assert_eq!(stats, json!({ "comments": 0, "likes": 2 }));
    // A photo that is not in the album takes no activity.
    let elsewhere = json!({ "albumId": album, "assetId": other_photo, "type": "like" });
    expect_error(server.send(&owner, Method::POST, "/activities", Some(elsewhere)).await, StatusCode::BAD_REQUEST)
        .await;

    // Leaving the album ends access to its activity.
    call(&server, &member, Method::DELETE, &format!("/albums/{album}/user/me"), None).await;
    expect_error(server.get(&member, &list("")).await, StatusCode::NOT_FOUND).await;
}

#[tokio::test]
async fn bad_activity_requests_answer_4xx_json_and_add_nothing() {
    let server = TestServer::start().await;
    let owner = server.admin().await;
    let photo = server.upload_new(&owner, "beach.jpg", jpeg(1), WHEN).await;
    let album =
        call(&server, &owner, Method::POST, "/albums", Some(json!({ "albumName": "A", "assetIds": [photo] }))).await;
    let album = album["id"].as_str().unwrap().to_owned();
    let unknown = uuid::Uuid::new_v4();

    let bad = [
        (json!({ "albumId": album, "type": "comment", "comment": "" }), StatusCode::BAD_REQUEST),
        (json!({ "albumId": album, "type": "comment", "comment": "   " }), StatusCode::BAD_REQUEST),
        (json!({ "albumId": album, "type": "comment" }), StatusCode::BAD_REQUEST),
        (json!({ "albumId": album, "type": "comment", "comment": "x".repeat(10_001) }), StatusCode::BAD_REQUEST),
        (json!({ "albumId": album, "type": "like", "comment": "nice" }), StatusCode::BAD_REQUEST),
        (json!({ "albumId": album, "type": "love" }), StatusCode::BAD_REQUEST),
        (json!({ "albumId": album }), StatusCode::BAD_REQUEST),
        (json!({ "albumId": "summer", "type": "like" }), StatusCode::BAD_REQUEST),
        (json!({ "type": "like" }), StatusCode::BAD_REQUEST),
        (json!({ "albumId": unknown, "type": "like" }), StatusCode::NOT_FOUND),
        (json!({ "albumId": album, "assetId": unknown, "type": "like" }), StatusCode::BAD_REQUEST),
    ];
    for (body, status) in bad {
        let message =
            expect_error(server.send(&owner, Method::POST, "/activities", Some(body.clone())).await, status).await;
        assert!(!message.is_empty(), "{body}");
    }
    for path in [
        "/activities".to_owned(),
        "/activities?albumId=summer".to_owned(),
        format!("/activities?albumId={album}&type=love"),
        format!("/activities?albumId={album}&level=photo"),
        "/activities/statistics".to_owned(),
    ] {
        expect_error(server.get(&owner, &path).await, StatusCode::BAD_REQUEST).await;
    }
    expect_error(server.get(&owner, &format!("/activities?albumId={unknown}")).await, StatusCode::NOT_FOUND).await;
    expect_error(server.send(&owner, Method::DELETE, "/activities/nope", None).await, StatusCode::BAD_REQUEST).await;
    expect_error(
        server.send(&owner, Method::DELETE, &format!("/activities/{unknown}"), None).await,
        StatusCode::NOT_FOUND,
    )
    .await;

    let stats = call(&server, &owner, Method::GET, &format!("/activities/statistics?albumId={album}"), None).await;
    assert_eq!(stats, json!({ "comments": 0, "likes": 0 }));
}

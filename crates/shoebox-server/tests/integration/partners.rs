//! Partner sharing: one user shares their timeline with another, who can browse it and show it
//! in their own timeline, and never sees what is archived or trashed.

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const WHEN: &str = "2024-06-01T10:00:00.000Z";

async fn timeline_count(server: &TestServer, token: &str, query: &str) -> i64 {
    let response = server.get(token, &format!("/timeline/buckets?{query}")).await;
    assert_eq!(response.status(), StatusCode::OK, "{query}");
    let buckets: Value = response.json().await.unwrap();
    buckets.as_array().unwrap().iter().map(|bucket| bucket["count"].as_i64().unwrap()).sum()
}

#[tokio::test]
async fn a_partner_sees_the_shared_timeline_and_can_show_it_in_their_own() {
    let server = TestServer::start().await;
    let ann = server.admin().await;
    let bob = server.user(&ann, "bob@example.com").await;
    let ann_id = server.get(&ann, "/users/me").await.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let bob_id = server.get(&bob, "/users/me").await.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let shared = server.upload_new(&ann, "shared.jpg", jpeg(1), WHEN).await;
    let archived = server.upload_new(&ann, "archived.jpg", jpeg(2), WHEN).await;
    let trashed = server.upload_new(&ann, "trashed.jpg", jpeg(3), WHEN).await;
    let bobs = server.upload_new(&bob, "bobs.jpg", jpeg(4), WHEN).await;
    let archive =
        server.send(&ann, Method::PUT, "/assets", Some(json!({ "ids": [archived], "visibility": "archive" })));
    assert_eq!(archive.await.status(), StatusCode::NO_CONTENT);
    let trash = server.send(&ann, Method::DELETE, "/assets", Some(json!({ "ids": [trashed] })));
    assert_eq!(trash.await.status(), StatusCode::NO_CONTENT);

    // Before sharing, Bob sees nothing of Ann's.
    expect_error(server.get(&bob, &format!("/assets/{shared}")).await, StatusCode::NOT_FOUND).await;
    assert_eq!(timeline_count(&server, &bob, &format!("userId={ann_id}")).await, 0);

    let created = server.send(&ann, Method::POST, "/partners", Some(json!({ "sharedWithId": bob_id }))).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!((created["email"].as_str(), created["inTimeline"].as_bool()), (Some("bob@example.com"), Some(false)));
    let by_me: Value = server.get(&ann, "/partners?direction=shared-by").await.json().await.unwrap();
    assert_eq!(by_me.as_array().unwrap().len(), 1);
    let with_me: Value = server.get(&bob, "/partners?direction=shared-with").await.json().await.unwrap();
    assert_eq!(with_me[0]["id"], ann_id.as_str());

    // Bob browses Ann's timeline: what she keeps in it, not her archive or trash.
    assert_eq!(server.get(&bob, &format!("/assets/{shared}")).await.status(), StatusCode::OK);
    assert_eq!(server.get(&bob, &format!("/assets/{shared}/original")).await.bytes().await.unwrap().to_vec(), jpeg(1));
    for hidden in [&archived, &trashed] {
        expect_error(server.get(&bob, &format!("/assets/{hidden}")).await, StatusCode::NOT_FOUND).await;
    }
    assert_eq!(timeline_count(&server, &bob, &format!("userId={ann_id}")).await, 1);
    assert_eq!(timeline_count(&server, &bob, &format!("userId={ann_id}&isTrashed=true")).await, 0);
    // Ann's photos join Bob's own timeline only once he asks for it.
    assert_eq!(timeline_count(&server, &bob, "withPartners=true&visibility=timeline").await, 1);
    let shown =
        server.send(&bob, Method::PUT, &format!("/partners/{ann_id}"), Some(json!({ "inTimeline": true }))).await;
    assert_eq!(shown.json::<Value>().await.unwrap()["inTimeline"], true);
    assert_eq!(timeline_count(&server, &bob, "withPartners=true&visibility=timeline").await, 2);
    assert_eq!(timeline_count(&server, &bob, "visibility=timeline").await, 1);
    let month: Value = server
        .get(&bob, "/timeline/bucket?timeBucket=2024-06-01&withPartners=true&visibility=timeline")
        .await
        .json()
        .await
        .unwrap();
    assert!(month["ownerId"].as_array().unwrap().contains(&json!(ann_id)), "{month}");
    // Seeing is not changing: a bulk change naming Ann's photo changes nothing, not even Bob's own.
    let favorite = json!({ "ids": [shared, bobs], "isFavorite": true });
    let refused = server.send(&bob, Method::PUT, "/assets", Some(favorite)).await;
    assert!(expect_error(refused, StatusCode::BAD_REQUEST).await.contains(&shared), "names the foreign id");
    let refused = server.send(&bob, Method::DELETE, "/assets", Some(json!({ "ids": [bobs, shared] }))).await;
    assert!(expect_error(refused, StatusCode::BAD_REQUEST).await.starts_with("Nothing was changed"));
    let mine: Value = server.get(&bob, &format!("/assets/{bobs}")).await.json().await.unwrap();
    assert_eq!((mine["isFavorite"].as_bool(), mine["isTrashed"].as_bool()), (Some(false), Some(false)));
    assert_eq!(
        server.get(&ann, &format!("/assets/{shared}")).await.json::<Value>().await.unwrap()["isFavorite"],
        false
    );
    // Sharing goes one way: Ann sees nothing of Bob's.
    assert_eq!(timeline_count(&server, &ann, &format!("userId={bob_id}")).await, 0);

    // Mistakes.
    let cases = [
        (&ann, Method::POST, "/partners".to_owned(), Some(json!({ "sharedWithId": ann_id })), StatusCode::BAD_REQUEST),
        (&ann, Method::POST, "/partners".to_owned(), Some(json!({ "sharedWithId": bob_id })), StatusCode::BAD_REQUEST),
        (&ann, Method::POST, format!("/partners/{}", uuid::Uuid::new_v4()), None, StatusCode::BAD_REQUEST),
        (&ann, Method::PUT, format!("/partners/{bob_id}"), Some(json!({ "inTimeline": true })), StatusCode::NOT_FOUND),
        (&bob, Method::DELETE, format!("/partners/{ann_id}"), None, StatusCode::NOT_FOUND),
        (&bob, Method::GET, "/partners".to_owned(), None, StatusCode::BAD_REQUEST),
        (
            &bob,
            Method::GET,
            "/timeline/buckets?withPartners=true&isTrashed=true".to_owned(),
            None,
            StatusCode::BAD_REQUEST,
        ),
    ];
    for (token, method, path, body, status) in cases {
        expect_error(server.send(token, method, &path, body).await, status).await;
    }

    // Ann stops sharing: Bob loses access at once.
    assert_eq!(
        server.send(&ann, Method::DELETE, &format!("/partners/{bob_id}"), None).await.status(),
        StatusCode::NO_CONTENT
    );
    expect_error(server.get(&bob, &format!("/assets/{shared}")).await, StatusCode::NOT_FOUND).await;
    assert_eq!(timeline_count(&server, &bob, "withPartners=true&visibility=timeline").await, 1);
    // The mobile app's older form: the partner in the path.
    assert_eq!(
        server.send(&ann, Method::POST, &format!("/partners/{bob_id}"), None).await.status(),
        StatusCode::CREATED
    );
}

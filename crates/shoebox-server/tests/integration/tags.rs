//! Tags as an Immich user meets them: a path like `Trips/2024/Rome` makes a tree of tags, photos
//! are tagged and untagged one tag at a time or in bulk, a parent tag's photos include its
//! children's in the timeline and in searches, and nobody else ever sees or uses one's tags.

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const JUNE: &str = "2024-06-01T10:00:00.000Z";
const JULY: &str = "2024-07-01T10:00:00.000Z";

async fn call(server: &TestServer, token: &str, method: Method, path: &str, body: Option<Value>) -> Value {
    let response = server.send(token, method.clone(), path, body).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{method} {path}: {status} {text}");
    if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() }
}

fn ids_of(items: &Value) -> Vec<String> {
    let mut ids: Vec<String> =
        items.as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().into()).collect();
    ids.sort();
    ids
}

fn sorted(ids: &[&String]) -> Vec<String> {
    let mut ids: Vec<String> = ids.iter().map(|id| (*id).clone()).collect();
    ids.sort();
    ids
}

/// The ids a timeline filtered by `tag` shows, over all its months.
async fn timeline_ids(server: &TestServer, token: &str, tag: &str) -> Vec<String> {
    let buckets = call(server, token, Method::GET, &format!("/timeline/buckets?tagId={tag}"), None).await;
    let mut ids = Vec::new();
    for bucket in buckets.as_array().unwrap() {
        let month = bucket["timeBucket"].as_str().unwrap();
        let assets =
            call(server, token, Method::GET, &format!("/timeline/bucket?tagId={tag}&timeBucket={month}"), None).await;
        let column = assets["id"].as_array().unwrap();
        assert_eq!(column.len() as i64, bucket["count"].as_i64().unwrap(), "the month's count matches its assets");
        ids.extend(column.iter().map(|id| id.as_str().unwrap().to_owned()));
    }
    ids.sort();
    ids
}

async fn metadata_ids(server: &TestServer, token: &str, filter: Value) -> Vec<String> {
    let found = call(server, token, Method::POST, "/search/metadata", Some(filter)).await;
    ids_of(&found["assets"]["items"])
}

fn tag_values(asset: &Value) -> Vec<&str> {
    asset["tags"].as_array().expect("tags on the asset").iter().map(|tag| tag["value"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn paths_make_a_tree_whose_parents_hold_their_childrens_photos() {
    let server = TestServer::start().await;
    let owner = server.admin().await;
    let [rome1, rome2, milan, untagged] = [
        server.upload_new(&owner, "rome1.jpg", jpeg(1), JUNE).await,
        server.upload_new(&owner, "rome2.jpg", jpeg(2), JULY).await,
        server.upload_new(&owner, "milan.jpg", jpeg(3), JULY).await,
        server.upload_new(&owner, "home.jpg", jpeg(4), JULY).await,
    ];

    // Upserting a path makes every tag along it, once, however often it is named.
    let upserted = call(
        &server,
        &owner,
        Method::PUT,
        "/tags",
        Some(json!({ "tags": ["Trips/2024/Rome", "Family", "Trips/2024/Rome", " / "] })),
    )
    .await;
    let upserted = upserted.as_array().unwrap();
    assert_eq!(upserted.len(), 2, "{upserted:?}");
    assert_eq!((&upserted[0]["value"], &upserted[0]["name"]), (&json!("Trips/2024/Rome"), &json!("Rome")));
    assert_eq!(upserted[1]["value"], "Family");
    assert!(upserted[1].get("parentId").is_none(), "a top-level tag has no parentId");
    let rome = upserted[0]["id"].as_str().unwrap().to_owned();
    let family = upserted[1]["id"].as_str().unwrap().to_owned();
    let all = call(&server, &owner, Method::GET, "/tags", None).await;
    let values: Vec<&str> = all.as_array().unwrap().iter().map(|t| t["value"].as_str().unwrap()).collect();
    assert_eq!(values, ["Family", "Trips", "Trips/2024", "Trips/2024/Rome"]);
    let by_value = |value: &str| all.as_array().unwrap().iter().find(|t| t["value"] == value).unwrap().clone();
    let (trips, year) = (by_value("Trips"), by_value("Trips/2024"));
    assert_eq!(year["parentId"], trips["id"]);
    assert_eq!(upserted[0]["parentId"], year["id"]);
    let trips = trips["id"].as_str().unwrap().to_owned();
    let year = year["id"].as_str().unwrap().to_owned();
    // Upserting again changes nothing.
    let again = call(&server, &owner, Method::PUT, "/tags", Some(json!({ "tags": ["Trips/2024/Rome"] }))).await;
    assert_eq!(again[0]["id"], rome.as_str());
    assert_eq!(call(&server, &owner, Method::GET, "/tags", None).await.as_array().unwrap().len(), 4);

    // A tag made under a parent gets the parent's path in front of its name.
    let created = server
        .send(&owner, Method::POST, "/tags", Some(json!({ "name": "Milan", "parentId": year, "color": "1e88e5" })))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(
        (&created["value"], &created["color"], &created["parentId"]),
        (&json!("Trips/2024/Milan"), &json!("#1e88e5"), &json!(year))
    );
    let milan_tag = created["id"].as_str().unwrap().to_owned();
    let read = call(&server, &owner, Method::GET, &format!("/tags/{milan_tag}"), None).await;
    assert_eq!(read, created);

    // Tagging: one tag on several photos, with an answer per photo.
    let tagged = call(
        &server,
        &owner,
        Method::PUT,
        &format!("/tags/{rome}/assets"),
        Some(json!({ "ids": [rome1, rome2, rome1] })),
    )
    .await;
    assert_eq!(
        tagged,
        json!([
            { "id": rome1, "success": true },
            { "id": rome2, "success": true },
            { "id": rome1, "success": false, "error": "duplicate" },
        ])
    );
    call(&server, &owner, Method::PUT, &format!("/tags/{milan_tag}/assets"), Some(json!({ "ids": [milan] }))).await;
    // In bulk: every tag on every photo; only new links count.
    let bulk = json!({ "tagIds": [family, rome], "assetIds": [rome1, milan] });
    assert_eq!(call(&server, &owner, Method::PUT, "/tags/assets", Some(bulk)).await, json!({ "count": 3 }));

    // The asset shows its tags.
    let asset = call(&server, &owner, Method::GET, &format!("/assets/{rome1}"), None).await;
    assert_eq!(tag_values(&asset), ["Family", "Trips/2024/Rome"]);
    assert_eq!(asset["tags"][1]["name"], "Rome");
    let asset = call(&server, &owner, Method::GET, &format!("/assets/{untagged}"), None).await;
    assert!(tag_values(&asset).is_empty());

    // The timeline of a tag holds its own photos and those of every tag below it.
    assert_eq!(timeline_ids(&server, &owner, &trips).await, sorted(&[&rome1, &rome2, &milan]));
    assert_eq!(timeline_ids(&server, &owner, &year).await, sorted(&[&rome1, &rome2, &milan]));
    assert_eq!(timeline_ids(&server, &owner, &rome).await, sorted(&[&rome1, &rome2, &milan]));
    assert_eq!(timeline_ids(&server, &owner, &milan_tag).await, sorted(&[&milan]));
    assert_eq!(timeline_ids(&server, &owner, &family).await, sorted(&[&rome1, &milan]));

    // Search: the asset must carry every tag named (or one below it); null means "untagged".
    assert_eq!(metadata_ids(&server, &owner, json!({ "tagIds": [trips] })).await, sorted(&[&rome1, &rome2, &milan]));
    assert_eq!(metadata_ids(&server, &owner, json!({ "tagIds": [milan_tag, family] })).await, sorted(&[&milan]));
    assert_eq!(metadata_ids(&server, &owner, json!({ "tagIds": [trips, trips] })).await.len(), 3);
    assert_eq!(metadata_ids(&server, &owner, json!({ "tagIds": null })).await, sorted(&[&untagged]));
    assert_eq!(metadata_ids(&server, &owner, json!({ "tagIds": [] })).await.len(), 4);
    // Smart search takes the same filter.
    shoebox_db::smart_search::prepare(&server.ctx.db, "tags-test", 2).await.unwrap();
    for (index, id) in [&rome1, &rome2, &milan, &untagged].into_iter().enumerate() {
        let id = uuid::Uuid::parse_str(id).unwrap();
        shoebox_db::smart_search::save(&server.ctx.db, id, &[1.0, index as f32 / 10.0]).await.unwrap();
    }
    let smart = call(
        &server,
        &owner,
        Method::POST,
        "/search/smart",
        Some(json!({ "queryAssetId": untagged, "tagIds": [milan_tag] })),
    )
    .await;
    assert_eq!(ids_of(&smart["assets"]["items"]), sorted(&[&milan]));

    // Untagging answers per photo too.
    let untagged_now = call(
        &server,
        &owner,
        Method::DELETE,
        &format!("/tags/{rome}/assets"),
        Some(json!({ "ids": [rome2, untagged] })),
    )
    .await;
    assert_eq!(
        untagged_now,
        json!([{ "id": rome2, "success": true }, { "id": untagged, "success": false, "error": "not_found" }])
    );
    assert_eq!(timeline_ids(&server, &owner, &rome).await, sorted(&[&rome1, &milan]));

    // Colours change and clear; nothing else about a tag does.
    let red = call(&server, &owner, Method::PUT, &format!("/tags/{family}"), Some(json!({ "color": "#F00" }))).await;
    assert_eq!(red["color"], "#F00");
    let plain = call(&server, &owner, Method::PUT, &format!("/tags/{family}"), Some(json!({ "color": null }))).await;
    assert!(plain.get("color").is_none(), "{plain}");
    assert_eq!(plain["value"], "Family");

    // Deleting a tag deletes the tags below it; the photos stay.
    call(&server, &owner, Method::DELETE, &format!("/tags/{trips}"), None).await;
    let left = call(&server, &owner, Method::GET, "/tags", None).await;
    assert_eq!(left.as_array().unwrap().iter().map(|t| t["value"].as_str().unwrap()).collect::<Vec<_>>(), ["Family"]);
    expect_error(server.get(&owner, &format!("/tags/{rome}")).await, StatusCode::NOT_FOUND).await;
    let asset = call(&server, &owner, Method::GET, &format!("/assets/{rome1}"), None).await;
    assert_eq!(tag_values(&asset), ["Family"]);
    assert_eq!(server.asset_rows().await, 4);
}

#[tokio::test]
async fn nobody_sees_or_uses_another_users_tags() {
    let server = TestServer::start().await;
    let owner = server.admin().await;
    let other = server.user(&owner, "bob@example.com").await;
    let other_id = call(&server, &other, Method::GET, "/users/me", None).await["id"].clone();
    let photo = server.upload_new(&owner, "private.jpg", jpeg(1), JUNE).await;
    let theirs = server.upload_new(&other, "bob.jpg", jpeg(2), JUNE).await;
    let tag = call(&server, &owner, Method::PUT, "/tags", Some(json!({ "tags": ["Secret/Plans"] }))).await;
    let (tag, parent) = (tag[0]["id"].as_str().unwrap().to_owned(), tag[0]["parentId"].as_str().unwrap().to_owned());
    call(&server, &owner, Method::PUT, &format!("/tags/{tag}/assets"), Some(json!({ "ids": [photo] }))).await;

    // Bob's tag list is his own, and the same path is a tag of his own.
    assert_eq!(call(&server, &other, Method::GET, "/tags", None).await, json!([]));
    let his = call(&server, &other, Method::PUT, "/tags", Some(json!({ "tags": ["Secret/Plans"] }))).await;
    let his = his[0]["id"].as_str().unwrap().to_owned();
    assert_ne!(his, tag);
    assert_eq!(call(&server, &owner, Method::GET, "/tags", None).await.as_array().unwrap().len(), 2);

    // The owner's tag is not found for Bob, whatever he tries.
    for (method, path, body) in [
        (Method::GET, format!("/tags/{tag}"), None),
        (Method::PUT, format!("/tags/{tag}"), Some(json!({ "color": "#000" }))),
        (Method::DELETE, format!("/tags/{tag}"), None),
        (Method::PUT, format!("/tags/{tag}/assets"), Some(json!({ "ids": [theirs] }))),
        (Method::DELETE, format!("/tags/{tag}/assets"), Some(json!({ "ids": [photo] }))),
    ] {
        let message = expect_error(server.send(&other, method, &path, body).await, StatusCode::NOT_FOUND).await;
        assert_eq!(message, "Tag not found");
    }
    let under = server.send(&other, Method::POST, "/tags", Some(json!({ "name": "Mine", "parentId": parent }))).await;
    expect_error(under, StatusCode::BAD_REQUEST).await;
    // Bob cannot put his tag on the owner's photo, nor use the owner's tag in bulk.
    let tried =
        call(&server, &other, Method::PUT, &format!("/tags/{his}/assets"), Some(json!({ "ids": [photo] }))).await;
    assert_eq!(tried, json!([{ "id": photo, "success": false, "error": "no_permission" }]));
    let bulk = json!({ "tagIds": [tag, his], "assetIds": [photo, theirs] });
    assert_eq!(call(&server, &other, Method::PUT, "/tags/assets", Some(bulk)).await, json!({ "count": 1 }));
    // Filters by the owner's tag find nothing of the owner's for Bob.
    assert_eq!(timeline_ids(&server, &other, &tag).await, Vec::<String>::new());
    assert_eq!(metadata_ids(&server, &other, json!({ "tagIds": [tag] })).await, Vec::<String>::new());

    // Shared in an album, the photo shows Bob no tags of the owner's.
    let album = json!({ "albumName": "Shared", "assetIds": [photo], "albumUsers": [{ "userId": other_id }] });
    call(&server, &owner, Method::POST, "/albums", Some(album)).await;
    let seen = call(&server, &other, Method::GET, &format!("/assets/{photo}"), None).await;
    assert_eq!(seen["originalFileName"], "private.jpg");
    assert!(seen.get("tags").is_none(), "{seen}");
    // Nothing of the owner's changed.
    let asset = call(&server, &owner, Method::GET, &format!("/assets/{photo}"), None).await;
    assert_eq!(tag_values(&asset), ["Secret/Plans"]);
}

#[tokio::test]
async fn bad_tag_requests_answer_4xx_json_and_change_nothing() {
    let server = TestServer::start().await;
    let owner = server.admin().await;
    let tag = call(&server, &owner, Method::POST, "/tags", Some(json!({ "name": "Pets" }))).await;
    let tag = tag["id"].as_str().unwrap().to_owned();
    let unknown = uuid::Uuid::new_v4();

    let bad = [
        (Method::POST, "/tags".to_owned(), json!({ "name": "Pets" }), StatusCode::BAD_REQUEST),
        (Method::POST, "/tags".to_owned(), json!({ "name": "  " }), StatusCode::BAD_REQUEST),
        (Method::POST, "/tags".to_owned(), json!({}), StatusCode::BAD_REQUEST),
        (Method::POST, "/tags".to_owned(), json!({ "name": "Cats", "parentId": unknown }), StatusCode::BAD_REQUEST),
        (Method::POST, "/tags".to_owned(), json!({ "name": "Cats", "parentId": "cats" }), StatusCode::BAD_REQUEST),
        (Method::POST, "/tags".to_owned(), json!({ "name": "Cats", "color": "red" }), StatusCode::BAD_REQUEST),
        (Method::POST, "/tags".to_owned(), json!({ "name": "x".repeat(1001) }), StatusCode::BAD_REQUEST),
        (Method::PUT, "/tags".to_owned(), json!({ "tags": "Pets" }), StatusCode::BAD_REQUEST),
        (Method::PUT, format!("/tags/{tag}"), json!({ "color": "#12345" }), StatusCode::BAD_REQUEST),
        (Method::PUT, format!("/tags/{unknown}"), json!({ "color": "#123" }), StatusCode::NOT_FOUND),
        (Method::PUT, format!("/tags/{unknown}/assets"), json!({ "ids": [] }), StatusCode::NOT_FOUND),
        (Method::PUT, format!("/tags/{tag}/assets"), json!({ "ids": ["nope"] }), StatusCode::BAD_REQUEST),
        (Method::PUT, "/tags/assets".to_owned(), json!({ "tagIds": [tag] }), StatusCode::BAD_REQUEST),
    ];
    for (method, path, body, status) in bad {
        let response = server.send(&owner, method.clone(), &path, Some(body.clone())).await;
        let message = expect_error(response, status).await;
        assert!(!message.is_empty(), "{method} {path} {body}");
    }
    expect_error(server.get(&owner, "/tags/not-a-uuid").await, StatusCode::BAD_REQUEST).await;
    expect_error(server.send(&owner, Method::DELETE, &format!("/tags/{unknown}"), None).await, StatusCode::NOT_FOUND)
        .await;
    let timeline = server.get(&owner, "/timeline/buckets?tagId=pets").await;
    expect_error(timeline, StatusCode::BAD_REQUEST).await;
    let search = server.send(&owner, Method::POST, "/search/metadata", Some(json!({ "tagIds": ["pets"] }))).await;
    assert!(search.status().is_client_error());

    let left = call(&server, &owner, Method::GET, "/tags", None).await;
    assert_eq!(left.as_array().unwrap().iter().map(|t| t["value"].as_str().unwrap()).collect::<Vec<_>>(), ["Pets"]);
    assert!(left[0].get("color").is_none());
}

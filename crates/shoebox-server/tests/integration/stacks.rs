//! Stacks: several shots behind one primary asset. The stacked timeline shows the primary with
//! the stack's size; the stack API creates, changes and dissolves them.

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn bucket(server: &TestServer, token: &str, query: &str) -> Value {
    let response = server.get(token, &format!("/timeline/bucket?timeBucket=2024-05-01&{query}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn update_id(server: &TestServer, stack: &str) -> uuid::Uuid {
    sqlx::query_scalar("SELECT update_id FROM stacks WHERE id = $1")
        .bind(uuid::Uuid::parse_str(stack).unwrap())
        .fetch_one(&server.ctx.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_stack_shows_as_its_primary_asset_until_it_is_dissolved() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let other = server.user(&token, "other@example.com").await;
    let mut shots = Vec::new();
    for (seed, minute) in [(1, "01"), (2, "02"), (3, "03")] {
        let at = format!("2024-05-10T10:{minute}:00.000Z");
        shots.push(server.upload_new(&token, &format!("burst{seed}.jpg"), jpeg(seed), &at).await);
    }
    let single = server.upload_new(&token, "single.jpg", jpeg(9), "2024-05-11T10:00:00.000Z").await;
    let theirs = server.upload_new(&other, "theirs.jpg", jpeg(10), "2024-05-12T10:00:00.000Z").await;

    // The second shot is the best: it leads the stack.
    let created =
        server.send(&token, Method::POST, "/stacks", Some(json!({ "assetIds": [shots[1], shots[0], shots[2]] }))).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let stack: Value = created.json().await.unwrap();
    let stack_id = stack["id"].as_str().unwrap().to_owned();
    assert_eq!(stack["primaryAssetId"], shots[1].as_str());
    let members: Vec<&str> = stack["assets"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(members, [shots[1].as_str(), shots[0].as_str(), shots[2].as_str()]);

    // The stacked timeline shows the primary once, with the stack's id and size.
    let stacked = bucket(&server, &token, "withStacked=true").await;
    assert_eq!(stacked["id"], json!([single, shots[1]]));
    assert_eq!(stacked["stack"], json!([null, [stack_id, "3"]]));
    let buckets: Value = server.get(&token, "/timeline/buckets?withStacked=true").await.json().await.unwrap();
    assert_eq!(buckets, json!([{ "timeBucket": "2024-05-01", "count": 2 }]));
    // Without withStacked every shot shows, as in Immich.
    assert_eq!(bucket(&server, &token, "").await["id"].as_array().unwrap().len(), 4);
    // Each member's own read names its stack.
    let member: Value = server.get(&token, &format!("/assets/{}", shots[0])).await.json().await.unwrap();
    assert_eq!(member["stack"], json!({ "id": stack_id, "primaryAssetId": shots[1], "assetCount": 3 }));
    let alone: Value = server.get(&token, &format!("/assets/{single}")).await.json().await.unwrap();
    assert!(alone.get("stack").is_none_or(Value::is_null), "{alone}");

    // Search, by primary asset or all.
    let all: Value = server.get(&token, "/stacks").await.json().await.unwrap();
    assert_eq!(all.as_array().unwrap().len(), 1);
    let by_primary: Value =
        server.get(&token, &format!("/stacks?primaryAssetId={}", shots[0])).await.json().await.unwrap();
    assert_eq!(by_primary, json!([]));

    // A new primary; the row's update id moves so the phones resync it.
    let before = update_id(&server, &stack_id).await;
    let changed = server
        .send(&token, Method::PUT, &format!("/stacks/{stack_id}"), Some(json!({ "primaryAssetId": shots[2] })))
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(changed.json::<Value>().await.unwrap()["assets"][0]["id"], shots[2].as_str());
    assert_ne!(update_id(&server, &stack_id).await, before);
    assert_eq!(bucket(&server, &token, "withStacked=true").await["id"], json!([single, shots[2]]));
    let outsider = server
        .send(&token, Method::PUT, &format!("/stacks/{stack_id}"), Some(json!({ "primaryAssetId": single })))
        .await;
    assert!(expect_error(outsider, StatusCode::BAD_REQUEST).await.contains("must be in the stack"));

    // Taking a shot out: it is on its own again; the primary cannot leave.
    let primary_out =
        server.send(&token, Method::DELETE, &format!("/stacks/{stack_id}/assets/{}", shots[2]), None).await;
    assert!(expect_error(primary_out, StatusCode::BAD_REQUEST).await.contains("primary"));
    let not_member = server.send(&token, Method::DELETE, &format!("/stacks/{stack_id}/assets/{single}"), None).await;
    assert!(expect_error(not_member, StatusCode::BAD_REQUEST).await.contains("not in stack"));
    let out = server.send(&token, Method::DELETE, &format!("/stacks/{stack_id}/assets/{}", shots[0]), None).await;
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    let stacked = bucket(&server, &token, "withStacked=true").await;
    assert_eq!(stacked["id"], json!([single, shots[2], shots[0]]));
    assert_eq!(stacked["stack"], json!([null, [stack_id, "2"], null]));

    // Nobody else's assets or stacks.
    let foreign = server.send(&token, Method::POST, "/stacks", Some(json!({ "assetIds": [single, theirs] })));
    expect_error(foreign.await, StatusCode::BAD_REQUEST).await;
    let one = server.send(&token, Method::POST, "/stacks", Some(json!({ "assetIds": [single] })));
    assert!(expect_error(one.await, StatusCode::BAD_REQUEST).await.contains("at least 2"));
    expect_error(server.get(&other, &format!("/stacks/{stack_id}")).await, StatusCode::NOT_FOUND).await;
    let theirs_delete = server.send(&other, Method::DELETE, "/stacks", Some(json!({ "ids": [stack_id] })));
    expect_error(theirs_delete.await, StatusCode::BAD_REQUEST).await;

    // Stacking the primary of a stack with another shot merges the old stack in.
    let merged: Value = server
        .send(&token, Method::POST, "/stacks", Some(json!({ "assetIds": [single, shots[2]] })))
        .await
        .json()
        .await
        .unwrap();
    let merged_id = merged["id"].as_str().unwrap().to_owned();
    assert_eq!(merged["assets"].as_array().unwrap().len(), 3, "{merged}");
    expect_error(server.get(&token, &format!("/stacks/{stack_id}")).await, StatusCode::NOT_FOUND).await;
    assert_eq!(bucket(&server, &token, "withStacked=true").await["id"], json!([single, shots[0]]));

    // Dissolving it puts every shot back in the timeline.
    let gone = server.send(&token, Method::DELETE, "/stacks", Some(json!({ "ids": [merged_id] }))).await;
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    assert_eq!(bucket(&server, &token, "withStacked=true").await["stack"], json!([null, null, null, null]));
    let twice = server.send(&token, Method::DELETE, &format!("/stacks/{merged_id}"), None).await;
    expect_error(twice, StatusCode::NOT_FOUND).await;
}

//! Memories: "on this day" ones made once for a day (photos from the same month and day in
//! earlier years, one memory per year) and stored, so they can be saved, edited and deleted.

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test]
async fn earlier_years_on_the_same_day_become_memories() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let other = server.user(&token, "other@example.com").await;
    let mut seed = 0;
    let mut upload = async |token: &str, when: &str| {
        seed += 1;
        server.upload_new(token, &format!("{seed}.jpg"), jpeg(seed), when).await
    };
    let evening = upload(&token, "2020-11-25T18:00:00.000Z").await;
    let morning = upload(&token, "2020-11-25T10:00:00.000Z").await;
    let long_ago = upload(&token, "2015-11-25T08:00:00.000Z").await;
    upload(&token, "2020-11-26T10:00:00.000Z").await; // another day
    upload(&token, "2026-11-25T09:00:00.000Z").await; // this year: not a memory yet
    let archived = upload(&token, "2019-11-25T09:00:00.000Z").await;
    let trashed = upload(&token, "2018-11-25T09:00:00.000Z").await;
    upload(&other, "2021-11-25T09:00:00.000Z").await; // someone else's
    let archive = server.http.put(server.api("/assets")).bearer_auth(&token);
    let archive = archive.json(&json!({ "ids": [archived], "visibility": "archive" })).send().await.unwrap();
    assert_eq!(archive.status(), StatusCode::NO_CONTENT);
    let trash = server.http.delete(server.api("/assets")).bearer_auth(&token).json(&json!({ "ids": [trashed] }));
    assert_eq!(trash.send().await.unwrap().status(), StatusCode::NO_CONTENT);

    let memories: Value = server.get(&token, "/memories?for=2026-11-25").await.json().await.unwrap();
    let summary: Vec<(i64, &str, Vec<&str>)> = memories
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let ids = m["assets"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
            (m["data"]["year"].as_i64().unwrap(), m["memoryAt"].as_str().unwrap(), ids)
        })
        .collect();
    assert_eq!(
        summary,
        [
            (2020, "2020-11-25T00:00:00.000Z", vec![morning.as_str(), evening.as_str()]),
            (2015, "2015-11-25T00:00:00.000Z", vec![long_ago.as_str()]),
        ]
    );
    assert_eq!(memories[0]["type"], "on_this_day");
    assert_eq!(memories[0]["isSaved"], false);

    // The same day asked as a date-time where the client is; the ids stay the same.
    let again: Value = server.get(&token, "/memories?for=2026-11-25T23:30:00-05:00").await.json().await.unwrap();
    assert_eq!(again[0]["id"], memories[0]["id"]);
    assert_eq!(
        server.get(&token, "/memories/statistics?for=2026-11-25").await.json::<Value>().await.unwrap(),
        json!({ "total": 2 })
    );
    assert_eq!(
        server
            .get(&token, "/memories?for=2026-11-25&size=1")
            .await
            .json::<Value>()
            .await
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        server.get(&token, "/memories?for=2026-11-25&isSaved=true").await.json::<Value>().await.unwrap(),
        json!([])
    );
    assert_eq!(server.get(&token, "/memories?for=2026-06-01").await.json::<Value>().await.unwrap(), json!([]));
    assert_eq!(
        server.get(&other, "/memories?for=2026-11-25").await.json::<Value>().await.unwrap().as_array().unwrap().len(),
        1
    );

    let message = expect_error(server.get(&token, "/memories?for=November").await, StatusCode::BAD_REQUEST).await;
    assert!(message.contains("for must be a date"), "{message}");
    expect_error(server.get(&token, "/memories?type=holiday").await, StatusCode::BAD_REQUEST).await;
    expect_error(server.http.get(server.api("/memories")).send().await.unwrap(), StatusCode::UNAUTHORIZED).await;
}

async fn memory_update_id(server: &TestServer, id: &str) -> uuid::Uuid {
    sqlx::query_scalar("SELECT update_id FROM memories WHERE id = $1")
        .bind(uuid::Uuid::parse_str(id).unwrap())
        .fetch_one(&server.ctx.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn memories_are_stored_so_they_can_be_saved_seen_edited_and_deleted() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let other = server.user(&token, "other@example.com").await;
    let first = server.upload_new(&token, "1.jpg", jpeg(1), "2020-03-10T10:00:00.000Z").await;
    let extra = server.upload_new(&token, "2.jpg", jpeg(2), "2021-01-01T10:00:00.000Z").await;
    let theirs = server.upload_new(&other, "3.jpg", jpeg(3), "2021-01-01T10:00:00.000Z").await;

    // Asking about a day makes its memories once; the row is there for the phone to sync.
    let listed: Value = server.get(&token, "/memories?for=2026-03-10").await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let id = listed[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(listed[0]["showAt"], "2026-03-10T00:00:00.000Z");
    assert_eq!(listed[0]["hideAt"], "2026-03-10T23:59:59.999Z");
    let again: Value = server.get(&token, "/memories?for=2026-03-10").await.json().await.unwrap();
    assert_eq!(again.as_array().unwrap().len(), 1);
    assert_eq!(again[0]["id"], id.as_str());
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM memories").fetch_one(&server.ctx.db).await.unwrap();
    assert_eq!(rows, 1);
    // A memory shows only on its day, but is kept: all of them without `for`.
    assert_eq!(server.get(&token, "/memories?for=2026-03-11").await.json::<Value>().await.unwrap(), json!([]));
    let all: Value = server.get(&token, "/memories").await.json().await.unwrap();
    assert!(all.as_array().unwrap().iter().any(|m| m["id"] == id.as_str()), "{all}");

    // Saving and marking it seen, each moving the row's update id.
    let before = memory_update_id(&server, &id).await;
    let saved = server.send(&token, Method::PUT, &format!("/memories/{id}"), Some(json!({ "isSaved": true }))).await;
    assert_eq!(saved.status(), StatusCode::OK);
    assert_eq!(saved.json::<Value>().await.unwrap()["isSaved"], true);
    assert_ne!(memory_update_id(&server, &id).await, before);
    let seen = json!({ "seenAt": "2026-03-10T08:00:00.000Z" });
    let seen: Value =
        server.send(&token, Method::PUT, &format!("/memories/{id}"), Some(seen)).await.json().await.unwrap();
    assert_eq!((seen["seenAt"].as_str(), seen["isSaved"].as_bool()), (Some("2026-03-10T08:00:00.000Z"), Some(true)));
    let saved_only: Value = server.get(&token, "/memories?isSaved=true").await.json().await.unwrap();
    assert_eq!(saved_only.as_array().unwrap().len(), 1);
    let empty = server.send(&token, Method::PUT, &format!("/memories/{id}"), Some(json!({}))).await;
    expect_error(empty, StatusCode::BAD_REQUEST).await;

    // Its photos can change: one of the owner's added, someone else's refused, one removed.
    let body = json!({ "ids": [extra, theirs, first] });
    let added: Value =
        server.send(&token, Method::PUT, &format!("/memories/{id}/assets"), Some(body)).await.json().await.unwrap();
    assert_eq!(
        added,
        json!([
            { "id": extra, "success": true },
            { "id": theirs, "success": false, "error": "not_found" },
            { "id": first, "success": false, "error": "duplicate" },
        ])
    );
    let read: Value = server.get(&token, &format!("/memories/{id}")).await.json().await.unwrap();
    let ids: Vec<&str> = read["assets"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [first.as_str(), extra.as_str()]);
    let body = json!({ "ids": [extra] });
    let removed: Value =
        server.send(&token, Method::DELETE, &format!("/memories/{id}/assets"), Some(body)).await.json().await.unwrap();
    assert_eq!(removed, json!([{ "id": extra, "success": true }]));

    // Nobody else can read or change it.
    expect_error(server.get(&other, &format!("/memories/{id}")).await, StatusCode::BAD_REQUEST).await;
    let foreign = server.send(&other, Method::DELETE, &format!("/memories/{id}"), None).await;
    expect_error(foreign, StatusCode::BAD_REQUEST).await;

    // Deleted, it stays deleted: asking about the day again does not bring it back.
    let deleted = server.send(&token, Method::DELETE, &format!("/memories/{id}"), None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(server.get(&token, "/memories?for=2026-03-10").await.json::<Value>().await.unwrap(), json!([]));
    // A photo of another year on that day, uploaded later, gets its own memory.
    let later = server.upload_new(&token, "4.jpg", jpeg(4), "2019-03-10T10:00:00.000Z").await;
    let listed: Value = server.get(&token, "/memories?for=2026-03-10").await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert_eq!(listed[0]["data"], json!({ "year": 2019 }));
    assert_eq!(listed[0]["assets"][0]["id"], later.as_str());

    // A memory made by hand.
    let made = json!({
        "type": "on_this_day", "data": { "year": 2021 }, "memoryAt": "2021-01-01T00:00:00.000Z",
        "assetIds": [extra, theirs], "isSaved": true,
    });
    let made = server.send(&token, Method::POST, "/memories", Some(made)).await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let made: Value = made.json().await.unwrap();
    let ids: Vec<&str> = made["assets"].as_array().unwrap().iter().map(|a| a["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [extra.as_str()]);
    assert!(made.get("showAt").is_none(), "a memory without a window always shows: {made}");
    let stats: Value = server.get(&token, "/memories/statistics?isSaved=true").await.json().await.unwrap();
    assert_eq!(stats, json!({ "total": 1 }));
    let bad = json!({ "type": "on_this_day", "data": { "year": 21 }, "memoryAt": "2021-01-01T00:00:00.000Z" });
    expect_error(server.send(&token, Method::POST, "/memories", Some(bad)).await, StatusCode::BAD_REQUEST).await;
    let bad = json!({ "type": "on_this_day", "data": { "year": 2021 }, "memoryAt": "yesterday" });
    expect_error(server.send(&token, Method::POST, "/memories", Some(bad)).await, StatusCode::BAD_REQUEST).await;
}

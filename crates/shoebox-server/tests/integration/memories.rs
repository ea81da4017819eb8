//! "On this day": photos from the same month and day in earlier years, one memory per year.

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::StatusCode;
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

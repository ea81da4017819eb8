//! The machine-learning endpoints' answers to bad and foreign input: people, faces, search and
//! duplicates. (Results with real models are tested end to end in shoebox-worker's tests.)

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::StatusCode;
use serde_json::{Value, json};

async fn send(
    server: &TestServer,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut request = server.http.request(method, server.api(path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn people_and_faces_reject_bad_and_foreign_ids() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    let alice = server.user(&admin, "alice@example.com").await;
    use reqwest::Method;

    let created = send(&server, &admin, Method::POST, "/people", Some(json!({ "name": "Ada" }))).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let person: Value = created.json().await.unwrap();
    assert_eq!((person["name"].as_str(), person["isHidden"].as_bool()), (Some("Ada"), Some(false)));
    assert_eq!(person["birthDate"], Value::Null);
    let id = person["id"].as_str().unwrap();

    // Bad ids are 400; someone else's person is 404, whatever the verb.
    expect_error(server.get(&admin, "/people/not-a-uuid").await, StatusCode::BAD_REQUEST).await;
    expect_error(server.get(&alice, &format!("/people/{id}")).await, StatusCode::NOT_FOUND).await;
    expect_error(server.get(&alice, &format!("/people/{id}/statistics")).await, StatusCode::NOT_FOUND).await;
    expect_error(server.get(&alice, &format!("/people/{id}/thumbnail")).await, StatusCode::NOT_FOUND).await;
    let rename = send(&server, &alice, Method::PUT, &format!("/people/{id}"), Some(json!({ "name": "Eve" }))).await;
    expect_error(rename, StatusCode::NOT_FOUND).await;
    let merge = send(&server, &alice, Method::POST, &format!("/people/{id}/merge"), Some(json!({ "ids": [id] }))).await;
    expect_error(merge, StatusCode::NOT_FOUND).await;
    let bulk =
        send(&server, &alice, Method::PUT, "/people", Some(json!({ "people": [{ "id": id, "name": "Eve" }] }))).await;
    assert_eq!(bulk.json::<Value>().await.unwrap(), json!([{ "id": id, "success": false, "error": "not_found" }]));
    assert_eq!(server.get(&admin, &format!("/people/{id}")).await.json::<Value>().await.unwrap()["name"], "Ada");

    // Bad bodies are 400.
    let future =
        send(&server, &admin, Method::PUT, &format!("/people/{id}"), Some(json!({ "birthDate": "2999-01-01" }))).await;
    expect_error(future, StatusCode::BAD_REQUEST).await;
    let not_a_date =
        send(&server, &admin, Method::PUT, &format!("/people/{id}"), Some(json!({ "birthDate": "soon" }))).await;
    expect_error(not_a_date, StatusCode::BAD_REQUEST).await;
    let empty_merge =
        send(&server, &admin, Method::POST, &format!("/people/{id}/merge"), Some(json!({ "ids": [] }))).await;
    expect_error(empty_merge, StatusCode::BAD_REQUEST).await;
    let self_merge =
        send(&server, &admin, Method::POST, &format!("/people/{id}/merge"), Some(json!({ "ids": [id] }))).await;
    assert_eq!(
        self_merge.json::<Value>().await.unwrap(),
        json!([{ "id": id, "success": false, "error": "duplicate" }])
    );
    let asset = server.upload_new(&admin, "a.jpg", jpeg(1), "2024-01-01T00:00:00.000Z").await;
    let no_face =
        send(&server, &admin, Method::PUT, &format!("/people/{id}"), Some(json!({ "featureFaceAssetId": asset })))
            .await;
    expect_error(no_face, StatusCode::BAD_REQUEST).await;
    let birthday =
        send(&server, &admin, Method::PUT, &format!("/people/{id}"), Some(json!({ "birthDate": "1815-12-10" }))).await;
    assert_eq!(birthday.json::<Value>().await.unwrap()["birthDate"], "1815-12-10");
    let cleared =
        send(&server, &admin, Method::PUT, &format!("/people/{id}"), Some(json!({ "birthDate": null }))).await;
    assert_eq!(cleared.json::<Value>().await.unwrap()["birthDate"], Value::Null);

    // Faces: the asset id is required and must be the caller's.
    expect_error(server.get(&admin, "/faces").await, StatusCode::BAD_REQUEST).await;
    expect_error(server.get(&admin, "/faces?id=nope").await, StatusCode::BAD_REQUEST).await;
    expect_error(server.get(&alice, &format!("/faces?id={asset}")).await, StatusCode::NOT_FOUND).await;
    assert_eq!(server.get(&admin, &format!("/faces?id={asset}")).await.json::<Value>().await.unwrap(), json!([]));
    // `PUT /faces/{personId}` with the face in the body, as Immich's web sends it.
    let missing_face = uuid::Uuid::new_v4();
    let reassign =
        send(&server, &admin, Method::PUT, &format!("/faces/{id}"), Some(json!({ "id": missing_face }))).await;
    assert!(expect_error(reassign, StatusCode::NOT_FOUND).await.contains("Face"));
    let foreign =
        send(&server, &alice, Method::PUT, &format!("/faces/{id}"), Some(json!({ "id": missing_face }))).await;
    assert!(expect_error(foreign, StatusCode::NOT_FOUND).await.contains("Person"));
    let gone = send(&server, &admin, Method::DELETE, &format!("/faces/{missing_face}"), None).await;
    assert!(expect_error(gone, StatusCode::NOT_FOUND).await.contains("Face"));
    let bad = send(&server, &admin, Method::DELETE, &format!("/faces/{missing_face}"), Some(json!({ "force": "yes" }))).await;
    expect_error(bad, StatusCode::BAD_REQUEST).await;
    let nobody = send(
        &server,
        &admin,
        Method::PUT,
        &format!("/people/{missing_face}/reassign"),
        Some(json!({ "data": [{ "assetId": asset, "personId": id }] })),
    )
    .await;
    assert!(expect_error(nobody, StatusCode::NOT_FOUND).await.contains("Person"));

    // A person with no faces is not listed, as in Immich.
    let listed: Value = server.get(&admin, "/people").await.json().await.unwrap();
    assert_eq!((listed["total"].as_i64(), listed["people"].as_array().map(Vec::len)), (Some(0), Some(0)));
    expect_error(server.get(&admin, "/people?size=0").await, StatusCode::BAD_REQUEST).await;
    expect_error(server.get(&admin, "/people?withHidden=maybe").await, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn searches_and_duplicates_reject_bad_input() {
    let server = TestServer::start_with(|config| config.ml.models_dir = "/nonexistent/models".into()).await;
    let admin = server.admin().await;
    use reqwest::Method;
    let search = |body: Value| send(&server, &admin, Method::POST, "/search/metadata", Some(body));

    expect_error(search(json!({ "personIds": ["not-a-uuid"] })).await, StatusCode::BAD_REQUEST).await;
    expect_error(search(json!({ "size": 0 })).await, StatusCode::BAD_REQUEST).await;
    expect_error(search(json!({ "page": 0 })).await, StatusCode::BAD_REQUEST).await;
    expect_error(search(json!({ "takenAfter": "yesterday" })).await, StatusCode::BAD_REQUEST).await;
    expect_error(search(json!({ "type": "SOUND" })).await, StatusCode::BAD_REQUEST).await;
    expect_error(search(json!({ "order": "sideways" })).await, StatusCode::BAD_REQUEST).await;
    let backwards = json!({ "takenAfter": "2024-01-01T00:00:00Z", "takenBefore": "2023-01-01T00:00:00Z" });
    expect_error(search(backwards).await, StatusCode::BAD_REQUEST).await;
    let empty: Value = search(json!({})).await.json().await.unwrap();
    assert_eq!(empty["assets"], json!({ "total": 0, "count": 0, "items": [], "facets": [], "nextPage": null }));

    let smart = |body: Value| send(&server, &admin, Method::POST, "/search/smart", Some(body));
    expect_error(smart(json!({})).await, StatusCode::BAD_REQUEST).await;
    expect_error(smart(json!({ "query": "   " })).await, StatusCode::BAD_REQUEST).await;
    let waiting = expect_error(smart(json!({ "query": "red" })).await, StatusCode::SERVICE_UNAVAILABLE).await;
    assert!(waiting.contains("waiting for the CLIP model"), "{waiting}");
    let missing = json!({ "queryAssetId": uuid::Uuid::new_v4() });
    expect_error(smart(missing).await, StatusCode::NOT_FOUND).await;

    expect_error(server.get(&admin, "/search/suggestions").await, StatusCode::BAD_REQUEST).await;
    expect_error(server.get(&admin, "/search/suggestions?type=weather").await, StatusCode::BAD_REQUEST).await;
    assert_eq!(server.get(&admin, "/search/suggestions?type=country").await.json::<Value>().await.unwrap(), json!([]));
    assert_eq!(server.get(&admin, "/search/cities").await.json::<Value>().await.unwrap(), json!([]));
    expect_error(server.get(&admin, "/search/person").await, StatusCode::BAD_REQUEST).await;

    assert_eq!(server.get(&admin, "/duplicates").await.json::<Value>().await.unwrap(), json!([]));
    expect_error(send(&server, &admin, Method::DELETE, "/duplicates/nope", None).await, StatusCode::BAD_REQUEST).await;
    let unknown = uuid::Uuid::new_v4();
    expect_error(
        send(&server, &admin, Method::DELETE, &format!("/duplicates/{unknown}"), None).await,
        StatusCode::NOT_FOUND,
    )
    .await;
    let resolve = json!({ "groups": [{ "duplicateId": unknown, "keepAssetIds": [], "trashAssetIds": [] }] });
    let resolved = send(&server, &admin, Method::POST, "/duplicates/resolve", Some(resolve)).await;
    assert_eq!(
        resolved.json::<Value>().await.unwrap(),
        json!([{ "id": unknown, "success": false, "error": "not_found" }])
    );
    let malformed = send(&server, &admin, Method::POST, "/duplicates/resolve", Some(json!({ "groups": [{}] }))).await;
    expect_error(malformed, StatusCode::BAD_REQUEST).await;
}

//! What a hostile or unlucky client must not get: one guesser locking everyone out of logging
//! in, concurrent uploads passing the quota together, album figures counting photos a member
//! cannot see, and pages without the headers that stop framing and content sniffing.

use crate::common;

use common::{PASSWORD, TestServer, expect_error, jpeg};
use reqwest::multipart::{Form, Part};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

async fn login_status(server: &TestServer, email: &str, password: &str, forwarded_for: Option<&str>) -> StatusCode {
    let mut request =
        server.http.post(server.api("/auth/login")).json(&json!({ "email": email, "password": password }));
    if let Some(address) = forwarded_for {
        request = request.header("x-forwarded-for", address);
    }
    request.send().await.unwrap().status()
}

#[tokio::test]
async fn a_guesser_behind_the_same_proxy_locks_out_only_the_account_they_guess() {
    // No trusted proxies: everyone arrives from the proxy's address (here 127.0.0.1).
    let server = TestServer::start_with(|config| config.login_attempts_per_minute = 3).await;
    let admin = server.admin().await;
    server.user(&admin, "bob@example.com").await;
    for _ in 0..3 {
        assert_eq!(login_status(&server, "admin@example.com", "guess", None).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login_status(&server, "admin@example.com", PASSWORD, None).await, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        login_status(&server, "ADMIN@example.com", "guess", None).await,
        StatusCode::TOO_MANY_REQUESTS,
        "changing the email's case is no way around the limit"
    );
    assert_eq!(
        login_status(&server, "admin@example.com", PASSWORD, Some("198.51.100.1")).await,
        StatusCode::TOO_MANY_REQUESTS,
        "a forwarded address from an untrusted peer is ignored"
    );
    assert_eq!(
        login_status(&server, "bob@example.com", PASSWORD, None).await,
        StatusCode::CREATED,
        "another account from the same address still logs in"
    );
}

#[tokio::test]
async fn a_trusted_proxy_names_the_client_it_forwards() {
    let server = TestServer::start_with(|config| {
        config.login_attempts_per_minute = 3;
        config.trusted_proxies = vec!["127.0.0.0/8".parse().unwrap()];
    })
    .await;
    server.admin().await;
    let guesser = Some("203.0.113.9");
    for _ in 0..3 {
        assert_eq!(login_status(&server, "admin@example.com", "guess", guesser).await, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(login_status(&server, "admin@example.com", PASSWORD, guesser).await, StatusCode::TOO_MANY_REQUESTS);
    // The client forged an entry before the proxy's; the proxy's own entry is the one believed.
    assert_eq!(
        login_status(&server, "admin@example.com", PASSWORD, Some("198.51.100.1, 203.0.113.9")).await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(
        login_status(&server, "admin@example.com", PASSWORD, Some("198.51.100.1")).await,
        StatusCode::CREATED,
        "the real owner, from their own address, is not locked out"
    );
}

#[tokio::test]
async fn concurrent_uploads_cannot_pass_the_quota_together() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    let files: Vec<Vec<u8>> = (0..40).map(jpeg).collect();
    let largest = files.iter().map(Vec::len).max().unwrap() as i64;
    let quota = largest * 10;
    let created = server
        .send(
            &admin,
            Method::POST,
            "/admin/users",
            Some(json!({ "email": "q@example.com", "name": "Q", "password": PASSWORD, "quotaSizeInBytes": quota })),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let token = server.login("q@example.com", PASSWORD).await;

    let uploads = files.into_iter().enumerate().map(|(i, bytes)| {
        let (server, token) = (&server, &token);
        async move { server.upload(token, &format!("q{i}.jpg"), bytes, "2024-05-06T07:08:09.000Z").await }
    });
    let (mut stored, mut refused) = (0, 0);
    for response in futures::future::join_all(uploads).await {
        match response.status() {
            StatusCode::CREATED => stored += 1,
            StatusCode::BAD_REQUEST => {
                assert_eq!(expect_error(response, StatusCode::BAD_REQUEST).await, "Quota has been exceeded!");
                refused += 1;
            }
            other => panic!("upload answered {other}: {}", response.text().await.unwrap()),
        }
    }
    let used: i64 = sqlx::query_scalar("SELECT COALESCE(SUM(file_size_bytes), 0)::bigint FROM assets")
        .fetch_one(&server.ctx.db)
        .await
        .unwrap();
    assert!(used <= quota, "{stored} uploads stored {used} bytes against a quota of {quota}");
    assert!(stored >= 10 && refused >= 1, "{stored} stored, {refused} refused");
    assert_eq!(server.stored_originals().await.len(), stored, "a refused upload leaves no file");
    let me: Value = server.get(&token, "/users/me").await.json().await.unwrap();
    assert_eq!(me["quotaUsageInBytes"], used);
}

async fn upload_as(server: &TestServer, token: &str, seed: u8, taken: &str, visibility: &str) -> String {
    let form = Form::new()
        .part("assetData", Part::bytes(jpeg(seed)).file_name(format!("{seed}.jpg")))
        .text("fileCreatedAt", taken.to_owned())
        .text("fileModifiedAt", taken.to_owned())
        .text("visibility", visibility.to_owned());
    let response = server.http.post(server.api("/assets")).bearer_auth(token).multipart(form).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn album_figures_count_only_what_its_members_can_see() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    let alice = server.user(&admin, "alice@example.com").await;
    let bob = server.user(&admin, "bob@example.com").await;
    let bob_id = server.get(&bob, "/users/me").await.json::<Value>().await.unwrap()["id"].clone();
    // The first asset added becomes the cover; it is the one Alice hides.
    let hidden = upload_as(&server, &alice, 1, "2001-01-01T10:00:00.000Z", "timeline").await;
    let locked = upload_as(&server, &alice, 2, "2002-01-01T10:00:00.000Z", "locked").await;
    let trashed = upload_as(&server, &alice, 3, "2003-01-01T10:00:00.000Z", "timeline").await;
    let archived = upload_as(&server, &alice, 4, "2024-06-01T10:00:00.000Z", "archive").await;
    let shown = upload_as(&server, &alice, 5, "2024-07-01T10:00:00.000Z", "timeline").await;
    let body = json!({
        "albumName": "Summer",
        "assetIds": [hidden, locked, trashed, archived, shown],
        "albumUsers": [{ "userId": bob_id, "role": "viewer" }],
    });
    let created = server.send(&alice, Method::POST, "/albums", Some(body)).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let album = created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let hide =
        server.send(&alice, Method::PUT, "/assets", Some(json!({ "ids": [hidden], "visibility": "hidden" }))).await;
    assert_eq!(hide.status(), StatusCode::NO_CONTENT);
    let trash = server.send(&alice, Method::DELETE, "/assets", Some(json!({ "ids": [trashed] }))).await;
    assert_eq!(trash.status(), StatusCode::NO_CONTENT);

    for (who, token) in [("member", &bob), ("owner", &alice)] {
        let read: Value = server.get(token, &format!("/albums/{album}")).await.json().await.unwrap();
        assert_eq!(read["assetCount"], 2, "{who}: the archived and the shown photo: {read}");
        assert_eq!(read["startDate"], "2024-06-01T10:00:00.000Z", "{who}: {read}");
        assert_eq!(read["endDate"], "2024-07-01T10:00:00.000Z", "{who}: {read}");
        assert_ne!(read["albumThumbnailAssetId"], json!(hidden), "{who}: a hidden photo is no cover");
        let listed: Value = server.get(token, "/albums?shared=true").await.json().await.unwrap();
        assert_eq!(listed[0]["assetCount"], 2, "{who}: {listed}");
        let buckets: Value =
            server.get(token, &format!("/timeline/buckets?albumId={album}")).await.json().await.unwrap();
        let in_view: i64 = buckets.as_array().unwrap().iter().map(|b| b["count"].as_i64().unwrap()).sum();
        assert_eq!(in_view, 2, "{who}: the count is what the album's timeline shows");
    }
    let cover: Value = server.get(&bob, &format!("/albums/{album}")).await.json().await.unwrap();
    let cover = cover["albumThumbnailAssetId"].as_str().unwrap().to_owned();
    let opened = server.get(&bob, &format!("/assets/{cover}")).await;
    assert_eq!(opened.status(), StatusCode::OK, "the member may open the cover they are given");
}

#[tokio::test]
async fn pages_and_api_answers_forbid_framing_and_sniffing() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let page = server.http.get(format!("{}/photos", server.url)).send().await.unwrap();
    let api = server.get(&token, "/users/me").await;
    let error = server.get(&token, "/no-such-thing").await;
    for (what, response) in [("page", page), ("api", api), ("error", error)] {
        let header = |name: &str| response.headers().get(name).map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(header("x-frame-options").as_deref(), Some("DENY"), "{what}");
        assert_eq!(header("x-content-type-options").as_deref(), Some("nosniff"), "{what}");
        let policy = header("content-security-policy").unwrap_or_default();
        assert!(policy.contains("frame-ancestors 'none'"), "{what}: {policy}");
        assert!(policy.contains("script-src 'self'"), "{what}: {policy}");
    }
}

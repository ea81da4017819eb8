//! Sign-up, login, logout, sessions in every form Immich clients send them, and admin users.

use crate::common;

use common::{PASSWORD, TestServer, expect_error};
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn first_user_becomes_admin_and_only_once() {
    let server = TestServer::start().await;
    let response = server
        .http
        .post(server.api("/auth/admin-sign-up"))
        .json(&json!({ "email": "Ada@Example.com", "name": "Ada", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let user: Value = response.json().await.unwrap();
    assert_eq!(user["isAdmin"], true);
    assert_eq!(user["email"], "Ada@Example.com");
    assert!(user.get("password").is_none() && user.get("passwordHash").is_none());

    let again = server
        .http
        .post(server.api("/auth/admin-sign-up"))
        .json(&json!({ "email": "eve@example.com", "name": "Eve", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    let message = expect_error(again, StatusCode::BAD_REQUEST).await;
    assert!(message.contains("already has an admin"), "{message}");

    // Email matching ignores case.
    server.login("ada@example.com", PASSWORD).await;
}

#[tokio::test]
async fn login_returns_immichs_body_and_the_token_works_in_every_form() {
    let server = TestServer::start().await;
    server.admin().await;
    let response = server
        .http
        .post(server.api("/auth/login"))
        .json(&json!({ "email": "admin@example.com", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let cookie =
        response.headers().get_all("set-cookie").iter().map(|v| v.to_str().unwrap().to_owned()).collect::<Vec<_>>();
    assert!(cookie.iter().any(|c| c.starts_with("immich_access_token=") && c.contains("HttpOnly")), "{cookie:?}");
    let body: Value = response.json().await.unwrap();
    for field in [
        "accessToken",
        "userId",
        "userEmail",
        "name",
        "isAdmin",
        "profileImagePath",
        "shouldChangePassword",
        "isOnboarded",
    ] {
        assert!(body.get(field).is_some(), "login response lacks {field}");
    }
    let token = body["accessToken"].as_str().unwrap();

    let forms = [
        ("authorization", format!("Bearer {token}")),
        ("x-immich-user-token", token.to_owned()),
        ("cookie", format!("other=1; immich_access_token={token}")),
    ];
    for (header, value) in forms {
        let me = server.http.get(server.api("/users/me")).header(header, value).send().await.unwrap();
        assert_eq!(me.status(), StatusCode::OK, "via {header}");
        let me: Value = me.json().await.unwrap();
        assert_eq!(me["email"], "admin@example.com");
    }
    let anonymous = server.http.get(server.api("/users/me")).send().await.unwrap();
    expect_error(anonymous, StatusCode::UNAUTHORIZED).await;
    let forged = server.get("not-a-real-token", "/users/me").await;
    expect_error(forged, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn wrong_password_is_refused_and_logout_ends_the_session() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let wrong = server
        .http
        .post(server.api("/auth/login"))
        .json(&json!({ "email": "admin@example.com", "password": "not the password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(expect_error(wrong, StatusCode::UNAUTHORIZED).await, "Incorrect email or password");

    let validate = server.http.post(server.api("/auth/validateToken")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(validate.json::<Value>().await.unwrap()["authStatus"], true);

    let logout = server.http.post(server.api("/auth/logout")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(logout.status(), StatusCode::OK);
    assert_eq!(logout.json::<Value>().await.unwrap()["successful"], true);
    expect_error(server.get(&token, "/users/me").await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn repeated_failed_logins_are_rate_limited() {
    let server = TestServer::start_with(|config| config.login_attempts_per_minute = 3).await;
    server.admin().await;
    let attempt = || {
        server
            .http
            .post(server.api("/auth/login"))
            .json(&json!({ "email": "admin@example.com", "password": "guess" }))
            .send()
    };
    for _ in 0..3 {
        assert_eq!(attempt().await.unwrap().status(), StatusCode::UNAUTHORIZED);
    }
    let message = expect_error(attempt().await.unwrap(), StatusCode::TOO_MANY_REQUESTS).await;
    assert!(message.contains("Too many"), "{message}");
    // Even the right password waits out the minute.
    let right = server
        .http
        .post(server.api("/auth/login"))
        .json(&json!({ "email": "admin@example.com", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn only_admins_manage_users() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    let alice = server.user(&admin, "alice@example.com").await;

    let me: Value = server.get(&alice, "/users/me").await.json().await.unwrap();
    assert_eq!(me["isAdmin"], false);
    assert_eq!(me["shouldChangePassword"], true, "a password set by the admin must be changed");

    let listed: Value = server.get(&admin, "/admin/users").await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 2);

    expect_error(server.get(&alice, "/admin/users").await, StatusCode::FORBIDDEN).await;
    let create = server
        .http
        .post(server.api("/admin/users"))
        .bearer_auth(&alice)
        .json(&json!({ "email": "mallory@example.com", "name": "M", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    expect_error(create, StatusCode::FORBIDDEN).await;

    let duplicate = server
        .http
        .post(server.api("/admin/users"))
        .bearer_auth(&admin)
        .json(&json!({ "email": "ALICE@example.com", "name": "A2", "password": PASSWORD }))
        .send()
        .await
        .unwrap();
    expect_error(duplicate, StatusCode::BAD_REQUEST).await;
}

#[tokio::test]
async fn password_change_needs_the_old_password() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let change = |old: &str, new: &str| {
        server
            .http
            .post(server.api("/auth/change-password"))
            .bearer_auth(&token)
            .json(&json!({ "password": old, "newPassword": new }))
            .send()
    };
    expect_error(change("wrong password", "a new password").await.unwrap(), StatusCode::BAD_REQUEST).await;
    expect_error(change(PASSWORD, "short").await.unwrap(), StatusCode::BAD_REQUEST).await;
    assert_eq!(change(PASSWORD, "a new password").await.unwrap().status(), StatusCode::OK);
    server.login("admin@example.com", "a new password").await;
}

#[tokio::test]
async fn deleting_a_user_ends_their_access_and_force_removes_their_library() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    let keep = server.user(&admin, "keep@example.com").await;
    let gone = server.user(&admin, "gone@example.com").await;
    server.upload_new(&keep, "keep.jpg", common::jpeg(1), "2024-01-01T00:00:00.000Z").await;
    server.upload_new(&gone, "gone.jpg", common::jpeg(2), "2024-01-01T00:00:00.000Z").await;
    assert_eq!(server.stored_originals().await.len(), 2);
    let users: Value = server.get(&admin, "/admin/users").await.json().await.unwrap();
    let id_of = |email: &str| users.as_array().unwrap().iter().find(|u| u["email"] == email).unwrap()["id"].clone();
    let (keep_id, gone_id) = (id_of("keep@example.com"), id_of("gone@example.com"));
    let admin_id: Value = server.get(&admin, "/users/me").await.json::<Value>().await.unwrap()["id"].clone();

    // Only admins delete, never themselves, and a bad id is a JSON error.
    let delete = |token: &str, id: &Value, body: Value| {
        server
            .http
            .delete(server.api(&format!("/admin/users/{}", id.as_str().unwrap())))
            .bearer_auth(token)
            .json(&body)
            .send()
    };
    expect_error(delete(&keep, &gone_id, json!({})).await.unwrap(), StatusCode::FORBIDDEN).await;
    expect_error(delete(&admin, &admin_id, json!({})).await.unwrap(), StatusCode::BAD_REQUEST).await;
    expect_error(server.get(&admin, "/admin/users/not-a-uuid").await, StatusCode::BAD_REQUEST).await;

    // A plain delete ends the user's sessions at once and keeps their files.
    let response = delete(&admin, &keep_id, json!({})).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["status"], "deleted");
    expect_error(server.get(&keep, "/users/me").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(server.stored_originals().await.len(), 2);
    expect_error(delete(&admin, &keep_id, json!({})).await.unwrap(), StatusCode::NOT_FOUND).await;

    // With force the library goes too.
    assert_eq!(delete(&admin, &gone_id, json!({ "force": true })).await.unwrap().status(), StatusCode::OK);
    assert_eq!(server.stored_originals().await.len(), 1);
    assert_eq!(server.asset_rows().await, 1);
    let listed: Value = server.get(&admin, "/admin/users").await.json().await.unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "only the admin is left");
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_but_keeps_this_one_and_the_keys() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    server.user(&admin, "alice@example.com").await;
    let (laptop, phone) =
        (server.login("alice@example.com", PASSWORD).await, server.login("alice@example.com", PASSWORD).await);
    let (_, key) = server.api_key(&laptop, &["all"]).await;
    let as_key = |path: &str| server.http.get(server.api(path)).header("x-api-key", &key).send();

    let change = server
        .http
        .post(server.api("/auth/change-password"))
        .bearer_auth(&laptop)
        .json(&json!({ "password": PASSWORD, "newPassword": "a new password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), StatusCode::OK);
    assert_eq!(server.get(&laptop, "/users/me").await.status(), StatusCode::OK, "the session that changed it stays");
    expect_error(server.get(&phone, "/users/me").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(as_key("/users/me").await.unwrap().status(), StatusCode::OK, "API keys are not sessions");
    server.login("alice@example.com", "a new password").await;

    // Changed through an API key there is no session to keep: every session ends.
    let change = server
        .http
        .post(server.api("/auth/change-password"))
        .header("x-api-key", &key)
        .json(&json!({ "password": "a new password", "newPassword": "a third password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(change.status(), StatusCode::OK);
    expect_error(server.get(&laptop, "/users/me").await, StatusCode::UNAUTHORIZED).await;
}

#[tokio::test]
async fn an_admin_setting_a_password_ends_all_of_the_users_sessions() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    let alice = server.user(&admin, "alice@example.com").await;
    let alice_id =
        server.get(&alice, "/users/me").await.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let reset = |token: &str, body: Value| {
        server.http.put(server.api(&format!("/admin/users/{alice_id}"))).bearer_auth(token).json(&body).send()
    };

    expect_error(reset(&alice, json!({ "password": "taken over" })).await.unwrap(), StatusCode::FORBIDDEN).await;
    let renamed = reset(&admin, json!({ "name": "Alice A." })).await.unwrap();
    assert_eq!(renamed.json::<Value>().await.unwrap()["name"], "Alice A.");
    assert_eq!(server.get(&alice, "/users/me").await.status(), StatusCode::OK, "only a new password ends sessions");

    let response = reset(&admin, json!({ "password": "given by the admin", "shouldChangePassword": true })).await;
    let body: Value = response.unwrap().json().await.unwrap();
    assert_eq!(body["shouldChangePassword"], true, "{body}");
    expect_error(server.get(&alice, "/users/me").await, StatusCode::UNAUTHORIZED).await;
    assert_eq!(server.get(&admin, "/users/me").await.status(), StatusCode::OK, "the admin's own session stays");
    server.login("alice@example.com", "given by the admin").await;
}

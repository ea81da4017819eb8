//! `/api/auth`: first-admin sign-up, login and logout, token validation, password change.

use std::net::SocketAddr;

use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Deserialize;
use serde_json::json;
use shoebox_db::users::{self, CreateUserError, NewUser};

use crate::api::dto::UserAdminResponse;
use crate::auth::limiter::client_address;
use crate::auth::{Auth, Credential, SESSION_COOKIE, password, token};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;
use crate::live::{ClientEvent, Room};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/auth/admin-sign-up", post(admin_sign_up))
        .route("/auth/login", post(login))
        .route("/auth/logout", post(logout))
        .route("/auth/validateToken", post(validate_token))
        .route("/auth/change-password", post(change_password))
}

#[derive(Debug, Deserialize)]
struct SignUp {
    email: String,
    name: String,
    password: String,
}

pub fn check_email(email: &str) -> ApiResult<()> {
    let email = email.trim();
    match email.split_once('@') {
        Some((local, domain)) if !local.is_empty() && !domain.is_empty() && !email.contains(char::is_whitespace) => {
            Ok(())
        }
        _ => Err(ApiError::bad_request("email must be an email")),
    }
}

/// Creates the first account, as admin. Refused once an admin exists.
async fn admin_sign_up(State(ctx): State<ApiContext>, Json(body): Json<SignUp>) -> ApiResult<impl IntoResponse> {
    check_email(&body.email)?;
    password::check_strength(&body.password)?;
    if body.name.trim().is_empty() {
        return Err(ApiError::bad_request("name should not be empty"));
    }
    let new = NewUser {
        email: body.email,
        name: body.name,
        password_hash: password::hash(body.password).await?,
        is_admin: true,
        should_change_password: false,
        quota_size_bytes: None,
        storage_label: Some("admin".into()),
    };
    let user = users::create_first_admin(&ctx.db, &new).await.map_err(|err| match err {
        CreateUserError::AdminExists => ApiError::bad_request("The server already has an admin"),
        CreateUserError::EmailTaken => ApiError::bad_request("User exists"),
        CreateUserError::Database(err) => err.into(),
    })?;
    Ok((StatusCode::CREATED, Json(UserAdminResponse::new(&user, 0))))
}

#[derive(Debug, Deserialize)]
struct Credentials {
    email: String,
    password: String,
}

/// Checks email and password, opens a session and returns its token (also as a cookie).
async fn login(
    State(ctx): State<ApiContext>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Json(body): Json<Credentials>,
) -> ApiResult<Response> {
    let client = client_address(peer.ip(), &headers, &ctx.config.trusted_proxies);
    if !ctx.login_limiter.allows(client, &body.email) {
        return Err(ApiError::TooManyRequests("Too many failed login attempts; try again in a minute".into()));
    }
    let user = users::find_by_email(&ctx.db, &body.email).await?;
    // Verify against a real hash even for unknown emails, so timing does not reveal accounts.
    let stored = match &user {
        Some(user) => user.password_hash.clone(),
        None => dummy_hash().await?,
    };
    let password_ok = password::verify(body.password, stored).await;
    let Some(user) = user.filter(|_| password_ok) else {
        ctx.login_limiter.record_failure(client, &body.email);
        return Err(ApiError::Unauthorized("Incorrect email or password".into()));
    };

    let secret = token::generate();
    let user_agent = headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).unwrap_or("");
    shoebox_db::sessions::create(&ctx.db, user.id, &token::hash(&secret), device_type(user_agent), user_agent).await?;
    let body = json!({
        "accessToken": secret,
        "userId": user.id,
        "userEmail": user.email,
        "name": user.name,
        "isAdmin": user.is_admin,
        "profileImagePath": "",
        "shouldChangePassword": user.should_change_password,
        "isOnboarded": true,
    });
    let mut response = (StatusCode::CREATED, Json(body)).into_response();
    let cookies = [
        format!("{SESSION_COOKIE}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age=34560000"),
        "immich_auth_type=password; Path=/; HttpOnly; SameSite=Lax; Max-Age=34560000".to_owned(),
        "immich_is_authenticated=true; Path=/; SameSite=Lax; Max-Age=34560000".to_owned(),
    ];
    for cookie in cookies {
        response.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("cookie is ASCII"));
    }
    Ok(response)
}

/// An argon2id hash of a random password, verified against when the email is unknown.
async fn dummy_hash() -> anyhow::Result<String> {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY.get_or_try_init(|| password::hash(token::generate())).await.cloned()
}

fn device_type(user_agent: &str) -> &'static str {
    if user_agent.contains("Immich_Android") || user_agent.contains("Android") {
        "Android"
    } else if user_agent.contains("Immich_iOS") || user_agent.contains("iPhone") {
        "iOS"
    } else if user_agent.is_empty() {
        ""
    } else {
        "Browser"
    }
}

/// Ends the calling session. API keys have no session to end.
async fn logout(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Response> {
    if let Credential::Session { id, .. } = auth.credential {
        shoebox_db::sessions::delete(&ctx.db, id).await?;
        // The session's open clients sign out, and its sockets stop receiving the user's events.
        ctx.live.send(Room::Session(id), ClientEvent::SessionDelete(id)).await;
        ctx.live.disconnect_session(id).await;
    }
    let mut response = Json(json!({ "successful": true, "redirectUri": "/auth/login" })).into_response();
    for name in [SESSION_COOKIE, "immich_auth_type", "immich_is_authenticated"] {
        let cookie = format!("{name}=; Path=/; Max-Age=0");
        response.headers_mut().append(header::SET_COOKIE, HeaderValue::from_str(&cookie).expect("cookie is ASCII"));
    }
    Ok(response)
}

async fn validate_token(_auth: Auth) -> Json<serde_json::Value> {
    Json(json!({ "authStatus": true }))
}

/// `ChangePasswordDto`. Its `invalidateSessions` flag is read by no one: Immich ends the other
/// sessions whatever it says, and so does Shoebox.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChangePassword {
    password: String,
    new_password: String,
}

/// Changes the caller's password and ends their other sessions (whoever learnt the old password
/// is signed out); the session making the change stays. API keys stay, as in Immich.
async fn change_password(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Json(body): Json<ChangePassword>,
) -> ApiResult<Json<UserAdminResponse>> {
    if !password::verify(body.password, auth.user.password_hash.clone()).await {
        return Err(ApiError::bad_request("Wrong password"));
    }
    password::check_strength(&body.new_password)?;
    let hash = password::hash(body.new_password).await?;
    users::set_password(&ctx.db, auth.user.id, &hash, auth.session_id()).await?;
    let user = users::find_by_id(&ctx.db, auth.user.id).await?.ok_or_else(|| ApiError::not_found("User"))?;
    let usage = users::usage_bytes(&ctx.db, user.id).await?;
    Ok(Json(UserAdminResponse::new(&user, usage)))
}

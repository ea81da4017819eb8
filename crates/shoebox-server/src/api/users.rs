//! `/api/users/me`, `/api/users` (whom an album can be shared with) and the admin's
//! `/api/admin/users`.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Deserialize;
use shoebox_db::stats;
use shoebox_db::users::{self, CreateUserError, NewUser};
use uuid::Uuid;

use crate::api::auth::check_email;
use crate::api::dto::UserAdminResponse;
use crate::auth::{Auth, password};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/users", get(search_users))
        .route("/users/me", get(me))
        .route("/admin/users", get(list_users).post(create_user))
        .route("/admin/users/{id}", get(read_user).delete(delete_user))
}

async fn me(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<UserAdminResponse>> {
    auth.require("user.read")?;
    let usage = users::usage_bytes(&ctx.db, auth.user.id).await?;
    Ok(Json(UserAdminResponse::new(&auth.user, usage)))
}

/// `GET /users`: the other users of the server, as `UserResponseDto`s, to share albums with.
async fn search_users(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Vec<serde_json::Value>>> {
    auth.require("user.read")?;
    let users = users::list(&ctx.db).await?;
    Ok(Json(
        users
            .iter()
            .filter(|user| user.id != auth.user.id && user.deleted_at.is_none())
            .map(crate::api::albums::user_json)
            .collect(),
    ))
}

async fn list_users(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Vec<UserAdminResponse>>> {
    auth.require_admin()?;
    auth.require("adminUser.read")?;
    let usage: std::collections::HashMap<_, _> =
        stats::usage_by_user(&ctx.db).await?.into_iter().map(|u| (u.user_id, u.usage())).collect();
    let users = users::list(&ctx.db).await?;
    Ok(Json(users.iter().map(|user| UserAdminResponse::new(user, usage.get(&user.id).copied().unwrap_or(0))).collect()))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateUser {
    email: String,
    name: String,
    password: String,
    #[serde(default)]
    is_admin: bool,
    #[serde(default)]
    should_change_password: Option<bool>,
    quota_size_in_bytes: Option<i64>,
    storage_label: Option<String>,
}

async fn create_user(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Json(body): Json<CreateUser>,
) -> ApiResult<impl IntoResponse> {
    auth.require_admin()?;
    auth.require("adminUser.create")?;
    check_email(&body.email)?;
    password::check_strength(&body.password)?;
    if body.name.trim().is_empty() {
        return Err(ApiError::bad_request("name should not be empty"));
    }
    if body.quota_size_in_bytes.is_some_and(|quota| quota < 0) {
        return Err(ApiError::bad_request("quotaSizeInBytes must not be negative"));
    }
    let new = NewUser {
        email: body.email,
        name: body.name,
        password_hash: password::hash(body.password).await?,
        is_admin: body.is_admin,
        // A password chosen by the admin is meant to be replaced, as in Immich.
        should_change_password: body.should_change_password.unwrap_or(true),
        quota_size_bytes: body.quota_size_in_bytes,
        storage_label: body.storage_label,
    };
    let user = users::create(&ctx.db, &new).await.map_err(|err| match err {
        CreateUserError::EmailTaken => ApiError::bad_request("User exists"),
        CreateUserError::AdminExists => ApiError::bad_request("The server already has an admin"),
        CreateUserError::Database(err) => err.into(),
    })?;
    Ok((StatusCode::CREATED, Json(UserAdminResponse::new(&user, 0))))
}

async fn read_user(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<UserAdminResponse>> {
    auth.require_admin()?;
    auth.require("adminUser.read")?;
    let user = users::find_by_id(&ctx.db, id).await?.ok_or_else(|| ApiError::not_found("User"))?;
    let usage = users::usage_bytes(&ctx.db, id).await?;
    Ok(Json(UserAdminResponse::new(&user, usage)))
}

#[derive(Debug, Deserialize, Default)]
struct DeleteUser {
    #[serde(default)]
    force: bool,
}

/// Deletes a user: their sessions and keys end at once. With `force` their photos, videos and
/// files go too; without it the library stays on disk (Immich would purge it after a delay).
async fn delete_user(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    body: axum::body::Bytes,
) -> ApiResult<Json<UserAdminResponse>> {
    auth.require_admin()?;
    auth.require("adminUser.delete")?;
    let request: DeleteUser = if body.iter().all(u8::is_ascii_whitespace) {
        DeleteUser::default()
    } else {
        serde_json::from_slice(&body).map_err(|err| ApiError::bad_request(format!("invalid JSON body: {err}")))?
    };
    if id == auth.user.id {
        return Err(ApiError::bad_request("You cannot delete your own account"));
    }
    let usage = users::usage_bytes(&ctx.db, id).await?;
    let user = users::soft_delete(&ctx.db, id).await?.ok_or_else(|| ApiError::not_found("User"))?;
    if request.force {
        let keys = users::delete_for_good(&ctx.db, id).await?;
        crate::api::assets::remove_files(&ctx, &keys).await;
    }
    Ok(Json(UserAdminResponse::new(&user, usage)))
}

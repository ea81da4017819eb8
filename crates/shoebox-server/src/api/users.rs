//! `/api/users/me`, `/api/users` (whom an album can be shared with) and the admin's
//! `/api/admin/users` (create, read, change, delete accounts).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::Deserialize;
use shoebox_db::stats;
use shoebox_db::users::{self, AdminUpdate, CreateUserError, NewUser, UpdateUserError};
use uuid::Uuid;

use crate::api::auth::check_email;
use crate::api::dto::UserAdminResponse;
use crate::auth::{Auth, password};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, OptionalJson, Path};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/users", get(search_users))
        .route("/users/me", get(me))
        .route("/admin/users", get(list_users).post(create_user))
        .route("/admin/users/{id}", get(read_user).put(update_user).delete(delete_user))
}

async fn me(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<UserAdminResponse>> {
    let usage = users::usage_bytes(&ctx.db, auth.user.id).await?;
    Ok(Json(UserAdminResponse::new(&auth.user, usage)))
}

/// `GET /users`: the other users of the server, as `UserResponseDto`s, to share albums with.
async fn search_users(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Vec<serde_json::Value>>> {
    let users = users::list(&ctx.db).await?;
    Ok(Json(
        users
            .iter()
            .filter(|user| user.id != auth.user.id && user.deleted_at.is_none())
            .map(crate::api::albums::user_json)
            .collect(),
    ))
}

async fn list_users(State(ctx): State<ApiContext>, _auth: Auth) -> ApiResult<Json<Vec<UserAdminResponse>>> {
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
    _auth: Auth,
    Json(body): Json<CreateUser>,
) -> ApiResult<impl IntoResponse> {
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
    _auth: Auth,
    Path(id): Path<Uuid>,
) -> ApiResult<Json<UserAdminResponse>> {
    let user = users::find_by_id(&ctx.db, id).await?.ok_or_else(|| ApiError::not_found("User"))?;
    let usage = users::usage_bytes(&ctx.db, id).await?;
    Ok(Json(UserAdminResponse::new(&user, usage)))
}

/// Distinguishes a missing field from an explicit `null` (which clears it).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}

/// `UserAdminUpdateDto`, the fields Shoebox keeps (`avatarColor` and `pinCode` are ignored).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateUser {
    email: Option<String>,
    name: Option<String>,
    password: Option<String>,
    is_admin: Option<bool>,
    should_change_password: Option<bool>,
    #[serde(default, deserialize_with = "present")]
    quota_size_in_bytes: Option<Option<i64>>,
    #[serde(default, deserialize_with = "present")]
    storage_label: Option<Option<String>>,
}

/// Changes an account. A new password ends all of the user's sessions: whoever held one signs
/// in again with the password the admin gave (their API keys stay, as in Immich).
async fn update_user(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateUser>,
) -> ApiResult<Json<UserAdminResponse>> {
    if let Some(email) = &body.email {
        check_email(email)?;
    }
    if body.name.as_deref().is_some_and(|name| name.trim().is_empty()) {
        return Err(ApiError::bad_request("name should not be empty"));
    }
    if id == auth.user.id && body.is_admin.is_some_and(|is_admin| is_admin != auth.user.is_admin) {
        return Err(ApiError::bad_request("Admin status can only be changed by another admin"));
    }
    if body.quota_size_in_bytes.flatten().is_some_and(|quota| quota < 0) {
        return Err(ApiError::bad_request("quotaSizeInBytes must not be negative"));
    }
    let password_hash = match body.password {
        Some(new_password) => {
            password::check_strength(&new_password)?;
            Some(password::hash(new_password).await?)
        }
        None => None,
    };
    let update = AdminUpdate {
        email: body.email,
        name: body.name,
        password_hash,
        is_admin: body.is_admin,
        should_change_password: body.should_change_password,
        quota_size_bytes: body.quota_size_in_bytes,
        // An empty label clears it, as in Immich.
        storage_label: body.storage_label.map(|label| label.filter(|label| !label.is_empty())),
    };
    let user = users::update_by_admin(&ctx.db, id, &update)
        .await
        .map_err(|err| match err {
            UpdateUserError::EmailTaken => ApiError::bad_request("Email is not available"),
            UpdateUserError::Database(err) => err.into(),
        })?
        .ok_or_else(|| ApiError::not_found("User"))?;
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
    OptionalJson(request): OptionalJson<DeleteUser>,
) -> ApiResult<Json<UserAdminResponse>> {
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

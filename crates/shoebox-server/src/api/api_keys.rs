//! `/api/api-keys`: create, list, read, rename and delete API keys; `/api/api-keys/me`.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use serde::{Deserialize, Serialize};
use shoebox_db::api_keys::{self, ApiKey};
use uuid::Uuid;

use crate::api::dto::iso;
use crate::auth::{Auth, Credential, permissions, token};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/api-keys", get(list).post(create))
        .route("/api-keys/me", get(current))
        .route("/api-keys/{id}", get(read).put(update).delete(remove))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ApiKeyResponse {
    id: Uuid,
    name: String,
    permissions: Vec<String>,
    created_at: String,
    updated_at: String,
}

impl From<ApiKey> for ApiKeyResponse {
    fn from(key: ApiKey) -> Self {
        Self {
            id: key.id,
            name: key.name,
            permissions: key.permissions,
            created_at: iso(key.created_at),
            updated_at: iso(key.updated_at),
        }
    }
}

fn check_permissions(requested: &[String]) -> ApiResult<()> {
    if requested.is_empty() {
        return Err(ApiError::bad_request("permissions must contain at least one permission"));
    }
    match requested.iter().find(|name| !permissions::is_known(name)) {
        Some(unknown) => Err(ApiError::bad_request(format!("Unknown permission: {unknown}"))),
        None => Ok(()),
    }
}

/// A key may grant no more than the key that asks holds, neither to a new key nor to itself or
/// another key (Immich's rule); a session holds everything its user may do.
fn require_grantable(auth: &Auth, requested: &[String]) -> ApiResult<()> {
    match requested.iter().find(|permission| auth.require(permission).is_err()) {
        Some(missing) => Err(ApiError::Forbidden(format!("Cannot grant permissions you do not have: {missing}"))),
        None => Ok(()),
    }
}

#[derive(Debug, Deserialize)]
struct CreateKey {
    name: Option<String>,
    permissions: Vec<String>,
}

async fn create(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Json(body): Json<CreateKey>,
) -> ApiResult<impl IntoResponse> {
    check_permissions(&body.permissions)?;
    require_grantable(&auth, &body.permissions)?;
    let name = body.name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "API Key".into());
    let secret = token::generate();
    let key = api_keys::create(&ctx.db, auth.user.id, &name, &token::hash(&secret), &body.permissions).await?;
    let body = serde_json::json!({ "secret": secret, "apiKey": ApiKeyResponse::from(key) });
    Ok((StatusCode::CREATED, Json(body)))
}

async fn list(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Vec<ApiKeyResponse>>> {
    let keys = api_keys::list(&ctx.db, auth.user.id).await?;
    Ok(Json(keys.into_iter().map(Into::into).collect()))
}

/// The key the request authenticated with (the Immich CLI reads its permissions).
async fn current(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<ApiKeyResponse>> {
    let Credential::ApiKey { id, .. } = auth.credential else {
        return Err(ApiError::bad_request("Not authenticated with an API key"));
    };
    let key = api_keys::get(&ctx.db, auth.user.id, id).await?.ok_or_else(|| ApiError::not_found("API key"))?;
    Ok(Json(key.into()))
}

async fn read(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<Json<ApiKeyResponse>> {
    let key = api_keys::get(&ctx.db, auth.user.id, id).await?.ok_or_else(|| ApiError::not_found("API key"))?;
    Ok(Json(key.into()))
}

#[derive(Debug, Deserialize)]
struct UpdateKey {
    name: Option<String>,
    permissions: Option<Vec<String>>,
}

async fn update(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateKey>,
) -> ApiResult<Json<ApiKeyResponse>> {
    if let Some(requested) = &body.permissions {
        check_permissions(requested)?;
        require_grantable(&auth, requested)?;
    }
    let key = api_keys::update(&ctx.db, auth.user.id, id, body.name.as_deref(), body.permissions.as_deref())
        .await?
        .ok_or_else(|| ApiError::not_found("API key"))?;
    Ok(Json(key.into()))
}

async fn remove(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    if api_keys::delete(&ctx.db, auth.user.id, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::not_found("API key"))
    }
}

//! `/api/duplicates`: groups of near-identical photos found by the worker; dismiss a group ("not
//! duplicates") or resolve it by keeping some assets and trashing the rest.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::duplicates::{self, ResolveOutcome};
use uuid::Uuid;

use crate::api::bulk_body_limit;
use crate::api::dto::AssetResponse;
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/duplicates", get(list).delete(dismiss_many).layer(bulk_body_limit()))
        .route("/duplicates/resolve", post(resolve).layer(bulk_body_limit()))
        .route("/duplicates/{id}", delete(dismiss_one))
}

/// `DuplicateResponseDto[]`; the suggestion keeps the largest file, as the most complete copy.
async fn list(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Value>> {
    let groups = duplicates::groups(&ctx.db, auth.user.id).await?;
    Ok(Json(Value::Array(
        groups
            .iter()
            .map(|(id, assets)| {
                let keep = assets.iter().max_by_key(|a| (a.file_size_bytes, a.width.unwrap_or(0))).map(|a| a.id);
                let items: Vec<AssetResponse> = assets.iter().map(AssetResponse::from).collect();
                json!({ "duplicateId": id, "assets": items, "suggestedKeepAssetIds": keep.into_iter().collect::<Vec<_>>() })
            })
            .collect(),
    )))
}

async fn dismiss_one(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    if duplicates::dismiss(&ctx.db, auth.user.id, &[id]).await? == 0 {
        return Err(ApiError::not_found("Duplicate group"));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
struct IdsBody {
    ids: Vec<Uuid>,
}

async fn dismiss_many(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<IdsBody>) -> ApiResult<StatusCode> {
    duplicates::dismiss(&ctx.db, auth.user.id, &body.ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResolveGroup {
    duplicate_id: Uuid,
    keep_asset_ids: Vec<Uuid>,
    trash_asset_ids: Vec<Uuid>,
}

#[derive(Debug, Deserialize)]
struct ResolveBody {
    groups: Vec<ResolveGroup>,
}

/// `POST /duplicates/resolve` (Immich 3): one `BulkIdResponseDto` per group.
async fn resolve(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<ResolveBody>) -> ApiResult<Json<Value>> {
    let mut out = Vec::with_capacity(body.groups.len());
    for group in &body.groups {
        let outcome = duplicates::resolve(
            &ctx.db,
            auth.user.id,
            group.duplicate_id,
            &group.keep_asset_ids,
            &group.trash_asset_ids,
        )
        .await?;
        out.push(match outcome {
            ResolveOutcome::Resolved => json!({ "id": group.duplicate_id, "success": true }),
            ResolveOutcome::NotFound => json!({ "id": group.duplicate_id, "success": false, "error": "not_found" }),
            ResolveOutcome::NotInGroup => json!({
                "id": group.duplicate_id, "success": false, "error": "validation",
                "errorMessage": "an asset to keep or trash is not in the group",
            }),
        });
    }
    Ok(Json(Value::Array(out)))
}

//! Scenes and things (Shoebox's own): `GET /api/assets/{id}/labels` suggests zero-shot labels
//! for a photo, marking those its owner already accepted as tags (accepting is Immich's tag API:
//! `PUT /tags`, then `PUT /tags/{id}/assets`); `GET /api/search/labels` completes a search from
//! the vocabulary.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::auth::viewer::Viewer;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};

/// Completions a search asks for at most.
const MAX_COMPLETIONS: usize = 10;

pub fn router() -> Router<ApiContext> {
    Router::new().route("/assets/{id}/labels", get(of_asset)).route("/search/labels", get(complete))
}

async fn of_asset(State(ctx): State<ApiContext>, viewer: Viewer, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    viewer.require_asset(&ctx, id).await?;
    let asset = shoebox_db::assets::get(&ctx.db, viewer.user_id(), viewer.unlocked(), id)
        .await?
        .ok_or_else(|| ApiError::not_found("Asset"))?;
    // Tags are the owner's: a partner or an album member sees the photo, not suggestions for it.
    if asset.owner_id != viewer.user_id() {
        return Ok(Json(json!([])));
    }
    let suggestions = ctx.labels.suggest(&ctx.db, &ctx.text_encoder, asset.owner_id, id).await?;
    Ok(Json(Value::Array(
        suggestions
            .iter()
            .map(|s| json!({ "label": s.label, "score": s.score, "accepted": s.accepted }))
            .collect(),
    )))
}

#[derive(Deserialize)]
struct CompleteQuery {
    #[serde(default)]
    query: String,
}

async fn complete(State(ctx): State<ApiContext>, _viewer: Viewer, Query(q): Query<CompleteQuery>) -> ApiResult<Json<Value>> {
    if q.query.trim().is_empty() {
        return Ok(Json(json!([])));
    }
    Ok(Json(json!(ctx.labels.matching(&q.query, MAX_COMPLETIONS))))
}

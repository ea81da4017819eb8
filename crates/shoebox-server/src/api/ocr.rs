//! `GET /api/assets/{id}/ocr`: the lines of text read in a photo, with their boxes, for the viewer
//! to draw as selectable text over it (`AssetOcrResponseDto[]`).

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Value, json};
use shoebox_db::ocr::TextLine;
use uuid::Uuid;

use crate::auth::viewer::Viewer;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};

pub fn router() -> Router<ApiContext> {
    Router::new().route("/assets/{id}/ocr", get(of_asset))
}

/// `AssetOcrResponseDto`; also the body of the sync stream's `AssetOcrV1` with `isVisible`.
pub fn line_json(line: &TextLine) -> Value {
    json!({
        "id": line.id,
        "assetId": line.asset_id,
        "x1": line.x1, "y1": line.y1,
        "x2": line.x2, "y2": line.y2,
        "x3": line.x3, "y3": line.y3,
        "x4": line.x4, "y4": line.y4,
        "boxScore": line.box_score,
        "textScore": line.text_score,
        "text": line.text,
    })
}

async fn of_asset(State(ctx): State<ApiContext>, viewer: Viewer, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    viewer.require_asset(&ctx, id).await?;
    // What the caller may see of the asset (theirs, a partner's, an album's), as reading it does.
    shoebox_db::assets::get(&ctx.db, viewer.user_id(), viewer.unlocked(), id)
        .await?
        .ok_or_else(|| ApiError::not_found("Asset"))?;
    // A shared link that hides metadata hides the words too.
    if !viewer.shows_metadata() {
        return Ok(Json(json!([])));
    }
    let lines = shoebox_db::ocr::of_asset(&ctx.db, id).await?;
    Ok(Json(Value::Array(lines.iter().filter(|line| line.is_visible).map(line_json).collect())))
}

//! `/api/map/markers`: where the caller's photos were taken, for the places map.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::exif::{self, MarkerFilter};

use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::ApiResult;
use crate::extract::{Json, Query};

pub fn router() -> Router<ApiContext> {
    Router::new().route("/map/markers", get(markers))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MarkerQuery {
    is_archived: Option<bool>,
    is_favorite: Option<bool>,
    file_created_after: Option<DateTime<Utc>>,
    file_created_before: Option<DateTime<Utc>>,
    /// Shoebox has no partners or shared albums yet: accepted and ignored.
    #[allow(dead_code)]
    with_partners: Option<bool>,
    #[allow(dead_code)]
    with_shared_albums: Option<bool>,
}

async fn markers(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Query(query): Query<MarkerQuery>,
) -> ApiResult<Json<Vec<Value>>> {
    let filter = MarkerFilter {
        with_archived: query.is_archived.unwrap_or(false),
        is_favorite: query.is_favorite,
        created_after: query.file_created_after,
        created_before: query.file_created_before,
    };
    let markers = exif::map_markers(&ctx.db, auth.user.id, &filter).await?;
    Ok(Json(
        markers
            .into_iter()
            .map(|m| {
                json!({ "id": m.id, "lat": m.latitude, "lon": m.longitude, "city": m.city, "state": m.state, "country": m.country })
            })
            .collect(),
    ))
}

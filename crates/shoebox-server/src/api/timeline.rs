//! `/api/timeline`: months with counts, and the assets of one month in Immich's column layout.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_core::domain::Visibility;
use shoebox_db::assets::{self, TimelineFilter};
use uuid::Uuid;

use crate::api::dto::iso;
use crate::auth::viewer::Viewer;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};

pub fn router() -> Router<ApiContext> {
    Router::new().route("/timeline/buckets", get(buckets)).route("/timeline/bucket", get(bucket))
}

/// Query parameters both endpoints share; Immich's others (stacks, shared-link keys) are
/// ignored.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct TimelineQuery {
    visibility: Option<Visibility>,
    is_favorite: Option<bool>,
    is_trashed: Option<bool>,
    album_id: Option<Uuid>,
    person_id: Option<Uuid>,
    /// A tag of the caller's: its photos and those of every tag below it.
    tag_id: Option<Uuid>,
    /// A partner's timeline.
    user_id: Option<Uuid>,
    with_partners: Option<bool>,
    /// Of each stack only its primary asset, with the stack's id and size.
    with_stacked: Option<bool>,
    order: Option<String>,
    time_bucket: Option<String>,
}

impl TimelineQuery {
    /// The filter for this viewer: a shared link's holder sees its album's photos and nothing else.
    fn filter_for(&self, viewer: &Viewer) -> ApiResult<TimelineFilter> {
        let mut filter = self.filter()?;
        if filter.visibility == Some(Visibility::Locked) {
            if let Viewer::User(auth) = viewer {
                auth.require_unlocked()?;
                if filter.user_id.is_some_and(|other| other != auth.user.id) || filter.album_id.is_some() {
                    return Err(ApiError::bad_request("You may not access another user's locked timeline"));
                }
            }
        }
        if let Viewer::Link(link) = viewer {
            filter.album_id = Some(link.album_id);
            filter.user_id = None;
            filter.with_partners = false;
            filter.is_trashed = false;
            filter.person_id = None;
            filter.tag_id = None;
            filter.visibility = None;
        }
        Ok(filter)
    }

    fn filter(&self) -> ApiResult<TimelineFilter> {
        let ascending = match self.order.as_deref() {
            None | Some("desc") => false,
            Some("asc") => true,
            Some(other) => return Err(ApiError::bad_request(format!("order must be asc or desc, not {other:?}"))),
        };
        if self.with_partners == Some(true)
            && (self.is_trashed == Some(true)
                || self.is_favorite.is_some()
                || self.visibility.is_some_and(|v| v != Visibility::Timeline))
        {
            return Err(ApiError::bad_request(
                "withPartners works only for the timeline: not with isTrashed, isFavorite or another visibility",
            ));
        }
        Ok(TimelineFilter {
            visibility: self.visibility,
            is_favorite: self.is_favorite,
            is_trashed: self.is_trashed.unwrap_or(false),
            album_id: self.album_id,
            person_id: self.person_id,
            tag_id: self.tag_id,
            user_id: self.user_id,
            with_partners: self.with_partners.unwrap_or(false),
            ascending,
            with_stacked: self.with_stacked.unwrap_or(false),
        })
    }
}

async fn buckets(
    State(ctx): State<ApiContext>,
    viewer: Viewer,
    Query(query): Query<TimelineQuery>,
) -> ApiResult<Json<Value>> {
    let buckets = assets::time_buckets(&ctx.db, viewer.user_id(), &query.filter_for(&viewer)?).await?;
    Ok(Json(Value::Array(
        buckets.into_iter().map(|b| json!({ "timeBucket": b.time_bucket, "count": b.count })).collect(),
    )))
}

/// The first day of the month named by `raw` (`2024-03-01`, or a timestamp within the month).
fn parse_month(raw: &str) -> Option<NaiveDate> {
    let date = NaiveDate::parse_from_str(raw.get(..10)?, "%Y-%m-%d").ok()?;
    date.with_day(1)
}

async fn bucket(
    State(ctx): State<ApiContext>,
    viewer: Viewer,
    Query(query): Query<TimelineQuery>,
) -> ApiResult<Json<Value>> {
    let raw = query.time_bucket.as_deref().ok_or_else(|| ApiError::bad_request("timeBucket is required"))?;
    let month = parse_month(raw).ok_or_else(|| ApiError::bad_request("timeBucket must be a date like 2024-01-01"))?;
    let rows = assets::time_bucket_assets(&ctx.db, viewer.user_id(), month, &query.filter_for(&viewer)?).await?;

    let column = |f: &dyn Fn(&assets::TimelineAsset) -> Value| Value::Array(rows.iter().map(f).collect());
    let mut body = json!({
        "id": column(&|a| json!(a.id)),
        "ownerId": column(&|a| json!(a.owner_id)),
        "isImage": column(&|a| json!(a.asset_type == "IMAGE")),
        "isFavorite": column(&|a| json!(a.is_favorite)),
        "isTrashed": column(&|a| json!(a.is_trashed)),
        "visibility": column(&|a| json!(a.visibility)),
        "createdAt": column(&|a| json!(iso(a.created_at))),
        "fileCreatedAt": column(&|a| json!(iso(a.file_created_at))),
        "localOffsetHours": column(&|a| {
            let minutes = (a.local_date_time - a.file_created_at).num_minutes();
            json!(minutes as f64 / 60.0)
        }),
        "duration": column(&|a| json!(a.duration_ms)),
        "thumbhash": column(&|a| json!(a.thumbhash.as_deref().map(shoebox_core::checksum::to_base64))),
        "ratio": column(&|a| match (a.width, a.height) {
            (Some(w), Some(h)) if h > 0 => json!(f64::from(w) / f64::from(h)),
            _ => json!(1.0),
        }),
        "livePhotoVideoId": column(&|a| json!(a.live_photo_video_id)),
        "projectionType": column(&|a| json!(a.projection_type)),
        "city": column(&|a| json!(a.city)),
        "country": column(&|a| json!(a.country)),
        "latitude": column(&|a| json!(a.latitude)),
        "longitude": column(&|a| json!(a.longitude)),
    });
    if query.with_stacked == Some(true) {
        // Immich's `[stackId, assetCount]` pairs, as strings; null for an asset on its own.
        body["stack"] = column(&|a| match (a.stack_id, a.stack_count) {
            (Some(id), Some(count)) => json!([id.to_string(), count.to_string()]),
            _ => Value::Null,
        });
    }
    Ok(Json(body))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_parse_from_dates_and_timestamps() {
        let march = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(parse_month("2024-03-01"), Some(march));
        assert_eq!(parse_month("2024-03-17T00:00:00.000Z"), Some(march));
        assert_eq!(parse_month("March"), None);
        assert_eq!(parse_month("2024-13-01"), None);
    }
}

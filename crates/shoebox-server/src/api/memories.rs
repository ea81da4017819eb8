//! `/api/memories`: stored memories in Immich's shapes. "On this day" memories for a day are
//! made the first time that day is asked about (Immich makes them in a nightly job), one per
//! earlier year with photos; then they can be saved, marked seen, edited or deleted like any
//! memory, and the mobile app syncs them.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::memories::{self, AssetOutcome, MemoryOrder, MemorySearch, MemoryUpdate, MemoryWithAssets, NewMemory};
use uuid::Uuid;

use crate::api::dto::{AssetResponse, iso};
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/memories", get(list).post(create))
        .route("/memories/statistics", get(statistics))
        .route("/memories/{id}", get(read).put(update).delete(remove))
        .route("/memories/{id}/assets", put(add_assets).delete(remove_assets))
}

/// `GET /memories` query (`MemorySearchDto`).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MemoryQuery {
    /// The day to remember (a date, or a date-time whose date counts).
    #[serde(rename = "for")]
    for_day: Option<String>,
    is_saved: Option<bool>,
    is_trashed: Option<bool>,
    #[serde(rename = "type")]
    memory_type: Option<String>,
    size: Option<i64>,
    order: Option<String>,
}

/// A date, or a date-time whose date (as written, where the client is) counts.
fn parse_day(text: &str) -> ApiResult<NaiveDate> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        return Ok(date);
    }
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.date_naive())
        .map_err(|_| ApiError::bad_request(format!("for must be a date like 2024-05-01, not {text:?}")))
}

fn check_type(memory_type: &str) -> ApiResult<()> {
    if memory_type == "on_this_day" {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!("type must be on_this_day, not {memory_type:?}")))
    }
}

impl MemoryQuery {
    fn day(&self) -> ApiResult<Option<NaiveDate>> {
        self.for_day.as_deref().map(parse_day).transpose()
    }

    fn search(&self) -> ApiResult<MemorySearch> {
        if let Some(memory_type) = &self.memory_type {
            check_type(memory_type)?;
        }
        if self.size.is_some_and(|size| size < 1) {
            return Err(ApiError::bad_request("size must be at least 1"));
        }
        let order = match self.order.as_deref() {
            None | Some("desc") => MemoryOrder::Descending,
            Some("asc") => MemoryOrder::Ascending,
            Some("random") => MemoryOrder::Random,
            Some(other) => {
                return Err(ApiError::bad_request(format!("order must be asc, desc or random, not {other:?}")));
            }
        };
        Ok(MemorySearch {
            memory_type: self.memory_type.clone(),
            at: self.day()?.map(|day| day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc()),
            is_trashed: self.is_trashed.unwrap_or(false),
            is_saved: self.is_saved,
            size: self.size,
            order,
        })
    }
}

/// Checks the query, then makes the day's "on this day" memories if they were never made:
/// the day asked about, or today (UTC).
async fn prepare(ctx: &ApiContext, auth: &Auth, query: &MemoryQuery) -> ApiResult<MemorySearch> {
    let search = query.search()?;
    let day = query.day()?.unwrap_or_else(|| Utc::now().date_naive());
    memories::generate_on_this_day(&ctx.db, auth.user.id, day).await?;
    Ok(search)
}

async fn list(State(ctx): State<ApiContext>, auth: Auth, Query(query): Query<MemoryQuery>) -> ApiResult<Json<Value>> {
    let search = prepare(&ctx, &auth, &query).await?;
    let found = memories::search(&ctx.db, auth.user.id, &search).await?;
    Ok(Json(Value::Array(found.iter().map(memory_json).collect())))
}

async fn statistics(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Query(query): Query<MemoryQuery>,
) -> ApiResult<Json<Value>> {
    let search = prepare(&ctx, &auth, &query).await?;
    Ok(Json(json!({ "total": memories::count(&ctx.db, auth.user.id, &search).await? })))
}

/// `MemoryResponseDto`.
fn memory_json(found: &MemoryWithAssets) -> Value {
    let memory = &found.memory;
    let mut body = json!({
        "id": memory.id,
        "ownerId": memory.owner_id,
        "type": memory.memory_type,
        "data": memory.data,
        "memoryAt": iso(memory.memory_at),
        "createdAt": iso(memory.created_at),
        "updatedAt": iso(memory.updated_at),
        "isSaved": memory.is_saved,
        "assets": found.assets.iter().map(AssetResponse::from).collect::<Vec<_>>(),
    });
    for (name, value) in [
        ("seenAt", memory.seen_at),
        ("showAt", memory.show_at),
        ("hideAt", memory.hide_at),
        ("deletedAt", memory.deleted_at),
    ] {
        if let Some(value) = value {
            body[name] = json!(iso(value));
        }
    }
    body
}

fn no_access(permission: &str) -> ApiError {
    ApiError::bad_request(format!("Not found or no {permission} access"))
}

async fn read(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    let found = memories::get(&ctx.db, auth.user.id, id).await?.ok_or_else(|| no_access("memory.read"))?;
    Ok(Json(memory_json(&found)))
}

fn parse_time(field: &str, text: &str) -> ApiResult<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .map(|time| time.with_timezone(&Utc))
        .map_err(|_| ApiError::bad_request(format!("{field} must be a date-time like 2024-05-01T00:00:00Z")))
}

fn parse_optional_time(field: &str, text: &Option<String>) -> ApiResult<Option<DateTime<Utc>>> {
    text.as_deref().map(|text| parse_time(field, text)).transpose()
}

/// `MemoryCreateDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateBody {
    #[serde(rename = "type")]
    memory_type: String,
    data: OnThisDayData,
    memory_at: String,
    #[serde(default)]
    asset_ids: Vec<Uuid>,
    #[serde(default)]
    is_saved: bool,
    seen_at: Option<String>,
    show_at: Option<String>,
    hide_at: Option<String>,
}

#[derive(Debug, Deserialize)]
struct OnThisDayData {
    year: i32,
}

async fn create(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Json(body): Json<CreateBody>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    check_type(&body.memory_type)?;
    if !(1000..=9999).contains(&body.data.year) {
        return Err(ApiError::bad_request("data.year must be from 1000 to 9999"));
    }
    let new = NewMemory {
        memory_type: body.memory_type,
        data: json!({ "year": body.data.year }),
        memory_at: parse_time("memoryAt", &body.memory_at)?,
        is_saved: body.is_saved,
        seen_at: parse_optional_time("seenAt", &body.seen_at)?,
        show_at: parse_optional_time("showAt", &body.show_at)?,
        hide_at: parse_optional_time("hideAt", &body.hide_at)?,
    };
    // As in Immich, assets the caller may not share are left out rather than refused.
    let allowed = memories::shareable_assets(&ctx.db, auth.user.id, &body.asset_ids).await?;
    let id = memories::create(&ctx.db, auth.user.id, &new, &allowed).await?;
    let found = memories::get(&ctx.db, auth.user.id, id).await?.ok_or_else(|| ApiError::not_found("Memory"))?;
    Ok((StatusCode::CREATED, Json(memory_json(&found))))
}

/// `MemoryUpdateDto`: at least one field.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateBody {
    is_saved: Option<bool>,
    seen_at: Option<String>,
    memory_at: Option<String>,
}

async fn update(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateBody>,
) -> ApiResult<Json<Value>> {
    let update = MemoryUpdate {
        is_saved: body.is_saved,
        seen_at: parse_optional_time("seenAt", &body.seen_at)?,
        memory_at: parse_optional_time("memoryAt", &body.memory_at)?,
    };
    if update.is_saved.is_none() && update.seen_at.is_none() && update.memory_at.is_none() {
        return Err(ApiError::bad_request("Give at least one of isSaved, seenAt and memoryAt"));
    }
    if !memories::update(&ctx.db, auth.user.id, id, &update).await? {
        return Err(no_access("memory.update"));
    }
    read(State(ctx), auth, Path(id)).await
}

async fn remove(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    if !memories::delete(&ctx.db, auth.user.id, id).await? {
        return Err(no_access("memory.delete"));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
struct BulkIds {
    ids: Vec<Uuid>,
}

/// `BulkIdResponseDto[]`, one per id in order.
fn bulk_json(ids: &[Uuid], outcomes: &[AssetOutcome]) -> Value {
    Value::Array(
        ids.iter()
            .zip(outcomes)
            .map(|(id, outcome)| match outcome {
                AssetOutcome::Done => json!({ "id": id, "success": true }),
                AssetOutcome::Duplicate => json!({ "id": id, "success": false, "error": "duplicate" }),
                AssetOutcome::NotFound => json!({ "id": id, "success": false, "error": "not_found" }),
            })
            .collect(),
    )
}

async fn add_assets(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<BulkIds>,
) -> ApiResult<Json<Value>> {
    let allowed = memories::shareable_assets(&ctx.db, auth.user.id, &body.ids).await?;
    let outcomes = memories::add_assets(&ctx.db, auth.user.id, id, &body.ids, &allowed)
        .await?
        .ok_or_else(|| no_access("memory.read"))?;
    Ok(Json(bulk_json(&body.ids, &outcomes)))
}

async fn remove_assets(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<BulkIds>,
) -> ApiResult<Json<Value>> {
    let outcomes = memories::remove_assets(&ctx.db, auth.user.id, id, &body.ids)
        .await?
        .ok_or_else(|| no_access("memory.update"))?;
    Ok(Json(bulk_json(&body.ids, &outcomes)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_comes_from_a_date_or_a_date_time_as_written() {
        let expected = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(parse_day("2026-11-25").unwrap(), expected);
        assert_eq!(parse_day("2026-11-25T23:30:00-05:00").unwrap(), expected);
        assert!(parse_day("November").is_err());
    }
}

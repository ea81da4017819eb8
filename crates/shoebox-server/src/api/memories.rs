//! `/api/memories`: "on this day" memories in Immich's shape — for the day asked about, one
//! memory per earlier year with photos taken on that month and day.
//!
//! Shoebox computes them when asked instead of storing them (Immich makes them in a nightly
//! job), so they cannot be saved, edited or deleted; their ids are stable for an owner and day.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use shoebox_db::memories::{self, OnThisDay};
use uuid::Uuid;

use crate::api::dto::{AssetResponse, iso};
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};

pub fn router() -> Router<ApiContext> {
    Router::new().route("/memories", get(list)).route("/memories/statistics", get(statistics))
}

/// `GET /memories` query, as Immich's clients send it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MemoryQuery {
    /// The day to remember (a date, or a date-time whose date counts); today (UTC) by default.
    #[serde(rename = "for")]
    for_day: Option<String>,
    is_saved: Option<bool>,
    is_trashed: Option<bool>,
    #[serde(rename = "type")]
    memory_type: Option<String>,
    size: Option<usize>,
}

impl MemoryQuery {
    fn day(&self) -> ApiResult<NaiveDate> {
        let Some(text) = self.for_day.as_deref() else { return Ok(Utc::now().date_naive()) };
        if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d") {
            return Ok(date);
        }
        // A date-time names the day where the client is, which is the date as written.
        DateTime::parse_from_rfc3339(text)
            .map(|time| time.date_naive())
            .map_err(|_| ApiError::bad_request(format!("for must be a date like 2024-05-01, not {text:?}")))
    }

    /// Whether the filters rule out every computed memory (they are never saved or trashed).
    fn excludes_all(&self) -> ApiResult<bool> {
        match self.memory_type.as_deref() {
            None | Some("on_this_day") => {}
            Some(other) => return Err(ApiError::bad_request(format!("type must be on_this_day, not {other:?}"))),
        }
        Ok(self.is_saved == Some(true) || self.is_trashed == Some(true) || self.size == Some(0))
    }
}

async fn find(ctx: &ApiContext, auth: &Auth, query: &MemoryQuery) -> ApiResult<(NaiveDate, Vec<OnThisDay>)> {
    let day = query.day()?;
    if query.excludes_all()? {
        return Ok((day, Vec::new()));
    }
    let mut found = memories::on_this_day(&ctx.db, auth.user.id, day.month(), day.day(), day.year()).await?;
    if let Some(size) = query.size {
        found.truncate(size);
    }
    Ok((day, found))
}

async fn list(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Query(query): Query<MemoryQuery>,
) -> ApiResult<Json<Vec<Value>>> {
    let (day, found) = find(&ctx, &auth, &query).await?;
    Ok(Json(found.iter().map(|memory| memory_json(auth.user.id, day, memory)).collect()))
}

async fn statistics(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Query(query): Query<MemoryQuery>,
) -> ApiResult<Json<Value>> {
    let (_, found) = find(&ctx, &auth, &query).await?;
    Ok(Json(json!({ "total": found.len() })))
}

/// `MemoryResponseDto` for one earlier year.
fn memory_json(owner: Uuid, day: NaiveDate, memory: &OnThisDay) -> Value {
    let start_of_today = day.and_hms_opt(0, 0, 0).expect("midnight exists").and_utc();
    let end_of_today = start_of_today + chrono::Duration::days(1) - chrono::Duration::milliseconds(1);
    // 29 February remembered in a year without one falls on the 28th.
    let memory_day = day.with_year(memory.year).or_else(|| NaiveDate::from_ymd_opt(memory.year, day.month(), 28));
    let memory_at = memory_day.and_then(|d| d.and_hms_opt(0, 0, 0)).map(|t| t.and_utc()).unwrap_or(start_of_today);
    json!({
        "id": memory_id(owner, day, memory.year),
        "ownerId": owner,
        "type": "on_this_day",
        "data": { "year": memory.year },
        "memoryAt": iso(memory_at),
        "showAt": iso(start_of_today),
        "hideAt": iso(end_of_today),
        "createdAt": iso(start_of_today),
        "updatedAt": iso(start_of_today),
        "isSaved": false,
        "assets": memory.assets.iter().map(AssetResponse::from).collect::<Vec<_>>(),
    })
}

/// The same id for the same owner, day and year, shaped as the random (version 4) UUIDs
/// Immich's clients expect.
fn memory_id(owner: Uuid, day: NaiveDate, year: i32) -> Uuid {
    let digest = Sha256::new().chain_update(owner.as_bytes()).chain_update(format!("{day}/{year}")).finalize();
    let bytes: [u8; 16] = digest[..16].try_into().expect("a SHA-256 digest has 32 bytes");
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_ids_are_stable_and_distinct() {
        let owner = Uuid::new_v4();
        let day = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        let id = memory_id(owner, day, 2020);
        assert_eq!(id, memory_id(owner, day, 2020));
        assert_eq!(id.get_version_num(), 4);
        assert_ne!(id, memory_id(owner, day, 2021));
        assert_ne!(id, memory_id(Uuid::new_v4(), day, 2020));
    }

    #[test]
    fn the_day_comes_from_a_date_or_a_date_time_as_written() {
        let query = |text: &str| MemoryQuery {
            for_day: Some(text.into()),
            is_saved: None,
            is_trashed: None,
            memory_type: None,
            size: None,
        };
        let expected = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(query("2026-11-25").day().unwrap(), expected);
        assert_eq!(query("2026-11-25T23:30:00-05:00").day().unwrap(), expected);
        assert!(query("November").day().is_err());
    }
}

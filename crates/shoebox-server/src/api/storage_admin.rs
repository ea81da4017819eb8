//! `/api/admin/storage/orphans` (Shoebox's own, admin only): the orphan sweep over the library's
//! storage. `GET` is the dry run: which files no row names, and how large they are; `DELETE`
//! removes them. `minAgeHours` (1 by default) leaves younger files alone, since an upload's row
//! may be committing while the sweep looks.

use std::time::Duration;

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_storage::sweep::{SweepReport, sweep};

use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};

/// Orphans listed in one answer; the counts cover them all.
const LISTED: usize = 1000;

pub fn router() -> Router<ApiContext> {
    Router::new().route("/admin/storage/orphans", get(report).delete(remove))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SweepQuery {
    min_age_hours: Option<u64>,
}

async fn report(State(ctx): State<ApiContext>, _auth: Auth, Query(query): Query<SweepQuery>) -> ApiResult<Json<Value>> {
    run(&ctx, &query, false).await
}

async fn remove(State(ctx): State<ApiContext>, _auth: Auth, Query(query): Query<SweepQuery>) -> ApiResult<Json<Value>> {
    run(&ctx, &query, true).await
}

async fn run(ctx: &ApiContext, query: &SweepQuery, delete: bool) -> ApiResult<Json<Value>> {
    let min_age = Duration::from_secs(query.min_age_hours.unwrap_or(1).saturating_mul(3600));
    let lookup = |keys: Vec<String>| {
        let db = ctx.db.clone();
        async move { Ok(shoebox_db::stored_files::named_among(&db, &keys).await?) }
    };
    let report = sweep(&ctx.storage, min_age, delete, lookup).await.map_err(ApiError::Internal)?;
    if report.removed > 0 {
        tracing::info!(removed = report.removed, bytes = report.orphan_bytes(), "orphan sweep removed files");
    }
    Ok(Json(answer(&report)))
}

fn answer(report: &SweepReport) -> Value {
    let orphans: Vec<Value> =
        report.orphans.iter().take(LISTED).map(|(key, len)| json!({ "key": key.as_str(), "size": len })).collect();
    json!({
        "listed": report.listed,
        "orphanCount": report.orphans.len(),
        "orphanBytes": report.orphan_bytes(),
        "orphans": orphans,
        "tooYoung": report.too_young,
        "removed": report.removed,
    })
}

//! `/api/admin/backups` and `/api/admin/scrub` (Shoebox's own, admin only): the backup settings,
//! the backups in the target, the run under way and the last one, and a button's worth of "run
//! now"; the scrub's findings (originals damaged or missing) and their repair from a backup. The
//! worker does the runs; these only queue them and read their progress from Postgres.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_backup::{RepairOutcome, Target};
use shoebox_db::maintenance::{self, Refused, RunKind};
use uuid::Uuid;

use crate::api::dto::{iso, run_dto};
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/admin/backups", get(backups).post(start_backup))
        .route("/admin/scrub", get(scrub_status).post(start_scrub))
        .route("/admin/scrub/{id}/repair", post(repair))
}

/// The run under way (or queued) and the last finished one.
async fn runs(ctx: &ApiContext, kind: RunKind) -> ApiResult<(Value, Value)> {
    let recent = maintenance::recent(&ctx.db, kind, None, 10).await?;
    let active = recent.iter().find(|run| run.status == "queued" || run.status == "running").map(run_dto);
    let last = recent.iter().find(|run| run.status == "completed" || run.status == "failed").map(run_dto);
    Ok((active.unwrap_or(Value::Null), last.unwrap_or(Value::Null)))
}

async fn backups(State(ctx): State<ApiContext>, _auth: Auth) -> ApiResult<Json<Value>> {
    let settings = &ctx.config.backup;
    let (active, last) = runs(&ctx, RunKind::Backup).await?;
    let target = Target::configured(&ctx.config).map_err(ApiError::Internal)?;
    let (list, list_error) = match &target {
        None => (Vec::new(), None),
        Some(target) => match shoebox_backup::list_backups(target).await {
            Ok(list) => (list, None),
            Err(err) => (Vec::new(), Some(format!("{err:#}"))),
        },
    };
    Ok(Json(json!({
        "settings": {
            "enabled": target.is_some(),
            "target": settings.target.as_ref().map(|target| target.to_string()),
            "time": settings.time.map(|time| time.format("%H:%M").to_string()),
            "keep": settings.keep,
            "scrubTime": settings.scrub_time.map(|time| time.format("%H:%M").to_string()),
            "scrubPercent": settings.scrub_percent,
        },
        "running": active,
        "last": last,
        "backups": list,
        "error": list_error,
    })))
}

async fn start_backup(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<(StatusCode, Json<Value>)> {
    if ctx.config.backup.target.is_none() {
        return Err(ApiError::bad_request("No backup target is set: set SHOEBOX_BACKUP_TARGET for the server and the workers"));
    }
    queue(&ctx, RunKind::Backup, auth.user.id, json!({})).await
}

async fn queue(ctx: &ApiContext, kind: RunKind, by: Uuid, params: Value) -> ApiResult<(StatusCode, Json<Value>)> {
    match maintenance::request(&ctx.db, kind, Some(by), &params).await? {
        Ok(run) => Ok((StatusCode::CREATED, Json(run_dto(&run)))),
        Err(Refused::AlreadyActive(id)) => Err(ApiError::Conflict(format!("A {} is already queued or running ({id})", kind.as_str()))),
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ScrubRequest {
    /// Read every original, not the nightly share.
    #[serde(default)]
    all: bool,
}

async fn start_scrub(
    State(ctx): State<ApiContext>,
    auth: Auth,
    body: axum::body::Bytes,
) -> ApiResult<(StatusCode, Json<Value>)> {
    // The body is optional: no body asks for the nightly share.
    let body: ScrubRequest = if body.is_empty() {
        ScrubRequest::default()
    } else {
        serde_json::from_slice(&body).map_err(|err| ApiError::bad_request(format!("Invalid scrub request: {err}")))?
    };
    queue(&ctx, RunKind::Scrub, auth.user.id, json!({ "all": body.all })).await
}

async fn scrub_status(State(ctx): State<ApiContext>, _auth: Auth) -> ApiResult<Json<Value>> {
    let (active, last) = runs(&ctx, RunKind::Scrub).await?;
    let (originals, read) = shoebox_db::integrity::coverage(&ctx.db).await?;
    let target = Target::configured(&ctx.config).map_err(ApiError::Internal)?;
    let mut findings = Vec::new();
    for problem in shoebox_db::integrity::problems(&ctx.db).await? {
        let restorable = match &target {
            None => false,
            Some(target) => {
                let object = shoebox_storage::Key::backup_object(&problem.checksum);
                target.store.head(&object).await.map(|meta| meta.is_some()).unwrap_or(false)
            }
        };
        findings.push(json!({
            "assetId": problem.asset_id,
            "ownerId": problem.owner_id,
            "originalFileName": problem.original_file_name,
            "originalPath": problem.original_path,
            "problem": problem.problem,
            "checksum": hex::encode(&problem.checksum),
            "foundChecksum": problem.found_sha1.as_ref().map(hex::encode),
            "fileSizeInByte": problem.file_size_bytes,
            "checkedAt": iso(problem.checked_at),
            "restorable": restorable,
        }));
    }
    Ok(Json(json!({
        "running": active,
        "last": last,
        "originals": originals,
        "everRead": read,
        "findings": findings,
    })))
}

async fn repair(State(ctx): State<ApiContext>, _auth: Auth, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    let target = Target::configured(&ctx.config)
        .map_err(ApiError::Internal)?
        .ok_or_else(|| ApiError::bad_request("No backup target is set (SHOEBOX_BACKUP_TARGET)"))?;
    match shoebox_backup::repair(&ctx.db, &ctx.storage, &target, id).await.map_err(ApiError::Internal)? {
        RepairOutcome::Repaired { from } => {
            tracing::info!(asset = %id, %from, "restored an original from the backup");
            Ok(Json(json!({ "assetId": id, "restoredFrom": from })))
        }
        RepairOutcome::NoProblem => Err(ApiError::NotFound("The scrub has found no problem with that asset".into())),
        RepairOutcome::NotBackedUp => Err(ApiError::Conflict("No backup holds a good copy of that original".into())),
    }
}

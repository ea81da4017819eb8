//! `/api/jobs` and `/api/queues` (admin): per-queue counts, and start (missing or all), pause,
//! resume, empty and clear-failed, in Immich's shapes. Shoebox adds
//! `GET /api/jobs/{name}/failures`: which assets failed a step, and why (or wait for a model:
//! `waitingForModel`, counted as `delayed` in the statistics; `transient`: gave up on an error
//! that may pass, which the worker's reconcile tries again).

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Map, Value, json};
use shoebox_core::jobs::Queue;
use shoebox_db::pipeline;

use crate::api::dto::iso;
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};

/// Every queue name Immich's API lists; those Shoebox does not run yet report zeros.
const IMMICH_QUEUES: &[&str] = &[
    "thumbnailGeneration",
    "metadataExtraction",
    "videoConversion",
    "faceDetection",
    "facialRecognition",
    "smartSearch",
    "duplicateDetection",
    "backgroundTask",
    "storageTemplateMigration",
    "migration",
    "search",
    "sidecar",
    "library",
    "notifications",
    "backupDatabase",
    "ocr",
    "workflow",
    "integrityCheck",
    "editor",
];

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/jobs", get(legacy_all))
        .route("/jobs/{name}", axum::routing::put(command))
        .route("/jobs/{name}/failures", get(failures))
        .route("/queues", get(all))
        .route("/queues/{name}", get(one))
}

fn known(name: &str) -> ApiResult<Option<Queue>> {
    if IMMICH_QUEUES.contains(&name) {
        Ok(Queue::named(name))
    } else {
        Err(ApiError::NotFound(format!("No queue named {name:?}")))
    }
}

/// `(QueueStatisticsDto, isPaused)` for a queue.
async fn statistics(ctx: &ApiContext, queue: Option<Queue>) -> ApiResult<(Value, bool)> {
    let Some(queue) = queue else {
        let zero = json!({ "active": 0, "completed": 0, "delayed": 0, "failed": 0, "paused": 0, "waiting": 0 });
        return Ok((zero, false));
    };
    let counts = ctx.queues.counts(queue).await?;
    let paused = ctx.queues.is_paused(queue).await?;
    let failed = pipeline::failure_count(&ctx.db, queue).await?;
    // Jobs parked until their model is installed count as delayed, not failed.
    let delayed = pipeline::waiting_count(&ctx.db, queue).await?;
    let completed = pipeline::completed_count(&ctx.db, queue).await?;
    let stats = json!({
        "active": counts.active,
        "waiting": if paused { 0 } else { counts.waiting },
        "paused": if paused { counts.waiting } else { 0 },
        "delayed": delayed,
        "failed": failed,
        "completed": completed,
    });
    Ok((stats, paused))
}

async fn legacy_one(ctx: &ApiContext, queue: Option<Queue>) -> ApiResult<Value> {
    let (stats, paused) = statistics(ctx, queue).await?;
    let active = stats["active"].as_u64().unwrap_or(0) > 0;
    Ok(json!({ "jobCounts": stats, "queueStatus": { "isActive": active, "isPaused": paused } }))
}

async fn legacy_all(State(ctx): State<ApiContext>, _auth: Auth) -> ApiResult<Json<Value>> {
    let mut out = Map::new();
    for name in IMMICH_QUEUES {
        out.insert((*name).to_owned(), legacy_one(&ctx, Queue::named(name)).await?);
    }
    Ok(Json(Value::Object(out)))
}

async fn queue_response(ctx: &ApiContext, name: &str) -> ApiResult<Value> {
    let (stats, paused) = statistics(ctx, known(name)?).await?;
    Ok(json!({ "name": name, "isPaused": paused, "statistics": stats }))
}

async fn all(State(ctx): State<ApiContext>, _auth: Auth) -> ApiResult<Json<Value>> {
    let mut out = Vec::new();
    for name in IMMICH_QUEUES {
        out.push(queue_response(&ctx, name).await?);
    }
    Ok(Json(Value::Array(out)))
}

async fn one(State(ctx): State<ApiContext>, _auth: Auth, Path(name): Path<String>) -> ApiResult<Json<Value>> {
    Ok(Json(queue_response(&ctx, &name).await?))
}

#[derive(Debug, Deserialize)]
struct Command {
    command: String,
    #[serde(default)]
    force: bool,
}

async fn command(
    State(ctx): State<ApiContext>,
    _auth: Auth,
    Path(name): Path<String>,
    Json(body): Json<Command>,
) -> ApiResult<Json<Value>> {
    let Some(queue) = known(&name)? else {
        return Err(ApiError::bad_request(format!("Shoebox does not run the {name} queue yet")));
    };
    match body.command.as_str() {
        // `force` re-runs the step for every asset; otherwise only where it has not run.
        "start" => {
            let which = if body.force { pipeline::Due::All } else { pipeline::Due::Missing };
            shoebox_queue::start(&ctx.db, &ctx.queues, queue, which).await?;
        }
        "pause" => ctx.queues.pause(queue).await?,
        "resume" => ctx.queues.resume(queue).await?,
        "empty" => ctx.queues.empty(queue).await?,
        "clear-failed" => {
            pipeline::clear_failures(&ctx.db, queue).await?;
        }
        other => {
            return Err(ApiError::bad_request(format!(
                "command must be start, pause, resume, empty or clear-failed, not {other:?}"
            )));
        }
    }
    Ok(Json(legacy_one(&ctx, Some(queue)).await?))
}

async fn failures(State(ctx): State<ApiContext>, _auth: Auth, Path(name): Path<String>) -> ApiResult<Json<Value>> {
    let Some(queue) = known(&name)? else { return Ok(Json(json!([]))) };
    let failures = pipeline::failures(&ctx.db, queue, 1000).await?;
    Ok(Json(Value::Array(
        failures
            .into_iter()
            .map(|f| {
                json!({
                    "assetId": f.asset_id,
                    "reason": f.reason,
                    "attempts": f.attempts,
                    "failedAt": iso(f.failed_at),
                    "waitingForModel": f.waiting_for_model,
                    "transient": f.transient,
                })
            })
            .collect(),
    )))
}

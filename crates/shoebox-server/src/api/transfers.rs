//! Moving a library in and out (Shoebox's own): `POST /api/imports/takeout` takes a Google
//! Takeout zip (multipart, field `file`), stores it and queues its import into the caller's
//! library; `GET /api/imports/takeout` lists the caller's imports with their progress and
//! reports. `POST /api/exports {groupBy: date|album}` queues a whole-library export, `GET
//! /api/exports` lists the caller's exports, and `GET /api/exports/{id}/download` sends a finished
//! one. The worker does the work; a user sees and downloads only their own.

use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::get;
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::maintenance::{self, RunKind};
use shoebox_storage::{Key, WriteMode};
use uuid::Uuid;

use crate::api::dto::run_dto;
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};
use crate::serve::{self, StoredFile};

/// Routes that stream bodies (the upload, the download): outside the JSON routes' time limit.
pub fn streaming_router(max_upload_bytes: u64) -> Router<ApiContext> {
    Router::new()
        .route("/imports/takeout", axum::routing::post(upload_takeout).get(list_imports))
        .route("/exports/{id}/download", get(download_export))
        .layer(DefaultBodyLimit::max(usize::try_from(max_upload_bytes).unwrap_or(usize::MAX)))
}

pub fn router() -> Router<ApiContext> {
    Router::new().route("/exports", get(list_exports).post(start_export))
}

async fn upload_takeout(State(ctx): State<ApiContext>, auth: Auth, mut multipart: Multipart) -> ApiResult<(StatusCode, Json<Value>)> {
    let bad = |err: axum::extract::multipart::MultipartError| ApiError::bad_request(format!("Invalid upload: {err}"));
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        if field.name() != Some("file") {
            continue;
        }
        let file_name = field.file_name().unwrap_or("takeout.zip").to_owned();
        let import = Uuid::now_v7();
        let key = Key::takeout_upload(auth.user.id, import);
        let mut writer = ctx.storage.write(&key, WriteMode::Create).await?;
        let mut size = 0u64;
        let mut head = Vec::new();
        while let Some(chunk) = field.chunk().await.map_err(bad)? {
            if head.len() < 4 {
                head.extend_from_slice(&chunk[..chunk.len().min(4 - head.len())]);
            }
            size += chunk.len() as u64;
            writer.write(chunk).await?;
        }
        // A zip starts with a local file header (or is an empty archive's end record).
        if !(head.starts_with(b"PK\x03\x04") || head.starts_with(b"PK\x05\x06")) {
            return Err(ApiError::bad_request("A Takeout import takes the .zip file Google Takeout made"));
        }
        writer.finish().await?;
        let params = json!({ "key": key.as_str(), "fileName": file_name, "size": size });
        let run = match maintenance::request(&ctx.db, RunKind::TakeoutImport, Some(auth.user.id), &params).await? {
            Ok(run) => run,
            Err(_) => unreachable!("imports are not limited to one at a time"),
        };
        return Ok((StatusCode::CREATED, Json(run_dto(&run))));
    }
    Err(ApiError::bad_request("The upload has no file field"))
}

async fn list_imports(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Vec<Value>>> {
    let runs = maintenance::recent(&ctx.db, RunKind::TakeoutImport, Some(auth.user.id), 20).await?;
    Ok(Json(runs.iter().map(run_dto).collect()))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExportRequest {
    group_by: Option<String>,
}

async fn start_export(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<ExportRequest>) -> ApiResult<(StatusCode, Json<Value>)> {
    let group_by = body.group_by.unwrap_or_else(|| "date".to_owned());
    if !matches!(group_by.as_str(), "date" | "album") {
        return Err(ApiError::bad_request("groupBy must be date or album"));
    }
    let run = match maintenance::request(&ctx.db, RunKind::Export, Some(auth.user.id), &json!({ "groupBy": group_by })).await? {
        Ok(run) => run,
        Err(_) => unreachable!("exports are not limited to one at a time"),
    };
    Ok((StatusCode::CREATED, Json(run_dto(&run))))
}

async fn list_exports(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Vec<Value>>> {
    let runs = maintenance::recent(&ctx.db, RunKind::Export, Some(auth.user.id), 20).await?;
    Ok(Json(runs.iter().map(run_dto).collect()))
}

async fn download_export(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>, headers: HeaderMap) -> ApiResult<Response> {
    let run = maintenance::get(&ctx.db, id)
        .await?
        .filter(|run| run.kind == RunKind::Export.as_str() && run.requested_by == Some(auth.user.id))
        .ok_or_else(|| ApiError::NotFound("Export not found".into()))?;
    if run.status != "completed" {
        return Err(ApiError::Conflict(format!("The export is {}, not ready", run.status)));
    }
    let key = Key::export_archive(auth.user.id, run.id);
    let name = format!("shoebox-export-{}.zip", run.requested_at.format("%Y-%m-%d"));
    let file = StoredFile {
        key: key.as_str(),
        content_type: "application/zip",
        etag: run.id.simple().to_string(),
        download_name: Some(&name),
        cache_control: "private, no-store",
    };
    serve::send(&ctx.storage, file, &headers).await
}

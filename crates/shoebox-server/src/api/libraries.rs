//! `/api/libraries`: external libraries, for admins. A library is a set of folders already on
//! the machine (import paths, absolute) that a worker indexes for its owner without copying,
//! watches, and rescans, leaving out what the exclusion patterns match. The server only checks
//! and records what the admin asks; the worker does the indexing (see `shoebox-worker`'s
//! `library_scan`), since the server may not see the folders at all.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use shoebox_core::library::{self, DEFAULT_EXCLUSION_PATTERNS, Exclusions, MAX_ENTRIES};
use shoebox_db::libraries::{self, Library, LibraryUpdate, NewLibrary};
use uuid::Uuid;

use crate::api::assets::{remove_files, send_deleted};
use crate::api::dto::iso;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/libraries", get(list).post(create))
        .route("/libraries/{id}", get(read).put(update).delete(remove))
        .route("/libraries/{id}/scan", post(scan))
        .route("/libraries/{id}/statistics", get(statistics))
        .route("/libraries/{id}/validate", post(validate))
}

/// Immich's name for a library created without one.
const DEFAULT_NAME: &str = "New External Library";

/// `LibraryResponseDto`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct LibraryResponse {
    id: Uuid,
    owner_id: Uuid,
    name: String,
    import_paths: Vec<String>,
    exclusion_patterns: Vec<String>,
    asset_count: i64,
    created_at: String,
    updated_at: String,
    refreshed_at: Option<String>,
}

impl From<Library> for LibraryResponse {
    fn from(library: Library) -> Self {
        Self {
            id: library.id,
            owner_id: library.owner_id,
            name: library.name,
            import_paths: library.import_paths,
            exclusion_patterns: library.exclusion_patterns,
            asset_count: library.asset_count,
            created_at: iso(library.created_at),
            updated_at: iso(library.updated_at),
            refreshed_at: library.refreshed_at.map(iso),
        }
    }
}

/// `CreateLibraryDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateLibrary {
    owner_id: Uuid,
    name: Option<String>,
    import_paths: Option<Vec<String>>,
    exclusion_patterns: Option<Vec<String>>,
}

/// `UpdateLibraryDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateLibrary {
    name: Option<String>,
    import_paths: Option<Vec<String>>,
    exclusion_patterns: Option<Vec<String>>,
}

/// `ValidateLibraryDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ValidateLibrary {
    #[serde(default)]
    import_paths: Vec<String>,
    #[serde(default)]
    exclusion_patterns: Vec<String>,
}

/// `ValidateLibraryImportPathResponseDto`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ImportPathCheck {
    import_path: String,
    is_valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

/// `LibraryStatsResponseDto`.
#[derive(Debug, Serialize)]
struct LibraryStatsResponse {
    photos: i64,
    videos: i64,
    total: i64,
    usage: i64,
}

async fn list(State(ctx): State<ApiContext>) -> ApiResult<Json<Vec<LibraryResponse>>> {
    Ok(Json(libraries::list(&ctx.db).await?.into_iter().map(Into::into).collect()))
}

async fn create(
    State(ctx): State<ApiContext>,
    Json(body): Json<CreateLibrary>,
) -> ApiResult<(StatusCode, Json<LibraryResponse>)> {
    let owner = shoebox_db::users::find_by_id(&ctx.db, body.owner_id).await?;
    if owner.is_none_or(|owner| owner.deleted_at.is_some()) {
        return Err(ApiError::bad_request("User not found"));
    }
    let name = checked_name(body.name)?.unwrap_or_else(|| DEFAULT_NAME.to_owned());
    let import_paths = body.import_paths.unwrap_or_default();
    require_valid_import_paths(&ctx, &import_paths).await?;
    let exclusion_patterns = body
        .exclusion_patterns
        .unwrap_or_else(|| DEFAULT_EXCLUSION_PATTERNS.iter().map(|pattern| pattern.to_string()).collect());
    check_exclusion_patterns(&exclusion_patterns)?;
    let new = NewLibrary { owner_id: body.owner_id, name, import_paths, exclusion_patterns };
    let library = libraries::create(&ctx.db, &new).await?;
    tracing::info!(library = %library.id, owner = %library.owner_id, paths = ?library.import_paths, "external library created");
    Ok((StatusCode::CREATED, Json(library.into())))
}

async fn read(State(ctx): State<ApiContext>, Path(id): Path<Uuid>) -> ApiResult<Json<LibraryResponse>> {
    Ok(Json(found(libraries::get(&ctx.db, id).await?)?.into()))
}

async fn update(
    State(ctx): State<ApiContext>,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateLibrary>,
) -> ApiResult<Json<LibraryResponse>> {
    found(libraries::get(&ctx.db, id).await?)?;
    let name = checked_name(body.name)?;
    if let Some(import_paths) = &body.import_paths {
        require_valid_import_paths(&ctx, import_paths).await?;
    }
    if let Some(patterns) = &body.exclusion_patterns {
        check_exclusion_patterns(patterns)?;
    }
    let changes = LibraryUpdate { name, import_paths: body.import_paths, exclusion_patterns: body.exclusion_patterns };
    Ok(Json(found(libraries::update(&ctx.db, id, &changes).await?)?.into()))
}

/// Removes the library and its assets' rows (and what was made from them); the folders' files
/// stay untouched.
async fn remove(State(ctx): State<ApiContext>, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    let removed = found(libraries::delete(&ctx.db, id).await?)?;
    tracing::info!(library = %id, assets = removed.asset_ids.len(), "external library deleted");
    remove_files(&ctx, &removed.derived_keys).await;
    send_deleted(&ctx, removed.owner_id, removed.asset_ids).await;
    Ok(StatusCode::NO_CONTENT)
}

/// Asks the workers for a scan; one that holds the library walks its folders within seconds.
async fn scan(State(ctx): State<ApiContext>, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    if libraries::request_scan(&ctx.db, id).await? { Ok(StatusCode::NO_CONTENT) } else { Err(not_found()) }
}

async fn statistics(State(ctx): State<ApiContext>, Path(id): Path<Uuid>) -> ApiResult<Json<LibraryStatsResponse>> {
    let stats = found(libraries::statistics(&ctx.db, id).await?)?;
    Ok(Json(LibraryStatsResponse {
        photos: stats.photos,
        videos: stats.videos,
        total: stats.photos + stats.videos,
        usage: stats.usage,
    }))
}

/// Says of each import path whether it can be used and why not, as the web's library form asks
/// while the admin types; like Immich, it needs no library of that id.
async fn validate(
    State(ctx): State<ApiContext>,
    Path(_id): Path<Uuid>,
    Json(body): Json<ValidateLibrary>,
) -> ApiResult<Json<serde_json::Value>> {
    check_count("importPaths", &body.import_paths)?;
    check_count("exclusionPatterns", &body.exclusion_patterns)?;
    let checks = import_path_problems(&ctx, body.import_paths)
        .await?
        .into_iter()
        .map(|(import_path, problem)| ImportPathCheck { import_path, is_valid: problem.is_none(), message: problem })
        .collect::<Vec<_>>();
    Ok(Json(serde_json::json!({ "importPaths": checks })))
}

fn found<T>(value: Option<T>) -> ApiResult<T> {
    value.ok_or_else(not_found)
}

fn not_found() -> ApiError {
    ApiError::not_found("Library")
}

fn checked_name(name: Option<String>) -> ApiResult<Option<String>> {
    match name.map(|name| name.trim().to_owned()) {
        Some(name) if name.is_empty() => Err(ApiError::bad_request("name must not be empty")),
        name => Ok(name),
    }
}

fn check_count(field: &str, entries: &[String]) -> ApiResult<()> {
    if entries.len() > MAX_ENTRIES {
        return Err(ApiError::bad_request(format!("{field} must contain no more than {MAX_ENTRIES} elements")));
    }
    Ok(())
}

/// Each path with what is wrong with it, checked off the async threads (a network disk may be slow
/// to answer).
async fn import_path_problems(ctx: &ApiContext, paths: Vec<String>) -> ApiResult<Vec<(String, Option<String>)>> {
    let data_dir = ctx.config.data_dir.clone();
    let checked = tokio::task::spawn_blocking(move || {
        paths
            .into_iter()
            .map(|path| {
                let problem = library::import_path_problem(&path, &data_dir);
                (path, problem)
            })
            .collect()
    });
    checked.await.map_err(|err| ApiError::Internal(anyhow::anyhow!("checking import paths: {err}")))
}

/// Refuses the first import path that is not an absolute, readable folder, as Immich's update does.
async fn require_valid_import_paths(ctx: &ApiContext, paths: &[String]) -> ApiResult<()> {
    check_count("importPaths", paths)?;
    for (path, problem) in import_path_problems(ctx, paths.to_vec()).await? {
        if let Some(problem) = problem {
            return Err(ApiError::bad_request(format!("Invalid import path {path}: {problem}")));
        }
    }
    Ok(())
}

fn check_exclusion_patterns(patterns: &[String]) -> ApiResult<()> {
    check_count("exclusionPatterns", patterns)?;
    Exclusions::new(patterns).map(|_| ()).map_err(|err| ApiError::bad_request(err.to_string()))
}

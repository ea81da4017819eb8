//! `/api/shared-links`: public links to an album for people without an account — family who
//! only need to look. The link's key (in the URL as `?key=`) opens the album's photos, read-only,
//! until the link expires or is deleted. Shoebox makes album links only; Immich's links to loose
//! assets, passwords, custom slugs and uploads through a link are refused with a 400.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::albums::{self, AlbumRole};
use shoebox_db::shared_links::{self, LinkSettings, SharedLink};
use uuid::Uuid;

use crate::api::albums::album_response;
use crate::api::bulk_body_limit;
use crate::api::dto::{iso, present};
use crate::auth::viewer::Viewer;
use crate::auth::{Auth, token};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/shared-links", get(list).post(create).layer(bulk_body_limit()))
        .route("/shared-links/me", get(me))
        .route("/shared-links/{id}", get(read).patch(update).delete(delete))
}

/// `SharedLinkResponseDto`, with its album.
async fn link_json(ctx: &ApiContext, link: &SharedLink) -> ApiResult<Value> {
    let album = album_response(ctx, link.owner_id, link.album_id).await?;
    Ok(json!({
        "id": link.id,
        "key": link.key,
        "type": "ALBUM",
        "userId": link.owner_id,
        "description": link.description,
        "expiresAt": link.expires_at.map(iso),
        "password": Value::Null,
        "slug": Value::Null,
        "allowDownload": link.allow_download,
        "allowUpload": false,
        "showMetadata": link.show_metadata,
        "createdAt": iso(link.created_at),
        "assets": [],
        "album": album,
    }))
}

/// `SharedLinkCreateDto` and `SharedLinkEditDto`.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct LinkBody {
    #[serde(rename = "type")]
    link_type: Option<String>,
    album_id: Option<Uuid>,
    asset_ids: Option<Vec<Uuid>>,
    description: Option<String>,
    #[serde(deserialize_with = "present")]
    expires_at: Option<Option<DateTime<Utc>>>,
    allow_download: Option<bool>,
    allow_upload: Option<bool>,
    show_metadata: Option<bool>,
    password: Option<String>,
    slug: Option<String>,
}

impl LinkBody {
    /// Refuses what Shoebox's links cannot do, and expiry dates already past.
    fn check(&self) -> ApiResult<()> {
        if self.allow_upload == Some(true) {
            return Err(ApiError::bad_request("Shoebox's shared links cannot take uploads"));
        }
        if self.password.as_deref().is_some_and(|p| !p.is_empty())
            || self.slug.as_deref().is_some_and(|s| !s.is_empty())
        {
            return Err(ApiError::bad_request("Shoebox's shared links have no passwords or custom slugs"));
        }
        if let Some(Some(expires_at)) = self.expires_at
            && expires_at <= Utc::now()
        {
            return Err(ApiError::bad_request("expiresAt must be in the future"));
        }
        Ok(())
    }

    fn settings(&self, current: Option<&SharedLink>) -> LinkSettings {
        LinkSettings {
            description: self.description.clone().or_else(|| current.and_then(|link| link.description.clone())),
            expires_at: match self.expires_at {
                Some(expires_at) => expires_at,
                None => current.and_then(|link| link.expires_at),
            },
            allow_download: self.allow_download.or(current.map(|link| link.allow_download)).unwrap_or(true),
            show_metadata: self.show_metadata.or(current.map(|link| link.show_metadata)).unwrap_or(true),
        }
    }
}

async fn create(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<LinkBody>) -> ApiResult<Response> {
    body.check()?;
    match body.link_type.as_deref() {
        Some("ALBUM") => {}
        Some("INDIVIDUAL") => return Err(ApiError::bad_request("Shoebox makes shared links to albums only")),
        other => return Err(ApiError::bad_request(format!("type must be ALBUM, not {other:?}"))),
    }
    if body.asset_ids.as_ref().is_some_and(|ids| !ids.is_empty()) {
        return Err(ApiError::bad_request("An album link takes albumId, not assetIds"));
    }
    let album = body.album_id.ok_or_else(|| ApiError::bad_request("albumId is required"))?;
    match albums::role(&ctx.db, auth.user.id, album).await? {
        None => return Err(ApiError::not_found("Album")),
        Some(AlbumRole::Owner) => {}
        Some(_) => return Err(ApiError::Forbidden("Only the album's owner can make links to it".into())),
    }
    let link = shared_links::create(&ctx.db, auth.user.id, album, &token::generate(), &body.settings(None))
        .await?
        .ok_or_else(|| ApiError::not_found("Album"))?;
    Ok((StatusCode::CREATED, axum::Json(link_json(&ctx, &link).await?)).into_response())
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    album_id: Option<Uuid>,
}

async fn list(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Vec<Value>>> {
    let mut out = Vec::new();
    for link in shared_links::list(&ctx.db, auth.user.id, query.album_id).await? {
        out.push(link_json(&ctx, &link).await?);
    }
    Ok(Json(out))
}

async fn read(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    let link = shared_links::get(&ctx.db, auth.user.id, id).await?.ok_or_else(|| ApiError::not_found("Shared link"))?;
    Ok(Json(link_json(&ctx, &link).await?))
}

/// `GET /shared-links/me?key=`: what a link's holder opens — no account needed.
async fn me(State(ctx): State<ApiContext>, viewer: Viewer) -> ApiResult<Json<Value>> {
    match &viewer {
        Viewer::Link(link) => {
            let mut json = link_json(&ctx, link).await?;
            // Strangers see who shares the album, not whom else it is shared with.
            if let Some(users) = json["album"]["albumUsers"].as_array_mut() {
                users.truncate(1);
            }
            Ok(Json(json))
        }
        Viewer::User(_) => Err(ApiError::bad_request("key is required")),
    }
}

async fn update(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<LinkBody>,
) -> ApiResult<Json<Value>> {
    body.check()?;
    let current =
        shared_links::get(&ctx.db, auth.user.id, id).await?.ok_or_else(|| ApiError::not_found("Shared link"))?;
    let link = shared_links::update(&ctx.db, auth.user.id, id, &body.settings(Some(&current)))
        .await?
        .ok_or_else(|| ApiError::not_found("Shared link"))?;
    Ok(Json(link_json(&ctx, &link).await?))
}

async fn delete(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    if !shared_links::delete(&ctx.db, auth.user.id, id).await? {
        return Err(ApiError::not_found("Shared link"));
    }
    Ok(StatusCode::NO_CONTENT)
}

//! `/api/activities`: likes and comments on an album or on an asset in it, in Immich's paths and
//! shapes. Only the album's owner and members read or write them; writing needs the album's
//! activity switched on; a like is given once per user and album or asset; a comment or like goes
//! when its author or the album's owner deletes it.

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{delete, get};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::activities::{self, Activity, ActivityFilter, Level, NewActivity};
use shoebox_db::albums::{self, AlbumRole};
use shoebox_db::users::{self, User};
use uuid::Uuid;

use crate::api::albums::user_json;
use crate::api::dto::iso;
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};

/// Longest comment accepted.
const MAX_COMMENT_CHARS: usize = 10_000;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/activities", get(list).post(create))
        .route("/activities/statistics", get(statistics))
        .route("/activities/{id}", delete(remove))
}

/// Immich's `ReactionType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ReactionType {
    Comment,
    Like,
}

/// Immich's `ReactionLevel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ReactionLevel {
    Album,
    Asset,
}

/// `ActivityResponseDto`.
fn activity_json(activity: &Activity, author: &User) -> Value {
    json!({
        "id": activity.id,
        "createdAt": iso(activity.created_at),
        "user": user_json(author),
        "assetId": activity.asset_id,
        "type": if activity.is_liked { "like" } else { "comment" },
        "comment": activity.comment,
    })
}

/// Activities with their authors, read in one query.
async fn responses(ctx: &ApiContext, found: &[Activity]) -> ApiResult<Vec<Value>> {
    let mut ids: Vec<Uuid> = found.iter().map(|activity| activity.user_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let authors: HashMap<Uuid, User> =
        users::by_ids(&ctx.db, &ids).await?.into_iter().map(|user| (user.id, user)).collect();
    Ok(found.iter().filter_map(|activity| Some(activity_json(activity, authors.get(&activity.user_id)?))).collect())
}

/// The caller's role in the album; an album they cannot see is "not found", whoever owns it.
async fn role_in(ctx: &ApiContext, auth: &Auth, album: Option<Uuid>) -> ApiResult<(Uuid, AlbumRole)> {
    let album = album.ok_or_else(|| ApiError::bad_request("albumId is required"))?;
    let role = albums::role(&ctx.db, auth.user.id, album).await?.ok_or_else(|| ApiError::not_found("Album"))?;
    Ok((album, role))
}

/// `ActivitySearchDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    album_id: Option<Uuid>,
    asset_id: Option<Uuid>,
    #[serde(rename = "type")]
    kind: Option<ReactionType>,
    level: Option<ReactionLevel>,
    user_id: Option<Uuid>,
}

async fn list(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Vec<Value>>> {
    auth.require("activity.read")?;
    let (album, _) = role_in(&ctx, &auth, query.album_id).await?;
    let filter = ActivityFilter {
        asset_id: query.asset_id,
        level: match query.level {
            None => Level::Any,
            Some(ReactionLevel::Album) => Level::Album,
            Some(ReactionLevel::Asset) => Level::Asset,
        },
        user_id: query.user_id,
        liked: query.kind.map(|kind| kind == ReactionType::Like),
    };
    let found = activities::list(&ctx.db, album, &filter).await?;
    Ok(Json(responses(&ctx, &found).await?))
}

/// `ActivityDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct StatisticsQuery {
    album_id: Option<Uuid>,
    asset_id: Option<Uuid>,
}

async fn statistics(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Query(query): Query<StatisticsQuery>,
) -> ApiResult<Json<Value>> {
    auth.require("activity.statistics")?;
    let (album, _) = role_in(&ctx, &auth, query.album_id).await?;
    let (comments, likes) = activities::statistics(&ctx.db, album, query.asset_id).await?;
    Ok(Json(json!({ "comments": comments, "likes": likes })))
}

/// `ActivityCreateDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateActivity {
    album_id: Uuid,
    asset_id: Option<Uuid>,
    #[serde(rename = "type")]
    kind: ReactionType,
    comment: Option<String>,
}

impl CreateActivity {
    /// The comment to store: required and not blank for a comment, absent for a like.
    fn checked_comment(&self) -> ApiResult<Option<String>> {
        match (self.kind, &self.comment) {
            (ReactionType::Comment, Some(text)) if !text.trim().is_empty() => {
                if text.chars().count() > MAX_COMMENT_CHARS {
                    return Err(ApiError::bad_request(format!(
                        "A comment is at most {MAX_COMMENT_CHARS} characters long"
                    )));
                }
                Ok(Some(text.clone()))
            }
            (ReactionType::Comment, _) => Err(ApiError::bad_request("comment should not be empty")),
            (ReactionType::Like, None) => Ok(None),
            (ReactionType::Like, Some(_)) => Err(ApiError::bad_request("A like has no comment")),
        }
    }
}

async fn create(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Json(body): Json<CreateActivity>,
) -> ApiResult<impl IntoResponse> {
    auth.require("activity.create")?;
    let comment = body.checked_comment()?;
    let album = albums::get(&ctx.db, auth.user.id, body.album_id).await?.ok_or_else(|| ApiError::not_found("Album"))?;
    if !album.is_activity_enabled {
        return Err(ApiError::Forbidden("Comments and likes are switched off for this album".into()));
    }
    if let Some(asset) = body.asset_id
        && !activities::asset_in_album(&ctx.db, album.id, asset).await?
    {
        return Err(ApiError::bad_request(format!("Asset {asset} is not in this album")));
    }
    let new = NewActivity { album_id: album.id, user_id: auth.user.id, asset_id: body.asset_id, comment };
    let (activity, existed) = activities::create(&ctx.db, &new).await?;
    // A like given before answers 200 with that like, a new one 201, as in Immich.
    let status = if existed { StatusCode::OK } else { StatusCode::CREATED };
    Ok((status, Json(activity_json(&activity, &auth.user))))
}

async fn remove(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    auth.require("activity.delete")?;
    let activity = activities::get(&ctx.db, id).await?.ok_or_else(|| ApiError::not_found("Activity"))?;
    if activity.user_id != auth.user.id {
        match albums::role(&ctx.db, auth.user.id, activity.album_id).await? {
            // Someone outside the album does not learn that it exists.
            None => return Err(ApiError::not_found("Activity")),
            Some(AlbumRole::Owner) => {}
            Some(_) => {
                return Err(ApiError::Forbidden(
                    "Only its author or the album's owner can delete a comment or like".into(),
                ));
            }
        }
    }
    activities::delete(&ctx.db, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

//! `/api/notifications`: Immich's notifications (the bell), such as a nightly backup that failed.
//! Each user reads, marks and removes only their own.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::notifications::{self, Notification};
use uuid::Uuid;

use crate::api::dto::iso;
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/notifications", get(list).put(update_many).delete(delete_many))
        .route("/notifications/{id}", get(read).put(update_one).delete(delete_one))
}

pub fn dto(notification: &Notification) -> Value {
    let mut value = json!({
        "id": notification.id,
        "level": notification.level,
        "type": notification.kind,
        "title": notification.title,
        "createdAt": iso(notification.created_at),
    });
    if let Some(description) = &notification.description {
        value["description"] = json!(description);
    }
    if let Some(data) = &notification.data {
        value["data"] = data.clone();
    }
    if let Some(read_at) = notification.read_at {
        value["readAt"] = json!(iso(read_at));
    }
    value
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ListQuery {
    id: Option<Uuid>,
    level: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    unread: Option<bool>,
}

async fn list(State(ctx): State<ApiContext>, auth: Auth, Query(query): Query<ListQuery>) -> ApiResult<Json<Vec<Value>>> {
    let all = notifications::list(&ctx.db, auth.user.id, query.unread.unwrap_or(false)).await?;
    let listed = all
        .iter()
        .filter(|n| query.id.is_none_or(|id| n.id == id))
        .filter(|n| query.level.as_ref().is_none_or(|level| &n.level == level))
        .filter(|n| query.kind.as_ref().is_none_or(|kind| &n.kind == kind))
        .map(dto)
        .collect();
    Ok(Json(listed))
}

async fn read(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    let all = notifications::list(&ctx.db, auth.user.id, false).await?;
    let found = all.iter().find(|n| n.id == id).ok_or_else(|| ApiError::NotFound("Notification not found".into()))?;
    Ok(Json(dto(found)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateMany {
    ids: Vec<Uuid>,
    read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct UpdateOne {
    read_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DeleteMany {
    ids: Vec<Uuid>,
}

async fn update_many(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<UpdateMany>) -> ApiResult<StatusCode> {
    if body.ids.is_empty() {
        return Err(ApiError::bad_request("ids must name at least one notification"));
    }
    notifications::set_read(&ctx.db, auth.user.id, &body.ids, body.read_at).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn update_one(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateOne>,
) -> ApiResult<Json<Value>> {
    if notifications::set_read(&ctx.db, auth.user.id, &[id], body.read_at).await? == 0 {
        return Err(ApiError::NotFound("Notification not found".into()));
    }
    read(State(ctx), auth, Path(id)).await
}

async fn delete_many(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<DeleteMany>) -> ApiResult<StatusCode> {
    if body.ids.is_empty() {
        return Err(ApiError::bad_request("ids must name at least one notification"));
    }
    notifications::delete(&ctx.db, auth.user.id, &body.ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn delete_one(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    if notifications::delete(&ctx.db, auth.user.id, &[id]).await? == 0 {
        return Err(ApiError::NotFound("Notification not found".into()));
    }
    Ok(StatusCode::NO_CONTENT)
}

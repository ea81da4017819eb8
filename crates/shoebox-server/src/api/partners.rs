//! `/api/partners`: share your whole timeline with another user of the server, see who shares
//! theirs with you, and choose whether their photos appear in your own timeline.

use std::collections::HashMap;

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::Value;
use shoebox_db::partners::{self, Partner, ShareError};
use shoebox_db::users;
use uuid::Uuid;

use crate::api::albums::user_json;
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/partners", get(list).post(create))
        .route("/partners/{id}", post(create_by_path).put(update).delete(remove))
}

/// `PartnerResponseDto`: the other user, and whether their photos are in the caller's timeline.
async fn responses(ctx: &ApiContext, found: &[Partner]) -> ApiResult<Vec<Value>> {
    let ids: Vec<Uuid> = found.iter().map(|partner| partner.user_id).collect();
    let people: HashMap<Uuid, users::User> =
        users::by_ids(&ctx.db, &ids).await?.into_iter().map(|user| (user.id, user)).collect();
    Ok(found
        .iter()
        .filter_map(|partner| {
            let mut json = user_json(people.get(&partner.user_id)?);
            json["inTimeline"] = Value::Bool(partner.in_timeline);
            Some(json)
        })
        .collect())
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    direction: Option<String>,
}

async fn list(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Vec<Value>>> {
    let sharing = match query.direction.as_deref() {
        Some("shared-by") => true,
        Some("shared-with") => false,
        other => {
            return Err(ApiError::bad_request(format!("direction must be shared-by or shared-with, not {other:?}")));
        }
    };
    let found = partners::list(&ctx.db, auth.user.id, sharing).await?;
    Ok(Json(responses(&ctx, &found).await?))
}

/// `PartnerCreateDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreatePartner {
    shared_with_id: Uuid,
}

async fn create(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<CreatePartner>) -> ApiResult<Response> {
    share(&ctx, &auth, body.shared_with_id).await
}

/// The older form Immich's mobile app still uses: the user to share with in the path.
async fn create_by_path(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<Response> {
    share(&ctx, &auth, id).await
}

async fn share(ctx: &ApiContext, auth: &Auth, with: Uuid) -> ApiResult<Response> {
    let partner = match partners::share(&ctx.db, auth.user.id, with).await? {
        Ok(partner) => partner,
        Err(ShareError::UserNotFound) => return Err(ApiError::bad_request(format!("No such user: {with}"))),
        Err(ShareError::Yourself) => return Err(ApiError::bad_request("You cannot share with yourself")),
        Err(ShareError::AlreadyShared) => {
            return Err(ApiError::bad_request("You already share your timeline with this user"));
        }
    };
    let json = responses(ctx, &[partner]).await?.pop().ok_or_else(|| ApiError::not_found("User"))?;
    Ok((StatusCode::CREATED, axum::Json(json)).into_response())
}

/// `PartnerUpdateDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdatePartner {
    in_timeline: bool,
}

/// `id` is a partner who shares with the caller; the caller shows or hides them in their timeline.
async fn update(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdatePartner>,
) -> ApiResult<Json<Value>> {
    if !partners::set_in_timeline(&ctx.db, auth.user.id, id, body.in_timeline).await? {
        return Err(ApiError::NotFound(format!("User {id} does not share their timeline with you")));
    }
    let partner = Partner { user_id: id, in_timeline: body.in_timeline };
    let json = responses(&ctx, &[partner]).await?.pop().ok_or_else(|| ApiError::not_found("User"))?;
    Ok(Json(json))
}

/// The caller stops sharing their timeline with `id`.
async fn remove(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    if !partners::unshare(&ctx.db, auth.user.id, id).await? {
        return Err(ApiError::NotFound(format!("You do not share your timeline with user {id}")));
    }
    Ok(StatusCode::NO_CONTENT)
}

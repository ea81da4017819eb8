//! `/api/albums`: create, list, rename and delete albums, add or remove their assets, and share
//! them with other users of the server as editors or viewers.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, put};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use shoebox_db::albums::{self, AddMembersError, Album, AlbumFilter, AlbumRole, AlbumUpdate, BulkOutcome, NewAlbum};
use shoebox_db::users::{self, User};
use std::collections::HashMap;
use uuid::Uuid;

use crate::api::bulk_body_limit;
use crate::api::dto::iso;
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::live::{ClientEvent, Room};

/// Most ids one bulk album change takes.
const MAX_BULK_IDS: usize = 10_000;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/albums", get(list).post(create).layer(bulk_body_limit()))
        .route("/albums/statistics", get(statistics))
        // PUT as well as Immich's PATCH: older clients switch activity on and off with it.
        .route("/albums/{id}", get(read).patch(update).delete(delete))
        .route("/albums/{id}/assets", put(add_assets).delete(remove_assets).layer(bulk_body_limit()))
        .route("/albums/{id}/users", put(add_users))
        .route("/albums/{id}/user/{user_id}", put(update_user).delete(remove_user))
}

/// `AlbumResponseDto`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct AlbumResponse {
    id: Uuid,
    album_name: String,
    description: String,
    album_thumbnail_asset_id: Option<Uuid>,
    album_users: Vec<Value>,
    asset_count: i64,
    contributor_counts: Vec<Value>,
    created_at: String,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    last_modified_asset_timestamp: Option<String>,
    has_shared_link: bool,
    is_activity_enabled: bool,
    order: String,
    shared: bool,
}

/// `UserResponseDto`.
pub fn user_json(user: &User) -> Value {
    json!({
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "avatarColor": user.avatar_color.as_deref().unwrap_or("primary"),
        "profileImagePath": "",
        "profileChangedAt": iso(user.profile_changed_at),
    })
}

impl AlbumResponse {
    /// `members` are the users the album is shared with and their roles, the owner not among them.
    fn new(album: Album, owner: &User, members: &[(&User, &str)]) -> Self {
        let mut album_users = vec![json!({ "role": "owner", "user": user_json(owner) })];
        album_users.extend(members.iter().map(|(user, role)| json!({ "role": role, "user": user_json(user) })));
        Self {
            id: album.id,
            album_name: album.album_name,
            description: album.description,
            album_thumbnail_asset_id: album.album_thumbnail_asset_id,
            album_users,
            asset_count: album.asset_count,
            contributor_counts: Vec::new(),
            created_at: iso(album.created_at),
            updated_at: iso(album.updated_at),
            start_date: album.start_date.map(iso),
            end_date: album.end_date.map(iso),
            last_modified_asset_timestamp: album.last_modified_asset_timestamp.map(iso),
            has_shared_link: false,
            is_activity_enabled: album.is_activity_enabled,
            order: album.asset_order,
            shared: !members.is_empty(),
        }
    }
}

/// Responses for albums, with their owners and members read in two queries.
async fn responses(ctx: &ApiContext, found: Vec<Album>) -> ApiResult<Vec<AlbumResponse>> {
    let ids: Vec<Uuid> = found.iter().map(|album| album.id).collect();
    let members = albums::members(&ctx.db, &ids).await?;
    let mut user_ids: Vec<Uuid> =
        found.iter().map(|album| album.owner_id).chain(members.iter().map(|member| member.user_id)).collect();
    user_ids.sort_unstable();
    user_ids.dedup();
    let people: HashMap<Uuid, User> =
        users::by_ids(&ctx.db, &user_ids).await?.into_iter().map(|user| (user.id, user)).collect();
    Ok(found
        .into_iter()
        .filter_map(|album| {
            let owner = people.get(&album.owner_id)?;
            let shared_with: Vec<(&User, &str)> = members
                .iter()
                .filter(|member| member.album_id == album.id)
                .filter_map(|member| Some((people.get(&member.user_id)?, member.role.as_str())))
                .collect();
            Some(AlbumResponse::new(album, owner, &shared_with))
        })
        .collect())
}

async fn response(ctx: &ApiContext, auth: &Auth, id: Uuid) -> ApiResult<AlbumResponse> {
    album_response(ctx, auth.user.id, id).await
}

/// `AlbumResponseDto` for an album the user owns or is a member of.
pub(crate) async fn album_response(ctx: &ApiContext, user: Uuid, id: Uuid) -> ApiResult<AlbumResponse> {
    let album = albums::get(&ctx.db, user, id).await?.ok_or_else(|| ApiError::not_found("Album"))?;
    responses(ctx, vec![album]).await?.pop().ok_or_else(|| ApiError::not_found("Album"))
}

/// Refuses when the user's role in the album is not enough; a missing album is 404.
async fn require_role(ctx: &ApiContext, auth: &Auth, id: Uuid, allowed: &[AlbumRole]) -> ApiResult<AlbumRole> {
    match albums::role(&ctx.db, auth.user.id, id).await? {
        None => Err(ApiError::not_found("Album")),
        Some(role) if allowed.contains(&role) => Ok(role),
        Some(role) => Err(ApiError::Forbidden(format!("As {} of this album you cannot do that", role.as_str()))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    asset_id: Option<Uuid>,
    id: Option<Uuid>,
    /// `true`: the caller's own albums; `false`: others' albums shared with the caller.
    is_owned: Option<bool>,
    /// `true`: albums with members; `false`: albums without.
    is_shared: Option<bool>,
    name: Option<String>,
}

async fn list(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Query(query): Query<ListQuery>,
) -> ApiResult<Json<Vec<AlbumResponse>>> {
    let filter =
        AlbumFilter { asset_id: query.asset_id, name: query.name, owned: query.is_owned, shared: query.is_shared };
    let mut found = albums::list(&ctx.db, auth.user.id, &filter).await?;
    found.retain(|album| query.id.is_none_or(|id| album.id == id));
    Ok(Json(responses(&ctx, found).await?))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CreateAlbum {
    album_name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    asset_ids: Vec<Uuid>,
    #[serde(default)]
    album_users: Vec<AlbumUserRequest>,
}

/// `AlbumUserCreateDto` / `AlbumUserAddDto`: the role defaults to editor, as in Immich.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AlbumUserRequest {
    user_id: Uuid,
    role: Option<String>,
}

fn member_role(role: Option<&str>) -> ApiResult<AlbumRole> {
    let role = role.unwrap_or("editor");
    AlbumRole::member(role).ok_or_else(|| ApiError::bad_request(format!("role must be editor or viewer, not {role:?}")))
}

fn checked_members(requested: &[AlbumUserRequest]) -> ApiResult<Vec<(Uuid, AlbumRole)>> {
    requested.iter().map(|member| Ok((member.user_id, member_role(member.role.as_deref())?))).collect()
}

/// Shares the caller's album; all or nothing.
async fn share(ctx: &ApiContext, auth: &Auth, id: Uuid, members: &[(Uuid, AlbumRole)]) -> ApiResult<()> {
    match albums::add_members(&ctx.db, auth.user.id, id, members).await? {
        Ok(()) => Ok(()),
        Err(AddMembersError::AlbumNotFound) => Err(ApiError::not_found("Album")),
        Err(AddMembersError::UserNotFound(user)) => Err(ApiError::bad_request(format!("No such user: {user}"))),
        Err(AddMembersError::Owner) => Err(ApiError::bad_request("The owner cannot be added to their own album")),
        Err(AddMembersError::AlreadyMember(user)) => {
            Err(ApiError::bad_request(format!("User {user} is already a member of the album")))
        }
    }
}

async fn create(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Json(body): Json<CreateAlbum>,
) -> ApiResult<impl IntoResponse> {
    let name = checked_name(&body.album_name)?;
    let members = checked_members(&body.album_users)?;
    check_bulk(&body.asset_ids)?;
    let new = NewAlbum { owner_id: auth.user.id, album_name: name, description: body.description };
    let id = albums::create(&ctx.db, &new, &body.asset_ids).await?;
    if !members.is_empty()
        && let Err(err) = share(&ctx, &auth, id, &members).await
    {
        // Nothing half-made: the album goes if it cannot be shared as asked.
        albums::delete(&ctx.db, auth.user.id, id).await?;
        return Err(err);
    }
    Ok((StatusCode::CREATED, Json(response(&ctx, &auth, id).await?)))
}

async fn read(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<Json<AlbumResponse>> {
    Ok(Json(response(&ctx, &auth, id).await?))
}

/// `AddUsersDto`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AddUsers {
    album_users: Vec<AlbumUserRequest>,
}

async fn add_users(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<AddUsers>,
) -> ApiResult<Json<AlbumResponse>> {
    if body.album_users.is_empty() {
        return Err(ApiError::bad_request("albumUsers must name at least one user"));
    }
    require_role(&ctx, &auth, id, &[AlbumRole::Owner]).await?;
    share(&ctx, &auth, id, &checked_members(&body.album_users)?).await?;
    Ok(Json(response(&ctx, &auth, id).await?))
}

/// `UpdateAlbumUserDto`.
#[derive(Debug, Deserialize)]
struct UpdateUser {
    role: String,
}

async fn update_user(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path((id, user_id)): Path<(Uuid, Uuid)>,
    Json(body): Json<UpdateUser>,
) -> ApiResult<StatusCode> {
    let role = member_role(Some(&body.role))?;
    require_role(&ctx, &auth, id, &[AlbumRole::Owner]).await?;
    if !albums::set_member_role(&ctx.db, auth.user.id, id, user_id, role).await? {
        return Err(ApiError::NotFound(format!("User {user_id} is not a member of the album")));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The owner removes a member; a member leaves with their own id or `me`.
async fn remove_user(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path((id, user)): Path<(Uuid, String)>,
) -> ApiResult<StatusCode> {
    let user = if user == "me" {
        auth.user.id
    } else {
        Uuid::parse_str(&user)
            .map_err(|_| ApiError::bad_request(format!("userId must be a UUID or me, not {user:?}")))?
    };
    let role = require_role(&ctx, &auth, id, &[AlbumRole::Owner, AlbumRole::Editor, AlbumRole::Viewer]).await?;
    if role == AlbumRole::Owner && user == auth.user.id {
        return Err(ApiError::bad_request("The owner cannot leave their own album; delete it instead"));
    }
    if role != AlbumRole::Owner && user != auth.user.id {
        return Err(ApiError::Forbidden("Only the album's owner can remove other users".into()));
    }
    if !albums::remove_member(&ctx.db, auth.user.id, id, user).await? {
        return Err(ApiError::NotFound(format!("User {user} is not a member of the album")));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateAlbum {
    album_name: Option<String>,
    description: Option<String>,
    album_thumbnail_asset_id: Option<Uuid>,
    is_activity_enabled: Option<bool>,
    order: Option<String>,
}

async fn update(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateAlbum>,
) -> ApiResult<Json<AlbumResponse>> {
    require_role(&ctx, &auth, id, &[AlbumRole::Owner]).await?;
    if body.order.as_deref().is_some_and(|order| order != "asc" && order != "desc") {
        return Err(ApiError::bad_request("order must be asc or desc"));
    }
    if let Some(cover) = body.album_thumbnail_asset_id {
        let in_album =
            albums::list(&ctx.db, auth.user.id, &AlbumFilter { asset_id: Some(cover), ..Default::default() })
                .await?
                .iter()
                .any(|album| album.id == id);
        if !in_album {
            return Err(ApiError::bad_request("The album thumbnail must be an asset of the album"));
        }
    }
    let update = AlbumUpdate {
        album_name: body.album_name.as_deref().map(checked_name).transpose()?,
        description: body.description,
        album_thumbnail_asset_id: body.album_thumbnail_asset_id,
        is_activity_enabled: body.is_activity_enabled,
        asset_order: body.order,
    };
    if !albums::update(&ctx.db, auth.user.id, id, &update).await? {
        return Err(ApiError::not_found("Album"));
    }
    read(State(ctx), auth, Path(id)).await
}

async fn delete(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    require_role(&ctx, &auth, id, &[AlbumRole::Owner]).await?;
    if !albums::delete(&ctx.db, auth.user.id, id).await? {
        return Err(ApiError::not_found("Album"));
    }
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
struct BulkIds {
    ids: Vec<Uuid>,
}

async fn add_assets(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<BulkIds>,
) -> ApiResult<Json<Vec<Value>>> {
    check_bulk(&body.ids)?;
    require_role(&ctx, &auth, id, &[AlbumRole::Owner, AlbumRole::Editor]).await?;
    let outcomes =
        albums::add_assets(&ctx.db, auth.user.id, id, &body.ids).await?.ok_or_else(|| ApiError::not_found("Album"))?;
    if outcomes.contains(&BulkOutcome::Done) {
        send_album_update(&ctx, &auth, id).await?;
    }
    Ok(Json(bulk_response(&body.ids, &outcomes)))
}

async fn remove_assets(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<BulkIds>,
) -> ApiResult<Json<Vec<Value>>> {
    check_bulk(&body.ids)?;
    require_role(&ctx, &auth, id, &[AlbumRole::Owner, AlbumRole::Editor]).await?;
    let outcomes = albums::remove_assets(&ctx.db, auth.user.id, id, &body.ids)
        .await?
        .ok_or_else(|| ApiError::not_found("Album"))?;
    // Removing an asset the album does not hold is "not found" to Immich, not "duplicate".
    let outcomes: Vec<_> = outcomes
        .into_iter()
        .map(|outcome| if outcome == BulkOutcome::Duplicate { BulkOutcome::NotFound } else { outcome })
        .collect();
    if outcomes.contains(&BulkOutcome::Done) {
        send_album_update(&ctx, &auth, id).await?;
    }
    Ok(Json(bulk_response(&body.ids, &outcomes)))
}

/// Tells the album's owner and members (their open apps sync it again) that its assets changed.
async fn send_album_update(ctx: &ApiContext, auth: &Auth, id: Uuid) -> ApiResult<()> {
    let Some(album) = albums::get(&ctx.db, auth.user.id, id).await? else { return Ok(()) };
    let members = albums::members(&ctx.db, &[id]).await?;
    for user in std::iter::once(album.owner_id).chain(members.into_iter().map(|m| m.user_id)) {
        ctx.live.send(Room::User(user), ClientEvent::AlbumUpdate(id)).await;
    }
    Ok(())
}

async fn statistics(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Value>> {
    let (owned, shared, not_shared) = albums::statistics(&ctx.db, auth.user.id).await?;
    Ok(Json(json!({ "owned": owned, "shared": shared, "notShared": not_shared })))
}

/// `BulkIdResponseDto[]`, in request order.
fn bulk_response(ids: &[Uuid], outcomes: &[BulkOutcome]) -> Vec<Value> {
    ids.iter()
        .zip(outcomes)
        .map(|(id, outcome)| match outcome {
            BulkOutcome::Done => json!({ "id": id, "success": true }),
            BulkOutcome::Duplicate => json!({ "id": id, "success": false, "error": "duplicate" }),
            BulkOutcome::NotFound => json!({ "id": id, "success": false, "error": "not_found" }),
        })
        .collect()
}

fn checked_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() {
        return Err(ApiError::bad_request("albumName should not be empty"));
    }
    if name.chars().count() > 512 {
        return Err(ApiError::bad_request("albumName is longer than 512 characters"));
    }
    Ok(name.to_owned())
}

fn check_bulk(ids: &[Uuid]) -> ApiResult<()> {
    if ids.len() > MAX_BULK_IDS {
        return Err(ApiError::bad_request(format!("At most {MAX_BULK_IDS} ids can be changed at once")));
    }
    Ok(())
}

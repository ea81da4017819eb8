//! `/api/people`: the people faces were clustered into — list, read, rename, hide, birth date,
//! choose the face shown, merge, move faces, face-crop thumbnail and statistics — in Immich's
//! shapes. Naming a person or giving them faces teaches recognition ([`learn_from`]).

use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::{get, post, put};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::people::{self, DeleteOutcome, MergeOutcome, Person, PersonUpdate, UpdateOutcome};
use uuid::Uuid;

use crate::api::bulk_body_limit;
use crate::api::dto::{iso, present};
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};
use crate::serve::{self, StoredFile};

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/people", get(list).put(update_many).post(create).delete(delete_many).layer(bulk_body_limit()))
        .route("/people/{id}", get(read).put(update_one).delete(delete_one))
        .route("/people/{id}/merge", post(merge).layer(bulk_body_limit()))
        .route("/people/{id}/reassign", put(reassign).layer(bulk_body_limit()))
        .route("/people/{id}/merge-suggestions", get(merge_suggestions))
        .route("/people/{id}/thumbnail", get(thumbnail))
        .route("/people/{id}/statistics", get(statistics))
}

/// `PersonResponseDto`; `color` is left out when unset (the spec has it as a string, not null).
pub fn person_json(person: &Person) -> Value {
    let thumbnail = person.thumbnail_path.as_ref().map(|_| format!("/api/people/{}/thumbnail", person.id));
    let mut json = json!({
        "id": person.id,
        "name": person.name,
        "birthDate": person.birth_date.map(|date| date.format("%Y-%m-%d").to_string()),
        "thumbnailPath": thumbnail.unwrap_or_default(),
        "isHidden": person.is_hidden,
        "isFavorite": person.is_favorite,
        "updatedAt": iso(person.updated_at),
    });
    if let Some(color) = &person.color {
        json["color"] = json!(color);
    }
    json
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ListQuery {
    with_hidden: Option<bool>,
    page: Option<i64>,
    size: Option<i64>,
}

async fn list(State(ctx): State<ApiContext>, auth: Auth, Query(query): Query<ListQuery>) -> ApiResult<Json<Value>> {
    let page = query.page.unwrap_or(1);
    let size = query.size.unwrap_or(500);
    if page < 1 || !(1..=1000).contains(&size) {
        return Err(ApiError::bad_request("page must be at least 1 and size between 1 and 1000"));
    }
    let found = people::list(&ctx.db, auth.user.id, query.with_hidden.unwrap_or(false), page, size).await?;
    Ok(Json(json!({
        "people": found.people.iter().map(person_json).collect::<Vec<_>>(),
        "total": found.total,
        "hidden": found.hidden,
        "hasNextPage": found.has_next_page,
    })))
}

/// `POST /people` (`PersonCreateDto`): a person with no faces yet, to give faces to.
async fn create(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Json(body): Json<UpdateBody>,
) -> ApiResult<(axum::http::StatusCode, Json<Value>)> {
    let update = body.to_update()?;
    if update.feature_face_asset_id.is_some() {
        return Err(ApiError::bad_request("a new person has no faces to choose from"));
    }
    let id = people::create(&ctx.db, auth.user.id, &update).await?;
    Ok((axum::http::StatusCode::CREATED, Json(person_json(&person_of(&ctx, &auth, id).await?))))
}

async fn person_of(ctx: &ApiContext, auth: &Auth, id: Uuid) -> ApiResult<Person> {
    people::get(&ctx.db, auth.user.id, id).await?.ok_or_else(|| ApiError::not_found("Person"))
}

async fn read(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    Ok(Json(person_json(&person_of(&ctx, &auth, id).await?)))
}

/// Most ids one bulk delete takes.
const MAX_BULK_IDS: usize = 10_000;

/// `DELETE /people/{id}`: the person goes; their faces stay, without a person.
async fn delete_one(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<StatusCode> {
    match people::delete(&ctx.db, auth.user.id, &[id]).await? {
        DeleteOutcome::NotFound(_) => Err(ApiError::not_found("Person")),
        DeleteOutcome::Deleted { thumbnails } => {
            forget_thumbnails(&ctx, thumbnails).await;
            Ok(StatusCode::NO_CONTENT)
        }
    }
}

/// `BulkIdsDto`.
#[derive(Debug, Deserialize)]
struct BulkIds {
    ids: Vec<Uuid>,
}

/// `DELETE /people`: all of them or, when one is not the caller's, none.
async fn delete_many(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<BulkIds>) -> ApiResult<StatusCode> {
    if body.ids.len() > MAX_BULK_IDS {
        return Err(ApiError::bad_request(format!("At most {MAX_BULK_IDS} people can be deleted at once")));
    }
    match people::delete(&ctx.db, auth.user.id, &body.ids).await? {
        DeleteOutcome::NotFound(missing) => {
            let ids: Vec<String> = missing.iter().take(5).map(Uuid::to_string).collect();
            Err(ApiError::bad_request(format!("Nothing was deleted: no such person: {}", ids.join(", "))))
        }
        DeleteOutcome::Deleted { thumbnails } => {
            forget_thumbnails(&ctx, thumbnails).await;
            Ok(StatusCode::NO_CONTENT)
        }
    }
}

/// Removes deleted people's face crops; one left behind only costs a few kilobytes.
async fn forget_thumbnails(ctx: &ApiContext, thumbnails: Vec<String>) {
    for key in thumbnails {
        if let Err(err) = ctx.storage.delete_named(&key).await {
            tracing::warn!(%key, error = %err, "could not remove a deleted person's thumbnail");
        }
    }
}

/// `PersonUpdateDto` (and, with `id`, `PeopleUpdateItem`).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct UpdateBody {
    id: Option<Uuid>,
    name: Option<String>,
    #[serde(deserialize_with = "present")]
    birth_date: Option<Option<NaiveDate>>,
    is_hidden: Option<bool>,
    is_favorite: Option<bool>,
    color: Option<String>,
    feature_face_asset_id: Option<Uuid>,
}

impl UpdateBody {
    fn to_update(&self) -> ApiResult<PersonUpdate> {
        if let Some(Some(date)) = self.birth_date
            && date > chrono::Utc::now().date_naive()
        {
            return Err(ApiError::bad_request("birthDate cannot be in the future"));
        }
        Ok(PersonUpdate {
            name: self.name.as_ref().map(|name| name.trim().to_owned()),
            birth_date: self.birth_date,
            is_hidden: self.is_hidden,
            is_favorite: self.is_favorite,
            color: self.color.clone(),
            feature_face_asset_id: self.feature_face_asset_id,
        })
    }
}

/// Once a user has said who a person is (named them, or given them a face), the unassigned faces
/// near that person's faces are looked at again: the worker's recognition step gives them to the
/// person, the named faces being the reference rather than the 3-face cluster rule alone.
pub async fn learn_from(ctx: &ApiContext, auth: &Auth, person: Uuid) -> ApiResult<()> {
    let max_distance = ctx.config.ml.face_max_distance;
    for asset_id in shoebox_db::faces::assets_near_person(&ctx.db, auth.user.id, person, max_distance).await? {
        ctx.queues
            .push_asset(shoebox_core::jobs::Queue::FacialRecognition, shoebox_core::jobs::AssetJob { asset_id })
            .await?;
    }
    Ok(())
}

async fn apply(ctx: &ApiContext, auth: &Auth, id: Uuid, body: &UpdateBody) -> ApiResult<()> {
    let update = body.to_update()?;
    match people::update(&ctx.db, auth.user.id, id, &update).await? {
        UpdateOutcome::Updated => {}
        UpdateOutcome::NotFound => return Err(ApiError::not_found("Person")),
        UpdateOutcome::NoFaceOnAsset => {
            return Err(ApiError::bad_request("featureFaceAssetId does not show a face of this person"));
        }
    }
    if let Some(asset) = update.feature_face_asset_id {
        // The worker makes the new face crop as part of the asset's recognition step.
        ctx.queues
            .push_asset(shoebox_core::jobs::Queue::FacialRecognition, shoebox_core::jobs::AssetJob { asset_id: asset })
            .await?;
    }
    if update.name.as_deref().is_some_and(|name| !name.is_empty()) {
        learn_from(ctx, auth, id).await?;
    }
    Ok(())
}

async fn update_one(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<UpdateBody>,
) -> ApiResult<Json<Value>> {
    apply(&ctx, &auth, id, &body).await?;
    Ok(Json(person_json(&person_of(&ctx, &auth, id).await?)))
}

#[derive(Debug, Deserialize)]
struct UpdateManyBody {
    people: Vec<UpdateBody>,
}

/// `PUT /people`: one `BulkIdResponseDto` per item.
async fn update_many(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Json(body): Json<UpdateManyBody>,
) -> ApiResult<Json<Value>> {
    let mut results = Vec::with_capacity(body.people.len());
    for item in &body.people {
        let Some(id) = item.id else { return Err(ApiError::bad_request("every person needs an id")) };
        results.push(match apply(&ctx, &auth, id, item).await {
            Ok(()) => json!({ "id": id, "success": true }),
            Err(ApiError::NotFound(_)) => json!({ "id": id, "success": false, "error": "not_found" }),
            Err(ApiError::BadRequest(message)) => {
                json!({ "id": id, "success": false, "error": "validation", "errorMessage": message })
            }
            Err(other) => return Err(other),
        });
    }
    Ok(Json(Value::Array(results)))
}

#[derive(Debug, Deserialize)]
struct MergeBody {
    ids: Vec<Uuid>,
}

async fn merge(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<MergeBody>,
) -> ApiResult<Json<Value>> {
    if body.ids.is_empty() {
        return Err(ApiError::bad_request("ids must name at least one person"));
    }
    let outcomes =
        people::merge(&ctx.db, auth.user.id, id, &body.ids).await?.ok_or_else(|| ApiError::not_found("Person"))?;
    Ok(Json(Value::Array(
        outcomes
            .into_iter()
            .map(|(source, outcome)| match outcome {
                MergeOutcome::Merged => json!({ "id": source, "success": true }),
                MergeOutcome::NotFound => json!({ "id": source, "success": false, "error": "not_found" }),
                MergeOutcome::SamePerson => json!({ "id": source, "success": false, "error": "duplicate" }),
            })
            .collect(),
    )))
}

/// Shoebox's own: people who may be this one (a face of theirs within the clustering distance of
/// one of this person's), nearest first, as `PersonResponseDto` with the `distance`.
async fn merge_suggestions(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    person_of(&ctx, &auth, id).await?;
    let max_distance = ctx.config.ml.face_max_distance;
    let mut out = Vec::new();
    for (other, distance) in shoebox_db::faces::near_people(&ctx.db, auth.user.id, id, max_distance, 5).await? {
        if let Some(person) = people::get(&ctx.db, auth.user.id, other).await? {
            let mut json = person_json(&person);
            json["distance"] = json!(distance);
            out.push(json);
        }
    }
    Ok(Json(Value::Array(out)))
}

/// `AssetFaceUpdateDto`: for each asset, the person whose face there moves.
#[derive(Debug, Deserialize)]
struct ReassignBody {
    data: Vec<ReassignItem>,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReassignItem {
    asset_id: Uuid,
    person_id: Uuid,
}

/// `PUT /people/{id}/reassign`: moves faces to this person (`PersonResponseDto[]`, one per item).
async fn reassign(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    Json(body): Json<ReassignBody>,
) -> ApiResult<Json<Value>> {
    if body.data.len() > MAX_BULK_IDS {
        return Err(ApiError::bad_request(format!("At most {MAX_BULK_IDS} faces can be moved at once")));
    }
    let items: Vec<(Uuid, Uuid)> = body.data.iter().map(|item| (item.asset_id, item.person_id)).collect();
    if people::reassign_faces(&ctx.db, auth.user.id, id, &items).await?.is_none() {
        return Err(ApiError::not_found("Person"));
    }
    learn_from(&ctx, &auth, id).await?;
    let person = person_json(&person_of(&ctx, &auth, id).await?);
    Ok(Json(Value::Array(vec![person; body.data.len()])))
}

async fn thumbnail(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(id): Path<Uuid>,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let person = person_of(&ctx, &auth, id).await?;
    let key = person.thumbnail_path.ok_or_else(|| ApiError::NotFound("Person thumbnail not generated yet".into()))?;
    let file = StoredFile {
        etag: format!("{id}-{}", person.updated_at.timestamp_millis()),
        key: &key,
        content_type: "image/jpeg",
        download_name: None,
        cache_control: "private, max-age=3600, no-transform",
    };
    serve::send(&ctx.storage, file, &headers).await
}

async fn statistics(State(ctx): State<ApiContext>, auth: Auth, Path(id): Path<Uuid>) -> ApiResult<Json<Value>> {
    person_of(&ctx, &auth, id).await?;
    Ok(Json(json!({ "assets": people::asset_count(&ctx.db, auth.user.id, id).await? })))
}

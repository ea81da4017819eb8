//! `/api/search/*`: smart search (by description, through the CLIP text tower), metadata search,
//! the search form's suggestions, and places — in Immich's request and response shapes.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_core::domain::{AssetType, Visibility};
use shoebox_db::search::{self, Paging, SearchFilter, SearchPage, SuggestionKind, SuggestionScope};
use uuid::Uuid;

use crate::api::dto::{AssetResponse, present};
use crate::api::people::person_json;
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Query};

/// Immich's page size limit for searches.
const MAX_PAGE_SIZE: i64 = 1000;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/search/smart", post(smart))
        .route("/search/metadata", post(metadata))
        .route("/search/suggestions", get(suggestions))
        .route("/search/cities", get(cities))
        .route("/search/person", get(person))
}

/// The fields of `SmartSearchDto` and `MetadataSearchDto` (a superset; each search reads its own).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct SearchBody {
    query: Option<String>,
    query_asset_id: Option<Uuid>,
    page: Option<i64>,
    size: Option<i64>,
    order: Option<String>,
    id: Option<Uuid>,
    checksum: Option<String>,
    original_file_name: Option<String>,
    description: Option<String>,
    #[serde(rename = "type")]
    asset_type: Option<AssetType>,
    visibility: Option<Visibility>,
    is_favorite: Option<bool>,
    is_encoded: Option<bool>,
    is_motion: Option<bool>,
    is_not_in_album: Option<bool>,
    album_ids: Option<Vec<Uuid>>,
    person_ids: Option<Vec<Uuid>>,
    /// Missing: no tag filter; `null`: only untagged assets, as in Immich.
    #[serde(deserialize_with = "present")]
    tag_ids: Option<Option<Vec<Uuid>>>,
    city: Option<String>,
    state: Option<String>,
    country: Option<String>,
    make: Option<String>,
    model: Option<String>,
    lens_model: Option<String>,
    rating: Option<i32>,
    taken_after: Option<DateTime<Utc>>,
    taken_before: Option<DateTime<Utc>>,
    created_after: Option<DateTime<Utc>>,
    created_before: Option<DateTime<Utc>>,
    updated_after: Option<DateTime<Utc>>,
    updated_before: Option<DateTime<Utc>>,
    trashed_after: Option<DateTime<Utc>>,
    trashed_before: Option<DateTime<Utc>>,
    with_deleted: Option<bool>,
    ocr: Option<String>,
}

impl SearchBody {
    fn paging(&self, default_size: i64) -> ApiResult<Paging> {
        let page = self.page.unwrap_or(1);
        let size = self.size.unwrap_or(default_size);
        if page < 1 {
            return Err(ApiError::bad_request("page must be at least 1"));
        }
        if !(1..=MAX_PAGE_SIZE).contains(&size) {
            return Err(ApiError::bad_request(format!("size must be between 1 and {MAX_PAGE_SIZE}")));
        }
        Ok(Paging { page, size })
    }

    fn filter(&self) -> ApiResult<SearchFilter> {
        let checksum = match &self.checksum {
            Some(text) => Some(
                shoebox_core::checksum::parse(text)
                    .ok_or_else(|| ApiError::bad_request("checksum is not a SHA-1 checksum"))?,
            ),
            None => None,
        };
        if let (Some(after), Some(before)) = (self.taken_after, self.taken_before)
            && after > before
        {
            return Err(ApiError::bad_request("takenAfter is later than takenBefore"));
        }
        Ok(SearchFilter {
            id: self.id,
            checksum,
            original_file_name: self.original_file_name.clone(),
            description: self.description.clone(),
            asset_type: self.asset_type,
            visibility: self.visibility,
            is_favorite: self.is_favorite,
            is_encoded: self.is_encoded,
            is_motion: self.is_motion,
            is_not_in_album: self.is_not_in_album,
            album_ids: self.album_ids.clone().unwrap_or_default(),
            person_ids: self.person_ids.clone().unwrap_or_default(),
            tag_ids: self.tag_ids.clone().flatten().map(dedup).unwrap_or_default(),
            untagged: matches!(self.tag_ids, Some(None)),
            city: self.city.clone(),
            state: self.state.clone(),
            country: self.country.clone(),
            make: self.make.clone(),
            model: self.model.clone(),
            lens_model: self.lens_model.clone(),
            rating: self.rating,
            taken_after: self.taken_after,
            taken_before: self.taken_before,
            created_after: self.created_after,
            created_before: self.created_before,
            updated_after: self.updated_after,
            updated_before: self.updated_before,
            trashed_after: self.trashed_after,
            trashed_before: self.trashed_before,
            with_deleted: self.with_deleted.unwrap_or(false),
            ocr: self.ocr.clone().filter(|words| !words.trim().is_empty()),
        })
    }
}

fn dedup(mut ids: Vec<Uuid>) -> Vec<Uuid> {
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// `SearchResponseDto`: Shoebox searches assets only, so `albums` is always empty.
fn search_response(page: SearchPage, paging: Paging) -> Value {
    let items: Vec<AssetResponse> = page.assets.iter().map(AssetResponse::from).collect();
    let next_page = page.has_next_page.then(|| (paging.page + 1).to_string());
    json!({
        "albums": { "total": 0, "count": 0, "items": [], "facets": [] },
        "assets": { "total": items.len(), "count": items.len(), "items": items, "facets": [], "nextPage": next_page },
    })
}

/// Searching the locked folder needs a session the PIN code unlocked.
fn require_unlocked_for(auth: &Auth, filter: &search::SearchFilter) -> ApiResult<()> {
    if filter.visibility == Some(Visibility::Locked) { auth.require_unlocked() } else { Ok(()) }
}

async fn smart(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<SearchBody>) -> ApiResult<Json<Value>> {
    let paging = body.paging(100)?;
    let filter = body.filter()?;
    require_unlocked_for(&auth, &filter)?;
    let by_text = body.query.as_deref().map(str::trim).filter(|q| !q.is_empty());
    let embedding: Vec<f32> = match (by_text, body.query_asset_id) {
        (Some(query), _) => ctx.text_encoder.encode(query).await?.to_vec(),
        (None, Some(asset)) => shoebox_db::smart_search::embedding_of(&ctx.db, auth.user.id, asset)
            .await?
            .ok_or_else(|| ApiError::NotFound("Asset not found or not indexed for smart search yet".into()))?,
        (None, None) => return Err(ApiError::bad_request("query (or queryAssetId) is required")),
    };
    match shoebox_db::smart_search::current_model(&ctx.db).await? {
        // Nothing has been embedded yet.
        None => return Ok(Json(search_response(SearchPage { assets: Vec::new(), has_next_page: false }, paging))),
        // Text must be encoded by the model that embedded the photos, or the scores mean nothing.
        Some((name, dimension))
            if dimension as usize != embedding.len()
                || (by_text.is_some() && name != ctx.text_encoder.model_name()) =>
        {
            return Err(ApiError::Unavailable(format!(
                "Smart search is being rebuilt: the library was indexed with {name}, not {}",
                ctx.text_encoder.model_name()
            )));
        }
        Some(_) => {}
    }
    let page = search::smart(&ctx.db, auth.user.id, &embedding, &filter, paging).await?;
    Ok(Json(search_response(page, paging)))
}

async fn metadata(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<SearchBody>) -> ApiResult<Json<Value>> {
    let paging = body.paging(250)?;
    let ascending = match body.order.as_deref() {
        None | Some("desc") => false,
        Some("asc") => true,
        Some(other) => return Err(ApiError::bad_request(format!("order must be asc or desc, not {other:?}"))),
    };
    let filter = body.filter()?;
    require_unlocked_for(&auth, &filter)?;
    let page = search::metadata(&ctx.db, auth.user.id, &filter, ascending, paging).await?;
    Ok(Json(search_response(page, paging)))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SuggestionQuery {
    #[serde(rename = "type")]
    kind: Option<String>,
    country: Option<String>,
    state: Option<String>,
    make: Option<String>,
    model: Option<String>,
}

async fn suggestions(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Query(query): Query<SuggestionQuery>,
) -> ApiResult<Json<Vec<String>>> {
    let name = query.kind.as_deref().ok_or_else(|| ApiError::bad_request("type is required"))?;
    let kind = SuggestionKind::parse(name).ok_or_else(|| {
        ApiError::bad_request(format!(
            "type must be country, state, city, camera-make, camera-model or camera-lens-model, not {name:?}"
        ))
    })?;
    let scope = SuggestionScope { country: query.country, state: query.state, make: query.make, model: query.model };
    Ok(Json(search::suggestions(&ctx.db, auth.user.id, kind, &scope).await?))
}

async fn cities(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Vec<AssetResponse>>> {
    let assets = search::cities(&ctx.db, auth.user.id).await?;
    Ok(Json(assets.iter().map(AssetResponse::from).collect()))
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PersonQuery {
    name: Option<String>,
    with_hidden: Option<bool>,
}

async fn person(State(ctx): State<ApiContext>, auth: Auth, Query(query): Query<PersonQuery>) -> ApiResult<Json<Value>> {
    let name = query.name.ok_or_else(|| ApiError::bad_request("name is required"))?;
    let people = shoebox_db::people::search(&ctx.db, auth.user.id, &name, query.with_hidden.unwrap_or(false)).await?;
    Ok(Json(Value::Array(people.iter().map(person_json).collect())))
}

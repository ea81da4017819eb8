//! `/api/sync`: the Immich mobile app's timeline sync. `POST /sync/stream` answers with JSON
//! lines, one changed entity per line, each carrying an ack (`"<Type>|<updateId>"`); the app
//! posts acks back and the next stream starts after them. Acks are kept per session.

mod entities;

use std::collections::HashMap;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::PgPool;
use shoebox_db::sync::{self, PAGE, Window};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::auth::{Auth, Credential};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;

/// Immich's `SyncRequestType` values; Shoebox streams the ones it has data for and answers the
/// rest with nothing, so newer apps asking for more still sync.
const REQUEST_TYPES: &[&str] = &[
    "AlbumsV1",
    "AlbumsV2",
    "AlbumUsersV1",
    "AlbumToAssetsV1",
    "AlbumAssetsV1",
    "AlbumAssetsV2",
    "AlbumAssetExifsV1",
    "AssetsV1",
    "AssetsV2",
    "AssetExifsV1",
    "AssetEditsV1",
    "AssetMetadataV1",
    "AssetOcrV1",
    "AuthUsersV1",
    "MemoriesV1",
    "MemoryToAssetsV1",
    "PartnersV1",
    "PartnerAssetsV1",
    "PartnerAssetsV2",
    "PartnerAssetExifsV1",
    "PartnerStacksV1",
    "StacksV1",
    "UsersV1",
    "PeopleV1",
    "AssetFacesV1",
    "AssetFacesV2",
    "UserMetadataV1",
];

/// The entity types Shoebox sends, and so accepts acks for (plus the two control types).
const ENTITY_TYPES: &[&str] =
    &["AuthUserV1", "UserV1", "AssetV1", "AssetDeleteV1", "AssetExifV1", "SyncAckV1", "SyncResetV1", "SyncCompleteV1"];

/// Most acks one request may carry (Immich's limit).
const MAX_ACKS: usize = 1000;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/sync/stream", post(stream))
        .route("/sync/ack", post(save_acks).get(list_acks).delete(delete_acks))
}

/// Sync state belongs to a login session, so API keys cannot sync.
fn session_of(auth: &Auth) -> ApiResult<Uuid> {
    match auth.credential {
        Credential::Session { id, .. } => Ok(id),
        Credential::ApiKey { .. } => Err(ApiError::Forbidden("Sync endpoints cannot be used with API keys".into())),
    }
}

#[derive(Debug, Deserialize)]
struct StreamRequest {
    types: Vec<String>,
    #[serde(default)]
    reset: bool,
}

async fn stream(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<StreamRequest>) -> ApiResult<Response> {
    auth.require("sync.stream")?;
    let session = session_of(&auth)?;
    if let Some(unknown) = body.types.iter().find(|t| !REQUEST_TYPES.contains(&t.as_str())) {
        return Err(ApiError::bad_request(format!("unknown sync type {unknown}")));
    }
    if body.reset {
        sync::delete_checkpoints(&ctx.db, session, None).await?;
    }
    let checkpoints = sync::checkpoints(&ctx.db, session)
        .await?
        .into_iter()
        .filter_map(|(kind, ack)| Some((kind, parse_ack(&ack)?.1)))
        .collect();
    let bound = sync::upper_bound(&ctx.db).await?;

    let (lines, received) = mpsc::channel(64);
    let producer = Producer { db: ctx.db.clone(), user: auth.user.id, checkpoints, bound, lines, types: body.types };
    tokio::spawn(async move {
        if let Err(err) = producer.run().await {
            tracing::error!(error = %err, "sync stream stopped");
        }
    });
    let body =
        futures::stream::unfold(
            received,
            |mut received| async move { received.recv().await.map(|line| (line, received)) },
        );
    Ok(([(header::CONTENT_TYPE, "application/jsonlines+json")], Body::from_stream(body)).into_response())
}

type Line = Result<Bytes, std::io::Error>;

/// Writes one stream: the requested entity types in Immich's order, each from its checkpoint up
/// to `bound`, then `SyncCompleteV1`.
struct Producer {
    db: PgPool,
    user: Uuid,
    checkpoints: HashMap<String, Uuid>,
    bound: Uuid,
    lines: mpsc::Sender<Line>,
    types: Vec<String>,
}

impl Producer {
    fn wants(&self, request_type: &str) -> bool {
        self.types.iter().any(|t| t == request_type)
    }

    fn window(&self, entity: &str) -> Window {
        Window { after: self.checkpoints.get(entity).copied(), before: self.bound }
    }

    /// Sends one line; `false` once the client has gone away.
    async fn send(&self, entity: &str, data: Value, update_id: Uuid) -> bool {
        let line = json!({ "type": entity, "data": data, "ack": format!("{entity}|{update_id}") });
        let mut bytes = serde_json::to_vec(&line).expect("JSON values serialise");
        bytes.push(b'\n');
        self.lines.send(Ok(Bytes::from(bytes))).await.is_ok()
    }

    async fn run(&self) -> anyhow::Result<()> {
        let result = self.run_types().await;
        if let Err(err) = &result {
            // Cut the body off, so the client sees a failed request rather than a short stream.
            let _ = self.lines.send(Err(std::io::Error::other(err.to_string()))).await;
        }
        result
    }

    async fn run_types(&self) -> anyhow::Result<()> {
        let (db, user) = (&self.db, self.user);
        if self.wants("AuthUsersV1")
            && !self
                .entity("AuthUserV1", |w| sync::users(db, Some(user), w), |r| r.update_id, entities::auth_user)
                .await?
        {
            return Ok(());
        }
        if self.wants("UsersV1")
            && !self.entity("UserV1", |w| sync::users(db, None, w), |r| r.update_id, entities::user).await?
        {
            return Ok(());
        }
        if self.wants("AssetsV1") {
            let deletes = self
                .entity(
                    "AssetDeleteV1",
                    |w| sync::asset_deletes(db, user, w),
                    |r| r.id,
                    |r| json!({ "assetId": r.asset_id }),
                )
                .await?;
            if !deletes
                || !self.entity("AssetV1", |w| sync::assets(db, user, w), |r| r.update_id, entities::asset).await?
            {
                return Ok(());
            }
        }
        if self.wants("AssetExifsV1")
            && !self.entity("AssetExifV1", |w| sync::exifs(db, user, w), |r| r.update_id, entities::exif).await?
        {
            return Ok(());
        }
        self.send("SyncCompleteV1", json!({}), self.bound).await;
        Ok(())
    }

    /// Streams one entity type page by page from the session's checkpoint up to the bound.
    /// Returns `false` once the client has gone away.
    async fn entity<T, F>(
        &self,
        entity: &str,
        fetch: impl Fn(Window) -> F,
        update_id: fn(&T) -> Uuid,
        data: fn(&T) -> Value,
    ) -> anyhow::Result<bool>
    where
        F: Future<Output = sqlx::Result<Vec<T>>>,
    {
        let mut window = self.window(entity);
        loop {
            let rows = fetch(window).await?;
            for row in &rows {
                if !self.send(entity, data(row), update_id(row)).await {
                    return Ok(false);
                }
            }
            match rows.last() {
                Some(last) if rows.len() as i64 == PAGE => window.after = Some(update_id(last)),
                _ => return Ok(true),
            }
        }
    }
}

/// Splits `"<Type>|<updateId>"`.
fn parse_ack(ack: &str) -> Option<(&str, Uuid)> {
    let (kind, id) = ack.split_once('|')?;
    Some((kind, Uuid::parse_str(id).ok()?))
}

#[derive(Debug, Deserialize)]
struct AckSet {
    acks: Vec<String>,
}

async fn save_acks(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<AckSet>) -> ApiResult<StatusCode> {
    auth.require("sync.stream")?;
    let session = session_of(&auth)?;
    if body.acks.len() > MAX_ACKS {
        return Err(ApiError::bad_request(format!("At most {MAX_ACKS} acks can be sent at once")));
    }
    // The newest ack of each type wins, whatever order they came in.
    let mut latest: HashMap<String, Uuid> = HashMap::new();
    for ack in &body.acks {
        let (kind, id) = parse_ack(ack).ok_or_else(|| ApiError::bad_request(format!("invalid ack {ack:?}")))?;
        if !ENTITY_TYPES.contains(&kind) {
            return Err(ApiError::bad_request(format!("unknown sync entity type in ack {ack:?}")));
        }
        if kind == "SyncResetV1" {
            sync::delete_checkpoints(&ctx.db, session, None).await?;
            return Ok(StatusCode::NO_CONTENT);
        }
        let entry = latest.entry(kind.to_owned()).or_insert(id);
        *entry = (*entry).max(id);
    }
    let acks: Vec<(String, String)> =
        latest.into_iter().map(|(kind, id)| (kind.clone(), format!("{kind}|{id}"))).collect();
    sync::save_checkpoints(&ctx.db, session, &acks).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_acks(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Vec<Value>>> {
    auth.require("sync.stream")?;
    let session = session_of(&auth)?;
    let acks = sync::checkpoints(&ctx.db, session).await?;
    Ok(Json(acks.into_iter().map(|(kind, ack)| json!({ "type": kind, "ack": ack })).collect()))
}

#[derive(Debug, Deserialize, Default)]
struct AckDelete {
    types: Option<Vec<String>>,
}

/// The body is optional: without one, every ack of the session goes.
async fn delete_acks(State(ctx): State<ApiContext>, auth: Auth, body: Bytes) -> ApiResult<StatusCode> {
    auth.require("sync.stream")?;
    let session = session_of(&auth)?;
    let request: AckDelete = if body.iter().all(u8::is_ascii_whitespace) {
        AckDelete::default()
    } else {
        serde_json::from_slice(&body).map_err(|err| ApiError::bad_request(format!("invalid JSON body: {err}")))?
    };
    let types = request.types;
    sync::delete_checkpoints(&ctx.db, session, types.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    use super::parse_ack;

    #[test]
    fn acks_name_a_type_and_an_update_id() {
        let (kind, id) = parse_ack("AssetV1|0192f1b2-0000-7000-8000-000000000000").unwrap();
        assert_eq!(kind, "AssetV1");
        assert_eq!(id.get_version_num(), 7);
        assert!(parse_ack("AssetV1").is_none());
        assert!(parse_ack("AssetV1|nope").is_none());
    }
}

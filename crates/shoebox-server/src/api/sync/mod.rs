//! `/api/sync`: the Immich mobile app's timeline sync (protocol of Immich 3.1). `POST
//! /sync/stream` answers with JSON lines, one changed entity per line, each carrying an ack;
//! the app posts acks back and the next stream starts after them. Acks are kept per session.
//!
//! - `acks`: the request and entity types, and the ack format with backfill progress.
//! - `stream`: one stream's producer; `library` and `shared` are its per-type handlers.
//! - `entities`: the JSON shapes of the lines.

mod acks;
mod entities;
mod library;
mod shared;
mod stream;

use std::collections::HashMap;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::sync;
use tokio::sync::mpsc;
use uuid::Uuid;

use self::acks::{Ack, ENTITY_TYPES, REQUEST_TYPES_IN_ORDER};
use self::stream::Producer;
use crate::auth::{Auth, Credential};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;

/// Most acks one request may carry (Immich's limit).
const MAX_ACKS: usize = 1000;

/// How far into the future an ack may point before it is taken for one this database never
/// issued (e.g. after a restore from backup), which forces a full resync.
const CLOCK_SLACK_MS: u64 = 60_000;

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

/// One line of JSON, as the stream writes it.
fn line(entity: &str, ack: &str) -> Bytes {
    let mut bytes = serde_json::to_vec(&json!({ "type": entity, "data": {}, "ack": ack })).expect("JSON serialises");
    bytes.push(b'\n');
    Bytes::from(bytes)
}

fn jsonlines(body: Body) -> Response {
    ([(header::CONTENT_TYPE, "application/jsonlines+json")], body).into_response()
}

/// Milliseconds since the epoch in a UUIDv7.
fn uuid_millis(id: Uuid) -> u64 {
    let bytes = id.as_bytes();
    bytes[..6].iter().fold(0, |acc, byte| (acc << 8) | u64::from(*byte))
}

async fn stream(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<StreamRequest>) -> ApiResult<Response> {
    let session = session_of(&auth)?;
    if let Some(unknown) = body.types.iter().find(|t| !REQUEST_TYPES_IN_ORDER.contains(&t.as_str())) {
        return Err(ApiError::bad_request(format!("unknown sync type {unknown}")));
    }
    if body.reset {
        sync::delete_checkpoints(&ctx.db, session, None).await?;
    }
    let stored = sync::checkpoints(&ctx.db, session).await?;
    let mut checkpoints = HashMap::new();
    let horizon = Utc::now().timestamp_millis() as u64 + CLOCK_SLACK_MS;
    for (kind, ack) in stored {
        // An ack that cannot be read, or one from the future, cannot be honoured: the phone
        // must start over (it wipes its copy on SyncResetV1 and acks that, which clears ours).
        match Ack::parse(&ack) {
            Some(parsed) if uuid_millis(parsed.id) <= horizon => {
                checkpoints.insert(kind, parsed);
            }
            _ => {
                tracing::info!(session = %session, ack, "sync checkpoint cannot be honoured, asking for a reset");
                let reset = line("SyncResetV1", "SyncResetV1|reset");
                return Ok(jsonlines(Body::from(reset)));
            }
        }
    }
    let bound = sync::upper_bound(&ctx.db).await?;

    let (lines, received) = mpsc::channel(64);
    let producer =
        Producer { db: ctx.db.clone(), user: auth.user.id, session, checkpoints, bound, lines, types: body.types };
    tokio::spawn(producer.run());
    let body =
        futures::stream::unfold(
            received,
            |mut received| async move { received.recv().await.map(|line| (line, received)) },
        );
    Ok(jsonlines(Body::from_stream(body)))
}

#[derive(Debug, Deserialize)]
struct AckSet {
    acks: Vec<String>,
}

async fn save_acks(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<AckSet>) -> ApiResult<StatusCode> {
    let session = session_of(&auth)?;
    if body.acks.len() > MAX_ACKS {
        return Err(ApiError::bad_request(format!("At most {MAX_ACKS} acks can be sent at once")));
    }
    // The furthest ack of each type wins, whatever order they came in.
    let mut latest: HashMap<String, (Ack, &str)> = HashMap::new();
    for raw in &body.acks {
        if raw.split('|').next() == Some("SyncResetV1") {
            sync::delete_checkpoints(&ctx.db, session, None).await?;
            return Ok(StatusCode::NO_CONTENT);
        }
        let ack = Ack::parse(raw).ok_or_else(|| ApiError::bad_request(format!("invalid ack {raw:?}")))?;
        match latest.get(&ack.kind) {
            Some((held, _)) if held.reach(&ack).is_ge() => {}
            _ => {
                latest.insert(ack.kind.clone(), (ack, raw.as_str()));
            }
        }
    }
    let acks: Vec<(String, String)> = latest.into_iter().map(|(kind, (_, raw))| (kind, raw.to_owned())).collect();
    sync::save_checkpoints(&ctx.db, session, &acks).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn list_acks(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Vec<Value>>> {
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
    let session = session_of(&auth)?;
    let request: AckDelete = if body.iter().all(u8::is_ascii_whitespace) {
        AckDelete::default()
    } else {
        let parsed =
            serde_json::from_slice(&body).map_err(|err| ApiError::bad_request(format!("invalid JSON body: {err}")))?;
        // Read without the JSON extractor (the body may be empty), so its text rules apply here.
        crate::text_input::check_json(&body)?;
        parsed
    };
    if let Some(unknown) = request.types.iter().flatten().find(|t| !ENTITY_TYPES.contains(&t.as_str())) {
        return Err(ApiError::bad_request(format!("unknown sync entity type {unknown}")));
    }
    sync::delete_checkpoints(&ctx.db, session, request.types.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

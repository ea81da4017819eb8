//! Live events over socket.io at `/api/socket.io` (Engine.IO v4, WebSocket transport), as
//! Immich's web and mobile app expect them. Every server joins one Redis adapter, so an event
//! sent on any server reaches the user's sockets on all of them. Workers cannot send socket.io
//! events: they publish [`WorkerNotice`]s, which every server turns into events for the sockets
//! connected to it (see [`relay`]).
//!
//! [`WorkerNotice`]: shoebox_core::live::WorkerNotice

mod connect;
pub mod event;
pub mod payload;
mod relay;

use std::time::Duration;

use anyhow::Context;
use redis::IntoConnectionInfo;
use socketioxide::operators::BroadcastOperators;
use socketioxide::{SocketIo, TransportType};
use socketioxide_redis::{RedisAdapterConfig, RedisAdapterCtr};

pub use event::{ClientEvent, Room};

use uuid::Uuid;

use crate::api::dto::{self, AssetResponse};
use crate::context::ApiContext;

/// The socket.io adapter every server shares through Redis.
pub type Adapter = socketioxide_redis::RedisAdapter<socketioxide::adapter::Emitter>;

/// Where Immich's clients connect.
pub const PATH: &str = "/api/socket.io";

/// The socket.io server of this process: the tower layer that answers `/api/socket.io`, and the
/// handle that sends events.
#[derive(Clone)]
pub struct Live {
    io: SocketIo<Adapter>,
    layer: socketioxide::layer::SocketIoLayer<Adapter>,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Live").finish_non_exhaustive()
    }
}

impl Live {
    /// Joins the installation's socket.io adapter on Redis (its channels are named after the
    /// Redis namespace, so installations sharing a Redis stay apart).
    pub async fn connect(redis_url: &str, namespace: &str) -> anyhow::Result<Self> {
        // The adapter's driver reads pub/sub messages as RESP3 pushes.
        let info = redis_url.into_connection_info().context("invalid Redis URL")?;
        let settings = info.redis_settings().clone().set_protocol(redis::ProtocolVersion::RESP3);
        let client = redis::Client::open(info.set_redis_settings(settings))?;
        let config = RedisAdapterConfig::new().with_prefix(format!("{namespace}:socket.io"));
        let adapter = RedisAdapterCtr::new_with_redis_config(&client, config)
            .await
            .with_context(|| format!("cannot reach Redis at {redis_url} for live events"))?;
        let (layer, io) = SocketIo::builder()
            .req_path(PATH)
            .transports([TransportType::Websocket])
            .ping_interval(Duration::from_secs(25))
            .ping_timeout(Duration::from_secs(20))
            .with_adapter::<Adapter>(adapter)
            .build_layer();
        Ok(Self { io, layer })
    }

    /// Starts answering connections (authenticated with `ctx`) and relaying workers' notices.
    pub async fn serve(&self, ctx: ApiContext) -> anyhow::Result<()> {
        let handler_ctx = ctx.clone();
        self.io
            .ns("/", move |socket: socketioxide::extract::SocketRef<Adapter>| {
                connect::on_connect(socket, handler_ctx.clone())
            })
            .await
            .map_err(|err| anyhow::anyhow!("cannot start socket.io's Redis adapter: {err:?}"))?;
        relay::start(ctx);
        Ok(())
    }

    /// Drops the connection handler. It holds the context, which holds this `Live`: until it
    /// is dropped the two keep each other, and with them the database pool, alive after the
    /// server that made them is gone (a test suite's many servers ran Postgres out of clients).
    pub fn close(&self) {
        self.io.delete_ns("/");
    }

    pub fn layer(&self) -> socketioxide::layer::SocketIoLayer<Adapter> {
        self.layer.clone()
    }

    /// Sends `event` to `room` on every server. A failure is logged: live events are a
    /// courtesy, never a reason for a request to fail.
    pub async fn send(&self, room: Room, event: ClientEvent) {
        let operators = match room.name() {
            Some(name) => self.io.to(name),
            None => self.io.broadcast(),
        };
        emit(operators, &event).await;
    }

    /// Sends `event` to `room`'s sockets connected to this server only.
    async fn send_here(&self, room: Room, event: ClientEvent) {
        let operators = match room.name() {
            Some(name) => self.io.local().to(name),
            None => self.io.local(),
        };
        emit(operators, &event).await;
    }

    /// Disconnects the session's sockets on every server (after it logged out).
    pub async fn disconnect_session(&self, session: uuid::Uuid) {
        if let Err(err) = self.io.to(session.to_string()).disconnect().await {
            tracing::warn!(%session, error = ?err, "could not disconnect a logged-out session's sockets");
        }
    }
}

/// An asset's current state as `on_asset_update` carries it.
pub async fn asset_update(ctx: &ApiContext, owner: Uuid, id: Uuid) -> anyhow::Result<Option<ClientEvent>> {
    let Some(asset) = shoebox_db::assets::get(&ctx.db, owner, false, id).await? else { return Ok(None) };
    let mut response = AssetResponse::from(&asset);
    response.exif_info = shoebox_db::exif::get(&ctx.db, owner, id).await?.as_ref().map(dto::exif_info);
    Ok(Some(ClientEvent::AssetUpdate(Box::new(response))))
}

async fn emit(operators: BroadcastOperators<Adapter>, event: &ClientEvent) {
    let result = match event.payload() {
        Some(payload) => operators.emit(event.name(), &payload).await,
        None => operators.emit(event.name(), &()).await,
    };
    if let Err(err) = result {
        tracing::warn!(event = event.name(), error = ?err, "could not send a live event");
    }
}

//! `GET /api/events`: a WebSocket carrying the caller's live events as JSON text messages,
//! e.g. `{"type":"asset.ready","userId":…,"assetId":…}` when an asset's thumbnails exist.
//! (Shoebox's own endpoint; Immich uses socket.io.)

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use axum::routing::get;
use tokio::sync::broadcast::error::RecvError;

use crate::auth::Auth;
use crate::context::ApiContext;

pub fn router() -> Router<ApiContext> {
    Router::new().route("/events", get(connect))
}

async fn connect(State(ctx): State<ApiContext>, auth: Auth, upgrade: WebSocketUpgrade) -> Response {
    let events = ctx.events.subscribe();
    upgrade.on_upgrade(move |socket| relay(socket, events, auth.user.id))
}

async fn relay(
    mut socket: WebSocket,
    mut events: tokio::sync::broadcast::Receiver<crate::events::LiveEvent>,
    user: uuid::Uuid,
) {
    loop {
        tokio::select! {
            event = events.recv() => match event {
                Ok(event) if event.user_id == user => {
                    if socket.send(Message::Text(event.json.to_string().into())).await.is_err() {
                        return;
                    }
                }
                Ok(_) | Err(RecvError::Lagged(_)) => {}
                Err(RecvError::Closed) => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

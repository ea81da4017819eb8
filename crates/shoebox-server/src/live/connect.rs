//! A socket.io connection: authenticated from its handshake's headers exactly like an HTTP
//! request (cookie, bearer token, `x-immich-user-token` or API key), then joined to its user's
//! room and its session's room. Like Immich, a connection without valid credentials is told
//! `error: "unauthorized"` and disconnected.

use socketioxide::extract::SocketRef;

use super::event::{ClientEvent, ServerVersion};
use super::{Adapter, Room};
use crate::api::server::IMMICH_COMPAT_VERSION;
use crate::auth::{self, Credential};
use crate::context::ApiContext;

pub async fn on_connect(socket: SocketRef<Adapter>, ctx: ApiContext) {
    let auth = match auth::authenticate(&ctx, &socket.req_parts().headers).await {
        Ok(auth) => auth,
        Err(err) => {
            tracing::debug!(error = %err, "refusing an unauthenticated socket.io connection");
            let _ = socket.emit("error", "unauthorized");
            let _ = socket.disconnect();
            return;
        }
    };
    socket.join(Room::User(auth.user.id).name().expect("a user's room has a name"));
    if let Credential::Session { id, .. } = auth.credential {
        socket.join(Room::Session(id).name().expect("a session's room has a name"));
    }
    let (major, minor, patch) = IMMICH_COMPAT_VERSION;
    let version = ClientEvent::ServerVersion(ServerVersion { major, minor, patch, prerelease: None });
    if let Some(payload) = version.payload() {
        let _ = socket.emit(version.name(), &payload);
    }
}

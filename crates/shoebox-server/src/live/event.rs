//! The socket.io events Shoebox sends, by Immich's names (`ClientEventMap` in Immich's
//! `websocket.repository.ts`), each with its payload, and the rooms they go to.

use serde::Serialize;
use uuid::Uuid;

use super::payload::{SyncAssetV1, SyncAssetV2, UploadReady};
use crate::api::dto::AssetResponse;

/// `ServerVersionResponseDto`, sent on connect.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ServerVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
    pub prerelease: Option<u32>,
}

/// One event with its payload (always a single argument, or none).
#[derive(Debug)]
pub enum ClientEvent {
    /// An upload has its thumbnails: the web adds it to the timeline.
    UploadSuccess(Box<AssetResponse>),
    /// The same news for the app (2.x), in its sync shapes.
    AssetUploadReadyV1(Box<UploadReady<SyncAssetV1>>),
    /// The same news for the app (3.x).
    AssetUploadReadyV2(Box<UploadReady<SyncAssetV2>>),
    /// An asset's metadata changed (e.g. its date, which moves it in the timeline).
    AssetUpdate(Box<AssetResponse>),
    /// An asset was deleted for good.
    AssetDelete(Uuid),
    AssetTrash(Vec<Uuid>),
    AssetRestore(Vec<Uuid>),
    /// An album's content or members changed; the payload is the album id.
    AlbumUpdate(Uuid),
    /// A person's face crop changed; the payload is the person id.
    PersonThumbnail(Uuid),
    ServerVersion(ServerVersion),
    /// The server's settings changed; clients read them again.
    ConfigUpdate,
    /// The session was logged out; its clients sign out.
    SessionDelete(Uuid),
}

impl ClientEvent {
    pub fn name(&self) -> &'static str {
        match self {
            Self::UploadSuccess(_) => "on_upload_success",
            Self::AssetUploadReadyV1(_) => "AssetUploadReadyV1",
            Self::AssetUploadReadyV2(_) => "AssetUploadReadyV2",
            Self::AssetUpdate(_) => "on_asset_update",
            Self::AssetDelete(_) => "on_asset_delete",
            Self::AssetTrash(_) => "on_asset_trash",
            Self::AssetRestore(_) => "on_asset_restore",
            Self::AlbumUpdate(_) => "on_album_update",
            Self::PersonThumbnail(_) => "on_person_thumbnail",
            Self::ServerVersion(_) => "on_server_version",
            Self::ConfigUpdate => "on_config_update",
            Self::SessionDelete(_) => "on_session_delete",
        }
    }

    /// The event's argument as JSON; `None` for an event sent without one.
    pub fn payload(&self) -> Option<serde_json::Value> {
        let value = match self {
            Self::UploadSuccess(asset) | Self::AssetUpdate(asset) => serde_json::to_value(asset),
            Self::AssetUploadReadyV1(ready) => serde_json::to_value(ready),
            Self::AssetUploadReadyV2(ready) => serde_json::to_value(ready),
            Self::AssetTrash(ids) | Self::AssetRestore(ids) => serde_json::to_value(ids),
            Self::AssetDelete(id) | Self::AlbumUpdate(id) | Self::PersonThumbnail(id) | Self::SessionDelete(id) => {
                serde_json::to_value(id)
            }
            Self::ServerVersion(version) => serde_json::to_value(version),
            Self::ConfigUpdate => return None,
        };
        Some(value.expect("event payloads serialise to JSON"))
    }
}

/// Who receives an event: Immich joins every socket to its user's room and its session's room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Room {
    User(Uuid),
    Session(Uuid),
    Everyone,
}

impl Room {
    /// The room's name; users and sessions are told apart by their ids alone, as in Immich.
    pub fn name(&self) -> Option<String> {
        match self {
            Self::User(id) | Self::Session(id) => Some(id.to_string()),
            Self::Everyone => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_are_one_argument_and_config_update_has_none() {
        let id = Uuid::new_v4();
        let trash = ClientEvent::AssetTrash(vec![id]);
        assert_eq!(trash.name(), "on_asset_trash");
        assert_eq!(trash.payload(), Some(serde_json::json!([id])));
        assert_eq!(ClientEvent::AlbumUpdate(id).payload(), Some(serde_json::json!(id)));
        assert_eq!(ClientEvent::ConfigUpdate.payload(), None);
    }
}

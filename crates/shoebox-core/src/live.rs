//! What a worker tells the servers when something a user is looking at has changed. Workers
//! publish these on Redis; every server turns each into the socket.io events Immich's clients
//! expect (`shoebox-server`'s `live` module), with payloads read from the database there.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A worker's news for the owner's live clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum WorkerNotice {
    /// The asset's thumbnails exist: it can be shown (Immich's `on_upload_success`).
    ThumbnailsReady { owner_id: Uuid, asset_id: Uuid },
    /// A person's face crop was made or changed.
    PersonThumbnailReady { owner_id: Uuid, person_id: Uuid },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notices_travel_as_tagged_json() {
        let notice = WorkerNotice::ThumbnailsReady { owner_id: Uuid::nil(), asset_id: Uuid::max() };
        let text = serde_json::to_string(&notice).unwrap();
        assert!(text.starts_with(r#"{"type":"thumbnailsReady","ownerId":"#), "{text}");
        assert_eq!(serde_json::from_str::<WorkerNotice>(&text).unwrap(), notice);
        assert!(serde_json::from_str::<WorkerNotice>(r#"{"type":"somethingElse"}"#).is_err());
    }
}

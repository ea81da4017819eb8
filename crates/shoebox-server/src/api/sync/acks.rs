//! The sync vocabulary and acks: Immich's request types (in the order the stream answers
//! them), its entity types, and acks `"<EntityType>|<updateId>[|<extraId>]"` — the extra id
//! marks progress through a backfill (the last row sent, or `complete`).

use std::cmp::Ordering;

use uuid::Uuid;

/// Immich's `SyncRequestType` values in the order the reference server streams them
/// (`SYNC_TYPES_ORDER`): every row comes after the rows it refers to.
pub const REQUEST_TYPES_IN_ORDER: &[&str] = &[
    "AuthUsersV1",
    "UsersV1",
    "PartnersV1",
    "AssetsV1",
    "AssetsV2",
    "StacksV1",
    "PartnerAssetsV1",
    "PartnerAssetsV2",
    "PartnerStacksV1",
    "AlbumAssetsV1",
    "AlbumAssetsV2",
    "AlbumsV1",
    "AlbumsV2",
    "AlbumUsersV1",
    "AlbumToAssetsV1",
    "AssetExifsV1",
    "AlbumAssetExifsV1",
    "AssetOcrV1",
    "PartnerAssetExifsV1",
    "MemoriesV1",
    "MemoryToAssetsV1",
    "PeopleV1",
    "AssetFacesV1",
    "AssetFacesV2",
    "UserMetadataV1",
    "AssetMetadataV1",
    "AssetEditsV1",
];

/// Immich's `SyncEntityType` values: what lines carry and acks name.
pub const ENTITY_TYPES: &[&str] = &[
    "AuthUserV1",
    "UserV1",
    "UserDeleteV1",
    "AssetV1",
    "AssetV2",
    "AssetDeleteV1",
    "AssetExifV1",
    "AssetEditV1",
    "AssetEditDeleteV1",
    "AssetMetadataV1",
    "AssetMetadataDeleteV1",
    "AssetOcrV1",
    "AssetOcrDeleteV1",
    "PartnerV1",
    "PartnerDeleteV1",
    "PartnerAssetV1",
    "PartnerAssetV2",
    "PartnerAssetBackfillV1",
    "PartnerAssetBackfillV2",
    "PartnerAssetDeleteV1",
    "PartnerAssetExifV1",
    "PartnerAssetExifBackfillV1",
    "PartnerStackBackfillV1",
    "PartnerStackDeleteV1",
    "PartnerStackV1",
    "AlbumV1",
    "AlbumV2",
    "AlbumDeleteV1",
    "AlbumUserV1",
    "AlbumUserBackfillV1",
    "AlbumUserDeleteV1",
    "AlbumAssetCreateV1",
    "AlbumAssetCreateV2",
    "AlbumAssetUpdateV1",
    "AlbumAssetUpdateV2",
    "AlbumAssetBackfillV1",
    "AlbumAssetBackfillV2",
    "AlbumAssetExifCreateV1",
    "AlbumAssetExifUpdateV1",
    "AlbumAssetExifBackfillV1",
    "AlbumToAssetV1",
    "AlbumToAssetDeleteV1",
    "AlbumToAssetBackfillV1",
    "MemoryV1",
    "MemoryDeleteV1",
    "MemoryToAssetV1",
    "MemoryToAssetDeleteV1",
    "StackV1",
    "StackDeleteV1",
    "PersonV1",
    "PersonDeleteV1",
    "AssetFaceV1",
    "AssetFaceV2",
    "AssetFaceDeleteV1",
    "UserMetadataV1",
    "UserMetadataDeleteV1",
    "SyncAckV1",
    "SyncResetV1",
    "SyncCompleteV1",
];

/// The extra id of a backfill checkpoint whose entity is done.
pub const COMPLETE: &str = "complete";

/// How far a backfill of one entity has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Extra {
    /// The last row sent.
    At(Uuid),
    Complete,
}

/// One parsed ack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    pub kind: String,
    pub id: Uuid,
    pub extra: Option<Extra>,
}

impl Ack {
    /// Parses `"<Type>|<uuid>[|<uuid or complete>]"`, naming a known entity type.
    pub fn parse(ack: &str) -> Option<Ack> {
        let mut parts = ack.splitn(3, '|');
        let kind = parts.next()?;
        if !ENTITY_TYPES.contains(&kind) {
            return None;
        }
        let id = Uuid::parse_str(parts.next()?).ok()?;
        let extra = match parts.next() {
            None => None,
            Some(COMPLETE) => Some(Extra::Complete),
            Some(other) => Some(Extra::At(Uuid::parse_str(other).ok()?)),
        };
        Some(Ack { kind: kind.to_owned(), id, extra })
    }

    /// How far the ack reaches: later ids first, then a backfill's progress within one id.
    pub fn reach(&self, other: &Ack) -> Ordering {
        let rank = |extra: &Option<Extra>| match extra {
            None => (0, Uuid::nil()),
            Some(Extra::At(id)) => (1, *id),
            Some(Extra::Complete) => (2, Uuid::max()),
        };
        self.id.cmp(&other.id).then_with(|| rank(&self.extra).cmp(&rank(&other.extra)))
    }

    /// Whether this backfill checkpoint says the entity created at `create_id` is done.
    pub fn completes(&self, create_id: Uuid) -> bool {
        self.id == create_id && self.extra == Some(Extra::Complete)
    }

    /// Where a backfill of the entity created at `create_id` resumes.
    pub fn resume_after(&self, create_id: Uuid) -> Option<Uuid> {
        match self.extra {
            Some(Extra::At(id)) if self.id == create_id => Some(id),
            _ => None,
        }
    }
}

pub fn format(kind: &str, id: Uuid, extra: Option<&str>) -> String {
    match extra {
        Some(extra) => format!("{kind}|{id}|{extra}"),
        None => format!("{kind}|{id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acks_name_a_type_an_update_id_and_maybe_backfill_progress() {
        let ack = Ack::parse("AssetV1|0192f1b2-0000-7000-8000-000000000000").unwrap();
        assert_eq!(ack.kind, "AssetV1");
        assert_eq!(ack.id.get_version_num(), 7);
        assert_eq!(ack.extra, None);
        let done = Ack::parse("PartnerAssetBackfillV2|0192f1b2-0000-7000-8000-000000000000|complete").unwrap();
        assert!(done.completes(ack.id));
        let midway = Ack::parse(
            "PartnerAssetBackfillV2|0192f1b2-0000-7000-8000-000000000000|0192f1b2-0000-7000-8000-000000000001",
        )
        .unwrap();
        assert_eq!(midway.resume_after(ack.id), Some(Uuid::parse_str("0192f1b2-0000-7000-8000-000000000001").unwrap()));
        assert_eq!(done.reach(&midway), Ordering::Greater);
        assert!(Ack::parse("AssetV1").is_none());
        assert!(Ack::parse("AssetV1|nope").is_none());
        assert!(Ack::parse("Bogus|0192f1b2-0000-7000-8000-000000000000").is_none());
    }
}

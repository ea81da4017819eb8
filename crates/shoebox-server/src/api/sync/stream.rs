//! One sync stream: the requested types in the reference server's order, each from the
//! session's checkpoint up to the bound, with backfills for access gained, then
//! `SyncCompleteV1`. The lines go to the response body through a channel.

use std::collections::HashMap;

use axum::body::Bytes;
use serde_json::{Value, json};
use shoebox_db::PgPool;
use shoebox_db::sync::{self, Grant, PAGE, Window};
use tokio::sync::mpsc;
use uuid::Uuid;

use super::acks::{self, Ack, COMPLETE, REQUEST_TYPES_IN_ORDER};

pub type Line = Result<Bytes, std::io::Error>;

/// Why a stream stopped early.
#[derive(Debug)]
pub enum Stop {
    /// The client went away.
    Gone,
    Failed(anyhow::Error),
}

impl From<sqlx::Error> for Stop {
    fn from(err: sqlx::Error) -> Self {
        Stop::Failed(err.into())
    }
}

pub type Step = Result<(), Stop>;

pub struct Producer {
    pub db: PgPool,
    pub user: Uuid,
    pub session: Uuid,
    pub checkpoints: HashMap<String, Ack>,
    /// Every row below it is committed (see [`sync::upper_bound`]); Immich's `nowId`.
    pub bound: Uuid,
    pub lines: mpsc::Sender<Line>,
    pub types: Vec<String>,
}

impl Producer {
    pub async fn run(self) {
        let result = self.run_types().await;
        match result {
            Ok(()) => {
                let _ = self.send("SyncCompleteV1", json!({}), acks::format("SyncCompleteV1", self.bound, None)).await;
            }
            Err(Stop::Gone) => {}
            Err(Stop::Failed(err)) => {
                tracing::error!(error = %err, "sync stream stopped");
                // Cut the body off, so the client sees a failed request rather than a short stream.
                let _ = self.lines.send(Err(std::io::Error::other(err.to_string()))).await;
            }
        }
    }

    async fn run_types(&self) -> Step {
        for request in REQUEST_TYPES_IN_ORDER {
            if !self.types.iter().any(|t| t == request) {
                continue;
            }
            match *request {
                "AuthUsersV1" => self.auth_users().await?,
                "UsersV1" => self.users().await?,
                "PartnersV1" => self.partners().await?,
                "AssetsV1" => self.assets("AssetV1").await?,
                "AssetsV2" => self.assets("AssetV2").await?,
                "StacksV1" => self.stacks().await?,
                "PartnerAssetsV1" => self.partner_assets(1).await?,
                "PartnerAssetsV2" => self.partner_assets(2).await?,
                "PartnerStacksV1" => self.partner_stacks().await?,
                "AlbumAssetsV1" => self.album_assets(1).await?,
                "AlbumAssetsV2" => self.album_assets(2).await?,
                "AlbumsV1" => self.albums("AlbumV1").await?,
                "AlbumsV2" => self.albums("AlbumV2").await?,
                "AlbumUsersV1" => self.album_users().await?,
                "AlbumToAssetsV1" => self.album_links().await?,
                "AssetExifsV1" => self.exifs().await?,
                "AlbumAssetExifsV1" => self.album_exifs().await?,
                "PartnerAssetExifsV1" => self.partner_exifs().await?,
                "MemoriesV1" => self.memories().await?,
                "MemoryToAssetsV1" => self.memory_assets().await?,
                "PeopleV1" => self.people().await?,
                "AssetFacesV1" => self.faces("AssetFaceV1").await?,
                "AssetFacesV2" => self.faces("AssetFaceV2").await?,
                "UserMetadataV1" => self.user_metadata().await?,
                "AssetOcrV1" => self.ocr().await?,
                // Shoebox has no asset metadata or non-destructive edits yet: nothing to send.
                "AssetMetadataV1" | "AssetEditsV1" => {}
                other => unreachable!("request type {other} has no handler"),
            }
        }
        Ok(())
    }

    /// The window after the session's checkpoint for `entity`, up to the bound.
    pub fn window(&self, entity: &str) -> Window {
        Window { after: self.checkpoints.get(entity).map(|ack| ack.id), before: self.bound, until: None }
    }

    /// Sends one line.
    pub async fn send(&self, entity: &str, data: Value, ack: String) -> Step {
        let line = json!({ "type": entity, "data": data, "ack": ack });
        let mut bytes = serde_json::to_vec(&line).expect("JSON values serialise");
        bytes.push(b'\n');
        self.lines.send(Ok(Bytes::from(bytes))).await.map_err(|_| Stop::Gone)
    }

    /// Streams rows page by page through `window`, each acked by `ack`.
    pub async fn rows<T, F>(
        &self,
        entity: &str,
        mut window: Window,
        fetch: impl Fn(Window) -> F,
        update_id: fn(&T) -> Uuid,
        data: fn(&T) -> Value,
        ack: impl Fn(Uuid) -> String,
    ) -> Result<usize, Stop>
    where
        F: Future<Output = sqlx::Result<Vec<T>>>,
    {
        let mut sent = 0;
        loop {
            let rows = fetch(window).await?;
            for row in &rows {
                self.send(entity, data(row), ack(update_id(row))).await?;
            }
            sent += rows.len();
            match rows.last() {
                Some(last) if rows.len() as i64 == PAGE => window.after = Some(update_id(last)),
                _ => return Ok(sent),
            }
        }
    }

    /// Streams one entity type from the session's checkpoint for it.
    pub async fn entity<T, F>(
        &self,
        entity: &str,
        fetch: impl Fn(Window) -> F,
        update_id: fn(&T) -> Uuid,
        data: fn(&T) -> Value,
    ) -> Step
    where
        F: Future<Output = sqlx::Result<Vec<T>>>,
    {
        self.rows(entity, self.window(entity), fetch, update_id, data, |id| acks::format(entity, id, None)).await?;
        Ok(())
    }

    /// Backfills older rows for access gained since the phone last synced `upsert_entity`
    /// (a partner, an album joined), the way the reference server does: each grant's rows up
    /// to that checkpoint, acked `"<backfill>|<createId>|<updateId>"`, then a `SyncAckV1`
    /// marking the grant complete. A phone with no checkpoint yet gets everything from the
    /// upserts, so its backfill is recorded as done.
    pub async fn backfill<T, F>(
        &self,
        backfill_entity: &str,
        upsert_entity: &str,
        grants: Vec<Grant>,
        fetch: impl Fn(Uuid, Window) -> F,
        update_id: fn(&T) -> Uuid,
        data: fn(&T) -> Value,
    ) -> Step
    where
        F: Future<Output = sqlx::Result<Vec<T>>>,
    {
        let checkpoint = self.checkpoints.get(backfill_entity);
        let Some(upserted) = self.checkpoints.get(upsert_entity) else {
            if let Some(last) = grants.last() {
                let ack = acks::format(backfill_entity, last.create_id, Some(COMPLETE));
                sync::save_checkpoints(&self.db, self.session, &[(backfill_entity.to_owned(), ack)]).await?;
            }
            return Ok(());
        };
        for grant in &grants {
            if checkpoint.is_some_and(|c| c.completes(grant.create_id)) {
                continue;
            }
            let window = Window {
                after: checkpoint.and_then(|c| c.resume_after(grant.create_id)),
                before: self.bound,
                until: Some(upserted.id),
            };
            self.rows(
                backfill_entity,
                window,
                |w| fetch(grant.entity_id, w),
                update_id,
                data,
                |id| acks::format(backfill_entity, grant.create_id, Some(&id.to_string())),
            )
            .await?;
            self.send("SyncAckV1", json!({}), acks::format(backfill_entity, grant.create_id, Some(COMPLETE))).await?;
        }
        Ok(())
    }

    /// The grants a backfill walks: those from its checkpoint's grant on.
    pub fn backfill_after(&self, backfill_entity: &str) -> Option<Uuid> {
        self.checkpoints.get(backfill_entity).map(|ack| ack.id)
    }
}

//! The words read in the caller's photos, for the sync stream (`AssetOcrV1`).

use sqlx::{FromRow, PgPool};
use uuid::Uuid;

use super::{Gone, Window, page, window};
use crate::ocr::TextLine;

/// A line of text with the update id the stream acks.
#[derive(Debug, Clone, FromRow)]
pub struct SyncedTextLine {
    #[sqlx(flatten)]
    pub line: TextLine,
    pub update_id: Uuid,
}

/// Lines read in the caller's own assets.
pub async fn ocr_lines(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<SyncedTextLine>> {
    const SQL: &str = concat!(
        "SELECT o.id, o.asset_id, o.x1, o.y1, o.x2, o.y2, o.x3, o.y3, o.x4, o.y4, o.box_score, o.text_score,
                o.text, o.is_visible, o.update_id
         FROM asset_ocr o JOIN assets a ON a.id = o.asset_id WHERE a.owner_id = $1 AND ",
        window!("o.update_id")
    );
    page(pool, SQL, owner, window).await
}

/// Lines gone from the caller's assets: `first` is the line, `second` its asset, and `key` when it
/// went (the app deletes its row by the line's id).
pub async fn ocr_line_deletes(pool: &PgPool, owner: Uuid, window: Window) -> sqlx::Result<Vec<Gone>> {
    const SQL: &str = concat!(
        "SELECT id, asset_ocr_id AS first, asset_id AS second,
                to_char(deleted_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"') AS key
         FROM asset_ocr_audit WHERE owner_id = $1 AND ",
        window!("id")
    );
    page(pool, SQL, owner, window).await
}

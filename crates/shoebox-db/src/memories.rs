//! Memories as Immich stores them, with their assets; and "on this day", photos taken on a
//! day's month and day in earlier years, from which memories are made.

use sqlx::PgPool;
use uuid::Uuid;

use crate::assets::{Asset, COLUMNS, FROM};

pub use crate::memory_store::*;

/// Photos from one earlier year.
#[derive(Debug, Clone)]
pub struct OnThisDay {
    pub year: i32,
    pub assets: Vec<Asset>,
}

/// The owner's timeline photos taken on `month`/`day` of a year before `before_year`, most
/// recent year first, each year's photos in the order they were taken. Uses the
/// `assets_on_this_day` index: the expressions must stay as they are there.
pub async fn on_this_day(
    pool: &PgPool,
    owner: Uuid,
    month: u32,
    day: u32,
    before_year: i32,
) -> sqlx::Result<Vec<OnThisDay>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM {FROM}
         WHERE a.owner_id = $1 AND a.deleted_at IS NULL AND a.visibility = 'timeline'
           AND EXTRACT(MONTH FROM a.local_date_time AT TIME ZONE 'UTC') = $2
           AND EXTRACT(DAY FROM a.local_date_time AT TIME ZONE 'UTC') = $3
           AND a.local_date_time < make_timestamptz($4, 1, 1, 0, 0, 0, 'UTC')
         ORDER BY a.local_date_time DESC"
    );
    let found: Vec<Asset> = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .bind(owner)
        .bind(month as i32)
        .bind(day as i32)
        .bind(before_year)
        .fetch_all(pool)
        .await?;
    Ok(group_by_year(found))
}

/// Consecutive runs of one year (the input is newest first); photos within a year oldest first.
fn group_by_year(newest_first: Vec<Asset>) -> Vec<OnThisDay> {
    use chrono::Datelike;
    let mut years: Vec<OnThisDay> = Vec::new();
    for asset in newest_first {
        let year = asset.local_date_time.year();
        match years.last_mut() {
            Some(last) if last.year == year => last.assets.push(asset),
            _ => years.push(OnThisDay { year, assets: vec![asset] }),
        }
    }
    for year in &mut years {
        year.assets.reverse();
    }
    years
}

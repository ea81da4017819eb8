//! Duplicate detection: groups the asset with the owner's near-identical photos (CLIP embeddings
//! within Immich's 0.01 cosine distance by default).

use shoebox_db::assets::Asset;

use super::{Done, StepError};
use crate::Pipeline;

pub async fn run(pipeline: &Pipeline, asset: &Asset) -> Result<Done, StepError> {
    let max_distance = pipeline.models.config.duplicate_max_distance;
    let group = shoebox_db::duplicates::detect(&pipeline.db, asset.id, max_distance).await?;
    if let Some(group) = group {
        tracing::debug!(asset = %asset.id, %group, "near-duplicates found");
    }
    Ok(Done::default())
}

//! Smart search: the CLIP image embedding of the preview, stored for search by description. The first embedding of a model types the table for its dimension.

use shoebox_core::jobs::Queue;
use shoebox_db::assets::Asset;
use shoebox_db::smart_search::{self, Prepared};

use super::{Done, StepError, infer, preview_image};
use crate::Pipeline;

pub async fn run(pipeline: &Pipeline, asset: &Asset) -> Result<Done, StepError> {
    let model = pipeline.models.clip().await?;
    pipeline
        .models
        .clip_prepared
        .get_or_try_init(|| async {
            let name = &pipeline.models.config.clip_model;
            let prepared = smart_search::prepare(&pipeline.db, name, model.dimension()).await?;
            if prepared == Prepared::Replaced {
                // Vectors of the old model were dropped: embed everything again.
                tracing::info!(model = %name, dimension = model.dimension(), "new CLIP model: embedding all assets again");
                let pipeline = pipeline.clone();
                tokio::spawn(async move {
                    let missing = shoebox_db::pipeline::Due::Missing;
                    if let Err(err) = shoebox_queue::start(&pipeline.db, &pipeline.queues, Queue::SmartSearch, missing).await {
                        tracing::warn!(error = %err, "could not queue assets for the new CLIP model");
                    }
                });
            }
            Ok::<(), StepError>(())
        })
        .await?;
    let image = preview_image(pipeline, asset).await?;
    let embedding = infer(move || model.embed(std::slice::from_ref(&image))).await?;
    let embedding =
        embedding.into_iter().next().ok_or_else(|| StepError::Permanent("the model returned no embedding".into()))?;
    smart_search::save(&pipeline.db, asset.id, &embedding).await?;
    Ok(Done::default())
}

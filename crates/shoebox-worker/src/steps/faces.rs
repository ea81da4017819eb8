//! Face detection: SCRFD finds faces on the preview, ArcFace describes each; boxes are stored in
//! the preview's pixel space with its size, as Immich stores them.

use shoebox_db::assets::Asset;
use shoebox_db::faces::NewFace;

use super::{Done, StepError, infer, preview_image};
use crate::Pipeline;

pub async fn run(pipeline: &Pipeline, asset: &Asset) -> Result<Done, StepError> {
    let (detector, recognizer) = pipeline.models.faces().await?;
    let image = preview_image(pipeline, asset).await?;
    let faces = infer(move || {
        let detected = detector.detect(&image)?;
        let embeddings = if detected.is_empty() { Vec::new() } else { recognizer.embed(&image, &detected)? };
        let (width, height) = (image.width() as i32, image.height() as i32);
        let faces = detected
            .iter()
            .zip(embeddings)
            .map(|(face, embedding)| {
                let [x1, y1, x2, y2] = face.bbox;
                let clamp = |value: f32, limit: i32| (value.round() as i32).clamp(0, limit);
                NewFace {
                    image_width: width,
                    image_height: height,
                    bounding_box: [clamp(x1, width), clamp(y1, height), clamp(x2, width), clamp(y2, height)],
                    score: face.score,
                    embedding,
                }
            })
            .collect::<Vec<_>>();
        Ok(faces)
    })
    .await?;
    shoebox_db::faces::replace_detected(&pipeline.db, asset.id, &faces).await?;
    Ok(Done::default())
}

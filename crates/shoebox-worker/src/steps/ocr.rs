//! OCR: the lines of text in the preview, read with PP-OCR (detection, then recognition of each
//! line), stored with their boxes for the viewer and the phone and folded into the asset's search
//! document. A photo without text is done with no lines.

use shoebox_db::assets::Asset;
use shoebox_db::ocr::NewTextLine;
use shoebox_ml::OcrSettings;

use super::{Done, StepError, infer, preview_image};
use crate::Pipeline;

pub async fn run(pipeline: &Pipeline, asset: &Asset) -> Result<Done, StepError> {
    let config = &pipeline.models.config.ocr;
    if !config.enabled {
        shoebox_db::ocr::replace(&pipeline.db, asset.id, &[]).await?;
        return Ok(Done::default());
    }
    let engine = pipeline.models.ocr().await?;
    let settings = OcrSettings {
        max_resolution: config.max_resolution,
        min_detection_score: config.min_detection_score,
        min_recognition_score: config.min_recognition_score,
        ..OcrSettings::default()
    };
    let image = preview_image(pipeline, asset).await?;
    let read = infer(move || engine.read(&image, &settings)).await?;
    let lines: Vec<NewTextLine> = read
        .into_iter()
        .filter(|line| !line.text.trim().is_empty())
        .map(|line| NewTextLine {
            corners: line.corners,
            box_score: line.box_score,
            text_score: line.text_score,
            text: line.text,
        })
        .collect();
    shoebox_db::ocr::replace(&pipeline.db, asset.id, &lines).await?;
    Ok(Done::default())
}

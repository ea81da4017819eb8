//! People's thumbnails: a square crop around the person's chosen face on its preview, with some
//! room around it, as a 250 px JPEG.

use image::imageops::FilterType;
use shoebox_core::live::WorkerNotice;
use shoebox_db::faces::PendingThumbnail;
use shoebox_storage::{Key, WriteMode};
use uuid::Uuid;

use super::{StepError, decode_rgb, stored_bytes};
use crate::Pipeline;

const SIZE: u32 = 250;

/// Makes the crops of the owner's people that have none (new people, or a new chosen face);
/// returns the live events that tell the owner's clients.
pub async fn make_missing(pipeline: &Pipeline, owner: Uuid) -> Result<Vec<WorkerNotice>, StepError> {
    let mut notices = Vec::new();
    for pending in shoebox_db::faces::pending_thumbnails(&pipeline.db, owner).await? {
        let preview = decode_rgb(stored_bytes(pipeline, &pending.preview_path).await?).await?;
        let jpeg = tokio::task::spawn_blocking(move || crop(&preview, &pending).map(|jpeg| (jpeg, pending)))
            .await
            .map_err(|join| StepError::Permanent(format!("cropping a face crashed: {join}")))?;
        let (jpeg, pending) = jpeg?;
        let key = Key::person_thumbnail(pending.owner_id, pending.person_id);
        pipeline.storage.put(&key, jpeg, WriteMode::Replace).await?;
        shoebox_db::faces::set_thumbnail(&pipeline.db, pending.person_id, key.as_str()).await?;
        notices.push(WorkerNotice::PersonThumbnailReady { owner_id: pending.owner_id, person_id: pending.person_id });
    }
    Ok(notices)
}

fn crop(preview: &image::RgbImage, face: &PendingThumbnail) -> Result<Vec<u8>, StepError> {
    // Boxes are in the pixel space of the image the detector saw; scale in case the preview changed.
    let scale_x = preview.width() as f32 / face.image_width.max(1) as f32;
    let scale_y = preview.height() as f32 / face.image_height.max(1) as f32;
    let (x1, x2) = (face.bounding_box_x1 as f32 * scale_x, face.bounding_box_x2 as f32 * scale_x);
    let (y1, y2) = (face.bounding_box_y1 as f32 * scale_y, face.bounding_box_y2 as f32 * scale_y);
    let (center_x, center_y) = ((x1 + x2) / 2.0, (y1 + y2) / 2.0);
    let side = ((x2 - x1).max(y2 - y1) * 1.6).max(1.0).min(preview.width().min(preview.height()) as f32);
    let left = (center_x - side / 2.0).clamp(0.0, preview.width() as f32 - side) as u32;
    let top = (center_y - side / 2.0).clamp(0.0, preview.height() as f32 - side) as u32;
    let side = side as u32;
    let square = image::imageops::crop_imm(preview, left, top, side.max(1), side.max(1)).to_image();
    let resized = image::imageops::resize(&square, SIZE, SIZE, FilterType::Triangle);
    let mut out = std::io::Cursor::new(Vec::new());
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 80)
        .encode_image(&resized)
        .map_err(|err| StepError::Permanent(format!("cannot encode the face crop: {err}")))?;
    Ok(out.into_inner())
}

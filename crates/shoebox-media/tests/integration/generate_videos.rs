//! Poster-frame previews of real and generated clips.

use crate::common;

use common::{expect_err, fixture, is_jpeg, is_webp};
use shoebox_media::{Limits, ThumbnailSettings, generate_video};

#[test]
fn real_clip_gets_preview_and_thumbnail_at_its_own_size() {
    let d = generate_video(&fixture("video/bikes.mp4"), &ThumbnailSettings::default(), &Limits::default()).unwrap();
    assert!(is_jpeg(&d.preview_jpeg) && is_webp(&d.thumbnail_webp));
    assert_eq!((d.width, d.height), (640, 272));
    assert_eq!((d.preview_width, d.preview_height), (640, 272), "never enlarged");
    assert_eq!((d.thumbnail_width, d.thumbnail_height), (588, 250));
    // thumbhash stores fewer coefficients for very wide or tall images (17 bytes at 2.35:1).
    assert!((14..=30).contains(&d.thumbhash.len()), "thumbhash of {} bytes", d.thumbhash.len());
}

#[test]
fn hevc_clip_is_decoded() {
    let d = generate_video(
        &fixture("video/generated/hevc_1280x720.mp4"),
        &ThumbnailSettings::default(),
        &Limits::default(),
    )
    .unwrap();
    assert_eq!((d.width, d.height), (1280, 720));
    assert_eq!((d.thumbnail_width, d.thumbnail_height), (444, 250));
}

#[test]
fn rotated_clip_is_turned_upright() {
    let d =
        generate_video(&fixture("video/generated/rotated_90.mp4"), &ThumbnailSettings::default(), &Limits::default())
            .unwrap();
    assert_eq!((d.width, d.height), (720, 1280), "portrait as displayed");
    assert_eq!((d.preview_width, d.preview_height), (720, 1280));
    assert_eq!((d.thumbnail_width, d.thumbnail_height), (250, 444));
    // Turned clockwise, like `ffmpeg` shows it: the test pattern's black left column is now
    // at the top and its white right column at the bottom.
    let preview = image::load_from_memory(&d.preview_jpeg).unwrap().into_luma8();
    let row_mean = |y: u32| (0..preview.width()).map(|x| f64::from(preview.get_pixel(x, y).0[0])).sum::<f64>() / 720.0;
    assert!(row_mean(20) < 40.0, "top should be black, mean {}", row_mean(20));
    assert!(row_mean(1270) > 200.0, "bottom should be white, mean {}", row_mean(1270));
}

#[test]
fn odd_sized_clip_is_decoded() {
    let d =
        generate_video(&fixture("video/generated/odd_321x241.mp4"), &ThumbnailSettings::default(), &Limits::default())
            .unwrap();
    assert_eq!((d.width, d.height), (321, 241));
    assert_eq!((d.thumbnail_width, d.thumbnail_height), (321, 241));
}

#[test]
fn video_larger_than_the_limit_is_refused() {
    let limits = Limits { max_pixels: 1280 * 720 - 1, ..Limits::default() };
    let result = generate_video(&fixture("video/generated/hevc_1280x720.mp4"), &ThumbnailSettings::default(), &limits);
    let error = expect_err(result, "generate_video");
    assert!(matches!(error, shoebox_media::MediaError::TooLarge { width: 1280, height: 720, .. }), "{error}");
}

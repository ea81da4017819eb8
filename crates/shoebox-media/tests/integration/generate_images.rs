//! Previews, thumbnails and thumbhashes of real photos and of a synthetic photo with EXIF
//! orientation 6.

use crate::common;

use common::{fixture, is_jpeg, is_webp};
use image::{Rgb, RgbImage};
use shoebox_media::{Derivatives, Limits, ThumbnailSettings, discover, generate_image};

fn generate(path: &std::path::Path, mime: &str) -> Derivatives {
    let meta = discover(path, mime).unwrap();
    generate_image(path, mime, meta.orientation, &ThumbnailSettings::default(), &Limits::default()).unwrap()
}

fn assert_well_formed(d: &Derivatives) {
    assert!(is_jpeg(&d.preview_jpeg), "preview is not a JPEG");
    assert!(is_webp(&d.thumbnail_webp), "thumbnail is not a WebP");
    assert!((14..=30).contains(&d.thumbhash.len()), "thumbhash of {} bytes", d.thumbhash.len());
    let preview = image::load_from_memory(&d.preview_jpeg).unwrap();
    assert_eq!((preview.width(), preview.height()), (d.preview_width, d.preview_height));
    let thumbnail = image::load_from_memory(&d.thumbnail_webp).unwrap();
    assert_eq!((thumbnail.width(), thumbnail.height()), (d.thumbnail_width, d.thumbnail_height));
}

#[test]
fn iphone_heic_gets_a_1440_preview_and_250_thumbnail() {
    let d = generate(&fixture("photos/pug.heic"), "image/heic");
    assert_well_formed(&d);
    assert_eq!((d.width, d.height), (4032, 3024));
    assert_eq!((d.preview_width, d.preview_height), (1920, 1440));
    assert_eq!((d.thumbnail_width, d.thumbnail_height), (333, 250));
}

#[test]
fn jpeg_smaller_than_the_preview_is_never_enlarged() {
    // 910×1137: the preview keeps the original size; the thumbnail is 250 on the short side.
    let d = generate(&fixture("photos/obama.jpg"), "image/jpeg");
    assert_well_formed(&d);
    assert_eq!((d.width, d.height), (910, 1137));
    assert_eq!((d.preview_width, d.preview_height), (910, 1137));
    assert_eq!((d.thumbnail_width, d.thumbnail_height), (250, 312));

    let tiny = generate(&fixture("photos/piexif/r_sony.jpg"), "image/jpeg");
    assert_eq!((tiny.preview_width, tiny.preview_height), (80, 80));
    assert_eq!((tiny.thumbnail_width, tiny.thumbnail_height), (80, 80));
}

#[test]
fn pngs_with_and_without_alpha() {
    for (file, size) in
        [("photos/astronaut.png", (512, 512)), ("photos/chelsea.png", (451, 300)), ("photos/coffee.png", (600, 400))]
    {
        let d = generate(&fixture(file), "image/png");
        assert_well_formed(&d);
        assert_eq!((d.width, d.height), size, "{file}");
        assert_eq!(d.thumbnail_width.min(d.thumbnail_height), 250, "{file}");
    }
}

#[test]
fn different_photos_get_different_thumbhashes() {
    let a = generate(&fixture("photos/starfish.jpg"), "image/jpeg");
    let b = generate(&fixture("photos/coffee.png"), "image/png");
    assert_ne!(a.thumbhash, b.thumbhash);
    assert_eq!((a.thumbnail_width, a.thumbnail_height), (444, 250));
}

/// Stored landscape 400×200, red in the top-left quarter, blue elsewhere, with EXIF
/// orientation 6 ("rotate 90° clockwise to view").
fn jpeg_with_orientation_6() -> Vec<u8> {
    let image =
        RgbImage::from_fn(400, 200, |x, y| if x < 200 && y < 100 { Rgb([230, 20, 20]) } else { Rgb([20, 20, 230]) });
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 95).encode_image(&image).unwrap();
    // APP1 "Exif": big-endian TIFF header, IFD0 with one entry: Orientation (0x0112) SHORT 6.
    let mut tiff = b"MM\0\x2a\0\0\0\x08".to_vec();
    tiff.extend_from_slice(&[0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, 6, 0, 0, 0, 0, 0, 0, 0]);
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend_from_slice(&tiff);
    let length = (app1.len() + 2) as u16;
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&app1);
    out.extend_from_slice(&jpeg[2..]); // the encoder's output without its SOI
    out
}

#[test]
fn exif_orientation_6_turns_the_image_clockwise() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rotated.jpg");
    std::fs::write(&path, jpeg_with_orientation_6()).unwrap();

    let meta = discover(&path, "image/jpeg").unwrap();
    assert_eq!(meta.orientation, Some(6));
    assert_eq!((meta.width, meta.height), (Some(400), Some(200)), "discover reports the stored size");

    let d = generate(&path, "image/jpeg");
    assert_well_formed(&d);
    assert_eq!((d.width, d.height), (200, 400), "width and height swap");
    assert_eq!((d.preview_width, d.preview_height), (200, 400));
    assert_eq!((d.thumbnail_width, d.thumbnail_height), (200, 400));

    // Turned clockwise, the stored top-left corner is now at the top right.
    let preview = image::load_from_memory(&d.preview_jpeg).unwrap().into_rgb8();
    let top_right = preview.get_pixel(190, 10).0;
    let top_left = preview.get_pixel(10, 10).0;
    let bottom_right = preview.get_pixel(190, 390).0;
    assert!(top_right[0] > 180 && top_right[2] < 80, "top right should be red, is {top_right:?}");
    assert!(top_left[2] > 180 && top_left[0] < 80, "top left should be blue, is {top_left:?}");
    assert!(bottom_right[2] > 180 && bottom_right[0] < 80, "bottom right should be blue, is {bottom_right:?}");

    // Without orientation the same file stays landscape.
    let upright = generate_image(&path, "image/jpeg", None, &ThumbnailSettings::default(), &Limits::default()).unwrap();
    assert_eq!((upright.width, upright.height), (400, 200));
}

#[test]
fn large_jpeg_is_decoded_reduced_but_fills_the_preview() {
    // 4000×3000 noise-free gradient: the preview must still be 1920×1440 (DCT scale 1/2).
    let image = RgbImage::from_fn(4000, 3000, |x, y| Rgb([(x / 16) as u8, (y / 12) as u8, 128]));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.jpg");
    image.save(&path).unwrap();
    let d = generate(&path, "image/jpeg");
    assert_well_formed(&d);
    assert_eq!((d.width, d.height), (4000, 3000));
    assert_eq!((d.preview_width, d.preview_height), (1920, 1440));
    assert_eq!((d.thumbnail_width, d.thumbnail_height), (333, 250));
}

//! Damaged, empty, mislabelled and oversized files fail with the right error, never a panic.

use crate::common;

use std::io::Write;

use common::{expect_err, fixture};
use shoebox_media::{Limits, MediaError, ThumbnailSettings, discover, generate_image, generate_video};

fn generate(path: &std::path::Path, mime: &str) -> Result<shoebox_media::Derivatives, MediaError> {
    generate_image(path, mime, None, &ThumbnailSettings::default(), &Limits::default())
}

#[test]
fn truncated_jpeg_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let original = std::fs::read(fixture("photos/obama.jpg")).unwrap();
    let path = dir.path().join("truncated.jpg");
    std::fs::write(&path, &original[..original.len() / 2]).unwrap();
    let error = expect_err(generate(&path, "image/jpeg"), "generate");
    assert!(matches!(error, MediaError::Corrupt(_)), "{error:?}");
    assert!(error.to_string().contains("truncated"), "{error}");
}

#[test]
fn empty_file_is_corrupt_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.jpg");
    std::fs::write(&path, b"").unwrap();
    for error in [
        expect_err(generate(&path, "image/jpeg"), "generate"),
        expect_err(discover(&path, "image/jpeg"), "discover"),
        expect_err(discover(&path, "video/mp4"), "discover"),
        expect_err(generate_video(&path, &ThumbnailSettings::default(), &Limits::default()), "generate_video"),
    ] {
        assert!(matches!(error, MediaError::Corrupt(_)), "{error:?}");
        assert!(error.to_string().contains("empty"), "{error}");
    }
}

#[test]
fn text_file_named_jpg_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("notes.jpg");
    std::fs::write(&path, "Dear diary, today I took no photos.\n".repeat(20)).unwrap();
    for error in
        [expect_err(generate(&path, "image/jpeg"), "generate"), expect_err(discover(&path, "image/jpeg"), "discover")]
    {
        assert!(matches!(error, MediaError::Corrupt(_)), "{error:?}");
    }
    let error = expect_err(discover(&path, "video/mp4"), "discover");
    assert!(matches!(error, MediaError::Corrupt(_)), "{error:?}");
    let error = expect_err(generate_video(&path, &ThumbnailSettings::default(), &Limits::default()), "generate_video");
    assert!(matches!(error, MediaError::Corrupt(_)), "{error:?}");
}

#[test]
fn missing_file_is_an_io_error() {
    let error = expect_err(generate(std::path::Path::new("/nonexistent/photo.jpg"), "image/jpeg"), "generate");
    assert!(matches!(error, MediaError::Io(_)), "{error:?}");
}

/// A 30000×30000 grey PNG: 900 megapixels, but only a few hundred KB compressed.
fn write_png_bomb(path: &std::path::Path) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    let mut encoder = png::Encoder::new(file, 30_000, 30_000);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header().unwrap().into_stream_writer().unwrap();
    let row = vec![0u8; 30_000];
    for _ in 0..30_000 {
        writer.write_all(&row).unwrap();
    }
    writer.finish().unwrap();
}

#[test]
fn png_bomb_is_refused_before_decoding() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bomb.png");
    write_png_bomb(&path);
    assert!(std::fs::metadata(&path).unwrap().len() < 5_000_000, "the bomb should be small on disk");

    let error = expect_err(generate(&path, "image/png"), "generate");
    assert!(
        matches!(error, MediaError::TooLarge { width: 30_000, height: 30_000, max_pixels: 250_000_000 }),
        "{error:?}"
    );
    assert!(error.to_string().contains("30000×30000"), "{error}");
    // Discovery only reads the header, so it is allowed to report the size.
    let meta = discover(&path, "image/png").unwrap();
    assert_eq!((meta.width, meta.height), (Some(30_000), Some(30_000)));
}

#[test]
fn jpeg_over_a_custom_limit_is_refused() {
    let limits = Limits { max_pixels: 910 * 1137 - 1, ..Limits::default() };
    let error = expect_err(
        generate_image(&fixture("photos/obama.jpg"), "image/jpeg", None, &ThumbnailSettings::default(), &limits),
        "generate_image",
    );
    assert!(matches!(error, MediaError::TooLarge { width: 910, height: 1137, .. }), "{error:?}");
    let error = expect_err(
        generate_image(&fixture("photos/pug.heic"), "image/heic", None, &ThumbnailSettings::default(), &limits),
        "generate_image",
    );
    assert!(matches!(error, MediaError::TooLarge { width: 4032, height: 3024, .. }), "{error:?}");
}

#[test]
fn truncated_heic_and_png_are_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    for (file, mime) in [("photos/pug.heic", "image/heic"), ("photos/coffee.png", "image/png")] {
        let bytes = std::fs::read(fixture(file)).unwrap();
        let path = dir.path().join(file.rsplit('/').next().unwrap());
        std::fs::write(&path, &bytes[..bytes.len() / 3]).unwrap();
        let error = expect_err(generate(&path, mime), "generate");
        assert!(matches!(error, MediaError::Corrupt(_)), "{file}: {error:?}");
    }
}

#[test]
fn truncated_video_fails_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let bytes = std::fs::read(fixture("video/bikes.mp4")).unwrap();
    let path = dir.path().join("cut.mp4");
    std::fs::write(&path, &bytes[..4096]).unwrap();
    assert!(discover(&path, "video/mp4").is_err());
    let error = expect_err(generate_video(&path, &ThumbnailSettings::default(), &Limits::default()), "generate_video");
    assert!(matches!(error, MediaError::Corrupt(_)), "{error:?}");
}

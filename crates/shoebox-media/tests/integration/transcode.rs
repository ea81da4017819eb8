//! Web copies of real and generated clips: H.264 + AAC in MP4, short side capped, upright, as
//! long as the original; damaged input fails cleanly.

use crate::common;

use std::path::{Path, PathBuf};

use common::{expect_err, fixture};
use shoebox_media::decode::video_frame::decode_poster_frame;
use shoebox_media::{
    Limits, MediaError, MediaMetadata, TranscodeSettings, discover, needs_transcode, transcode_to_mp4,
};

/// Transcodes `relative` with `settings` into a temporary folder; returns the metadata of the
/// input and of the copy, and the copy's path (kept alive by the returned folder).
fn transcode(
    relative: &str,
    settings: &TranscodeSettings,
) -> (MediaMetadata, MediaMetadata, PathBuf, tempfile::TempDir) {
    let input = fixture(relative);
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("web.mp4");
    transcode_to_mp4(&input, &output, settings)
        .unwrap_or_else(|error| panic!("transcoding {relative} failed: {error}"));
    let before = discover(&input, "video/mp4").unwrap();
    let after = discover(&output, "video/mp4").unwrap();
    (before, after, output, dir)
}

/// What every web copy must be: H.264 in MP4, upright, even-sized, as long as the original,
/// with AAC exactly when the original had sound, and not needing another transcode.
fn assert_web_copy(before: &MediaMetadata, after: &MediaMetadata, what: &str) {
    assert_eq!(after.video_codec.as_deref(), Some("h264"), "{what}: codec");
    assert_eq!(after.rotation, Some(0), "{what}: the copy is stored upright");
    let (width, height) = (after.width.unwrap(), after.height.unwrap());
    assert!(width % 2 == 0 && height % 2 == 0, "{what}: {width}×{height} is not even");
    let expected_audio = before.audio_codec.as_ref().map(|_| "aac");
    assert_eq!(after.audio_codec.as_deref(), expected_audio, "{what}: audio");
    let (d0, d1) = (before.duration_ms.unwrap(), after.duration_ms.unwrap());
    assert!((d0 - d1).abs() <= 100, "{what}: duration {d1} ms, the original lasts {d0} ms");
    assert_close_fps(before.fps, after.fps, what);
    assert!(!needs_transcode(after), "{what}: the copy must play in browsers");
}

fn assert_close_fps(before: Option<f64>, after: Option<f64>, what: &str) {
    let (before, after) = (before.unwrap(), after.unwrap());
    assert!((before - after).abs() < 0.5, "{what}: frame rate {after}, the original has {before}");
}

#[test]
fn hevc_with_aac_becomes_h264_with_aac_at_the_same_size() {
    let (before, after, _, _dir) = transcode("video/generated/hevc_1280x720.mp4", &TranscodeSettings::default());
    assert_eq!(before.audio_codec.as_deref(), Some("aac"), "fixture has sound");
    assert_web_copy(&before, &after, "hevc");
    assert_eq!((after.width, after.height), (Some(1280), Some(720)));
}

#[test]
fn short_side_is_capped_keeping_the_aspect_ratio() {
    let settings = TranscodeSettings { max_short_side: 360, ..TranscodeSettings::default() };
    let (before, after, _, _dir) = transcode("video/generated/hevc_1280x720.mp4", &settings);
    assert_web_copy(&before, &after, "hevc at 360");
    assert_eq!((after.width, after.height), (Some(640), Some(360)));

    let settings = TranscodeSettings { max_short_side: 200, ..TranscodeSettings::default() };
    let (before, after, _, _dir) = transcode("video/bikes.mp4", &settings);
    assert_web_copy(&before, &after, "bikes at 200");
    // 640×272 → 470.6×200, rounded to even.
    assert_eq!((after.width, after.height), (Some(470), Some(200)));
}

#[test]
fn small_silent_clip_is_not_enlarged() {
    let (before, after, _, _dir) = transcode("video/bikes.mp4", &TranscodeSettings::default());
    assert_eq!(before.audio_codec, None, "fixture is silent");
    assert_web_copy(&before, &after, "bikes");
    assert_eq!((after.width, after.height), (Some(640), Some(272)));
    assert_eq!(after.duration_ms, Some(10_000));
}

#[test]
fn odd_sized_yuv444_clip_becomes_even_yuv420() {
    let (before, after, output, _dir) = transcode("video/generated/odd_321x241.mp4", &TranscodeSettings::default());
    assert_web_copy(&before, &after, "odd");
    assert_eq!((after.width, after.height), (Some(320), Some(240)));
    let pix_fmt = ffprobe_pix_fmt(&output);
    if let Some(pix_fmt) = pix_fmt {
        assert_eq!(pix_fmt, "yuv420p");
    }
}

#[test]
fn rotated_clip_is_turned_upright_in_the_pixels() {
    let input = "video/generated/rotated_90.mp4";
    let (before, after, output, _dir) = transcode(input, &TranscodeSettings::default());
    assert_eq!(before.rotation, Some(90), "fixture is rotated");
    assert_web_copy(&before, &after, "rotated");
    // Stored 1280×720 turned a quarter: displayed 720×1280, which the copy stores as is.
    assert_eq!((after.width, after.height), (Some(720), Some(1280)));

    // The copy's poster frame looks like the original's (which is turned upright on decode),
    // and clearly unlike the original upside down: the turn went the right way.
    let limits = Limits::default();
    let original = decode_poster_frame(&fixture(input), &limits).unwrap().pixels;
    let copy = decode_poster_frame(&output, &limits).unwrap().pixels;
    assert_eq!(original.dimensions(), copy.dimensions());
    let same_way = mean_abs_difference(&original, &copy);
    let upside_down = mean_abs_difference(&image::imageops::rotate180(&original), &copy);
    assert!(
        same_way < 12.0 && same_way * 3.0 < upside_down,
        "copy differs from the upright original by {same_way:.1}, from it upside down by {upside_down:.1}"
    );
}

#[test]
fn damaged_input_fails_without_panicking_or_leaving_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("web.mp4");

    // The index (moov) sits at the end of these files, so a cut-off download has none.
    let original = std::fs::read(fixture("video/generated/hevc_1280x720.mp4")).unwrap();
    let truncated = dir.path().join("truncated.mp4");
    std::fs::write(&truncated, &original[..original.len() / 2]).unwrap();
    let error = expect_err(transcode_to_mp4(&truncated, &output, &TranscodeSettings::default()), "truncated file");
    assert!(matches!(error, MediaError::Corrupt(_)), "{error:?}");
    assert!(!output.exists(), "no partial copy is left behind");

    let garbage = dir.path().join("garbage.mp4");
    std::fs::write(&garbage, b"this is not a video at all, just some text").unwrap();
    let error = expect_err(transcode_to_mp4(&garbage, &output, &TranscodeSettings::default()), "garbage file");
    assert!(matches!(error, MediaError::Corrupt(_)), "{error:?}");

    let empty = dir.path().join("empty.mp4");
    std::fs::write(&empty, b"").unwrap();
    let error = expect_err(transcode_to_mp4(&empty, &output, &TranscodeSettings::default()), "empty file");
    assert!(matches!(error, MediaError::Corrupt(_)), "{error:?}");

    let error = expect_err(
        transcode_to_mp4(&dir.path().join("missing.mp4"), &output, &TranscodeSettings::default()),
        "missing file",
    );
    assert!(matches!(error, MediaError::Io(_)), "{error:?}");
    assert!(!output.exists(), "no partial copy is left behind");
}

#[test]
fn cut_off_faststart_file_does_not_panic() {
    // A copy has its index first (+faststart): cut in the middle, the index survives but the
    // data stops early. Either a shorter copy or an error is fine; a panic is not.
    let (_, _, copy, dir) = transcode("video/generated/hevc_1280x720.mp4", &TranscodeSettings::default());
    let bytes = std::fs::read(&copy).unwrap();
    assert_eq!(&bytes[4..8], b"ftyp");
    let moov_at = u32::from_be_bytes(bytes[0..4].try_into().unwrap()) as usize;
    assert_eq!(&bytes[moov_at + 4..moov_at + 8], b"moov", "+faststart puts the index right after ftyp");
    let cut = dir.path().join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let output = dir.path().join("again.mp4");
    match transcode_to_mp4(&cut, &output, &TranscodeSettings::default()) {
        Ok(()) => {
            let meta = discover(&output, "video/mp4").unwrap();
            assert_eq!(meta.video_codec.as_deref(), Some("h264"));
        }
        Err(error) => assert!(!output.exists(), "failed ({error}) but left a file"),
    }
}

fn mean_abs_difference(a: &image::RgbImage, b: &image::RgbImage) -> f64 {
    let total: u64 = a.as_raw().iter().zip(b.as_raw()).map(|(x, y)| u64::from(x.abs_diff(*y))).sum();
    total as f64 / a.as_raw().len() as f64
}

/// The pixel format of the first video stream, when ffprobe is installed.
fn ffprobe_pix_fmt(path: &Path) -> Option<String> {
    let output = std::process::Command::new("ffprobe")
        .args(["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=pix_fmt", "-of", "default=nw=1:nk=1"])
        .arg(path)
        .output()
        .ok()?;
    output.status.success().then(|| String::from_utf8_lossy(&output.stdout).trim().to_string())
}

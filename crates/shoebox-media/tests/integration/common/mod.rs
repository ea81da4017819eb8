//! Shared helpers of the integration tests: where the real fixtures are, and small checks.
#![allow(dead_code)]

use std::path::PathBuf;

/// A file under `$SHOEBOX_FIXTURES_DIR`. Never skips: without fixtures the test fails and says
/// how to get them.
pub fn fixture(relative: &str) -> PathBuf {
    let dir = std::env::var_os("SHOEBOX_FIXTURES_DIR").unwrap_or_else(|| {
        panic!(
            "SHOEBOX_FIXTURES_DIR is not set. Run `export SHOEBOX_FIXTURES_DIR=$(deploy/local/fixtures)` \
             from the repository root (or use deploy/local/test), then run the tests again."
        )
    });
    let path = PathBuf::from(dir).join(relative);
    assert!(path.is_file(), "fixture {} is missing; run deploy/local/fixtures", path.display());
    path
}

pub fn assert_close(actual: Option<f64>, expected: f64, tolerance: f64, what: &str) {
    let actual = actual.unwrap_or_else(|| panic!("{what}: missing, expected {expected}"));
    assert!((actual - expected).abs() <= tolerance, "{what}: got {actual}, expected {expected} ± {tolerance}");
}

pub fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xD8, 0xFF])
}

pub fn is_webp(bytes: &[u8]) -> bool {
    bytes.len() > 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP"
}

/// The error of a result that must have failed, without dumping a large success value.
pub fn expect_err<T>(result: Result<T, shoebox_media::MediaError>, what: &str) -> shoebox_media::MediaError {
    match result {
        Ok(_) => panic!("{what}: expected an error, but it succeeded"),
        Err(error) => error,
    }
}

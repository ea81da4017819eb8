//! Shared set-up for the integration tests: real ONNX Runtime and models from the environment
//! (`deploy/local/test` sets them; `source .local/dev.env` plus `deploy/local/clip-test-model`
//! by hand).
#![allow(dead_code)]

use std::path::PathBuf;

fn required(var: &str, hint: &str) -> PathBuf {
    match std::env::var_os(var) {
        Some(value) if !value.is_empty() => PathBuf::from(value),
        _ => panic!("{var} is not set: {hint}"),
    }
}

/// Loads ONNX Runtime from SHOEBOX_ONNXRUNTIME_PATH (once per test process).
pub fn init_runtime() {
    let path = required("SHOEBOX_ONNXRUNTIME_PATH", "point it at libonnxruntime.so (deploy/local/test does)");
    shoebox_ml::init_runtime(Some(&path)).expect("ONNX Runtime loads");
}

pub fn models_dir() -> PathBuf {
    required("SHOEBOX_TEST_MODELS_DIR", "run `export SHOEBOX_TEST_MODELS_DIR=$(deploy/local/clip-test-model)`")
}

pub fn fixtures_dir() -> PathBuf {
    required("SHOEBOX_FIXTURES_DIR", "run `export SHOEBOX_FIXTURES_DIR=$(deploy/local/fixtures)`")
}

pub fn photo(name: &str) -> image::RgbImage {
    let path = fixtures_dir().join("photos").join(name);
    image::open(&path).unwrap_or_else(|err| panic!("{}: {err}", path.display())).to_rgb8()
}

//! Start-up errors when ONNX Runtime is missing. One test in its own binary: the runtime is loaded
//! once per process, so the failures must come before any other test's successful load.

#[path = "integration/common/mod.rs"]
mod common;

use shoebox_ml::{ClipVisual, MlError};

#[test]
fn a_missing_runtime_is_a_clear_error_until_the_right_library_is_given() {
    let missing = std::path::Path::new("/nonexistent/libonnxruntime.so");
    let err = shoebox_ml::init_runtime(Some(missing)).unwrap_err();
    assert!(matches!(err, MlError::RuntimeMissing(_)), "{err:?}");
    let message = err.to_string();
    assert!(
        message.contains("/nonexistent/libonnxruntime.so") && message.contains("SHOEBOX_ONNXRUNTIME_PATH"),
        "{message}"
    );

    // A file that is not a shared library.
    let not_a_library = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(not_a_library.path(), b"not a library").unwrap();
    let err = shoebox_ml::init_runtime(Some(not_a_library.path())).unwrap_err();
    assert!(matches!(err, MlError::RuntimeMissing(_)), "{err:?}");
    assert!(err.to_string().contains(&not_a_library.path().display().to_string()), "{err}");

    // Models cannot load before the runtime.
    let clip = common::models_dir().join("clip/shoebox-test-clip");
    let err = ClipVisual::load(&clip, 1).err().expect("no runtime yet");
    assert!(matches!(err, MlError::RuntimeMissing(_)), "{err:?}");

    // A failed attempt can be retried with the right library; later calls are no-ops.
    common::init_runtime();
    common::init_runtime();
    ClipVisual::load(&clip, 1).expect("loads once the runtime is up");
}

//! Loading ONNX Runtime (once per process) and building sessions with deliberate thread settings.
//!
//! With `load-dynamic`, `ort` panics on first use when it cannot find the library; loading it
//! explicitly at start-up turns that into a [`MlError::RuntimeMissing`] with the path and reason.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Mutex;

use ort::environment::Environment;
use ort::session::Session;
use ort::session::builder::GraphOptimizationLevel;

use crate::MlError;

/// ONNX Runtime allows one environment per process; it is created by the first successful
/// [`init_runtime`] and kept for the life of the process.
static ENVIRONMENT: Mutex<Option<Environment>> = Mutex::new(None);

/// Loads ONNX Runtime from `onnxruntime_path` (the `libonnxruntime.so` file) or, without a path,
/// from `ORT_DYLIB_PATH` / the system's library search path. Idempotent: later calls return `Ok`
/// once the runtime is up, whatever path they pass. A failed call can be retried.
pub fn init_runtime(onnxruntime_path: Option<&Path>) -> Result<(), MlError> {
    let mut environment = ENVIRONMENT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if environment.is_some() {
        return Ok(());
    }
    let builder = match onnxruntime_path {
        Some(path) => {
            if !path.is_file() {
                return Err(MlError::RuntimeMissing(format!(
                    "{} does not exist or is not a file (set SHOEBOX_ONNXRUNTIME_PATH to libonnxruntime.so, ONNX Runtime >= 1.{})",
                    path.display(),
                    ort::MINOR_VERSION
                )));
            }
            ort::init_from(path).map_err(|err| MlError::RuntimeMissing(err.to_string()))?
        }
        None => ort::init(),
    };
    // Without an explicit path `ort` loads the library lazily and panics if that fails.
    let built = catch_unwind(AssertUnwindSafe(|| builder.with_name("shoebox").with_telemetry(false).build()))
        .map_err(|panic| MlError::RuntimeMissing(panic_message(&panic)))?
        .map_err(|err| MlError::RuntimeMissing(err.to_string()))?;
    *environment = Some(built);
    Ok(())
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    let text = panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "ONNX Runtime failed to load".to_owned());
    format!("{text} (set SHOEBOX_ONNXRUNTIME_PATH to libonnxruntime.so, ONNX Runtime >= 1.{})", ort::MINOR_VERSION)
}

/// Builds a session for one model file. `intra_threads` threads work on one inference; graph
/// parallelism stays off and idle threads do not spin, because the machine's cores are shared
/// with other jobs (decoding, thumbnails, other models).
pub(crate) fn load_session(model: &Path, intra_threads: usize) -> Result<Session, MlError> {
    if !model.is_file() {
        return Err(MlError::ModelMissing { path: model.to_path_buf() });
    }
    let environment = ENVIRONMENT.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let environment = environment
        .as_ref()
        .ok_or_else(|| MlError::RuntimeMissing("init_runtime was not called before loading a model".to_owned()))?;
    let invalid = |err: ort::Error<_>| MlError::InvalidModel(format!("{}: {err}", model.display()));
    Session::builder(environment)
        .map_err(|err| MlError::InvalidModel(format!("{}: {err}", model.display())))?
        .with_optimization_level(GraphOptimizationLevel::All)
        .map_err(invalid)?
        .with_intra_threads(intra_threads.max(1))
        .map_err(invalid)?
        .with_inter_threads(1)
        .map_err(invalid)?
        .with_config_entry("session.intra_op.allow_spinning", "0")
        .map_err(invalid)?
        // Batched runs of models declaring a batch of 1 in their outputs warn on every run.
        .with_log_level(ort::logging::LogLevel::Error)
        .map_err(invalid)?
        .commit_from_file(model)
        .map_err(|err| MlError::InvalidModel(format!("{}: {err}", model.display())))
}

/// One loaded model with a single input: the session behind a mutex (running needs `&mut`),
/// plus what the code needs to know about its input.
pub(crate) struct ModelSession {
    session: Mutex<Session>,
    pub input_name: String,
    pub input_type: ort::value::TensorElementType,
    /// Input dimensions as the model declares them (-1 = dynamic).
    pub input_shape: Vec<i64>,
    pub output_names: Vec<String>,
    /// Output dimensions as the model declares them (-1 = dynamic; empty when not a tensor).
    pub output_shapes: Vec<Vec<i64>>,
    /// The model's custom metadata, read once: some exports carry data the code needs
    /// (e.g. a recognizer's character dictionary).
    metadata: Vec<(String, String)>,
}

fn read_metadata(session: &Session) -> ort::Result<Vec<(String, String)>> {
    let metadata = session.metadata()?;
    Ok(metadata.custom_keys()?.into_iter().filter_map(|key| Some((key.clone(), metadata.custom(&key)?))).collect())
}

/// One output tensor copied out of ONNX Runtime.
pub(crate) struct Output {
    pub shape: Vec<i64>,
    pub data: Vec<f32>,
}

impl ModelSession {
    pub fn load(model: &Path, intra_threads: usize) -> Result<Self, MlError> {
        let session = load_session(model, intra_threads)?;
        let [input] = session.inputs() else {
            return Err(MlError::InvalidModel(format!(
                "{}: expected one input, found {}",
                model.display(),
                session.inputs().len()
            )));
        };
        let ort::value::ValueType::Tensor { ty, shape, .. } = input.dtype() else {
            return Err(MlError::InvalidModel(format!("{}: input is not a tensor", model.display())));
        };
        if session.outputs().is_empty() {
            return Err(MlError::InvalidModel(format!("{}: model has no outputs", model.display())));
        }
        let output_shapes = session
            .outputs()
            .iter()
            .map(|o| match o.dtype() {
                ort::value::ValueType::Tensor { shape, .. } => shape.to_vec(),
                _ => Vec::new(),
            })
            .collect();
        let metadata =
            read_metadata(&session).map_err(|err| MlError::InvalidModel(format!("{}: {err}", model.display())))?;
        Ok(Self {
            input_name: input.name().to_owned(),
            input_type: *ty,
            input_shape: shape.to_vec(),
            output_names: session.outputs().iter().map(|o| o.name().to_owned()).collect(),
            output_shapes,
            metadata,
            session: Mutex::new(session),
        })
    }

    /// A custom metadata value of the model file, if it has that key.
    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
    }

    /// Whether the model accepts more than one item per run (a dynamic or >1 first dimension).
    pub fn batches(&self) -> bool {
        self.input_shape.first().is_none_or(|&dim| dim != 1)
    }

    /// Runs the model and copies out every float output, in the model's output order.
    pub fn run(&self, input: ort::value::DynValue) -> Result<Vec<Output>, MlError> {
        let mut session = self.session.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let outputs = session.run(ort::inputs![self.input_name.as_str() => input]).map_err(MlError::inference)?;
        outputs
            .values()
            .map(|value| {
                let (shape, data) = value.try_extract_tensor::<f32>().map_err(MlError::inference)?;
                Ok(Output { shape: shape.to_vec(), data: data.to_vec() })
            })
            .collect()
    }
}

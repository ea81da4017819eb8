//! The vocabulary every Shoebox binary shares: configuration (`SHOEBOX_*`), domain types,
//! where the library is kept, and the job contract between
//! the server that enqueues work and the workers that drain it. Storage itself is `shoebox-storage`.

pub mod backup_settings;
pub mod checksum;
pub mod config;
pub mod domain;
pub mod jobs;
pub mod labels;
pub mod library;
pub mod live;
pub mod media;
pub mod storage_settings;

pub use config::{Config, MlConfig, OcrConfig};

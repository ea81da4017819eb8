//! The vocabulary every Shoebox binary shares: configuration (`SHOEBOX_*`), domain types,
//! the storage layer (local disk now, object stores later) and the job contract between
//! the server that enqueues work and the workers that drain it.

pub mod checksum;
pub mod config;
pub mod domain;
pub mod jobs;
pub mod live;
pub mod media;
pub mod storage;

pub use config::{Config, MlConfig};

//! The Shoebox worker: drains the Redis queues and moves each asset through the pipeline
//! metadata → thumbnails → (video encoding, smart search → duplicates, face detection →
//! recognition), writing results to Postgres and storage.
//! Postgres records which steps each asset has passed, so the reconcile (and `queue missing`)
//! can rebuild the queues from the database alone.

pub mod backup_command;
pub mod export;
pub mod geodata;
pub mod library_move;
pub mod maintenance;
pub mod library_scan;
pub mod library_watch;
pub mod metrics;
pub mod models;
pub mod pipeline;
pub mod reconcile;
pub mod runner;
pub mod steps;
pub mod takeout;

pub use pipeline::Pipeline;

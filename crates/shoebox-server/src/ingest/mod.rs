//! Ingest: an upload's journey from the request body to a stored original with a database row
//! and a queued job. `receive` streams the multipart body into storage while hashing it;
//! `store` dedupes, places the file and commits the row together, and enqueues the first step.

mod fields;
mod receive;
mod store;

pub use fields::UploadFields;
pub use receive::{Destination, Received, receive};
pub use store::{Stored, require_live_photo_video, store};

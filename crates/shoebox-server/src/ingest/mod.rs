//! Ingest: an upload's journey from the request body to a stored original with a database row
//! and a queued job. `receive` streams the multipart body to staging while hashing it;
//! `store` dedupes, commits the file and the row together, and enqueues the first step.

mod fields;
mod receive;
mod store;

pub use fields::UploadFields;
pub use receive::{Received, receive};
pub use store::{Stored, require_live_photo_video, store};

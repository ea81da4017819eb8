//! shoebox-worker's integration tests, one binary so they link once: each module is one area.

mod common;

mod decode_limits;
mod faces;
mod logs;
mod phone_photos;
mod pipeline;
mod resilience;
mod smart_search;

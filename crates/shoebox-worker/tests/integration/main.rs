//! shoebox-worker's integration tests, one binary so they link once: each module is one area.

mod common;

mod faces;
mod pipeline;
mod resilience;
mod smart_search;

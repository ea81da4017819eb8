//! shoebox-worker's integration tests, one binary so they link once: each module is one area.

mod common;
#[path = "../../../shoebox-server/tests/integration/common/socketio.rs"]
mod socketio;

mod faces;
mod live;
mod pipeline;
mod smart_search;

//! shoebox-worker's integration tests, one binary so they link once: each module is one area.

mod common;
#[path = "../../../shoebox-server/tests/integration/common/socketio.rs"]
mod socketio;

mod backup_restore;
mod decode_limits;
mod faces;
mod faces_learn;
mod labels;
mod libraries;
mod live;
mod library_move;
mod logs;
mod ocr;
mod no_shared_disk;
mod phone_photos;
mod pickup;
mod pipeline;
mod takeout_import;
mod resilience;
mod smart_search;

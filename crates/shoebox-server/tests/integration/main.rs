//! shoebox-server's integration tests, one binary so they link once: each module is one area.

mod common;
#[path = "spec/openapi.rs"]
mod openapi;

mod accounts;
mod albums;
mod api_keys;
mod contract;
mod download;
mod edit_metadata;
mod immich_cli;
mod live;
mod memories;
mod ml_api;
mod ml_contract;
mod mobile_sync;
mod partners;
mod shared_albums;
mod shared_links;
mod timeline;
mod upload;

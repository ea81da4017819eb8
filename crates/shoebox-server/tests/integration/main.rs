//! shoebox-server's integration tests, one binary so they link once: each module is one area.

mod common;
#[path = "spec/openapi.rs"]
mod openapi;

mod accounts;
mod activities;
mod albums;
mod api_keys;
mod authorization;
mod contract;
mod deleted_stays_deleted;
mod download;
mod edit_metadata;
mod hardening;
mod immich_cli;
mod libraries;
mod live;
mod live_photos;
mod locked_folder;
mod memories;
mod metrics;
mod ml_api;
mod ml_contract;
mod mobile_app;
mod mobile_sync;
mod object_storage;
mod partners;
mod phone;
mod shared_albums;
mod shared_links;
mod stacks;
mod staging;
mod tags;
mod text_input;
mod timeline;
mod upload;

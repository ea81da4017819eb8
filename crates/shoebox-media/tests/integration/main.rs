//! shoebox-media's integration tests, one binary so they link once: each module is one area.

mod common;

mod bad_input;
mod discover_images;
mod discover_videos;
mod generate_images;
mod generate_videos;
mod transcode;

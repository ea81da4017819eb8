//! shoebox-ml's integration tests, one binary so they link once: each module is one area.

mod common;

mod clip;
mod faces;
mod ocr;
mod pull;

//! For test suites: which storage a test installation uses, from `SHOEBOX_TEST_STORAGE`.
//! `local` (or unset) keeps the data folder; `s3` puts everything in the test bucket, each
//! installation under a prefix of its own; `s3-originals` keeps originals in the bucket and derived
//! files on local disk. The bucket is reached through `SHOEBOX_TEST_S3_*`, as
//! `deploy/local/test` sets them for its SeaweedFS.

use shoebox_core::Config;
use shoebox_core::config::{S3Config, StorageLocation};

/// Points `config` at the test storage the environment asks for; returns its name.
pub fn use_test_storage(config: &mut Config) -> &'static str {
    let mode = std::env::var("SHOEBOX_TEST_STORAGE").unwrap_or_default();
    let bucket = match mode.as_str() {
        "" | "local" => return "local",
        "s3" | "s3-originals" => test_bucket(),
        other => panic!("SHOEBOX_TEST_STORAGE={other:?}: use local, s3 or s3-originals"),
    };
    let (bucket, settings) = bucket;
    let prefix = format!("test-{}", uuid::Uuid::new_v4().simple());
    config.s3 = settings;
    config.storage = Some(StorageLocation::S3 { bucket, prefix });
    if mode == "s3-originals" {
        config.storage_derived = Some(StorageLocation::Local(config.data_dir.clone()));
        "s3-originals"
    } else {
        config.storage_derived = None;
        "s3"
    }
}

/// The test bucket and how to reach it; panics with the reason when the environment lacks it.
pub fn test_bucket() -> (String, S3Config) {
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run the tests through deploy/local/test"))
    };
    let settings = S3Config {
        endpoint: Some(var("SHOEBOX_TEST_S3_ENDPOINT")),
        region: "us-east-1".into(),
        access_key_id: Some(var("SHOEBOX_TEST_S3_ACCESS_KEY_ID")),
        secret_access_key: Some(var("SHOEBOX_TEST_S3_SECRET_ACCESS_KEY")),
        path_style: true,
        max_retries: 3,
        presigned_downloads: false,
    };
    (var("SHOEBOX_TEST_S3_BUCKET"), settings)
}

/// The `SHOEBOX_*` variables that give a child process (a worker, a server) the same storage.
pub fn storage_env(config: &Config) -> Vec<(&'static str, String)> {
    let mut env = Vec::new();
    if let Some(location) = &config.storage {
        env.push(("SHOEBOX_STORAGE", location.to_string()));
    }
    if let Some(location) = &config.storage_derived {
        env.push(("SHOEBOX_STORAGE_DERIVED", location.to_string()));
    }
    let s3 = &config.s3;
    env.extend(s3.endpoint.clone().map(|endpoint| ("SHOEBOX_S3_ENDPOINT", endpoint)));
    env.extend(s3.access_key_id.clone().map(|id| ("SHOEBOX_S3_ACCESS_KEY_ID", id)));
    env.extend(s3.secret_access_key.clone().map(|secret| ("SHOEBOX_S3_SECRET_ACCESS_KEY", secret)));
    env.push(("SHOEBOX_S3_REGION", s3.region.clone()));
    env.push(("SHOEBOX_S3_PATH_STYLE", s3.path_style.to_string()));
    env
}

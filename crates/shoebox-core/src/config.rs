//! Settings read from `SHOEBOX_*` environment variables, with defaults that run on one machine.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use anyhow::{Context, Result};
use ipnet::IpNet;

use crate::jobs::Queue;
pub use crate::storage_settings::{S3Config, StorageConfig, StorageLocation};

/// Shoebox's own crates log at info, dependencies only at warn: their info lines are about their
/// internals (nom-exif logs every EXIF entry), not about the library. nom-exif's warnings are
/// about the files' content ("GPSInfo not found" for every photo without a position), which
/// Shoebox reports itself, so only its errors are shown.
pub const DEFAULT_LOG_FILTER: &str = "warn,nom_exif=error,shoebox_core=info,shoebox_db=info,shoebox_queue=info,\
shoebox_media=info,shoebox_ml=info,shoebox_server=info,shoebox_worker=info";

/// Everything the server and worker need to know about their surroundings.
#[derive(Debug, Clone)]
pub struct Config {
    /// This machine's folder: the library itself when it is kept on local disk (the default),
    /// the models, and scratch space.
    pub data_dir: PathBuf,
    /// `SHOEBOX_STORAGE`: where originals are kept, when not in the data folder.
    pub storage: Option<StorageLocation>,
    /// `SHOEBOX_STORAGE_DERIVED`: where thumbnails, previews and transcodes are kept, when not
    /// beside the originals.
    pub storage_derived: Option<StorageLocation>,
    pub s3: S3Config,
    /// `SHOEBOX_SCRATCH_DIR`, by default `tmp/` in the data folder.
    pub scratch_dir: Option<PathBuf>,
    /// `SHOEBOX_SCRATCH_MAX_BYTES`, 8 GiB by default.
    pub scratch_max_bytes: u64,
    pub host: IpAddr,
    pub port: u16,
    pub database_url: String,
    pub redis_url: String,
    /// Prefix of every Redis key Shoebox writes, so several installations can share one Redis.
    pub redis_namespace: String,
    /// Built web gallery (`web/dist`); served with an SPA fallback when present.
    pub web_dir: Option<PathBuf>,
    /// `tracing` filter (`SHOEBOX_LOG`); by default [`DEFAULT_LOG_FILTER`].
    pub log_filter: String,
    pub max_upload_bytes: u64,
    /// Failed logins allowed per minute for one client address and account.
    pub login_attempts_per_minute: u32,
    /// `SHOEBOX_TRUSTED_PROXIES`: reverse proxies (addresses or CIDR ranges, comma-separated)
    /// whose `X-Forwarded-For` names the real client. Empty: that header is ignored, since
    /// anyone can send it.
    pub trusted_proxies: Vec<IpNet>,
    /// Time limit for ordinary requests; uploads and downloads stream and are exempt.
    pub request_timeout: Duration,
    /// Cores a worker's CPU-heavy steps (decoding, resizing, inference, transcoding) may keep
    /// busy together (`SHOEBOX_CPU_BUDGET`, by default the cores this process may use). Each
    /// such step holds a share while it runs; a transcode holds all but one, so photos go on.
    pub cpu_budget: usize,
    /// Jobs one worker runs at once, per queue. By default sized from the cores: CPU-heavy
    /// queues get one slot more than the CPU budget (so a job doing I/O leaves no core idle),
    /// metadata (mostly reading) twice that.
    pub concurrency_metadata: usize,
    pub concurrency_thumbnails: usize,
    pub concurrency_video: usize,
    /// How often a worker tells Redis it is alive; its jobs go to other workers after four
    /// missed beats.
    pub worker_heartbeat: Duration,
    /// How often a worker queues, from Postgres, the assets whose step is due but has no job in
    /// Redis (jobs lost with Redis, uploads made while it was down). It also runs at worker start
    /// and after the worker lost Redis; `None` (`SHOEBOX_RECONCILE_SECS=0`) keeps only those.
    pub reconcile_interval: Option<Duration>,
    /// How often a worker walks every external library's folders again
    /// (`SHOEBOX_LIBRARY_RESCAN_SECONDS`, an hour by default): watching misses changes on network
    /// disks and whatever happened while no worker ran. `None` (`0`) leaves watching and scans
    /// asked for through the API.
    pub library_rescan: Option<Duration>,
    /// GeoNames `cities1000` table (CSV) loaded for reverse geocoding when the database has none.
    pub geodata_path: Option<PathBuf>,
    /// Largest image (width × height) the worker decodes; bigger ones fail their job.
    pub max_image_pixels: u64,
    /// Memory all image decodes of one worker may hold at once (`SHOEBOX_DECODE_MEMORY_BYTES`,
    /// 1 GiB): decodes wait their turn when together they would need more, and a file that
    /// alone needs more fails its job.
    pub decode_memory_bytes: u64,
    /// Where the server (`SHOEBOX_SERVER_METRICS_ADDRESS`) and the worker
    /// (`SHOEBOX_WORKER_METRICS_ADDRESS`) answer Prometheus' `GET /metrics`; unset, they do not.
    pub server_metrics_address: Option<SocketAddr>,
    pub worker_metrics_address: Option<SocketAddr>,
    /// Machine learning: where models live, which ones to use, and how to run them.
    pub ml: MlConfig,
    /// Backups, the scrub, and the tools they use.
    pub backup: crate::backup_settings::BackupConfig,
}

/// The cores this process may run on (its CPU affinity and cgroup quota included).
pub fn available_cores() -> usize {
    std::thread::available_parallelism().map(|cores| cores.get()).unwrap_or(1)
}

/// Settings of the machine-learning steps (smart search, faces, duplicates). Defaults follow Immich.
#[derive(Debug, Clone)]
pub struct MlConfig {
    /// `libonnxruntime.so` loaded at start-up (ONNX Runtime ≥ 1.31).
    pub onnxruntime_path: Option<PathBuf>,
    /// Models in Immich's layout: `clip/<name>/{visual,textual}/…`, `facial-recognition/<name>/{detection,recognition}/…`.
    pub models_dir: PathBuf,
    /// Where `models pull` downloads from: a Hugging Face compatible server.
    pub model_base_url: String,
    /// Owner of the model repositories under the base URL.
    pub model_repository_owner: String,
    pub clip_model: String,
    pub face_model: String,
    /// Download configured models on worker start when they are missing.
    pub auto_pull: bool,
    /// Threads one ONNX Runtime session uses for a single inference.
    pub intra_threads: usize,
    pub face_min_score: f32,
    /// Largest cosine distance between two faces of one person.
    pub face_max_distance: f32,
    /// Faces needed before a cluster becomes a person.
    pub face_min_faces: usize,
    /// Largest cosine distance between two CLIP embeddings for near-duplicates.
    pub duplicate_max_distance: f32,
    pub concurrency_smart_search: usize,
    pub concurrency_face_detection: usize,
    pub concurrency_facial_recognition: usize,
    pub concurrency_duplicates: usize,
    /// Reading the words in photos: the model, and Immich's `machineLearning.ocr` settings.
    pub ocr: OcrConfig,
    /// Zero-shot labels (scenes and things) from the CLIP model, suggested as tags.
    pub labels: crate::labels::LabelsConfig,
    /// How often a worker checks whether a missing model has appeared, to run the jobs waiting
    /// for it.
    pub model_poll: Duration,
}

/// Reading the words in photos, with Immich's defaults (`machineLearning.ocr`).
#[derive(Debug, Clone)]
pub struct OcrConfig {
    pub enabled: bool,
    /// A folder `ocr/<model>/` in the models folder, as Immich lays it out.
    pub model: String,
    /// The longest side the text detector looks at.
    pub max_resolution: u32,
    /// Lines the detector is less sure of are dropped.
    pub min_detection_score: f32,
    /// Lines read with less confidence are dropped.
    pub min_recognition_score: f32,
    pub concurrency: usize,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads settings through `lookup`, so tests can supply their own environment. An empty
    /// value counts as unset: docker compose passes `${VAR:-}` through as an empty string.
    pub fn from_lookup(raw_lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let lookup = |key: &str| raw_lookup(key).filter(|value| !value.trim().is_empty());
        let get = |key: &str, default: &str| lookup(key).unwrap_or_else(|| default.to_owned());
        let cpu_budget: usize = parse(&lookup, "SHOEBOX_CPU_BUDGET", &available_cores().to_string())?;
        let cpu_budget = cpu_budget.max(1);
        let cpu_slots = (cpu_budget + 1).to_string();
        let address = |key: &str| lookup(key).map(|_| parse::<SocketAddr>(&lookup, key, "")).transpose();
        let data_dir = PathBuf::from(get("SHOEBOX_DATA_DIR", "./data"));
        let location = |key: &str| {
            lookup(key)
                .map(|raw| StorageLocation::parse(&raw, &data_dir).with_context(|| format!("{key}={raw:?}")))
                .transpose()
        };
        let backup = crate::backup_settings::BackupConfig::from_lookup(&lookup, &location)?;
        Ok(Self {
            backup,
            cpu_budget,
            storage: location("SHOEBOX_STORAGE")?,
            storage_derived: location("SHOEBOX_STORAGE_DERIVED")?,
            s3: S3Config {
                endpoint: lookup("SHOEBOX_S3_ENDPOINT").map(|url| url.trim_end_matches('/').to_owned()),
                region: get("SHOEBOX_S3_REGION", "us-east-1"),
                access_key_id: lookup("SHOEBOX_S3_ACCESS_KEY_ID"),
                secret_access_key: lookup("SHOEBOX_S3_SECRET_ACCESS_KEY"),
                path_style: parse(&lookup, "SHOEBOX_S3_PATH_STYLE", "true")?,
                max_retries: parse(&lookup, "SHOEBOX_S3_MAX_RETRIES", "10")?,
                presigned_downloads: parse(&lookup, "SHOEBOX_S3_PRESIGNED_DOWNLOADS", "false")?,
            },
            scratch_dir: lookup("SHOEBOX_SCRATCH_DIR").map(PathBuf::from),
            scratch_max_bytes: parse(&lookup, "SHOEBOX_SCRATCH_MAX_BYTES", "8589934592")?,
            data_dir: data_dir.clone(),
            host: parse(&lookup, "SHOEBOX_HOST", "127.0.0.1")?,
            port: parse(&lookup, "SHOEBOX_PORT", "2283")?,
            database_url: get("SHOEBOX_DATABASE_URL", "postgres://shoebox@127.0.0.1:55432/shoebox"),
            redis_url: get("SHOEBOX_REDIS_URL", "redis://127.0.0.1:56379"),
            redis_namespace: get("SHOEBOX_REDIS_NAMESPACE", "shoebox"),
            web_dir: lookup("SHOEBOX_WEB_DIR").map(PathBuf::from),
            log_filter: get("SHOEBOX_LOG", DEFAULT_LOG_FILTER),
            max_upload_bytes: parse(&lookup, "SHOEBOX_MAX_UPLOAD_BYTES", "53687091200")?,
            login_attempts_per_minute: parse(&lookup, "SHOEBOX_LOGIN_ATTEMPTS_PER_MINUTE", "10")?,
            trusted_proxies: parse_networks("SHOEBOX_TRUSTED_PROXIES", &get("SHOEBOX_TRUSTED_PROXIES", ""))?,
            request_timeout: Duration::from_secs(parse(&lookup, "SHOEBOX_REQUEST_TIMEOUT_SECS", "60")?),
            concurrency_metadata: parse(&lookup, "SHOEBOX_CONCURRENCY_METADATA", &(2 * cpu_budget + 1).to_string())?,
            concurrency_thumbnails: parse(&lookup, "SHOEBOX_CONCURRENCY_THUMBNAILS", &cpu_slots)?,
            concurrency_video: parse(&lookup, "SHOEBOX_CONCURRENCY_VIDEO", "1")?,
            worker_heartbeat: Duration::from_secs(parse(&lookup, "SHOEBOX_WORKER_HEARTBEAT_SECS", "5")?),
            reconcile_interval: Some(Duration::from_secs(parse(&lookup, "SHOEBOX_RECONCILE_SECS", "300")?))
                .filter(|every| !every.is_zero()),
            library_rescan: Some(Duration::from_secs(parse(&lookup, "SHOEBOX_LIBRARY_RESCAN_SECONDS", "3600")?))
                .filter(|every| !every.is_zero()),
            geodata_path: lookup("SHOEBOX_GEODATA_PATH").map(PathBuf::from),
            max_image_pixels: parse(&lookup, "SHOEBOX_MAX_IMAGE_PIXELS", "250000000")?,
            decode_memory_bytes: parse(&lookup, "SHOEBOX_DECODE_MEMORY_BYTES", "1073741824")?,
            server_metrics_address: address("SHOEBOX_SERVER_METRICS_ADDRESS")?,
            worker_metrics_address: address("SHOEBOX_WORKER_METRICS_ADDRESS")?,
            ml: MlConfig {
                onnxruntime_path: lookup("SHOEBOX_ONNXRUNTIME_PATH").map(PathBuf::from),
                models_dir: lookup("SHOEBOX_MODELS_DIR")
                    .filter(|s| !s.is_empty())
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from(get("SHOEBOX_DATA_DIR", "./data")).join("models")),
                model_base_url: get("SHOEBOX_MODEL_BASE_URL", "https://huggingface.co"),
                model_repository_owner: get("SHOEBOX_MODEL_REPOSITORY_OWNER", "immich-app"),
                clip_model: get("SHOEBOX_CLIP_MODEL", "ViT-B-32__openai"),
                face_model: get("SHOEBOX_FACE_MODEL", "buffalo_l"),
                auto_pull: parse(&lookup, "SHOEBOX_MODEL_AUTO_PULL", "true")?,
                intra_threads: parse(&lookup, "SHOEBOX_ML_THREADS", "1")?,
                face_min_score: parse(&lookup, "SHOEBOX_FACE_MIN_SCORE", "0.7")?,
                face_max_distance: parse(&lookup, "SHOEBOX_FACE_MAX_DISTANCE", "0.5")?,
                face_min_faces: parse(&lookup, "SHOEBOX_FACE_MIN_FACES", "3")?,
                duplicate_max_distance: parse(&lookup, "SHOEBOX_DUPLICATE_MAX_DISTANCE", "0.01")?,
                concurrency_smart_search: parse(&lookup, "SHOEBOX_CONCURRENCY_SMART_SEARCH", &cpu_slots)?,
                concurrency_face_detection: parse(&lookup, "SHOEBOX_CONCURRENCY_FACE_DETECTION", &cpu_slots)?,
                concurrency_facial_recognition: parse(&lookup, "SHOEBOX_CONCURRENCY_FACIAL_RECOGNITION", "1")?,
                concurrency_duplicates: parse(&lookup, "SHOEBOX_CONCURRENCY_DUPLICATES", "1")?,
                ocr: OcrConfig {
                    enabled: parse(&lookup, "SHOEBOX_OCR_ENABLED", "true")?,
                    model: get("SHOEBOX_OCR_MODEL", "PP-OCRv5_mobile"),
                    max_resolution: parse(&lookup, "SHOEBOX_OCR_MAX_RESOLUTION", "736")?,
                    min_detection_score: parse(&lookup, "SHOEBOX_OCR_MIN_DETECTION_SCORE", "0.5")?,
                    min_recognition_score: parse(&lookup, "SHOEBOX_OCR_MIN_RECOGNITION_SCORE", "0.8")?,
                    concurrency: parse(&lookup, "SHOEBOX_CONCURRENCY_OCR", &cpu_slots)?,
                },
                labels: crate::labels::LabelsConfig {
                    enabled: parse(&lookup, "SHOEBOX_LABELS_ENABLED", "true")?,
                    vocabulary_file: lookup("SHOEBOX_LABELS_FILE").map(PathBuf::from),
                    min_score: parse(&lookup, "SHOEBOX_LABELS_MIN_SCORE", "0.1")?,
                    max_suggestions: parse(&lookup, "SHOEBOX_LABELS_MAX", "5")?,
                },
                model_poll: Duration::from_secs(parse(&lookup, "SHOEBOX_MODEL_POLL_SECS", "30")?),
            },
        })
    }

    /// Where files are kept, resolved against the data folder (which tests change after reading
    /// the settings).
    pub fn storage(&self) -> StorageConfig {
        let local = StorageLocation::Local(self.data_dir.clone());
        let originals = self.storage.clone().unwrap_or(local);
        StorageConfig {
            derived: self.storage_derived.clone().unwrap_or_else(|| originals.clone()),
            originals,
            s3: self.s3.clone(),
            scratch_dir: self.scratch_dir.clone().unwrap_or_else(|| self.data_dir.join("tmp")),
            scratch_max_bytes: self.scratch_max_bytes,
        }
    }

    pub fn listen_addr(&self) -> SocketAddr {
        SocketAddr::new(self.host, self.port)
    }

    /// Jobs of `queue` one worker runs at once.
    pub fn concurrency(&self, queue: Queue) -> usize {
        let slots = match queue {
            Queue::Metadata => self.concurrency_metadata,
            Queue::Thumbnails => self.concurrency_thumbnails,
            Queue::VideoEncode => self.concurrency_video,
            Queue::SmartSearch => self.ml.concurrency_smart_search,
            Queue::FaceDetection => self.ml.concurrency_face_detection,
            Queue::FacialRecognition => self.ml.concurrency_facial_recognition,
            Queue::DuplicateDetection => self.ml.concurrency_duplicates,
            Queue::Ocr => self.ml.ocr.concurrency,
        };
        slots.max(1)
    }
}

fn parse<T>(lookup: &impl Fn(&str) -> Option<String>, key: &str, default: &str) -> Result<T>
where
    T: FromStr,
    T::Err: std::error::Error + Send + Sync + 'static,
{
    let raw = lookup(key).unwrap_or_else(|| default.to_owned());
    raw.trim().parse().with_context(|| format!("{key}={raw:?} is not valid"))
}

/// `10.0.0.0/8, 192.0.2.7 ::1`: networks, or single addresses, split by commas or spaces.
fn parse_networks(key: &str, raw: &str) -> Result<Vec<IpNet>> {
    raw.split([',', ' '])
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(|item| {
            item.parse::<IpNet>()
                .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                .with_context(|| format!("{key}: {item:?} is neither an address nor a CIDR range"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_apply_when_nothing_is_set() {
        let config = Config::from_lookup(|_| None).unwrap();
        assert_eq!(config.port, 2283);
        assert_eq!(config.redis_namespace, "shoebox");
        assert_eq!(config.max_upload_bytes, 50 * 1024 * 1024 * 1024);
        assert!(config.web_dir.is_none());
        assert_eq!(config.reconcile_interval, Some(Duration::from_secs(300)));
        let off = Config::from_lookup(|key| (key == "SHOEBOX_RECONCILE_SECS").then(|| "0".into())).unwrap();
        assert_eq!(off.reconcile_interval, None);
        assert_eq!(config.log_filter, DEFAULT_LOG_FILTER);
        assert_eq!(config.decode_memory_bytes, 1 << 30);
        assert_eq!(config.library_rescan, Some(Duration::from_secs(3600)));
        let often = Config::from_lookup(|key| (key == "SHOEBOX_LIBRARY_RESCAN_SECONDS").then(|| "5".into())).unwrap();
        assert_eq!(often.library_rescan, Some(Duration::from_secs(5)));
    }

    #[test]
    fn storage_is_the_data_folder_unless_a_location_is_named() {
        let local = Config::from_lookup(|key| (key == "SHOEBOX_DATA_DIR").then(|| "/srv/photos".into())).unwrap();
        let storage = local.storage();
        assert_eq!(storage.originals, StorageLocation::Local("/srv/photos".into()));
        assert_eq!(storage.derived, storage.originals);
        assert_eq!(storage.scratch_dir, PathBuf::from("/srv/photos/tmp"));

        let hybrid = Config::from_lookup(|key| match key {
            "SHOEBOX_STORAGE" => Some("s3://photos/family/".into()),
            "SHOEBOX_STORAGE_DERIVED" => Some("file:///fast/derived".into()),
            "SHOEBOX_S3_ENDPOINT" => Some("http://seaweedfs:8333/".into()),
            _ => None,
        })
        .unwrap();
        let storage = hybrid.storage();
        assert_eq!(storage.originals, StorageLocation::S3 { bucket: "photos".into(), prefix: "family".into() });
        assert_eq!(storage.derived, StorageLocation::Local("/fast/derived".into()));
        assert_eq!(storage.s3.endpoint.as_deref(), Some("http://seaweedfs:8333"));
        assert!(storage.s3.path_style);
        assert_eq!(storage.originals.to_string(), "s3://photos/family");

        for bad in ["s3://", "relative/folder", "ftp://x"] {
            let err = Config::from_lookup(|key| (key == "SHOEBOX_STORAGE").then(|| bad.into())).unwrap_err();
            assert!(format!("{err:#}").contains("SHOEBOX_STORAGE"), "{bad}: {err:#}");
        }
    }

    #[test]
    fn empty_values_mean_unset_as_compose_passes_them() {
        let config = Config::from_lookup(|key| key.starts_with("SHOEBOX_").then(String::new)).unwrap();
        assert_eq!((config.log_filter.as_str(), config.port), (DEFAULT_LOG_FILTER, 2283));
        assert!(config.web_dir.is_none() && config.geodata_path.is_none());
    }

    #[test]
    fn environment_overrides_defaults() {
        let config = Config::from_lookup(|key| match key {
            "SHOEBOX_PORT" => Some("9000".into()),
            "SHOEBOX_DATA_DIR" => Some("/srv/photos".into()),
            "SHOEBOX_LOG" => Some("debug,nom_exif=info".into()),
            "SHOEBOX_DECODE_MEMORY_BYTES" => Some("536870912".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(config.log_filter, "debug,nom_exif=info");
        assert_eq!(config.decode_memory_bytes, 512 << 20);
        assert_eq!(config.port, 9000);
        assert_eq!(config.data_dir, PathBuf::from("/srv/photos"));
    }

    #[test]
    fn concurrency_is_sized_from_the_cpu_budget() {
        let config = Config::from_lookup(|key| (key == "SHOEBOX_CPU_BUDGET").then(|| "4".into())).unwrap();
        assert_eq!(config.cpu_budget, 4);
        assert_eq!((config.concurrency_thumbnails, config.ml.concurrency_face_detection), (5, 5));
        assert_eq!(config.concurrency_metadata, 9);
        let default = Config::from_lookup(|_| None).unwrap();
        assert_eq!(default.cpu_budget, available_cores());
        assert!(default.server_metrics_address.is_none());
        let with_metrics =
            Config::from_lookup(|key| (key == "SHOEBOX_WORKER_METRICS_ADDRESS").then(|| "127.0.0.1:9464".into()))
                .unwrap();
        assert_eq!(with_metrics.worker_metrics_address, Some("127.0.0.1:9464".parse().unwrap()));
        let bad = Config::from_lookup(|key| (key == "SHOEBOX_SERVER_METRICS_ADDRESS").then(|| "9464".into()));
        assert!(bad.unwrap_err().to_string().contains("SHOEBOX_SERVER_METRICS_ADDRESS"));
    }

    #[test]
    fn a_bad_number_names_the_variable() {
        let err = Config::from_lookup(|key| (key == "SHOEBOX_PORT").then(|| "http".into())).unwrap_err();
        assert!(err.to_string().contains("SHOEBOX_PORT"), "{err}");
    }

    #[test]
    fn trusted_proxies_take_addresses_and_ranges() {
        let config =
            Config::from_lookup(|key| (key == "SHOEBOX_TRUSTED_PROXIES").then(|| "10.0.0.0/8, 192.0.2.7 ::1".into()))
                .unwrap();
        let shown: Vec<String> = config.trusted_proxies.iter().map(ToString::to_string).collect();
        assert_eq!(shown, ["10.0.0.0/8", "192.0.2.7/32", "::1/128"]);
        assert!(Config::from_lookup(|_| None).unwrap().trusted_proxies.is_empty());
        let err = Config::from_lookup(|key| (key == "SHOEBOX_TRUSTED_PROXIES").then(|| "proxy.lan".into()));
        assert!(err.unwrap_err().to_string().contains("SHOEBOX_TRUSTED_PROXIES"));
    }
}

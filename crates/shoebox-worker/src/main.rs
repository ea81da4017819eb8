//! `shoebox-worker`: drains Shoebox's job queues until Ctrl-C or SIGTERM.
//!
//! `shoebox-worker queue missing|all [QUEUE]` instead queues, from the database alone, every
//! asset whose step has not run (or every asset), then exits: losing Redis loses no work.
//!
//! `shoebox-worker models pull NAME` downloads a model (Immich's repositories by default) into
//! the models folder; `shoebox-worker models list` shows what is installed. Neither needs the
//! database or Redis.
//!
//! `shoebox-worker storage migrate --to LOCATION [--from LOCATION]` copies the library to another
//! storage location, checking every file there; `shoebox-worker storage sweep [--delete]
//! [--min-age-hours N]` reports (and removes) files in storage that no row names. Both need only
//! the database and the storage.
//!
//! `shoebox-worker backup run|list|restore TARGET [BACKUP]` backs the library up to
//! `SHOEBOX_BACKUP_TARGET`, lists the backups there, or restores one onto an empty installation,
//! checking every original's SHA-1; `shoebox-worker scrub [--all | --percent N]` re-reads
//! originals and reports those that no longer match their SHA-1.
//!
//! `shoebox-worker import takeout <zip or folder> --user EMAIL` imports a Google Takeout export
//! into that user's library and prints what was matched, skipped and why;
//! `shoebox-worker export --user EMAIL --to FILE.zip [--by date|album]` writes their whole
//! library, with XMP and Takeout-style sidecars, as a zip.

use std::time::Duration;

use anyhow::{Context, bail};
use shoebox_core::Config;
use shoebox_core::jobs::Queue;
use shoebox_db::pipeline::Due;
use shoebox_worker::{Pipeline, geodata, runner};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    tracing_subscriber::fmt().with_env_filter(EnvFilter::try_new(&config.log_filter)?).init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|arg| arg == "models") {
        return models_command(&config, &args[1..]).await;
    }
    if args.first().is_some_and(|arg| arg == "storage") {
        return storage_command(&config, &args[1..]).await;
    }
    if args.first().is_some_and(|arg| arg == "backup" || arg == "scrub") {
        return shoebox_worker::backup_command::run(&config, &args).await;
    }
    let pipeline = Pipeline::connect(&config).await?;
    if args.first().is_some_and(|arg| arg == "import") {
        return import_command(&pipeline, &args[1..]).await;
    }
    if args.first().is_some_and(|arg| arg == "export") {
        return export_command(&pipeline, &args[1..]).await;
    }
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] | ["run"] => run(pipeline, &config).await,
        ["queue", which, rest @ ..] => {
            let which = match *which {
                "missing" => Due::Missing,
                "all" => Due::All,
                other => bail!("expected `queue missing` or `queue all`, not `queue {other}`"),
            };
            let queues: Vec<Queue> = match rest {
                [] => Queue::ALL.to_vec(),
                names => names
                    .iter()
                    .map(|name| Queue::named(name).with_context(|| format!("no queue named {name}")))
                    .collect::<anyhow::Result<_>>()?,
            };
            for queue in queues {
                let count = shoebox_queue::start(&pipeline.db, &pipeline.queues, queue, which).await?;
                println!("{}: queued {count}", queue.name());
            }
            Ok(())
        }
        _ => bail!(
            "usage: shoebox-worker [run] | shoebox-worker queue missing|all [QUEUE...] | shoebox-worker models pull NAME|list \
             | shoebox-worker storage migrate|sweep … | shoebox-worker backup run|list|restore … | shoebox-worker scrub …"
        ),
    }
}

async fn run(pipeline: Pipeline, config: &Config) -> anyhow::Result<()> {
    if let Some(path) = &config.geodata_path {
        match geodata::load_if_empty(&pipeline.db, path).await {
            Ok(0) => {}
            Ok(count) => tracing::info!(count, "loaded places for reverse geocoding"),
            Err(err) => tracing::warn!(error = %format!("{err:#}"), "reverse geocoding is off: cannot load places"),
        }
    }
    if let Some(address) = config.worker_metrics_address {
        shoebox_worker::metrics::serve(address, pipeline.clone())?;
    }
    start_machine_learning(config);
    tracing::info!(namespace = pipeline.queues.namespace(), "worker connected; draining queues");
    runner::run(pipeline, config, shutdown_signal()).await?;
    tracing::info!("worker stopped");
    Ok(())
}

/// Loads ONNX Runtime and, unless turned off, downloads missing models in the background. Neither
/// stops the worker: ML jobs wait for their models ("waiting for model") or fail with the reason.
fn start_machine_learning(config: &Config) {
    if let Err(err) = shoebox_ml::init_runtime(config.ml.onnxruntime_path.as_deref()) {
        tracing::warn!(error = %err, "machine learning is off until ONNX Runtime can be loaded (SHOEBOX_ONNXRUNTIME_PATH)");
        return;
    }
    if config.ml.auto_pull {
        let ml = config.ml.clone();
        tokio::spawn(async move {
            if let Err(err) = shoebox_ml::ensure_models(&ml).await {
                tracing::warn!(error = %err, "could not download the models; ML jobs wait until they are installed");
            }
        });
    }
}

async fn models_command(config: &Config, args: &[String]) -> anyhow::Result<()> {
    match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["pull", name] => {
            let dir = shoebox_ml::pull_model(&config.ml, name, true).await?;
            println!("{name}: installed in {}", dir.display());
            Ok(())
        }
        ["list"] => {
            let store = shoebox_ml::ModelStore::new(config.ml.models_dir.clone());
            println!("models in {}:", store.models_dir().display());
            for (kind, name) in store.list() {
                let configured = name == config.ml.clip_model || name == config.ml.face_model;
                println!("  {}/{name}{}", kind.folder(), if configured { " (configured)" } else { "" });
            }
            Ok(())
        }
        _ => bail!("usage: shoebox-worker models pull NAME | shoebox-worker models list"),
    }
}

const STORAGE_USAGE: &str = "usage: shoebox-worker storage migrate --to LOCATION [--from LOCATION] \
    | shoebox-worker storage sweep [--delete] [--min-age-hours N]   (LOCATION: s3://bucket/prefix or /path)";

async fn storage_command(config: &Config, args: &[String]) -> anyhow::Result<()> {
    let (command, options) = args.split_first().context(STORAGE_USAGE)?;
    let mut flags: std::collections::HashMap<&str, Option<&str>> = std::collections::HashMap::new();
    let mut rest = options.iter().map(String::as_str);
    while let Some(flag) = rest.next() {
        let takes_value = matches!(flag, "--to" | "--from" | "--min-age-hours");
        flags.insert(flag, if takes_value { Some(rest.next().context(STORAGE_USAGE)?) } else { None });
    }
    let location = |flag: &str| {
        flags.get(flag).copied().flatten().map(|raw| shoebox_core::config::StorageLocation::parse(raw, &config.data_dir)).transpose()
    };
    let db = shoebox_db::connect(&config.database_url, 8).await.context("cannot connect to PostgreSQL")?;
    shoebox_db::migrate(&db).await.context("cannot migrate the database")?;
    match command.as_str() {
        "migrate" => {
            let to = location("--to")?.context(STORAGE_USAGE)?;
            let report = shoebox_worker::library_move::migrate(config, &db, location("--from")?, to.clone()).await?;
            print!("{report}");
            if !report.failed.is_empty() {
                bail!("{} files did not match at {to}; run the migration again to retry them", report.failed.len());
            }
            println!("the library is copied to {to}: set SHOEBOX_STORAGE={to} for the server and workers and restart them");
            println!("(run the migration once more with --from the old location to bring uploads made in between)");
            Ok(())
        }
        "sweep" => {
            let hours: u64 = flags.get("--min-age-hours").copied().flatten().unwrap_or("1").parse().context(STORAGE_USAGE)?;
            let storage = shoebox_storage::open(&config.storage())?;
            let delete = flags.contains_key("--delete");
            let lookup = |keys: Vec<String>| {
                let db = db.clone();
                async move { Ok(shoebox_db::stored_files::named_among(&db, &keys).await?) }
            };
            let report = shoebox_storage::sweep::sweep(&storage, Duration::from_secs(hours * 3600), delete, lookup).await?;
            print!("{report}");
            if !delete && !report.orphans.is_empty() {
                println!("dry run: nothing was removed; run with --delete to remove these files");
            }
            Ok(())
        }
        _ => bail!(STORAGE_USAGE),
    }
}

const IMPORT_USAGE: &str = "usage: shoebox-worker import takeout <zip or folder> --user EMAIL";

async fn import_command(pipeline: &Pipeline, args: &[String]) -> anyhow::Result<()> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (path, email) = match args.as_slice() {
        ["takeout", path, "--user", email] | ["takeout", "--user", email, path] => (*path, *email),
        _ => bail!(IMPORT_USAGE),
    };
    let user = shoebox_db::users::find_by_email(&pipeline.db, email).await?.with_context(|| format!("no user {email}"))?;
    let report =
        shoebox_worker::takeout::import(pipeline, user.id, std::path::Path::new(path), shoebox_backup::Progress::new()).await?;
    print!("{report}");
    Ok(())
}

const EXPORT_USAGE: &str = "usage: shoebox-worker export --user EMAIL --to FILE.zip [--by date|album]";

async fn export_command(pipeline: &Pipeline, args: &[String]) -> anyhow::Result<()> {
    let mut flags = std::collections::HashMap::new();
    let mut rest = args.iter().map(String::as_str);
    while let Some(flag) = rest.next() {
        flags.insert(flag, rest.next().context(EXPORT_USAGE)?);
    }
    let (email, to) = (flags.get("--user").context(EXPORT_USAGE)?, flags.get("--to").context(EXPORT_USAGE)?);
    let group_by = shoebox_worker::export::GroupBy::parse(flags.get("--by").copied().unwrap_or("date")).context(EXPORT_USAGE)?;
    let user = shoebox_db::users::find_by_email(&pipeline.db, email).await?.with_context(|| format!("no user {email}"))?;
    let report = shoebox_worker::export::export(pipeline, user.id, group_by, std::path::Path::new(to), shoebox_backup::Progress::new())
        .await?;
    print!("{report}");
    println!("written to {to}");
    Ok(())
}

async fn shutdown_signal() -> std::io::Result<()> {
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        result = tokio::signal::ctrl_c() => result?,
        _ = terminate.recv() => {}
    }
    tracing::info!("shutting down: finishing jobs under way");
    Ok(())
}

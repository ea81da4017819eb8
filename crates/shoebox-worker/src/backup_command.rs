//! `shoebox-worker backup …` and `shoebox-worker scrub …`: the same backups, restores and scrubs
//! the nightly runs make, from a terminal, with their reports printed.

use anyhow::{Context, bail};
use shoebox_backup::{Progress, Target};
use shoebox_core::Config;
use shoebox_core::config::StorageLocation;
use shoebox_core::jobs::Queue;
use shoebox_db::pipeline::Due;

const USAGE: &str = "usage: shoebox-worker backup run | shoebox-worker backup list [TARGET] \
    | shoebox-worker backup restore TARGET [BACKUP] | shoebox-worker scrub [--all | --percent N]   \
    (TARGET: a folder or s3://bucket/prefix)";

pub async fn run(config: &Config, args: &[String]) -> anyhow::Result<()> {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["backup", "run"] => {
            let target = Target::configured(config)?.context("set SHOEBOX_BACKUP_TARGET to a folder or s3://bucket/prefix")?;
            let (db, storage) = open(config).await?;
            let report = shoebox_backup::backup(config, &db, &storage, &target, Progress::new()).await?;
            print!("{report}");
            Ok(())
        }
        ["backup", "list", rest @ ..] => {
            let target = match rest {
                [] => Target::configured(config)?.context("set SHOEBOX_BACKUP_TARGET or name the target")?,
                [location] => Target::open(config, &StorageLocation::parse(location, &config.data_dir)?)?,
                _ => bail!(USAGE),
            };
            let backups = shoebox_backup::list_backups(&target).await?;
            println!("{} backups in {}:", backups.len(), target.location);
            for backup in backups {
                println!("  {}  {} originals, {} bytes, database {} bytes", backup.id, backup.originals, backup.bytes, backup.database_bytes);
            }
            Ok(())
        }
        ["backup", "restore", location, rest @ ..] => {
            let target = Target::open(config, &StorageLocation::parse(location, &config.data_dir)?)?;
            let id = match rest {
                [] => None,
                [id] => Some(*id),
                _ => bail!(USAGE),
            };
            let storage = shoebox_storage::open(&config.storage())?;
            let (db, report) = shoebox_backup::restore(config, &storage, &target, id, Progress::new()).await?;
            print!("{report}");
            // Postgres knows which files must be made again; the worker's reconcile queues them
            // even if Redis cannot be reached now.
            match shoebox_queue::JobQueues::connect(&config.redis_url, &config.redis_namespace).await {
                Ok(queues) => {
                    for queue in [Queue::Thumbnails, Queue::VideoEncode] {
                        let count = shoebox_queue::start(&db, &queues, queue, Due::Missing).await?;
                        println!("{}: queued {count}", queue.name());
                    }
                }
                Err(err) => println!("could not reach Redis ({err:#}); the worker queues the thumbnails when it starts"),
            }
            if !report.failed.is_empty() {
                bail!("{} files did not come back intact; they are listed above and in the admin page", report.failed.len());
            }
            Ok(())
        }
        ["scrub", rest @ ..] => {
            let percent = match rest {
                [] => config.backup.scrub_percent,
                ["--all"] => 100.0,
                ["--percent", value] => value.parse().context(USAGE)?,
                _ => bail!(USAGE),
            };
            let (db, storage) = open(config).await?;
            let report = shoebox_backup::scrub(&db, &storage, percent, Progress::new()).await?;
            print!("{report}");
            for problem in shoebox_db::integrity::problems(&db).await? {
                println!("  {}: {} ({})", problem.problem, problem.original_file_name, problem.asset_id);
            }
            Ok(())
        }
        _ => bail!(USAGE),
    }
}

async fn open(config: &Config) -> anyhow::Result<(shoebox_db::PgPool, shoebox_storage::Storage)> {
    let db = shoebox_db::connect(&config.database_url, 8).await.context("cannot connect to PostgreSQL")?;
    shoebox_db::migrate(&db).await.context("cannot migrate the database")?;
    Ok((db, shoebox_storage::open(&config.storage())?))
}

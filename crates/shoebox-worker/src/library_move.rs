//! `shoebox-worker storage migrate`: copies the whole library from one storage location to
//! another while the server goes on serving from the first. Each file the database names is
//! streamed across and checked at the destination (an original's SHA-1 against its row, a derived
//! file's length against the source's) before it is recorded as copied; a killed run resumes from
//! those records. Passes repeat until one finds nothing new, so uploads made meanwhile come too.
//! Nothing is deleted at the source.

use std::time::Instant;

use anyhow::{Context, bail};
use futures::StreamExt;
use sha1::{Digest, Sha1};
use shoebox_core::Config;
use shoebox_core::config::StorageLocation;
use shoebox_db::PgPool;
use shoebox_db::stored_files::{self, NamedFile};
use shoebox_storage::{Key, KeyClass, Storage, WriteMode};

/// Files of one page copied at once.
const PARALLEL: usize = 4;
const PAGE: i64 = 500;

#[derive(Debug, Default)]
pub struct MoveReport {
    pub named: u64,
    pub copied: u64,
    /// At the destination and checked already (an earlier, killed run).
    pub already_there: u64,
    /// Named by a row but not at the source: reported, not copied.
    pub missing: Vec<String>,
    /// Copied but not matching at the destination: removed there, not recorded.
    pub failed: Vec<String>,
    pub bytes: u64,
    pub seconds: f64,
}

impl std::fmt::Display for MoveReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mib = self.bytes as f64 / (1 << 20) as f64;
        writeln!(f, "files named by the database: {}", self.named)?;
        writeln!(f, "copied and checked: {} ({mib:.1} MiB in {:.1} s)", self.copied, self.seconds)?;
        writeln!(f, "already at the destination: {}", self.already_there)?;
        writeln!(f, "missing at the source: {}", self.missing.len())?;
        for key in self.missing.iter().take(20) {
            writeln!(f, "  missing: {key}")?;
        }
        writeln!(f, "failed the check: {}", self.failed.len())?;
        for failure in self.failed.iter().take(20) {
            writeln!(f, "  failed: {failure}")?;
        }
        Ok(())
    }
}

enum Outcome {
    Copied(u64),
    AlreadyThere,
    Missing,
    Failed(String),
}

/// Copies every named file from `from` (by default the configured storage) to `to`.
pub async fn migrate(config: &Config, db: &PgPool, from: Option<StorageLocation>, to: StorageLocation) -> anyhow::Result<MoveReport> {
    let mut source_config = config.storage();
    if let Some(from) = from {
        source_config.originals = from.clone();
        source_config.derived = from;
    }
    if source_config.originals == to && source_config.derived == to {
        bail!("the library is already in {to}");
    }
    let source = shoebox_storage::open(&source_config).with_context(|| format!("cannot open {}", source_config.originals))?;
    let destination_config = shoebox_core::config::StorageConfig { originals: to.clone(), derived: to.clone(), ..source_config };
    let destination = shoebox_storage::open(&destination_config).with_context(|| format!("cannot open {to}"))?;
    let name = to.to_string();
    let started = Instant::now();
    let named = stored_files::count(db).await?.max(0) as u64;
    let bar = indicatif::ProgressBar::new(named).with_message(format!("to {name}"));
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} {wide_bar} {pos}/{len} files, {per_sec}, eta {eta}")
            .expect("a valid template"),
    );
    let mut report = MoveReport { named, ..MoveReport::default() };
    loop {
        let copied_before = report.copied;
        let mut after = String::new();
        report.missing.clear();
        report.failed.clear();
        loop {
            let page = stored_files::page(db, &after, PAGE).await?;
            let Some(last) = page.last() else { break };
            after = last.key.clone();
            let keys: Vec<String> = page.iter().map(|file| file.key.clone()).collect();
            let done = stored_files::copied_among(db, &name, &keys).await?;
            let work = page.into_iter().filter(|file| !done.contains(&file.key));
            // Each file is recorded as soon as it is checked, so a kill loses at most the
            // copies in flight (found and checked again by the next run).
            let outcomes: Vec<(String, anyhow::Result<Outcome>)> = futures::stream::iter(work)
                .map(|file| {
                    let (source, destination, name) = (&source, &destination, &name);
                    async move {
                        let outcome = copy_one(source, destination, &file).await;
                        let recorded = match &outcome {
                            Ok(Outcome::Copied(_) | Outcome::AlreadyThere) => {
                                stored_files::record_copy(db, name, &file.key).await.map_err(anyhow::Error::from)
                            }
                            _ => Ok(()),
                        };
                        (file.key, recorded.and(outcome))
                    }
                })
                .buffer_unordered(PARALLEL)
                .collect()
                .await;
            bar.inc((keys.len() - outcomes.len()) as u64);
            for (key, outcome) in outcomes {
                bar.inc(1);
                match outcome.with_context(|| format!("copying {key}"))? {
                    Outcome::Copied(len) => {
                        report.copied += 1;
                        report.bytes += len;
                    }
                    Outcome::AlreadyThere => report.already_there += 1,
                    Outcome::Missing => report.missing.push(key),
                    Outcome::Failed(why) => report.failed.push(format!("{key}: {why}")),
                }
            }
        }
        // Another pass picks up what was uploaded during this one; a pass that copies nothing ends it.
        if report.copied == copied_before {
            break;
        }
        bar.set_position(0);
        bar.set_length(stored_files::count(db).await?.max(0) as u64);
    }
    bar.finish_and_clear();
    report.named = stored_files::count(db).await?.max(0) as u64;
    report.seconds = started.elapsed().as_secs_f64();
    Ok(report)
}

async fn copy_one(source: &Storage, destination: &Storage, file: &NamedFile) -> anyhow::Result<Outcome> {
    let key = Key::parse(file.key.as_str())?;
    let Some(at_source) = source.head(&key).await? else { return Ok(Outcome::Missing) };
    // A complete copy from a killed run: check it rather than copy again.
    if check(destination, &key, file, at_source.len).await?.is_none() {
        return Ok(Outcome::AlreadyThere);
    }
    let read = source.read(&key, None).await?;
    destination.put_reader(&key, read.body, WriteMode::Replace).await?;
    match check(destination, &key, file, at_source.len).await? {
        None => Ok(Outcome::Copied(at_source.len)),
        Some(why) => {
            destination.delete(&key).await?;
            Ok(Outcome::Failed(why))
        }
    }
}

/// Why the destination's copy is not right, or `None` when it is: an original must hash to its
/// row's SHA-1 (read back from the destination), anything else have the source's length.
async fn check(destination: &Storage, key: &Key, file: &NamedFile, source_len: u64) -> anyhow::Result<Option<String>> {
    let Some(there) = destination.head(key).await? else { return Ok(Some("not at the destination".into())) };
    if there.len != source_len {
        return Ok(Some(format!("{} bytes at the destination, {source_len} at the source", there.len)));
    }
    let Some(expected) = file.checksum.as_ref().filter(|_| key.class() == KeyClass::Original) else {
        return Ok(None);
    };
    let read = destination.read(key, None).await?;
    let mut chunks = tokio_util::io::ReaderStream::with_capacity(read.body, 1 << 20);
    let mut hasher = Sha1::new();
    while let Some(chunk) = chunks.next().await {
        hasher.update(chunk?);
    }
    let actual = hasher.finalize().to_vec();
    Ok((&actual != expected).then(|| format!("SHA-1 {} at the destination, {} in the database", hex::encode(&actual), hex::encode(expected))))
}

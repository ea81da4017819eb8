//! Keeps the external libraries indexed while the worker runs. Every few seconds it looks at the
//! libraries table: a library no worker holds is taken (a Postgres advisory lock, on a connection
//! of its own, held as long as this worker watches it; a worker that dies loses its locks with its
//! connection, and another takes over). A library this worker holds is walked whole when it was
//! never walked here, when a scan was asked for, when its folders or patterns changed, and every
//! `SHOEBOX_LIBRARY_RESCAN_SECONDS` (watching misses changes on network disks); in between, its
//! folders are watched (inotify through `notify`), and the paths that changed are synced once
//! they have been quiet for a moment.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode, MetadataKind, ModifyKind};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher};
use shoebox_core::Config;
use shoebox_db::libraries::{self, Library, LibraryLocks};
use tokio::sync::mpsc;
use uuid::Uuid;

use crate::Pipeline;
use crate::library_scan::{self, LibraryView};

/// How often the libraries table is read: how soon a new library, a scan asked for, or a library
/// whose worker died is taken up.
const POLL: Duration = Duration::from_secs(2);
/// How long a changed path must be quiet before it is synced (a copy in progress keeps changing).
const QUIET: Duration = Duration::from_secs(1);
/// Longest a path that keeps changing waits to be synced.
const MOST_WAIT: Duration = Duration::from_secs(10);
/// How long a walk that failed waits before it is tried again.
const RETRY: Duration = Duration::from_secs(30);

/// What the watch needs of the settings.
#[derive(Debug, Clone)]
pub struct WatchSettings {
    pub database_url: String,
    /// This worker's data folder, which no library may take.
    pub data_dir: PathBuf,
    pub rescan: Option<Duration>,
}

impl WatchSettings {
    pub fn from_config(config: &Config) -> Self {
        Self {
            database_url: config.database_url.clone(),
            data_dir: config.data_dir.clone(),
            rescan: config.library_rescan,
        }
    }
}

/// A library this worker holds.
struct Held {
    view: LibraryView,
    /// Dropping it stops the watch.
    _watcher: Option<RecommendedWatcher>,
    /// When this worker last walked it whole; `None`: due now.
    walked: Option<Instant>,
    /// A walk failed: none is tried again before this.
    retry_after: Option<Instant>,
    /// Paths a watch saw change, not synced yet, and since when and until when they changed.
    changed: HashSet<PathBuf>,
    first_change: Option<Instant>,
    last_change: Option<Instant>,
}

impl Held {
    fn due_for_walk(&self, rescan: Option<Duration>) -> bool {
        if self.retry_after.is_some_and(|after| Instant::now() < after) {
            return false;
        }
        match self.walked {
            None => true,
            Some(walked) => self.view.library.scan_requested() || rescan.is_some_and(|every| walked.elapsed() >= every),
        }
    }

    fn changes_settled(&self) -> bool {
        match (self.first_change, self.last_change) {
            (Some(first), Some(last)) => last.elapsed() >= QUIET || first.elapsed() >= MOST_WAIT,
            _ => false,
        }
    }
}

/// A watch's news for one library.
type Notice = (Uuid, notify::Result<Event>);

/// Runs until the worker stops (the runner aborts it; the locks go with their connection).
pub async fn watch_forever(pipeline: Pipeline, settings: WatchSettings) {
    let (notices, mut incoming) = mpsc::unbounded_channel::<Notice>();
    let mut locks: Option<LibraryLocks> = None;
    let mut held: HashMap<Uuid, Held> = HashMap::new();
    let mut poll = tokio::time::interval(POLL);
    poll.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut settle = tokio::time::interval(QUIET / 4);
    settle.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = poll.tick() => {
                refresh(&pipeline, &settings, &mut locks, &mut held, &notices).await;
            }
            Some((id, event)) = incoming.recv() => {
                if let Some(library) = held.get_mut(&id) {
                    note_event(library, event);
                }
            }
            _ = settle.tick() => {
                for library in held.values_mut().filter(|library| library.changes_settled()) {
                    let paths = std::mem::take(&mut library.changed);
                    library.first_change = None;
                    library.last_change = None;
                    if let Err(err) = library_scan::sync_paths(&pipeline, &library.view, &paths).await {
                        tracing::warn!(library = %library.view.library.id, error = %format!("{err:#}"), "syncing changed paths failed; walking the library");
                        library.walked = None;
                    }
                }
            }
        }
    }
}

/// Takes the libraries no worker holds, lets go of deleted ones, and walks those that are due.
async fn refresh(
    pipeline: &Pipeline,
    settings: &WatchSettings,
    locks: &mut Option<LibraryLocks>,
    held: &mut HashMap<Uuid, Held>,
    notices: &mpsc::UnboundedSender<Notice>,
) {
    let listed = match libraries::list(&pipeline.db).await {
        Ok(listed) => listed,
        Err(err) => {
            tracing::warn!(error = %err, "cannot read the external libraries");
            return;
        }
    };
    if listed.is_empty() && held.is_empty() {
        // No connection is kept for locks while there is nothing to lock.
        *locks = None;
        return;
    }
    let alive = match locks.as_mut() {
        Some(connection) => connection.alive().await,
        None => false,
    };
    if !alive {
        // A lost connection lost its locks too: other workers may hold those libraries now.
        held.clear();
        match LibraryLocks::connect(&settings.database_url).await {
            Ok(connection) => *locks = Some(connection),
            Err(err) => {
                *locks = None;
                tracing::warn!(error = %err, "external libraries wait: cannot connect to PostgreSQL for their locks");
                return;
            }
        }
    }
    let lock_connection = locks.as_mut().expect("connected above");
    let present: HashSet<Uuid> = listed.iter().map(|library| library.id).collect();
    for gone in held.keys().copied().filter(|id| !present.contains(id)).collect::<Vec<_>>() {
        held.remove(&gone);
        if let Err(err) = lock_connection.unlock(gone).await {
            tracing::debug!(library = %gone, error = %err, "could not release a deleted library's lock");
        }
        tracing::info!(library = %gone, "external library deleted: no longer watched");
    }
    for library in listed {
        let id = library.id;
        match held.get_mut(&id) {
            Some(current) if same_files(&current.view.library, &library) => current.view.library = library,
            // New folders or patterns: watched anew and walked at once.
            Some(current) => *current = hold(library, settings, notices),
            None => match lock_connection.try_lock(id).await {
                Ok(true) => {
                    tracing::info!(library = %id, paths = ?library.import_paths, "watching external library");
                    held.insert(id, hold(library, settings, notices));
                }
                Ok(false) => {}
                Err(err) => tracing::warn!(library = %id, error = %err, "cannot take an external library's lock"),
            },
        }
    }
    for library in held.values_mut().filter(|library| library.due_for_walk(settings.rescan)) {
        match library_scan::scan_library(pipeline, &library.view).await {
            Ok(_) => {
                library.walked = Some(Instant::now());
                library.retry_after = None;
            }
            Err(err) => {
                library.retry_after = Some(Instant::now() + RETRY);
                tracing::warn!(library = %library.view.library.id, error = %format!("{err:#}"), "scanning an external library failed");
            }
        }
    }
}

/// Whether two rows of a library name the same files (so its watch and last walk still hold).
fn same_files(before: &Library, now: &Library) -> bool {
    before.import_paths == now.import_paths && before.exclusion_patterns == now.exclusion_patterns
}

/// Starts holding a library: its watch, and a walk due at once.
fn hold(library: Library, settings: &WatchSettings, notices: &mpsc::UnboundedSender<Notice>) -> Held {
    let view = LibraryView::new(library, &settings.data_dir);
    let watcher = watch(&view, notices.clone());
    Held {
        view,
        _watcher: watcher,
        walked: None,
        retry_after: None,
        changed: HashSet::new(),
        first_change: None,
        last_change: None,
    }
}

/// Watches every folder of the library; without a watch (inotify's limit reached, say) the
/// periodic rescan still finds the changes.
fn watch(view: &LibraryView, notices: mpsc::UnboundedSender<Notice>) -> Option<RecommendedWatcher> {
    let id = view.library.id;
    let handler = move |event: notify::Result<Event>| {
        // The receiver goes only when the worker stops.
        let _ = notices.send((id, event));
    };
    let mut watcher = match notify::recommended_watcher(handler) {
        Ok(watcher) => watcher,
        Err(err) => {
            tracing::warn!(library = %id, error = %err, "cannot watch external library; relying on rescans");
            return None;
        }
    };
    for root in &view.roots {
        if let Err(err) = watcher.watch(root, RecursiveMode::Recursive) {
            tracing::warn!(library = %id, path = %root.display(), error = %err, "cannot watch a folder; relying on rescans");
        }
    }
    Some(watcher)
}

/// Records the paths an event names as changed, unless the event only says a file was read
/// (as the worker's own steps read them) or had its access time touched.
fn note_event(library: &mut Held, event: notify::Result<Event>) {
    let event = match event {
        Ok(event) => event,
        Err(err) => {
            tracing::warn!(library = %library.view.library.id, error = %err, "watch error; walking the library");
            library.walked = None;
            return;
        }
    };
    if event.need_rescan() {
        library.walked = None;
        return;
    }
    let relevant = match event.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(MetadataKind::AccessTime)) => false,
        _ => true,
    };
    if !relevant || event.paths.is_empty() {
        return;
    }
    let now = Instant::now();
    library.first_change.get_or_insert(now);
    library.last_change = Some(now);
    library.changed.extend(event.paths);
}

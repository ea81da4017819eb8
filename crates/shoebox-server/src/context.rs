//! The state every handler shares.

use std::sync::Arc;

use shoebox_core::Config;
use shoebox_db::PgPool;
use shoebox_queue::JobQueues;
use shoebox_storage::Storage;

use crate::auth::limiter::LoginLimiter;
use crate::live::Live;
use crate::labels::LabelVocabulary;
use crate::text_encoder::TextEncoder;

#[derive(Clone)]
pub struct ApiContext {
    pub config: Arc<Config>,
    pub db: PgPool,
    /// Originals and derived files, on whichever backends the settings name.
    pub storage: Storage,
    pub queues: JobQueues,
    pub login_limiter: Arc<LoginLimiter>,
    /// socket.io: live events for the users' open apps and pages.
    pub live: Live,
    /// CLIP text tower for smart search, loaded on first use.
    pub text_encoder: Arc<TextEncoder>,
    /// Zero-shot labels: the vocabulary, embedded on first use.
    pub labels: Arc<LabelVocabulary>,
}

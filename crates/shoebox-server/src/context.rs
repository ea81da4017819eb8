//! The state every handler shares.

use std::sync::Arc;

use shoebox_core::Config;
use shoebox_core::storage::Storage;
use shoebox_db::PgPool;
use shoebox_queue::JobQueues;

use crate::auth::limiter::LoginLimiter;
use crate::live::Live;
use crate::text_encoder::TextEncoder;

#[derive(Clone)]
pub struct ApiContext {
    pub config: Arc<Config>,
    pub db: PgPool,
    pub storage: Arc<dyn Storage>,
    pub queues: JobQueues,
    pub login_limiter: Arc<LoginLimiter>,
    /// socket.io: live events for the users' open apps and pages.
    pub live: Live,
    /// CLIP text tower for smart search, loaded on first use.
    pub text_encoder: Arc<TextEncoder>,
}

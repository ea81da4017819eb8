//! How long a PIN code keeps the locked folder open, as Immich times it: 15 minutes after the
//! unlock, and while the session is in use never less than 5 minutes ahead.

use chrono::{Duration, Utc};
use shoebox_db::sessions::Session;

use crate::context::ApiContext;
use crate::error::ApiResult;

/// How long an unlock lasts.
pub fn unlock_duration() -> Duration {
    Duration::minutes(15)
}

/// The least time left that a request leaves an unlocked session.
fn kept_open_for() -> Duration {
    Duration::minutes(5)
}

/// Whether the session is unlocked now; pushes out an expiry that is close, so a user browsing
/// the locked folder is not locked out mid-view.
pub async fn still_unlocked(ctx: &ApiContext, session: &Session) -> ApiResult<bool> {
    let Some(until) = session.pin_expires_at else {
        return Ok(false);
    };
    let now = Utc::now();
    if until <= now {
        return Ok(false);
    }
    if until < now + kept_open_for() {
        shoebox_db::locked_folder::extend_session_unlock(&ctx.db, session.id, now + kept_open_for()).await?;
    }
    Ok(true)
}

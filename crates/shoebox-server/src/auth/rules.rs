//! Who may call which endpoint: one table for every route the API serves, checked by
//! [`super::guard`] before any handler runs. A route missing from the table is refused, so a new
//! endpoint cannot go out unguarded. Permissions are Immich's (`x-immich-permission` in its
//! OpenAPI document); Shoebox's own endpoints take the nearest Immich permission.

/// What a caller needs for one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not.
    Public,
    /// A signed-in user: a session, or an API key holding `permission` (when there is one).
    /// `admin` endpoints also need an admin account.
    User { permission: Option<&'static str>, admin: bool },
    /// As `User`, or the holder of a shared link's key (`?key=`), who reads the link's album.
    UserOrLink { permission: Option<&'static str> },
}

/// One endpoint: its method and its path under `/api`, as the router names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
}

const fn public(method: &'static str, path: &'static str) -> Rule {
    Rule { method, path, access: Access::Public }
}

const fn user(method: &'static str, path: &'static str, permission: &'static str) -> Rule {
    Rule { method, path, access: Access::User { permission: Some(permission), admin: false } }
}

/// Any signed-in caller, whatever its key holds (Immich names no permission for these).
const fn signed_in(method: &'static str, path: &'static str) -> Rule {
    Rule { method, path, access: Access::User { permission: None, admin: false } }
}

const fn admin(method: &'static str, path: &'static str, permission: &'static str) -> Rule {
    Rule { method, path, access: Access::User { permission: Some(permission), admin: true } }
}

const fn user_or_link(method: &'static str, path: &'static str, permission: &'static str) -> Rule {
    Rule { method, path, access: Access::UserOrLink { permission: Some(permission) } }
}

/// Every endpoint under `/api`.
pub const RULES: &[Rule] = &[
    // Server information: what the login screens read before anyone signs in.
    public("GET", "/server/ping"),
    public("GET", "/server/version"),
    public("GET", "/server/version-history"),
    public("GET", "/server/features"),
    public("GET", "/server/config"),
    public("GET", "/server/media-types"),
    user("GET", "/server/about", "server.about"),
    user("GET", "/server/storage", "server.storage"),
    admin("GET", "/server/statistics", "server.statistics"),
    // Signing in and out.
    public("POST", "/auth/admin-sign-up"),
    public("POST", "/auth/login"),
    signed_in("POST", "/auth/logout"),
    signed_in("POST", "/auth/validateToken"),
    user("POST", "/auth/change-password", "auth.changePassword"),
    // The locked folder: its PIN code and the session it unlocks.
    signed_in("GET", "/auth/status"),
    user("POST", "/auth/pin-code", "pinCode.create"),
    user("PUT", "/auth/pin-code", "pinCode.update"),
    user("DELETE", "/auth/pin-code", "pinCode.delete"),
    signed_in("POST", "/auth/session/unlock"),
    signed_in("POST", "/auth/session/lock"),
    // Users.
    user("GET", "/users", "user.read"),
    user("GET", "/users/me", "user.read"),
    user("GET", "/users/me/preferences", "userPreference.read"),
    user("PUT", "/users/me/preferences", "userPreference.update"),
    admin("GET", "/admin/users", "adminUser.read"),
    admin("POST", "/admin/users", "adminUser.create"),
    admin("GET", "/admin/users/{id}", "adminUser.read"),
    admin("PUT", "/admin/users/{id}", "adminUser.update"),
    admin("DELETE", "/admin/users/{id}", "adminUser.delete"),
    // API keys.
    user("GET", "/api-keys", "apiKey.read"),
    user("POST", "/api-keys", "apiKey.create"),
    signed_in("GET", "/api-keys/me"),
    user("GET", "/api-keys/{id}", "apiKey.read"),
    user("PUT", "/api-keys/{id}", "apiKey.update"),
    user("DELETE", "/api-keys/{id}", "apiKey.delete"),
    // Assets.
    user("POST", "/assets", "asset.upload"),
    user("PUT", "/assets", "asset.update"),
    user("DELETE", "/assets", "asset.delete"),
    user("POST", "/assets/bulk-upload-check", "asset.upload"),
    user("GET", "/assets/statistics", "asset.statistics"),
    user_or_link("GET", "/assets/{id}", "asset.read"),
    user("PUT", "/assets/{id}", "asset.update"),
    user_or_link("GET", "/assets/{id}/original", "asset.download"),
    user_or_link("GET", "/assets/{id}/thumbnail", "asset.view"),
    user_or_link("GET", "/assets/{id}/video/playback", "asset.view"),
    user_or_link("GET", "/assets/{id}/ocr", "asset.read"),
    user("GET", "/assets/{id}/labels", "asset.read"),
    user("POST", "/trash/empty", "asset.delete"),
    user("POST", "/trash/restore", "asset.delete"),
    user("POST", "/trash/restore/assets", "asset.delete"),
    user_or_link("GET", "/timeline/buckets", "asset.read"),
    user_or_link("GET", "/timeline/bucket", "asset.read"),
    user_or_link("POST", "/download/info", "asset.download"),
    user_or_link("POST", "/download/archive", "asset.download"),
    user("GET", "/map/markers", "map.read"),
    user("GET", "/memories", "memory.read"),
    user("POST", "/memories", "memory.create"),
    user("GET", "/memories/statistics", "memory.statistics"),
    user("GET", "/memories/{id}", "memory.read"),
    user("PUT", "/memories/{id}", "memory.update"),
    user("DELETE", "/memories/{id}", "memory.delete"),
    user("PUT", "/memories/{id}/assets", "memoryAsset.create"),
    user("DELETE", "/memories/{id}/assets", "memoryAsset.delete"),
    // Stacks.
    user("GET", "/stacks", "stack.read"),
    user("POST", "/stacks", "stack.create"),
    user("DELETE", "/stacks", "stack.delete"),
    user("GET", "/stacks/{id}", "stack.read"),
    user("PUT", "/stacks/{id}", "stack.update"),
    user("DELETE", "/stacks/{id}", "stack.delete"),
    user("DELETE", "/stacks/{id}/assets/{asset_id}", "stack.update"),
    user("GET", "/duplicates", "duplicate.read"),
    user("DELETE", "/duplicates", "duplicate.delete"),
    user("POST", "/duplicates/resolve", "duplicate.delete"),
    user("DELETE", "/duplicates/{id}", "duplicate.delete"),
    // Search.
    user("POST", "/search/smart", "asset.read"),
    user("POST", "/search/metadata", "asset.read"),
    user("GET", "/search/suggestions", "asset.read"),
    user("GET", "/search/labels", "asset.read"),
    user("GET", "/search/cities", "asset.read"),
    user("GET", "/search/person", "person.read"),
    // Albums.
    user("GET", "/albums", "album.read"),
    user("POST", "/albums", "album.create"),
    user("GET", "/albums/statistics", "album.statistics"),
    user("GET", "/albums/{id}", "album.read"),
    user("PATCH", "/albums/{id}", "album.update"),
    user("DELETE", "/albums/{id}", "album.delete"),
    user("PUT", "/albums/{id}/assets", "albumAsset.create"),
    user("DELETE", "/albums/{id}/assets", "albumAsset.delete"),
    user("PUT", "/albums/{id}/users", "albumUser.create"),
    user("PUT", "/albums/{id}/user/{user_id}", "albumUser.update"),
    user("DELETE", "/albums/{id}/user/{user_id}", "albumUser.delete"),
    // Album activity: likes and comments.
    user("GET", "/activities", "activity.read"),
    user("POST", "/activities", "activity.create"),
    user("GET", "/activities/statistics", "activity.statistics"),
    user("DELETE", "/activities/{id}", "activity.delete"),
    // Tags.
    user("GET", "/tags", "tag.read"),
    user("POST", "/tags", "tag.create"),
    user("PUT", "/tags", "tag.create"),
    user("PUT", "/tags/assets", "tag.asset"),
    user("GET", "/tags/{id}", "tag.read"),
    user("PUT", "/tags/{id}", "tag.update"),
    user("DELETE", "/tags/{id}", "tag.delete"),
    user("PUT", "/tags/{id}/assets", "tag.asset"),
    user("DELETE", "/tags/{id}/assets", "tag.asset"),
    // Shared links; `/shared-links/me` is what a link's holder opens.
    user("GET", "/shared-links", "sharedLink.read"),
    user("POST", "/shared-links", "sharedLink.create"),
    Rule { method: "GET", path: "/shared-links/me", access: Access::UserOrLink { permission: None } },
    user("GET", "/shared-links/{id}", "sharedLink.read"),
    user("PATCH", "/shared-links/{id}", "sharedLink.update"),
    user("DELETE", "/shared-links/{id}", "sharedLink.delete"),
    // Partners.
    user("GET", "/partners", "partner.read"),
    user("POST", "/partners", "partner.create"),
    user("POST", "/partners/{id}", "partner.create"),
    user("PUT", "/partners/{id}", "partner.update"),
    user("DELETE", "/partners/{id}", "partner.delete"),
    // People and faces.
    user("GET", "/people", "person.read"),
    user("POST", "/people", "person.create"),
    user("PUT", "/people", "person.update"),
    user("DELETE", "/people", "person.delete"),
    user("GET", "/people/{id}", "person.read"),
    user("PUT", "/people/{id}", "person.update"),
    user("DELETE", "/people/{id}", "person.delete"),
    user("POST", "/people/{id}/merge", "person.merge"),
    user("PUT", "/people/{id}/reassign", "person.reassign"),
    user("GET", "/people/{id}/merge-suggestions", "person.read"),
    user("GET", "/people/{id}/thumbnail", "person.read"),
    user("GET", "/people/{id}/statistics", "person.statistics"),
    user("GET", "/faces", "face.read"),
    user("PUT", "/faces/{id}", "face.update"),
    user("DELETE", "/faces/{id}", "face.delete"),
    // The mobile app's sync.
    user("POST", "/sync/stream", "sync.stream"),
    user("GET", "/sync/ack", "syncCheckpoint.read"),
    user("POST", "/sync/ack", "syncCheckpoint.update"),
    user("DELETE", "/sync/ack", "syncCheckpoint.delete"),
    // External libraries, for admins; checking a folder needs no permission (Immich names none).
    admin("GET", "/libraries", "library.read"),
    admin("POST", "/libraries", "library.create"),
    admin("GET", "/libraries/{id}", "library.read"),
    admin("PUT", "/libraries/{id}", "library.update"),
    admin("DELETE", "/libraries/{id}", "library.delete"),
    admin("POST", "/libraries/{id}/scan", "library.update"),
    admin("GET", "/libraries/{id}/statistics", "library.statistics"),
    Rule { method: "POST", path: "/libraries/{id}/validate", access: Access::User { permission: None, admin: true } },
    // Jobs, for admins.
    admin("GET", "/jobs", "job.read"),
    admin("PUT", "/jobs/{name}", "job.create"),
    // Shoebox's own: a queue's failed jobs are read like its counts.
    admin("GET", "/jobs/{name}/failures", "job.read"),
    // Shoebox's own: the orphan sweep's dry run, and the removal it reports.
    admin("GET", "/admin/storage/orphans", "job.read"),
    admin("DELETE", "/admin/storage/orphans", "job.create"),
    // Shoebox's own: backups, the scrub's findings and their repair.
    admin("GET", "/admin/backups", "maintenance"),
    admin("POST", "/admin/backups", "maintenance"),
    admin("GET", "/admin/scrub", "maintenance"),
    admin("POST", "/admin/scrub", "maintenance"),
    admin("POST", "/admin/scrub/{id}/repair", "maintenance"),
    // Shoebox's own: a user's Takeout imports and whole-library exports.
    user("POST", "/imports/takeout", "asset.upload"),
    user("GET", "/imports/takeout", "asset.upload"),
    user("POST", "/exports", "asset.download"),
    user("GET", "/exports", "asset.download"),
    user("GET", "/exports/{id}/download", "asset.download"),
    // The bell: each user's own notifications.
    user("GET", "/notifications", "notification.read"),
    user("PUT", "/notifications", "notification.update"),
    user("DELETE", "/notifications", "notification.delete"),
    user("GET", "/notifications/{id}", "notification.read"),
    user("PUT", "/notifications/{id}", "notification.update"),
    user("DELETE", "/notifications/{id}", "notification.delete"),
    admin("GET", "/queues", "queue.read"),
    admin("GET", "/queues/{name}", "queue.read"),
];

/// The rule for `method path`, `path` as the router matched it (with or without `/api`).
/// `HEAD` is answered by the `GET` handler, so it takes the `GET` rule.
pub fn find(method: &str, path: &str) -> Option<&'static Rule> {
    let path = path.strip_prefix("/api").filter(|rest| rest.starts_with('/')).unwrap_or(path);
    let method = if method.eq_ignore_ascii_case("HEAD") { "GET" } else { method };
    RULES.iter().find(|rule| rule.path == path && rule.method.eq_ignore_ascii_case(method))
}

/// Whether some rule names `path`, with any method.
pub fn knows_path(path: &str) -> bool {
    let path = path.strip_prefix("/api").filter(|rest| rest.starts_with('/')).unwrap_or(path);
    RULES.iter().any(|rule| rule.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::permissions;

    #[test]
    fn every_permission_in_the_table_is_one_immich_knows() {
        for rule in RULES {
            let permission = match rule.access {
                Access::Public => None,
                Access::User { permission, .. } | Access::UserOrLink { permission } => permission,
            };
            if let Some(permission) = permission {
                assert!(permissions::is_known(permission), "{} {}: {permission}", rule.method, rule.path);
            }
        }
    }

    #[test]
    fn no_endpoint_is_listed_twice() {
        for (i, rule) in RULES.iter().enumerate() {
            assert!(
                !RULES[..i].iter().any(|other| other.method == rule.method && other.path == rule.path),
                "{} {} is listed twice",
                rule.method,
                rule.path
            );
        }
    }

    #[test]
    fn head_takes_the_get_rule_and_the_prefix_is_optional() {
        assert_eq!(find("HEAD", "/api/assets/{id}/original").map(|r| r.method), Some("GET"));
        assert_eq!(find("PUT", "/api-keys/{id}").map(|r| r.path), Some("/api-keys/{id}"));
        assert!(find("PATCH", "/api-keys/{id}").is_none());
        assert!(knows_path("/api/api-keys/{id}"));
        assert!(!knows_path("/nowhere"));
    }
}

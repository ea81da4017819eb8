//! `/api/users/me/preferences`: Immich's per-user settings. Only what a user changed is stored;
//! reads merge it over Immich's defaults, so new settings get their default for everyone.

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Map, Value, json};
use shoebox_db::users;

use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;

pub fn router() -> Router<ApiContext> {
    Router::new().route("/users/me/preferences", get(read).put(update))
}

/// Immich's defaults (`UserPreferencesResponseDto`).
fn defaults(min_faces: usize) -> Value {
    json!({
        "albums": { "defaultAssetOrder": "desc" },
        "cast": { "gCastEnabled": false },
        // Shoebox's own: an upload of bytes the user deleted for good is refused as a duplicate.
        "deletedStaysDeleted": { "enabled": true },
        "download": { "archiveSize": 4_294_967_296_i64, "includeEmbeddedVideos": false },
        "emailNotifications": { "enabled": true, "albumInvite": true, "albumUpdate": true },
        "folders": { "enabled": false, "sidebarWeb": false },
        "memories": { "enabled": true, "duration": 5 },
        "people": { "enabled": true, "sidebarWeb": false, "minimumFaces": min_faces },
        "purchase": { "showSupportBadge": true, "hideBuyButtonUntil": "2022-02-12T00:00:00.000Z" },
        "ratings": { "enabled": false },
        "recentlyAdded": { "sidebarWeb": false },
        "sharedLinks": { "enabled": true, "sidebarWeb": false },
        "tags": { "enabled": false, "sidebarWeb": false },
    })
}

/// Copies `changes` over `base`, section by section.
fn merge(base: &mut Value, changes: &Value) {
    if let (Some(base), Some(changes)) = (base.as_object_mut(), changes.as_object()) {
        for (key, value) in changes {
            match base.get_mut(key) {
                Some(existing) if existing.is_object() && value.is_object() => merge(existing, value),
                _ => {
                    base.insert(key.clone(), value.clone());
                }
            }
        }
    }
}

/// Checks an update against the defaults' shape: known sections and settings, same JSON types.
/// `avatar` is accepted separately: it changes the user's colour, not a stored preference.
fn validate(update: &Value, shape: &Value) -> Result<Map<String, Value>, ApiError> {
    let object = update.as_object().ok_or_else(|| ApiError::bad_request("preferences must be a JSON object"))?;
    let mut stored = Map::new();
    for (section, settings) in object {
        if section == "avatar" {
            continue;
        }
        let known = shape.get(section).ok_or_else(|| ApiError::bad_request(format!("unknown preference {section}")))?;
        let settings =
            settings.as_object().ok_or_else(|| ApiError::bad_request(format!("{section} must be an object")))?;
        for (name, value) in settings {
            let default =
                known.get(name).ok_or_else(|| ApiError::bad_request(format!("unknown preference {section}.{name}")))?;
            let same_type = match default {
                Value::Bool(_) => value.is_boolean(),
                Value::Number(_) => value.as_i64().is_some_and(|n| n >= 0),
                Value::String(_) => value.is_string(),
                _ => false,
            };
            if !same_type {
                return Err(ApiError::bad_request(format!("{section}.{name} has the wrong type")));
            }
        }
        if section == "albums" && settings.get("defaultAssetOrder").is_some_and(|o| o != "asc" && o != "desc") {
            return Err(ApiError::bad_request("albums.defaultAssetOrder must be asc or desc"));
        }
        stored.insert(section.clone(), Value::Object(settings.clone()));
    }
    Ok(stored)
}

async fn read(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Value>> {
    let mut preferences = defaults(ctx.config.ml.face_min_faces);
    merge(&mut preferences, &users::preferences(&ctx.db, auth.user.id).await?);
    Ok(Json(preferences))
}

async fn update(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<Value>) -> ApiResult<Json<Value>> {
    let shape = defaults(ctx.config.ml.face_min_faces);
    let changes = Value::Object(validate(&body, &shape)?);
    if let Some(color) = body.pointer("/avatar/color") {
        const COLORS: [&str; 10] =
            ["primary", "pink", "red", "yellow", "blue", "green", "purple", "orange", "gray", "amber"];
        let color = color
            .as_str()
            .filter(|c| COLORS.contains(c))
            .ok_or_else(|| ApiError::bad_request(format!("avatar.color must be one of {}", COLORS.join(", "))))?;
        users::set_avatar_color(&ctx.db, auth.user.id, color).await?;
    }
    let mut stored = users::preferences(&ctx.db, auth.user.id).await?;
    merge(&mut stored, &changes);
    users::save_preferences(&ctx.db, auth.user.id, &stored).await?;
    let mut preferences = shape;
    merge(&mut preferences, &stored);
    Ok(Json(preferences))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn updates_merge_over_defaults_section_by_section() {
        let mut prefs = defaults(3);
        merge(&mut prefs, &json!({ "memories": { "enabled": false } }));
        assert_eq!(prefs["memories"], json!({ "enabled": false, "duration": 5 }));
        assert_eq!(prefs["people"]["minimumFaces"], 3);
    }

    #[test]
    fn unknown_or_mistyped_settings_are_refused() {
        let shape = defaults(3);
        assert!(validate(&json!({ "memories": { "enabled": "yes" } }), &shape).is_err());
        assert!(validate(&json!({ "nope": {} }), &shape).is_err());
        assert!(validate(&json!({ "memories": { "colour": true } }), &shape).is_err());
        assert!(validate(&json!({ "albums": { "defaultAssetOrder": "sideways" } }), &shape).is_err());
        assert!(validate(&json!({ "memories": { "duration": 7 }, "avatar": { "color": "red" } }), &shape).is_ok());
    }
}

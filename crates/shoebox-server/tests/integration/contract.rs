//! Contract tests against Immich's published OpenAPI document (`tests/spec/`, version 3.1.0):
//! every endpoint real Immich clients call answers with a status the spec lists and a JSON body
//! that has every required field, with the spec's types, formats and enums.

use crate::common;
use crate::openapi;

use common::{TestServer, jpeg};
use reqwest::Method;
use reqwest::multipart::{Form, Part};
use serde_json::{Value, json};

use openapi::Spec;

#[tokio::test]
async fn immich_clients_endpoints_match_the_openapi_document() {
    let spec = Spec::load();
    let server = TestServer::start().await;
    let token = server.admin().await;
    let mut failures = Vec::new();

    macro_rules! call {
        ($method:ident, $template:expr, $path:expr) => {
            call!($method, $template, $path, None::<Value>)
        };
        ($method:ident, $template:expr, $path:expr, $body:expr) => {{
            let path: String = $path.into();
            let mut request = server.http.request(Method::$method, server.api(&path)).bearer_auth(&token);
            if let Some(body) = $body {
                request = request.json(&body);
            }
            let response = request.send().await.unwrap();
            spec.check_response(&Method::$method, $template, response, &mut failures).await
        }};
    }

    // Server information, as the CLI's `server-info` and the app's login screen read it.
    for path in [
        "/server/ping",
        "/server/version",
        "/server/version-history",
        "/server/features",
        "/server/config",
        "/server/media-types",
        "/server/about",
        "/server/storage",
        "/server/statistics",
    ] {
        call!(GET, path, path);
    }

    // Identity.
    call!(GET, "/users/me", "/users/me");
    call!(GET, "/users/me/preferences", "/users/me/preferences");
    call!(PUT, "/users/me/preferences", "/users/me/preferences", Some(json!({ "memories": { "enabled": false } })));
    call!(POST, "/auth/validateToken", "/auth/validateToken");
    call!(GET, "/admin/users", "/admin/users");
    call!(
        POST,
        "/admin/users",
        "/admin/users",
        Some(json!({ "email": "b@example.com", "name": "B", "password": "another good password" }))
    );
    let other = call!(GET, "/admin/users", "/admin/users");
    let other_id = other.as_array().unwrap().iter().find(|u| u["email"] == "b@example.com").unwrap()["id"].clone();
    let other_id = other_id.as_str().unwrap().to_owned();
    call!(GET, "/admin/users/{id}", format!("/admin/users/{other_id}"));
    let reset = json!({ "name": "B2", "password": "a password given by the admin", "shouldChangePassword": true });
    call!(PUT, "/admin/users/{id}", format!("/admin/users/{other_id}"), Some(reset));
    call!(GET, "/users", "/users");
    // Sharing an album with the other user, before they go.
    let shared = call!(POST, "/albums", "/albums", Some(json!({ "albumName": "Shared" })));
    let shared = shared["id"].as_str().unwrap_or_default().to_owned();
    let members = json!({ "albumUsers": [{ "userId": other_id, "role": "viewer" }] });
    call!(PUT, "/albums/{id}/users", format!("/albums/{shared}/users"), Some(members));
    let role = json!({ "role": "editor" });
    call!(PUT, "/albums/{id}/user/{userId}", format!("/albums/{shared}/user/{other_id}"), Some(role));
    call!(GET, "/albums/{id}", format!("/albums/{shared}"));
    call!(DELETE, "/albums/{id}/user/{userId}", format!("/albums/{shared}/user/{other_id}"));
    call!(DELETE, "/albums/{id}", format!("/albums/{shared}"));
    // Partner sharing with the other user.
    call!(POST, "/partners", "/partners", Some(json!({ "sharedWithId": other_id })));
    call!(GET, "/partners", "/partners?direction=shared-by");
    call!(GET, "/partners", "/partners?direction=shared-with");
    call!(DELETE, "/partners/{id}", format!("/partners/{other_id}"));
    call!(DELETE, "/admin/users/{id}", format!("/admin/users/{other_id}"), Some(json!({ "force": true })));
    let key = call!(POST, "/api-keys", "/api-keys", Some(json!({ "name": "cli", "permissions": ["all"] })));
    let me = server
        .http
        .get(server.api("/api-keys/me"))
        .header("x-api-key", key["secret"].as_str().unwrap_or_default())
        .send()
        .await
        .unwrap();
    spec.check_response(&Method::GET, "/api-keys/me", me, &mut failures).await;

    // Backup.
    call!(
        POST,
        "/assets/bulk-upload-check",
        "/assets/bulk-upload-check",
        Some(json!({ "assets": [{ "id": "/photos/a.jpg", "checksum": "0000000000000000000000000000000000000000" }] }))
    );
    let form = Form::new()
        .part("assetData", Part::bytes(jpeg(3)).file_name("a.jpg"))
        .text("deviceAssetId", "a")
        .text("deviceId", "contract")
        .text("fileCreatedAt", "2024-05-06T07:08:09.000Z")
        .text("fileModifiedAt", "2024-05-06T07:08:09.000Z");
    let response = server.http.post(server.api("/assets")).bearer_auth(&token).multipart(form).send().await.unwrap();
    let uploaded = spec.check_response(&Method::POST, "/assets", response, &mut failures).await;
    let asset = uploaded["id"].as_str().unwrap_or_default().to_owned();
    // What the metadata step writes, so the asset's exifInfo and the map have something to show.
    sqlx::query(
        "INSERT INTO exif (asset_id, make, model, f_number, iso, latitude, longitude, city, country, date_time_original)
         VALUES ($1::uuid, 'Canon', 'EOS 5D', 2.8, 400, 55.04, 8.46, 'List', 'Germany', now())",
    )
    .bind(&asset)
    .execute(&server.ctx.db)
    .await
    .unwrap();
    let edit = json!({ "description": "Sea", "rating": 5, "dateTimeOriginal": "2024-05-01T10:00:00+02:00" });
    call!(PUT, "/assets/{id}", format!("/assets/{asset}"), Some(edit));
    let read = call!(GET, "/assets/{id}", format!("/assets/{asset}"));
    let memories = call!(GET, "/memories", "/memories?for=2025-05-01");
    assert_eq!(memories.as_array().map(Vec::len), Some(1), "the photo edited to 2024-05-01 is a memory");
    call!(GET, "/memories/statistics", "/memories/statistics?for=2025-05-01");
    assert_eq!(read["exifInfo"]["make"], "Canon", "{read}");
    let markers = call!(GET, "/map/markers", "/map/markers");
    assert_eq!(markers[0]["city"], "List", "{markers}");
    call!(GET, "/assets/statistics", "/assets/statistics");
    call!(GET, "/timeline/buckets", "/timeline/buckets");
    call!(GET, "/timeline/bucket", "/timeline/bucket?timeBucket=2024-05-01");

    // Albums, as `immich upload --album` uses them.
    let album = call!(POST, "/albums", "/albums", Some(json!({ "albumName": "Holiday" })));
    let album = album["id"].as_str().unwrap_or_default().to_owned();
    call!(PUT, "/albums/{id}/assets", format!("/albums/{album}/assets"), Some(json!({ "ids": [asset] })));
    call!(GET, "/albums", "/albums");
    call!(GET, "/albums/{id}", format!("/albums/{album}"));
    call!(PATCH, "/albums/{id}", format!("/albums/{album}"), Some(json!({ "description": "sea" })));
    call!(GET, "/albums/statistics", "/albums/statistics");
    // Album activity: a comment on the album's photo, a like on the album.
    let comment = json!({ "albumId": album, "assetId": asset, "type": "comment", "comment": "Lovely" });
    let comment = call!(POST, "/activities", "/activities", Some(comment));
    call!(POST, "/activities", "/activities", Some(json!({ "albumId": album, "type": "like" })));
    let activities = call!(GET, "/activities", format!("/activities?albumId={album}"));
    assert_eq!(activities.as_array().map(Vec::len), Some(2), "{activities}");
    call!(GET, "/activities/statistics", format!("/activities/statistics?albumId={album}&assetId={asset}"));
    call!(DELETE, "/activities/{id}", format!("/activities/{}", comment["id"].as_str().unwrap_or_default()));
    // Tags: a tree from a path, one more under it, the photo tagged and found by tag.
    let upserted = call!(PUT, "/tags", "/tags", Some(json!({ "tags": ["Trips/2024"] })));
    let tag = upserted[0]["id"].as_str().unwrap_or_default().to_owned();
    call!(POST, "/tags", "/tags", Some(json!({ "name": "Rome", "parentId": tag, "color": "#ff0000" })));
    call!(GET, "/tags", "/tags");
    call!(GET, "/tags/{id}", format!("/tags/{tag}"));
    call!(PUT, "/tags/{id}", format!("/tags/{tag}"), Some(json!({ "color": "#00ff00" })));
    call!(PUT, "/tags/{id}/assets", format!("/tags/{tag}/assets"), Some(json!({ "ids": [asset] })));
    call!(PUT, "/tags/assets", "/tags/assets", Some(json!({ "tagIds": [tag], "assetIds": [asset] })));
    let tagged = call!(GET, "/assets/{id}", format!("/assets/{asset}"));
    assert_eq!(tagged["tags"][0]["value"], "Trips/2024", "{tagged}");
    let buckets = call!(GET, "/timeline/buckets", format!("/timeline/buckets?tagId={tag}"));
    assert_eq!(buckets[0]["count"], 1, "{buckets}");
    let found = call!(POST, "/search/metadata", "/search/metadata", Some(json!({ "tagIds": [tag] })));
    assert_eq!(found["assets"]["items"].as_array().map(Vec::len), Some(1), "{found}");
    call!(DELETE, "/tags/{id}/assets", format!("/tags/{tag}/assets"), Some(json!({ "ids": [asset] })));
    call!(DELETE, "/tags/{id}", format!("/tags/{tag}"));
    call!(POST, "/download/info", "/download/info", Some(json!({ "albumId": album })));
    // A public link to the album.
    let link = call!(POST, "/shared-links", "/shared-links", Some(json!({ "type": "ALBUM", "albumId": album })));
    let (link_id, link_key) = (link["id"].as_str().unwrap_or_default(), link["key"].as_str().unwrap_or_default());
    call!(GET, "/shared-links", "/shared-links");
    call!(GET, "/shared-links/me", format!("/shared-links/me?key={link_key}"));
    call!(
        PATCH,
        "/shared-links/{id}",
        format!("/shared-links/{link_id}"),
        Some(json!({ "description": "For Grandma" }))
    );
    call!(GET, "/shared-links/{id}", format!("/shared-links/{link_id}"));
    call!(DELETE, "/shared-links/{id}", format!("/shared-links/{link_id}"));
    call!(DELETE, "/albums/{id}/assets", format!("/albums/{album}/assets"), Some(json!({ "ids": [asset] })));

    // Stored memories: read, saved, their assets changed, one made by hand and deleted.
    let memory = memories[0]["id"].as_str().unwrap_or_default().to_owned();
    call!(GET, "/memories/{id}", format!("/memories/{memory}"));
    call!(PUT, "/memories/{id}", format!("/memories/{memory}"), Some(json!({ "isSaved": true })));
    call!(DELETE, "/memories/{id}/assets", format!("/memories/{memory}/assets"), Some(json!({ "ids": [asset] })));
    call!(PUT, "/memories/{id}/assets", format!("/memories/{memory}/assets"), Some(json!({ "ids": [asset] })));
    let made = json!({
        "type": "on_this_day", "data": { "year": 2020 }, "memoryAt": "2020-05-01T00:00:00.000Z", "assetIds": [asset],
    });
    let made = call!(POST, "/memories", "/memories", Some(made));
    call!(DELETE, "/memories/{id}", format!("/memories/{}", made["id"].as_str().unwrap_or_default()));

    // The locked folder: status, PIN code, unlocking and locking the session.
    call!(GET, "/auth/status", "/auth/status");
    call!(POST, "/auth/pin-code", "/auth/pin-code", Some(json!({ "pinCode": "123456" })));
    call!(POST, "/auth/session/unlock", "/auth/session/unlock", Some(json!({ "pinCode": "123456" })));
    let status = call!(GET, "/auth/status", "/auth/status");
    assert_eq!(status["isElevated"], true, "{status}");
    call!(GET, "/timeline/buckets", "/timeline/buckets?visibility=locked");
    call!(POST, "/auth/session/lock", "/auth/session/lock");
    let change = json!({ "pinCode": "123456", "newPinCode": "654321" });
    call!(PUT, "/auth/pin-code", "/auth/pin-code", Some(change));
    call!(DELETE, "/auth/pin-code", "/auth/pin-code", Some(json!({ "pinCode": "654321" })));

    // Stacks, and the stacked timeline.
    let second = server.upload_new(&token, "second.jpg", jpeg(77), "2024-05-01T08:00:00.000Z").await;
    let stack = call!(POST, "/stacks", "/stacks", Some(json!({ "assetIds": [asset, second] })));
    let stack = stack["id"].as_str().unwrap_or_default().to_owned();
    call!(GET, "/stacks", "/stacks");
    call!(GET, "/stacks/{id}", format!("/stacks/{stack}"));
    call!(PUT, "/stacks/{id}", format!("/stacks/{stack}"), Some(json!({ "primaryAssetId": second })));
    let stacked = call!(GET, "/timeline/bucket", "/timeline/bucket?timeBucket=2024-05-01&withStacked=true");
    assert_eq!(stacked["stack"], json!([[stack, "2"]]), "{stacked}");
    let member = call!(GET, "/assets/{id}", format!("/assets/{asset}"));
    assert_eq!(member["stack"]["assetCount"], 2, "{member}");
    call!(DELETE, "/stacks/{id}/assets/{assetId}", format!("/stacks/{stack}/assets/{asset}"));
    call!(DELETE, "/stacks/{id}", format!("/stacks/{stack}"));
    let again = call!(POST, "/stacks", "/stacks", Some(json!({ "assetIds": [asset, second] })));
    call!(DELETE, "/stacks", "/stacks", Some(json!({ "ids": [again["id"]] })));

    // Sync: each line's data must match the spec's schema for its type.
    let response = server
        .http
        .post(server.api("/sync/stream"))
        .bearer_auth(&token)
        .json(&json!({ "types": ["AuthUsersV1", "UsersV1", "AssetsV1", "AssetExifsV1"] }))
        .send()
        .await
        .unwrap();
    assert!(spec.response_schema("/sync/stream", "post", response.status().as_u16()).is_some());
    let lines = response.text().await.unwrap();
    let mut acks = Vec::new();
    for line in lines.lines() {
        let line: Value = serde_json::from_str(line).unwrap();
        let kind = line["type"].as_str().unwrap();
        let schema = if kind.starts_with("Sync") { kind.to_owned() } else { format!("Sync{kind}") };
        for problem in spec.validate(&json!({ "$ref": format!("#/components/schemas/{schema}") }), &line["data"]) {
            failures.push(format!("sync line {kind}: {problem}"));
        }
        acks.push(line["ack"].clone());
    }
    assert!(acks.len() >= 4, "user, user, asset and end lines: {lines}");
    call!(POST, "/sync/ack", "/sync/ack", Some(json!({ "acks": acks })));
    call!(GET, "/sync/ack", "/sync/ack");
    call!(DELETE, "/sync/ack", "/sync/ack", Some(json!({ "types": ["AssetV1"] })));

    let change =
        json!({ "password": common::PASSWORD, "newPassword": "another good password", "invalidateSessions": true });
    call!(POST, "/auth/change-password", "/auth/change-password", Some(change));

    // Last: logging out ends the session the calls above used.
    call!(POST, "/auth/logout", "/auth/logout");

    assert!(failures.is_empty(), "{} contract failures:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn login_answers_with_immichs_login_response() {
    let spec = Spec::load();
    let server = TestServer::start().await;
    server.admin().await;
    let response = server
        .http
        .post(server.api("/auth/login"))
        .json(&json!({ "email": "admin@example.com", "password": common::PASSWORD }))
        .send()
        .await
        .unwrap();
    let mut failures = Vec::new();
    spec.check_response(&Method::POST, "/auth/login", response, &mut failures).await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The checker itself must catch what it is for, or the test above proves nothing.
#[test]
fn the_schema_checker_catches_missing_and_mistyped_fields() {
    let spec = Spec::load();
    let schema = json!({ "$ref": "#/components/schemas/AssetStatsResponseDto" });
    assert!(spec.validate(&schema, &json!({ "images": 1, "videos": 2, "total": 3 })).is_empty());
    assert!(!spec.validate(&schema, &json!({ "images": 1, "videos": 2 })).is_empty(), "missing field");
    assert!(!spec.validate(&schema, &json!({ "images": "1", "videos": 2, "total": 3 })).is_empty(), "wrong type");
    let visibility = json!({ "$ref": "#/components/schemas/AssetVisibility" });
    assert!(!spec.validate(&visibility, &json!("sideways")).is_empty(), "enum");
    let album = json!({ "$ref": "#/components/schemas/AlbumResponseDto" });
    assert!(!spec.validate(&album, &json!({ "createdAt": "yesterday" })).is_empty(), "date-time format");
}

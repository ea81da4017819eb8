//! Every route the API serves, walked as a hostile caller would: an API key holding one
//! unrelated permission, keys trying to raise keys, another user's session, and the holder of a
//! shared link that hides metadata. The routes come from the server's own access table
//! (`auth::rules::RULES`), which the server refuses to serve a route without, and the table is
//! held against Immich's OpenAPI document. No route may answer 500.

use crate::common;
use crate::openapi;

use common::{TestServer, jpeg};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shoebox_server::auth::rules::{Access, RULES, Rule};

/// Shoebox's own endpoints, which Immich's document does not have.
const SHOEBOX_ONLY: &[(&str, &str)] = &[
    ("GET", "/jobs/{name}/failures"),
    ("GET", "/admin/storage/orphans"),
    ("DELETE", "/admin/storage/orphans"),
    ("GET", "/admin/backups"),
    ("POST", "/admin/backups"),
    ("GET", "/admin/scrub"),
    ("POST", "/admin/scrub"),
    ("POST", "/admin/scrub/{id}/repair"),
    ("POST", "/imports/takeout"),
    ("GET", "/imports/takeout"),
    ("POST", "/exports"),
    ("GET", "/exports"),
    ("GET", "/exports/{id}/download"),
    ("GET", "/people/{id}/merge-suggestions"),
    ("GET", "/assets/{id}/labels"),
    ("GET", "/search/labels"),
];
/// A permission no Shoebox endpoint asks for.
const UNRELATED: &str = "workflow.read";
/// Every kind of thing the mobile app syncs.
const SYNC_TYPES: &[&str] = &[
    "AlbumsV1",
    "AlbumUsersV1",
    "AlbumToAssetsV1",
    "AlbumAssetsV1",
    "AlbumAssetExifsV1",
    "AssetsV1",
    "AssetExifsV1",
    "AuthUsersV1",
    "MemoriesV1",
    "MemoryToAssetsV1",
    "PartnersV1",
    "PartnerAssetsV1",
    "PartnerAssetExifsV1",
    "StacksV1",
    "UsersV1",
    "PeopleV1",
    "AssetFacesV1",
];
const WHEN: &str = "2024-12-24T18:00:00.000Z";
/// What the owner's photo shows of camera, place and people; a link hiding metadata shows none.
const METADATA: &[&str] = &[
    "Hasselblad",
    "X2D-100C",
    "XCD-Secret",
    "Secretville",
    "Hidden-State",
    "Nowhereland",
    "55.0412",
    "8.4612",
    "Ingrid",
];
/// The owner's, beyond metadata, that another user never sees.
const PRIVATE: &[&str] = &["secret-beach", "Owner's secret album", "owner-key-name", "Secret link"];

/// What one owner has: a photo with camera, place and a named person, in an album with a
/// link that hides metadata, and an API key.
struct Library {
    token: String,
    user_id: String,
    asset: String,
    album: String,
    person: String,
    face: String,
    link_id: String,
    link_key: String,
    key_id: String,
}

impl Library {
    async fn create(server: &TestServer) -> Self {
        let token = server.admin().await;
        let user_id =
            server.get(&token, "/users/me").await.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
        let asset = server.upload_new(&token, "secret-beach.jpg", jpeg(7), WHEN).await;
        let (person, face) = (uuid::Uuid::new_v4().to_string(), uuid::Uuid::new_v4().to_string());
        let db = &server.ctx.db;
        sqlx::query(
            "INSERT INTO exif (asset_id, make, model, lens_model, latitude, longitude, city, state, country)
             VALUES ($1::uuid, 'Hasselblad', 'X2D-100C', 'XCD-Secret', 55.0412, 8.4612, 'Secretville', 'Hidden-State', 'Nowhereland')",
        )
        .bind(&asset)
        .execute(db)
        .await
        .unwrap();
        sqlx::query("INSERT INTO people (id, owner_id, name) VALUES ($1::uuid, $2::uuid, 'Grandma Ingrid')")
            .bind(&person)
            .bind(&user_id)
            .execute(db)
            .await
            .unwrap();
        sqlx::query(
            "INSERT INTO asset_faces (id, asset_id, person_id, image_width, image_height,
                                      bounding_box_x1, bounding_box_y1, bounding_box_x2, bounding_box_y2, score)
             VALUES ($1::uuid, $2::uuid, $3::uuid, 64, 48, 1, 1, 20, 20, 0.9)",
        )
        .bind(&face)
        .bind(&asset)
        .bind(&person)
        .execute(db)
        .await
        .unwrap();
        let album = server
            .send(
                &token,
                Method::POST,
                "/albums",
                Some(json!({ "albumName": "Owner's secret album", "assetIds": [asset] })),
            )
            .await
            .json::<Value>()
            .await
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let link: Value = server
            .send(
                &token,
                Method::POST,
                "/shared-links",
                Some(json!({ "type": "ALBUM", "albumId": album, "showMetadata": false, "description": "Secret link" })),
            )
            .await
            .json()
            .await
            .unwrap();
        let key: Value = server
            .send(
                &token,
                Method::POST,
                "/api-keys",
                Some(json!({ "name": "owner-key-name", "permissions": ["asset.read"] })),
            )
            .await
            .json()
            .await
            .unwrap();
        Self {
            user_id,
            asset,
            album,
            person,
            face,
            link_id: link["id"].as_str().unwrap().to_owned(),
            link_key: link["key"].as_str().unwrap().to_owned(),
            key_id: key["apiKey"]["id"].as_str().unwrap().to_owned(),
            token,
        }
    }

    /// `rule`'s path with its parameters naming this library's things, and a query naming them too.
    fn path(&self, rule: &Rule) -> String {
        let id = match rule.path.split('/').nth(1).unwrap_or_default() {
            "assets" | "duplicates" => &self.asset,
            "albums" => &self.album,
            "people" => &self.person,
            "faces" => &self.face,
            "shared-links" => &self.link_id,
            "api-keys" => &self.key_id,
            _ => &self.user_id,
        };
        let path =
            rule.path.replace("{id}", id).replace("{user_id}", &self.user_id).replace("{name}", "thumbnailGeneration");
        format!(
            "{path}?id={}&albumId={}&personId={}&userId={}&timeBucket=2024-12-01&type=city&name=Ingrid",
            self.asset, self.album, self.person, self.user_id
        )
    }

    /// One body for every write, naming this library's things under every field name writes take.
    fn body(&self) -> Value {
        let (asset, album, person, user) = (&self.asset, &self.album, &self.person, &self.user_id);
        json!({
            "ids": [asset], "assetIds": [asset], "albumId": album, "albumIds": [album], "id": asset,
            "personId": person, "userId": user, "sharedWithId": user, "featureFaceAssetId": asset,
            "isFavorite": true, "visibility": "archive", "name": "Hacked", "albumName": "Hacked",
            "description": "Hacked", "type": "ALBUM", "permissions": ["all"], "role": "editor",
            "albumUsers": [{ "userId": user, "role": "editor" }], "people": [{ "id": person, "name": "Hacked" }],
            "data": [{ "assetId": asset, "personId": person }], "duplicateId": asset, "inTimeline": true,
            "query": "Ingrid", "city": "Secretville", "withExif": true, "withPeople": true,
            "types": SYNC_TYPES,
        })
    }
}

/// `rule`'s request: its method, path and (for writes) body, with `with` adding credentials.
async fn call(
    server: &TestServer,
    rule: &Rule,
    path: &str,
    body: Option<&Value>,
    with: impl FnOnce(reqwest::RequestBuilder) -> reqwest::RequestBuilder,
) -> (StatusCode, String) {
    let method = Method::from_bytes(rule.method.as_bytes()).unwrap();
    let mut request = server.http.request(method.clone(), server.api(path));
    if let Some(body) = body.filter(|_| method != Method::GET) {
        request = request.json(body);
    }
    let response = with(request).send().await.unwrap();
    let status = response.status();
    (status, String::from_utf8_lossy(&response.bytes().await.unwrap_or_default()).into_owned())
}

fn label(rule: &Rule) -> String {
    format!("{} {}", rule.method, rule.path)
}

fn permission_of(rule: &Rule) -> Option<&'static str> {
    match rule.access {
        Access::Public => None,
        Access::User { permission, .. } | Access::UserOrLink { permission } => permission,
    }
}

/// Immich's name for a path the router spells with snake case parameters.
/// The router names path parameters in snake case (`{user_id}`), Immich's document in camel case.
fn immich_template(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_parameter = false;
    let mut upper_next = false;
    for c in path.chars() {
        match c {
            '{' => in_parameter = true,
            '}' => in_parameter = false,
            '_' if in_parameter => {
                upper_next = true;
                continue;
            }
            _ => {}
        }
        if upper_next {
            out.extend(c.to_uppercase());
            upper_next = false;
        } else {
            out.push(c);
        }
    }
    out
}

#[tokio::test]
async fn every_route_has_the_rule_immichs_document_gives_it() {
    let spec = openapi::Spec::load();
    let server = TestServer::start().await;
    let mut failures = Vec::new();

    for rule in RULES {
        let template = immich_template(rule.path);
        let Some(operation) = spec.operation(rule.method, &template) else {
            if !SHOEBOX_ONLY.contains(&(rule.method, rule.path)) {
                failures.push(format!("{}: not in Immich's document nor among Shoebox's own", label(rule)));
            }
            continue;
        };
        // (public, permission, admin) as the document has them and as the table does.
        let immich = (
            operation.get("security").is_none(),
            operation["x-immich-permission"].as_str().map(str::to_owned),
            operation["x-immich-admin-only"].as_bool().unwrap_or(false),
        );
        let ours = match rule.access {
            Access::Public => (true, None, false),
            Access::User { permission, admin } => (false, permission.map(str::to_owned), admin),
            Access::UserOrLink { permission } => (false, permission.map(str::to_owned), false),
        };
        if ours != immich {
            failures.push(format!(
                "{}: the table says {ours:?}, Immich (public, permission, admin) {immich:?}",
                label(rule)
            ));
        }
    }

    // Every operation of the document, asked without credentials: a route served without a
    // rule would answer so; a rule's route must be served, not fall through to the 404.
    let placeholder = uuid::Uuid::new_v4().to_string();
    let shoebox_only = SHOEBOX_ONLY.iter().map(|(method, path)| (method.to_string(), path.to_string()));
    let operations = spec.operations().into_iter().map(|(method, path, _)| (method, path)).chain(shoebox_only);
    for (method, template) in operations {
        let path: String = template
            .split('/')
            .map(|segment| if segment.starts_with('{') { placeholder.as_str() } else { segment })
            .collect::<Vec<_>>()
            .join("/");
        let response = server
            .http
            .request(Method::from_bytes(method.as_bytes()).unwrap(), server.api(&path))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let has_rule = RULES.iter().any(|rule| rule.method == method && immich_template(rule.path) == template);
        if status.is_server_error() || text.contains("no access rule") {
            failures.push(format!("{method} {template}: {status} {text}"));
        }
        if has_rule && text.contains("No such API endpoint") {
            failures.push(format!("{method} {template}: has a rule but is not served"));
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn a_key_holding_one_unrelated_permission_is_refused_by_every_route_that_needs_another() {
    let server = TestServer::start().await;
    let owner = Library::create(&server).await;
    let bob = server.user(&owner.token, "bob@example.com").await;
    let (_, unrelated) = server.api_key(&owner.token, &[UNRELATED]).await;
    let (_, bobs_all) = server.api_key(&bob, &["all"]).await;
    let mut failures = Vec::new();

    for rule in RULES.iter().filter(|rule| rule.access != Access::Public) {
        let path = owner.path(rule);
        let (status, text) = call(&server, rule, &path, None, |r| r.header("x-api-key", &unrelated)).await;
        match permission_of(rule) {
            Some(permission) if status != StatusCode::FORBIDDEN || !text.contains(permission) => {
                failures.push(format!("{} with only {UNRELATED}: {status} {text}", label(rule)));
            }
            None if status == StatusCode::FORBIDDEN
                || status == StatusCode::UNAUTHORIZED
                || status.is_server_error() =>
            {
                failures.push(format!("{} needs no permission, yet: {status} {text}", label(rule)));
            }
            _ => {}
        }
        // A non-admin is refused admin routes, whatever the key holds.
        if let Access::User { admin: true, .. } = rule.access {
            for (who, request) in [("bob's session", None), ("bob's all-key", Some(&bobs_all))] {
                let (status, text) = call(&server, rule, &path, None, |r| match request {
                    Some(key) => r.header("x-api-key", key),
                    None => r.bearer_auth(&bob),
                })
                .await;
                if status != StatusCode::FORBIDDEN {
                    failures.push(format!("{} as {who}: {status} {text}", label(rule)));
                }
            }
        }
    }
    // The permission a route names is all it needs: a key holding just that one gets past.
    for rule in RULES.iter().filter(|rule| permission_of(rule).is_some()) {
        let permission = permission_of(rule).unwrap();
        let (_, key) = server.api_key(&owner.token, &[permission]).await;
        let path = owner.path(rule).replace(&owner.key_id, &uuid::Uuid::new_v4().to_string());
        let (status, text) = call(&server, rule, &path, None, |r| r.header("x-api-key", &key)).await;
        if status.is_server_error()
            || status == StatusCode::UNAUTHORIZED
            || text.contains("Missing required permission")
        {
            failures.push(format!("{} with {permission}: {status} {text}", label(rule)));
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn keys_change_keys_only_with_apikey_update_and_never_beyond_what_they_hold() {
    let server = TestServer::start().await;
    let owner = server.admin().await;
    let (reader_id, reader) = server.api_key(&owner, &["apiKey.read", "apiKey.create", "asset.read"]).await;
    let (updater_id, updater) = server.api_key(&owner, &["apiKey.update"]).await;
    let (other_id, _) = server.api_key(&owner, &["asset.read"]).await;
    let key_call = |secret: &str, method: Method, path: String, body: Value| {
        server.http.request(method, server.api(&path)).header("x-api-key", secret).json(&body).send()
    };

    for id in [&reader_id, &other_id] {
        let renamed = key_call(&reader, Method::PUT, format!("/api-keys/{id}"), json!({ "name": "x" })).await.unwrap();
        assert_eq!(renamed.status(), StatusCode::FORBIDDEN, "no apiKey.update, no change");
    }
    let grant_all = key_call(&reader, Method::POST, "/api-keys".into(), json!({ "permissions": ["all"] }));
    assert_eq!(grant_all.await.unwrap().status(), StatusCode::FORBIDDEN, "a new key gets no more than its maker");
    for id in [&updater_id, &other_id, &reader_id] {
        for permissions in [json!(["all"]), json!(["apiKey.update", "adminUser.update"]), json!(["asset.read"])] {
            let body = json!({ "permissions": permissions });
            let raised = key_call(&updater, Method::PUT, format!("/api-keys/{id}"), body).await.unwrap();
            assert_eq!(raised.status(), StatusCode::FORBIDDEN, "{id} to {permissions}");
        }
    }
    let keys: Value = server.get(&owner, "/api-keys").await.json().await.unwrap();
    let held = |id: &str| keys.as_array().unwrap().iter().find(|key| key["id"] == id).unwrap()["permissions"].clone();
    assert_eq!(held(&updater_id), json!(["apiKey.update"]));
    assert_eq!(held(&other_id), json!(["asset.read"]));
    assert_eq!(held(&reader_id), json!(["apiKey.read", "apiKey.create", "asset.read"]));
}

#[tokio::test]
async fn another_users_session_never_sees_or_changes_the_owners_things() {
    let server = TestServer::start().await;
    let owner = Library::create(&server).await;
    let bob = server.user(&owner.token, "bob@example.com").await;
    let body = owner.body();
    let mut failures = Vec::new();

    // Logging out would end the walk's own session; it is walked last.
    let (logout, rest): (Vec<&Rule>, Vec<&Rule>) = RULES.iter().partition(|rule| rule.path == "/auth/logout");
    for rule in rest.into_iter().chain(logout) {
        let (status, text) = call(&server, rule, &owner.path(rule), Some(&body), |r| r.bearer_auth(&bob)).await;
        if status.is_server_error() {
            failures.push(format!("{}: {status} {text}", label(rule)));
        }
        for secret in METADATA.iter().chain(PRIVATE).chain([&owner.link_key.as_str()]) {
            if text.contains(secret) {
                failures.push(format!("{} shows bob the owner's {secret:?}: {text}", label(rule)));
            }
        }
    }
    assert!(failures.is_empty(), "{} problems:\n{}", failures.len(), failures.join("\n"));

    // And the owner's things are as they were.
    let asset: Value = server.get(&owner.token, &format!("/assets/{}", owner.asset)).await.json().await.unwrap();
    assert_eq!(
        (asset["isFavorite"].clone(), asset["visibility"].clone()),
        (json!(false), json!("timeline")),
        "{asset}"
    );
    assert_eq!(asset["isTrashed"], false);
    assert_eq!(asset["exifInfo"]["city"], "Secretville");
    let album: Value = server.get(&owner.token, &format!("/albums/{}", owner.album)).await.json().await.unwrap();
    assert_eq!((album["albumName"].clone(), album["assetCount"].clone()), (json!("Owner's secret album"), json!(1)));
    let person: Value = server.get(&owner.token, &format!("/people/{}", owner.person)).await.json().await.unwrap();
    assert_eq!(person["name"], "Grandma Ingrid");
    let link = server.get(&owner.token, &format!("/shared-links/{}", owner.link_id)).await;
    assert_eq!(link.json::<Value>().await.unwrap()["description"], "Secret link");
    let key: Value = server.get(&owner.token, &format!("/api-keys/{}", owner.key_id)).await.json().await.unwrap();
    assert_eq!((key["name"].clone(), key["permissions"].clone()), (json!("owner-key-name"), json!(["asset.read"])));
    let me: Value = server.get(&owner.token, "/users/me").await.json().await.unwrap();
    assert_eq!((me["name"].clone(), me["isAdmin"].clone()), (json!("Admin"), json!(true)));
}

/// Walks every route as the holder of `key`; returns what leaked and what failed.
async fn walk_as_link_holder(server: &TestServer, owner: &Library, key: &str) -> Vec<String> {
    let body = owner.body();
    let mut problems = Vec::new();
    for rule in RULES {
        let path = format!("{}&key={key}", owner.path(rule));
        let (status, text) = call(server, rule, &path, Some(&body), |r| r).await;
        if status.is_server_error() {
            problems.push(format!("{}: {status} {text}", label(rule)));
        }
        for secret in METADATA {
            if text.contains(secret) {
                problems.push(format!("{} shows {secret:?}: {text}", label(rule)));
            }
        }
    }
    problems
}

#[tokio::test]
async fn a_link_hiding_metadata_never_answers_camera_place_or_people() {
    let server = TestServer::start().await;
    let owner = Library::create(&server).await;

    let leaks = walk_as_link_holder(&server, &owner, &owner.link_key).await;
    assert!(leaks.is_empty(), "{} problems:\n{}", leaks.len(), leaks.join("\n"));

    // The same walk with a link that shows metadata finds it: the check above can see a leak.
    let showing: Value = server
        .send(&owner.token, Method::POST, "/shared-links", Some(json!({ "type": "ALBUM", "albumId": owner.album })))
        .await
        .json()
        .await
        .unwrap();
    let shown = walk_as_link_holder(&server, &owner, showing["key"].as_str().unwrap()).await;
    for secret in ["Hasselblad", "Secretville", "Ingrid"] {
        assert!(shown.iter().any(|line| line.contains(secret)), "{secret} is shown by a link that shows metadata");
    }
}

//! A sync client that behaves like the Immich 3.1 mobile app, written from its Dart source:
//! it logs in and then authenticates with the login's cookies only, reads the server version
//! to pick its request types (`sync_api.repository.dart`), runs the pre-sync ack deletions
//! (`sync_stream.service.dart`), reads the JSON lines, checks each against the OpenAPI schema
//! its generated `fromJson` needs, writes it into SQLite tables with the app's foreign keys
//! ([`tables`]), and acks the last line of every run of one type. Anything the app would
//! reject — an unknown type, a blank line, a missing or mistyped field, a row before its
//! parent — fails the test.

pub mod tables;

use std::collections::BTreeSet;

use reqwest::StatusCode;
use reqwest::multipart::{Form, Part};
use rusqlite::Connection;
use serde_json::{Value, json};

use crate::common::TestServer;
use crate::openapi::Spec;

/// The entity types the app maps to a DTO (`_kResponseMap`), with that DTO's schema.
fn schema_of(entity: &str) -> Option<&'static str> {
    Some(match entity {
        "AuthUserV1" => "SyncAuthUserV1",
        "UserV1" => "SyncUserV1",
        "UserDeleteV1" => "SyncUserDeleteV1",
        "PartnerV1" => "SyncPartnerV1",
        "PartnerDeleteV1" => "SyncPartnerDeleteV1",
        "AssetV1"
        | "PartnerAssetV1"
        | "PartnerAssetBackfillV1"
        | "AlbumAssetCreateV1"
        | "AlbumAssetUpdateV1"
        | "AlbumAssetBackfillV1" => "SyncAssetV1",
        "AssetV2"
        | "PartnerAssetV2"
        | "PartnerAssetBackfillV2"
        | "AlbumAssetCreateV2"
        | "AlbumAssetUpdateV2"
        | "AlbumAssetBackfillV2" => "SyncAssetV2",
        "AssetDeleteV1" | "PartnerAssetDeleteV1" => "SyncAssetDeleteV1",
        "AssetExifV1"
        | "PartnerAssetExifV1"
        | "PartnerAssetExifBackfillV1"
        | "AlbumAssetExifCreateV1"
        | "AlbumAssetExifUpdateV1"
        | "AlbumAssetExifBackfillV1" => "SyncAssetExifV1",
        "AssetEditV1" => "SyncAssetEditV1",
        "AssetEditDeleteV1" => "SyncAssetEditDeleteV1",
        "AssetMetadataV1" => "SyncAssetMetadataV1",
        "AssetMetadataDeleteV1" => "SyncAssetMetadataDeleteV1",
        "AlbumV1" => "SyncAlbumV1",
        "AlbumV2" => "SyncAlbumV2",
        "AlbumDeleteV1" => "SyncAlbumDeleteV1",
        "AlbumUserV1" | "AlbumUserBackfillV1" => "SyncAlbumUserV1",
        "AlbumUserDeleteV1" => "SyncAlbumUserDeleteV1",
        "AlbumToAssetV1" | "AlbumToAssetBackfillV1" => "SyncAlbumToAssetV1",
        "AlbumToAssetDeleteV1" => "SyncAlbumToAssetDeleteV1",
        "MemoryV1" => "SyncMemoryV1",
        "MemoryDeleteV1" => "SyncMemoryDeleteV1",
        "MemoryToAssetV1" => "SyncMemoryAssetV1",
        "MemoryToAssetDeleteV1" => "SyncMemoryAssetDeleteV1",
        "StackV1" | "PartnerStackV1" | "PartnerStackBackfillV1" => "SyncStackV1",
        "StackDeleteV1" | "PartnerStackDeleteV1" => "SyncStackDeleteV1",
        "UserMetadataV1" => "SyncUserMetadataV1",
        "UserMetadataDeleteV1" => "SyncUserMetadataDeleteV1",
        "PersonV1" => "SyncPersonV1",
        "PersonDeleteV1" => "SyncPersonDeleteV1",
        "AssetFaceV1" => "SyncAssetFaceV1",
        "AssetFaceV2" => "SyncAssetFaceV2",
        "AssetFaceDeleteV1" => "SyncAssetFaceDeleteV1",
        "AssetOcrV1" => "SyncAssetOcrV1",
        "AssetOcrDeleteV1" => "SyncAssetOcrDeleteV1",
        _ => return None,
    })
}

/// The request types the app sends to a server of `version` (`streamChanges`).
pub fn request_types(version: (u64, u64, u64)) -> Vec<&'static str> {
    let v3 = version >= (3, 0, 0);
    let v26 = version >= (2, 6, 0);
    let mut types = vec!["AuthUsersV1", "UsersV1", if v3 { "AssetsV2" } else { "AssetsV1" }, "AssetExifsV1"];
    if v26 {
        types.push("AssetEditsV1");
    }
    types.extend([
        "AssetMetadataV1",
        "PartnersV1",
        if v3 { "PartnerAssetsV2" } else { "PartnerAssetsV1" },
        "PartnerAssetExifsV1",
        if v3 { "AlbumsV2" } else { "AlbumsV1" },
        "AlbumUsersV1",
        if v3 { "AlbumAssetsV2" } else { "AlbumAssetsV1" },
        "AlbumAssetExifsV1",
        "AlbumToAssetsV1",
        "MemoriesV1",
        "MemoryToAssetsV1",
        "StacksV1",
        "PartnerStacksV1",
        "UserMetadataV1",
        "PeopleV1",
        if v26 { "AssetFacesV2" } else { "AssetFacesV1" },
    ]);
    if v3 {
        types.push("AssetOcrV1");
    }
    types
}

/// What one sync did.
#[derive(Debug, Default)]
pub struct SyncRun {
    /// Every line's type, in stream order, over all streams of the run.
    pub types: Vec<String>,
    pub resets: usize,
}

impl SyncRun {
    pub fn count(&self, entity: &str) -> usize {
        self.types.iter().filter(|t| *t == entity).count()
    }
}

pub struct Phone<'a> {
    server: &'a TestServer,
    spec: Spec,
    pub db: Connection,
    cookie: String,
    pub user_id: String,
    /// The version the app believes the server has; `None` reads `/server/version`.
    pretend_version: Option<(u64, u64, u64)>,
    migrated: bool,
}

impl<'a> Phone<'a> {
    /// Logs in as the app does and keeps only the cookies of the answer.
    pub async fn login(server: &'a TestServer, email: &str, password: &str) -> Phone<'a> {
        let response = server
            .http
            .post(server.api("/auth/login"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|value| value.to_str().unwrap().split(';').next().unwrap().to_owned())
            .collect::<Vec<_>>()
            .join("; ");
        assert!(cookie.contains("immich_access_token="), "login sets the access token cookie: {cookie}");
        let body: Value = response.json().await.unwrap();
        let user_id = body["userId"].as_str().unwrap().to_owned();
        Phone {
            server,
            spec: Spec::load(),
            db: tables::open(),
            cookie,
            user_id,
            pretend_version: None,
            migrated: false,
        }
    }

    /// An app of an older release: it asks for the request types of a server of `version`.
    pub fn pretending_server_version(mut self, version: (u64, u64, u64)) -> Self {
        self.pretend_version = Some(version);
        self
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.server.http.request(method, self.server.api(path)).header("cookie", &self.cookie)
    }

    /// Whether this app asks the sync stream for `request` (the 2.x line has no OCR, say).
    pub async fn requests(&self, request: &str) -> bool {
        request_types(self.version().await).contains(&request)
    }

    async fn version(&self) -> (u64, u64, u64) {
        if let Some(version) = self.pretend_version {
            return version;
        }
        let version: Value =
            self.request(reqwest::Method::GET, "/server/version").send().await.unwrap().json().await.unwrap();
        (version["major"].as_u64().unwrap(), version["minor"].as_u64().unwrap(), version["patch"].as_u64().unwrap())
    }

    async fn delete_acks(&self, types: &[&str]) {
        let response =
            self.request(reqwest::Method::DELETE, "/sync/ack").json(&json!({ "types": types })).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "{}", response.text().await.unwrap());
    }

    async fn ack(&self, ack: &str) {
        let response =
            self.request(reqwest::Method::POST, "/sync/ack").json(&json!({ "acks": [ack] })).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::NO_CONTENT, "ack {ack}: {}", response.text().await.unwrap());
    }

    /// One `SyncStreamService.sync()`: version, pre-sync tasks, the stream, and one more
    /// stream after a reset.
    pub async fn sync(&mut self) -> SyncRun {
        let version = self.version().await;
        if !self.migrated {
            self.delete_acks(&["AlbumV1"]).await;
            self.delete_acks(&[
                "AssetExifV1",
                "PartnerAssetExifV1",
                "AlbumAssetExifCreateV1",
                "AlbumAssetExifUpdateV1",
            ])
            .await;
            if version >= (2, 5, 0) {
                self.delete_acks(&["AssetV1", "PartnerAssetV1", "AlbumAssetCreateV1", "AlbumAssetUpdateV1"]).await;
            }
            if version > (2, 7, 5) {
                self.delete_acks(&["AssetV1", "AssetV2"]).await;
            }
            self.migrated = true;
        }
        let mut run = SyncRun::default();
        let types = request_types(version);
        if self.stream(&types, &mut run).await {
            run.resets += 1;
            self.stream(&types, &mut run).await;
        }
        run
    }

    /// Reads one stream and applies it; `true` when the server asked for a reset.
    async fn stream(&mut self, types: &[&str], run: &mut SyncRun) -> bool {
        let response = self
            .request(reqwest::Method::POST, "/sync/stream")
            .header("accept", "application/jsonlines+json")
            .json(&json!({ "types": types }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "sync stream: {}", response.text().await.unwrap());
        let text = response.text().await.expect("the stream ends cleanly");
        assert!(text.is_empty() || text.ends_with('\n'), "the stream ends with a full line");
        let mut events: Vec<(String, Value, String)> = Vec::new();
        for line in text.lines() {
            assert!(!line.is_empty(), "a blank line in the stream aborts the app's sync:\n{text}");
            let line: Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
            let entity = line["type"].as_str().expect("type").to_owned();
            let ack = line["ack"].as_str().expect("ack").to_owned();
            let data = line["data"].clone();
            if let Some(schema) = schema_of(&entity) {
                let problems = self.spec.validate(&json!({ "$ref": format!("#/components/schemas/{schema}") }), &data);
                assert!(problems.is_empty(), "{entity} does not parse as {schema}: {problems:?}\n{data:#}");
            } else {
                assert!(
                    ["SyncAckV1", "SyncResetV1", "SyncCompleteV1"].contains(&entity.as_str()),
                    "the app does not know the entity type {entity}"
                );
            }
            run.types.push(entity.clone());
            events.push((entity, data, ack));
        }
        // `_handleEvents`: runs of one type are applied together, then their last ack is sent.
        let mut reset = false;
        let mut start = 0;
        while start < events.len() {
            let entity = events[start].0.clone();
            let end = events[start..].iter().position(|e| e.0 != entity).map_or(events.len(), |n| start + n);
            if entity == "SyncResetV1" {
                reset = true;
                tables::reset(&self.db);
            } else {
                let rows: Vec<Value> = events[start..end].iter().map(|e| e.1.clone()).collect();
                if let Err(err) = tables::apply(&mut self.db, &entity, &rows) {
                    panic!("the app's SQLite rejects {entity} ({err}); lines so far: {:?}", run.types);
                }
            }
            self.ack(&events[end - 1].2).await;
            start = end;
        }
        reset
    }

    /// Uploads like the app's backup: multipart with device ids, cookie auth, no checksum
    /// header; returns the new asset's id.
    pub async fn upload(&self, name: &str, bytes: Vec<u8>) -> String {
        let form = Form::new()
            .part("assetData", Part::bytes(bytes).file_name(name.to_owned()))
            .text("deviceAssetId", format!("{name}-local"))
            .text("deviceId", "phone-under-test")
            .text("fileCreatedAt", "2025-06-01T10:00:00.000Z")
            .text("fileModifiedAt", "2025-06-01T10:00:00.000Z")
            .text("isFavorite", "false")
            .text("duration", "0:00:00.000000");
        let response = self.request(reqwest::Method::POST, "/assets").multipart(form).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        body["id"].as_str().unwrap().to_owned()
    }

    /// Rows of one query over the phone's tables, each row's columns joined by `|`.
    pub fn rows(&self, sql: &str) -> BTreeSet<String> {
        let mut statement = self.db.prepare(sql).unwrap();
        let columns = statement.column_count();
        statement
            .query_map([], |row| {
                let mut parts = Vec::new();
                for i in 0..columns {
                    let value: rusqlite::types::Value = row.get(i)?;
                    parts.push(match value {
                        rusqlite::types::Value::Null => "null".to_owned(),
                        rusqlite::types::Value::Integer(n) => n.to_string(),
                        rusqlite::types::Value::Real(f) => f.to_string(),
                        rusqlite::types::Value::Text(t) => t,
                        rusqlite::types::Value::Blob(_) => "blob".to_owned(),
                    });
                }
                Ok(parts.join("|"))
            })
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }
}

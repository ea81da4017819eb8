//! External libraries through the API: admins alone manage them, import paths must be absolute
//! readable folders, patterns must be globs, and the answers have Immich's shapes. A library's
//! assets are indexed by the worker (see the worker's tests); here they are written as the worker
//! writes them, to see what the API makes of them: served from the user's folder, counted,
//! offline in the trash, and removed with the library while the files stay.

use crate::common;
use crate::openapi;

use common::{TestServer, expect_error, jpeg};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use shoebox_db::libraries::{self, NewLibraryFile};
use uuid::Uuid;

/// The admin's token, and a user's id and token.
async fn admin_and_user(server: &TestServer) -> (String, String, String) {
    let admin = server.admin().await;
    let user = server.user(&admin, "owner@example.com").await;
    let me: Value = server.get(&user, "/users/me").await.json().await.unwrap();
    (admin, me["id"].as_str().unwrap().to_owned(), user)
}

fn folder_path(folder: &tempfile::TempDir) -> String {
    folder.path().to_str().unwrap().to_owned()
}

/// Indexes `name` in `folder` as an asset of the library, as the worker's scan does.
async fn index(server: &TestServer, library: &Value, folder: &tempfile::TempDir, name: &str) -> Uuid {
    let path = folder.path().join(name);
    let bytes = std::fs::read(&path).unwrap();
    let new = NewLibraryFile {
        library_id: library["id"].as_str().unwrap().parse().unwrap(),
        owner_id: library["ownerId"].as_str().unwrap().parse().unwrap(),
        checksum: vec![7; 20],
        asset_type: shoebox_core::domain::AssetType::Image,
        original_path: shoebox_storage::Key::external(&path).unwrap().into_string(),
        original_file_name: name.to_owned(),
        original_mime_type: "image/jpeg".into(),
        file_size_bytes: bytes.len() as i64,
        file_created_at: "2024-06-01T10:00:00Z".parse().unwrap(),
        file_modified_at: "2024-06-01T10:00:00Z".parse().unwrap(),
    };
    libraries::insert_file(&server.ctx.db, &new).await.unwrap().expect("a new file")
}

#[tokio::test]
async fn admins_manage_libraries_of_checked_folders_in_immichs_shapes() {
    let spec = openapi::Spec::load();
    let server = TestServer::start().await;
    let (admin, owner_id, user) = admin_and_user(&server).await;
    let folder = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();

    let body = json!({ "ownerId": owner_id, "name": "Family NAS", "importPaths": [folder_path(&folder)] });
    let created = server.send(&admin, Method::POST, "/libraries", Some(body.clone())).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let library = spec.check_response(&Method::POST, "/libraries", created, &mut failures).await;
    let id = library["id"].as_str().unwrap().to_owned();
    assert_eq!((library["name"].clone(), library["ownerId"].clone()), (json!("Family NAS"), json!(owner_id)));
    assert_eq!(library["importPaths"], json!([folder_path(&folder)]));
    assert_eq!(library["exclusionPatterns"].as_array().unwrap().len(), 6, "Immich's defaults: {library}");
    assert!(library["exclusionPatterns"].as_array().unwrap().contains(&json!("**/@eaDir/**")));
    assert_eq!((library["assetCount"].clone(), library["refreshedAt"].clone()), (json!(0), Value::Null));

    let listed = server.get(&admin, "/libraries").await;
    let listed = spec.check_response(&Method::GET, "/libraries", listed, &mut failures).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    let read = server.get(&admin, &format!("/libraries/{id}")).await;
    spec.check_response(&Method::GET, "/libraries/{id}", read, &mut failures).await;
    let patterns = json!({ "name": "NAS", "exclusionPatterns": ["**/.*/**", "**/@eaDir/**"] });
    let updated = server.send(&admin, Method::PUT, &format!("/libraries/{id}"), Some(patterns)).await;
    let updated = spec.check_response(&Method::PUT, "/libraries/{id}", updated, &mut failures).await;
    assert_eq!(
        (updated["name"].clone(), updated["exclusionPatterns"].clone()),
        (json!("NAS"), json!(["**/.*/**", "**/@eaDir/**"]))
    );
    assert_eq!(updated["importPaths"], json!([folder_path(&folder)]), "left alone");
    let scan = server.send(&admin, Method::POST, &format!("/libraries/{id}/scan"), None).await;
    assert_eq!(scan.status(), StatusCode::NO_CONTENT);
    let statistics = server.get(&admin, &format!("/libraries/{id}/statistics")).await;
    let statistics = spec.check_response(&Method::GET, "/libraries/{id}/statistics", statistics, &mut failures).await;
    assert_eq!(statistics, json!({ "photos": 0, "videos": 0, "total": 0, "usage": 0 }));

    let missing = folder.path().join("not-there");
    let file = folder.path().join("a.jpg");
    std::fs::write(&file, jpeg(1)).unwrap();
    let paths = json!({ "importPaths": [folder_path(&folder), "photos/relative", missing, file] });
    let validated = server.send(&admin, Method::POST, &format!("/libraries/{id}/validate"), Some(paths)).await;
    let validated = spec.check_response(&Method::POST, "/libraries/{id}/validate", validated, &mut failures).await;
    let checks = validated["importPaths"].as_array().unwrap();
    assert_eq!(checks[0], json!({ "importPath": folder_path(&folder), "isValid": true }));
    let said = |i: usize| (checks[i]["isValid"].clone(), checks[i]["message"].as_str().unwrap_or_default().to_owned());
    assert!(said(1).0 == false && said(1).1.contains("must be absolute"), "{validated}");
    assert_eq!(said(2), (json!(false), "Path does not exist (ENOENT)".to_owned()));
    assert_eq!(said(3), (json!(false), "Not a directory".to_owned()));
    let data_folder = json!({ "importPaths": [server.data_dir.path()] });
    let validated = server.send(&admin, Method::POST, &format!("/libraries/{id}/validate"), Some(data_folder)).await;
    let validated: Value = validated.json().await.unwrap();
    assert!(validated["importPaths"][0]["message"].as_str().unwrap().contains("data folder"), "{validated}");

    // A non-admin may not touch libraries at all.
    for (method, path) in [
        (Method::GET, "/libraries".to_owned()),
        (Method::POST, "/libraries".to_owned()),
        (Method::GET, format!("/libraries/{id}")),
        (Method::DELETE, format!("/libraries/{id}")),
        (Method::POST, format!("/libraries/{id}/scan")),
        (Method::POST, format!("/libraries/{id}/validate")),
    ] {
        let response = server.send(&user, method.clone(), &path, Some(body.clone())).await;
        expect_error(response, StatusCode::FORBIDDEN).await;
    }

    let removed = server.send(&admin, Method::DELETE, &format!("/libraries/{id}"), None).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    expect_error(server.get(&admin, &format!("/libraries/{id}")).await, StatusCode::NOT_FOUND).await;
    assert!(failures.is_empty(), "{} contract failures:\n{}", failures.len(), failures.join("\n"));
}

#[tokio::test]
async fn bad_folders_owners_and_patterns_are_refused_with_400() {
    let server = TestServer::start().await;
    let (admin, owner_id, _) = admin_and_user(&server).await;
    let folder = tempfile::tempdir().unwrap();
    let refused = [
        (json!({ "ownerId": owner_id, "importPaths": ["photos/relative"] }), "must be absolute"),
        (json!({ "ownerId": owner_id, "importPaths": [folder.path().join("missing")] }), "Path does not exist"),
        (json!({ "ownerId": owner_id, "importPaths": [server.data_dir.path()] }), "data folder"),
        (json!({ "ownerId": owner_id, "exclusionPatterns": ["**/[oops"] }), "Invalid exclusion pattern"),
        (json!({ "ownerId": owner_id, "name": "  " }), "name must not be empty"),
        (json!({ "ownerId": Uuid::new_v4() }), "User not found"),
        (json!({ "ownerId": owner_id, "importPaths": vec![folder_path(&folder); 129] }), "no more than 128"),
        (json!({ "importPaths": [folder_path(&folder)] }), "ownerId"),
    ];
    for (body, message) in refused {
        let response = server.send(&admin, Method::POST, "/libraries", Some(body.clone())).await;
        let said = expect_error(response, StatusCode::BAD_REQUEST).await;
        assert!(said.contains(message), "{body}: {said}");
    }
    let library: Value = server
        .send(&admin, Method::POST, "/libraries", Some(json!({ "ownerId": owner_id })))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!((library["name"].clone(), library["importPaths"].clone()), (json!("New External Library"), json!([])));
    let id = library["id"].as_str().unwrap();
    let relative = json!({ "importPaths": ["relative"] });
    let response = server.send(&admin, Method::PUT, &format!("/libraries/{id}"), Some(relative)).await;
    assert!(expect_error(response, StatusCode::BAD_REQUEST).await.contains("must be absolute"));
    let nobody = Uuid::new_v4();
    for (method, path) in [
        (Method::GET, format!("/libraries/{nobody}")),
        (Method::PUT, format!("/libraries/{nobody}")),
        (Method::DELETE, format!("/libraries/{nobody}")),
        (Method::POST, format!("/libraries/{nobody}/scan")),
        (Method::GET, format!("/libraries/{nobody}/statistics")),
    ] {
        let response = server.send(&admin, method, &path, Some(json!({ "name": "x" }))).await;
        expect_error(response, StatusCode::NOT_FOUND).await;
    }
}

#[tokio::test]
async fn a_librarys_assets_are_served_from_the_folder_and_leave_it_untouched() {
    let server = TestServer::start().await;
    let (admin, owner_id, user) = admin_and_user(&server).await;
    let folder = tempfile::tempdir().unwrap();
    for (name, seed) in [("a.jpg", 1), ("b.jpg", 2)] {
        std::fs::write(folder.path().join(name), jpeg(seed)).unwrap();
    }
    let body = json!({ "ownerId": owner_id, "importPaths": [folder_path(&folder)] });
    let library: Value = server.send(&admin, Method::POST, "/libraries", Some(body)).await.json().await.unwrap();
    let id = library["id"].as_str().unwrap().to_owned();
    let a = index(&server, &library, &folder, "a.jpg").await;
    let b = index(&server, &library, &folder, "b.jpg").await;

    let asset: Value = server.get(&user, &format!("/assets/{a}")).await.json().await.unwrap();
    assert_eq!((asset["libraryId"].clone(), asset["isOffline"].clone()), (json!(id), json!(false)), "{asset}");
    let original = server.get(&user, &format!("/assets/{a}/original")).await;
    assert_eq!(original.status(), StatusCode::OK);
    assert_eq!(original.bytes().await.unwrap().to_vec(), jpeg(1), "read from the user's folder");
    let statistics: Value = server.get(&admin, &format!("/libraries/{id}/statistics")).await.json().await.unwrap();
    let size = |seed| jpeg(seed).len() as i64;
    assert_eq!(statistics, json!({ "photos": 2, "videos": 0, "total": 2, "usage": size(1) + size(2) }));
    let read: Value = server.get(&admin, &format!("/libraries/{id}")).await.json().await.unwrap();
    assert_eq!(read["assetCount"], 2);
    let me: Value = server.get(&admin, &format!("/admin/users/{owner_id}")).await.json().await.unwrap();
    assert_eq!(me["quotaUsageInBytes"], 0, "a library's files take none of the user's quota");

    // Offline: in the trash, out of the timeline; neither restoring nor emptying the trash touches it.
    libraries::set_offline(&server.ctx.db, &[b]).await.unwrap();
    let offline: Value = server.get(&user, &format!("/assets/{b}")).await.json().await.unwrap();
    assert_eq!((offline["isOffline"].clone(), offline["isTrashed"].clone()), (json!(true), json!(true)));
    let buckets: Value = server.get(&user, "/timeline/buckets").await.json().await.unwrap();
    assert_eq!(buckets, json!([{ "timeBucket": "2024-06-01", "count": 1 }]));
    let trash: Value = server.get(&user, "/timeline/buckets?isTrashed=true").await.json().await.unwrap();
    assert_eq!(trash, json!([{ "timeBucket": "2024-06-01", "count": 1 }]));
    let restored: Value = server.send(&user, Method::POST, "/trash/restore", None).await.json().await.unwrap();
    assert_eq!(restored["count"], 0);
    let emptied: Value = server.send(&user, Method::POST, "/trash/empty", None).await.json().await.unwrap();
    assert_eq!(emptied["count"], 0);
    libraries::set_online(&server.ctx.db, &[b]).await.unwrap();
    let back: Value = server.get(&user, &format!("/assets/{b}")).await.json().await.unwrap();
    assert_eq!((back["isOffline"].clone(), back["isTrashed"].clone()), (json!(false), json!(false)));

    // Deleting an asset for good, then the library, removes rows and derived files, never the folder's files.
    let thumbnail = shoebox_storage::Key::thumbnail(owner_id.parse().unwrap(), a);
    server.store_file(thumbnail.as_str(), b"webp".to_vec()).await;
    shoebox_db::assets::upsert_file(
        &server.ctx.db,
        a,
        shoebox_core::domain::AssetFileKind::Thumbnail,
        thumbnail.as_str(),
    )
    .await
    .unwrap();
    let forced = json!({ "ids": [b], "force": true });
    assert_eq!(server.send(&user, Method::DELETE, "/assets", Some(forced)).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        server.send(&admin, Method::DELETE, &format!("/libraries/{id}"), None).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(server.asset_rows().await, 0);
    expect_error(server.get(&user, &format!("/assets/{a}")).await, StatusCode::NOT_FOUND).await;
    assert!(server.ctx.storage.head(&thumbnail).await.unwrap().is_none(), "the thumbnail went with its asset");
    assert_eq!(std::fs::read(folder.path().join("a.jpg")).unwrap(), jpeg(1));
    assert_eq!(std::fs::read(folder.path().join("b.jpg")).unwrap(), jpeg(2));
    assert_eq!(std::fs::read_dir(folder.path()).unwrap().count(), 2, "nothing was added to the folder");
}

//! The Immich 3.1 mobile app against Shoebox, played by [`crate::phone::Phone`]: every
//! scenario syncs into the app's SQLite tables (foreign keys on) and then asserts that the
//! phone holds exactly the server's view of that user — assets and checksums, EXIF, albums,
//! their members and assets, partners, stacks, memories, people, faces and the words read in
//! photos.

use std::collections::BTreeSet;

use crate::common::{PASSWORD, TestServer, jpeg};
use crate::phone::{Phone, tables};
use reqwest::Method;
use serde_json::{Value, json};
use uuid::Uuid;

/// The server's view of `user`, one set of `|`-joined rows per phone table, from the server's
/// own tables (not the sync code's), so the test states what the phone should hold.
async fn server_view(server: &TestServer, user: &str) -> Vec<(&'static str, BTreeSet<String>)> {
    let user = Uuid::parse_str(user).unwrap();
    const VISIBLE_ALBUMS: &str =
        "(SELECT id FROM albums WHERE owner_id = $1 UNION SELECT album_id FROM album_users WHERE user_id = $1)";
    let visible_assets = format!(
        "(SELECT id FROM assets WHERE owner_id = $1
            OR owner_id IN (SELECT shared_by_id FROM partners WHERE shared_with_id = $1)
            OR id IN (SELECT asset_id FROM album_assets WHERE album_id IN {VISIBLE_ALBUMS}))"
    );
    let queries = [
        (
            "assets",
            format!("SELECT id::text || '|' || encode(checksum, 'base64') FROM assets WHERE id IN {visible_assets}"),
        ),
        ("exif", format!("SELECT asset_id::text FROM exif WHERE asset_id IN {visible_assets}")),
        ("albums", format!("SELECT id::text || '|' || album_name FROM albums WHERE id IN {VISIBLE_ALBUMS}")),
        (
            "album users",
            format!(
                "SELECT id::text || '|' || owner_id::text || '|owner' FROM albums WHERE id IN {VISIBLE_ALBUMS}
                 UNION SELECT album_id::text || '|' || user_id::text || '|' || role FROM album_users
                 WHERE album_id IN {VISIBLE_ALBUMS}"
            ),
        ),
        (
            "album assets",
            format!(
                "SELECT album_id::text || '|' || asset_id::text FROM album_assets WHERE album_id IN {VISIBLE_ALBUMS}"
            ),
        ),
        (
            "partners",
            "SELECT shared_by_id::text || '|' || shared_with_id::text || '|' || in_timeline::int FROM partners
             WHERE shared_by_id = $1 OR shared_with_id = $1"
                .to_owned(),
        ),
        (
            "stacks",
            "SELECT id::text || '|' || primary_asset_id::text FROM stacks WHERE owner_id = $1
                OR owner_id IN (SELECT shared_by_id FROM partners WHERE shared_with_id = $1)"
                .to_owned(),
        ),
        ("memories", "SELECT id::text FROM memories WHERE owner_id = $1".to_owned()),
        (
            "memory assets",
            "SELECT memory_id::text || '|' || asset_id::text FROM memory_assets
             WHERE memory_id IN (SELECT id FROM memories WHERE owner_id = $1)"
                .to_owned(),
        ),
        ("people", "SELECT id::text || '|' || name FROM people WHERE owner_id = $1".to_owned()),
        (
            "faces",
            "SELECT f.id::text || '|' || f.asset_id::text || '|' || coalesce(f.person_id::text, 'null')
             FROM asset_faces f JOIN assets a ON a.id = f.asset_id WHERE a.owner_id = $1"
                .to_owned(),
        ),
        (
            "text",
            "SELECT o.id::text || '|' || o.asset_id::text || '|' || o.text
             FROM asset_ocr o JOIN assets a ON a.id = o.asset_id WHERE a.owner_id = $1"
                .to_owned(),
        ),
    ];
    let mut view = Vec::new();
    for (table, sql) in queries {
        let rows: Vec<String> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(user).fetch_all(&server.ctx.db).await.unwrap();
        view.push((table, rows.into_iter().collect()));
    }
    view
}

fn phone_view(phone: &Phone) -> Vec<(&'static str, BTreeSet<String>)> {
    vec![
        ("assets", phone.rows("SELECT id, checksum FROM remote_asset_entity")),
        ("exif", phone.rows("SELECT asset_id FROM remote_exif_entity")),
        ("albums", phone.rows("SELECT id, name FROM remote_album_entity")),
        ("album users", phone.rows("SELECT album_id, user_id, role FROM remote_album_user_entity")),
        ("album assets", phone.rows("SELECT album_id, asset_id FROM remote_album_asset_entity")),
        ("partners", phone.rows("SELECT shared_by_id, shared_with_id, in_timeline FROM partner_entity")),
        ("stacks", phone.rows("SELECT id, primary_asset_id FROM stack_entity")),
        ("memories", phone.rows("SELECT id FROM memory_entity")),
        ("memory assets", phone.rows("SELECT memory_id, asset_id FROM memory_asset_entity")),
        ("people", phone.rows("SELECT id, name FROM person_entity")),
        ("faces", phone.rows("SELECT id, asset_id, person_id FROM asset_face_entity")),
        ("text", phone.rows("SELECT id, asset_id, recognized_text FROM asset_ocr_entity")),
    ]
}

/// The phone holds exactly what the server shows its user.
async fn assert_phone_matches_server(server: &TestServer, phone: &Phone<'_>) {
    let expected = server_view(server, &phone.user_id).await;
    let held = phone_view(phone);
    let reads_text = phone.requests("AssetOcrV1").await;
    for ((table, expected), (_, held)) in expected.iter().zip(&held) {
        if *table == "text" && !reads_text {
            assert!(held.is_empty(), "an app that never asked for text holds some: {held:?}");
            continue;
        }
        assert_eq!(held, expected, "the phone's {table} differ from the server's view");
    }
}

fn set<const N: usize>(items: [&str; N]) -> BTreeSet<String> {
    items.into_iter().map(str::to_owned).collect()
}

fn id_of(body: &Value) -> String {
    body["id"].as_str().unwrap().to_owned()
}

async fn ok_json(response: reqwest::Response) -> Value {
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap() }
}

async fn user_id(server: &TestServer, token: &str) -> String {
    id_of(&ok_json(server.get(token, "/users/me").await).await)
}

async fn album(server: &TestServer, token: &str, name: &str, assets: &[&str], members: &[(&str, &str)]) -> String {
    let users: Vec<Value> = members.iter().map(|(id, role)| json!({ "userId": id, "role": role })).collect();
    let body = json!({ "albumName": name, "assetIds": assets, "albumUsers": users });
    id_of(&ok_json(server.send(token, Method::POST, "/albums", Some(body)).await).await)
}

async fn share_library(server: &TestServer, token: &str, with: &str) {
    ok_json(server.send(token, Method::POST, "/partners", Some(json!({ "sharedWithId": with }))).await).await;
}

async fn sql(server: &TestServer, statement: &str, binds: &[&str]) {
    let mut query = sqlx::query(sqlx::AssertSqlSafe(statement.to_owned()));
    for bind in binds {
        query = query.bind(Uuid::parse_str(bind).unwrap());
    }
    query.execute(&server.ctx.db).await.unwrap();
}

/// EXIF as the metadata step would write it (no worker runs in these tests).
async fn exif(server: &TestServer, asset: &str) {
    sql(
        server,
        "INSERT INTO exif (asset_id, make, model, exif_image_width, exif_image_height, latitude, longitude, city)
         VALUES ($1, 'Fujifilm', 'X100V', 64, 48, 52.37, 4.89, 'Amsterdam') ON CONFLICT DO NOTHING",
        &[asset],
    )
    .await;
}

/// A person with one face on `asset`, as face detection and recognition leave them.
async fn person_with_face(server: &TestServer, owner: &str, asset: &str, name: &str) -> (String, String) {
    let (person, face) = (Uuid::new_v4().to_string(), Uuid::new_v4().to_string());
    sql(server, &format!("INSERT INTO people (id, owner_id, name) VALUES ($1, $2, '{name}')"), &[&person, owner]).await;
    sql(
        server,
        "INSERT INTO asset_faces (id, asset_id, person_id, image_width, image_height, bounding_box_x1,
             bounding_box_y1, bounding_box_x2, bounding_box_y2, score) VALUES ($1, $2, $3, 64, 48, 4, 4, 30, 30, 0.9)",
        &[&face, asset, &person],
    )
    .await;
    sql(server, "UPDATE people SET face_id = $1 WHERE id = $2", &[&face, &person]).await;
    (person, face)
}

/// Lines of text on `asset`, as the OCR step stores them (replacing what it read before).
async fn text_lines(server: &TestServer, asset: &str, texts: &[&str]) {
    let lines: Vec<shoebox_db::ocr::NewTextLine> = texts
        .iter()
        .map(|text| shoebox_db::ocr::NewTextLine {
            corners: [[0.1, 0.1], [0.5, 0.1], [0.5, 0.2], [0.1, 0.2]],
            box_score: 0.9,
            text_score: 0.9,
            text: (*text).to_owned(),
        })
        .collect();
    shoebox_db::ocr::replace(&server.ctx.db, Uuid::parse_str(asset).unwrap(), &lines).await.unwrap();
}

/// A stack of `assets` (the first is the primary) owned by `owner`.
async fn stack(server: &TestServer, owner: &str, assets: &[&str]) -> String {
    let id = Uuid::new_v4().to_string();
    sql(server, "INSERT INTO stacks (id, owner_id, primary_asset_id) VALUES ($1, $2, $3)", &[&id, owner, assets[0]])
        .await;
    for asset in assets {
        sql(server, "UPDATE assets SET stack_id = $1 WHERE id = $2", &[&id, asset]).await;
    }
    id
}

async fn memory(server: &TestServer, owner: &str, assets: &[&str]) -> String {
    let id = Uuid::new_v4().to_string();
    sql(
        server,
        "INSERT INTO memories (id, owner_id, type, data, memory_at) VALUES ($1, $2, 'on_this_day', '{\"year\": 2020}', now())",
        &[&id, owner],
    )
    .await;
    for asset in assets {
        sql(server, "INSERT INTO memory_assets (memory_id, asset_id) VALUES ($1, $2)", &[&id, asset]).await;
    }
    id
}

/// Admin (a partner who shares with Bea, and owns an album shared with her) and Bea (the
/// phone's user, with her own album, people, a memory and a stack).
struct Library {
    admin: String,
    admin_id: String,
    bea: String,
    bea_id: String,
    bea_assets: Vec<String>,
    admin_assets: Vec<String>,
}

async fn library(server: &TestServer) -> Library {
    let admin = server.admin().await;
    let bea = server.user(&admin, "bea@example.com").await;
    let (admin_id, bea_id) = (user_id(server, &admin).await, user_id(server, &bea).await);
    let mut bea_assets = Vec::new();
    for seed in 1..=3 {
        bea_assets
            .push(server.upload_new(&bea, &format!("bea-{seed}.jpg"), jpeg(seed), "2024-05-01T10:00:00.000Z").await);
    }
    let mut admin_assets = Vec::new();
    for seed in 11..=13 {
        admin_assets.push(
            server.upload_new(&admin, &format!("admin-{seed}.jpg"), jpeg(seed), "2023-05-01T10:00:00.000Z").await,
        );
    }
    for asset in bea_assets.iter().chain(&admin_assets) {
        exif(server, asset).await;
    }
    album(server, &bea, "Bea's trip", &[&bea_assets[0], &bea_assets[1]], &[]).await;
    album(server, &admin, "Family", &[&admin_assets[0], &admin_assets[1]], &[(&bea_id, "editor")]).await;
    share_library(server, &admin, &bea_id).await;
    person_with_face(server, &bea_id, &bea_assets[0], "Grandma").await;
    person_with_face(server, &bea_id, &bea_assets[1], "Grandpa").await;
    text_lines(server, &bea_assets[2], &["HAPPY BIRTHDAY", "Love, Grandma"]).await;
    text_lines(server, &admin_assets[0], &["Not Bea's"]).await;
    stack(server, &bea_id, &[&bea_assets[1], &bea_assets[2]]).await;
    stack(server, &admin_id, &[&admin_assets[2], &admin_assets[1]]).await;
    memory(server, &bea_id, &[&bea_assets[0], &bea_assets[2]]).await;
    let prefs = json!({ "memories": { "enabled": false } });
    ok_json(server.send(&bea, Method::PUT, "/users/me/preferences", Some(prefs)).await).await;
    Library { admin, admin_id, bea, bea_id, bea_assets, admin_assets }
}

#[tokio::test]
async fn a_fresh_login_syncs_the_whole_library_into_the_apps_tables() {
    let server = TestServer::start().await;
    let library = library(&server).await;
    let mut phone = Phone::login(&server, "bea@example.com", PASSWORD).await;
    let run = phone.sync().await;
    assert_eq!(run.resets, 0);
    assert_eq!(run.types.last().map(String::as_str), Some("SyncCompleteV1"));
    assert_phone_matches_server(&server, &phone).await;

    // What the phone's tabs read: her own and her partner's photos, both albums with their
    // members, her people, her memory, both stacks, her settings.
    assert_eq!(phone.rows("SELECT id FROM remote_asset_entity").len(), 6);
    assert_eq!(phone.rows("SELECT owner_id FROM remote_asset_entity"), set([&library.admin_id, &library.bea_id]));
    assert_eq!(phone.rows("SELECT name FROM remote_album_entity"), set(["Bea's trip", "Family"]));
    assert!(phone.rows("SELECT role FROM remote_album_user_entity").contains("editor"));
    assert_eq!(phone.rows("SELECT name FROM person_entity").len(), 2);
    assert_eq!(phone.rows("SELECT id FROM auth_user_entity"), set([&library.bea_id]));
    assert_eq!(phone.rows("SELECT key FROM user_metadata_entity"), set(["preferences"]));
    let stacked = phone.rows("SELECT stack_id FROM remote_asset_entity WHERE stack_id IS NOT NULL");
    assert_eq!(stacked.len(), 2, "both stacks are named on their assets");
    let favourites = phone.rows(&format!(
        "SELECT id FROM remote_asset_entity WHERE owner_id = '{}' AND is_favorite = 1",
        library.admin_id
    ));
    assert!(favourites.is_empty());

    // Acked: the next sync brings nothing but the end marker.
    let again = phone.sync().await;
    assert_eq!(again.types, ["SyncCompleteV1"]);
}

#[tokio::test]
async fn incremental_syncs_follow_uploads_edits_trash_restore_and_delete() {
    let server = TestServer::start().await;
    let library = library(&server).await;
    let mut phone = Phone::login(&server, "bea@example.com", PASSWORD).await;
    phone.sync().await;

    // A new upload from another device, and the partner's new photo.
    let new = server.upload_new(&library.bea, "new.jpg", jpeg(30), "2025-01-01T00:00:00.000Z").await;
    let partners = server.upload_new(&library.admin, "partner-new.jpg", jpeg(31), "2025-01-02T00:00:00.000Z").await;
    let run = phone.sync().await;
    assert_eq!(run.count("AssetV2"), 1);
    assert_eq!(run.count("PartnerAssetV2"), 1);
    assert_phone_matches_server(&server, &phone).await;

    // Edits: favourite, description, date.
    let id = &library.bea_assets[0];
    let edit =
        json!({ "isFavorite": true, "description": "At the lake", "dateTimeOriginal": "2020-07-01T12:00:00.000Z" });
    ok_json(server.send(&library.bea, Method::PUT, &format!("/assets/{id}"), Some(edit)).await).await;
    let run = phone.sync().await;
    assert!(run.count("AssetV2") >= 1, "{:?}", run.types);
    let row = phone.rows(&format!(
        "SELECT a.is_favorite, e.description FROM remote_asset_entity a JOIN remote_exif_entity e ON e.asset_id = a.id
         WHERE a.id = '{id}'"
    ));
    assert_eq!(row, set(["1|At the lake"]));
    let taken = phone.rows(&format!("SELECT date_time_original FROM remote_exif_entity WHERE asset_id = '{id}'"));
    assert!(taken.iter().next().unwrap().starts_with("2020-07-01T12:00:00"), "{taken:?}");
    assert_phone_matches_server(&server, &phone).await;

    // The photo's text read again: the old lines leave the phone, the new one arrives.
    let card = &library.bea_assets[2];
    text_lines(&server, card, &["HAPPY BIRTHDAY!"]).await;
    let run = phone.sync().await;
    assert_eq!((run.count("AssetOcrDeleteV1"), run.count("AssetOcrV1")), (2, 1), "{:?}", run.types);
    assert_eq!(phone.rows("SELECT recognized_text FROM asset_ocr_entity"), set(["HAPPY BIRTHDAY!"]));
    assert_phone_matches_server(&server, &phone).await;

    // Trash, restore, then delete for good.
    let trash = json!({ "ids": [new] });
    ok_json(server.send(&library.bea, Method::DELETE, "/assets", Some(trash.clone())).await).await;
    phone.sync().await;
    let trashed = phone.rows(&format!("SELECT deleted_at FROM remote_asset_entity WHERE id = '{new}'"));
    assert!(!trashed.contains("null"), "trashed on the phone: {trashed:?}");
    ok_json(server.send(&library.bea, Method::POST, "/trash/restore/assets", Some(trash.clone())).await).await;
    phone.sync().await;
    let restored = phone.rows(&format!("SELECT deleted_at FROM remote_asset_entity WHERE id = '{new}'"));
    assert_eq!(restored, set(["null"]));
    let purge = json!({ "ids": [new, library.bea_assets[0]], "force": true });
    ok_json(server.send(&library.bea, Method::DELETE, "/assets", Some(purge)).await).await;
    let partner_purge = json!({ "ids": [partners], "force": true });
    ok_json(server.send(&library.admin, Method::DELETE, "/assets", Some(partner_purge)).await).await;
    let run = phone.sync().await;
    assert_eq!(run.count("AssetDeleteV1"), 2, "{:?}", run.types);
    assert_eq!(run.count("PartnerAssetDeleteV1"), 1, "{:?}", run.types);
    assert_phone_matches_server(&server, &phone).await;
    assert!(phone.rows(&format!("SELECT id FROM remote_asset_entity WHERE id = '{new}'")).is_empty());
}

#[tokio::test]
async fn a_member_or_partner_added_later_gets_the_older_library_by_backfill() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    let bea = server.user(&admin, "bea@example.com").await;
    let carl = server.user(&admin, "carl@example.com").await;
    let bea_id = user_id(&server, &bea).await;
    // The admin's older library and album come first, so their update ids are older than
    // anything Bea's phone will have acked.
    let mut old = Vec::new();
    for seed in 42..=44 {
        let id = server.upload_new(&admin, &format!("old-{seed}.jpg"), jpeg(seed), "2021-01-01T00:00:00.000Z").await;
        exif(&server, &id).await;
        old.push(id);
    }
    let family = album(&server, &admin, "Family", &[&old[0], &old[1]], &[]).await;
    // Carl already shares with Bea, and Bea has an album: her phone gets checkpoints for both.
    let carls = server.upload_new(&carl, "carl.jpg", jpeg(40), "2022-01-01T00:00:00.000Z").await;
    exif(&server, &carls).await;
    share_library(&server, &carl, &bea_id).await;
    let beas = server.upload_new(&bea, "bea.jpg", jpeg(41), "2022-01-01T00:00:00.000Z").await;
    exif(&server, &beas).await;
    album(&server, &bea, "Mine", &[&beas], &[]).await;

    let mut phone = Phone::login(&server, "bea@example.com", PASSWORD).await;
    phone.sync().await;
    assert_phone_matches_server(&server, &phone).await;
    assert!(phone.rows("SELECT id FROM remote_album_entity WHERE name = 'Family'").is_empty());

    // Bea joins the old album: its assets, links and members are older than her acks.
    let users = json!({ "albumUsers": [{ "userId": bea_id, "role": "viewer" }] });
    ok_json(server.send(&admin, Method::PUT, &format!("/albums/{family}/users"), Some(users)).await).await;
    let run = phone.sync().await;
    assert_eq!(run.count("AlbumAssetBackfillV2"), 2, "{:?}", run.types);
    assert_eq!(run.count("AlbumToAssetBackfillV1"), 2, "{:?}", run.types);
    assert_eq!(run.count("AlbumAssetExifBackfillV1"), 2, "{:?}", run.types);
    assert!(run.count("AlbumUserBackfillV1") >= 1, "{:?}", run.types);
    assert!(run.count("SyncAckV1") >= 4, "each backfill ends with its checkpoint: {:?}", run.types);
    assert_phone_matches_server(&server, &phone).await;
    assert_eq!(phone.rows("SELECT role FROM remote_album_user_entity WHERE role = 'viewer'").len(), 1);

    // The admin starts sharing the whole (older) library with Bea.
    share_library(&server, &admin, &bea_id).await;
    let run = phone.sync().await;
    assert_eq!(run.count("PartnerAssetBackfillV2"), 3, "{:?}", run.types);
    assert_eq!(run.count("PartnerAssetExifBackfillV1"), 3, "{:?}", run.types);
    assert_phone_matches_server(&server, &phone).await;

    // Done: the backfills are complete and are not repeated.
    let again = phone.sync().await;
    assert_eq!(again.types, ["SyncCompleteV1"]);
}

#[tokio::test]
async fn a_partner_who_stops_sharing_leaves_the_phone() {
    let server = TestServer::start().await;
    let library = library(&server).await;
    let mut phone = Phone::login(&server, "bea@example.com", PASSWORD).await;
    phone.sync().await;
    assert_eq!(phone.rows("SELECT shared_by_id FROM partner_entity").len(), 1);

    let removed = server.send(&library.admin, Method::DELETE, &format!("/partners/{}", library.bea_id), None).await;
    assert!(removed.status().is_success(), "{}", removed.status());
    let run = phone.sync().await;
    assert_eq!(run.count("PartnerDeleteV1"), 1, "{:?}", run.types);
    // The admin's photo outside the shared album, and the admin's stack, leave the phone.
    assert!(run.count("PartnerAssetDeleteV1") >= 1, "{:?}", run.types);
    assert_eq!(run.count("PartnerStackDeleteV1"), 1, "{:?}", run.types);
    assert_phone_matches_server(&server, &phone).await;
    assert!(phone.rows("SELECT * FROM partner_entity").is_empty());
    let kept = phone.rows(&format!("SELECT id FROM remote_asset_entity WHERE owner_id = '{}'", library.admin_id));
    let in_album: BTreeSet<String> = library.admin_assets[..2].iter().cloned().collect();
    assert_eq!(kept, in_album, "only what the shared album shows stays");
}

#[tokio::test]
async fn albums_left_emptied_or_deleted_leave_the_phone() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    let bea = server.user(&admin, "bea@example.com").await;
    let bea_id = user_id(&server, &bea).await;
    let mut photos = Vec::new();
    for seed in 50..=53 {
        photos.push(server.upload_new(&admin, &format!("p{seed}.jpg"), jpeg(seed), "2024-01-01T00:00:00.000Z").await);
    }
    let trip = album(&server, &admin, "Trip", &[&photos[0], &photos[1]], &[(&bea_id, "editor")]).await;
    let party = album(&server, &admin, "Party", &[&photos[2]], &[(&bea_id, "viewer")]).await;
    let picnic = album(&server, &admin, "Picnic", &[&photos[3]], &[(&bea_id, "viewer")]).await;
    let mut phone = Phone::login(&server, "bea@example.com", PASSWORD).await;
    phone.sync().await;
    assert_eq!(phone.rows("SELECT id FROM remote_album_entity").len(), 3);
    assert_phone_matches_server(&server, &phone).await;

    // A photo taken out of an album, Bea removed from another, the third deleted.
    let out = json!({ "ids": [photos[1]] });
    ok_json(server.send(&admin, Method::DELETE, &format!("/albums/{trip}/assets"), Some(out)).await).await;
    ok_json(server.send(&admin, Method::DELETE, &format!("/albums/{party}/user/{bea_id}"), None).await).await;
    ok_json(server.send(&admin, Method::DELETE, &format!("/albums/{picnic}"), None).await).await;
    let run = phone.sync().await;
    assert_eq!(run.count("AlbumDeleteV1"), 2, "{:?}", run.types);
    assert!(run.count("AlbumToAssetDeleteV1") >= 1, "{:?}", run.types);
    assert_phone_matches_server(&server, &phone).await;
    assert_eq!(phone.rows("SELECT name FROM remote_album_entity"), set(["Trip"]));
    assert_eq!(phone.rows("SELECT id FROM remote_asset_entity"), set([&photos[0]]));
}

#[tokio::test]
async fn the_app_backs_up_with_its_login_cookie_and_sees_the_upload_on_the_next_sync() {
    let server = TestServer::start().await;
    let admin = server.admin().await;
    server.user(&admin, "bea@example.com").await;
    let mut phone = Phone::login(&server, "bea@example.com", PASSWORD).await;
    phone.sync().await;

    let photo = jpeg(77);
    let checksum = {
        use base64::Engine;
        use sha1::Digest;
        base64::engine::general_purpose::STANDARD.encode(sha1::Sha1::digest(&photo))
    };
    let id = phone.upload("IMG_0077.jpg", photo).await;
    let run = phone.sync().await;
    assert_eq!(run.count("AssetV2"), 1, "{:?}", run.types);
    let row = phone.rows(&format!("SELECT checksum, name, owner_id FROM remote_asset_entity WHERE id = '{id}'"));
    assert_eq!(row, set([&format!("{checksum}|IMG_0077.jpg|{}", phone.user_id)]));
    assert_phone_matches_server(&server, &phone).await;
}

#[tokio::test]
async fn an_app_of_the_2x_line_syncs_with_the_v1_types() {
    let server = TestServer::start().await;
    let library = library(&server).await;
    let mut phone = Phone::login(&server, "bea@example.com", PASSWORD).await.pretending_server_version((2, 5, 0));
    let run = phone.sync().await;
    for entity in ["AssetV1", "PartnerAssetV1", "AlbumV1", "AlbumAssetCreateV1", "AssetFaceV1"] {
        assert!(run.count(entity) > 0, "{entity} missing from {:?}", run.types);
    }
    assert!(run.types.iter().all(|t| !t.ends_with("V2")), "{:?}", run.types);
    assert_phone_matches_server(&server, &phone).await;

    let new = server.upload_new(&library.bea, "new.jpg", jpeg(90), "2025-01-01T00:00:00.000Z").await;
    let run = phone.sync().await;
    assert_eq!(run.count("AssetV1"), 1, "{:?}", run.types);
    assert_eq!(phone.rows(&format!("SELECT id FROM remote_asset_entity WHERE id = '{new}'")).len(), 1);
}

#[tokio::test]
async fn acks_the_server_cannot_honour_make_the_phone_start_over() {
    let server = TestServer::start().await;
    let _library = library(&server).await;
    let mut phone = Phone::login(&server, "bea@example.com", PASSWORD).await;
    phone.sync().await;
    // An ack from a future this database never reached (as after restoring a backup).
    sql(
        &server,
        "UPDATE session_sync_checkpoints SET ack = 'AssetV2|7fffffff-ffff-7fff-bfff-ffffffffffff' WHERE type = 'AssetV2'",
        &[],
    )
    .await;
    let run = phone.sync().await;
    assert_eq!(run.resets, 1, "{:?}", run.types);
    assert_eq!(run.types[0], "SyncResetV1");
    assert_phone_matches_server(&server, &phone).await;
    assert_eq!(phone.sync().await.types, ["SyncCompleteV1"]);
}

/// The client is strict where the app is: a row whose parent it never received is refused.
#[test]
fn the_apps_tables_refuse_a_row_before_its_parent() {
    let mut db = tables::open();
    let orphan_exif = json!({ "assetId": Uuid::new_v4(), "city": "Nowhere" });
    assert!(tables::apply(&mut db, "AssetExifV1", &[orphan_exif]).is_err());
    let orphan_asset = json!({
        "id": Uuid::new_v4(), "ownerId": Uuid::new_v4(), "originalFileName": "x.jpg", "checksum": "abc",
        "type": "IMAGE", "visibility": "timeline",
    });
    assert!(tables::apply(&mut db, "AssetV2", &[orphan_asset]).is_err(), "an asset needs its owner");
}

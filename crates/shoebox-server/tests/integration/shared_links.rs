//! Public links to an album: anyone with the key sees the album's photos and nothing else, can
//! download only when allowed, and loses access when the link expires or is deleted.

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const WHEN: &str = "2024-12-24T18:00:00.000Z";

#[tokio::test]
async fn a_link_opens_one_album_to_anyone_holding_it() {
    let server = TestServer::start().await;
    let owner = server.admin().await;
    let in_album = server.upload_new(&owner, "tree.jpg", jpeg(1), WHEN).await;
    let private = server.upload_new(&owner, "private.jpg", jpeg(2), WHEN).await;
    let album = server
        .send(&owner, Method::POST, "/albums", Some(json!({ "albumName": "Christmas", "assetIds": [in_album] })))
        .await
        .json::<Value>()
        .await
        .unwrap();
    let album_id = album["id"].as_str().unwrap().to_owned();

    let created = server
        .send(
            &owner,
            Method::POST,
            "/shared-links",
            Some(json!({ "type": "ALBUM", "albumId": album_id, "allowDownload": false })),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let link: Value = created.json().await.unwrap();
    let key = link["key"].as_str().unwrap().to_owned();
    assert_eq!(key.len(), 43, "256 bits, letters and digits");
    assert_eq!((link["type"].as_str(), link["album"]["albumName"].as_str()), (Some("ALBUM"), Some("Christmas")));
    let listed: Value = server.get(&owner, &format!("/shared-links?albumId={album_id}")).await.json().await.unwrap();
    assert_eq!(listed[0]["id"], link["id"]);

    // A stranger, with no account, holding only the key.
    let stranger = |path: &str| {
        server.http.get(server.api(&format!("{path}{}key={key}", if path.contains('?') { "&" } else { "?" }))).send()
    };
    let me: Value = stranger("/shared-links/me").await.unwrap().json().await.unwrap();
    assert_eq!(me["album"]["albumName"], "Christmas");
    let buckets: Value = stranger("/timeline/buckets").await.unwrap().json().await.unwrap();
    assert_eq!(buckets, json!([{ "timeBucket": "2024-12-01", "count": 1 }]));
    let month: Value = stranger("/timeline/bucket?timeBucket=2024-12-01").await.unwrap().json().await.unwrap();
    assert_eq!(month["id"], json!([in_album]));
    // Trying to widen the view changes nothing: the link's album is all there is.
    let widened: Value = stranger(&format!("/timeline/buckets?isTrashed=true&userId={}", uuid::Uuid::new_v4()))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(widened, json!([{ "timeBucket": "2024-12-01", "count": 1 }]));
    assert_eq!(stranger(&format!("/assets/{in_album}")).await.unwrap().status(), StatusCode::OK);
    for path in
        [format!("/assets/{private}"), format!("/assets/{private}/thumbnail"), format!("/assets/{private}/original")]
    {
        expect_error(stranger(&path).await.unwrap(), StatusCode::NOT_FOUND).await;
    }
    // Downloads were not allowed.
    let refused = stranger(&format!("/assets/{in_album}/original")).await.unwrap();
    assert!(expect_error(refused, StatusCode::FORBIDDEN).await.contains("does not allow downloads"));
    let post = |path: &str, body: Value| server.http.post(server.api(&format!("{path}?key={key}"))).json(&body).send();
    expect_error(post("/download/info", json!({})).await.unwrap(), StatusCode::FORBIDDEN).await;
    // Nothing but reading: the key is no login.
    let write =
        server.http.put(server.api(&format!("/assets/{in_album}?key={key}"))).json(&json!({ "isFavorite": true }));
    expect_error(write.send().await.unwrap(), StatusCode::UNAUTHORIZED).await;
    expect_error(
        server.http.get(server.api(&format!("/albums?key={key}"))).send().await.unwrap(),
        StatusCode::UNAUTHORIZED,
    )
    .await;

    // The owner allows downloads, then ends the link.
    let id = link["id"].as_str().unwrap();
    let edited = server
        .send(&owner, Method::PATCH, &format!("/shared-links/{id}"), Some(json!({ "allowDownload": true })))
        .await;
    assert_eq!(edited.json::<Value>().await.unwrap()["allowDownload"], true);
    let original = stranger(&format!("/assets/{in_album}/original")).await.unwrap();
    assert_eq!(original.bytes().await.unwrap().to_vec(), jpeg(1));
    // The whole album as a zip: the link plans its own album, and takes nothing from outside it.
    let planned: Value = post("/download/info", json!({ "userId": album_id })).await.unwrap().json().await.unwrap();
    assert_eq!(planned["archives"][0]["assetIds"], json!([in_album]), "{planned}");
    let outside = post("/download/archive", json!({ "assetIds": [in_album, private] })).await.unwrap();
    assert!(expect_error(outside, StatusCode::BAD_REQUEST).await.contains(&private));
    let zip = post("/download/archive", json!({ "assetIds": [in_album] })).await.unwrap();
    assert_eq!(zip.headers()["content-type"], "application/zip");
    assert!(zip.bytes().await.unwrap().starts_with(b"PK\x03\x04"));
    assert_eq!(
        server.send(&owner, Method::DELETE, &format!("/shared-links/{id}"), None).await.status(),
        StatusCode::NO_CONTENT
    );
    let gone = expect_error(stranger("/timeline/buckets").await.unwrap(), StatusCode::UNAUTHORIZED).await;
    assert!(gone.contains("does not exist or has expired"), "{gone}");
}

#[tokio::test]
async fn links_expire_and_only_album_owners_make_them() {
    let server = TestServer::start().await;
    let owner = server.admin().await;
    let member = server.user(&owner, "member@example.com").await;
    let member_id =
        server.get(&member, "/users/me").await.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let album = server
        .send(
            &owner,
            Method::POST,
            "/albums",
            Some(json!({ "albumName": "Trip", "albumUsers": [{ "userId": member_id, "role": "editor" }] })),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    let album_id = album["id"].as_str().unwrap().to_owned();

    let cases = [
        (&member, json!({ "type": "ALBUM", "albumId": album_id }), StatusCode::FORBIDDEN, "owner"),
        (&owner, json!({ "type": "INDIVIDUAL", "assetIds": [] }), StatusCode::BAD_REQUEST, "albums only"),
        (&owner, json!({ "type": "ALBUM" }), StatusCode::BAD_REQUEST, "albumId is required"),
        (
            &owner,
            json!({ "type": "ALBUM", "albumId": album_id, "allowUpload": true }),
            StatusCode::BAD_REQUEST,
            "uploads",
        ),
        (
            &owner,
            json!({ "type": "ALBUM", "albumId": album_id, "password": "x" }),
            StatusCode::BAD_REQUEST,
            "passwords",
        ),
        (
            &owner,
            json!({ "type": "ALBUM", "albumId": album_id, "expiresAt": "2001-01-01T00:00:00Z" }),
            StatusCode::BAD_REQUEST,
            "future",
        ),
        (&owner, json!({ "type": "ALBUM", "albumId": uuid::Uuid::new_v4() }), StatusCode::NOT_FOUND, "Album"),
    ];
    for (token, body, status, expected) in cases {
        let message =
            expect_error(server.send(token, Method::POST, "/shared-links", Some(body.clone())).await, status).await;
        assert!(message.contains(expected), "{body}: {message}");
    }

    let link: Value = server
        .send(
            &owner,
            Method::POST,
            "/shared-links",
            Some(json!({ "type": "ALBUM", "albumId": album_id, "expiresAt": "2999-01-01T00:00:00Z" })),
        )
        .await
        .json()
        .await
        .unwrap();
    let key = link["key"].as_str().unwrap();
    assert_eq!(
        server.http.get(server.api(&format!("/shared-links/me?key={key}"))).send().await.unwrap().status(),
        StatusCode::OK
    );
    // Time passes: the link expires.
    sqlx::query("UPDATE shared_links SET expires_at = now() - interval '1 second'")
        .execute(&server.ctx.db)
        .await
        .unwrap();
    let expired = server.http.get(server.api(&format!("/shared-links/me?key={key}"))).send().await.unwrap();
    expect_error(expired, StatusCode::UNAUTHORIZED).await;
    let wrong = server.http.get(server.api("/shared-links/me?key=not-a-key")).send().await.unwrap();
    expect_error(wrong, StatusCode::UNAUTHORIZED).await;
    // Members see no links; the owner's are theirs alone.
    assert_eq!(server.get(&member, "/shared-links").await.json::<Value>().await.unwrap(), json!([]));
    expect_error(
        server.get(&member, &format!("/shared-links/{}", link["id"].as_str().unwrap())).await,
        StatusCode::NOT_FOUND,
    )
    .await;
}

#[tokio::test]
async fn a_link_hiding_metadata_shows_no_camera_place_or_people_in_the_timeline_or_the_asset() {
    let server = TestServer::start().await;
    let owner = server.admin().await;
    let asset = server.upload_new(&owner, "sea.jpg", jpeg(1), WHEN).await;
    // What the metadata and face steps would have written.
    for statement in [
        "INSERT INTO exif (asset_id, make, model, latitude, longitude, city, state, country)
         VALUES ($1::uuid, 'Canon', 'EOS 5D', 55.04, 8.46, 'List', 'Schleswig-Holstein', 'Germany')",
        "INSERT INTO people (id, owner_id, name) SELECT gen_random_uuid(), owner_id, 'Grandma' FROM assets WHERE id = $1::uuid",
        "INSERT INTO asset_faces (id, asset_id, person_id, image_width, image_height,
                                  bounding_box_x1, bounding_box_y1, bounding_box_x2, bounding_box_y2, score)
         SELECT gen_random_uuid(), $1::uuid, id, 64, 48, 1, 1, 20, 20, 0.9 FROM people",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(statement)).bind(&asset).execute(&server.ctx.db).await.unwrap();
    }
    let album: Value = server
        .send(&owner, Method::POST, "/albums", Some(json!({ "albumName": "Sea", "assetIds": [asset] })))
        .await
        .json()
        .await
        .unwrap();
    let link_with = |show_metadata: bool| {
        let body = json!({ "type": "ALBUM", "albumId": album["id"], "showMetadata": show_metadata });
        let (server, owner) = (&server, &owner);
        async move {
            let link: Value = server.send(owner, Method::POST, "/shared-links", Some(body)).await.json().await.unwrap();
            link["key"].as_str().unwrap().to_owned()
        }
    };
    let (hiding, showing) = (link_with(false).await, link_with(true).await);
    let server = &server;
    let read = |key: &str, path: &str| {
        let url = server.api(&format!("{path}{}key={key}", if path.contains('?') { "&" } else { "?" }));
        async move { server.http.get(url).send().await.unwrap().json::<Value>().await.unwrap() }
    };

    let month = "/timeline/bucket?timeBucket=2024-12-01";
    let shown = read(&showing, month).await;
    assert_eq!((shown["city"].clone(), shown["latitude"].clone()), (json!(["List"]), json!([55.04])), "{shown}");
    assert_eq!(read(&showing, &format!("/assets/{asset}")).await["people"][0]["name"], "Grandma");

    let hidden = read(&hiding, month).await;
    assert_eq!(hidden["id"], json!([asset]), "{hidden}");
    for column in ["city", "country", "latitude", "longitude"] {
        assert_eq!(hidden[column], json!([null]), "{column}: {hidden}");
    }
    let hidden = read(&hiding, &format!("/assets/{asset}")).await;
    assert_eq!(hidden["id"], asset.as_str());
    for secret in ["Canon", "EOS", "List", "Germany", "55.04", "Grandma"] {
        assert!(!hidden.to_string().contains(secret), "{secret}: {hidden}");
    }
}

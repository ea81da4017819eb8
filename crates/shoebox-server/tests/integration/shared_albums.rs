//! A family sharing an album: the owner shares it with an editor and a viewer, who see its photos
//! (and only those), the editor adds their own, the viewer only looks, and leaving or being
//! removed ends access.

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

const WHEN: &str = "2024-06-01T10:00:00.000Z";

async fn json_of(server: &TestServer, token: &str, path: &str) -> Value {
    let response = server.get(token, path).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

async fn user_id(server: &TestServer, token: &str) -> String {
    json_of(server, token, "/users/me").await["id"].as_str().unwrap().to_owned()
}

/// Assets in the album's timeline as `user` sees it.
async fn album_count(server: &TestServer, token: &str, album: &str) -> i64 {
    let buckets = json_of(server, token, &format!("/timeline/buckets?albumId={album}")).await;
    buckets.as_array().unwrap().iter().map(|bucket| bucket["count"].as_i64().unwrap()).sum()
}

#[tokio::test]
async fn a_shared_album_lets_members_see_and_editors_add() {
    let server = TestServer::start().await;
    let owner = server.admin().await;
    let editor = server.user(&owner, "alice@example.com").await;
    let viewer = server.user(&owner, "bob@example.com").await;
    let stranger = server.user(&owner, "carol@example.com").await;
    let (editor_id, viewer_id) = (user_id(&server, &editor).await, user_id(&server, &viewer).await);
    let family_photo = jpeg(1);
    let photo = server.upload_new(&owner, "family.jpg", family_photo.clone(), WHEN).await;
    let private = server.upload_new(&owner, "private.jpg", jpeg(2), WHEN).await;

    // Anyone can see whom to share with, not themselves.
    let others = json_of(&server, &editor, "/users").await;
    let emails: Vec<&str> = others.as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails, ["admin@example.com", "bob@example.com", "carol@example.com"]);

    let created = server.send(&owner,
        Method::POST,
        "/albums",
        Some(json!({ "albumName": "Family", "assetIds": [photo], "albumUsers": [{ "userId": editor_id, "role": "editor" }] })),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let album: Value = created.json().await.unwrap();
    let id = album["id"].as_str().unwrap().to_owned();
    assert_eq!(album["shared"], true);
    // Immich's default role for an added user is editor; ask for viewer explicitly.
    let shared = server
        .send(
            &owner,
            Method::PUT,
            &format!("/albums/{id}/users"),
            Some(json!({ "albumUsers": [{ "userId": viewer_id, "role": "viewer" }] })),
        )
        .await;
    assert_eq!(shared.status(), StatusCode::OK);
    let shared: Value = shared.json().await.unwrap();
    let roles: Vec<(&str, &str)> = shared["albumUsers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["user"]["email"].as_str().unwrap(), u["role"].as_str().unwrap()))
        .collect();
    assert_eq!(roles, [("admin@example.com", "owner"), ("alice@example.com", "editor"), ("bob@example.com", "viewer")]);

    // Members find the album among those shared with them, and see its photo, not the rest.
    for member in [&editor, &viewer] {
        let listed = json_of(&server, member, "/albums").await;
        assert_eq!(listed.as_array().unwrap().len(), 1);
        assert_eq!(json_of(&server, member, "/albums?isOwned=false").await.as_array().unwrap().len(), 1);
        assert_eq!(json_of(&server, member, "/albums?isOwned=true").await, json!([]));
        assert_eq!(json_of(&server, member, &format!("/albums/{id}")).await["assetCount"], 1);
        assert_eq!(json_of(&server, member, &format!("/assets/{photo}")).await["originalFileName"], "family.jpg");
        let original = server.get(member, &format!("/assets/{photo}/original")).await;
        assert_eq!(original.bytes().await.unwrap().to_vec(), family_photo);
        assert_eq!(album_count(&server, member, &id).await, 1);
        expect_error(server.get(member, &format!("/assets/{private}")).await, StatusCode::NOT_FOUND).await;
        assert_eq!(json_of(&server, member, "/timeline/buckets").await, json!([]), "not in their own timeline");
    }
    // Someone it was not shared with sees nothing of it.
    expect_error(server.get(&stranger, &format!("/albums/{id}")).await, StatusCode::NOT_FOUND).await;
    expect_error(server.get(&stranger, &format!("/assets/{photo}")).await, StatusCode::NOT_FOUND).await;
    expect_error(server.get(&stranger, &format!("/assets/{photo}/original")).await, StatusCode::NOT_FOUND).await;
    assert_eq!(album_count(&server, &stranger, &id).await, 0);
    assert_eq!(json_of(&server, &stranger, "/albums").await, json!([]));

    // The editor adds a photo of their own, which the owner then sees; not someone else's.
    let theirs = server.upload_new(&editor, "alice.jpg", jpeg(3), WHEN).await;
    let added = server
        .send(&editor, Method::PUT, &format!("/albums/{id}/assets"), Some(json!({ "ids": [theirs, private] })))
        .await;
    let added: Value = added.json().await.unwrap();
    assert_eq!(
        added,
        json!([{ "id": theirs, "success": true }, { "id": private, "success": false, "error": "not_found" }])
    );
    assert_eq!(album_count(&server, &owner, &id).await, 2);
    assert_eq!(json_of(&server, &owner, &format!("/assets/{theirs}")).await["originalFileName"], "alice.jpg");
    assert_eq!(album_count(&server, &viewer, &id).await, 2);
    let planned = server.send(&viewer, Method::POST, "/download/info", Some(json!({ "albumId": id }))).await;
    let planned: Value = planned.json().await.unwrap();
    assert_eq!(planned["archives"][0]["assetIds"].as_array().unwrap().len(), 2, "{planned}");
    // The editor cannot take the owner's photo out; the owner can take out anyone's.
    let removed =
        server.send(&editor, Method::DELETE, &format!("/albums/{id}/assets"), Some(json!({ "ids": [photo] }))).await;
    assert_eq!(removed.json::<Value>().await.unwrap()[0]["error"], "not_found");
    let removed =
        server.send(&owner, Method::DELETE, &format!("/albums/{id}/assets"), Some(json!({ "ids": [theirs] }))).await;
    assert_eq!(removed.json::<Value>().await.unwrap()[0]["success"], true);

    // The viewer only looks; neither member may change the album itself.
    let refused =
        server.send(&viewer, Method::PUT, &format!("/albums/{id}/assets"), Some(json!({ "ids": [photo] }))).await;
    assert!(expect_error(refused, StatusCode::FORBIDDEN).await.contains("viewer"));
    for member in [&editor, &viewer] {
        let renamed =
            server.send(member, Method::PATCH, &format!("/albums/{id}"), Some(json!({ "albumName": "Mine" }))).await;
        expect_error(renamed, StatusCode::FORBIDDEN).await;
        expect_error(server.send(member, Method::DELETE, &format!("/albums/{id}"), None).await, StatusCode::FORBIDDEN)
            .await;
        let invite = server
            .send(
                member,
                Method::PUT,
                &format!("/albums/{id}/users"),
                Some(json!({ "albumUsers": [{ "userId": editor_id }] })),
            )
            .await;
        expect_error(invite, StatusCode::FORBIDDEN).await;
    }
    let stats = json_of(&server, &owner, "/albums/statistics").await;
    assert_eq!(stats, json!({ "owned": 1, "shared": 1, "notShared": 0 }));
    assert_eq!(
        json_of(&server, &viewer, "/albums/statistics").await,
        json!({ "owned": 0, "shared": 1, "notShared": 0 })
    );

    // Promoting the viewer lets them add; then they leave, and the owner removes the editor.
    let promoted = server
        .send(&owner, Method::PUT, &format!("/albums/{id}/user/{viewer_id}"), Some(json!({ "role": "editor" })))
        .await;
    assert_eq!(promoted.status(), StatusCode::NO_CONTENT);
    let bobs = server.upload_new(&viewer, "bob.jpg", jpeg(4), WHEN).await;
    let added =
        server.send(&viewer, Method::PUT, &format!("/albums/{id}/assets"), Some(json!({ "ids": [bobs] }))).await;
    assert_eq!(added.json::<Value>().await.unwrap()[0]["success"], true);
    let left = server.send(&viewer, Method::DELETE, &format!("/albums/{id}/user/me"), None).await;
    assert_eq!(left.status(), StatusCode::NO_CONTENT);
    expect_error(server.get(&viewer, &format!("/albums/{id}")).await, StatusCode::NOT_FOUND).await;
    expect_error(server.get(&viewer, &format!("/assets/{photo}")).await, StatusCode::NOT_FOUND).await;
    assert_eq!(album_count(&server, &owner, &id).await, 2, "what a member added stays after they leave");
    let removed = server.send(&owner, Method::DELETE, &format!("/albums/{id}/user/{editor_id}"), None).await;
    assert_eq!(removed.status(), StatusCode::NO_CONTENT);
    expect_error(server.get(&editor, &format!("/assets/{photo}/original")).await, StatusCode::NOT_FOUND).await;
    assert_eq!(json_of(&server, &owner, &format!("/albums/{id}")).await["shared"], false);
}

#[tokio::test]
async fn sharing_mistakes_get_clear_errors_and_change_nothing() {
    let server = TestServer::start().await;
    let owner = server.admin().await;
    let member = server.user(&owner, "alice@example.com").await;
    let (owner_id, member_id) = (user_id(&server, &owner).await, user_id(&server, &member).await);
    let created = server.send(&owner, Method::POST, "/albums", Some(json!({ "albumName": "Trip" }))).await;
    let id = created.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    let users = format!("/albums/{id}/users");
    let nobody = uuid::Uuid::new_v4();

    let cases = [
        (json!({ "albumUsers": [{ "userId": owner_id }] }), "owner cannot be added"),
        (json!({ "albumUsers": [{ "userId": member_id }, { "userId": nobody }] }), "No such user"),
        (json!({ "albumUsers": [{ "userId": member_id, "role": "owner" }] }), "role must be editor or viewer"),
        (json!({ "albumUsers": [] }), "at least one user"),
    ];
    for (body, expected) in cases {
        let message =
            expect_error(server.send(&owner, Method::PUT, &users, Some(body.clone())).await, StatusCode::BAD_REQUEST)
                .await;
        assert!(message.contains(expected), "{body}: {message}");
    }
    assert_eq!(
        json_of(&server, &owner, &format!("/albums/{id}")).await["albumUsers"].as_array().unwrap().len(),
        1,
        "all or nothing"
    );

    assert_eq!(
        server
            .send(&owner, Method::PUT, &users, Some(json!({ "albumUsers": [{ "userId": member_id }] })))
            .await
            .status(),
        StatusCode::OK
    );
    let twice =
        server.send(&owner, Method::PUT, &users, Some(json!({ "albumUsers": [{ "userId": member_id }] }))).await;
    assert!(expect_error(twice, StatusCode::BAD_REQUEST).await.contains("already a member"));
    let leave = server.send(&owner, Method::DELETE, &format!("/albums/{id}/user/me"), None).await;
    assert!(expect_error(leave, StatusCode::BAD_REQUEST).await.contains("cannot leave"));
    let kick = server.send(&member, Method::DELETE, &format!("/albums/{id}/user/{owner_id}"), None).await;
    expect_error(kick, StatusCode::FORBIDDEN).await;
    let stranger = server.send(&owner, Method::DELETE, &format!("/albums/{id}/user/{nobody}"), None).await;
    expect_error(stranger, StatusCode::NOT_FOUND).await;
    let bad = server.send(&owner, Method::DELETE, &format!("/albums/{id}/user/someone"), None).await;
    expect_error(bad, StatusCode::BAD_REQUEST).await;

    // A photo the owner locks or trashes leaves members' view of the album, whatever they ask for.
    let secret = server.upload_new(&owner, "secret.jpg", jpeg(9), "2024-01-01T00:00:00.000Z").await;
    let trashed = server.upload_new(&owner, "trashed.jpg", jpeg(10), "2024-01-01T00:00:00.000Z").await;
    let add = json!({ "ids": [secret, trashed] });
    assert_eq!(
        server.send(&owner, Method::PUT, &format!("/albums/{id}/assets"), Some(add)).await.status(),
        StatusCode::OK
    );
    assert_eq!(album_count(&server, &member, &id).await, 2);
    let lock = json!({ "visibility": "locked" });
    assert_eq!(
        server.send(&owner, Method::PUT, &format!("/assets/{secret}"), Some(lock)).await.status(),
        StatusCode::OK
    );
    let trash = json!({ "ids": [trashed] });
    assert_eq!(server.send(&owner, Method::DELETE, "/assets", Some(trash)).await.status(), StatusCode::NO_CONTENT);
    for hidden in [&secret, &trashed] {
        expect_error(server.get(&member, &format!("/assets/{hidden}")).await, StatusCode::NOT_FOUND).await;
    }
    assert_eq!(album_count(&server, &member, &id).await, 0);
    // Asking for the locked view takes an unlocked session, as in Immich.
    let asked = format!("/timeline/buckets?albumId={id}&visibility=locked");
    expect_error(server.get(&member, &asked).await, StatusCode::UNAUTHORIZED).await;
    let trash_view = format!("/timeline/buckets?albumId={id}&isTrashed=true");
    assert_eq!(json_of(&server, &member, &trash_view).await, json!([]));

    // A create that cannot share as asked leaves no album behind.
    let refused = server
        .send(
            &owner,
            Method::POST,
            "/albums",
            Some(json!({ "albumName": "Ghost", "albumUsers": [{ "userId": nobody, "role": "viewer" }] })),
        )
        .await;
    expect_error(refused, StatusCode::BAD_REQUEST).await;
    assert_eq!(json_of(&server, &owner, "/albums?name=Ghost").await, json!([]));
}

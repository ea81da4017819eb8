//! What a user deleted for good stays deleted: the phone uploading it again (Immich #29627) is
//! answered as a duplicate with reason `deleted`, while another user may still upload the same
//! bytes, and the owner can turn the refusal off in their preferences.

use crate::common;

use common::{TestServer, jpeg};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha1::{Digest, Sha1};

const WHEN: &str = "2024-06-01T12:00:00.000Z";

#[tokio::test]
async fn a_photo_deleted_for_good_is_refused_when_its_owner_uploads_it_again() {
    let server = TestServer::start().await;
    let alice = server.admin().await;
    let bob = server.user(&alice, "bob@example.com").await;
    let photo = jpeg(41);
    let sha1_hex = hex::encode(Sha1::digest(&photo));

    let id = server.upload_new(&alice, "deleted.jpg", photo.clone(), WHEN).await;
    // Trashed only: the same bytes are an ordinary duplicate of the trashed asset.
    let trashed = server.send(&alice, Method::DELETE, "/assets", Some(json!({ "ids": [id] }))).await;
    assert_eq!(trashed.status(), StatusCode::NO_CONTENT);
    let again = server.upload(&alice, "deleted.jpg", photo.clone(), WHEN).await;
    assert_eq!(again.json::<Value>().await.unwrap(), json!({ "id": id, "status": "duplicate" }));

    let purged = server.send(&alice, Method::DELETE, "/assets", Some(json!({ "ids": [id], "force": true }))).await;
    assert_eq!(purged.status(), StatusCode::NO_CONTENT);
    assert_eq!(server.asset_rows().await, 0);

    let refused = server.upload(&alice, "deleted.jpg", photo.clone(), WHEN).await;
    assert_eq!(refused.status(), StatusCode::OK);
    assert_eq!(refused.json::<Value>().await.unwrap(), json!({ "id": id, "status": "duplicate", "reason": "deleted" }));
    assert_eq!(server.asset_rows().await, 0, "nothing was stored for the refused upload");
    assert!(server.stored_originals().await.is_empty(), "no file was kept for the refused upload");

    // The checksum header and the CLI's bulk check say the same before any byte moves.
    let checked: Value = server
        .send(&alice, Method::POST, "/assets/bulk-upload-check", Some(json!({ "assets": [{ "id": "a", "checksum": sha1_hex }] })))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(checked["results"][0]["action"], "reject");
    assert_eq!(checked["results"][0]["reason"], "duplicate");
    assert_eq!(checked["results"][0]["assetId"], id.as_str());

    // Another user is not refused.
    let bobs = server.upload(&bob, "same.jpg", photo.clone(), WHEN).await;
    assert_eq!(bobs.status(), StatusCode::CREATED);

    // The owner turns it off: the upload is accepted as a new asset.
    let preferences: Value = server.get(&alice, "/users/me/preferences").await.json().await.unwrap();
    assert_eq!(preferences["deletedStaysDeleted"], json!({ "enabled": true }));
    let off = server
        .send(&alice, Method::PUT, "/users/me/preferences", Some(json!({ "deletedStaysDeleted": { "enabled": false } })))
        .await;
    assert_eq!(off.status(), StatusCode::OK);
    let accepted = server.upload(&alice, "deleted.jpg", photo.clone(), WHEN).await;
    assert_eq!(accepted.status(), StatusCode::CREATED);
    let new_id = accepted.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();
    assert_ne!(new_id, id);
}

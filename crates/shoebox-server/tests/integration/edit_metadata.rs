//! Correcting a photo's metadata by hand: description, rating, date and place, one asset or
//! many, with clear errors for values that cannot be right.

use crate::common;

use common::{TestServer, expect_error, jpeg};
use reqwest::StatusCode;
use serde_json::{Value, json};
use shoebox_db::places::{self, Place};

#[tokio::test]
async fn a_photo_gets_its_description_rating_date_and_place_corrected() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let helsinki = Place {
        name: "Helsinki".into(),
        admin1: Some("Uusimaa".into()),
        admin2: None,
        country_code: "FI".into(),
        latitude: 60.169_52,
        longitude: 24.935_45,
    };
    assert!(places::load_into_empty(&server.ctx.db, &[(1, helsinki)]).await.unwrap());
    let id = server.upload_new(&token, "beach.jpg", jpeg(1), "2024-02-03T04:05:06.000Z").await;

    let edit = json!({
        "description": "Grandma's birthday",
        "rating": 4,
        "dateTimeOriginal": "2001-02-03T04:05:06+02:00",
        "latitude": 60.17,
        "longitude": 24.94,
    });
    let response = server.http.put(server.api(&format!("/assets/{id}"))).bearer_auth(&token).json(&edit);
    let response = response.send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let asset: Value = response.json().await.unwrap();
    assert_eq!(asset["localDateTime"], "2001-02-03T04:05:06.000Z", "the wall clock where it was taken");
    assert_eq!(asset["fileCreatedAt"], "2001-02-03T02:05:06.000Z");
    let exif = &asset["exifInfo"];
    assert_eq!(exif["description"], "Grandma's birthday");
    assert_eq!(exif["rating"], 4);
    assert_eq!(exif["dateTimeOriginal"], "2001-02-03T02:05:06.000Z");
    assert_eq!(exif["timeZone"], "UTC+02:00");
    assert_eq!((exif["latitude"].as_f64(), exif["longitude"].as_f64()), (Some(60.17), Some(24.94)));
    assert_eq!(
        (exif["city"].as_str(), exif["state"].as_str(), exif["country"].as_str()),
        (Some("Helsinki"), Some("Uusimaa"), Some("Finland"))
    );
    let locked: Vec<String> =
        sqlx::query_scalar("SELECT unnest(locked_properties) FROM exif WHERE asset_id = $1::uuid")
            .bind(&id)
            .fetch_all(&server.ctx.db)
            .await
            .unwrap();
    assert_eq!(locked, ["dateTimeOriginal", "description", "latitude", "longitude", "rating", "timeZone"]);
    // The timeline files it under its new month.
    let buckets: Value = server.get(&token, "/timeline/buckets").await.json().await.unwrap();
    assert_eq!(buckets, json!([{ "timeBucket": "2001-02-01", "count": 1 }]));

    // A wall-clock time without an offset stands for itself; null clears the rating.
    let response = server.http.put(server.api(&format!("/assets/{id}"))).bearer_auth(&token);
    let asset: Value = response
        .json(&json!({ "dateTimeOriginal": "1999-12-31T23:59", "rating": null }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(asset["localDateTime"], "1999-12-31T23:59:00.000Z");
    assert_eq!(asset["exifInfo"]["rating"], Value::Null);
    assert_eq!(asset["exifInfo"]["description"], "Grandma's birthday", "untouched fields stay");

    // Many at once.
    let other = server.upload_new(&token, "other.jpg", jpeg(2), "2024-02-03T04:05:06.000Z").await;
    let bulk = server.http.put(server.api("/assets")).bearer_auth(&token);
    let bulk = bulk.json(&json!({ "ids": [id, other], "description": "Summer" })).send().await.unwrap();
    assert_eq!(bulk.status(), StatusCode::NO_CONTENT);
    for asset in [&id, &other] {
        let read: Value = server.get(&token, &format!("/assets/{asset}")).await.json().await.unwrap();
        assert_eq!(read["exifInfo"]["description"], "Summer");
    }
}

#[tokio::test]
async fn impossible_metadata_is_refused_and_changes_nothing() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let stranger = server.user(&token, "stranger@example.com").await;
    let id = server.upload_new(&token, "a.jpg", jpeg(3), "2024-02-03T04:05:06.000Z").await;
    let cases = [
        (json!({ "rating": 6 }), "rating must be from -1 to 5"),
        (json!({ "latitude": 10.0 }), "given together"),
        (json!({ "latitude": 91.0, "longitude": 0.0 }), "within ±90"),
        (json!({ "dateTimeOriginal": "yesterday" }), "dateTimeOriginal must be a date"),
        (json!({ "description": "new", "rating": 9 }), "rating"),
    ];
    for (body, expected) in cases {
        let response = server.http.put(server.api(&format!("/assets/{id}"))).bearer_auth(&token).json(&body);
        let message = expect_error(response.send().await.unwrap(), StatusCode::BAD_REQUEST).await;
        assert!(message.contains(expected), "{body}: {message}");
    }
    let read: Value = server.get(&token, &format!("/assets/{id}")).await.json().await.unwrap();
    assert_eq!(read["localDateTime"], "2024-02-03T04:05:06.000Z");
    assert!(read["exifInfo"].is_null() || read["exifInfo"]["description"].is_null(), "{read}");

    let theirs = server.http.put(server.api(&format!("/assets/{id}"))).bearer_auth(&stranger);
    let theirs = theirs.json(&json!({ "description": "mine now" })).send().await.unwrap();
    expect_error(theirs, StatusCode::NOT_FOUND).await;
}

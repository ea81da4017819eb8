//! Importing a Google Takeout export with the real command: a tree that follows Google's
//! published layout, with every sidecar naming case (plain and supplemental-metadata sidecars,
//! names cut at Google's length, `(1)` duplicates, `-edited` copies, a live photo, broken JSON,
//! no sidecar at all), albums from `metadata.json`, and favorite, archived and trashed photos.
//! Every case is checked through the API once the worker has read the photos; a second import of
//! the same tree adds nothing.

use crate::common;

use std::collections::HashMap;
use std::time::Duration;

use common::{Stack, fixtures, jpeg};
use serde_json::Value;
use shoebox_interchange::testing::{TestMedia, write_takeout_tree};

const LIMIT: Duration = Duration::from_secs(300);

fn line_count(report: &str, label: &str) -> i64 {
    report
        .lines()
        .find_map(|line| {
            line.trim().split("; ").find_map(|part| part.strip_prefix(label)?.split(' ').next()?.parse().ok())
        })
        .unwrap_or_else(|| panic!("no {label:?} in\n{report}"))
}

#[tokio::test]
async fn a_takeout_export_imports_with_every_naming_case_matched_and_twice_adds_nothing() {
    let mut stack = Stack::start(false).await;
    let tree = tempfile::tempdir().unwrap();
    let media = TestMedia {
        jpeg: jpeg(7),
        mp4: std::fs::read(fixtures().join("video/bikes.mp4")).unwrap(),
        heic: Some(std::fs::read(fixtures().join("photos/pug.heic")).unwrap()),
    };
    let expected = write_takeout_tree(tree.path(), &media).unwrap();
    let distinct = expected.items.iter().filter(|item| item.same_bytes_as.is_none()).count() as i64;
    let copies = expected.items.len() as i64 - distinct;

    let root = tree.path().display().to_string();
    let report = stack.worker_cli(&["import", "takeout", &root, "--user", "admin@example.com"]);
    assert_eq!(line_count(&report, "takeout: "), expected.items.len() as i64, "{report}");
    assert_eq!(line_count(&report, "imported: "), distinct, "{report}");
    assert_eq!(line_count(&report, "already in the library: "), copies, "{report}");
    assert_eq!(line_count(&report, "albums created: "), expected.albums.len() as i64, "{report}");
    assert_eq!(line_count(&report, "live photos paired: "), 1, "{report}");
    let with_sidecar = expected.items.iter().filter(|item| item.sidecar_path.is_some() && !item.sidecar_error).count() as i64;
    assert!(report.contains(&format!("{} media files, {with_sidecar} with their sidecar", expected.items.len())), "{report}");
    for sidecar in &expected.unmatched_sidecars {
        assert!(report.contains(sidecar.as_str()), "the unclaimed sidecar {sidecar} is reported:\n{report}");
    }

    // The worker reads every photo; the sidecars' facts fill what the files lack.
    stack.start_worker();
    stack.wait_for(distinct, 0, LIMIT).await;

    let rows: Vec<(String, uuid::Uuid)> =
        sqlx::query_as("SELECT device_asset_id, id FROM assets").fetch_all(&stack.ctx.db).await.unwrap();
    let ids: HashMap<String, uuid::Uuid> = rows.into_iter().collect();
    for item in &expected.items {
        let source = item.same_bytes_as.as_ref().unwrap_or(&item.path);
        let id = ids.get(source).unwrap_or_else(|| panic!("{} ({}) was not imported", item.path, item.case));
        let asset = stack.get_json(&format!("/assets/{id}")).await;
        let case = format!("{} ({})", item.path, item.case);
        if item.same_bytes_as.is_some() {
            continue;
        }
        assert_eq!(asset["isFavorite"], item.favorited, "{case}");
        assert_eq!(asset["isTrashed"], item.trashed, "{case}");
        assert_eq!(asset["visibility"] == "archive", item.archived, "{case}: {}", asset["visibility"]);
        // The JPEGs carry no EXIF of their own, so what Google knew is what they show.
        if !item.is_video && item.path.to_lowercase().ends_with(".jpg") && !item.sidecar_error {
            let exif = &asset["exifInfo"];
            match item.taken_at {
                Some(taken) => {
                    let shown: chrono::DateTime<chrono::Utc> = exif["dateTimeOriginal"].as_str().unwrap().parse().unwrap();
                    assert_eq!(shown, taken, "{case}: date taken");
                }
                None => assert!(exif["dateTimeOriginal"].is_null() || item.sidecar_path.is_none(), "{case}"),
            }
            if let (Some(lat), Some(lon)) = (item.latitude, item.longitude) {
                assert!((exif["latitude"].as_f64().unwrap() - lat).abs() < 1e-6, "{case}: latitude");
                assert!((exif["longitude"].as_f64().unwrap() - lon).abs() < 1e-6, "{case}: longitude");
            } else {
                assert!(exif["latitude"].is_null(), "{case}: no place ({})", exif["latitude"]);
            }
            if let Some(description) = &item.description {
                assert_eq!(exif["description"], description.as_str(), "{case}: caption");
            }
        }
        if let Some(still) = &item.live_photo_of {
            let still = stack.get_json(&format!("/assets/{}", ids[still])).await;
            assert_eq!(still["livePhotoVideoId"], id.to_string(), "{case}: paired with its still");
        }
    }
    let albums = stack.get_json("/albums").await;
    for album in &expected.albums {
        let found: Vec<&Value> = albums.as_array().unwrap().iter().filter(|a| a["albumName"] == album.title.as_str()).collect();
        assert_eq!(found.len(), 1, "album {} is made once", album.title);
        let members = expected.items.iter().filter(|item| item.album_titles.contains(&album.title)).count();
        assert_eq!(found[0]["assetCount"], members as i64, "album {}", album.title);
    }

    // The same export again: everything is already there.
    let before: i64 = sqlx::query_scalar("SELECT count(*) FROM assets").fetch_one(&stack.ctx.db).await.unwrap();
    let again = stack.worker_cli(&["import", "takeout", &root, "--user", "admin@example.com"]);
    assert_eq!(line_count(&again, "imported: "), 0, "{again}");
    assert_eq!(line_count(&again, "albums created: "), 0, "{again}");
    assert_eq!(line_count(&again, "photos added to albums: "), 0, "{again}");
    let after: i64 = sqlx::query_scalar("SELECT count(*) FROM assets").fetch_one(&stack.ctx.db).await.unwrap();
    assert_eq!(after, before);
    assert_eq!(stack.get_json("/albums").await.as_array().unwrap().len(), expected.albums.len());
}

async fn wait_run(stack: &Stack, token: &str, path: &str, id: &Value) -> Value {
    let start = std::time::Instant::now();
    loop {
        let runs: Value = stack.http.get(stack.api(path)).bearer_auth(token).send().await.unwrap().json().await.unwrap();
        if let Some(run) = runs.as_array().unwrap().iter().find(|run| &run["id"] == id)
            && (run["status"] == "completed" || run["status"] == "failed")
        {
            return run.clone();
        }
        assert!(start.elapsed() < LIMIT, "{path} {id} did not finish: {runs}");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
}

/// A user's whole library leaves as a zip with XMP and Takeout sidecars, and that zip, uploaded
/// through the API by another user, comes back in as the same photos, dates and albums.
#[tokio::test]
async fn an_export_by_album_carries_sidecars_and_imports_back_through_the_api() {
    let mut stack = Stack::start(false).await;
    stack.start_worker();
    let dates = ["2019-03-04T05:06:07.000Z", "2020-07-08T09:10:11.000Z", "2021-12-24T18:00:00.000Z"];
    let mut ids = Vec::new();
    for (seed, date) in dates.iter().enumerate() {
        let form = reqwest::multipart::Form::new()
            .part("assetData", reqwest::multipart::Part::bytes(jpeg(900 + seed as u32)).file_name(format!("p{seed}.jpg")))
            .text("fileCreatedAt", date.to_string())
            .text("fileModifiedAt", date.to_string());
        let created: Value =
            stack.http.post(stack.api("/assets")).bearer_auth(&stack.token).multipart(form).send().await.unwrap().json().await.unwrap();
        ids.push(created["id"].as_str().unwrap().to_owned());
    }
    stack.wait_for(3, 0, LIMIT).await;
    let album = serde_json::json!({ "albumName": "Été à Paris", "assetIds": &ids[..2] });
    let made = stack.http.post(stack.api("/albums")).bearer_auth(&stack.token).json(&album).send().await.unwrap();
    assert_eq!(made.status(), reqwest::StatusCode::CREATED);
    let caption = serde_json::json!({ "description": "the tower" });
    stack.http.put(stack.api(&format!("/assets/{}", ids[0]))).bearer_auth(&stack.token).json(&caption).send().await.unwrap();

    let started: Value = stack
        .http
        .post(stack.api("/exports"))
        .bearer_auth(&stack.token)
        .json(&serde_json::json!({ "groupBy": "album" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let run = wait_run(&stack, &stack.token, "/exports", &started["id"]).await;
    assert_eq!(run["status"], "completed", "{run}");
    assert_eq!(run["result"]["files"], 3, "{run}");
    let zip_bytes = stack.get(&format!("/exports/{}/download", started["id"].as_str().unwrap())).await.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip_bytes.to_vec())).unwrap();
    let names: Vec<String> = (0..archive.len()).map(|i| archive.by_index(i).unwrap().name().unwrap().into_owned()).collect();
    assert!(names.contains(&"Été à Paris/p0.jpg".to_owned()), "{names:?}");
    assert!(names.contains(&"Not in an album/2021/12/p2.jpg".to_owned()), "{names:?}");
    let mut xmp = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("Été à Paris/p0.jpg.xmp").unwrap(), &mut xmp).unwrap();
    let facts = shoebox_interchange::read_xmp(xmp.as_bytes()).unwrap();
    assert_eq!(facts.description.as_deref(), Some("the tower"));
    let mut json = Vec::new();
    std::io::Read::read_to_end(&mut archive.by_name("Été à Paris/p0.jpg.supplemental-metadata.json").unwrap(), &mut json).unwrap();
    let sidecar = shoebox_interchange::parse_photo_sidecar(&json).unwrap();
    assert_eq!(sidecar.title.as_deref(), Some("p0.jpg"));
    // Another user gets nothing of it.
    let admin = stack.token.clone();
    let bob_created = stack
        .http
        .post(stack.api("/admin/users"))
        .bearer_auth(&admin)
        .json(&serde_json::json!({ "email": "bob@example.com", "name": "Bob", "password": "bob password 1" }))
        .send()
        .await
        .unwrap();
    assert_eq!(bob_created.status(), reqwest::StatusCode::CREATED);
    let login: Value = stack
        .http
        .post(stack.api("/auth/login"))
        .json(&serde_json::json!({ "email": "bob@example.com", "password": "bob password 1" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let bob = login["accessToken"].as_str().unwrap().to_owned();
    let theirs = stack.http.get(stack.api(&format!("/exports/{}/download", started["id"].as_str().unwrap()))).bearer_auth(&bob).send().await.unwrap();
    assert_eq!(theirs.status(), reqwest::StatusCode::NOT_FOUND);

    // Bob uploads the zip as a Takeout export: the same photos, dates and album arrive.
    let form = reqwest::multipart::Form::new()
        .part("file", reqwest::multipart::Part::bytes(zip_bytes.to_vec()).file_name("takeout.zip"));
    let queued = stack.http.post(stack.api("/imports/takeout")).bearer_auth(&bob).multipart(form).send().await.unwrap();
    assert_eq!(queued.status(), reqwest::StatusCode::CREATED);
    let queued: Value = queued.json().await.unwrap();
    let run = wait_run(&stack, &bob, "/imports/takeout", &queued["id"]).await;
    assert_eq!(run["status"], "completed", "{run}");
    assert_eq!(run["result"]["imported"], 3, "{run}");
    assert_eq!(run["result"]["matchedSidecars"], 3, "{run}");
    assert_eq!(run["result"]["albumsCreated"], 1, "{run}");
    let albums: Value = stack.http.get(stack.api("/albums")).bearer_auth(&bob).send().await.unwrap().json().await.unwrap();
    assert_eq!(albums[0]["albumName"], "Été à Paris");
    assert_eq!(albums[0]["assetCount"], 2);
    stack.wait_for(6, 0, LIMIT).await;
    let bobs: Vec<(String, chrono::DateTime<chrono::Utc>)> = sqlx::query_as(
        "SELECT a.original_file_name, a.local_date_time FROM assets a
         JOIN users u ON u.id = a.owner_id WHERE u.email = 'bob@example.com' ORDER BY a.original_file_name",
    )
    .fetch_all(&stack.ctx.db)
    .await
    .unwrap();
    let taken: Vec<String> = bobs.iter().map(|(_, at)| at.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()).collect();
    assert_eq!(taken, dates, "each photo keeps its date through export and import");
    // A file that is not a zip is refused with a clear error, and nothing is queued.
    let form = reqwest::multipart::Form::new().part("file", reqwest::multipart::Part::bytes(b"hello".to_vec()).file_name("x.zip"));
    let refused = stack.http.post(stack.api("/imports/takeout")).bearer_auth(&bob).multipart(form).send().await.unwrap();
    assert_eq!(refused.status(), reqwest::StatusCode::BAD_REQUEST);
}

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

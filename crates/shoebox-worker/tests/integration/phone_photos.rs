//! HEIC photos from Samsung and Xiaomi phones, through upload, a real worker and the API: their
//! camera, when they were taken (with the offset) and where, as the user sees them.

use crate::common;

use std::time::Duration;

use common::Stack;
use serde_json::Value;

struct Expected {
    fixture: &'static str,
    make: &'static str,
    model: &'static str,
    /// The instant (UTC) and the wall-clock time where it was taken.
    date_time_original: &'static str,
    local_date_time: &'static str,
    time_zone: &'static str,
    city: &'static str,
    country: &'static str,
}

const PHONES: [Expected; 2] = [
    Expected {
        fixture: "photos/heic/samsung_galaxy_s25_ultra.heic",
        make: "samsung",
        model: "Galaxy S25 Ultra",
        date_time_original: "2025-06-02T11:07:50.000Z",
        local_date_time: "2025-06-02T14:07:50.000Z",
        time_zone: "UTC+03:00",
        city: "Haabneeme",
        country: "Estonia",
    },
    Expected {
        fixture: "photos/heic/xiaomi_m2012k11ag.heic",
        make: "Xiaomi",
        model: "M2012K11AG",
        date_time_original: "2023-04-27T16:44:18.000Z",
        local_date_time: "2023-04-27T19:44:18.000Z",
        time_zone: "UTC+03:00",
        city: "Rostov-na-Donu",
        country: "Russian Federation",
    },
];

#[tokio::test]
async fn samsung_and_xiaomi_heic_show_camera_date_and_place() {
    let mut stack = Stack::start(true).await;
    let mut ids = Vec::new();
    for phone in &PHONES {
        ids.push(stack.upload_fixture(phone.fixture).await);
    }
    stack.start_worker();
    stack.wait_for(2, 0, Duration::from_secs(180)).await;

    for (phone, id) in PHONES.iter().zip(&ids) {
        let asset: Value = stack.get_json(&format!("/assets/{id}")).await;
        let exif = &asset["exifInfo"];
        let what = phone.fixture;
        assert_eq!(exif["make"], phone.make, "{what}: {exif}");
        assert_eq!(exif["model"], phone.model, "{what}");
        assert_eq!(exif["dateTimeOriginal"], phone.date_time_original, "{what}");
        assert_eq!(exif["timeZone"], phone.time_zone, "{what}");
        assert_eq!(asset["localDateTime"], phone.local_date_time, "{what}: not the upload's date");
        assert_eq!(asset["fileCreatedAt"], phone.date_time_original, "{what}");
        assert_eq!(
            (exif["city"].as_str(), exif["country"].as_str()),
            (Some(phone.city), Some(phone.country)),
            "{what}"
        );
    }
}

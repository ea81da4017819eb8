//! Metadata of real photos, compared with what exiftool reports for the same files.

use crate::common;

use chrono::{FixedOffset, NaiveDate};
use common::{assert_close, fixture};
use shoebox_media::discover;

#[test]
fn nokia_jpeg_has_its_gps_position_camera_and_date() {
    let meta = discover(&fixture("photos/starfish.jpg"), "image/jpeg").unwrap();
    assert_close(meta.latitude, 55.038_755_833, 1e-6, "latitude");
    assert_close(meta.longitude, 8.457_190_555, 1e-6, "longitude");
    assert_eq!(meta.make.as_deref(), Some("Nokia"));
    assert_eq!(meta.model.as_deref(), Some("Lumia 820"));
    assert_eq!((meta.width, meta.height), (Some(1278), Some(720)));
    assert_eq!(meta.date_time_original, NaiveDate::from_ymd_opt(2013, 5, 10).unwrap().and_hms_opt(15, 21, 35));
    assert_eq!(meta.offset, None);
    assert_eq!(meta.iso, Some(100));
    assert_close(meta.f_number, 2.2, 1e-6, "f-number");
    assert_eq!(meta.exposure_time.as_deref(), Some("1/319"));
    assert_eq!(meta.duration_ms, None);
    assert_eq!(meta.video_codec, None);
}

#[test]
fn iphone_heic_has_gps_offset_lens_and_exposure() {
    let meta = discover(&fixture("photos/pug.heic"), "image/heic").unwrap();
    assert_close(meta.latitude, 44.850_477_778, 1e-6, "latitude");
    assert_close(meta.longitude, 34.976_647_222, 1e-6, "longitude");
    assert_eq!(meta.make.as_deref(), Some("Apple"));
    assert_eq!(meta.model.as_deref(), Some("iPhone 13 Pro"));
    assert_eq!(meta.lens_model.as_deref(), Some("iPhone 13 Pro back dual wide camera 5.7mm f/1.5"));
    assert_eq!(meta.date_time_original, NaiveDate::from_ymd_opt(2023, 2, 21).unwrap().and_hms_opt(14, 33, 8));
    assert_eq!(meta.offset, FixedOffset::east_opt(3 * 3600));
    assert_eq!(meta.orientation, Some(1));
    assert_eq!((meta.width, meta.height), (Some(4032), Some(3024)));
    assert_eq!(meta.exposure_time.as_deref(), Some("1/121"));
    assert_close(meta.f_number, 1.5, 1e-6, "f-number");
    assert_close(meta.focal_length, 5.7, 1e-6, "focal length");
    assert_eq!(meta.iso, Some(125));
}

#[test]
fn canon_portrait_has_camera_and_lens_but_no_position() {
    let meta = discover(&fixture("photos/obama.jpg"), "image/jpeg").unwrap();
    assert_eq!(meta.make.as_deref(), Some("Canon"));
    assert_eq!(meta.model.as_deref(), Some("Canon EOS 5D Mark III"));
    assert_eq!(meta.lens_model.as_deref(), Some("EF85mm f/1.2L USM"));
    assert_eq!((meta.width, meta.height), (Some(910), Some(1137)));
    assert_eq!(meta.exposure_time.as_deref(), Some("1/125"));
    assert_close(meta.f_number, 7.1, 1e-6, "f-number");
    assert_close(meta.focal_length, 85.0, 1e-6, "focal length");
    assert_eq!(meta.iso, Some(200));
    assert_eq!(meta.date_time_original, NaiveDate::from_ymd_opt(2012, 12, 6).unwrap().and_hms_opt(15, 46, 1));
    assert_eq!((meta.latitude, meta.longitude), (None, None));
}

#[test]
fn eight_camera_makers_are_read_from_their_exif() {
    let expected = [
        ("r_canon.jpg", "Canon", "Canon PowerShot G1 X Mark II", (2013, 12, 17)),
        ("r_casio.jpg", "CASIO COMPUTER CO.,LTD.", "EX-100", (2014, 3, 24)),
        ("r_olympus.jpg", "OLYMPUS IMAGING CORP.", "STYLUS1", (2013, 11, 12)),
        ("r_pana.jpg", "Panasonic", "DMC-L10", (2007, 9, 15)),
        ("r_pen.jpg", "OLYMPUS IMAGING CORP.", "E-P3", (2014, 8, 23)),
        ("r_ricoh.jpg", "PENTAX RICOH IMAGING", "GR", (2013, 3, 29)),
        ("r_sigma.jpg", "SIGMA", "SIGMA DP3 Merrill", (2012, 12, 28)),
        ("r_sony.jpg", "SONY", "DSC-RX1R", (2013, 4, 13)),
    ];
    for (file, make, model, (y, m, d)) in expected {
        let meta = discover(&fixture(&format!("photos/piexif/{file}")), "image/jpeg").unwrap();
        assert_eq!(meta.make.as_deref(), Some(make), "{file}");
        assert_eq!(meta.model.as_deref(), Some(model), "{file}");
        assert_eq!(meta.date_time_original.map(|t| t.date()), NaiveDate::from_ymd_opt(y, m, d), "{file}");
        assert_eq!((meta.width, meta.height), (Some(80), Some(80)), "{file}");
    }
}

#[test]
fn png_without_exif_still_has_dimensions() {
    let meta = discover(&fixture("photos/astronaut.png"), "image/png").unwrap();
    assert_eq!((meta.width, meta.height), (Some(512), Some(512)));
    assert_eq!(meta.make, None);
    assert_eq!(meta.date_time_original, None);
}

/// Samsung writes the HEIC `meta` box after `mdat`. Values as exiftool reports them.
#[test]
fn samsung_heic_has_camera_date_offset_and_position() {
    let meta = discover(&fixture("photos/heic/samsung_galaxy_s25_ultra.heic"), "image/heic").unwrap();
    assert_eq!(meta.make.as_deref(), Some("samsung"));
    assert_eq!(meta.model.as_deref(), Some("Galaxy S25 Ultra"));
    assert_eq!(meta.date_time_original, NaiveDate::from_ymd_opt(2025, 6, 2).unwrap().and_hms_opt(14, 7, 50));
    assert_eq!(meta.offset, FixedOffset::east_opt(3 * 3600));
    assert_close(meta.latitude, 59.512_817_4, 1e-6, "latitude");
    assert_close(meta.longitude, 24.834_305_8, 1e-6, "longitude");
    assert_eq!(meta.orientation, Some(1));

    // A 200 MP shot taken without a GPS fix: its 0,0 position is no position.
    let meta = discover(&fixture("photos/heic/samsung_galaxy_s24_ultra_200mp.heic"), "image/heic").unwrap();
    assert_eq!((meta.make.as_deref(), meta.model.as_deref()), (Some("samsung"), Some("Galaxy S24 Ultra")));
    assert_eq!(meta.date_time_original, NaiveDate::from_ymd_opt(2025, 1, 19).unwrap().and_hms_opt(14, 53, 27));
    assert_eq!(meta.offset, FixedOffset::east_opt(3 * 3600));
    assert_eq!(meta.orientation, Some(6));
    assert_eq!((meta.latitude, meta.longitude), (None, None));
}

/// Xiaomi's Exif item starts with a JPEG APP1 marker, and the phone writes no offset: the GPS
/// fix's UTC time (16:43:45) against the wall clock (19:44:18) gives +03:00.
#[test]
fn xiaomi_heic_has_camera_date_offset_and_position() {
    let meta = discover(&fixture("photos/heic/xiaomi_m2012k11ag.heic"), "image/heic").unwrap();
    assert_eq!(meta.make.as_deref(), Some("Xiaomi"));
    assert_eq!(meta.model.as_deref(), Some("M2012K11AG"));
    assert_eq!(meta.date_time_original, NaiveDate::from_ymd_opt(2023, 4, 27).unwrap().and_hms_opt(19, 44, 18));
    assert_eq!(meta.offset, FixedOffset::east_opt(3 * 3600));
    assert_close(meta.latitude, 47.227_288_9, 1e-6, "latitude");
    assert_close(meta.longitude, 39.699_992_2, 1e-6, "longitude");
    assert_eq!((meta.width, meta.height), (Some(2592), Some(1944)));
}

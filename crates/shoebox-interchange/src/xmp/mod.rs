//! XMP sidecars (`IMG_1.jpg.xmp`), the metadata files photo tools share: [`write_xmp`] writes
//! what we know of a photo for digiKam, Lightroom, darktable or Immich to read, and [`read_xmp`]
//! reads the facts we import from theirs. Property names follow the EXIF, Dublin Core,
//! Photoshop, Lightroom, digiKam, IPTC Extension and MWG Regions schemas.

mod rdf;
mod read;
mod values;
mod write;

use chrono::{DateTime, FixedOffset, NaiveDateTime, Utc};
use serde::{Deserialize, Serialize};

pub use read::read_xmp;
pub use write::write_xmp;

/// Namespace URIs of the schemas we read and write (prefixes in a file may differ).
mod ns {
    pub const X: &str = "adobe:ns:meta/";
    pub const RDF: &str = "http://www.w3.org/1999/02/22-rdf-syntax-ns#";
    pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
    pub const DC: &str = "http://purl.org/dc/elements/1.1/";
    pub const XMP: &str = "http://ns.adobe.com/xap/1.0/";
    pub const EXIF: &str = "http://ns.adobe.com/exif/1.0/";
    pub const TIFF: &str = "http://ns.adobe.com/tiff/1.0/";
    pub const PHOTOSHOP: &str = "http://ns.adobe.com/photoshop/1.0/";
    pub const LIGHTROOM: &str = "http://ns.adobe.com/lightroom/1.0/";
    pub const DIGIKAM: &str = "http://www.digikam.org/ns/1.0/";
    pub const IPTC_EXT: &str = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/";
    pub const MWG_REGIONS: &str = "http://www.metadataworkinggroup.com/schemas/regions/";
    pub const AREA: &str = "http://ns.adobe.com/xmp/sType/Area#";
    pub const DIMENSIONS: &str = "http://ns.adobe.com/xap/1.0/sType/Dimensions#";
    pub const MICROSOFT_PHOTO: &str = "http://ns.microsoft.com/photo/1.2/";
    pub const MICROSOFT_REGION_INFO: &str = "http://ns.microsoft.com/photo/1.2/t/RegionInfo#";
    pub const MICROSOFT_REGION: &str = "http://ns.microsoft.com/photo/1.2/t/Region#";
}

/// What we export about one photo, to XMP ([`write_xmp`]) and to Google's sidecar JSON
/// ([`crate::takeout::photo_sidecar_json`]).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ExportFacts {
    /// The original file name.
    pub title: String,
    pub description: Option<String>,
    /// When it was taken, with the offset from UTC of the place it was taken at.
    pub taken_at: Option<DateTime<FixedOffset>>,
    /// When it reached Shoebox (Google's `creationTime`; not written to XMP).
    pub created_at: Option<DateTime<Utc>>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    /// Metres above sea level (negative below).
    pub altitude: Option<f64>,
    /// 0 to 5 stars, -1 for rejected.
    pub rating: Option<i32>,
    pub favorite: bool,
    pub archived: bool,
    pub trashed: bool,
    /// Hierarchical tags, `Parent/Child`.
    pub tags: Vec<String>,
    pub people: Vec<PersonRegion>,
    /// The pixel size the face regions refer to.
    pub image_width: Option<u32>,
    pub image_height: Option<u32>,
}

/// A named face. The area is normalized to 0..1 of the image, `x`,`y` its centre (the MWG
/// Regions convention).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonRegion {
    pub name: String,
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

/// What we import from an XMP sidecar.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct XmpFacts {
    /// When it was taken, on the clock of the place (`exif:DateTimeOriginal`, else
    /// `photoshop:DateCreated`, else `xmp:CreateDate`).
    pub taken_at_local: Option<NaiveDateTime>,
    /// That clock's offset from UTC, when the sidecar gives it.
    pub offset: Option<FixedOffset>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub altitude: Option<f64>,
    pub description: Option<String>,
    /// `xmp:Rating`, -1 (rejected) to 5.
    pub rating: Option<i32>,
    /// Hierarchical tags, `Parent/Child`, then flat keywords not already in them.
    pub tags: Vec<String>,
    /// Names of the people in it, from face regions and person lists.
    pub people: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum XmpError {
    #[error("the XMP is not well-formed XML: {0}")]
    Xml(String),
    #[error("the XMP is nested too deeply")]
    TooDeep,
    #[error("no rdf:RDF element: this is not XMP")]
    NotXmp,
}

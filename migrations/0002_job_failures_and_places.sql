-- Why a pipeline step gave up on an asset, shown through the jobs API; cleared when the step
-- later succeeds.
CREATE TABLE asset_job_failures (
    asset_id   uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    queue      text NOT NULL,
    attempts   integer NOT NULL,
    reason     text NOT NULL,
    failed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (asset_id, queue)
);
CREATE INDEX asset_job_failures_queue ON asset_job_failures (queue);

-- GeoNames places (population >= 1000) for offline reverse geocoding. `position` is the point on
-- the unit sphere, so the nearest place by straight-line distance is the nearest on the globe.
-- Lookups scan a band of latitude exactly (an approximate HNSW index once named a town 5 km
-- away instead of the one 200 m away).
CREATE TABLE geodata_places (
    id            integer PRIMARY KEY,
    name          text NOT NULL,
    admin1        text,
    admin2        text,
    country_code  text NOT NULL,
    latitude      double precision NOT NULL,
    longitude     double precision NOT NULL,
    position      vector(3) NOT NULL
);
CREATE INDEX geodata_places_latitude ON geodata_places (latitude);

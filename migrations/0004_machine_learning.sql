-- Machine learning: CLIP embeddings for smart search, detected faces and the people they form,
-- near-duplicate groups, and the per-asset progress of the four ML steps.

ALTER TABLE asset_job_status
    ADD COLUMN smart_search_at          timestamptz,
    ADD COLUMN faces_detected_at        timestamptz,
    ADD COLUMN facial_recognition_at    timestamptz,
    ADD COLUMN duplicates_detected_at   timestamptz;

-- A step that cannot run until its model is installed parks the asset here with
-- `waiting_for_model`; the worker queues it again once the model appears.
ALTER TABLE asset_job_failures ADD COLUMN waiting_for_model boolean NOT NULL DEFAULT false;

-- Near-duplicates share a group id (Immich's `duplicateId`).
ALTER TABLE assets ADD COLUMN duplicate_id uuid;
CREATE INDEX assets_duplicate ON assets (owner_id, duplicate_id) WHERE duplicate_id IS NOT NULL;

-- Which model made the vectors of a kind, and their dimension. The smart-search column gets its
-- dimension (and its HNSW index) from the model when the worker first loads it, as Immich does;
-- a different model empties the table and the assets are embedded again.
CREATE TABLE ml_models (
    kind        text PRIMARY KEY CHECK (kind IN ('clip')),
    name        text NOT NULL,
    dimension   integer NOT NULL CHECK (dimension > 0),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE smart_search (
    asset_id   uuid PRIMARY KEY REFERENCES assets (id) ON DELETE CASCADE,
    embedding  vector NOT NULL          -- typed vector(N) once the model's N is known
);

CREATE TABLE people (
    id              uuid PRIMARY KEY,
    owner_id        uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            text NOT NULL DEFAULT '',
    birth_date      date,
    is_hidden       boolean NOT NULL DEFAULT false,
    is_favorite     boolean NOT NULL DEFAULT false,
    color           text,
    face_id         uuid,                -- the face shown as the person's thumbnail
    thumbnail_path  text,                -- storage key of the face crop; NULL until the worker makes it
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX people_owner ON people (owner_id);

-- Faces as Immich stores them: the box in the pixel space of the image the detector saw (the
-- preview), with that image's size.
CREATE TABLE asset_faces (
    id                 uuid PRIMARY KEY,
    asset_id           uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    person_id          uuid REFERENCES people (id) ON DELETE SET NULL,
    image_width        integer NOT NULL,
    image_height       integer NOT NULL,
    bounding_box_x1    integer NOT NULL,
    bounding_box_y1    integer NOT NULL,
    bounding_box_x2    integer NOT NULL,
    bounding_box_y2    integer NOT NULL,
    score              real NOT NULL,
    source_type        text NOT NULL DEFAULT 'machine-learning'
                       CHECK (source_type IN ('machine-learning', 'exif', 'manual')),
    created_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX asset_faces_asset ON asset_faces (asset_id);
CREATE INDEX asset_faces_person ON asset_faces (person_id);
ALTER TABLE people ADD CONSTRAINT people_face FOREIGN KEY (face_id) REFERENCES asset_faces (id) ON DELETE SET NULL;

-- ArcFace embeddings are always 512-d.
CREATE TABLE face_search (
    face_id    uuid PRIMARY KEY REFERENCES asset_faces (id) ON DELETE CASCADE,
    embedding  vector(512) NOT NULL
);
CREATE INDEX face_search_embedding ON face_search USING hnsw (embedding vector_cosine_ops);

-- Faces that learn from what people say about them.
--
-- A face whose person a user chose (moved it to a person, or made a person from it) is
-- `confirmed`: recognition trusts it, with every face of a named person, over the clusters it made
-- itself, and a full re-clustering keeps it.
ALTER TABLE asset_faces ADD COLUMN confirmed boolean NOT NULL DEFAULT false;

-- "This is not that person": a face taken away from a person never goes back to them through
-- recognition. Only a user can give it back.
CREATE TABLE face_rejections (
    face_id      uuid NOT NULL REFERENCES asset_faces (id) ON DELETE CASCADE,
    person_id    uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    rejected_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (face_id, person_id)
);
CREATE INDEX face_rejections_person ON face_rejections (person_id);

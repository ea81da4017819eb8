-- Zero-shot labels: each vocabulary label's CLIP text embedding, per model, computed once by a
-- server when it first suggests labels. Untyped vectors: models differ in dimension, and the
-- few hundred rows are compared with one photo's embedding at a time, without an index.
CREATE TABLE label_embeddings (
    model       text NOT NULL,
    label       text NOT NULL,
    embedding   vector NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (model, label)
);

-- Words of the photos' text that a search finds though one letter of it was misread (by the
-- recognizer or by the user). Immich does this with pg_trgm's word similarity; the embedded
-- PostgreSQL has no pg_trgm, so each distinct word of four letters or more keeps pg_trgm's
-- trigrams here (the word padded with two spaces before and one after, every three letters) and
-- the search compares a word's trigrams with them.
CREATE FUNCTION shoebox_trigrams(word text) RETURNS SETOF text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT DISTINCT substr('  ' || word || ' ', i, 3) FROM generate_series(1, char_length(word) + 1) AS i
$$;

CREATE TABLE ocr_word_trigrams (
    asset_id  uuid NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    word      text NOT NULL,
    trigram   text NOT NULL,
    -- How many distinct trigrams the word has: the union's size without counting them again.
    trigrams  integer NOT NULL,
    PRIMARY KEY (trigram, asset_id, word)
);
CREATE INDEX ocr_word_trigrams_asset ON ocr_word_trigrams (asset_id);

-- The words the worker has already read (ocr_search holds them folded, space-separated).
INSERT INTO ocr_word_trigrams (asset_id, word, trigram, trigrams)
SELECT w.asset_id, w.word, t.trigram, count(*) OVER (PARTITION BY w.asset_id, w.word)
FROM (SELECT DISTINCT os.asset_id, token AS word
      FROM ocr_search os, regexp_split_to_table(os.text, ' ') AS token
      WHERE char_length(token) >= 4) w
CROSS JOIN LATERAL shoebox_trigrams(w.word) AS t (trigram);

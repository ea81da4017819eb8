//! The words in photos: each line of text the OCR step read, with its box, for the viewer and
//! the phone's sync, and one folded document per asset for search, with the trigrams of its
//! words so that a word misread by a letter is found too.

use shoebox_core::jobs::Queue;
use sqlx::{FromRow, PgPool, Postgres, QueryBuilder};
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

/// A line the recognizer read: corners normalized 0–1, clockwise from the top left.
#[derive(Debug, Clone, PartialEq)]
pub struct NewTextLine {
    pub corners: [[f32; 2]; 4],
    pub box_score: f32,
    pub text_score: f32,
    pub text: String,
}

/// A stored line, as `AssetOcrResponseDto` and `SyncAssetOcrV1` show it.
#[derive(Debug, Clone, FromRow)]
pub struct TextLine {
    pub id: Uuid,
    pub asset_id: Uuid,
    pub x1: f32,
    pub y1: f32,
    pub x2: f32,
    pub y2: f32,
    pub x3: f32,
    pub y3: f32,
    pub x4: f32,
    pub y4: f32,
    pub box_score: f32,
    pub text_score: f32,
    pub text: String,
    pub is_visible: bool,
}

/// Replaces an asset's lines and its search document, and marks the OCR step done.
pub async fn replace(pool: &PgPool, asset_id: Uuid, lines: &[NewTextLine]) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM asset_ocr WHERE asset_id = $1").bind(asset_id).execute(&mut *tx).await?;
    for line in lines {
        let [[x1, y1], [x2, y2], [x3, y3], [x4, y4]] = line.corners;
        sqlx::query(
            "INSERT INTO asset_ocr (id, asset_id, x1, y1, x2, y2, x3, y3, x4, y4, box_score, text_score, text)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(Uuid::now_v7())
        .bind(asset_id)
        .bind(x1)
        .bind(y1)
        .bind(x2)
        .bind(y2)
        .bind(x3)
        .bind(y3)
        .bind(x4)
        .bind(y4)
        .bind(line.box_score)
        .bind(line.text_score)
        .bind(&line.text)
        .execute(&mut *tx)
        .await?;
    }
    let tokens = search_tokens(lines.iter().map(|line| line.text.as_str()));
    let document = tokens.join(" ");
    sqlx::query("DELETE FROM ocr_word_trigrams WHERE asset_id = $1").bind(asset_id).execute(&mut *tx).await?;
    sqlx::query(
        "INSERT INTO ocr_word_trigrams (asset_id, word, trigram, trigrams)
         SELECT $1, w.word, t.trigram, count(*) OVER (PARTITION BY w.word)
         FROM (SELECT DISTINCT word FROM unnest($2::text[]) AS word WHERE char_length(word) >= $3) w
         CROSS JOIN LATERAL shoebox_trigrams(w.word) AS t (trigram)",
    )
    .bind(asset_id)
    .bind(&tokens)
    .bind(MISREAD_MIN_LETTERS as i32)
    .execute(&mut *tx)
    .await?;
    if document.is_empty() {
        sqlx::query("DELETE FROM ocr_search WHERE asset_id = $1").bind(asset_id).execute(&mut *tx).await?;
    } else {
        sqlx::query(
            "INSERT INTO ocr_search (asset_id, text) VALUES ($1, $2)
             ON CONFLICT (asset_id) DO UPDATE SET text = EXCLUDED.text",
        )
        .bind(asset_id)
        .bind(document)
        .execute(&mut *tx)
        .await?;
    }
    crate::pipeline::mark_done(&mut tx, asset_id, Queue::Ocr).await?;
    tx.commit().await
}

/// The asset's lines in reading order (the order the worker stored them).
pub async fn of_asset(pool: &PgPool, asset_id: Uuid) -> sqlx::Result<Vec<TextLine>> {
    sqlx::query_as(
        "SELECT id, asset_id, x1, y1, x2, y2, x3, y3, x4, y4, box_score, text_score, text, is_visible
         FROM asset_ocr WHERE asset_id = $1 ORDER BY id",
    )
    .bind(asset_id)
    .fetch_all(pool)
    .await
}

/// Lower case without accents, so "Café" and "CAFE" are one word to search.
pub fn fold(text: &str) -> String {
    text.nfd().filter(|c| !unicode_normalization::char::is_combining_mark(*c)).flat_map(char::to_lowercase).collect()
}

/// Whether a character belongs to a script written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF)   // CJK Compatibility Ideographs
}

/// Search tokens of some text, folded: words split at spaces and punctuation; runs of CJK
/// characters as overlapping pairs (as Immich tokenizes them), since those scripts do not mark
/// where words end.
pub fn search_tokens<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut tokens = Vec::new();
    for text in texts {
        let folded = fold(text);
        let mut word = String::new();
        let mut run: Vec<char> = Vec::new();
        let flush_run = |run: &mut Vec<char>, tokens: &mut Vec<String>| {
            match run.len() {
                0 => {}
                1 => tokens.push(run[0].to_string()),
                _ => tokens.extend(run.windows(2).map(|pair| pair.iter().collect::<String>())),
            }
            run.clear();
        };
        for c in folded.chars() {
            if is_cjk(c) {
                if !word.is_empty() {
                    tokens.push(std::mem::take(&mut word));
                }
                run.push(c);
            } else {
                flush_run(&mut run, &mut tokens);
                if c.is_alphanumeric() {
                    word.push(c);
                } else if !word.is_empty() {
                    tokens.push(std::mem::take(&mut word));
                }
            }
        }
        flush_run(&mut run, &mut tokens);
        if !word.is_empty() {
            tokens.push(word);
        }
    }
    tokens
}

/// Words this long or longer are also found misread; a shorter word shares too few trigrams
/// with its misreading to tell it from another word.
pub const MISREAD_MIN_LETTERS: usize = 4;

/// How alike two words' trigram sets must be (shared over all) for one to find the other:
/// pg_trgm's similarity, at the 0.5 Immich's word-similarity search uses.
pub const MISREAD_MIN_SIMILARITY: f32 = 0.5;

/// The `tsquery` for one search token: it must start a word of the document (`'rec':*` finds
/// "receipt"). Tokens are letters and digits only, so quoting them is enough.
pub fn prefix_query(token: &str) -> String {
    format!("'{token}':*")
}

/// Narrows an asset query (its assets as `a`) to the photos whose text holds every word of
/// `search`: each word begins a word of the text, or, four letters or more, is as alike as
/// [`MISREAD_MIN_SIMILARITY`] to one ("segmentatiom" finds "segmentation"). A search of
/// punctuation only finds nothing.
pub fn push_text_filter(query: &mut QueryBuilder<Postgres>, search: &str) {
    let tokens = search_tokens([search]);
    if tokens.is_empty() {
        query.push(" AND false");
    }
    for token in tokens {
        query.push(" AND a.id IN (SELECT os.asset_id FROM ocr_search os WHERE os.document @@ to_tsquery('simple', ");
        query.push_bind(prefix_query(&token)).push(")");
        if token.chars().count() >= MISREAD_MIN_LETTERS {
            query.push(
                " UNION SELECT m.asset_id FROM (
                     SELECT w.asset_id, min(w.trigrams) AS trigrams, count(*) AS shared
                     FROM ocr_word_trigrams w WHERE w.trigram IN (SELECT shoebox_trigrams(",
            );
            query.push_bind(token.clone()).push(")) GROUP BY w.asset_id, w.word) m WHERE m.shared::real / (m.trigrams + (SELECT count(*) FROM shoebox_trigrams(");
            query.push_bind(token).push(")) - m.shared) >= ").push_bind(MISREAD_MIN_SIMILARITY);
        }
        query.push(")");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_folded_and_split_at_punctuation() {
        assert_eq!(search_tokens(["Café CRÈME, 2.50€"]), ["cafe", "creme", "2", "50"]);
    }

    #[test]
    fn cjk_runs_become_overlapping_pairs() {
        assert_eq!(search_tokens(["東京タワー"]), ["東京", "京タ", "タワ", "ワー"]);
        assert_eq!(search_tokens(["a東b"]), ["a", "東", "b"]);
    }

    #[test]
    fn a_search_asks_for_each_word_as_a_prefix_and_as_a_misreading() {
        assert_eq!(prefix_query("rec"), "'rec':*");
        let sql = |search: &str| {
            let mut query = QueryBuilder::<Postgres>::new("SELECT 1 FROM assets a WHERE true");
            push_text_filter(&mut query, search);
            query.into_sql().as_str().to_owned()
        };
        // "Rec" is too short to be found misread; "total" is not.
        let both = sql("Rec  total");
        assert_eq!(both.matches("to_tsquery").count(), 2, "{both}");
        assert_eq!(both.matches("ocr_word_trigrams").count(), 1, "{both}");
        assert!(sql(" ,; ").ends_with(" AND false"));
    }
}

//! The zero-shot label vocabulary of this server: read from the settings at start-up, embedded
//! through the CLIP text tower the first time a photo's labels are asked for, and kept in
//! Postgres, so a label is embedded once per model for every server of the installation.

use shoebox_core::labels::{self, LabelsConfig};
use sqlx::PgPool;
use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::error::ApiError;
use crate::text_encoder::TextEncoder;

pub struct LabelVocabulary {
    config: LabelsConfig,
    labels: Vec<String>,
    /// The labels with an embedding of the configured model, once they were made.
    embedded: OnceCell<Vec<String>>,
}

/// One suggestion for a photo.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    pub label: String,
    pub score: f32,
    /// The owner already tagged the photo with it.
    pub accepted: bool,
}

impl LabelVocabulary {
    pub fn new(config: LabelsConfig) -> anyhow::Result<Self> {
        let labels = if config.enabled { config.vocabulary()? } else { Vec::new() };
        Ok(Self { config, labels, embedded: OnceCell::new() })
    }

    /// The vocabulary's labels in which a word begins with each word of `query`, in vocabulary
    /// order, at most `limit`.
    pub fn matching(&self, query: &str, limit: usize) -> Vec<String> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        self.labels
            .iter()
            .filter(|label| words.iter().all(|word| label.split(' ').any(|part| part.starts_with(word.as_str()))))
            .take(limit)
            .cloned()
            .collect()
    }

    /// The asset's suggested labels, best first; empty until it has a CLIP embedding.
    pub async fn suggest(&self, db: &PgPool, encoder: &TextEncoder, owner: Uuid, asset: Uuid) -> Result<Vec<Suggestion>, ApiError> {
        // Before the photo is embedded (or with no CLIP model at all) there is nothing to say.
        if self.labels.is_empty() || !shoebox_db::labels::has_embedding(db, asset).await? {
            return Ok(Vec::new());
        }
        let embedded = self.embedded(db, encoder).await?;
        let similarities = shoebox_db::labels::similarities(db, encoder.model_name(), asset, embedded).await?;
        let scored = labels::zero_shot(&similarities, self.config.min_score, self.config.max_suggestions);
        let names: Vec<String> = scored.iter().map(|(label, _)| label.clone()).collect();
        let accepted = shoebox_db::labels::accepted(db, owner, asset, &names).await?;
        Ok(scored
            .into_iter()
            .map(|(label, score)| Suggestion { accepted: accepted.contains(&label), label, score })
            .collect())
    }

    /// Embeds the labels this model has no embedding of yet, once per process.
    async fn embedded(&self, db: &PgPool, encoder: &TextEncoder) -> Result<&[String], ApiError> {
        let labels = self
            .embedded
            .get_or_try_init(|| async {
                let model = encoder.model_name();
                let mut done = shoebox_db::labels::embedded(db, model, &self.labels).await?;
                let missing: Vec<&String> = self.labels.iter().filter(|label| !done.contains(label)).collect();
                if !missing.is_empty() {
                    tracing::info!(model, count = missing.len(), "embedding the label vocabulary");
                }
                for label in missing {
                    let embedding = encoder.encode(&labels::prompt(label)).await?;
                    // A label the model has no words for embeds to nothing: it can never be
                    // suggested, and a zero vector has no cosine.
                    let norm = embedding.iter().map(|x| x * x).sum::<f32>();
                    if !norm.is_finite() || norm < 1e-6 {
                        continue;
                    }
                    shoebox_db::labels::save(db, model, label, &embedding).await?;
                    done.push(label.clone());
                }
                Ok::<_, ApiError>(done)
            })
            .await?;
        Ok(labels)
    }
}

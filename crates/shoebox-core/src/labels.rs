//! Scenes and things: zero-shot labels from the CLIP model smart search already runs. A fixed
//! vocabulary (ours, or the operator's file) is embedded once through CLIP's text tower; a photo's
//! labels are the vocabulary words its image embedding is most like, scored as CLIP's zero-shot
//! classifier does (a softmax over the vocabulary's cosine similarities). They are suggestions
//! only: a label becomes one of the owner's tags when the owner accepts it.

use std::path::PathBuf;

/// CLIP's learned logit scale (`exp(4.6052) = 100`), which its zero-shot classifier applies to
/// cosine similarities before the softmax.
const LOGIT_SCALE: f32 = 100.0;

/// The settings of zero-shot labels.
#[derive(Debug, Clone)]
pub struct LabelsConfig {
    pub enabled: bool,
    /// One label per line (`#` starts a comment); the built-in vocabulary when unset.
    pub vocabulary_file: Option<PathBuf>,
    /// A label is suggested when its share of the softmax is at least this.
    pub min_score: f32,
    /// At most this many suggestions per photo.
    pub max_suggestions: usize,
}

/// What the built-in vocabulary names: the scenes and things people search their photos for.
pub const DEFAULT_VOCABULARY: &str = "\
# Scenes
beach
mountains
snow
forest
desert
lake
river
waterfall
ocean
sunset
night sky
city street
skyline
countryside
garden
park
playground
stadium
concert
museum
church
castle
bridge
road
airport
train station
restaurant
kitchen
living room
bedroom
office
classroom
swimming pool
campsite
# Occasions
birthday party
wedding
christmas tree
fireworks
graduation
# People
baby
child
group of people
selfie
portrait
# Animals
dog
cat
bird
horse
cow
sheep
fish
insect
butterfly
# Things
car
bicycle
motorcycle
boat
airplane
train
bus
food
cake
pizza
coffee
wine
fruit
vegetables
flowers
tree
plant
book
computer
phone
television
toy
ball
guitar
piano
painting
sculpture
clothes
shoes
# Documents
document
receipt
screenshot
whiteboard
map
sign
ticket
handwriting
";

impl LabelsConfig {
    /// The vocabulary: the operator's file, or the built-in one.
    pub fn vocabulary(&self) -> anyhow::Result<Vec<String>> {
        match &self.vocabulary_file {
            None => Ok(parse_vocabulary(DEFAULT_VOCABULARY)),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|err| anyhow::anyhow!("SHOEBOX_LABELS_FILE {}: {err}", path.display()))?;
                let labels = parse_vocabulary(&text);
                anyhow::ensure!(!labels.is_empty(), "SHOEBOX_LABELS_FILE {} names no labels", path.display());
                Ok(labels)
            }
        }
    }
}

/// One label per line, trimmed, in lower case; blank lines and `#` comments skipped, repeats
/// dropped. A `/` would make a nested tag of an accepted label, so it reads as a space.
pub fn parse_vocabulary(text: &str) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let label = line.replace('/', " ").split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if !label.is_empty() && !labels.contains(&label) {
            labels.push(label);
        }
    }
    labels
}

/// The text the label is embedded as: CLIP's zero-shot prompt.
pub fn prompt(label: &str) -> String {
    format!("a photo of {label}")
}

/// The suggestions among `(label, cosine similarity)` pairs: the softmax of the scaled
/// similarities, best first, those of at least `min_score`, at most `max` of them.
pub fn zero_shot(similarities: &[(String, f32)], min_score: f32, max: usize) -> Vec<(String, f32)> {
    let Some(best) = similarities.iter().map(|(_, s)| *s).filter(|s| s.is_finite()).reduce(f32::max) else {
        return Vec::new();
    };
    // Shifted by the best similarity, so exp never overflows.
    let weights: Vec<f32> = similarities
        .iter()
        .map(|(_, s)| if s.is_finite() { ((s - best) * LOGIT_SCALE).exp() } else { 0.0 })
        .collect();
    let total: f32 = weights.iter().sum();
    let mut scored: Vec<(String, f32)> =
        similarities.iter().zip(&weights).map(|((label, _), w)| (label.clone(), w / total)).collect();
    scored.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    scored.retain(|(_, score)| *score >= min_score);
    scored.truncate(max);
    scored
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_vocabulary_is_one_clean_label_per_line() {
        let labels = parse_vocabulary("# things\n Dog \n\ncat  # pets\nDOG\nnight   sky\nsky/stars\n");
        assert_eq!(labels, ["dog", "cat", "night sky", "sky stars"]);
        let built_in = parse_vocabulary(DEFAULT_VOCABULARY);
        assert!(built_in.len() > 80 && built_in.contains(&"birthday party".to_owned()), "{built_in:?}");
        assert!(!built_in.iter().any(|label| label.starts_with('#')));
    }

    #[test]
    fn zero_shot_scores_are_a_softmax_over_the_vocabulary() {
        let similarities = [("dog".to_owned(), 0.30), ("cat".to_owned(), 0.28), ("car".to_owned(), 0.10)];
        let scored = zero_shot(&similarities, 0.0, 10);
        assert_eq!(scored.iter().map(|(l, _)| l.as_str()).collect::<Vec<_>>(), ["dog", "cat", "car"]);
        let total: f32 = scored.iter().map(|(_, s)| s).sum();
        assert!((total - 1.0).abs() < 1e-5);
        // 0.02 apart in cosine is e^2 apart in weight.
        assert!((scored[0].1 / scored[1].1 - 2f32.exp()).abs() < 1e-3, "{scored:?}");
        let suggested = zero_shot(&similarities, 0.5, 10);
        assert_eq!(suggested.len(), 1);
        assert_eq!(zero_shot(&similarities, 0.0, 2).len(), 2);
        assert!(zero_shot(&[], 0.0, 5).is_empty());
        assert!(zero_shot(&[("x".to_owned(), f32::NAN)], 0.0, 5).is_empty());
    }
}

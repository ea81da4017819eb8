//! The contract between the server, which enqueues work, and the workers that drain it:
//! queue names and job payloads. Both sides must agree on these exactly.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A named Redis queue. Names are explicit because apalis would otherwise derive them from
/// Rust type paths, which differ between binaries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Queue {
    Metadata,
    Thumbnails,
    VideoEncode,
    /// CLIP embedding of the preview, for search by description.
    SmartSearch,
    /// Faces in the preview, with their ArcFace embeddings.
    FaceDetection,
    /// Clustering an asset's faces into people.
    FacialRecognition,
    /// Near-duplicates by CLIP embedding (after smart search).
    DuplicateDetection,
}

impl Queue {
    pub const ALL: &'static [Queue] = &[
        Queue::Metadata,
        Queue::Thumbnails,
        Queue::VideoEncode,
        Queue::SmartSearch,
        Queue::FaceDetection,
        Queue::FacialRecognition,
        Queue::DuplicateDetection,
    ];

    /// The queue's name as Immich's job API spells it.
    pub fn name(self) -> &'static str {
        match self {
            Queue::Metadata => "metadataExtraction",
            Queue::Thumbnails => "thumbnailGeneration",
            Queue::VideoEncode => "videoConversion",
            Queue::SmartSearch => "smartSearch",
            Queue::FaceDetection => "faceDetection",
            Queue::FacialRecognition => "facialRecognition",
            Queue::DuplicateDetection => "duplicateDetection",
        }
    }

    /// The Redis queue key, under the installation's namespace.
    pub fn redis_name(self, namespace: &str) -> String {
        format!("{namespace}:{}", self.name())
    }
}

/// Work on one asset; every asset step takes this payload.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetJob {
    pub asset_id: Uuid,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queues_live_under_the_namespace() {
        assert_eq!(Queue::Metadata.redis_name("shoebox"), "shoebox:metadataExtraction");
        let job = AssetJob { asset_id: Uuid::nil() };
        let json = serde_json::to_string(&job).unwrap();
        assert_eq!(serde_json::from_str::<AssetJob>(&json).unwrap(), job);
    }
}

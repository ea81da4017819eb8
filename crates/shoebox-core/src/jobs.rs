//! The contract between the server, which enqueues work, and the workers that drain it: queue
//! names, job payloads, and the job graph (which step follows which, what each needs before it
//! runs, the status it sets and the live event it sends). Both sides must agree on these exactly.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::AssetType;
use crate::live::WorkerNotice;

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
    /// The words in the preview (text detection and recognition).
    Ocr,
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
        Queue::Ocr,
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
            Queue::Ocr => "ocr",
        }
    }

    /// The queue Immich's API names `name`, if Shoebox runs it.
    pub fn named(name: &str) -> Option<Queue> {
        Queue::ALL.iter().copied().find(|queue| queue.name() == name)
    }

    /// The Redis queue key, under the installation's namespace.
    pub fn redis_name(self, namespace: &str) -> String {
        format!("{namespace}:{}", self.name())
    }

    // The job graph. Adding a step means a variant with its arms here (and its concurrency in
    // `Config::concurrency`), the step's module in the worker (one line in its dispatch), and its
    // status column in a migration. From these answers the worker queues follow-ups and the
    // reconcile and `shoebox_queue::start` select the assets that are due.

    /// The steps queued once this one is done for an asset of `kind` (Immich's `onDone`).
    pub fn successors(self, kind: AssetType) -> &'static [Queue] {
        match (self, kind) {
            (Queue::Metadata, _) => &[Queue::Thumbnails],
            // Both kinds have a preview for the ML steps to look at; videos also get a playable copy.
            (Queue::Thumbnails, AssetType::Image) => &[Queue::SmartSearch, Queue::FaceDetection, Queue::Ocr],
            (Queue::Thumbnails, AssetType::Video) => {
                &[Queue::SmartSearch, Queue::FaceDetection, Queue::Ocr, Queue::VideoEncode]
            }
            (Queue::SmartSearch, _) => &[Queue::DuplicateDetection],
            (Queue::FaceDetection, _) => &[Queue::FacialRecognition],
            (Queue::VideoEncode | Queue::FacialRecognition | Queue::DuplicateDetection | Queue::Ocr, _) => &[],
        }
    }

    /// The step that must be done before this one can run: the one whose successors it is.
    pub fn prerequisite(self) -> Option<Queue> {
        Queue::ALL
            .iter()
            .copied()
            .find(|before| AssetType::ALL.iter().any(|&kind| before.successors(kind).contains(&self)))
    }

    /// The kinds of asset this step runs for.
    pub fn applies_to(self, kind: AssetType) -> bool {
        match self.prerequisite() {
            None => true,
            Some(before) => before.successors(kind).contains(&self),
        }
    }

    /// The `asset_job_status` column holding when the step last finished for an asset.
    pub fn status_column(self) -> &'static str {
        match self {
            Queue::Metadata => "metadata_extracted_at",
            Queue::Thumbnails => "thumbnails_generated_at",
            Queue::VideoEncode => "video_encoded_at",
            Queue::SmartSearch => "smart_search_at",
            Queue::FaceDetection => "faces_detected_at",
            Queue::FacialRecognition => "facial_recognition_at",
            Queue::DuplicateDetection => "duplicates_detected_at",
            Queue::Ocr => "ocr_at",
        }
    }

    /// The live event the owner's clients get when the step is done for an asset.
    pub fn done_notice(self, owner_id: Uuid, asset_id: Uuid) -> Option<WorkerNotice> {
        match self {
            // The asset can be shown: Immich's `on_upload_success`.
            Queue::Thumbnails => Some(WorkerNotice::ThumbnailsReady { owner_id, asset_id }),
            _ => None,
        }
    }

    /// Whether the step's work is mostly computation (decoding, resizing, inference,
    /// transcoding), so it takes a share of the worker's CPU budget while it runs.
    pub fn is_cpu_bound(self) -> bool {
        !matches!(self, Queue::FacialRecognition | Queue::DuplicateDetection)
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

    #[test]
    fn the_job_graph_runs_from_metadata_to_every_step() {
        assert_eq!(Queue::Metadata.prerequisite(), None);
        assert_eq!(Queue::Thumbnails.prerequisite(), Some(Queue::Metadata));
        assert_eq!(Queue::VideoEncode.prerequisite(), Some(Queue::Thumbnails));
        assert_eq!(Queue::DuplicateDetection.prerequisite(), Some(Queue::SmartSearch));
        assert_eq!(Queue::FacialRecognition.prerequisite(), Some(Queue::FaceDetection));
        assert!(Queue::VideoEncode.applies_to(AssetType::Video));
        assert!(!Queue::VideoEncode.applies_to(AssetType::Image));
        assert!(Queue::FaceDetection.applies_to(AssetType::Video));
        // Every step is reached from metadata for some kind of asset, and none twice.
        for &kind in AssetType::ALL {
            let mut reached = vec![Queue::Metadata];
            let mut next = 0;
            while next < reached.len() {
                for &successor in reached[next].successors(kind) {
                    assert!(!reached.contains(&successor), "{successor:?} is queued twice");
                    reached.push(successor);
                }
                next += 1;
            }
            let expected = Queue::ALL.iter().filter(|queue| queue.applies_to(kind)).count();
            assert_eq!(reached.len(), expected, "{kind:?}: {reached:?}");
        }
        assert_eq!(Queue::named("thumbnailGeneration"), Some(Queue::Thumbnails));
        assert_eq!(Queue::named("library"), None);
    }
}

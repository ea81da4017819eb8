//! Facial recognition: clusters an asset's new faces into the owner's people the way Immich does.
//! For each face, find the owner's faces within the maximum distance (the face itself counts).
//! With at least the minimum number of faces it is a "core" face; a face joins the person of a
//! neighbour when one has a person, and a core face without one founds a new person. Other faces
//! stay unassigned ("deferred") and are tried again when a neighbour later gets a person, so the
//! order in which photos arrive does not matter.
//!
//! What users say comes first: a neighbour whose person a user vouched for (a face they moved to
//! that person, or any face of a person they named) wins over the nearest machine-made cluster,
//! and a person a face was rejected from is never its neighbour's person (see
//! [`faces::neighbours`]). When a user names a person or gives them a face, the server queues this
//! step for the assets with unassigned faces near that person, so the faces the 3-face rule left
//! alone join them.

use std::collections::BTreeSet;

use shoebox_db::assets::Asset;
use shoebox_db::faces;
use uuid::Uuid;

use super::{Done, StepError, face_crop};
use crate::Pipeline;

/// Most neighbours looked at per face; enough to find a person among them.
const NEIGHBOURS: i64 = 64;

pub async fn run(pipeline: &Pipeline, asset: &Asset) -> Result<Done, StepError> {
    let config = &pipeline.models.config;
    let min_faces = config.face_min_faces.max(1);
    let mut tx = pipeline.db.begin().await?;
    faces::lock_owner(&mut tx, asset.owner_id).await?;
    let mut retry: BTreeSet<Uuid> = BTreeSet::new();
    for face in faces::unassigned(&mut tx, asset.id).await? {
        let near = faces::neighbours(&mut tx, asset.owner_id, face, config.face_max_distance, NEIGHBOURS).await?;
        let is_core = near.len() >= min_faces;
        let vouched = near.iter().filter(|n| n.trusted).find_map(|n| n.person_id);
        let person = match vouched.or_else(|| near.iter().find_map(|n| n.person_id)) {
            Some(person) => Some(person),
            None if is_core => Some(faces::create_person(&mut tx, asset.owner_id, face).await?),
            None => None,
        };
        let Some(person) = person else { continue };
        faces::assign(&mut tx, face, person).await?;
        // Neighbours deferred earlier may join now that this face has a person.
        for neighbour in near.iter().filter(|n| n.person_id.is_none() && n.face_id != face && n.asset_id != asset.id) {
            if faces::recognized(&mut tx, neighbour.asset_id).await? {
                retry.insert(neighbour.asset_id);
            }
        }
    }
    faces::mark_recognized(&mut tx, asset.id).await?;
    tx.commit().await?;
    let notices = face_crop::make_missing(pipeline, asset.owner_id).await?;
    Ok(Done { again: retry.into_iter().collect(), notices })
}

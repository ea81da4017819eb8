//! Facial recognition: clusters an asset's new faces into the owner's people the way Immich does.
//! For each face, find the owner's faces within the maximum distance (the face itself counts).
//! With at least the minimum number of faces it is a "core" face; a face joins the person of a
//! neighbour when one has a person, and a core face without one founds a new person. Other faces
//! stay unassigned ("deferred") and are tried again when a neighbour later gets a person, so the
//! order in which photos arrive does not matter.

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
        let person = match near.iter().find_map(|n| n.person_id) {
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

//! `/api/faces`: the faces on an asset, with their boxes and people, moving a face to a person,
//! and saying a face is not its person. What the user says here teaches recognition (see
//! [`crate::api::people::learn_from`]).

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, put};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::people::{self, FaceRemoval, ReassignOutcome};
use uuid::Uuid;

use crate::api::people::{learn_from, person_json};
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, OptionalJson, Path, Query};

pub fn router() -> Router<ApiContext> {
    Router::new().route("/faces", get(list)).route("/faces/{id}", put(reassign).delete(remove))
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    id: Option<Uuid>,
}

/// `AssetFaceResponseDto[]`: boxes in the pixel space of `imageWidth` × `imageHeight`.
async fn list(State(ctx): State<ApiContext>, auth: Auth, Query(query): Query<ListQuery>) -> ApiResult<Json<Value>> {
    let asset = query.id.ok_or_else(|| ApiError::bad_request("id (the asset's id) is required"))?;
    let faces =
        people::faces_of_asset(&ctx.db, auth.user.id, asset).await?.ok_or_else(|| ApiError::not_found("Asset"))?;
    let mut out = Vec::with_capacity(faces.len());
    for face in faces {
        let person = match face.person_id {
            Some(id) => people::get(&ctx.db, auth.user.id, id).await?.map(|p| person_json(&p)),
            None => None,
        };
        out.push(json!({
            "id": face.id,
            "imageWidth": face.image_width,
            "imageHeight": face.image_height,
            "boundingBoxX1": face.bounding_box_x1,
            "boundingBoxY1": face.bounding_box_y1,
            "boundingBoxX2": face.bounding_box_x2,
            "boundingBoxY2": face.bounding_box_y2,
            "person": person,
            "sourceType": face.source_type,
        }));
    }
    Ok(Json(Value::Array(out)))
}

/// `FaceDto`: the face to move.
#[derive(Debug, Deserialize)]
struct FaceBody {
    id: Uuid,
}

/// `PUT /faces/{personId}` with the face in the body, as Immich's web sends it when a face is
/// tagged as someone (or as a person just created for it).
async fn reassign(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(person): Path<Uuid>,
    Json(body): Json<FaceBody>,
) -> ApiResult<Json<Value>> {
    match people::reassign_face(&ctx.db, auth.user.id, body.id, person).await? {
        ReassignOutcome::Reassigned => {}
        ReassignOutcome::FaceNotFound => return Err(ApiError::not_found("Face")),
        ReassignOutcome::PersonNotFound => return Err(ApiError::not_found("Person")),
    }
    learn_from(&ctx, &auth, person).await?;
    let person = people::get(&ctx.db, auth.user.id, person).await?.ok_or_else(|| ApiError::not_found("Person"))?;
    Ok(Json(person_json(&person)))
}

/// `AssetFaceDeleteDto`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct RemoveBody {
    force: bool,
}

/// `DELETE /faces/{id}`: without `force` the face leaves its person for good (it stays on the
/// photo, unassigned, and recognition never gives it back to them); with `force` it is deleted.
async fn remove(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(face): Path<Uuid>,
    // Immich's web sends `{"force": false}`, other clients nothing.
    OptionalJson(body): OptionalJson<RemoveBody>,
) -> ApiResult<StatusCode> {
    let how = if body.force { FaceRemoval::Delete } else { FaceRemoval::NotThisPerson };
    if !people::remove_face(&ctx.db, auth.user.id, face, how).await? {
        return Err(ApiError::not_found("Face"));
    }
    Ok(StatusCode::NO_CONTENT)
}

//! `/api/faces`: the faces on an asset, with their boxes and people, and moving a face to another
//! person.

use axum::Router;
use axum::extract::State;
use axum::routing::{get, put};
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::people::{self, ReassignOutcome};
use uuid::Uuid;

use crate::api::people::person_json;
use crate::auth::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::{Json, Path, Query};

pub fn router() -> Router<ApiContext> {
    Router::new().route("/faces", get(list)).route("/faces/{id}", put(reassign))
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

/// `FaceDto`: the person the face belongs to.
#[derive(Debug, Deserialize)]
struct FaceBody {
    id: Uuid,
}

async fn reassign(
    State(ctx): State<ApiContext>,
    auth: Auth,
    Path(face): Path<Uuid>,
    Json(body): Json<FaceBody>,
) -> ApiResult<Json<Value>> {
    match people::reassign_face(&ctx.db, auth.user.id, face, body.id).await? {
        ReassignOutcome::Reassigned => {}
        ReassignOutcome::FaceNotFound => return Err(ApiError::not_found("Face")),
        ReassignOutcome::PersonNotFound => return Err(ApiError::not_found("Person")),
    }
    let person = people::get(&ctx.db, auth.user.id, body.id).await?.ok_or_else(|| ApiError::not_found("Person"))?;
    Ok(Json(person_json(&person)))
}

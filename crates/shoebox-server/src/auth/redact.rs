//! What a shared link with `showMetadata: false` must not show: camera, place and people. One
//! pass over every JSON answer such a link's holder gets, whichever endpoint wrote it, so a new
//! endpoint or field cannot forget to hide them (as Immich's `stripMetadata` assets show it).

use axum::body::Body;
use axum::http::{StatusCode, header};
use axum::response::Response;
use serde_json::Value;

use crate::error::error_response;

/// Fields dropped whole: EXIF and who is in the photo.
const DROPPED: &[&str] = &["exifInfo", "people", "unassignedFaces", "faces"];
/// Fields kept in the shape clients expect but emptied: where and with what it was taken.
/// Timeline buckets hold them as columns, one value per asset.
const EMPTIED: &[&str] = &["latitude", "longitude", "city", "state", "country", "make", "model", "lensModel"];
/// Largest JSON answer rewritten (a month of a big album is a few MB).
const BODY_LIMIT: usize = 256 * 1024 * 1024;

/// `response` without camera, place and people, when it is JSON; anything else as it is.
pub async fn without_metadata(response: Response) -> Response {
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.starts_with("application/json"));
    if !is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT).await else {
        tracing::error!("could not read a response to strip its metadata; refused");
        return error_response(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error");
    };
    let Ok(mut value) = serde_json::from_slice::<Value>(&bytes) else {
        return Response::from_parts(parts, Body::from(bytes));
    };
    strip(&mut value);
    parts.headers.remove(header::CONTENT_LENGTH);
    let body = serde_json::to_vec(&value).expect("a JSON value serialises");
    Response::from_parts(parts, Body::from(body))
}

/// Removes camera, place and people from `value`, at any depth.
pub fn strip(value: &mut Value) {
    match value {
        Value::Object(fields) => {
            fields.retain(|name, _| !DROPPED.contains(&name.as_str()));
            for (name, field) in fields.iter_mut() {
                if EMPTIED.contains(&name.as_str()) {
                    empty(field);
                } else if name == "hasMetadata" {
                    *field = Value::Bool(false);
                } else {
                    strip(field);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip),
        _ => {}
    }
}

fn empty(field: &mut Value) {
    match field {
        Value::Array(column) => column.iter_mut().for_each(|item| *item = Value::Null),
        other => *other = Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn camera_place_and_people_go_at_any_depth_and_columns_keep_their_length() {
        let mut asset = json!({
            "id": "a", "hasMetadata": true, "exifInfo": { "make": "Canon" },
            "people": [{ "name": "Grandma" }],
            "album": { "assets": [{ "city": "List", "latitude": 55.0 }] },
        });
        super::strip(&mut asset);
        assert_eq!(
            asset,
            json!({ "id": "a", "hasMetadata": false, "album": { "assets": [{ "city": null, "latitude": null }] } })
        );

        let mut bucket = json!({ "id": ["a", "b"], "city": ["List", null], "longitude": [8.4, 9.1] });
        super::strip(&mut bucket);
        assert_eq!(bucket, json!({ "id": ["a", "b"], "city": [null, null], "longitude": [null, null] }));
    }
}

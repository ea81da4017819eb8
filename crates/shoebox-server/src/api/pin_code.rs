//! The locked folder's keys, under `/api/auth` as in Immich: the PIN code (set, change, reset),
//! unlocking and locking the calling session, and the status the app reads after login.

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use chrono::Utc;
use serde::Deserialize;
use serde_json::{Value, json};
use shoebox_db::locked_folder;

use crate::api::dto::iso;
use crate::auth::{Auth, Credential, password};
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};
use crate::extract::Json;

pub fn router() -> Router<ApiContext> {
    Router::new()
        .route("/auth/status", get(status))
        .route("/auth/pin-code", post(set_up).put(change).delete(reset))
        .route("/auth/session/unlock", post(unlock))
        .route("/auth/session/lock", post(lock))
}

/// `AuthStatusResponseDto`.
async fn status(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<Json<Value>> {
    let has_pin = locked_folder::pin_code_hash(&ctx.db, auth.user.id).await?.is_some();
    let mut body = json!({ "pinCode": has_pin, "password": true, "isElevated": auth.unlocked() });
    if let Credential::Session { id, .. } = auth.credential
        && let Some(until) = locked_folder::session_unlocked_until(&ctx.db, id).await?
    {
        body["pinExpiresAt"] = json!(iso(until));
    }
    Ok(Json(body))
}

/// Immich's PIN codes are exactly six digits.
fn check_pin(field: &str, pin: &str) -> ApiResult<()> {
    if pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err(ApiError::bad_request(format!("{field} must be six digits")))
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PinSetup {
    pin_code: String,
}

async fn set_up(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<PinSetup>) -> ApiResult<StatusCode> {
    check_pin("pinCode", &body.pin_code)?;
    if locked_folder::pin_code_hash(&ctx.db, auth.user.id).await?.is_some() {
        return Err(ApiError::bad_request("User already has a PIN code"));
    }
    let hash = password::hash(body.pin_code).await?;
    locked_folder::set_pin_code(&ctx.db, auth.user.id, Some(&hash)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Proof of who is asking: the current PIN code or the account's password.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct PinProof {
    pin_code: Option<String>,
    password: Option<String>,
    new_pin_code: Option<String>,
}

/// Checks the proof against the user's PIN code (which must exist) or password.
async fn verify(ctx: &ApiContext, auth: &Auth, proof: &PinProof) -> ApiResult<()> {
    let Some(pin_hash) = locked_folder::pin_code_hash(&ctx.db, auth.user.id).await? else {
        return Err(ApiError::bad_request("User does not have a PIN code"));
    };
    if let Some(given) = proof.password.clone().filter(|p| !p.is_empty()) {
        if !password::verify(given, auth.user.password_hash.clone()).await {
            return Err(ApiError::bad_request("Wrong password"));
        }
    } else if let Some(given) = proof.pin_code.clone().filter(|p| !p.is_empty()) {
        check_pin("pinCode", &given)?;
        if !password::verify(given, pin_hash).await {
            return Err(ApiError::bad_request("Wrong PIN code"));
        }
    } else {
        return Err(ApiError::bad_request("Either password or pinCode is required"));
    }
    Ok(())
}

async fn change(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<PinProof>) -> ApiResult<StatusCode> {
    let new_pin = body.new_pin_code.clone().ok_or_else(|| ApiError::bad_request("newPinCode is required"))?;
    check_pin("newPinCode", &new_pin)?;
    verify(&ctx, &auth, &body).await?;
    let hash = password::hash(new_pin).await?;
    locked_folder::set_pin_code(&ctx.db, auth.user.id, Some(&hash)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes the PIN code and locks every session of the user.
async fn reset(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<PinProof>) -> ApiResult<StatusCode> {
    verify(&ctx, &auth, &body).await?;
    locked_folder::set_pin_code(&ctx.db, auth.user.id, None).await?;
    locked_folder::lock_all_sessions(&ctx.db, auth.user.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

fn session_of(auth: &Auth) -> ApiResult<uuid::Uuid> {
    match auth.credential {
        Credential::Session { id, .. } => Ok(id),
        Credential::ApiKey { .. } => Err(ApiError::bad_request("This endpoint can only be used with a session token")),
    }
}

/// Opens the locked folder for the calling session with the PIN code (never the password).
async fn unlock(State(ctx): State<ApiContext>, auth: Auth, Json(body): Json<PinProof>) -> ApiResult<StatusCode> {
    let session = session_of(&auth)?;
    let proof = PinProof { pin_code: body.pin_code, password: None, new_pin_code: None };
    verify(&ctx, &auth, &proof).await?;
    let until = Utc::now() + crate::auth::locked_folder::unlock_duration();
    locked_folder::set_session_unlocked_until(&ctx.db, session, Some(until)).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn lock(State(ctx): State<ApiContext>, auth: Auth) -> ApiResult<StatusCode> {
    let session = session_of(&auth)?;
    locked_folder::set_session_unlocked_until(&ctx.db, session, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

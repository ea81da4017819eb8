//! The middleware in front of every API route: finds the route's [`rules::Rule`], admits the
//! caller it allows (or answers 401/403 before any handler runs), hands the admitted caller to
//! the handler's `Auth`/`Viewer` extractor, and strips camera, place and people from what a
//! shared link that hides metadata is answered.

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::rules::{self, Access};
use super::viewer::{self, Viewer};
use super::{Auth, authenticate};
use crate::context::ApiContext;
use crate::error::{ApiResult, error_response};

/// Admits the request to its route, or refuses it.
pub async fn authorize(State(ctx): State<ApiContext>, mut request: Request, next: Next) -> Response {
    // Unmatched requests go on to the 404 fallback.
    let Some(path) = request.extensions().get::<MatchedPath>().map(|path| path.as_str().to_owned()) else {
        return next.run(request).await;
    };
    let method = request.method().as_str().to_owned();
    let Some(rule) = rules::find(&method, &path) else {
        if rules::knows_path(&path) {
            return error_response(StatusCode::METHOD_NOT_ALLOWED, "This endpoint does not accept that method");
        }
        // A route served without a rule is a bug: refused rather than left open.
        tracing::error!(%method, %path, "refused: this endpoint has no access rule");
        return error_response(StatusCode::FORBIDDEN, "This endpoint has no access rule");
    };
    let viewer = match admit(&ctx, rule.access, request.headers(), request.uri()).await {
        Ok(viewer) => viewer,
        Err(err) => return err.into_response(),
    };
    let hides_metadata = matches!(&viewer, Some(Viewer::Link(link)) if !link.show_metadata);
    if let Some(viewer) = viewer {
        request.extensions_mut().insert(viewer);
    }
    let response = next.run(request).await;
    if hides_metadata { super::redact::without_metadata(response).await } else { response }
}

/// The caller `access` lets in; `None` for public endpoints.
async fn admit(ctx: &ApiContext, access: Access, headers: &HeaderMap, uri: &Uri) -> ApiResult<Option<Viewer>> {
    match access {
        Access::Public => Ok(None),
        Access::User { permission, admin } => Ok(Some(Viewer::User(signed_in(ctx, headers, permission, admin).await?))),
        Access::UserOrLink { permission } => match viewer::link_key(uri) {
            Some(key) => Ok(Some(Viewer::Link(viewer::open_link(ctx, &key).await?))),
            None => Ok(Some(Viewer::User(signed_in(ctx, headers, permission, false).await?))),
        },
    }
}

async fn signed_in(ctx: &ApiContext, headers: &HeaderMap, permission: Option<&str>, admin: bool) -> ApiResult<Auth> {
    let auth = authenticate(ctx, headers).await?;
    if let Some(permission) = permission {
        auth.require(permission)?;
    }
    if admin {
        auth.require_admin()?;
    }
    Ok(auth)
}

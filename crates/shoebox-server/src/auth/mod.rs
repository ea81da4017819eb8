//! Who is calling: sessions and API keys, password hashing, and the extractor that resolves a
//! request's credentials to a user.

pub mod limiter;
pub mod password;
pub mod permissions;
pub mod token;
pub mod viewer;

use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::request::Parts;
use shoebox_db::users::User;
use uuid::Uuid;

use crate::context::ApiContext;
use crate::error::ApiError;

/// Cookie holding a session token, as Immich names it.
pub const SESSION_COOKIE: &str = "immich_access_token";

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Auth {
    pub user: User,
    pub credential: Credential,
}

#[derive(Debug, Clone)]
pub enum Credential {
    Session { id: Uuid },
    ApiKey { id: Uuid, permissions: Vec<String> },
}

impl Auth {
    /// Sessions may do anything their user may; API keys only what they were granted.
    pub fn require(&self, permission: &str) -> Result<(), ApiError> {
        match &self.credential {
            Credential::Session { .. } => Ok(()),
            Credential::ApiKey { permissions, .. }
                if permissions.iter().any(|held| held == "all" || held == permission) =>
            {
                Ok(())
            }
            Credential::ApiKey { .. } => Err(ApiError::Forbidden(format!("Missing required permission: {permission}"))),
        }
    }

    pub fn require_admin(&self) -> Result<(), ApiError> {
        if self.user.is_admin { Ok(()) } else { Err(ApiError::Forbidden("Only an admin can do this".into())) }
    }
}

/// The credentials a request carries, in the order Immich checks them.
enum Presented<'a> {
    ApiKey(&'a str),
    SessionToken(&'a str),
}

fn presented(headers: &HeaderMap) -> Option<Presented<'_>> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok()).filter(|v| !v.is_empty());
    if let Some(key) = header("x-api-key") {
        return Some(Presented::ApiKey(key));
    }
    if let Some(token) = header("x-immich-user-token") {
        return Some(Presented::SessionToken(token));
    }
    if let Some(token) = header("authorization").and_then(|value| value.strip_prefix("Bearer ")) {
        return Some(Presented::SessionToken(token.trim()));
    }
    headers
        .get_all("cookie")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, token)| Presented::SessionToken(token))
}

/// Resolves the credentials in `headers` to a caller, the same way for HTTP requests and for
/// socket.io connections.
pub async fn authenticate(headers: &HeaderMap, ctx: &ApiContext) -> Result<Auth, ApiError> {
    let unauthorized = || ApiError::Unauthorized("Authentication required".into());
    match presented(headers).ok_or_else(unauthorized)? {
        Presented::ApiKey(secret) => {
            let (key, user) = shoebox_db::api_keys::find_by_hash(&ctx.db, &token::hash(secret))
                .await?
                .ok_or_else(|| ApiError::Unauthorized("Invalid API key".into()))?;
            Ok(Auth { user, credential: Credential::ApiKey { id: key.id, permissions: key.permissions } })
        }
        Presented::SessionToken(secret) => {
            let (session, user) = shoebox_db::sessions::find_by_token_hash(&ctx.db, &token::hash(secret))
                .await?
                .ok_or_else(|| ApiError::Unauthorized("Invalid user token".into()))?;
            Ok(Auth { user, credential: Credential::Session { id: session.id } })
        }
    }
}

impl FromRequestParts<ApiContext> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, Self::Rejection> {
        authenticate(&parts.headers, ctx).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    #[test]
    fn every_immich_credential_form_is_read() {
        assert!(matches!(presented(&headers(&[("x-api-key", "k")])), Some(Presented::ApiKey("k"))));
        assert!(matches!(presented(&headers(&[("authorization", "Bearer t")])), Some(Presented::SessionToken("t"))));
        assert!(matches!(presented(&headers(&[("x-immich-user-token", "m")])), Some(Presented::SessionToken("m"))));
        let cookie = headers(&[("cookie", "theme=dark; immich_access_token=c; other=1")]);
        assert!(matches!(presented(&cookie), Some(Presented::SessionToken("c"))));
        assert!(presented(&headers(&[("authorization", "Basic abc")])).is_none());
        assert!(presented(&HeaderMap::new()).is_none());
    }
}

//! Who may look at photos: a signed-in user, or anyone holding a shared link's key (`?key=`).
//! Only read endpoints take a [`Viewer`] (those the access rules open to links); everything
//! that changes data takes [`Auth`].

use axum::extract::FromRequestParts;
use axum::http::Uri;
use axum::http::request::Parts;
use shoebox_db::shared_links::{self, SharedLink};
use uuid::Uuid;

use super::Auth;
use crate::context::ApiContext;
use crate::error::{ApiError, ApiResult};

#[derive(Debug, Clone)]
pub enum Viewer {
    User(Auth),
    /// A shared link's holder: sees the link's album as its owner would, and nothing else.
    Link(SharedLink),
}

impl Viewer {
    /// Whose view queries take: the user's own, or the link owner's.
    pub fn user_id(&self) -> Uuid {
        match self {
            Self::User(auth) => auth.user.id,
            Self::Link(link) => link.owner_id,
        }
    }

    /// Whether the owner's locked-folder assets show: to their unlocked session, never to a link.
    pub fn unlocked(&self) -> bool {
        match self {
            Self::User(auth) => auth.unlocked(),
            Self::Link(_) => false,
        }
    }

    /// A signed-in user needs the permission; a link's holder has read permissions by holding it.
    pub fn require(&self, permission: &str) -> ApiResult<()> {
        match self {
            Self::User(auth) => auth.require(permission),
            Self::Link(_) => Ok(()),
        }
    }

    /// Refuses an asset a link does not show (a signed-in user's access is checked by queries).
    pub async fn require_asset(&self, ctx: &ApiContext, asset: Uuid) -> ApiResult<()> {
        match self {
            Self::User(_) => Ok(()),
            Self::Link(link) => {
                if shared_links::shows_asset(&ctx.db, link, asset).await? {
                    Ok(())
                } else {
                    Err(ApiError::not_found("Asset"))
                }
            }
        }
    }

    /// Originals may be fetched unless a link forbids downloads.
    pub fn require_download(&self) -> ApiResult<()> {
        match self {
            Self::Link(link) if !link.allow_download => {
                Err(ApiError::Forbidden("This shared link does not allow downloads".into()))
            }
            _ => Ok(()),
        }
    }

    /// Camera, place and people are shown unless a link hides them.
    pub fn shows_metadata(&self) -> bool {
        match self {
            Self::User(_) => true,
            Self::Link(link) => link.show_metadata,
        }
    }
}

/// The `key` query parameter, if the request has one.
pub fn link_key(uri: &Uri) -> Option<String> {
    let query = uri.query()?;
    form_urlencoded::parse(query.as_bytes()).find(|(name, _)| name == "key").map(|(_, value)| value.into_owned())
}

/// The live link whose key is `key`.
pub async fn open_link(ctx: &ApiContext, key: &str) -> ApiResult<SharedLink> {
    shared_links::by_key(&ctx.db, key)
        .await?
        .ok_or_else(|| ApiError::Unauthorized("This shared link does not exist or has expired".into()))
}

impl FromRequestParts<ApiContext> for Viewer {
    type Rejection = ApiError;

    /// The viewer [`super::guard`] admitted; resolved here only where no guard ran.
    async fn from_request_parts(parts: &mut Parts, ctx: &ApiContext) -> Result<Self, Self::Rejection> {
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(viewer.clone());
        }
        match link_key(&parts.uri) {
            Some(key) => open_link(ctx, &key).await.map(Viewer::Link),
            None => Auth::from_request_parts(parts, ctx).await.map(Viewer::User),
        }
    }
}

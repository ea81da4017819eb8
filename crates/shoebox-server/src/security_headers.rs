//! Headers that keep browsers from misusing what Shoebox serves: no framing (clickjacking), no
//! content-type guessing, and a content security policy the web gallery works under. Images may
//! come from anywhere on the web because the map's tile server is the user's own choice.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// Scripts, styles and connections (the API and its WebSocket) stay on this server; images also
/// from `data:`/`blob:` URLs and from any tile server; nothing may frame the gallery.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https: http:; media-src 'self' blob:; \
    connect-src 'self'; font-src 'self' data:; worker-src 'self' blob:; object-src 'none'; \
    base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// `router` with the headers added to every answer that does not set them itself.
pub fn add_to(router: Router) -> Router {
    let set = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    router
        .layer(set(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(set(header::X_FRAME_OPTIONS, "DENY"))
        .layer(set(header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY))
}

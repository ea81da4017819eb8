//! The web gallery: the built single-page app from `SHOEBOX_WEB_DIR`, with every unknown path
//! answered by `index.html` so client-side routes survive a reload. Hashed build files are
//! cached for a year; `index.html` is always revalidated.

use std::path::Path;

use axum::Router;
use axum::http::{HeaderValue, Request, header};
use axum::middleware::{self, Next};
use axum::response::{Html, Response};
use axum::routing::get;
use tower_http::services::{ServeDir, ServeFile};

pub fn router(web_dir: Option<&Path>) -> Router {
    match web_dir.filter(|dir| dir.join("index.html").is_file()) {
        Some(dir) => {
            let spa = ServeDir::new(dir).fallback(ServeFile::new(dir.join("index.html")));
            Router::new().fallback_service(spa).layer(middleware::from_fn(cache_headers))
        }
        None => Router::new().fallback(get(placeholder)),
    }
}

async fn cache_headers(request: Request<axum::body::Body>, next: Next) -> Response {
    let hashed = request.uri().path().starts_with("/assets/");
    let mut response = next.run(request).await;
    let value = if hashed { "public, max-age=31536000, immutable" } else { "no-cache" };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

async fn placeholder() -> Html<&'static str> {
    Html(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Shoebox</title></head>\
         <body><h1>Shoebox</h1><p>The API is running at <code>/api</code>. \
         The web gallery has not been built: run <code>deploy/local/run</code>, \
         or set <code>SHOEBOX_WEB_DIR</code> to a built <code>web/dist</code>.</p></body></html>",
    )
}

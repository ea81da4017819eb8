//! The Shoebox API server: an axum application over Postgres (metadata), local storage
//! (originals and derivatives) and Redis (jobs for the workers). `main.rs` only wires
//! configuration and signals; tests build the same application through [`build`].

pub mod api;
pub mod auth;
pub mod context;
pub mod error;
pub mod extract;
pub mod ingest;
pub mod labels;
pub mod live;
pub mod metrics;
pub mod security_headers;
pub mod serve;
pub mod text_encoder;
pub mod text_input;
pub mod web;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::routing::get;
use shoebox_core::Config;
use shoebox_queue::JobQueues;
use tokio::net::TcpListener;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::trace::TraceLayer;

use crate::auth::limiter::LoginLimiter;
use crate::context::ApiContext;

/// Connects to Postgres (migrating it), storage and Redis, and builds the application.
pub async fn build(config: Config) -> anyhow::Result<(Router, ApiContext)> {
    let db = shoebox_db::connect(&config.database_url, 20)
        .await
        .context("cannot connect to PostgreSQL (check SHOEBOX_DATABASE_URL)")?;
    shoebox_db::migrate(&db).await.context("cannot migrate the database")?;
    let storage_config = config.storage();
    let storage = shoebox_storage::open(&storage_config).with_context(|| {
        format!("cannot open storage {} (SHOEBOX_STORAGE, SHOEBOX_DATA_DIR)", storage_config.originals)
    })?;
    tracing::info!(storage = %storage.describe(), "storage opened");
    let queues = JobQueues::connect(&config.redis_url, &config.redis_namespace)
        .await
        .context("cannot connect to Redis (check SHOEBOX_REDIS_URL)")?;
    let ctx = ApiContext {
        login_limiter: Arc::new(LoginLimiter::new(config.login_attempts_per_minute)),
        live: live::Live::connect(&config.redis_url, &config.redis_namespace).await?,
        text_encoder: Arc::new(text_encoder::TextEncoder::new(config.ml.clone())),
        labels: Arc::new(labels::LabelVocabulary::new(config.ml.labels.clone()).context("cannot read the label vocabulary")?),
        config: Arc::new(config),
        db,
        storage,
        queues,
    };
    ctx.live.serve(ctx.clone()).await?;
    Ok((router(ctx.clone()), ctx))
}

/// The whole HTTP surface: the API, discovery, and the web gallery.
pub fn router(ctx: ApiContext) -> Router {
    let web = web::router(ctx.config.web_dir.as_deref());
    // socket.io answers its own path before the router sees the request.
    let live = ctx.live.layer();
    let api = api::router(&ctx).with_state(ctx);
    let app = Router::new()
        .nest("/api", api)
        .route("/.well-known/immich", get(api::server::well_known))
        .merge(web)
        .layer(axum::middleware::from_fn(metrics::track))
        .layer(live)
        .layer(CatchPanicLayer::new())
        .layer(TraceLayer::new_for_http());
    // Outermost, so even a panic's answer carries them.
    security_headers::add_to(app)
}

/// Serves until `shutdown` completes, then finishes the requests in flight.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

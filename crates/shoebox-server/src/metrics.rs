//! Prometheus metrics, as Immich exposes its telemetry: request latency by route (`track`, a
//! layer on the whole application), and the queues' depth read from Redis when scraped. They are
//! served on a listener of their own (`SHOEBOX_SERVER_METRICS_ADDRESS`), never on the public
//! port, since they say what is going on inside.

use std::sync::OnceLock;
use std::time::Instant;

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

use crate::context::ApiContext;

/// Latency buckets, in seconds: from a cached thumbnail to a slow search.
const BUCKETS: &[f64] = &[0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// This process's recorder, installed on first use (several servers may share a test process).
fn handle() -> Result<&'static PrometheusHandle, &'static str> {
    static HANDLE: OnceLock<Result<PrometheusHandle, String>> = OnceLock::new();
    HANDLE
        .get_or_init(|| {
            PrometheusBuilder::new()
                .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
                .and_then(|builder| builder.install_recorder())
                .map_err(|err| err.to_string())
        })
        .as_ref()
        .map_err(String::as_str)
}

/// Serves `GET /metrics` on `listener` until the process ends.
pub async fn serve(listener: TcpListener, ctx: ApiContext) -> anyhow::Result<()> {
    handle().map_err(|err| anyhow::anyhow!("cannot record metrics: {err}"))?;
    let app = Router::new().route("/metrics", get(render)).with_state(ctx);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn render(State(ctx): State<ApiContext>) -> String {
    ctx.queues.record_depths().await;
    handle().map(PrometheusHandle::render).unwrap_or_default()
}

/// Records each request's latency by method, route (the pattern, not the path: no ids in
/// labels) and status.
pub async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::histogram!("shoebox_http_request_duration_seconds", "method" => method, "route" => route, "status" => status)
        .record(started.elapsed().as_secs_f64());
    response
}

//! The worker's Prometheus metrics on `SHOEBOX_WORKER_METRICS_ADDRESS`: jobs and their duration
//! by queue and outcome (recorded where jobs run, `pipeline.rs`), the queues' depth, the CPU
//! budget in use, and the memory decodes hold (`shoebox_media::memory`).

use std::net::SocketAddr;
use std::time::Duration;

use metrics_exporter_prometheus::{Matcher, PrometheusBuilder};

use crate::Pipeline;

/// Job duration buckets, in seconds: from a metadata read to a long transcode.
const BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0];
/// How often the gauges read from Redis and the CPU budget are brought up to date.
const GAUGES_EVERY: Duration = Duration::from_secs(2);

/// Starts answering `GET /metrics` on `address` (in this runtime), and keeps the gauges current.
pub fn serve(address: SocketAddr, pipeline: Pipeline) -> anyhow::Result<()> {
    PrometheusBuilder::new()
        .with_http_listener(address)
        .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)?
        .install()
        .map_err(|err| anyhow::anyhow!("cannot serve metrics on {address}: {err}"))?;
    tracing::info!("metrics at http://{address}/metrics");
    tokio::spawn(gauges_forever(pipeline));
    Ok(())
}

async fn gauges_forever(pipeline: Pipeline) {
    let mut every = tokio::time::interval(GAUGES_EVERY);
    loop {
        every.tick().await;
        let in_use = pipeline.cpu_budget.saturating_sub(pipeline.cpu.available_permits());
        metrics::gauge!("shoebox_cpu_budget_in_use").set(in_use as f64);
        metrics::gauge!("shoebox_cpu_budget").set(pipeline.cpu_budget as f64);
        pipeline.queues.record_depths().await;
    }
}

//! `shoebox-server`: reads `SHOEBOX_*` settings, serves until Ctrl-C or SIGTERM.

use anyhow::Context;
use shoebox_core::Config;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    tracing_subscriber::fmt().with_env_filter(EnvFilter::try_new(&config.log_filter)?).init();
    let addr = config.listen_addr();
    let metrics_address = config.server_metrics_address;
    let (app, ctx) = shoebox_server::build(config).await?;
    if let Some(metrics_address) = metrics_address {
        let listener = tokio::net::TcpListener::bind(metrics_address)
            .await
            .with_context(|| format!("cannot listen on {metrics_address} for metrics"))?;
        tracing::info!("metrics at http://{metrics_address}/metrics");
        tokio::spawn(async move {
            if let Err(err) = shoebox_server::metrics::serve(listener, ctx).await {
                tracing::error!(error = %format!("{err:#}"), "metrics are off");
            }
        });
    }
    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("cannot listen on {addr}"))?;
    tracing::info!("Shoebox is listening on http://{addr}");
    shoebox_server::serve(listener, app, shutdown_signal()).await?;
    tracing::info!("Shoebox stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = terminate => {} }
    tracing::info!("shutting down: finishing requests in flight");
}

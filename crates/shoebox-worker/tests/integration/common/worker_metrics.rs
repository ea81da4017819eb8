//! Reading a worker process's own `/metrics`, to see what each worker of a test did.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

/// A port nobody listens on right now, for a worker's metrics.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// The sum of a metric's samples whose labels include every one of `labels`.
pub fn metric(text: &str, name: &str, labels: &[&str]) -> f64 {
    text.lines()
        .filter(|line| line.starts_with(&format!("{name}{{")) || line.starts_with(&format!("{name} ")))
        .filter(|line| labels.iter().all(|label| line.contains(label)))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

pub async fn scrape(http: &reqwest::Client, port: u16) -> Option<String> {
    let response = http.get(format!("http://127.0.0.1:{port}/metrics")).send().await.ok()?;
    (response.status() == StatusCode::OK).then_some(response.text().await.ok()?)
}

/// Waits until a worker answers on its metrics port, that is, it is up and draining.
pub async fn wait_until_up(http: &reqwest::Client, port: u16) {
    let start = Instant::now();
    while scrape(http, port).await.is_none() {
        assert!(start.elapsed() < Duration::from_secs(30), "the worker's metrics never answered on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}


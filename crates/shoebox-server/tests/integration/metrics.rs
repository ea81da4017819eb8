//! `/metrics` on the server's own metrics listener: request latency by route pattern (never by
//! raw path, so ids do not become labels) and the queues' depth, in Prometheus' text format.

use crate::common::{TestServer, jpeg};

use reqwest::StatusCode;
use shoebox_core::jobs::{AssetJob, Queue};

#[tokio::test]
async fn metrics_show_latency_by_route_and_the_queues_depth() {
    let server = TestServer::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let metrics_url = format!("http://{}/metrics", listener.local_addr().unwrap());
    tokio::spawn(shoebox_server::metrics::serve(listener, server.ctx.clone()));

    let admin = server.admin().await;
    for _ in 0..3 {
        let ping = server.http.get(server.api("/server/ping")).send().await.unwrap();
        assert_eq!(ping.status(), StatusCode::OK);
    }
    let id = server.upload_new(&admin, "a.jpg", jpeg(7), "2024-01-01T00:00:00.000Z").await;
    let info = server.get(&admin, &format!("/assets/{id}")).await;
    assert_eq!(info.status(), StatusCode::OK);
    // Jobs no worker has taken: this test runs none, so they wait.
    server.ctx.queues.push_asset(Queue::SmartSearch, AssetJob { asset_id: uuid::Uuid::new_v4() }).await.unwrap();

    let response = server.http.get(&metrics_url).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let text = response.text().await.unwrap();
    let sample = |prefix: &str| -> f64 {
        text.lines()
            .filter(|line| line.starts_with(prefix))
            .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
            .sum()
    };
    let pings = r#"shoebox_http_request_duration_seconds_count{method="GET",route="/api/server/ping",status="200"}"#;
    // Other tests of this binary share the process's recorder, so at least ours are counted.
    assert!(sample(pings) >= 3.0, "pings by route:\n{text}");
    assert!(text.contains(r#"route="/api/assets/{id}""#), "routes are patterns:\n{text}");
    assert!(!text.contains(&id), "no asset id in a label:\n{text}");
    assert!(text.contains("shoebox_http_request_duration_seconds_bucket{"), "latency as a histogram:\n{text}");
    let waiting = r#"shoebox_queue_jobs{queue="smartSearch",state="waiting"}"#;
    assert_eq!(sample(waiting), 1.0, "this server's queues:\n{text}");
    let metadata = r#"shoebox_queue_jobs{queue="metadataExtraction",state="waiting"}"#;
    assert_eq!(sample(metadata), 1.0, "the upload's metadata job waits:\n{text}");
}

//! Live events: workers publish on Redis; every server relays them to the owner's open
//! WebSocket connections, so pages update without polling.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use shoebox_queue::JobQueues;
use tokio::sync::broadcast;
use uuid::Uuid;

/// An event for one user's pages.
#[derive(Debug, Clone)]
pub struct LiveEvent {
    pub user_id: Uuid,
    /// The event as JSON text, sent unchanged to the browser.
    pub json: Arc<str>,
}

/// Starts relaying Redis events into a broadcast channel; reconnects when Redis goes away.
pub fn start_relay(queues: JobQueues) -> broadcast::Sender<LiveEvent> {
    let (sender, _) = broadcast::channel(1024);
    let relay = sender.clone();
    tokio::spawn(async move {
        loop {
            match queues.events().await {
                Ok(stream) => {
                    let mut stream = std::pin::pin!(stream);
                    while let Some(text) = stream.next().await {
                        if let Some(event) = parse(&text) {
                            // No open connections is not an error.
                            let _ = relay.send(event);
                        }
                    }
                    tracing::warn!("live events: Redis subscription ended; reconnecting");
                }
                Err(err) => tracing::warn!(error = %err, "live events: cannot subscribe; retrying"),
            }
            tokio::time::sleep(Duration::from_secs(2)).await;
        }
    });
    sender
}

fn parse(text: &str) -> Option<LiveEvent> {
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    let user_id = value.get("userId")?.as_str()?.parse().ok()?;
    Some(LiveEvent { user_id, json: text.into() })
}

#[cfg(test)]
mod tests {
    #[test]
    fn events_name_their_user() {
        let id = uuid::Uuid::new_v4();
        let event = super::parse(&format!(r#"{{"type":"asset.ready","userId":"{id}"}}"#)).unwrap();
        assert_eq!(event.user_id, id);
        assert!(super::parse(r#"{"type":"asset.ready"}"#).is_none());
        assert!(super::parse("not json").is_none());
    }
}

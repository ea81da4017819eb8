//! Jobs start when they arrive. apalis's Redis backend looks for jobs when a worker starts, when
//! a job finishes and when the worker beats; a job pushed onto an idle queue would wait for the
//! next heartbeat. So every push also publishes on the queue's wake channel, each worker process
//! listens on one pub/sub connection ([`Wakeups`]), and [`WakeOnJobs`] makes an idle consumer
//! fetch again as soon as a wake arrives. Heartbeats remain for takeover only.
//!
//! A wake that arrives while a fetch is under way may concern a job that fetch came too early to
//! see; the consumer therefore looks once more shortly after ([`RECHECK`]). A wake lost with the
//! pub/sub connection is made up for when it is back: every queue is woken then.

use std::collections::HashMap;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use apalis_core::backend::{Backend, BackendConfig, WireFormatBackend};
use apalis_core::worker::context::WorkerContext;
use futures::StreamExt;
use shoebox_core::jobs::Queue;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// How soon a consumer looks again after a wake that came while it was fetching.
pub const RECHECK: Duration = Duration::from_millis(20);
/// Longest wait between attempts to get the pub/sub connection back.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// The channel a queue's pushes are announced on.
pub(crate) fn channel(namespace: &str, queue: Queue) -> String {
    format!("{}:wake", queue.redis_name(namespace))
}

type Listeners = Arc<Mutex<HashMap<Queue, Vec<mpsc::Sender<()>>>>>;

/// One worker process's subscription to every queue's wake channel, handed out per consumer.
#[derive(Debug)]
pub struct Wakeups {
    listeners: Listeners,
    task: JoinHandle<()>,
}

impl Wakeups {
    /// Listens on `url` for the wake channels of the installation's `namespace`, reconnecting
    /// by itself whenever the connection drops.
    pub fn listen(url: &str, namespace: &str) -> anyhow::Result<Self> {
        let client = redis::Client::open(url)?;
        let listeners: Listeners = Arc::default();
        let task = tokio::spawn(listen_forever(client, namespace.to_owned(), listeners.clone()));
        Ok(Self { listeners, task })
    }

    /// A new listener for `queue`'s wakes. Wakes that come while one is already waiting merge.
    pub fn subscribe(&self, queue: Queue) -> mpsc::Receiver<()> {
        let (sender, receiver) = mpsc::channel(1);
        self.listeners.lock().unwrap_or_else(|poison| poison.into_inner()).entry(queue).or_default().push(sender);
        receiver
    }
}

impl Drop for Wakeups {
    fn drop(&mut self) {
        self.task.abort();
    }
}

fn wake(listeners: &Listeners, queues: &[Queue]) {
    let mut listeners = listeners.lock().unwrap_or_else(|poison| poison.into_inner());
    for queue in queues {
        if let Some(senders) = listeners.get_mut(queue) {
            // A full channel already holds a wake; a closed one belongs to a consumer that is gone.
            senders.retain(|sender| !matches!(sender.try_send(()), Err(mpsc::error::TrySendError::Closed(()))));
        }
    }
}

async fn listen_forever(client: redis::Client, namespace: String, listeners: Listeners) {
    let pattern = format!("{namespace}:*:wake");
    let mut backoff = Duration::from_millis(100);
    loop {
        match client.get_async_pubsub().await {
            Ok(mut pubsub) => match pubsub.psubscribe(&pattern).await {
                Ok(()) => {
                    backoff = Duration::from_millis(100);
                    // Pushes made while the connection was away were announced to nobody.
                    wake(&listeners, Queue::ALL);
                    let mut messages = pubsub.on_message();
                    while let Some(message) = messages.next().await {
                        let queue = message
                            .get_channel_name()
                            .strip_prefix(namespace.as_str())
                            .and_then(|rest| rest.strip_prefix(':'))
                            .and_then(|rest| rest.strip_suffix(":wake"))
                            .and_then(Queue::named);
                        if let Some(queue) = queue {
                            wake(&listeners, &[queue]);
                        }
                    }
                    tracing::warn!("lost the wake-up channel; jobs are picked up at heartbeats until it is back");
                }
                Err(err) => tracing::warn!(error = %err, "cannot subscribe to the wake-up channel"),
            },
            Err(err) => tracing::debug!(error = %err, "cannot reach Redis for wake-ups"),
        }
        tokio::time::sleep(backoff).await;
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// A consumer that fetches again as soon as its queue is woken, instead of at its next heartbeat.
pub struct WakeOnJobs<B> {
    backend: B,
    wakes: mpsc::Receiver<()>,
    recheck: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl<B> WakeOnJobs<B> {
    pub fn new(backend: B, wakes: mpsc::Receiver<()>) -> Self {
        Self { backend, wakes, recheck: None }
    }
}

impl<B: std::fmt::Debug> std::fmt::Debug for WakeOnJobs<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WakeOnJobs").field("backend", &self.backend).finish_non_exhaustive()
    }
}

impl<B: Backend> Backend for WakeOnJobs<B> {
    type Task = B::Task;
    type Error = B::Error;

    fn poll_ready(&mut self, cx: &mut Context<'_>, worker: &WorkerContext) -> Poll<Result<(), Self::Error>> {
        self.backend.poll_ready(cx, worker)
    }

    fn poll_next(
        &mut self,
        cx: &mut Context<'_>,
        worker: &WorkerContext,
    ) -> Poll<Option<Result<Self::Task, Self::Error>>> {
        let next = self.backend.poll_next(cx, worker);
        if next.is_ready() {
            return next;
        }
        // Nothing to run yet. A wake (or the recheck after one) has the worker poll again, and an
        // idle backend then fetches.
        let mut woken = false;
        while let Poll::Ready(Some(())) = self.wakes.poll_recv(cx) {
            woken = true;
        }
        if woken {
            self.recheck = Some(Box::pin(tokio::time::sleep(RECHECK)));
            cx.waker().wake_by_ref();
        } else if let Some(timer) = self.recheck.as_mut()
            && timer.as_mut().poll(cx).is_ready()
        {
            self.recheck = None;
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }

    fn poll_close(&mut self, cx: &mut Context<'_>, worker: &WorkerContext) -> Poll<Result<(), Self::Error>> {
        self.backend.poll_close(cx, worker)
    }
}

impl<B: BackendConfig> BackendConfig for WakeOnJobs<B> {
    type Id = B::Id;
    type Args = B::Args;
    type Kind = B::Kind;
    type Config = B::Config;
    type Layer = B::Layer;

    fn config(&self) -> &Self::Config {
        self.backend.config()
    }

    fn middleware(&mut self, worker: &mut WorkerContext) -> Self::Layer {
        self.backend.middleware(worker)
    }
}

impl<B: WireFormatBackend> WireFormatBackend for WakeOnJobs<B> {
    type Compact = B::Compact;
    type Codec = B::Codec;

    fn codec(&self) -> &Self::Codec {
        self.backend.codec()
    }
}

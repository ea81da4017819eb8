//! A real socket.io client for tests: `tests/clients/socketio_listen.py` (python-socketio, which
//! `deploy/local/test` installs and names in `SHOEBOX_TEST_SOCKETIO_PYTHON`), run as a child
//! process whose lines say what it saw. Shared with shoebox-worker's tests.

#![allow(dead_code)]

use std::collections::HashMap;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncBufReadExt, BufReader, Lines};
use tokio::process::{Child, ChildStdout, Command};

pub const SOCKETIO_PYTHON: &str = "SHOEBOX_TEST_SOCKETIO_PYTHON";

/// What the client saw, with when it saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub line: Value,
    pub at: Instant,
}

impl Seen {
    pub fn kind(&self) -> &str {
        self.line["kind"].as_str().unwrap_or_default()
    }

    /// The event's name, for `kind == "event"`.
    pub fn name(&self) -> &str {
        self.line["name"].as_str().unwrap_or_default()
    }

    /// The event's first argument.
    pub fn arg(&self) -> &Value {
        &self.line["args"][0]
    }
}

/// python-socketio handles each incoming packet on a thread of its own, so what the client
/// reports may come out of the server's order: the lookups below search everything seen so far.
pub struct SocketIoClient {
    child: Child,
    lines: Lines<BufReader<ChildStdout>>,
    /// Everything seen so far, in the order the client reported it.
    pub seen: Vec<Seen>,
    /// How many events of each name [`Self::event`] has handed out.
    taken: HashMap<String, usize>,
}

impl SocketIoClient {
    /// Connects to the server at `url` with these handshake headers (`("cookie", "…")`, …).
    pub fn start(url: &str, headers: &[(&str, String)]) -> Self {
        let python = std::env::var(SOCKETIO_PYTHON).unwrap_or_else(|_| {
            panic!(
                "{SOCKETIO_PYTHON} is not set: run the tests through deploy/local/test (it installs python-socketio)"
            )
        });
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shoebox-server/tests/clients/socketio_listen.py");
        let mut command = Command::new(python);
        command.arg(script).arg(url);
        for (name, value) in headers {
            command.arg(format!("{name}: {value}"));
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the socket.io client starts");
        let lines = BufReader::new(child.stdout.take().unwrap()).lines();
        Self { child, lines, seen: Vec::new(), taken: HashMap::new() }
    }

    /// The next thing the client sees, or `None` when `limit` passes first or it has exited.
    pub async fn next(&mut self, limit: Duration) -> Option<Seen> {
        let line = tokio::time::timeout(limit, self.lines.next_line()).await.ok()?.expect("reading the client")?;
        let seen =
            Seen { line: serde_json::from_str(&line).expect("the client prints JSON lines"), at: Instant::now() };
        self.seen.push(seen.clone());
        Some(seen)
    }

    /// Waits until what the client saw so far satisfies `done`; panics after `limit`.
    pub async fn wait_until(&mut self, what: &str, limit: Duration, done: impl Fn(&[Seen]) -> bool) {
        let deadline = Instant::now() + limit;
        while !done(&self.seen) {
            let left = deadline.saturating_duration_since(Instant::now());
            if self.next(left).await.is_none() {
                panic!("no {what} within {limit:?}; the client saw {:?}", self.lines_seen());
            }
        }
    }

    /// The first thing seen, before or after this call, that `wanted` picks; panics after `limit`.
    pub async fn wait_for(&mut self, what: &str, limit: Duration, wanted: impl Fn(&Seen) -> bool) -> Seen {
        self.wait_until(what, limit, |seen| seen.iter().any(&wanted)).await;
        self.seen.iter().find(|seen| wanted(seen)).cloned().expect("just seen")
    }

    /// The next event called `name` not handed out before (events of one name in the order the
    /// client reported them).
    pub async fn event(&mut self, name: &str, limit: Duration) -> Seen {
        let taken = self.taken.get(name).copied().unwrap_or(0);
        let is_it = |seen: &Seen| seen.kind() == "event" && seen.name() == name;
        self.wait_until(name, limit, |seen| seen.iter().filter(|seen| is_it(seen)).count() > taken).await;
        self.taken.insert(name.to_owned(), taken + 1);
        self.seen.iter().filter(|seen| is_it(seen)).nth(taken).cloned().expect("just seen")
    }

    /// Waits until the connection is up (Immich sends `on_server_version` on connect).
    pub async fn connected(&mut self) {
        let greeted = |seen: &Seen| seen.kind() == "event" && seen.name() == "on_server_version";
        self.wait_until("connection and on_server_version", Duration::from_secs(20), |seen| {
            seen.iter().any(|seen| seen.kind() == "connect") && seen.iter().any(greeted)
        })
        .await;
    }

    /// The events seen so far called `name`.
    pub fn events(&self, name: &str) -> Vec<&Seen> {
        self.seen.iter().filter(|seen| seen.kind() == "event" && seen.name() == name).collect()
    }

    pub fn lines_seen(&self) -> Vec<&Value> {
        self.seen.iter().map(|seen| &seen.line).collect()
    }

    /// Reads what arrives for `quiet` (to show nothing more came).
    pub async fn drain(&mut self, quiet: Duration) {
        while self.next(quiet).await.is_some() {}
    }

    /// Closes the client's stdin: it disconnects and exits.
    pub async fn stop(mut self) {
        drop(self.child.stdin.take());
        let _ = tokio::time::timeout(Duration::from_secs(10), self.child.wait()).await;
    }
}

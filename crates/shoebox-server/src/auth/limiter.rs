//! Slows password guessing: each client address may fail to log in only so many times a minute.
//! Successful logins are not counted, so a family behind one router is not locked out by use.

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: usize,
    failures: Mutex<HashMap<IpAddr, VecDeque<Instant>>>,
}

impl LoginLimiter {
    pub fn new(max_failures_per_minute: u32) -> Self {
        Self { max_failures: max_failures_per_minute as usize, failures: Mutex::default() }
    }

    /// Whether `client` may try now.
    pub fn allows(&self, client: IpAddr) -> bool {
        self.allows_at(client, Instant::now())
    }

    pub fn record_failure(&self, client: IpAddr) {
        self.record_failure_at(client, Instant::now());
    }

    fn allows_at(&self, client: IpAddr, now: Instant) -> bool {
        let mut failures = self.failures.lock().expect("limiter lock");
        let Some(times) = failures.get_mut(&client) else { return true };
        while times.front().is_some_and(|&t| now.duration_since(t) >= WINDOW) {
            times.pop_front();
        }
        if times.is_empty() {
            failures.remove(&client);
            return true;
        }
        times.len() < self.max_failures
    }

    fn record_failure_at(&self, client: IpAddr, now: Instant) {
        self.failures.lock().expect("limiter lock").entry(client).or_default().push_back(now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_after_too_many_failures_then_forgets() {
        let limiter = LoginLimiter::new(3);
        let client: IpAddr = "192.0.2.7".parse().unwrap();
        let other: IpAddr = "192.0.2.8".parse().unwrap();
        let start = Instant::now();
        for _ in 0..3 {
            assert!(limiter.allows_at(client, start));
            limiter.record_failure_at(client, start);
        }
        assert!(!limiter.allows_at(client, start + Duration::from_secs(59)));
        assert!(limiter.allows_at(other, start), "other clients are unaffected");
        assert!(limiter.allows_at(client, start + WINDOW), "failures expire after a minute");
    }
}

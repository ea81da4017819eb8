//! Slows password guessing: one client address may fail to log in to one account only so many
//! times a minute. Keying on the pair means a guesser behind the same proxy or router as
//! everyone else locks out only the account they guess at, from their address. Successful
//! logins are not counted, so a family behind one router is not locked out by use.
//! The client address is the connection's peer, or, when that peer is a configured trusted
//! proxy, the address it forwarded (see [`client_address`]).

use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::http::HeaderMap;
use ipnet::IpNet;

const WINDOW: Duration = Duration::from_secs(60);

/// Who is trying: the client's address and the account (the email, case-folded).
type Key = (IpAddr, String);

#[derive(Debug)]
pub struct LoginLimiter {
    max_failures: usize,
    failures: Mutex<HashMap<Key, VecDeque<Instant>>>,
}

impl LoginLimiter {
    pub fn new(max_failures_per_minute: u32) -> Self {
        Self { max_failures: max_failures_per_minute as usize, failures: Mutex::default() }
    }

    /// Whether `client` may try to log in to `account` now.
    pub fn allows(&self, client: IpAddr, account: &str) -> bool {
        self.allows_at(&key(client, account), Instant::now())
    }

    pub fn record_failure(&self, client: IpAddr, account: &str) {
        self.record_failure_at(key(client, account), Instant::now());
    }

    fn allows_at(&self, key: &Key, now: Instant) -> bool {
        let mut failures = self.failures.lock().expect("limiter lock");
        // Forgetting expired entries as we go keeps the map as small as the last minute's guesses.
        failures.retain(|_, times| {
            while times.front().is_some_and(|&t| now.duration_since(t) >= WINDOW) {
                times.pop_front();
            }
            !times.is_empty()
        });
        failures.get(key).is_none_or(|times| times.len() < self.max_failures)
    }

    fn record_failure_at(&self, key: Key, now: Instant) {
        self.failures.lock().expect("limiter lock").entry(key).or_default().push_back(now);
    }
}

fn key(client: IpAddr, account: &str) -> Key {
    (client, account.trim().to_lowercase())
}

/// The address a request came from. A peer that is one of the `trusted` proxies speaks for the
/// client: the rightmost `X-Forwarded-For` entry that is not itself a trusted proxy is taken (the
/// entries left of it were written by the client and prove nothing). Anyone else's forwarded
/// headers are ignored.
pub fn client_address(peer: IpAddr, headers: &HeaderMap, trusted: &[IpNet]) -> IpAddr {
    let is_trusted = |address: &IpAddr| trusted.iter().any(|net| net.contains(&canonical(*address)));
    if !is_trusted(&peer) {
        return peer;
    }
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(str::trim)
        .collect();
    let mut client = peer;
    for entry in forwarded.iter().rev() {
        let Ok(address) = entry.parse::<IpAddr>() else { break };
        client = canonical(address);
        if !is_trusted(&client) {
            break;
        }
    }
    client
}

/// An IPv4 address seen through an IPv6 socket (`::ffff:a.b.c.d`) as the IPv4 address it is.
fn canonical(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(address, IpAddr::V4),
        v4 => v4,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_an_address_and_account_after_too_many_failures_then_forgets() {
        let limiter = LoginLimiter::new(3);
        let client: IpAddr = "192.0.2.7".parse().unwrap();
        let other: IpAddr = "192.0.2.8".parse().unwrap();
        let start = Instant::now();
        let alice = key(client, "alice@example.com");
        for _ in 0..3 {
            assert!(limiter.allows_at(&alice, start));
            limiter.record_failure_at(alice.clone(), start);
        }
        let later = start + Duration::from_secs(59);
        assert!(!limiter.allows_at(&alice, later));
        assert!(!limiter.allows_at(&key(client, " Alice@Example.com"), later), "the email's case does not matter");
        assert!(limiter.allows_at(&key(other, "alice@example.com"), later), "other clients are unaffected");
        assert!(limiter.allows_at(&key(client, "bob@example.com"), later), "other accounts are unaffected");
        assert!(limiter.allows_at(&alice, start + WINDOW), "failures expire after a minute");
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    #[test]
    fn only_a_trusted_proxy_may_name_the_client() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let trusted: Vec<IpNet> = vec!["10.0.0.0/24".parse().unwrap()];
        let headers = forwarded("198.51.100.1, 203.0.113.9");
        assert_eq!(client_address(proxy, &headers, &trusted), "203.0.113.9".parse::<IpAddr>().unwrap());
        assert_eq!(client_address(proxy, &headers, &[]), proxy, "no trusted proxies: the header is ignored");
        let stranger: IpAddr = "203.0.113.50".parse().unwrap();
        assert_eq!(client_address(stranger, &headers, &trusted), stranger, "an untrusted peer cannot forward");
        let chained = forwarded("203.0.113.9, 10.0.0.7");
        assert_eq!(client_address(proxy, &chained, &trusted), "203.0.113.9".parse::<IpAddr>().unwrap());
        assert_eq!(client_address(proxy, &forwarded("garbage"), &trusted), proxy);
        let mapped: IpAddr = "::ffff:10.0.0.2".parse().unwrap();
        assert_eq!(client_address(mapped, &headers, &trusted), "203.0.113.9".parse::<IpAddr>().unwrap());
    }
}

//! What a worker logs at the default level while it processes real photos: Shoebox's own lines
//! only, not an entry per EXIF tag from a dependency, and no warning for a photo without GPS.

use crate::common;

use std::time::Duration;

use common::{Stack, jpeg};

/// A log line without its colour codes.
fn plain(line: &str) -> String {
    let mut out = String::new();
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            chars.by_ref().find(|c| c.is_ascii_alphabetic());
        } else {
            out.push(c);
        }
    }
    out
}

#[tokio::test]
async fn the_default_log_has_shoebox_lines_only() {
    let mut stack = Stack::start(true).await;
    for seed in 0..5 {
        stack.upload_bytes(&format!("no-gps-{seed}.jpg"), jpeg(seed + 900)).await;
    }
    stack.upload_fixture("photos/starfish.jpg").await;
    stack.upload_fixture("photos/pug.heic").await;
    stack.upload_fixture("photos/astronaut.png").await;
    let log = stack.data_dir.path().join("worker.log");
    let worker = stack.start_worker_with(&[("SHOEBOX_LOG", None)], Some(&log));
    stack.wait_for(8, 0, Duration::from_secs(180)).await;
    stack.kill_worker(worker);

    let lines: Vec<String> = std::fs::read_to_string(&log).unwrap().lines().map(plain).collect();
    assert!(
        lines.iter().any(|line| line.contains(" INFO shoebox_worker")),
        "Shoebox's info lines are shown: {lines:#?}"
    );
    let foreign: Vec<&String> = lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .filter(|line| line.split_whitespace().nth(2).is_none_or(|target| !target.starts_with("shoebox_")))
        .collect();
    assert!(
        foreign.is_empty(),
        "{} of {} lines are not Shoebox's: {:#?}",
        foreign.len(),
        lines.len(),
        &foreign[..foreign.len().min(5)]
    );
    assert!(!lines.iter().any(|line| line.contains("WARN") || line.contains("GPS")), "{lines:#?}");
}

//! The decode memory budget: every decoder says how many bytes it will hold (width × height ×
//! bytes per pixel of each buffer it keeps at once, known from the header before any pixel is
//! decoded) and reserves them here first. Decodes that together would pass the ceiling wait
//! their turn, first come first served, so a worker stays under it however many jobs run; a
//! file that alone needs more than the ceiling fails at once with the reason.

use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use crate::MediaError;

/// A byte-weighted semaphore shared by all decodes of a process (clones share one budget).
#[derive(Debug, Clone)]
pub struct DecodeMemory {
    shared: Arc<Shared>,
}

#[derive(Debug)]
struct Shared {
    ceiling: u64,
    state: Mutex<State>,
    changed: Condvar,
}

#[derive(Debug, Default)]
struct State {
    in_use: u64,
    /// Tickets give waiters their turn in arrival order, so a large decode is not starved by a
    /// stream of small ones.
    next_ticket: u64,
    serving: u64,
}

/// The metric showing the bytes decodes hold right now (`/metrics` on the worker).
pub const MEMORY_GAUGE: &str = "shoebox_decode_memory_bytes";

/// Bytes held by one decode; given back when dropped.
#[must_use = "the memory is given back as soon as the reservation is dropped"]
#[derive(Debug)]
pub struct Reservation {
    shared: Arc<Shared>,
    bytes: u64,
}

/// 1 GiB, the default ceiling for all decodes of one worker together.
pub const DEFAULT_DECODE_MEMORY: u64 = 1 << 30;

impl Default for DecodeMemory {
    fn default() -> Self {
        DecodeMemory::new(DEFAULT_DECODE_MEMORY)
    }
}

impl DecodeMemory {
    pub fn new(ceiling_bytes: u64) -> Self {
        DecodeMemory {
            shared: Arc::new(Shared { ceiling: ceiling_bytes, state: Mutex::default(), changed: Condvar::new() }),
        }
    }

    pub fn ceiling(&self) -> u64 {
        self.shared.ceiling
    }

    /// Bytes reserved by decodes running now.
    pub fn in_use(&self) -> u64 {
        self.lock().in_use
    }

    /// Waits until `bytes` fit beside the decodes already running, then holds them. `what`
    /// names the decode in the error ("16000×15000 PNG, 16-bit RGB").
    pub fn reserve(&self, bytes: u64, what: &str) -> Result<Reservation, MediaError> {
        let ceiling = self.shared.ceiling;
        if bytes > ceiling {
            return Err(MediaError::NeedsTooMuchMemory { what: what.to_owned(), needed: bytes, ceiling });
        }
        let mut state = self.lock();
        let ticket = state.next_ticket;
        state.next_ticket += 1;
        while state.serving != ticket || state.in_use + bytes > ceiling {
            state = self.shared.changed.wait(state).unwrap_or_else(|poisoned| poisoned.into_inner());
        }
        state.serving += 1;
        state.in_use += bytes;
        metrics::gauge!(MEMORY_GAUGE).set(state.in_use as f64);
        drop(state);
        // The next in line may fit too.
        self.shared.changed.notify_all();
        Ok(Reservation { shared: self.shared.clone(), bytes })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.shared.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Drop for Reservation {
    fn drop(&mut self) {
        let mut state = self.shared.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        state.in_use -= self.bytes;
        metrics::gauge!(MEMORY_GAUGE).set(state.in_use as f64);
        drop(state);
        self.shared.changed.notify_all();
    }
}

/// Bytes of `width × height` pixels of `bytes_per_pixel` each (saturating: a bomb's header may
/// claim anything).
pub fn pixel_bytes(width: u32, height: u32, bytes_per_pixel: u64) -> u64 {
    (u64::from(width) * u64::from(height)).saturating_mul(bytes_per_pixel)
}

/// "1.9 GB" / "512 MB": sizes in messages people read.
pub fn human_bytes(bytes: u64) -> String {
    const MB: f64 = 1024.0 * 1024.0;
    let mb = bytes as f64 / MB;
    if mb >= 1024.0 { format!("{:.1} GB", mb / 1024.0) } else { format!("{:.0} MB", mb.max(1.0)) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn more_than_the_ceiling_fails_with_the_numbers() {
        let budget = DecodeMemory::new(1000);
        let err = budget.reserve(1001, "a 1×1001 test").unwrap_err();
        assert!(matches!(err, MediaError::NeedsTooMuchMemory { needed: 1001, ceiling: 1000, .. }), "{err}");
        assert_eq!(budget.in_use(), 0);
    }

    #[test]
    fn decodes_that_do_not_fit_together_wait_for_each_other() {
        let budget = DecodeMemory::new(1000);
        let first = budget.reserve(700, "first").unwrap();
        let (sender, receiver) = std::sync::mpsc::channel();
        let waiting = {
            let budget = budget.clone();
            std::thread::spawn(move || {
                let second = budget.reserve(700, "second").unwrap();
                sender.send(budget.in_use()).unwrap();
                drop(second);
            })
        };
        assert!(receiver.recv_timeout(Duration::from_millis(200)).is_err(), "the second decode must wait");
        drop(first);
        assert_eq!(receiver.recv_timeout(Duration::from_secs(5)).unwrap(), 700, "only the second one holds memory");
        waiting.join().unwrap();
        assert_eq!(budget.in_use(), 0);
        let both = (budget.reserve(400, "a").unwrap(), budget.reserve(600, "b").unwrap());
        assert_eq!(budget.in_use(), 1000, "decodes that fit together run together");
        drop(both);
    }
}

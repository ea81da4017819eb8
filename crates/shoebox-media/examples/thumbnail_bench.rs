//! Thumbnail benchmark: Shoebox's preview + thumbnail generation against `vipsthumbnail`.
//!
//! Generates N (default 20, or the first argument) photographic-looking 12-megapixel JPEGs
//! (4000×3000, quality 90) in a temporary folder, then times, writing the same two files per
//! photo (preview JPEG 1440 px short side q80, thumbnail WebP 250 px short side q80):
//! - Shoebox on one thread, and on two threads;
//! - vipsthumbnail, one process per size over all files (as libvips recommends), with
//!   VIPS_CONCURRENCY=1 and with its default threading.
//!
//! Run in release: `cargo run --release -p shoebox-media --example thumbnail_bench [N]`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use shoebox_media::{Limits, ThumbnailSettings, generate_image};

const WIDTH: usize = 4000;
const HEIGHT: usize = 3000;

fn main() {
    let count: usize = std::env::args().nth(1).map_or(20, |n| n.parse().expect("N must be a number"));
    let dir = tempfile::tempdir().expect("temporary folder");
    println!("generating {count} JPEGs of {WIDTH}×{HEIGHT} (quality 90) in {}", dir.path().display());
    let photos: Vec<PathBuf> = (0..count).map(|i| write_photo(dir.path(), i)).collect();
    let bytes: u64 = photos.iter().map(|p| std::fs::metadata(p).unwrap().len()).sum();
    println!("average file size: {:.1} MB", bytes as f64 / count as f64 / 1e6);

    // Warm the page cache and the code paths once.
    shoebox(&photos[..1], &dir.path().join("warmup"), 1);

    let shoebox_1 = shoebox(&photos, &dir.path().join("shoebox1"), 1);
    let shoebox_2 = shoebox(&photos, &dir.path().join("shoebox2"), 2);
    report("shoebox, 1 thread", count, shoebox_1);
    report("shoebox, 2 threads", count, shoebox_2);

    match (vips(&photos, &dir.path().join("vips1"), Some(1)), vips(&photos, &dir.path().join("vips"), None)) {
        (Some(vips_1), Some(vips_default)) => {
            report("vipsthumbnail, VIPS_CONCURRENCY=1", count, vips_1);
            report("vipsthumbnail, default threads", count, vips_default);
            println!();
            println!("ratio shoebox/vips, single-threaded:         {:.2}×", ratio(vips_1, shoebox_1));
            println!("ratio shoebox 2 threads / vips default:      {:.2}×", ratio(vips_default, shoebox_2));
        }
        _ => println!("vipsthumbnail not found: apt-get install libvips-tools"),
    }
}

fn report(label: &str, count: usize, elapsed: Duration) {
    println!(
        "{label:<36} {:>7.2} s  {:>6.2} images/s  {:>6.1} ms/image",
        elapsed.as_secs_f64(),
        count as f64 / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / count as f64
    );
}

/// How many times faster `fast` is than `slow`.
fn ratio(slow: Duration, fast: Duration) -> f64 {
    slow.as_secs_f64() / fast.as_secs_f64()
}

/// Times Shoebox making and writing both files for every photo, on `threads` threads.
fn shoebox(photos: &[PathBuf], out: &Path, threads: usize) -> Duration {
    std::fs::create_dir_all(out).unwrap();
    let settings = ThumbnailSettings::default();
    let limits = Limits::default();
    let start = Instant::now();
    std::thread::scope(|scope| {
        for worker in 0..threads {
            let settings = &settings;
            let limits = &limits;
            scope.spawn(move || {
                for (i, photo) in photos.iter().enumerate().filter(|(i, _)| i % threads == worker) {
                    let d = generate_image(photo, "image/jpeg", None, settings, limits).expect("generate_image");
                    std::fs::write(out.join(format!("{i}_preview.jpg")), &d.preview_jpeg).unwrap();
                    std::fs::write(out.join(format!("{i}_thumb.webp")), &d.thumbnail_webp).unwrap();
                }
            });
        }
    });
    start.elapsed()
}

/// Times two vipsthumbnail runs (preview, then thumbnail) over all photos; `None` if missing.
fn vips(photos: &[PathBuf], out: &Path, concurrency: Option<u32>) -> Option<Duration> {
    std::fs::create_dir_all(out).unwrap();
    // The photos are landscape, so a box of unlimited width × N fits the short side to N.
    let runs = [("100000x1440", "%s_preview.jpg[Q=80,strip]"), ("100000x250", "%s_thumb.webp[Q=80,strip]")];
    let start = Instant::now();
    for (size, pattern) in runs {
        let mut command = Command::new("vipsthumbnail");
        command.arg("--size").arg(size).arg("-o").arg(out.join(pattern)).args(photos);
        if let Some(threads) = concurrency {
            command.env("VIPS_CONCURRENCY", threads.to_string());
        }
        let status = command.status().ok()?;
        assert!(status.success(), "vipsthumbnail failed: {status}");
    }
    let elapsed = start.elapsed();
    let made = std::fs::read_dir(out).unwrap().count();
    assert_eq!(made, photos.len() * 2, "vipsthumbnail should write two files per photo");
    Some(elapsed)
}

/// A 12 MP "photo": smooth colour gradients and soft shapes with sensor-like noise, so the
/// JPEG is about as large as a phone's (several MB at quality 90).
fn write_photo(dir: &Path, index: usize) -> PathBuf {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15 ^ (index as u64 + 1).wrapping_mul(0xBF58_476D_1CE4_E5B9));
    let phase = index as f32 * 0.7;
    let mut pixels = vec![0u8; WIDTH * HEIGHT * 3];
    for y in 0..HEIGHT {
        let fy = y as f32 / HEIGHT as f32;
        for x in 0..WIDTH {
            let fx = x as f32 / WIDTH as f32;
            let wave = ((fx * 9.0 + phase).sin() * (fy * 7.0 - phase).cos()) * 60.0;
            let ring = (((fx - 0.5).powi(2) + (fy - 0.4).powi(2)).sqrt() * 40.0).sin() * 25.0;
            let noise = (rng.next() % 41) as f32 - 20.0;
            let offset = (y * WIDTH + x) * 3;
            pixels[offset] = (fx * 180.0 + wave + noise + 30.0).clamp(0.0, 255.0) as u8;
            pixels[offset + 1] = (fy * 160.0 + ring + noise * 0.8 + 40.0).clamp(0.0, 255.0) as u8;
            pixels[offset + 2] = ((1.0 - fx) * 140.0 - wave * 0.5 + noise + 60.0).clamp(0.0, 255.0) as u8;
        }
    }
    let image = turbojpeg::Image {
        pixels: pixels.as_slice(),
        width: WIDTH,
        pitch: WIDTH * 3,
        height: HEIGHT,
        format: turbojpeg::PixelFormat::RGB,
    };
    let jpeg = turbojpeg::compress(image, 90, turbojpeg::Subsamp::Sub2x2).expect("encode test JPEG");
    let path = dir.join(format!("photo_{index:03}.jpg"));
    std::fs::write(&path, &*jpeg).unwrap();
    path
}

struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

//! Decompression bombs against a real worker process: its peak memory (VmHWM) stays under the
//! decode ceiling, a file that alone needs more fails its own job with the reason, and files
//! that fit alone but not together are decoded in turn. The bombs are made here, never stored.

use crate::common;

use std::time::Duration;

use common::Stack;

const MB: u64 = 1024 * 1024;

/// A 16-bit RGB PNG of `width`×`height` black pixels: a few MB on disk, 6 bytes a pixel decoded.
fn png_bomb(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Sixteen);
        encoder.set_compression(png::Compression::Fast);
        encoder.set_filter(png::Filter::NoFilter);
        let mut writer = encoder.write_header().unwrap();
        let mut stream = writer.stream_writer().unwrap();
        let row = vec![0u8; width as usize * 6];
        for _ in 0..height {
            std::io::Write::write_all(&mut stream, &row).unwrap();
        }
        stream.finish().unwrap();
    }
    out
}

/// The same PNG with a text chunk naming `seed` after its header: other bytes, so that uploads
/// of the copies are not duplicates of each other.
fn variant(png: &[u8], seed: u32) -> Vec<u8> {
    let after_header = 8 + 25;
    [&png[..after_header], &chunk(b"tEXt", format!("Comment\0copy {seed}").as_bytes()), &png[after_header..]].concat()
}

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc32(&out[4..]).to_be_bytes());
    out
}

/// CRC-32 (ISO 3309) as PNG chunks use it.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

async fn failure(stack: &Stack, asset: &str) -> (String, String, i32) {
    sqlx::query_as("SELECT queue, reason, attempts FROM asset_job_failures WHERE asset_id = $1::uuid")
        .bind(asset)
        .fetch_one(&stack.ctx.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn bombs_over_the_decode_ceiling_fail_their_jobs_and_the_worker_stays_small() {
    let mut stack = Stack::start(false).await;
    // Three 16000×15000 16-bit PNGs, as in the report: 1.4 GB each decoded, 2 GB with the RGB copy.
    let bomb = png_bomb(16_000, 15_000);
    assert!(bomb.len() < 16 * 1024 * 1024, "a bomb is small on disk: {} bytes", bomb.len());
    let mut bombs = Vec::new();
    for seed in 0..3 {
        bombs.push(stack.upload_bytes(&format!("bomb-{seed}.png"), variant(&bomb, seed)).await);
    }
    let fine = stack.upload_bytes("fine.jpg", common::jpeg(1)).await;
    let worker = stack.start_worker();
    stack.wait_for(1, 3, Duration::from_secs(180)).await;

    for id in &bombs {
        let (queue, reason, attempts) = failure(&stack, id).await;
        assert_eq!(queue, "thumbnailGeneration");
        assert!(reason.contains("16000×15000") && reason.contains("SHOEBOX_DECODE_MEMORY_BYTES"), "{reason}");
        assert!(reason.contains("more than the 1.0 GB allowed"), "{reason}");
        assert_eq!(attempts, 1, "too large is permanent: {reason}");
    }
    let thumbnail = stack.get(&format!("/assets/{fine}/thumbnail")).await;
    assert_eq!(thumbnail.status(), reqwest::StatusCode::OK, "the worker goes on");
    let peak = stack.worker_peak_memory(worker);
    assert!(peak < 1024 * MB, "the worker peaked at {} MB, over the 1 GB ceiling", peak / MB);
}

#[tokio::test]
async fn decodes_that_fit_alone_but_not_together_take_turns() {
    let mut stack = Stack::start(false).await;
    // 8000×7000 16-bit RGB: 336 MB decoded + 168 MB as RGB = 504 MB each; two do not fit in 600 MB.
    let ceiling = 600 * MB;
    let image = png_bomb(8_000, 7_000);
    for seed in 0..3 {
        stack.upload_bytes(&format!("big-{seed}.png"), variant(&image, seed)).await;
    }
    let worker = stack.start_worker_with(&[("SHOEBOX_DECODE_MEMORY_BYTES", Some(&ceiling.to_string()))], None);
    stack.wait_for(3, 0, Duration::from_secs(240)).await;
    let peak = stack.worker_peak_memory(worker);
    // One decode at a time: the ceiling plus what the worker holds anyway (code, connections,
    // resizing buffers), far below the 1.5 GB of three decodes at once.
    assert!(peak < ceiling + 250 * MB, "the worker peaked at {} MB with a {} MB ceiling", peak / MB, ceiling / MB);
}

/// A PNG whose header says 0×0 pixels.
fn empty_png() -> Vec<u8> {
    let mut header = Vec::new();
    header.extend_from_slice(&0u32.to_be_bytes());
    header.extend_from_slice(&0u32.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    [
        &b"\x89PNG\r\n\x1a\n"[..],
        &chunk(b"IHDR", &header),
        &chunk(b"IDAT", &[0x78, 0x9c, 3, 0, 0, 0, 0, 1]),
        &chunk(b"IEND", &[]),
    ]
    .concat()
}

#[tokio::test]
async fn an_image_of_no_pixels_fails_once_with_a_clear_reason() {
    let mut stack = Stack::start(false).await;
    let empty = stack.upload_bytes("nothing.png", empty_png()).await;
    stack.start_worker();
    stack.wait_for(0, 1, Duration::from_secs(60)).await;
    let (queue, reason, attempts) = failure(&stack, &empty).await;
    assert_eq!(queue, "metadataExtraction");
    assert!(reason.contains("no pixels (0×0)"), "{reason}");
    assert_eq!(attempts, 1, "retrying cannot help: {reason}");
}

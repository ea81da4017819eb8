//! Machine-learning throughput: CLIP image embeddings (the test model, and the configured real
//! model when it is installed), CLIP text queries, face detection + recognition with the face
//! models, on the fixture photos, and OCR on the fixtures' text images (also one scaled to
//! Immich's 1440-pixel preview, which is what Immich reads). Decoding is not timed;
//! preprocessing is.
//!
//! Environment: SHOEBOX_ONNXRUNTIME_PATH, SHOEBOX_FIXTURES_DIR, SHOEBOX_TEST_MODELS_DIR (from
//! deploy/local/clip-test-model), and optionally SHOEBOX_MODELS_DIR / SHOEBOX_CLIP_MODEL /
//! SHOEBOX_FACE_MODEL for real models. Usage: `ml_bench [rounds, default 3]`.

use std::path::{Path, PathBuf};
use std::time::Instant;

use image::RgbImage;
use shoebox_ml::{ClipTextual, ClipVisual, FaceDetector, FaceRecognizer, ModelStore, OcrEngine, OcrSettings};

const PHOTOS: [&str; 8] =
    ["obama.jpg", "obama2.jpg", "obama3.jpg", "biden.jpg", "gdp.jpg", "astronaut.png", "coffee.png", "chelsea.png"];

fn env_path(name: &str) -> PathBuf {
    PathBuf::from(std::env::var_os(name).unwrap_or_else(|| panic!("{name} is not set")))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let rounds: usize = std::env::args().nth(1).map(|s| s.parse()).transpose()?.unwrap_or(3);
    let config = shoebox_core::Config::from_env()?;
    shoebox_ml::init_runtime(Some(&env_path("SHOEBOX_ONNXRUNTIME_PATH")))?;
    let fixtures = env_path("SHOEBOX_FIXTURES_DIR").join("photos");
    let photos: Vec<RgbImage> =
        PHOTOS.iter().map(|name| image::open(fixtures.join(name)).map(|i| i.to_rgb8())).collect::<Result<_, _>>()?;
    let pixels: u64 = photos.iter().map(|p| u64::from(p.width()) * u64::from(p.height())).sum();
    println!(
        "# {} photos ({:.2} MP on average), {rounds} rounds, {} cores",
        photos.len(),
        pixels as f64 / photos.len() as f64 / 1e6,
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );

    let test_models = ModelStore::new(env_path("SHOEBOX_TEST_MODELS_DIR"));
    let configured = ModelStore::new(config.ml.models_dir.clone());
    let mut clip_dirs = vec![("test model", test_models.clip_dir("shoebox-test-clip"))];
    if configured.clip_installed(&config.ml.clip_model) {
        clip_dirs.push((config.ml.clip_model.as_str(), configured.clip_dir(&config.ml.clip_model)));
    } else {
        println!("# CLIP {}: not installed in {}, skipped", config.ml.clip_model, config.ml.models_dir.display());
    }
    for (label, dir) in &clip_dirs {
        bench_clip(label, dir, &photos, rounds)?;
    }

    let face_dir = if configured.faces_installed(&config.ml.face_model) {
        configured.face_dir(&config.ml.face_model)
    } else {
        test_models.face_dir("buffalo_s")
    };
    bench_faces(&face_dir, &photos, rounds, config.ml.face_min_score)?;
    bench_ocr(&test_models, &fixtures, rounds)?;
    Ok(())
}

fn bench_ocr(models: &ModelStore, fixtures: &Path, rounds: usize) -> Result<(), Box<dyn std::error::Error>> {
    let mut images = Vec::new();
    for name in ["page.png", "baiona_color.jpg", "linn.png"] {
        images.push((name.to_owned(), image::open(fixtures.join("text").join(name))?.to_rgb8()));
    }
    let scan = &images[2].1;
    let preview =
        image::imageops::resize(scan, scan.width() * 1440 / scan.height(), 1440, image::imageops::FilterType::Triangle);
    images.push(("linn.png as a 1440 preview".to_owned(), preview));
    let (detection, recognition) = models.ocr_dirs("PP-OCRv5_mobile");
    let settings = OcrSettings::default();
    for threads in [1, 2] {
        let engine = OcrEngine::load_parts(&detection, &recognition, threads)?;
        for (name, image) in &images {
            let lines = engine.read(image, &settings)?; // warm-up
            let start = Instant::now();
            for _ in 0..rounds {
                engine.read(image, &settings)?;
            }
            let ms = start.elapsed().as_secs_f64() * 1000.0 / rounds as f64;
            println!(
                "OCR (PP-OCRv5_mobile, {threads} thread{}): {name} {}×{}: {ms:.0} ms, {} lines",
                if threads == 1 { "" } else { "s" },
                image.width(),
                image.height(),
                lines.len()
            );
        }
    }
    Ok(())
}

fn bench_clip(label: &str, dir: &Path, photos: &[RgbImage], rounds: usize) -> Result<(), Box<dyn std::error::Error>> {
    for threads in [1, 2] {
        let visual = ClipVisual::load(dir, threads)?;
        visual.embed(&photos[..1])?; // warm-up
        let start = Instant::now();
        for _ in 0..rounds {
            visual.embed(photos)?;
        }
        let batched = (rounds * photos.len()) as f64 / start.elapsed().as_secs_f64();
        let start = Instant::now();
        for _ in 0..rounds {
            for photo in photos {
                visual.embed(std::slice::from_ref(photo))?;
            }
        }
        let single = (rounds * photos.len()) as f64 / start.elapsed().as_secs_f64();
        println!(
            "CLIP image ({label}, {}-d, {threads} thread{}): {batched:.1} images/s batched, {single:.1} images/s one by one",
            visual.dimension(),
            if threads == 1 { "" } else { "s" }
        );
    }
    let textual = ClipTextual::load(dir, 1)?;
    let queries = ["a red car", "dog on the beach", "birthday cake with candles", "snowy mountains at sunset"];
    textual.embed(queries[0])?;
    let start = Instant::now();
    for _ in 0..rounds * 5 {
        for query in queries {
            textual.embed(query)?;
        }
    }
    let per_query = start.elapsed().as_secs_f64() * 1000.0 / (rounds * 5 * queries.len()) as f64;
    println!("CLIP text ({label}, 1 thread): {per_query:.2} ms per query");
    Ok(())
}

fn bench_faces(
    dir: &Path,
    photos: &[RgbImage],
    rounds: usize,
    min_score: f32,
) -> Result<(), Box<dyn std::error::Error>> {
    let name = dir.file_name().and_then(|n| n.to_str()).unwrap_or("faces");
    for threads in [1, 2] {
        let detector = FaceDetector::load(dir, threads, min_score)?;
        let recognizer = FaceRecognizer::load(dir, threads)?;
        detector.detect(&photos[0])?;
        let mut faces_per_photo = Vec::new();
        let start = Instant::now();
        for _ in 0..rounds {
            faces_per_photo = photos.iter().map(|p| detector.detect(p)).collect::<Result<Vec<_>, _>>()?;
        }
        let detect_rate = (rounds * photos.len()) as f64 / start.elapsed().as_secs_f64();
        let face_count: usize = faces_per_photo.iter().map(Vec::len).sum();
        let start = Instant::now();
        for _ in 0..rounds {
            for (photo, faces) in photos.iter().zip(&faces_per_photo) {
                recognizer.embed(photo, faces)?;
            }
        }
        let recognize_rate = (rounds * face_count) as f64 / start.elapsed().as_secs_f64();
        println!(
            "Faces ({name}, {threads} thread{}): detection {detect_rate:.1} images/s ({face_count} faces in {} photos), recognition {recognize_rate:.1} faces/s",
            if threads == 1 { "" } else { "s" },
            photos.len()
        );
    }
    Ok(())
}

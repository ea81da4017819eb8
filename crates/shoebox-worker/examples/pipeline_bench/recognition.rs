//! The recognition parts of the pipeline benchmark: reading the words in photos (OCR
//! photos/hour and how many of the printed words are found), and faces on a labelled set before
//! and after a user names one face per person.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::path::Path;
use std::time::{Duration, Instant};

use anyhow::Context;
use reqwest::Method;
use serde_json::{Value, json};

use super::Bench;

/// Printed words in the fixtures' text photos, read off the pictures by eye.
const TEXT_PHOTOS: &[(&str, &str)] = &[
    (
        "text/page.png",
        "Region-based segmentation Let us first determine markers of the coins and the background. These markers are \
         pixels that we can label unambiguously as either object or background. Here, the markers are found at the \
         two extreme parts of the histogram of grey values:",
    ),
    ("text/baiona_color.jpg", "BAIONA Tarnose Bokale Angelu Lehuntze Komunikabideak Eguneratua"),
    (
        "text/linn.png",
        "The LinnSequencer 32 Track MIDI Sequence Recorder Recording a Sequence Composition Without Compromise Linn \
         Electronics",
    ),
];

fn words(text: &str) -> Vec<String> {
    shoebox_db::ocr::search_tokens([text])
}

async fn ml_bench(models: &Path, with_ocr: bool) -> anyhow::Result<Bench> {
    let onnxruntime = std::env::var("SHOEBOX_ONNXRUNTIME_PATH").context("SHOEBOX_ONNXRUNTIME_PATH")?;
    let mut env = vec![
        ("SHOEBOX_ONNXRUNTIME_PATH", onnxruntime.clone()),
        ("SHOEBOX_CLIP_MODEL", "shoebox-test-clip".to_owned()),
        ("SHOEBOX_FACE_MODEL", "buffalo_s".to_owned()),
    ];
    if !with_ocr {
        env.push(("SHOEBOX_OCR_ENABLED", "false".to_owned()));
    }
    let env: Vec<(&str, &str)> = env.iter().map(|(name, value)| (*name, value.as_str())).collect();
    Bench::start(&env, Some(models)).await
}

/// OCR with Immich's defaults (PP-OCRv5 mobile, detection on at most 736 pixels, minimum scores
/// 0.5 and 0.8), on the previews of real printed pages, a map and a scan.
pub async fn ocr(models: &Path, fixtures: &Path, copies: usize) -> anyhow::Result<()> {
    println!("\n## ocr: {} text photos, {copies} copies each (PP-OCRv5 mobile, Immich's settings)", TEXT_PHOTOS.len());
    let bench = ml_bench(models, true).await?;
    bench.warm_up().await?;
    bench.wait_count("SELECT count(*) FROM asset_job_status WHERE ocr_at IS NOT NULL", 0).await?;
    let mut photos = Vec::new();
    for (name, _) in TEXT_PHOTOS {
        let original = image::open(fixtures.join("photos").join(name))?.into_rgb8();
        for copy in 0..copies {
            // Each copy differs in its bytes, so none is refused as a duplicate.
            let mut out = Cursor::new(Vec::new());
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 95 - copy as u8).encode_image(&original)?;
            photos.push((*name, out.into_inner()));
        }
    }
    let cpu_before = bench.cpu_seconds()?;
    let start = Instant::now();
    let mut ids = Vec::new();
    for (i, (name, bytes)) in photos.into_iter().enumerate() {
        ids.push((name, bench.upload(&format!("text-{i}.jpg"), bytes).await?));
    }
    bench.wait_count("SELECT count(*) FROM asset_job_status WHERE ocr_at IS NOT NULL", ids.len()).await?;
    let wall = start.elapsed().as_secs_f64();
    let cpu_after = bench.cpu_seconds()?;
    let worker_cpu = cpu_after.0 - cpu_before.0;
    println!(
        "{} photos through the whole pipeline in {wall:.1} s: {:.0} photos/hour; worker CPU {:.1} s per photo \
         (all steps, OCR most of it)",
        ids.len(),
        ids.len() as f64 / wall * 3600.0,
        worker_cpu / ids.len() as f64
    );
    // Quality: the printed words read, and each found by search.
    for (name, reference) in TEXT_PHOTOS {
        let id = &ids.iter().find(|(n, _)| n == name).context("an uploaded copy")?.1;
        let lines = bench.get(&format!("/assets/{id}/ocr")).await?;
        let read: BTreeSet<String> =
            lines.as_array().into_iter().flatten().flat_map(|line| words(line["text"].as_str().unwrap_or(""))).collect();
        let wanted: Vec<String> = words(reference);
        let seen = wanted.iter().filter(|word| read.contains(*word)).count();
        let distinct: BTreeSet<&String> = wanted.iter().collect();
        let mut found_by_search = 0;
        for word in &distinct {
            let body = bench.post("/search/metadata", json!({ "ocr": word, "size": 1000 })).await?;
            let hits: Vec<&str> = body["assets"]["items"].as_array().into_iter().flatten().filter_map(|a| a["id"].as_str()).collect();
            if hits.contains(&id.as_str()) {
                found_by_search += 1;
            }
        }
        println!(
            "{name}: {} lines; {seen} of {} printed words read exactly ({:.0}%); {found_by_search} of {} distinct words find the photo",
            lines.as_array().map_or(0, Vec::len),
            wanted.len(),
            seen as f64 * 100.0 / wanted.len() as f64,
            distinct.len()
        );
    }
    Ok(())
}

/// A labelled face crop on a grey canvas twice its size, as a camera frames a face.
fn framed(path: &Path) -> anyhow::Result<Vec<u8>> {
    let chip = image::open(path).with_context(|| path.display().to_string())?.into_rgb8();
    let mut canvas = image::RgbImage::from_pixel(chip.width() * 2, chip.height() * 2, image::Rgb([127, 127, 127]));
    image::imageops::overlay(&mut canvas, &chip, i64::from(chip.width() / 2), i64::from(chip.height() / 2));
    let mut out = Cursor::new(Vec::new());
    canvas.write_to(&mut out, image::ImageFormat::Jpeg)?;
    Ok(out.into_inner())
}

/// A family's library of people: some with many photos, some with two, some with one.
fn labelled_set(fixtures: &Path) -> anyhow::Result<Vec<(String, Vec<u8>)>> {
    let mut set = Vec::new();
    for (person, count) in [("John_Salley", 11), ("John_Savage", 6), ("John_Schneider", 2), ("John_Shimkus", 2), ("John_Simm", 2)] {
        let folder = fixtures.join("photos/johns").join(person);
        let mut files: Vec<_> = std::fs::read_dir(&folder)?.map(|entry| entry.map(|e| e.path())).collect::<Result<_, _>>()?;
        files.sort();
        for file in files.iter().take(count) {
            set.push((person.to_owned(), framed(file)?));
        }
    }
    for (person, file) in [("Obama", "obama.jpg"), ("Obama", "obama2.jpg"), ("Obama", "obama3.jpg"), ("Biden", "biden.jpg")] {
        set.push((person.to_owned(), std::fs::read(fixtures.join("photos").join(file))?));
    }
    Ok(set)
}

/// How the faces are clustered against their labels: faces given the right person (the person
/// most of that label's faces went to, and a person counts for one label only), faces given a
/// wrong one, and faces left unassigned.
async fn accuracy(bench: &Bench, labelled: &[(String, String)]) -> anyhow::Result<(usize, usize, usize, i64)> {
    let mut person_of = Vec::new();
    for (label, asset) in labelled {
        let faces = bench.get(&format!("/faces?id={asset}")).await?;
        person_of.push((label.clone(), faces[0]["person"]["id"].as_str().map(str::to_owned)));
    }
    // Each person stands for the label most of its faces have.
    let mut votes: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for (label, person) in &person_of {
        if let Some(person) = person {
            *votes.entry(person.clone()).or_default().entry(label.clone()).or_default() += 1;
        }
    }
    let stands_for: BTreeMap<String, String> = votes
        .into_iter()
        .map(|(person, labels)| (person, labels.into_iter().max_by_key(|(_, n)| *n).map(|(l, _)| l).unwrap_or_default()))
        .collect();
    let (mut right, mut wrong, mut unassigned) = (0, 0, 0);
    for (label, person) in &person_of {
        match person {
            None => unassigned += 1,
            Some(person) if stands_for.get(person) == Some(label) => right += 1,
            Some(_) => wrong += 1,
        }
    }
    let people = bench.get("/people").await?["total"].as_i64().unwrap_or(0);
    Ok((right, wrong, unassigned, people))
}

/// Waits until no recognition job is left in Redis or running (the queues drained for 3 s).
async fn settle(bench: &Bench) -> anyhow::Result<()> {
    let mut quiet_since = Instant::now();
    let start = Instant::now();
    while quiet_since.elapsed() < Duration::from_secs(3) {
        let queue = bench.get("/jobs").await?;
        let counts = &queue["facialRecognition"]["jobCounts"];
        if counts["active"].as_i64().unwrap_or(0) + counts["waiting"].as_i64().unwrap_or(0) > 0 {
            quiet_since = Instant::now();
        }
        anyhow::ensure!(start.elapsed() < Duration::from_secs(600), "recognition never settled");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(())
}

/// Faces of a labelled set clustered by the 3-face rule alone, then after the user names one
/// face per person (a person made from an unassigned face, as Immich's web does).
pub async fn faces_learning(models: &Path, fixtures: &Path) -> anyhow::Result<()> {
    let set = labelled_set(fixtures)?;
    let labels: BTreeSet<&String> = set.iter().map(|(label, _)| label).collect();
    println!("\n## faces that learn: {} photos of {} labelled people (dlib's Johns framed on grey, Obama, Biden)", set.len(), labels.len());
    let bench = ml_bench(models, false).await?;
    bench.warm_up().await?;
    let mut labelled = Vec::new();
    for (i, (label, bytes)) in set.into_iter().enumerate() {
        labelled.push((label, bench.upload(&format!("face-{i}.jpg"), bytes).await?));
    }
    bench.wait_count("SELECT count(*) FROM asset_job_status WHERE facial_recognition_at IS NOT NULL", labelled.len()).await?;
    settle(&bench).await?;
    let total = labelled.len();
    let report = |when: &str, (right, wrong, unassigned, people): (usize, usize, usize, i64)| {
        println!(
            "{when}: {right} of {total} faces with the right person ({:.0}%), {wrong} with a wrong one, {unassigned} unassigned; {people} people",
            right as f64 * 100.0 / total as f64
        );
    };
    report("3-face rule alone", accuracy(&bench, &labelled).await?);

    // The user names one photo's face per person.
    let start = Instant::now();
    let mut named = BTreeSet::new();
    for (label, asset) in &labelled {
        if !named.insert(label.clone()) {
            continue;
        }
        let face = bench.get(&format!("/faces?id={asset}")).await?[0].clone();
        let name = label.replace('_', " ");
        match face["person"]["id"].as_str() {
            Some(person) => {
                bench.send(Method::PUT, &format!("/people/{person}"), json!({ "name": name })).await?;
            }
            None => {
                let person = bench.send(Method::POST, "/people", json!({ "name": name })).await?;
                let person = person["id"].as_str().context("a new person's id")?;
                bench.send(Method::PUT, &format!("/faces/{person}"), json!({ "id": face["id"] })).await?;
            }
        }
    }
    settle(&bench).await?;
    report(&format!("after naming one face per person ({:.1} s to settle)", start.elapsed().as_secs_f64()), accuracy(&bench, &labelled).await?);
    Ok(())
}

impl Bench {
    async fn get(&self, path: &str) -> anyhow::Result<Value> {
        let response = self.http.get(format!("{}{path}", self.url)).bearer_auth(&self.token).send().await?;
        Ok(response.error_for_status()?.json().await?)
    }

    async fn post(&self, path: &str, body: Value) -> anyhow::Result<Value> {
        self.send(Method::POST, path, body).await
    }

    async fn send(&self, method: Method, path: &str, body: Value) -> anyhow::Result<Value> {
        let response = self.http.request(method, format!("{}{path}", self.url)).bearer_auth(&self.token).json(&body).send().await?;
        let text = response.error_for_status()?.text().await?;
        Ok(if text.is_empty() { Value::Null } else { serde_json::from_str(&text)? })
    }
}

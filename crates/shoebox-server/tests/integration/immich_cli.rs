//! The real Immich CLI (`@immich/cli` 3.2.2 from npm, run by Node 22) backing up to Shoebox.
//! `deploy/local/test` installs it and sets SHOEBOX_TEST_IMMICH_CLI to its wrapper script.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::{TestServer, jpeg};
use serde_json::{Value, json};

const CLI: &str = "SHOEBOX_TEST_IMMICH_CLI";

/// Runs the CLI with its own config folder; returns (success, stdout + stderr).
fn immich(config_dir: &Path, args: &[&str]) -> (bool, String) {
    let cli = std::env::var(CLI).unwrap_or_else(|_| {
        panic!("{CLI} is not set: run the tests through deploy/local/test, which installs the CLI")
    });
    let output = Command::new(cli)
        .arg("--config-directory")
        .arg(config_dir)
        .args(args)
        .env_remove("IMMICH_INSTANCE_URL")
        .env_remove("IMMICH_API_KEY")
        .output()
        .expect("the Immich CLI runs");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    println!("$ immich {}\n{text}", args.join(" "));
    (output.status.success(), text)
}

fn write(path: &Path, bytes: &[u8]) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, bytes).unwrap();
}

fn png(seed: u8) -> Vec<u8> {
    let image = image::RgbImage::from_fn(40, 30, |x, y| image::Rgb([x as u8 * 6, seed, y as u8 * 8]));
    let mut out = std::io::Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

#[tokio::test(flavor = "multi_thread")]
async fn immich_cli_logs_in_reports_and_backs_up_a_folder_tree_with_albums() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let (_, key) = server.api_key(&token, &["all"]).await;
    let config = tempfile::tempdir().unwrap();
    let config = config.path().to_owned();
    let url = server.url.clone();

    // A camera dump: nested folders, the same photo twice, a text file the CLI ignores, and a
    // file whose name claims a photo but whose bytes are not one.
    let tree = tempfile::tempdir().unwrap();
    let root = tree.path().join("Photos");
    write(&root.join("Holiday/a.jpg"), &jpeg(10));
    write(&root.join("Holiday/b.jpg"), &jpeg(20));
    write(&root.join("Holiday/Beach/c.jpg"), &jpeg(30));
    write(&root.join("Holiday/Beach/c-copy.jpg"), &jpeg(30));
    write(&root.join("Family/d.png"), &png(40));
    write(&root.join("Family/notes.txt"), b"shopping list");
    write(&root.join("Family/fake.heic"), b"not really a photo");
    let root_arg = root.to_str().unwrap().to_owned();

    let (ok, output) = tokio::task::spawn_blocking({
        let (config, url, key) = (config.clone(), url.clone(), key.clone());
        move || immich(&config, &["login", &url, &key])
    })
    .await
    .unwrap();
    assert!(ok, "login failed:\n{output}");
    assert!(output.contains("admin@example.com"), "login names the user:\n{output}");

    let (ok, output) = tokio::task::spawn_blocking({
        let (config, root_arg) = (config.clone(), root_arg.clone());
        move || immich(&config, &["upload", "--recursive", "--album", "--no-progress", &root_arg])
    })
    .await
    .unwrap();
    assert!(output.contains("fake.heic"), "the unsupported file is reported:\n{output}");
    assert!(output.contains("Successfully uploaded 4 new assets"), "{output}");
    assert!(output.contains("Skipped 1 duplicate"), "{output}");
    let _ = ok; // the CLI exits non-zero when a file fails, as the fake one does

    // Each real photo once; the copy is a duplicate; the text and the fake are not assets.
    let stats: Value = server.get(&token, "/assets/statistics").await.json().await.unwrap();
    assert_eq!(stats, json!({ "images": 4, "videos": 0, "total": 4 }), "{output}");
    let albums: Value = server.get(&token, "/albums").await.json().await.unwrap();
    let mut counts: Vec<(String, i64)> = albums
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["albumName"].as_str().unwrap().to_owned(), a["assetCount"].as_i64().unwrap()))
        .collect();
    counts.sort();
    assert_eq!(counts, [("Beach".to_owned(), 1), ("Family".to_owned(), 1), ("Holiday".to_owned(), 2)]);

    let (ok, info) = tokio::task::spawn_blocking({
        let config = config.clone();
        move || immich(&config, &["server-info"])
    })
    .await
    .unwrap();
    assert!(ok, "server-info failed:\n{info}");
    assert!(info.contains("3.1.0"), "server-info shows the version:\n{info}");
    assert!(info.contains("heic") && info.contains("mp4"), "server-info lists media types:\n{info}");
    assert!(info.contains("Images: 4") && info.contains("Total: 4"), "server-info shows the counts:\n{info}");

    // A second run finds everything already there.
    let (_, again) = tokio::task::spawn_blocking({
        let (config, root_arg) = (config.clone(), root_arg.clone());
        move || immich(&config, &["upload", "--recursive", "--album", "--no-progress", &root_arg])
    })
    .await
    .unwrap();
    assert!(again.contains("Successfully uploaded 0 new assets"), "{again}");
    let stats: Value = server.get(&token, "/assets/statistics").await.json().await.unwrap();
    assert_eq!(stats["total"], 4, "{again}");
    let albums: Value = server.get(&token, "/albums").await.json().await.unwrap();
    assert_eq!(albums.as_array().unwrap().len(), 3, "no album created twice:\n{again}");
}

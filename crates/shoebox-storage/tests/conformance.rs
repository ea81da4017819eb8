//! One suite every backend must pass: a folder on local disk, and a real S3 server (SeaweedFS,
//! started by `deploy/local/test`, reached through `SHOEBOX_TEST_S3_*`). Each case runs against
//! both; each S3 run works under a prefix of its own in the test bucket.

use std::io;
use std::sync::Arc;

use bytes::Bytes;
use futures::TryStreamExt;
use sha1::{Digest, Sha1};
use shoebox_storage::{Key, LocalStore, S3Store, Scratch, Store, WriteMode};
use tokio::io::AsyncReadExt;
use uuid::Uuid;

struct Backend {
    store: Arc<dyn Store>,
    /// The folder that holds a local store, or the scratch space of an S3 one.
    _dirs: Vec<tempfile::TempDir>,
    scratch_root: std::path::PathBuf,
}

fn local() -> Backend {
    let root = tempfile::tempdir().unwrap();
    let store = LocalStore::open(root.path()).unwrap();
    let scratch_root = root.path().join("tmp");
    Backend { store: Arc::new(store), _dirs: vec![root], scratch_root }
}

fn s3() -> Backend {
    // Fails rather than skips without a bucket, so a run that lost its S3 server cannot pass.
    let (bucket, mut settings) = shoebox_storage::testing::test_bucket();
    settings.presigned_downloads = true;
    let scratch_dir = tempfile::tempdir().unwrap();
    let scratch = Scratch::open(scratch_dir.path(), 64 << 20).unwrap();
    let prefix = format!("conformance-{}", Uuid::new_v4().simple());
    let store = S3Store::open(&bucket, &prefix, &settings, scratch).unwrap();
    let scratch_root = scratch_dir.path().to_owned();
    Backend { store: Arc::new(store), _dirs: vec![scratch_dir], scratch_root }
}

fn key(name: &str) -> Key {
    Key::parse(format!("upload/{}/{name}", Uuid::nil())).unwrap()
}

async fn put(store: &dyn Store, key: &Key, bytes: &[u8], mode: WriteMode) -> io::Result<shoebox_storage::ObjectMeta> {
    let mut writer = store.write(key, mode).await?;
    // Several chunks, as an upload arrives.
    for chunk in bytes.chunks(7) {
        writer.write(Bytes::copy_from_slice(chunk)).await?;
    }
    writer.finish().await
}

async fn read_all(store: &dyn Store, key: &Key, range: Option<std::ops::RangeInclusive<u64>>) -> io::Result<(u64, Vec<u8>)> {
    let mut read = store.read(key, range).await?;
    let mut bytes = Vec::new();
    read.body.read_to_end(&mut bytes).await?;
    Ok((read.total_len, bytes))
}

/// Bytes that are not all alike, so a misplaced range shows.
fn pattern(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 31 % 251) as u8).collect()
}

async fn writes_read_back_whole_and_by_range(backend: Backend) {
    let store = backend.store.as_ref();
    let key = key("a.jpg");
    let written = put(store, &key, b"0123456789", WriteMode::Create).await.unwrap();
    assert_eq!(written.len, 10);
    assert_eq!(read_all(store, &key, None).await.unwrap(), (10, b"0123456789".to_vec()));
    assert_eq!(read_all(store, &key, Some(2..=4)).await.unwrap(), (10, b"234".to_vec()));
    assert_eq!(read_all(store, &key, Some(9..=9)).await.unwrap(), (10, b"9".to_vec()));
    let head = store.head(&key).await.unwrap().expect("stored");
    assert_eq!(head.len, 10);
    assert_eq!(head.etag, written.etag, "the tag of the write is the tag the store keeps");
    let past_end = store.read(&key, Some(10..=12)).await.err().expect("a range past the end is refused");
    assert_eq!(past_end.kind(), io::ErrorKind::InvalidInput, "{past_end}");
}

async fn create_never_overwrites(backend: Backend) {
    let store = backend.store.as_ref();
    let key = key("original.heic");
    put(store, &key, b"first", WriteMode::Create).await.unwrap();
    let err = put(store, &key, b"second", WriteMode::Create).await.unwrap_err();
    assert_eq!(err.kind(), io::ErrorKind::AlreadyExists, "{err}");
    assert_eq!(read_all(store, &key, None).await.unwrap().1, b"first");
}

async fn replace_replaces_the_whole_file(backend: Backend) {
    let store = backend.store.as_ref();
    let key = Key::thumbnail(Uuid::nil(), Uuid::new_v4());
    put(store, &key, b"old and much longer", WriteMode::Replace).await.unwrap();
    put(store, &key, b"new", WriteMode::Replace).await.unwrap();
    assert_eq!(read_all(store, &key, None).await.unwrap(), (3, b"new".to_vec()));
}

async fn an_unfinished_write_leaves_nothing(backend: Backend) {
    let store = backend.store.as_ref();
    let small = key("cut-short.jpg");
    let mut writer = store.write(&small, WriteMode::Create).await.unwrap();
    writer.write(Bytes::from_static(b"half a photo")).await.unwrap();
    drop(writer);
    // Larger than one part, so an object store has begun a multipart upload.
    let large = key("cut-short.mp4");
    let mut writer = store.write(&large, WriteMode::Create).await.unwrap();
    writer.write(Bytes::from(pattern(shoebox_storage::s3::PART_SIZE + 1024))).await.unwrap();
    drop(writer);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(store.head(&small).await.unwrap(), None);
    assert_eq!(store.head(&large).await.unwrap(), None);
    // The key is still free for the real upload.
    put(store, &small, b"whole", WriteMode::Create).await.unwrap();
}

async fn a_file_of_many_parts_is_byte_exact(backend: Backend) {
    let store = backend.store.as_ref();
    let key = key("long-video.mp4");
    let bytes = pattern(2 * shoebox_storage::s3::PART_SIZE + 12_345);
    let mut writer = store.write(&key, WriteMode::Create).await.unwrap();
    // Chunks of an odd size, as a multipart body arrives.
    for chunk in bytes.chunks(1_000_003) {
        writer.write(Bytes::copy_from_slice(chunk)).await.unwrap();
    }
    let written = writer.finish().await.unwrap();
    assert_eq!(written.len, bytes.len() as u64);
    let (total, read) = read_all(store, &key, None).await.unwrap();
    assert_eq!(total, bytes.len() as u64);
    assert_eq!(Sha1::digest(&read), Sha1::digest(&bytes), "the whole file reads back unchanged");
    // A range across the first part boundary.
    let start = shoebox_storage::s3::PART_SIZE as u64 - 10;
    let (_, part) = read_all(store, &key, Some(start..=start + 19)).await.unwrap();
    assert_eq!(part, bytes[start as usize..start as usize + 20]);
    // Taken, also for a large write.
    let mut again = store.write(&key, WriteMode::Create).await.unwrap();
    again.write(Bytes::from(pattern(shoebox_storage::s3::PART_SIZE + 1))).await.unwrap();
    assert_eq!(again.finish().await.unwrap_err().kind(), io::ErrorKind::AlreadyExists);
    assert_eq!(store.head(&key).await.unwrap().unwrap().len, bytes.len() as u64);
}

async fn missing_files_are_told_apart_from_errors(backend: Backend) {
    let store = backend.store.as_ref();
    let missing = key("never-stored.jpg");
    assert_eq!(store.head(&missing).await.unwrap(), None);
    assert_eq!(store.read(&missing, None).await.err().unwrap().kind(), io::ErrorKind::NotFound);
    assert_eq!(store.local_copy(&missing).await.unwrap_err().kind(), io::ErrorKind::NotFound);
    store.delete(&missing).await.expect("deleting a missing file is not an error");
    let key = key("deleted.jpg");
    put(store, &key, b"bytes", WriteMode::Create).await.unwrap();
    store.delete(&key).await.unwrap();
    assert_eq!(store.head(&key).await.unwrap(), None);
}

async fn listing_finds_what_is_under_a_prefix(backend: Backend) {
    let store = backend.store.as_ref();
    let owner = Uuid::new_v4();
    let (asset_a, asset_b) = (Uuid::new_v4(), Uuid::new_v4());
    let original = Key::original(owner, asset_a, "jpg");
    let other = Key::original(owner, asset_b, "mov");
    let thumbnail = Key::thumbnail(owner, asset_a);
    for (key, len) in [(&original, 3), (&other, 5), (&thumbnail, 2)] {
        put(store, key, &pattern(len), WriteMode::Create).await.unwrap();
    }
    let mut listed: Vec<_> = store.list(&format!("upload/{owner}/")).try_collect().await.unwrap();
    listed.sort_by(|a, b| a.key.cmp(&b.key));
    let mut expected = vec![(original.clone(), 3), (other.clone(), 5)];
    expected.sort();
    assert_eq!(listed.iter().map(|listed| (listed.key.clone(), listed.len)).collect::<Vec<_>>(), expected);
    let age = std::time::SystemTime::now().duration_since(listed[0].modified).unwrap_or_default();
    assert!(age < std::time::Duration::from_secs(600), "modified times are real: {age:?}");
    let thumbs: Vec<_> = store.list("thumbs/").try_collect().await.unwrap();
    assert!(thumbs.iter().any(|listed| listed.key == thumbnail));
    assert!(thumbs.iter().all(|listed| listed.key.as_str().starts_with("thumbs/")));
    let none: Vec<_> = store.list(&format!("upload/{}/", Uuid::new_v4())).try_collect().await.unwrap();
    assert!(none.is_empty());
}

async fn a_local_copy_holds_the_bytes_and_goes_when_dropped(backend: Backend) {
    let store = backend.store.as_ref();
    let key = key("for-ffmpeg.mov");
    let bytes = pattern(100_000);
    put(store, &key, &bytes, WriteMode::Create).await.unwrap();
    let copy = store.local_copy(&key).await.unwrap();
    assert_eq!(std::fs::read(copy.path()).unwrap(), bytes);
    assert_eq!(copy.path().extension().and_then(|e| e.to_str()), Some("mov"), "tools may go by the extension");
    let path = copy.path().to_owned();
    let downloaded = path.starts_with(&backend.scratch_root);
    drop(copy);
    assert_eq!(path.exists(), !downloaded, "a downloaded copy is removed, the stored file is not");
    assert!(store.head(&key).await.unwrap().is_some());
}

macro_rules! for_every_backend {
    ($($case:ident),* $(,)?) => {
        mod local_disk {
            $(#[tokio::test] async fn $case() { super::$case(super::local()).await })*
        }
        mod s3_seaweedfs {
            $(#[tokio::test] async fn $case() { super::$case(super::s3()).await })*
        }
    };
}

for_every_backend!(
    writes_read_back_whole_and_by_range,
    create_never_overwrites,
    replace_replaces_the_whole_file,
    an_unfinished_write_leaves_nothing,
    a_file_of_many_parts_is_byte_exact,
    missing_files_are_told_apart_from_errors,
    listing_finds_what_is_under_a_prefix,
    a_local_copy_holds_the_bytes_and_goes_when_dropped,
);

#[tokio::test]
async fn s3_signs_addresses_a_plain_client_can_fetch() {
    let backend = s3();
    let key = key("shared.jpg");
    put(backend.store.as_ref(), &key, b"signed bytes", WriteMode::Create).await.unwrap();
    let url = backend.store.presigned_url(&key, std::time::Duration::from_secs(60)).await.unwrap().expect("signed");
    // A raw HTTP GET with no credentials of its own.
    let url = url.strip_prefix("http://").expect("the test endpoint is plain HTTP");
    let (host, path) = url.split_once('/').unwrap();
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    use tokio::io::AsyncWriteExt;
    stream.write_all(format!("GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let response = String::from_utf8_lossy(&response);
    let status = response.split_whitespace().nth(1);
    assert_eq!(status, Some("200"), "{response}");
    assert!(response.ends_with("signed bytes"), "{response}");
}

//! Moving bytes between the library and a backup target while hashing them, so that nothing is
//! kept that does not match the SHA-1 it is filed under.

use std::io;

use bytes::Bytes;
use sha1::{Digest, Sha1};
use shoebox_storage::{ObjectRead, ObjectWriter};
use tokio::io::AsyncReadExt;

const CHUNK: usize = 1 << 20;

/// How a checked copy ended.
#[derive(Debug)]
pub enum Checked {
    /// Written and finished; its length.
    Written(u64),
    /// The bytes hash to this, not to what was expected: nothing was kept.
    Mismatch(Vec<u8>),
}

/// Streams `from` into `to`, finishing the write only if the bytes hash to `expected` (or, with
/// none expected, whatever they hash to, which is returned).
pub async fn stream_checked(
    mut from: ObjectRead,
    mut to: Box<dyn ObjectWriter>,
    expected: Option<&[u8]>,
) -> io::Result<(Checked, Vec<u8>)> {
    let mut hasher = Sha1::new();
    let mut len = 0u64;
    let mut buffer = vec![0u8; CHUNK];
    loop {
        let read = from.body.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        len += read as u64;
        to.write(Bytes::copy_from_slice(&buffer[..read])).await?;
    }
    let sha1 = hasher.finalize().to_vec();
    if expected.is_some_and(|expected| expected != sha1.as_slice()) {
        // Dropping the writer abandons it.
        return Ok((Checked::Mismatch(sha1.clone()), sha1));
    }
    to.finish().await?;
    Ok((Checked::Written(len), sha1))
}

/// The SHA-1 and length of a stored file's bytes.
pub async fn hash(mut from: ObjectRead) -> io::Result<(Vec<u8>, u64)> {
    let mut hasher = Sha1::new();
    let mut len = 0u64;
    let mut buffer = vec![0u8; CHUNK];
    loop {
        let read = from.body.read(&mut buffer).await?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
        len += read as u64;
    }
    Ok((hasher.finalize().to_vec(), len))
}

/// Reads a whole stored file into memory (a manifest, a sidecar).
pub async fn read_all(mut from: ObjectRead) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(from.total_len as usize);
    from.body.read_to_end(&mut bytes).await?;
    Ok(bytes)
}

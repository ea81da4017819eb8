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

/// Where [`read_hashed`] puts the bytes it reads.
pub enum Sink<'a> {
    Writer(&'a mut Box<dyn ObjectWriter>),
    File(&'a mut tokio::fs::File),
    /// Only the hash is wanted.
    Nowhere,
}

/// Reads `from` to its end in chunks, putting each in `sink`; the SHA-1 and length of it all.
pub async fn read_hashed(mut from: ObjectRead, mut sink: Sink<'_>) -> io::Result<(Vec<u8>, u64)> {
    use tokio::io::AsyncWriteExt;
    let mut hasher = Sha1::new();
    let mut len = 0u64;
    let mut buffer = vec![0u8; CHUNK];
    loop {
        let read = from.body.read(&mut buffer).await?;
        if read == 0 {
            return Ok((hasher.finalize().to_vec(), len));
        }
        let chunk = &buffer[..read];
        hasher.update(chunk);
        len += read as u64;
        match &mut sink {
            Sink::Writer(writer) => writer.write(Bytes::copy_from_slice(chunk)).await?,
            Sink::File(file) => file.write_all(chunk).await?,
            Sink::Nowhere => {}
        }
    }
}

/// Streams `from` into `to`, finishing the write only if the bytes hash to `expected` (or, with
/// none expected, whatever they hash to, which is returned).
pub async fn stream_checked(
    from: ObjectRead,
    mut to: Box<dyn ObjectWriter>,
    expected: Option<&[u8]>,
) -> io::Result<(Checked, Vec<u8>)> {
    let (sha1, len) = read_hashed(from, Sink::Writer(&mut to)).await?;
    if expected.is_some_and(|expected| expected != sha1.as_slice()) {
        // Dropping the writer abandons it.
        return Ok((Checked::Mismatch(sha1.clone()), sha1));
    }
    to.finish().await?;
    Ok((Checked::Written(len), sha1))
}

/// The SHA-1 and length of a stored file's bytes.
pub async fn hash(from: ObjectRead) -> io::Result<(Vec<u8>, u64)> {
    read_hashed(from, Sink::Nowhere).await
}

/// Reads a whole stored file into memory (a manifest, a sidecar).
pub async fn read_all(mut from: ObjectRead) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::with_capacity(from.total_len as usize);
    from.body.read_to_end(&mut bytes).await?;
    Ok(bytes)
}

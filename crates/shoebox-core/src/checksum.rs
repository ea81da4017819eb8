//! SHA-1 checksums as Immich clients send them: 40 hex characters (CLI) or 28 base64 characters
//! (mobile app). Stored as raw bytes, returned as base64.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// Decodes a client checksum; `None` when it is neither 20 bytes of hex nor of base64.
pub fn parse(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    let bytes = if text.len() == 28 { STANDARD.decode(text).ok()? } else { hex::decode(text).ok()? };
    (bytes.len() == 20).then_some(bytes)
}

/// The form Immich returns checksums in.
pub fn to_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const HELLO_SHA1: [u8; 20] = [
        0xaa, 0xf4, 0xc6, 0x1d, 0xdc, 0xc5, 0xe8, 0xa2, 0xda, 0xbe, 0xde, 0x0f, 0x3b, 0x48, 0x2c, 0xd9, 0xae, 0xa9,
        0x43, 0x4d,
    ];

    #[test]
    fn hex_and_base64_decode_to_the_same_bytes() {
        assert_eq!(parse("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d").unwrap(), HELLO_SHA1);
        assert_eq!(parse("AAF4C61DDCC5E8A2DABEDE0F3B482CD9AEA9434D").unwrap(), HELLO_SHA1);
        assert_eq!(parse("qvTGHdzF6KLavt4PO0gs2a6pQ00=").unwrap(), HELLO_SHA1);
    }

    #[test]
    fn garbage_is_rejected() {
        assert!(parse("").is_none());
        assert!(parse("not a checksum").is_none());
        assert!(parse("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434").is_none());
        assert!(parse("qvTGHdzF6KLavt4PO0gs2a6pQ0!=").is_none());
    }

    #[test]
    fn base64_round_trips() {
        assert_eq!(to_base64(&HELLO_SHA1), "qvTGHdzF6KLavt4PO0gs2a6pQ00=");
    }
}

//! Random secrets for sessions and API keys, and the hashes stored in their place.

use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

/// 43 random letters and digits (256 bits): usable unchanged in headers, cookies, URLs and on a
/// command line. Only alphanumerics, as Immich's keys: a secret starting with `-` would be taken
/// for an option by the CLI's `immich login URL KEY`.
pub fn generate() -> String {
    rand::rng().sample_iter(Alphanumeric).take(43).map(char::from).collect()
}

/// What the database keeps of a secret.
pub fn hash(secret: &str) -> Vec<u8> {
    Sha256::digest(secret.as_bytes()).to_vec()
}

#[cfg(test)]
mod tests {
    #[test]
    fn tokens_are_unique_and_hash_stably() {
        let (a, b) = (super::generate(), super::generate());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric()));
        assert_eq!(super::hash(&a), super::hash(&a));
        assert_ne!(super::hash(&a), super::hash(&b));
    }
}

//! pgvector values as text (`'[0.1,0.2]'::vector`): sqlx 0.9 has no pgvector binding, and the text
//! form is exact for `f32` (Rust prints the shortest string that reads back to the same value).

use std::fmt::Write;

/// `[x1,x2,…]`, pgvector's input syntax.
pub fn to_text(values: &[f32]) -> String {
    let mut out = String::with_capacity(values.len() * 10 + 2);
    out.push('[');
    for (i, value) in values.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        // Non-finite values would be rejected by Postgres; a model never yields them for real input.
        let value = if value.is_finite() { *value } else { 0.0 };
        let _ = write!(out, "{value}");
    }
    out.push(']');
    out
}

/// Reads pgvector's text output; unreadable numbers become 0.
pub fn from_text(text: &str) -> Vec<f32> {
    let inner = text.trim().trim_start_matches('[').trim_end_matches(']');
    if inner.trim().is_empty() {
        return Vec::new();
    }
    inner.split(',').map(|part| part.trim().parse().unwrap_or(0.0)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_pgvector_syntax() {
        assert_eq!(to_text(&[0.5, -1.0, 0.1]), "[0.5,-1,0.1]");
        assert_eq!(to_text(&[]), "[]");
        assert_eq!(to_text(&[f32::NAN]), "[0]");
        assert_eq!(from_text(&to_text(&[0.25, -3.5e-7])), vec![0.25, -3.5e-7]);
        assert!(from_text("[]").is_empty());
    }
}

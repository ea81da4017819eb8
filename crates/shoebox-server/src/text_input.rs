//! The rules every text input obeys, whichever way it arrives (JSON body, query string, path,
//! upload form): no NUL character (Postgres cannot store one in text) and no more characters
//! than its field allows. The limits are named by field, so a `name` is bounded the same in
//! every resource; fields not listed get [`DEFAULT_MAX_CHARS`].

use crate::error::ApiError;

/// Longest text any field not listed in [`max_chars`] takes (a client's full file path fits).
pub const DEFAULT_MAX_CHARS: usize = 4096;

/// The most characters the field named `field` accepts.
pub fn max_chars(field: &str) -> usize {
    match field {
        // RFC 5321: 64 for the local part, 255 for the domain.
        "email" => 320,
        // Enough for any passphrase; bounds the work of hashing it.
        "password" | "newPassword" => 1024,
        // Names people give things, and file names (255 on every common file system).
        "name" | "albumName" | "filename" | "originalFileName" | "storageLabel" | "slug" | "make" | "model"
        | "lensModel" | "city" | "state" | "country" | "tagName" => 255,
        "deviceAssetId" | "deviceId" => 512,
        // What one person types into a search box; CLIP reads only the first 77 tokens anyway.
        "query" | "ocr" => 1000,
        "description" => 10_000,
        _ => DEFAULT_MAX_CHARS,
    }
}

/// Checks one text value of the field `field` (`path` names it in the error, e.g. `assets[2].id`).
pub fn check(field: &str, path: &str, value: &str) -> Result<(), ApiError> {
    if value.contains('\0') {
        return Err(nul_error(path));
    }
    check_length(field, path, value.chars().count())
}

fn check_length(field: &str, path: &str, chars: usize) -> Result<(), ApiError> {
    let max = max_chars(field);
    if chars > max {
        return Err(ApiError::bad_request(format!("{path} is too long: at most {max} characters are allowed")));
    }
    Ok(())
}

fn nul_error(path: &str) -> ApiError {
    ApiError::bad_request(format!("{path} must not contain a NUL character (\\u0000)"))
}

/// Checks every string of a JSON document (keys included) without building it: the scan walks
/// the raw bytes, keeping only the path to the current value. `json` must be valid JSON.
pub fn check_json(json: &[u8]) -> Result<(), ApiError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut at = 0;
    while at < json.len() {
        match json[at] {
            b'{' => stack.push(Frame::Object { key: None, expecting_key: true }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expecting_key, .. }) => *expecting_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            b':' => {
                if let Some(Frame::Object { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = false;
                }
            }
            b'"' => {
                let scanned = scan_string(json, at + 1);
                let is_key = matches!(stack.last(), Some(Frame::Object { expecting_key: true, .. }));
                if is_key {
                    let key = String::from_utf8_lossy(&json[at + 1..scanned.end]).into_owned();
                    if scanned.has_nul {
                        return Err(nul_error(&format!("{} (a field name)", path_of(&stack, Some(&key)))));
                    }
                    if let Some(Frame::Object { key: current, .. }) = stack.last_mut() {
                        *current = Some(key);
                    }
                } else {
                    let field = field_of(&stack);
                    let path = path_of(&stack, None);
                    if scanned.has_nul {
                        return Err(nul_error(&path));
                    }
                    check_length(field, &path, scanned.chars)?;
                }
                at = scanned.end;
            }
            _ => {}
        }
        at += 1;
    }
    Ok(())
}

enum Frame {
    Object { key: Option<String>, expecting_key: bool },
    Array { index: usize },
}

struct ScannedString {
    /// Index of the closing quote.
    end: usize,
    /// Characters once unescaped.
    chars: usize,
    has_nul: bool,
}

/// Reads the string whose contents start at `start`, counting the characters it decodes to.
fn scan_string(json: &[u8], start: usize) -> ScannedString {
    let (mut at, mut chars, mut has_nul) = (start, 0, false);
    while at < json.len() {
        match json[at] {
            b'"' => break,
            b'\\' => {
                if json.get(at + 1) == Some(&b'u') {
                    has_nul |= json.get(at + 2..at + 6) == Some(b"0000".as_slice());
                    at += 6;
                } else {
                    at += 2;
                }
                chars += 1;
                continue;
            }
            0 => has_nul = true,
            // UTF-8 continuation bytes belong to the character already counted.
            byte if byte & 0b1100_0000 == 0b1000_0000 => {}
            _ => chars += 1,
        }
        at += 1;
    }
    ScannedString { end: at.min(json.len()), chars, has_nul }
}

/// The field a value belongs to: the nearest object key (an array's items share its name).
fn field_of(stack: &[Frame]) -> &str {
    stack
        .iter()
        .rev()
        .find_map(|frame| match frame {
            Frame::Object { key: Some(key), .. } => Some(key.as_str()),
            _ => None,
        })
        .unwrap_or("body")
}

/// `assets[2].id`-style path to the current value (or to `key` in the innermost object).
fn path_of(stack: &[Frame], key: Option<&str>) -> String {
    let mut path = String::new();
    let last = stack.len().saturating_sub(1);
    for (depth, frame) in stack.iter().enumerate() {
        match frame {
            Frame::Object { key: current, .. } => {
                let name = if depth == last { key.or(current.as_deref()) } else { current.as_deref() };
                if let Some(name) = name {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(name);
                }
            }
            Frame::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() { "body".to_owned() } else { path }
}

/// Checks a URI's path and query string: no NUL anywhere, and each query value within its
/// field's limit.
pub fn check_uri(uri: &axum::http::Uri) -> Result<(), ApiError> {
    // A raw NUL byte cannot be part of a URI; an encoded one is always `%00`.
    if uri.path().contains("%00") {
        return Err(ApiError::bad_request("The path must not contain a NUL character (%00)"));
    }
    if let Some(query) = uri.query() {
        for (name, value) in form_urlencoded::parse(query.as_bytes()) {
            if name.contains('\0') {
                return Err(nul_error("A query parameter's name"));
            }
            check(&name, &name, &value)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(json: &str) -> Option<String> {
        check_json(json.as_bytes()).err().map(|err| err.to_string())
    }

    #[test]
    fn nul_is_found_wherever_it_is_and_named() {
        assert_eq!(
            message(r#"{"email":"a\u0000b@x","password":"p"}"#).unwrap(),
            "email must not contain a NUL character (\\u0000)"
        );
        let nested = r#"{"assets":[{"id":"ok","checksum":"c"},{"id":"x\u0000"}]}"#;
        assert_eq!(message(nested).unwrap(), "assets[1].id must not contain a NUL character (\\u0000)");
        assert!(message(r#"{"a\u0000":1}"#).unwrap().contains("a field name"));
        assert!(message(r#"["\u0000"]"#).unwrap().starts_with("[0]"));
    }

    #[test]
    fn an_escaped_backslash_is_not_a_nul() {
        assert_eq!(message(r#"{"name":"C:\\u0000 folder"}"#), None);
        assert_eq!(message(r#"{"name":"quote \" and \\"}"#), None);
        assert_eq!(message(r#"{"name":"caf\u00e9","n":[1,2,{"x":null}],"b":true}"#), None);
    }

    #[test]
    fn lengths_are_counted_in_characters_per_field() {
        let at_limit = format!(r#"{{"albumName":"{}"}}"#, "é".repeat(255));
        assert_eq!(message(&at_limit), None);
        let over = format!(r#"{{"albumName":"{}"}}"#, "a".repeat(256));
        assert_eq!(message(&over).unwrap(), "albumName is too long: at most 255 characters are allowed");
        let escaped = format!(r#"{{"name":"{}"}}"#, "\\n".repeat(255));
        assert_eq!(message(&escaped), None, "an escape is one character");
        let listed = format!(r#"{{"permissions":["all","{}"]}}"#, "p".repeat(DEFAULT_MAX_CHARS + 1));
        assert!(message(&listed).unwrap().starts_with("permissions[1] is too long"));
    }

    #[test]
    fn uris_with_nul_or_overlong_values_are_refused() {
        let uri = |s: &str| s.parse::<axum::http::Uri>().unwrap();
        assert!(check_uri(&uri("/api/albums?name=a%00b")).is_err());
        assert!(check_uri(&uri("/api/jobs/a%00b")).is_err());
        assert!(check_uri(&uri("/api/albums?name=holiday&shared=true")).is_ok());
        let long = format!("/api/search/suggestions?make={}", "x".repeat(256));
        assert!(check_uri(&uri(&long)).unwrap_err().to_string().contains("make is too long"));
    }
}

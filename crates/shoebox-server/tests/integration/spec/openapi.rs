//! A small checker for JSON bodies against Immich's OpenAPI 3.0 document: `$ref`, `allOf`,
//! `oneOf`/`anyOf`, `nullable`, required properties, types, enums, and the `date-time` and
//! `uuid` formats. Enough for response bodies; not a general JSON Schema validator.

use std::path::Path;

use reqwest::{Method, Response};
use serde_json::Value;

pub struct Spec {
    document: Value,
}

impl Spec {
    pub fn load() -> Self {
        let path =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/integration/spec/immich-openapi-specs.v3.1.0.json");
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
        Self { document: serde_json::from_str(&text).expect("the spec is JSON") }
    }

    /// Every operation of the document: its method (upper case), path template and body.
    pub fn operations(&self) -> Vec<(String, String, &Value)> {
        let mut out = Vec::new();
        for (path, item) in self.document["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("a path item") {
                if ["get", "put", "post", "delete", "patch"].contains(&method.as_str()) {
                    out.push((method.to_ascii_uppercase(), path.clone(), operation));
                }
            }
        }
        out
    }

    /// The operation `method template`, if the document has it.
    pub fn operation(&self, method: &str, template: &str) -> Option<&Value> {
        self.document["paths"].get(template)?.get(method.to_ascii_lowercase())
    }

    /// The whole document, for tests that walk its operations.
    pub fn document(&self) -> &Value {
        &self.document
    }

    /// `schema`, or what its `$ref` points to.
    pub fn resolved<'a>(&'a self, schema: &'a Value) -> &'a Value {
        self.resolve(schema)
    }

    /// `None` when the spec lists no such status for the operation; `Some(None)` when the
    /// status exists without a JSON body; else the body's schema.
    pub fn response_schema(&self, template: &str, method: &str, status: u16) -> Option<Option<Value>> {
        let operation = self.document["paths"].get(template)?.get(method.to_ascii_lowercase())?;
        let response = operation["responses"].get(status.to_string())?;
        Some(response.pointer("/content/application~1json/schema").cloned())
    }

    /// Checks one response against the operation `method template`: its status must be listed,
    /// and a JSON body must be JSON and match the schema. Problems go to `failures`; returns the
    /// body (`null` when there is none to read).
    pub async fn check_response(
        &self,
        method: &Method,
        template: &str,
        response: Response,
        failures: &mut Vec<String>,
    ) -> Value {
        let status = response.status().as_u16();
        let label = format!("{method} {template} ({})", response.url().path());
        let content_type =
            response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
        let text = response.text().await.unwrap();
        let Some(expected) = self.response_schema(template, method.as_str(), status) else {
            failures.push(format!("{label}: status {status} is not in the spec; body {text}"));
            return Value::Null;
        };
        let Some(schema) = expected else { return Value::Null };
        if !content_type.starts_with("application/json") {
            failures.push(format!("{label}: content-type {content_type:?} is not JSON"));
            return Value::Null;
        }
        let body: Value =
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("{label}: body is not JSON ({e}): {text}"));
        failures.extend(self.validate(&schema, &body).into_iter().map(|problem| format!("{label}: {problem}")));
        body
    }

    /// Every way `value` breaks `schema`, as readable lines.
    pub fn validate(&self, schema: &Value, value: &Value) -> Vec<String> {
        let mut problems = Vec::new();
        self.check(schema, value, "$", &mut problems);
        problems
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        match schema.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                let pointer = reference.trim_start_matches('#');
                self.document.pointer(pointer).unwrap_or_else(|| panic!("dangling $ref {reference}"))
            }
            None => schema,
        }
    }

    fn check(&self, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
        let nullable = schema.get("nullable").and_then(Value::as_bool).unwrap_or(false);
        let schema = self.resolve(schema);
        if value.is_null() && (nullable || schema.get("nullable").and_then(Value::as_bool).unwrap_or(false)) {
            return;
        }
        if let Some(all) = schema.get("allOf").and_then(Value::as_array) {
            for part in all {
                self.check(part, value, at, problems);
            }
        }
        for key in ["oneOf", "anyOf"] {
            if let Some(options) = schema.get(key).and_then(Value::as_array) {
                let fits = options.iter().any(|option| {
                    let mut scratch = Vec::new();
                    self.check(option, value, at, &mut scratch);
                    scratch.is_empty()
                });
                if !fits {
                    problems.push(format!("{at}: matches none of {key}"));
                }
            }
        }
        if let Some(allowed) = schema.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                problems.push(format!("{at}: {value} is not one of {allowed:?}"));
            }
        }
        let Some(kind) = schema.get("type").and_then(Value::as_str) else { return };
        let fits = match kind {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_i64() || value.is_u64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            _ => true,
        };
        if !fits {
            problems.push(format!("{at}: expected {kind}, found {value}"));
            return;
        }
        match kind {
            "object" => self.check_object(schema, value, at, problems),
            "array" => {
                if let Some(items) = schema.get("items") {
                    for (index, item) in value.as_array().unwrap().iter().enumerate() {
                        self.check(items, item, &format!("{at}[{index}]"), problems);
                    }
                }
            }
            "string" => check_format(schema, value.as_str().unwrap(), at, problems),
            _ => {}
        }
    }

    fn check_object(&self, schema: &Value, value: &Value, at: &str, problems: &mut Vec<String>) {
        let object = value.as_object().unwrap();
        for required in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
            let name = required.as_str().unwrap();
            if !object.contains_key(name) {
                problems.push(format!("{at}: missing required field {name}"));
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        for (name, field) in object {
            match properties.and_then(|p| p.get(name)) {
                Some(property) => self.check(property, field, &format!("{at}.{name}"), problems),
                None => {
                    if let Some(extra) = schema.get("additionalProperties").filter(|v| v.is_object()) {
                        self.check(extra, field, &format!("{at}.{name}"), problems);
                    }
                }
            }
        }
    }
}

fn check_format(schema: &Value, text: &str, at: &str, problems: &mut Vec<String>) {
    match schema.get("format").and_then(Value::as_str) {
        Some("date-time") if chrono::DateTime::parse_from_rfc3339(text).is_err() => {
            problems.push(format!("{at}: {text:?} is not an RFC 3339 date-time"));
        }
        Some("uuid") if uuid::Uuid::parse_str(text).is_err() => {
            problems.push(format!("{at}: {text:?} is not a UUID"));
        }
        _ => {}
    }
}

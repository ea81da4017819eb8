//! Text inputs: a NUL character or an over-long value in any text field answers 400 with a JSON
//! error naming the field, never a 500. The NUL walk derives its routes and fields from Immich's
//! OpenAPI document: every operation with a JSON or form body or query parameters is called
//! once per string field, with a NUL in that field and valid values elsewhere; operations
//! Shoebox does not serve answer "No such API endpoint" and are skipped.

use crate::common;
use crate::openapi;

use common::{PASSWORD, TestServer, expect_error, jpeg};
use openapi::Spec;
use reqwest::multipart::{Form, Part};
use reqwest::{Method, Response, StatusCode};
use serde_json::{Map, Value, json};

const NUL_TEXT: &str = "a\u{0}b";
/// Stands for a file in a sampled form.
const BINARY: &str = "<file>";

/// A valid example of `schema`: every property present, strings in their format.
fn sample(spec: &Spec, schema: &Value, depth: usize) -> Value {
    let schema = spec.resolved(schema);
    if depth > 6 {
        return Value::Null;
    }
    if let Some(parts) = schema.get("allOf").and_then(Value::as_array) {
        let mut merged = Map::new();
        for part in parts {
            if let Value::Object(fields) = sample(spec, part, depth + 1) {
                merged.extend(fields);
            }
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(first) = schema.get(key).and_then(|options| options.get(0)) {
            return sample(spec, first, depth + 1);
        }
    }
    if let Some(first) = schema.get("enum").and_then(|values| values.get(0)) {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") | None if schema.get("properties").is_some() => {
            let properties = schema["properties"].as_object().unwrap();
            Value::Object(
                properties.iter().map(|(name, field)| (name.clone(), sample(spec, field, depth + 1))).collect(),
            )
        }
        Some("object") => json!({}),
        Some("array") => json!([sample(spec, &schema["items"], depth + 1)]),
        Some("integer") | Some("number") => json!(1),
        Some("boolean") => json!(false),
        Some("string") => json!(match schema.get("format").and_then(Value::as_str) {
            Some("uuid") => uuid::Uuid::new_v4().to_string(),
            Some("date-time") => "2024-05-06T07:08:09.000Z".to_owned(),
            Some("date") => "2024-05-06".to_owned(),
            Some("email") => "someone@example.com".to_owned(),
            Some("binary") => BINARY.to_owned(),
            _ => "text".to_owned(),
        }),
        _ => Value::Null,
    }
}

/// JSON pointers to every string in `value`.
fn string_pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::String(_) => out.push(at),
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                string_pointers(item, format!("{at}/{index}"), out);
            }
        }
        Value::Object(fields) => {
            for (name, field) in fields {
                string_pointers(field, format!("{at}/{name}"), out);
            }
        }
        _ => {}
    }
}

fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

/// One operation of the document, ready to call with a NUL in one place.
struct Operation {
    method: Method,
    /// The path with its parameters filled in.
    path: String,
    label: String,
    /// Required query parameters with valid values.
    query: Vec<(String, String)>,
    /// Optional query parameters with valid values, tried one at a time.
    optional_query: Vec<(String, String)>,
    json: Option<Value>,
    form: Option<Map<String, Value>>,
}

fn operations(spec: &Spec) -> Vec<Operation> {
    let mut found = Vec::new();
    for (template, item) in spec.document()["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let method: Method = method.to_uppercase().parse().unwrap();
            let mut path = template.clone();
            let (mut query, mut optional_query) = (Vec::new(), Vec::new());
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let parameter = spec.resolved(parameter);
                let name = parameter["name"].as_str().unwrap().to_owned();
                let value = text_of(&sample(spec, &parameter["schema"], 0));
                match parameter["in"].as_str() {
                    Some("path") => path = path.replace(&format!("{{{name}}}"), &value),
                    Some("query") if parameter["required"] == true => query.push((name, value)),
                    Some("query") => optional_query.push((name, value)),
                    _ => {}
                }
            }
            let content = &operation["requestBody"]["content"];
            let json = content.get("application/json").map(|body| sample(spec, &body["schema"], 0));
            let form = content
                .get("multipart/form-data")
                .and_then(|body| sample(spec, &body["schema"], 0).as_object().cloned());
            found.push(Operation {
                label: format!("{method} {template}"),
                method,
                path,
                query,
                optional_query,
                json,
                form,
            });
        }
    }
    found
}

/// What a NUL in one place did: `None` when the route is not one Shoebox serves.
async fn outcome(response: Response) -> Option<Result<(), String>> {
    let status = response.status();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let body = response.text().await.unwrap();
    let json: Value = serde_json::from_str(&body).unwrap_or(Value::Null);
    if status == StatusCode::METHOD_NOT_ALLOWED
        || (status == StatusCode::NOT_FOUND && json["message"] == "No such API endpoint")
    {
        return None;
    }
    let is_json_400 = status == StatusCode::BAD_REQUEST
        && content_type.starts_with("application/json")
        && json["statusCode"] == 400
        && json["message"].as_str().is_some_and(|message| !message.is_empty());
    Some(if is_json_400 { Ok(()) } else { Err(format!("{status} {}", body.chars().take(200).collect::<String>())) })
}

fn form_of(fields: &Map<String, Value>) -> Form {
    fields.iter().fold(Form::new(), |form, (name, value)| match value.as_str() {
        Some(BINARY) => form.part(name.clone(), Part::bytes(jpeg(7)).file_name("photo.jpg")),
        _ => form.text(name.clone(), text_of(value)),
    })
}

#[tokio::test]
async fn a_nul_in_any_text_field_of_any_route_is_a_400() {
    let spec = Spec::load();
    let server = TestServer::start().await;
    let token = server.admin().await;
    let (mut tested, mut served_operations, mut skipped) = (0, 0, Vec::new());
    let mut failures = Vec::new();
    for operation in operations(&spec) {
        let url = server.api(&operation.path);
        let request = || server.http.request(operation.method.clone(), &url).bearer_auth(&token);
        let mut served = false;
        let mut record = |place: String, result: Option<Result<(), String>>| {
            if let Some(result) = result {
                served = true;
                tested += 1;
                if let Err(problem) = result {
                    failures.push(format!("{} {place}: {problem}", operation.label));
                }
            }
        };
        if let Some(body) = &operation.json {
            let mut pointers = Vec::new();
            string_pointers(body, String::new(), &mut pointers);
            for pointer in pointers {
                let mut changed = body.clone();
                *changed.pointer_mut(&pointer).unwrap() = json!(NUL_TEXT);
                let response = request().query(&operation.query).json(&changed).send().await.unwrap();
                record(format!("body {pointer}"), outcome(response).await);
            }
        }
        if let Some(fields) = &operation.form {
            for (name, value) in fields {
                if value.as_str().is_some_and(|text| text != BINARY) {
                    let mut changed = fields.clone();
                    changed.insert(name.clone(), json!(NUL_TEXT));
                    let response = request().multipart(form_of(&changed)).send().await.unwrap();
                    record(format!("form field {name}"), outcome(response).await);
                }
            }
        }
        let all_query = operation.query.iter().chain(&operation.optional_query);
        for (index, (name, _)) in all_query.clone().enumerate() {
            let mut query: Vec<(String, String)> = operation.query.clone();
            query.retain(|(other, _)| other != name);
            query.push((name.clone(), NUL_TEXT.to_owned()));
            let mut call = request().query(&query);
            if let Some(body) = &operation.json {
                call = call.json(body);
            }
            let response = call.send().await.unwrap();
            record(format!("query {name} (#{index})"), outcome(response).await);
        }
        if served {
            served_operations += 1;
        } else if operation.json.is_some() || operation.form.is_some() || all_query.count() > 0 {
            skipped.push(operation.label);
        }
    }
    eprintln!(
        "NUL walk: {tested} fields of {served_operations} served operations; {} not served by Shoebox",
        skipped.len()
    );
    assert!(served_operations >= 40 && tested >= 150, "the walk reached too little: {tested} fields");
    assert!(failures.is_empty(), "{} fields did not answer a JSON 400:\n{}", failures.len(), failures.join("\n"));
    // Nothing was changed along the way: the admin still logs in with their password.
    server.login("admin@example.com", PASSWORD).await;
}

#[tokio::test]
async fn a_nul_in_a_file_name_a_path_or_unauthenticated_login_is_a_400() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let login = server
        .http
        .post(server.api("/auth/login"))
        .json(&json!({ "email": "a\u{0}b@x", "password": "whatever" }))
        .send()
        .await
        .unwrap();
    let message = expect_error(login, StatusCode::BAD_REQUEST).await;
    assert_eq!(message, "email must not contain a NUL character (\\u0000)");

    // The file part's own name, sent raw and sent encoded.
    for (name, raw) in [("evil\u{0}.jpg", true), ("evil\u{0}.jpg", false)] {
        let form = Form::new()
            .part("assetData", Part::bytes(jpeg(1)).file_name(name))
            .text("fileCreatedAt", "2024-05-06T07:08:09.000Z")
            .text("fileModifiedAt", "2024-05-06T07:08:09.000Z");
        let form = if raw { form.percent_encode_noop() } else { form };
        let upload = server.http.post(server.api("/assets")).bearer_auth(&token).multipart(form).send().await.unwrap();
        expect_error(upload, StatusCode::BAD_REQUEST).await;
    }

    for path in ["/jobs/a%00b/failures", "/albums/%00", "/shared-links/me?key=a%00b"] {
        let message = expect_error(server.get(&token, path).await, StatusCode::BAD_REQUEST).await;
        assert!(message.contains("NUL"), "{path}: {message}");
    }
    assert_eq!(server.asset_rows().await, 0);
}

async fn album(server: &TestServer, token: &str) -> String {
    let response = server.send(token, Method::POST, "/albums", Some(json!({ "albumName": "Sea" }))).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn over_long_text_is_refused_naming_the_field_and_its_limit() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let id = album(&server, &token).await;

    let huge_description = json!({ "description": "x".repeat(1024 * 1024 - 100) });
    let response = server.send(&token, Method::PATCH, &format!("/albums/{id}"), Some(huge_description)).await;
    let message = expect_error(response, StatusCode::BAD_REQUEST).await;
    assert_eq!(message, "description is too long: at most 10000 characters are allowed");
    let long_name = json!({ "albumName": "n".repeat(256) });
    let response = server.send(&token, Method::PATCH, &format!("/albums/{id}"), Some(long_name)).await;
    assert_eq!(
        expect_error(response, StatusCode::BAD_REQUEST).await,
        "albumName is too long: at most 255 characters are allowed"
    );
    let at_limit = json!({ "albumName": "é".repeat(255), "description": "d".repeat(10_000) });
    let response = server.send(&token, Method::PATCH, &format!("/albums/{id}"), Some(at_limit)).await;
    assert_eq!(response.status(), StatusCode::OK, "values at the limit are fine");

    let search = json!({ "query": "beach ".repeat(200) });
    let response = server.send(&token, Method::POST, "/search/smart", Some(search)).await;
    assert_eq!(
        expect_error(response, StatusCode::BAD_REQUEST).await,
        "query is too long: at most 1000 characters are allowed"
    );
    // A 15 MB query does not even reach the field check: the body is over the route's limit.
    let search = json!({ "query": "x".repeat(15 * 1024 * 1024) });
    let response = server.send(&token, Method::POST, "/search/smart", Some(search)).await;
    expect_error(response, StatusCode::PAYLOAD_TOO_LARGE).await;

    let login = json!({ "email": format!("{}@example.com", "a".repeat(320)), "password": "p" });
    let response = server.http.post(server.api("/auth/login")).json(&login).send().await.unwrap();
    assert!(expect_error(response, StatusCode::BAD_REQUEST).await.starts_with("email is too long: at most 320"));
    let key = json!({ "name": "k".repeat(256), "permissions": ["all"] });
    let response = server.send(&token, Method::POST, "/api-keys", Some(key)).await;
    assert!(expect_error(response, StatusCode::BAD_REQUEST).await.starts_with("name is too long"));
    let response = server.get(&token, &format!("/search/suggestions?type=camera-make&make={}", "m".repeat(256))).await;
    assert!(expect_error(response, StatusCode::BAD_REQUEST).await.starts_with("make is too long"));

    for (field, value) in [("filename", "f".repeat(252) + ".jpg"), ("deviceAssetId", "d".repeat(513))] {
        let form = Form::new()
            .part("assetData", Part::bytes(jpeg(2)).file_name("ok.jpg"))
            .text("fileCreatedAt", "2024-05-06T07:08:09.000Z")
            .text("fileModifiedAt", "2024-05-06T07:08:09.000Z")
            .text(field, value);
        let response =
            server.http.post(server.api("/assets")).bearer_auth(&token).multipart(form).send().await.unwrap();
        let message = expect_error(response, StatusCode::BAD_REQUEST).await;
        assert!(message.starts_with(&format!("{field} is too long")), "{message}");
    }
    assert_eq!(server.asset_rows().await, 0, "no refused upload was stored");
}

#[tokio::test]
async fn ordinary_bodies_are_small_but_asset_lists_may_be_long() {
    let server = TestServer::start().await;
    let token = server.admin().await;
    let id = album(&server, &token).await;
    // 2 MB of JSON to a route that takes one album's settings.
    let padded = json!({ "albumName": "Sea", "padding": vec!["p"; 500_000] });
    let response = server.send(&token, Method::PATCH, &format!("/albums/{id}"), Some(padded)).await;
    expect_error(response, StatusCode::PAYLOAD_TOO_LARGE).await;
    // A phone checking 9,000 files before a backup (about 1.4 MB) is answered.
    let folder = "/storage/emulated/0/Pictures/Holidays/2024 Summer in Denmark";
    let assets: Vec<Value> = (0..9_000)
        .map(|i| json!({ "id": format!("{folder}/IMG_20240601_{i:06}.jpg"), "checksum": format!("{i:040x}") }))
        .collect();
    let response =
        server.send(&token, Method::POST, "/assets/bulk-upload-check", Some(json!({ "assets": assets }))).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.json::<Value>().await.unwrap()["results"].as_array().unwrap().len(), 9_000);
}

//! Parses an XMP packet into its properties, whatever RDF syntax the writer chose: attributes
//! on `rdf:Description` or elements, arrays (`rdf:Bag`, `rdf:Seq`, `rdf:Alt`), structures
//! (`rdf:parseType="Resource"`, a nested `rdf:Description`, or attributes on the property).
//! Names are matched by namespace URI, so any prefix works.

use quick_xml::NsReader;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;

use super::{XmpError, ns};

/// Deeper than any real XMP; bounds the recursion below on hostile input.
const MAX_DEPTH: usize = 128;

/// A namespace URI and a local name.
pub(crate) type Name = (String, String);

/// A property's value.
#[derive(Debug, PartialEq)]
pub(crate) enum Value {
    Text(String),
    Array(Vec<Item>),
    Struct(Vec<(Name, Value)>),
}

/// An array item, with its `xml:lang` (set in language alternatives).
#[derive(Debug, PartialEq)]
pub(crate) struct Item {
    pub lang: Option<String>,
    pub value: Value,
}

impl Value {
    /// The text of a simple value, or of a language alternative's default (else first) item.
    pub fn text(&self) -> Option<&str> {
        match self {
            Value::Text(text) => Some(text),
            Value::Array(items) => {
                let default = items.iter().find(|item| item.lang.as_deref() == Some("x-default"));
                default.or(items.first())?.value.text()
            }
            Value::Struct(_) => None,
        }
    }

    /// The texts of an array's items (a simple value counts as one).
    pub fn texts(&self) -> Vec<&str> {
        match self {
            Value::Text(text) => vec![text],
            Value::Array(items) => items.iter().filter_map(|item| item.value.text()).collect(),
            Value::Struct(_) => Vec::new(),
        }
    }

    pub fn items(&self) -> &[Item] {
        match self {
            Value::Array(items) => items,
            _ => &[],
        }
    }

    pub fn field(&self, namespace: &str, local: &str) -> Option<&Value> {
        match self {
            Value::Struct(fields) => find(fields, namespace, local),
            _ => None,
        }
    }
}

/// The first property called `namespace`:`local`.
pub(crate) fn find<'a>(properties: &'a [(Name, Value)], namespace: &str, local: &str) -> Option<&'a Value> {
    properties.iter().find(|((ns, name), _)| ns == namespace && name == local).map(|(_, value)| value)
}

#[derive(Debug)]
struct Element {
    name: Name,
    attributes: Vec<(Name, String)>,
    children: Vec<Element>,
    text: String,
}

/// The top-level properties of every `rdf:Description` in the packet, in document order.
pub(crate) fn properties(bytes: &[u8]) -> Result<Vec<(Name, Value)>, XmpError> {
    let root = parse_tree(bytes)?;
    let mut descriptions = Vec::new();
    let found = collect_descriptions(&root, &mut descriptions);
    if !found {
        return Err(XmpError::NotXmp);
    }
    Ok(descriptions.into_iter().flat_map(description_properties).collect())
}

fn is_rdf(element: &Element, local: &str) -> bool {
    element.name.0 == ns::RDF && element.name.1 == local
}

/// Gathers the `rdf:Description` children of each `rdf:RDF`; false when there is no `rdf:RDF`.
fn collect_descriptions<'a>(element: &'a Element, into: &mut Vec<&'a Element>) -> bool {
    if is_rdf(element, "RDF") {
        into.extend(element.children.iter().filter(|child| is_rdf(child, "Description")));
        return true;
    }
    let mut found = false;
    for child in &element.children {
        found |= collect_descriptions(child, into);
    }
    found
}

fn is_syntax(name: &Name) -> bool {
    name.0 == ns::RDF || name.0 == ns::XML || name.0.is_empty()
}

/// The properties of a node: its attributes (other than RDF's own) and its child elements.
fn description_properties(element: &Element) -> Vec<(Name, Value)> {
    let from_attributes = element
        .attributes
        .iter()
        .filter(|(name, _)| !is_syntax(name))
        .map(|(name, value)| (name.clone(), Value::Text(value.trim().to_string())));
    let from_children = element.children.iter().map(|child| (child.name.clone(), property_value(child)));
    from_attributes.chain(from_children).collect()
}

fn attribute<'a>(element: &'a Element, namespace: &str, local: &str) -> Option<&'a str> {
    element.attributes.iter().find(|((ns, name), _)| ns == namespace && name == local).map(|(_, value)| value.as_str())
}

fn property_value(element: &Element) -> Value {
    if let Some(resource) = attribute(element, ns::RDF, "resource") {
        return Value::Text(resource.to_string());
    }
    let container =
        element.children.iter().find(|child| is_rdf(child, "Bag") || is_rdf(child, "Seq") || is_rdf(child, "Alt"));
    if let Some(container) = container {
        let items = container.children.iter().filter(|child| is_rdf(child, "li"));
        return Value::Array(
            items
                .map(|item| Item {
                    lang: attribute(item, ns::XML, "lang").map(str::to_string),
                    value: property_value(item),
                })
                .collect(),
        );
    }
    if let Some(description) = element.children.iter().find(|child| is_rdf(child, "Description")) {
        return Value::Struct(description_properties(description));
    }
    let has_fields = attribute(element, ns::RDF, "parseType") == Some("Resource")
        || element.attributes.iter().any(|(name, _)| !is_syntax(name))
        || !element.children.is_empty();
    if has_fields {
        return Value::Struct(description_properties(element));
    }
    Value::Text(element.text.trim().to_string())
}

fn xml_error(error: impl std::fmt::Display) -> XmpError {
    XmpError::Xml(error.to_string())
}

/// Reads the XML into a tree under a nameless root, rejecting what is not well-formed.
fn parse_tree(bytes: &[u8]) -> Result<Element, XmpError> {
    let text = std::str::from_utf8(bytes).map_err(|error| xml_error(format!("not UTF-8: {error}")))?;
    let mut reader = NsReader::from_str(text.trim_start_matches('\u{feff}'));
    let mut open = vec![Element {
        name: (String::new(), String::new()),
        attributes: Vec::new(),
        children: Vec::new(),
        text: String::new(),
    }];
    loop {
        let (resolved, event) = reader.read_resolved_event().map_err(xml_error)?;
        let namespace = namespace_of(resolved);
        match event {
            Event::Start(start) => {
                if open.len() > MAX_DEPTH {
                    return Err(XmpError::TooDeep);
                }
                open.push(element(&reader, namespace, &start)?);
            }
            Event::Empty(start) => {
                let element = element(&reader, namespace, &start)?;
                open.last_mut().expect("the root is never closed").children.push(element);
            }
            Event::End(_) => {
                let closed = open.pop().expect("the root is never closed");
                let parent = open.last_mut().ok_or_else(|| xml_error("a closing tag without its opening tag"))?;
                parent.children.push(closed);
            }
            Event::Text(text) => {
                let text = text.xml10_content().map_err(xml_error)?;
                open.last_mut().expect("the root is never closed").text.push_str(&text);
            }
            Event::CData(data) => {
                let data = data.decode().map_err(xml_error)?;
                open.last_mut().expect("the root is never closed").text.push_str(&data);
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref().map_err(xml_error)? {
                    Some(ch) => ch.to_string(),
                    None => {
                        let name = reference.decode().map_err(xml_error)?;
                        resolve_predefined_entity(&name)
                            .ok_or_else(|| xml_error(format!("unknown entity &{name};")))?
                            .to_string()
                    }
                };
                open.last_mut().expect("the root is never closed").text.push_str(&resolved);
            }
            Event::Eof => break,
            // Declarations, processing instructions (the xpacket wrapper), comments.
            _ => {}
        }
    }
    match open.pop() {
        Some(root) if open.is_empty() => Ok(root),
        _ => Err(xml_error("an element is not closed")),
    }
}

fn namespace_of(resolved: ResolveResult) -> String {
    match resolved {
        ResolveResult::Bound(namespace) => String::from_utf8_lossy(namespace.as_ref()).into_owned(),
        ResolveResult::Unbound => String::new(),
        // An undeclared prefix: kept apart from every real namespace rather than refused.
        ResolveResult::Unknown(prefix) => format!("undeclared:{}", String::from_utf8_lossy(&prefix)),
    }
}

fn element(reader: &NsReader<&[u8]>, namespace: String, start: &BytesStart) -> Result<Element, XmpError> {
    let local = String::from_utf8_lossy(start.local_name().as_ref()).into_owned();
    let mut attributes = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(xml_error)?;
        if attribute.key.as_namespace_binding().is_some() {
            continue; // xmlns declarations
        }
        let (resolved, local) = reader.resolver().resolve_attribute(attribute.key);
        let name = (namespace_of(resolved), String::from_utf8_lossy(local.as_ref()).into_owned());
        let value = attribute.normalized_value(quick_xml::XmlVersion::Implicit1_0).map_err(xml_error)?;
        attributes.push((name, value.into_owned()));
    }
    Ok(Element { name: (namespace, local), attributes, children: Vec::new(), text: String::new() })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(xml: &str, namespace: &str, local: &str) -> Option<String> {
        let properties = properties(xml.as_bytes()).unwrap();
        find(&properties, namespace, local).and_then(Value::text).map(str::to_string)
    }

    const HEAD: &str =
        r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">"#;
    const TAIL: &str = "</rdf:RDF></x:xmpmeta>";

    #[test]
    fn attribute_and_element_forms_with_any_prefix() {
        let attribute = format!(
            r#"{HEAD}<rdf:Description xmlns:e="http://ns.adobe.com/exif/1.0/" e:DateTimeOriginal="2019-07-14T20:30:05"/>{TAIL}"#
        );
        assert_eq!(text_of(&attribute, ns::EXIF, "DateTimeOriginal").as_deref(), Some("2019-07-14T20:30:05"));
        let element = format!(
            r#"{HEAD}<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/"><exif:DateTimeOriginal> 2019 &amp; &#x41;</exif:DateTimeOriginal></rdf:Description>{TAIL}"#
        );
        assert_eq!(text_of(&element, ns::EXIF, "DateTimeOriginal").as_deref(), Some("2019 & A"));
    }

    #[test]
    fn arrays_alternatives_and_structures() {
        let xml = format!(
            r#"{HEAD}<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:s="urn:s">
              <dc:description><rdf:Alt><rdf:li xml:lang="fr">Bonjour</rdf:li><rdf:li xml:lang="x-default">Hello</rdf:li></rdf:Alt></dc:description>
              <dc:subject><rdf:Bag><rdf:li>a</rdf:li><rdf:li>b</rdf:li></rdf:Bag></dc:subject>
              <s:one rdf:parseType="Resource"><s:x>1</s:x></s:one>
              <s:two><rdf:Description s:x="2"/></s:two>
              <s:three s:x="3"/>
            </rdf:Description>{TAIL}"#
        );
        let properties = properties(xml.as_bytes()).unwrap();
        assert_eq!(find(&properties, ns::DC, "description").unwrap().text(), Some("Hello"));
        assert_eq!(find(&properties, ns::DC, "subject").unwrap().texts(), ["a", "b"]);
        for (local, expected) in [("one", "1"), ("two", "2"), ("three", "3")] {
            let value = find(&properties, "urn:s", local).unwrap();
            assert_eq!(value.field("urn:s", "x").and_then(Value::text), Some(expected), "{local}");
        }
    }

    #[test]
    fn malformed_input_is_an_error() {
        for bad in ["<x:xmpmeta", "<a><b></a></b>", "<a>", "</a>", "<a>&nope;</a>", "<a b=\"1\" b=\"2\"/>"] {
            assert!(matches!(properties(bad.as_bytes()), Err(XmpError::Xml(_))), "{bad}");
        }
        assert!(matches!(properties(b"<html/>"), Err(XmpError::NotXmp)));
        assert!(matches!(properties(b""), Err(XmpError::NotXmp)));
        assert!(matches!(properties(&[0xff, 0xfe, 0x00]), Err(XmpError::Xml(_))));
        let deep = "<a>".repeat(10_000) + &"</a>".repeat(10_000);
        assert!(matches!(properties(deep.as_bytes()), Err(XmpError::TooDeep)));
    }
}

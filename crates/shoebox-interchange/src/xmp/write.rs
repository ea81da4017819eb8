//! Writes an XMP sidecar from [`ExportFacts`]: one `rdf:Description` in element form, each fact
//! under the names the common tools read (digiKam, Lightroom, darktable, Immich, exiftool).

use std::collections::HashSet;
use std::fmt::Write as _;

use super::values::{Axis, format_coordinate, format_date, format_rational};
use super::{ExportFacts, ns};

/// A complete standalone XMP packet for `facts`, well-formed, every text XML-escaped.
pub fn write_xmp(facts: &ExportFacts) -> String {
    let mut out = String::new();
    out.push_str("<?xpacket begin=\"\u{feff}\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n");
    let _ = writeln!(out, "<x:xmpmeta xmlns:x=\"{}\" x:xmptk=\"Shoebox\">", ns::X);
    let _ = writeln!(out, " <rdf:RDF xmlns:rdf=\"{}\">", ns::RDF);
    out.push_str("  <rdf:Description rdf:about=\"\"");
    for (prefix, uri) in [
        ("dc", ns::DC),
        ("xmp", ns::XMP),
        ("exif", ns::EXIF),
        ("photoshop", ns::PHOTOSHOP),
        ("lr", ns::LIGHTROOM),
        ("digiKam", ns::DIGIKAM),
        ("Iptc4xmpExt", ns::IPTC_EXT),
        ("mwg-rs", ns::MWG_REGIONS),
        ("stArea", ns::AREA),
        ("stDim", ns::DIMENSIONS),
    ] {
        let _ = write!(out, "\n    xmlns:{prefix}=\"{uri}\"");
    }
    out.push_str(">\n");

    if !facts.title.is_empty() {
        language_alternative(&mut out, "dc:title", &facts.title);
    }
    if let Some(description) = facts.description.as_deref().filter(|text| !text.is_empty()) {
        language_alternative(&mut out, "dc:description", description);
    }
    if let Some(taken_at) = &facts.taken_at {
        let date = format_date(taken_at);
        for property in ["exif:DateTimeOriginal", "photoshop:DateCreated", "xmp:CreateDate"] {
            simple(&mut out, property, &date);
        }
    }
    if let Some(rating) = facts.rating {
        simple(&mut out, "xmp:Rating", &rating.clamp(-1, 5).to_string());
    }
    if let (Some(latitude), Some(longitude)) = (facts.latitude, facts.longitude) {
        simple(&mut out, "exif:GPSVersionID", "2.2.0.0");
        simple(&mut out, "exif:GPSLatitude", &format_coordinate(latitude, Axis::Latitude));
        simple(&mut out, "exif:GPSLongitude", &format_coordinate(longitude, Axis::Longitude));
        if let Some(altitude) = facts.altitude.filter(|altitude| altitude.is_finite()) {
            simple(&mut out, "exif:GPSAltitude", &format_rational(altitude));
            simple(&mut out, "exif:GPSAltitudeRef", if altitude < 0.0 { "1" } else { "0" });
        }
    }
    write_tags(&mut out, &facts.tags);
    write_people(&mut out, facts);

    out.push_str("  </rdf:Description>\n </rdf:RDF>\n</x:xmpmeta>\n<?xpacket end=\"w\"?>\n");
    out
}

/// `dc:subject` takes the leaf names, `lr:hierarchicalSubject` the `Parent|Child` paths and
/// `digiKam:TagsList` the `Parent/Child` paths.
fn write_tags(out: &mut String, tags: &[String]) {
    let mut seen_paths = HashSet::new();
    let paths: Vec<Vec<&str>> = tags
        .iter()
        .map(|tag| tag.split('/').map(str::trim).filter(|part| !part.is_empty()).collect::<Vec<_>>())
        .filter(|parts| !parts.is_empty() && seen_paths.insert(parts.clone()))
        .collect();
    if paths.is_empty() {
        return;
    }
    let mut seen = HashSet::new();
    let leaves: Vec<&str> =
        paths.iter().filter_map(|parts| parts.last().copied()).filter(|leaf| seen.insert(*leaf)).collect();
    array(out, "dc:subject", "rdf:Bag", leaves);
    array(out, "lr:hierarchicalSubject", "rdf:Bag", paths.iter().map(|parts| parts.join("|")));
    array(out, "digiKam:TagsList", "rdf:Seq", paths.iter().map(|parts| parts.join("/")));
}

/// Face regions (MWG) and the list of names (IPTC Extension).
fn write_people(out: &mut String, facts: &ExportFacts) {
    let people: Vec<_> = facts.people.iter().filter(|person| !person.name.trim().is_empty()).collect();
    if people.is_empty() {
        return;
    }
    let mut seen = HashSet::new();
    let names = people.iter().map(|person| person.name.as_str()).filter(|name| seen.insert(*name));
    array(out, "Iptc4xmpExt:PersonInImage", "rdf:Bag", names);

    out.push_str("   <mwg-rs:Regions rdf:parseType=\"Resource\">\n");
    if let (Some(width), Some(height)) = (facts.image_width, facts.image_height) {
        let _ = writeln!(
            out,
            "    <mwg-rs:AppliedToDimensions stDim:w=\"{width}\" stDim:h=\"{height}\" stDim:unit=\"pixel\"/>"
        );
    }
    out.push_str("    <mwg-rs:RegionList>\n     <rdf:Bag>\n");
    for person in people {
        let _ = writeln!(
            out,
            "      <rdf:li rdf:parseType=\"Resource\">\n       <mwg-rs:Name>{}</mwg-rs:Name>\n       <mwg-rs:Type>Face</mwg-rs:Type>",
            escape(&person.name)
        );
        let _ = writeln!(
            out,
            "       <mwg-rs:Area stArea:x=\"{}\" stArea:y=\"{}\" stArea:w=\"{}\" stArea:h=\"{}\" stArea:unit=\"normalized\"/>\n      </rdf:li>",
            unit_fraction(person.x),
            unit_fraction(person.y),
            unit_fraction(person.w),
            unit_fraction(person.h)
        );
    }
    out.push_str("     </rdf:Bag>\n    </mwg-rs:RegionList>\n   </mwg-rs:Regions>\n");
}

/// A region coordinate kept inside 0..1, without the noise of the last float digits.
fn unit_fraction(value: f64) -> String {
    let value = if value.is_finite() { value.clamp(0.0, 1.0) } else { 0.0 };
    let text = format!("{value:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn simple(out: &mut String, property: &str, value: &str) {
    let _ = writeln!(out, "   <{property}>{}</{property}>", escape(value));
}

fn language_alternative(out: &mut String, property: &str, value: &str) {
    let _ = writeln!(
        out,
        "   <{property}>\n    <rdf:Alt>\n     <rdf:li xml:lang=\"x-default\">{}</rdf:li>\n    </rdf:Alt>\n   </{property}>",
        escape(value)
    );
}

fn array(out: &mut String, property: &str, kind: &str, items: impl IntoIterator<Item = impl AsRef<str>>) {
    let _ = writeln!(out, "   <{property}>\n    <{kind}>");
    for item in items {
        let _ = writeln!(out, "     <rdf:li>{}</rdf:li>", escape(item.as_ref()));
    }
    let _ = writeln!(out, "    </{kind}>\n   </{property}>");
}

/// Escapes XML's markup characters and drops the characters XML 1.0 cannot carry at all.
pub(crate) fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' => escaped.push(ch),
            // A raw CR would be read back as LF; the reference keeps it.
            '\r' => escaped.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            _ => escaped.push(ch),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(escape("bell\u{7}\r\n"), "bell&#13;\n");
    }

    #[test]
    fn region_fractions_are_short_and_in_range() {
        assert_eq!(unit_fraction(0.5), "0.5");
        assert_eq!(unit_fraction(0.1234567), "0.123457");
        assert_eq!(unit_fraction(1.7), "1");
        assert_eq!(unit_fraction(f64::NAN), "0");
    }

    #[test]
    fn tags_are_written_once_in_each_form() {
        let facts = ExportFacts {
            tags: vec!["A/B".into(), " A / B ".into(), "C/B".into(), "/".into()],
            ..ExportFacts::default()
        };
        let xmp = write_xmp(&facts);
        assert_eq!(xmp.matches("<rdf:li>A|B</rdf:li>").count(), 1);
        assert_eq!(xmp.matches("<rdf:li>B</rdf:li>").count(), 1, "one leaf for both paths ending in B");
        assert!(xmp.contains("<rdf:li>C/B</rdf:li>"));
    }

    #[test]
    fn empty_facts_give_an_empty_description() {
        let xmp = write_xmp(&ExportFacts::default());
        assert!(xmp.starts_with("<?xpacket begin="));
        assert!(xmp.contains("<rdf:Description rdf:about=\"\""));
        assert!(!xmp.contains("dc:title>"));
        assert!(!xmp.contains("mwg-rs:Regions"));
    }
}

//! Reads the facts we import from an XMP sidecar, written by us or by digiKam, Lightroom,
//! darktable, Immich or exiftool: capture date, location, caption, rating, tags and people.

use std::collections::HashSet;

use super::rdf::{self, Name, Value};
use super::values::{parse_coordinate, parse_date, parse_rational};
use super::{XmpError, XmpFacts, ns};

/// Reads an XMP packet or sidecar file. Fails only when it is not well-formed XML or holds no
/// RDF; a property that is missing or unreadable is left out.
pub fn read_xmp(bytes: &[u8]) -> Result<XmpFacts, XmpError> {
    let properties = rdf::properties(bytes)?;
    let get = |namespace: &str, local: &str| rdf::find(&properties, namespace, local);
    let (taken_at_local, offset) = taken_at(&properties).unzip();

    let latitude =
        get(ns::EXIF, "GPSLatitude").and_then(Value::text).and_then(parse_coordinate).filter(|v| v.abs() <= 90.0);
    let longitude =
        get(ns::EXIF, "GPSLongitude").and_then(Value::text).and_then(parse_coordinate).filter(|v| v.abs() <= 180.0);
    let (latitude, longitude) = match (latitude, longitude) {
        (Some(latitude), Some(longitude)) => (Some(latitude), Some(longitude)),
        _ => (None, None),
    };
    let below_sea_level = get(ns::EXIF, "GPSAltitudeRef").and_then(Value::text) == Some("1");
    let altitude = get(ns::EXIF, "GPSAltitude")
        .and_then(Value::text)
        .and_then(parse_rational)
        .map(|altitude| if below_sea_level { -altitude.abs() } else { altitude });

    let description = [(ns::DC, "description"), (ns::TIFF, "ImageDescription"), (ns::EXIF, "UserComment")]
        .into_iter()
        .filter_map(|(namespace, local)| get(namespace, local).and_then(Value::text))
        .find(|text| !text.trim().is_empty())
        .map(str::to_string);
    let rating = get(ns::XMP, "Rating")
        .and_then(Value::text)
        .and_then(|text| text.trim().parse::<f64>().ok())
        .map(f64::round)
        .filter(|rating| (-1.0..=5.0).contains(rating))
        .map(|rating| rating as i32);

    Ok(XmpFacts {
        taken_at_local,
        offset: offset.flatten(),
        latitude,
        longitude,
        altitude,
        description,
        rating,
        tags: tags(&properties),
        people: people(&properties),
    })
}

/// The first readable date of `exif:DateTimeOriginal`, `photoshop:DateCreated`,
/// `xmp:CreateDate`. Without an offset of its own it takes the offset of another of them that
/// names the same local time.
fn taken_at(properties: &[(Name, Value)]) -> Option<(chrono::NaiveDateTime, Option<chrono::FixedOffset>)> {
    let dates: Vec<_> = [(ns::EXIF, "DateTimeOriginal"), (ns::PHOTOSHOP, "DateCreated"), (ns::XMP, "CreateDate")]
        .into_iter()
        .filter_map(|(namespace, local)| rdf::find(properties, namespace, local)?.text().and_then(parse_date))
        .collect();
    let (local, offset) = *dates.first()?;
    let offset = offset.or_else(|| dates.iter().filter(|(other, _)| *other == local).find_map(|(_, offset)| *offset));
    Some((local, offset))
}

/// Hierarchical tags (`digiKam:TagsList`, then `lr:hierarchicalSubject`), as `Parent/Child`;
/// then the flat keywords of `dc:subject` that are not already part of one.
fn tags(properties: &[(Name, Value)]) -> Vec<String> {
    let texts =
        |namespace: &str, local: &str| rdf::find(properties, namespace, local).map(Value::texts).unwrap_or_default();
    let mut tags: Vec<String> = Vec::new();
    let mut seen = HashSet::new();
    let hierarchical = texts(ns::DIGIKAM, "TagsList")
        .into_iter()
        .map(str::to_string)
        .chain(texts(ns::LIGHTROOM, "hierarchicalSubject").into_iter().map(|path| path.replace('|', "/")));
    for tag in hierarchical {
        let tag = tag.split('/').map(str::trim).filter(|part| !part.is_empty()).collect::<Vec<_>>().join("/");
        if !tag.is_empty() && seen.insert(tag.clone()) {
            tags.push(tag);
        }
    }
    let in_paths: HashSet<String> = tags.iter().flat_map(|tag| tag.split('/')).map(str::to_string).collect();
    for keyword in texts(ns::DC, "subject") {
        let keyword = keyword.trim();
        if !keyword.is_empty() && !in_paths.contains(keyword) && seen.insert(keyword.to_string()) {
            tags.push(keyword.to_string());
        }
    }
    tags
}

/// Names from MWG face regions, `Iptc4xmpExt:PersonInImage` and Microsoft's regions, each once.
fn people(properties: &[(Name, Value)]) -> Vec<String> {
    let mut names: Vec<&str> = Vec::new();
    if let Some(regions) = rdf::find(properties, ns::MWG_REGIONS, "Regions") {
        let list = regions.field(ns::MWG_REGIONS, "RegionList").map(Value::items).unwrap_or_default();
        for region in list {
            let kind = region.value.field(ns::MWG_REGIONS, "Type").and_then(Value::text);
            if kind.is_none_or(|kind| kind.eq_ignore_ascii_case("Face")) {
                names.extend(region.value.field(ns::MWG_REGIONS, "Name").and_then(Value::text));
            }
        }
    }
    if let Some(listed) = rdf::find(properties, ns::IPTC_EXT, "PersonInImage") {
        names.extend(listed.texts());
    }
    if let Some(info) = rdf::find(properties, ns::MICROSOFT_PHOTO, "RegionInfo") {
        let regions = info.field(ns::MICROSOFT_REGION_INFO, "Regions").map(Value::items).unwrap_or_default();
        for region in regions {
            names.extend(region.value.field(ns::MICROSOFT_REGION, "PersonDisplayName").and_then(Value::text));
        }
    }
    let mut seen = HashSet::new();
    names.into_iter().map(str::trim).filter(|name| !name.is_empty() && seen.insert(*name)).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use chrono::{DateTime, FixedOffset, NaiveDateTime};

    use super::*;
    use crate::xmp::{ExportFacts, PersonRegion, write_xmp};

    fn facts() -> ExportFacts {
        ExportFacts {
            title: "IMG_0001 <Rome> & \"friends\".jpg".into(),
            description: Some("Sunset over the Tiber — été & <co>".into()),
            taken_at: Some(DateTime::parse_from_rfc3339("2019-07-14T20:30:05+02:00").unwrap()),
            latitude: Some(41.890_212_3),
            longitude: Some(-12.492_231_9),
            altitude: Some(-3.25),
            rating: Some(4),
            tags: vec!["Places/Italy/Rome".into(), "Sunset".into(), "Trips/2019".into()],
            people: vec![
                PersonRegion { name: "Anna".into(), x: 0.25, y: 0.4, w: 0.1, h: 0.12 },
                PersonRegion { name: "Béla".into(), x: 0.75, y: 0.5, w: 0.08, h: 0.1 },
            ],
            image_width: Some(4000),
            image_height: Some(3000),
            ..ExportFacts::default()
        }
    }

    #[test]
    fn reads_back_what_it_writes() {
        let written = facts();
        let read = read_xmp(write_xmp(&written).as_bytes()).unwrap();
        let taken_at = written.taken_at.unwrap();
        assert_eq!(read.taken_at_local, Some(taken_at.naive_local()));
        assert_eq!(read.offset, Some(*taken_at.offset()));
        assert!((read.latitude.unwrap() - written.latitude.unwrap()).abs() < 1e-6);
        assert!((read.longitude.unwrap() - written.longitude.unwrap()).abs() < 1e-6);
        assert_eq!(read.altitude, Some(-3.25));
        assert_eq!(read.description, written.description);
        assert_eq!(read.rating, Some(4));
        assert_eq!(read.tags, written.tags);
        assert_eq!(read.people, ["Anna", "Béla"]);
    }

    #[test]
    fn written_packet_names_every_schema() {
        let xmp = write_xmp(&facts());
        for needle in [
            "<exif:DateTimeOriginal>2019-07-14T20:30:05+02:00</exif:DateTimeOriginal>",
            "<photoshop:DateCreated>2019-07-14T20:30:05+02:00</photoshop:DateCreated>",
            "<xmp:CreateDate>2019-07-14T20:30:05+02:00</xmp:CreateDate>",
            "<exif:GPSLatitude>41,53.412738N</exif:GPSLatitude>",
            "<exif:GPSLongitude>12,29.533914W</exif:GPSLongitude>",
            "<exif:GPSAltitude>3250/1000</exif:GPSAltitude>",
            "<exif:GPSAltitudeRef>1</exif:GPSAltitudeRef>",
            "<rdf:li xml:lang=\"x-default\">IMG_0001 &lt;Rome&gt; &amp; &quot;friends&quot;.jpg</rdf:li>",
            "<xmp:Rating>4</xmp:Rating>",
            "<rdf:li>Rome</rdf:li>",
            "<rdf:li>Places|Italy|Rome</rdf:li>",
            "<rdf:li>Places/Italy/Rome</rdf:li>",
            "<mwg-rs:AppliedToDimensions stDim:w=\"4000\" stDim:h=\"3000\" stDim:unit=\"pixel\"/>",
            "<mwg-rs:Area stArea:x=\"0.25\" stArea:y=\"0.4\" stArea:w=\"0.1\" stArea:h=\"0.12\" stArea:unit=\"normalized\"/>",
            "<mwg-rs:Type>Face</mwg-rs:Type>",
        ] {
            assert!(xmp.contains(needle), "missing {needle}\n{xmp}");
        }
    }

    #[test]
    fn reads_an_immich_style_sidecar_in_attribute_form() {
        let xmp = r#"<?xpacket begin='﻿' id='W5M0MpCehiHzreSzNTczkc9d'?>
<x:xmpmeta xmlns:x="adobe:ns:meta/" x:xmptk="Image::ExifTool 12.40">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
 <rdf:Description rdf:about=""
  xmlns:exif="http://ns.adobe.com/exif/1.0/"
  xmlns:xmp="http://ns.adobe.com/xap/1.0/"
  exif:DateTimeOriginal="2023-02-11T09:15:00.123-05:00"
  exif:GPSLatitude="40,42.768N"
  exif:GPSLongitude="74,0.36W"
  xmp:Rating="3"/>
 <rdf:Description rdf:about=""
  xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns:digiKam="http://www.digikam.org/ns/1.0/">
  <dc:description><rdf:Alt><rdf:li xml:lang="x-default">Snow in the park</rdf:li></rdf:Alt></dc:description>
  <digiKam:TagsList><rdf:Seq><rdf:li>Winter/Snow</rdf:li><rdf:li>NYC</rdf:li></rdf:Seq></digiKam:TagsList>
 </rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end='w'?>"#;
        let read = read_xmp(xmp.as_bytes()).unwrap();
        assert_eq!(
            read.taken_at_local,
            NaiveDateTime::parse_from_str("2023-02-11 09:15:00.123", "%Y-%m-%d %H:%M:%S%.f").ok()
        );
        assert_eq!(read.offset, FixedOffset::west_opt(5 * 3600));
        assert!((read.latitude.unwrap() - 40.7128).abs() < 1e-9);
        assert!((read.longitude.unwrap() + 74.006).abs() < 1e-9);
        assert_eq!(read.rating, Some(3));
        assert_eq!(read.description.as_deref(), Some("Snow in the park"));
        assert_eq!(read.tags, ["Winter/Snow", "NYC"]);
    }

    #[test]
    fn reads_a_lightroom_style_sidecar() {
        let xmp = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/">
 <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about=""
    xmlns:xap="http://ns.adobe.com/xap/1.0/"
    xmlns:ps="http://ns.adobe.com/photoshop/1.0/"
    xmlns:dc="http://purl.org/dc/elements/1.1/"
    xmlns:lr="http://ns.adobe.com/lightroom/1.0/"
    xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
    xmlns:MP="http://ns.microsoft.com/photo/1.2/"
    xmlns:MPRI="http://ns.microsoft.com/photo/1.2/t/RegionInfo#"
    xmlns:MPReg="http://ns.microsoft.com/photo/1.2/t/Region#"
    xap:CreateDate="2015-06-01T10:00:00+09:00"
    ps:DateCreated="2015-06-01T10:00:00"
    xap:Rating="-1">
   <dc:subject><rdf:Bag><rdf:li>Kyoto</rdf:li><rdf:li>Japan</rdf:li><rdf:li>temple</rdf:li></rdf:Bag></dc:subject>
   <lr:hierarchicalSubject><rdf:Bag><rdf:li>Places|Japan|Kyoto</rdf:li></rdf:Bag></lr:hierarchicalSubject>
   <Iptc4xmpExt:PersonInImage><rdf:Bag><rdf:li>Kenji</rdf:li></rdf:Bag></Iptc4xmpExt:PersonInImage>
   <MP:RegionInfo rdf:parseType="Resource"><MPRI:Regions><rdf:Bag>
     <rdf:li MPReg:PersonDisplayName="Yuki" MPReg:Rectangle="0.1, 0.1, 0.2, 0.2"/>
     <rdf:li MPReg:PersonDisplayName="Kenji"/>
   </rdf:Bag></MPRI:Regions></MP:RegionInfo>
  </rdf:Description>
 </rdf:RDF>
</x:xmpmeta>"#;
        let read = read_xmp(xmp.as_bytes()).unwrap();
        // photoshop:DateCreated comes first; its missing offset is taken from xmp:CreateDate.
        assert_eq!(read.taken_at_local.unwrap().to_string(), "2015-06-01 10:00:00");
        assert_eq!(read.offset, FixedOffset::east_opt(9 * 3600));
        assert_eq!(read.rating, Some(-1));
        assert_eq!(read.tags, ["Places/Japan/Kyoto", "temple"]);
        assert_eq!(read.people, ["Kenji", "Yuki"]);
        assert_eq!((read.latitude, read.description), (None, None));
    }

    #[test]
    fn reads_digikam_face_regions_in_nested_descriptions() {
        let xmp = r#"<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
  <rdf:Description rdf:about="" xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"
      xmlns:stArea="http://ns.adobe.com/xmp/sType/Area#" xmlns:exif="http://ns.adobe.com/exif/1.0/">
   <exif:DateTimeOriginal>2020:01:02 03:04:05</exif:DateTimeOriginal>
   <mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag>
     <rdf:li><rdf:Description mwg-rs:Name="Ada" mwg-rs:Type="Face"><mwg-rs:Area stArea:x="0.5" stArea:y="0.5" stArea:w="0.1" stArea:h="0.1"/></rdf:Description></rdf:li>
     <rdf:li><rdf:Description mwg-rs:Name="Focus point" mwg-rs:Type="Focus"/></rdf:li>
     <rdf:li rdf:parseType="Resource"><mwg-rs:Name>Grace</mwg-rs:Name></rdf:li>
   </rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>
  </rdf:Description></rdf:RDF></x:xmpmeta>"#;
        let read = read_xmp(xmp.as_bytes()).unwrap();
        assert_eq!(read.people, ["Ada", "Grace"]);
        assert_eq!(read.taken_at_local.unwrap().to_string(), "2020-01-02 03:04:05");
        assert_eq!(read.offset, None);
    }

    #[test]
    fn odd_values_are_left_out_and_bad_xml_fails() {
        let xmp = r#"<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description
            xmlns:exif="http://ns.adobe.com/exif/1.0/" xmlns:xmp="http://ns.adobe.com/xap/1.0/"
            exif:DateTimeOriginal="soon" exif:GPSLatitude="91,0N" exif:GPSLongitude="10,0E" xmp:Rating="7"/></rdf:RDF>"#;
        let read = read_xmp(xmp.as_bytes()).unwrap();
        assert_eq!(read, XmpFacts::default());
        assert!(read_xmp(b"<x:xmpmeta><rdf:RDF>").is_err());
        assert!(read_xmp(b"not xml at all").is_err());
        assert!(read_xmp(&write_xmp(&facts()).as_bytes()[..200]).is_err());
    }

    #[test]
    fn never_panics_on_cut_or_altered_packets() {
        let packet = write_xmp(&facts()).into_bytes();
        for cut in 0..packet.len() {
            let _ = read_xmp(&packet[..cut]);
            let mut altered = packet.clone();
            altered[cut] = altered[cut].wrapping_add(1);
            let _ = read_xmp(&altered);
        }
    }
}

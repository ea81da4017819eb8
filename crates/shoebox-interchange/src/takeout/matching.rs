//! Pairs the media files of one Takeout folder with their JSON sidecars, using the naming rules
//! of [`super::names`]. Rules run from the surest to the loosest over the whole folder, so a
//! sidecar goes to the file whose name fits it best before a looser rule can take it.

use std::collections::HashMap;

use super::names::{self, MediaKind, SidecarKey};

/// What the folder's files turned out to be, by index into the inputs of [`match_folder`].
#[derive(Debug, Default)]
pub(crate) struct FolderMatch {
    /// The sidecar describing each media file.
    pub sidecar: Vec<Option<usize>>,
    /// For an edited copy, the original it was made from.
    pub edited_of: Vec<Option<usize>>,
    /// For the video of a live photo, its still image.
    pub live_photo_of: Vec<Option<usize>>,
    /// Whether some media file uses each sidecar.
    pub sidecar_used: Vec<bool>,
}

/// The rules that give a file its own sidecar, surest first.
#[derive(Clone, Copy)]
enum OwnRule {
    /// The name as it is: `IMG_1.jpg` ↔ `IMG_1.jpg.json`, also cut or with the infix.
    FullName,
    /// A duplicate's counter moved: `IMG_1(1).jpg` ↔ `IMG_1.jpg(1).json`.
    MovedCounter,
    /// Uploaded without an extension: `IMG_1.jpg` ↔ `IMG_1.json`.
    NoExtension,
}

struct SidecarIndex<'a> {
    by_key: HashMap<(&'a str, Option<u32>), Vec<usize>>,
}

impl<'a> SidecarIndex<'a> {
    fn new(sidecars: &'a [SidecarKey]) -> Self {
        let mut by_key: HashMap<_, Vec<usize>> = HashMap::new();
        for (at, key) in sidecars.iter().enumerate() {
            by_key.entry((key.body.as_str(), key.counter)).or_default().push(at);
        }
        SidecarIndex { by_key }
    }

    /// The first sidecar Google may have written for `name`, skipping those `taken` refuses.
    fn find(&self, name: &str, counter: Option<u32>, taken: &dyn Fn(usize) -> bool) -> Option<usize> {
        names::sidecar_bodies(name).iter().find_map(|body| {
            self.by_key.get(&(body.as_str(), counter))?.iter().copied().find(|&sidecar| !taken(sidecar))
        })
    }

    fn find_by_rule(&self, rule: OwnRule, name: &str, taken: &dyn Fn(usize) -> bool) -> Option<usize> {
        match rule {
            OwnRule::FullName => self.find(name, None, taken),
            OwnRule::MovedCounter => {
                let (without_counter, counter) = names::split_media_counter(name)?;
                self.find(&without_counter, Some(counter), taken)
            }
            OwnRule::NoExtension => {
                let (without_counter, counter) = match names::split_media_counter(name) {
                    Some((rest, counter)) => (rest, Some(counter)),
                    None => (name.to_string(), None),
                };
                let (stem, extension) = names::split_extension(&without_counter);
                extension?;
                self.find(stem, counter, taken)
            }
        }
    }

    fn find_by_any_rule(&self, name: &str, taken: &dyn Fn(usize) -> bool) -> Option<usize> {
        [OwnRule::FullName, OwnRule::MovedCounter, OwnRule::NoExtension]
            .into_iter()
            .find_map(|rule| self.find_by_rule(rule, name, taken))
    }
}

/// Pairs `media` (file names and kinds) with `sidecars` (parsed sidecar names), all of one folder.
pub(crate) fn match_folder(media: &[(&str, MediaKind)], sidecars: &[SidecarKey]) -> FolderMatch {
    let index = SidecarIndex::new(sidecars);
    let mut found = FolderMatch {
        sidecar: vec![None; media.len()],
        edited_of: vec![None; media.len()],
        live_photo_of: vec![None; media.len()],
        sidecar_used: vec![false; sidecars.len()],
    };
    // Stills before videos: a live photo's `IMG_1.json` belongs to `IMG_1.HEIC`, not `IMG_1.MP4`.
    let mut order: Vec<usize> = (0..media.len()).collect();
    order.sort_by_key(|&at| (media[at].1, media[at].0));

    let mut claimed = vec![false; sidecars.len()];
    for rule in [OwnRule::FullName, OwnRule::MovedCounter, OwnRule::NoExtension] {
        for &at in &order {
            if found.sidecar[at].is_some() {
                continue;
            }
            if let Some(sidecar) = index.find_by_rule(rule, media[at].0, &|s| claimed[s]) {
                claimed[sidecar] = true;
                found.sidecar[at] = Some(sidecar);
            }
        }
    }

    let by_name: HashMap<&str, usize> = order.iter().rev().map(|&at| (media[at].0, at)).collect();
    // The first still of each stem, in name order.
    let still_by_stem: HashMap<&str, usize> = order
        .iter()
        .rev()
        .filter(|&&at| media[at].1 == MediaKind::Image)
        .map(|&at| (names::split_extension(media[at].0).0, at))
        .collect();

    for &at in &order {
        let Some(original_name) = names::unedited_name(media[at].0) else { continue };
        // The file of that name, else a still of the same stem: an edit may be saved in
        // another format than its original's.
        let original = by_name
            .get(original_name.as_str())
            .or_else(|| still_by_stem.get(names::split_extension(&original_name).0))
            .copied();
        found.edited_of[at] = original;
        if found.sidecar[at].is_some() {
            continue;
        }
        // The copy shares its original's sidecar, which stays the original's.
        found.sidecar[at] = match original.and_then(|original| found.sidecar[original]) {
            Some(sidecar) => Some(sidecar),
            None => index.find_by_any_rule(&original_name, &|_| false),
        };
    }

    for &at in &order {
        if media[at].1 != MediaKind::Video {
            continue;
        }
        let still = still_by_stem.get(names::split_extension(media[at].0).0).copied();
        found.live_photo_of[at] = still;
        if found.sidecar[at].is_none() {
            found.sidecar[at] = still.and_then(|still| found.sidecar[still]);
        }
    }

    for sidecar in found.sidecar.iter().flatten() {
        found.sidecar_used[*sidecar] = true;
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the matcher over file names and returns, per media file, its sidecar's name.
    fn pairs(files: &[&str]) -> Vec<(String, Option<String>)> {
        let media: Vec<(&str, MediaKind)> =
            files.iter().filter_map(|name| names::media_kind(name).map(|kind| (*name, kind))).collect();
        let sidecar_names: Vec<&str> = files.iter().copied().filter(|name| names::is_json(name)).collect();
        let keys: Vec<SidecarKey> = sidecar_names.iter().map(|name| names::sidecar_key(name).unwrap()).collect();
        let found = match_folder(&media, &keys);
        media
            .iter()
            .zip(&found.sidecar)
            .map(|((name, _), sidecar)| (name.to_string(), sidecar.map(|at| sidecar_names[at].to_string())))
            .collect()
    }

    fn sidecar_of(files: &[&str], media: &str) -> Option<String> {
        pairs(files).into_iter().find(|(name, _)| name == media).unwrap().1
    }

    #[track_caller]
    fn assert_pair(media: &str, sidecar: &str) {
        assert_eq!(sidecar_of(&[media, sidecar], media).as_deref(), Some(sidecar), "{media} ↔ {sidecar}");
    }

    #[test]
    fn plain_and_supplemental_sidecars() {
        assert_pair("IMG_1234.jpg", "IMG_1234.jpg.json");
        assert_pair("IMG_1234.jpg", "IMG_1234.jpg.supplemental-metadata.json");
        assert_pair("20161105_170829.jpg", "20161105_170829.jpg.supplemental-metadata.json");
    }

    #[test]
    fn shortened_infix() {
        assert_pair("IMG_1234.jpg", "IMG_1234.jpg.supplemental-metad.json");
        assert_pair("IMG_1234.jpg", "IMG_1234.jpg.suppl.json");
        assert_pair("IMG_1234.jpg", "IMG_1234.jpg.s.json");
        assert_pair("IMG_1234.jpg", "IMG_1234.jpg..json");
        assert_pair("MVIMG_20191230_232926.jpg", "MVIMG_20191230_232926.jpg.supplemental-metadat.json");
        assert_pair("Screenshot_20200301-161151.png", "Screenshot_20200301-161151.png.supplemental-me.json");
        assert_pair("D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg", "D7157814-D2D5-4A62-AFCE-9CF465CB7D66.jpeg.supp.json");
    }

    #[test]
    fn media_name_cut_at_the_limit() {
        // The cut falls inside the media name, in an older export and in a 2024+ one alike.
        assert_pair(
            "Urlaub in Knaufspesch in der Schneifel (38).JPG",
            "Urlaub in Knaufspesch in der Schneifel (38).JP.json",
        );
        assert_pair(
            "Screenshot_20220207_102421_com.snapchat.android.jpg",
            "Screenshot_20220207_102421_com.snapchat.androi.json",
        );
        // A long title: the media name cut to 47 before its extension, the sidecar to 46.
        assert_pair(
            "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGINA.jpg",
            "PXL_20230809_203449253.LONG_EXPOSURE-02.ORIGIN.json",
        );
    }

    #[test]
    fn cut_measured_in_utf16_units_or_in_characters() {
        // Emoji take two UTF-16 units: Google's cut keeps 23 of them.
        let media = format!("{}.jpg", "😀".repeat(50));
        assert_pair(&media, &format!("{}.json", "😀".repeat(23)));
        // Tools that count code points write (and expect) 46 of them.
        assert_pair(&media, &format!("{}.json", "😀".repeat(46)));
        // Mixed widths, as in a real export: 46 units, 24 characters.
        assert_pair(
            "😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛.jpg",
            "😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚😋.json",
        );
    }

    #[test]
    fn duplicates_have_the_counter_moved() {
        let files = ["IMG_1234.jpg", "IMG_1234(1).jpg", "IMG_1234.jpg.json", "IMG_1234.jpg(1).json"];
        assert_eq!(sidecar_of(&files, "IMG_1234.jpg").as_deref(), Some("IMG_1234.jpg.json"));
        assert_eq!(sidecar_of(&files, "IMG_1234(1).jpg").as_deref(), Some("IMG_1234.jpg(1).json"));
        assert_pair("Scan35(1).jpg", "Scan35.jpg.supplemental-metadata(1).json");
        assert_pair("CLIP0001(10).AVI", "CLIP0001.AVI.supplemental-metadata(10).json");
        assert_pair(
            "Screenshot_20231027_123303_Facebook(1).jpg",
            "Screenshot_20231027_123303_Facebook.jpg.supple(1).json",
        );
        // The counter comes after the cut.
        assert_pair(
            "13039_327707840323_537645323_9470255_27214_n(1).jpg",
            "13039_327707840323_537645323_9470255_27214_n.j(1).json",
        );
        // A counter never matches another counter, nor none.
        assert_eq!(sidecar_of(&["DSC_0102(1).JPG", "DSC_0102.JPG(2).json"], "DSC_0102(1).JPG"), None);
        assert_eq!(sidecar_of(&["DSC_0103.JPG", "DSC_0103.JPG(1).json"], "DSC_0103.JPG"), None);
    }

    #[test]
    fn a_name_with_its_own_parentheses_keeps_its_sidecar() {
        assert_pair("Photo (2).jpg", "Photo (2).jpg.json");
        assert_pair("Photo(2).jpg", "Photo(2).jpg.supplemental-metadata.json");
    }

    #[test]
    fn edited_copies_share_the_original_sidecar() {
        let files = ["IMG_1234.jpg", "IMG_1234-edited.jpg", "IMG_1234.jpg.json"];
        let media: Vec<(&str, MediaKind)> =
            vec![("IMG_1234.jpg", MediaKind::Image), ("IMG_1234-edited.jpg", MediaKind::Image)];
        let keys = vec![names::sidecar_key("IMG_1234.jpg.json").unwrap()];
        let found = match_folder(&media, &keys);
        assert_eq!(found.sidecar, vec![Some(0), Some(0)]);
        assert_eq!(found.edited_of, vec![None, Some(0)]);
        assert_eq!(sidecar_of(&files, "IMG_1234-edited.jpg").as_deref(), Some("IMG_1234.jpg.json"));

        // Without its original in the folder the copy still finds the sidecar.
        assert_pair("IMAG0061-edited.JPG", "IMAG0061.JPG.supplemental-metadata.json");
        assert_pair("IMG-20230325-WA0122~2-edited.jpg", "IMG-20230325-WA0122~2.jpg.supplemental-metadat.json");
        assert_pair("PXL_20220405_090123740.PORTRAIT-modifié.jpg", "PXL_20220405_090123740.PORTRAIT.jpg.json");
        assert_pair("IMG_1234-bearbeitet.jpg", "IMG_1234.jpg.json");
        assert_pair("IMG_1234-edited(1).jpg", "IMG_1234.jpg(1).json");
        assert_pair("2234089303984509579-edited.jpg", "2234089303984509579.supplemental-metadata.json");
        // A duplicate's sidecar is not an edited copy's.
        assert_eq!(sidecar_of(&["DSC_0104(1).JPG", "DSC_0104.JPG.json"], "DSC_0104(1).JPG"), None);
    }

    #[test]
    fn edited_copy_in_another_format_finds_its_original() {
        let media = [("IMG_1.HEIC", MediaKind::Image), ("IMG_1-edited.jpg", MediaKind::Image)];
        let keys = vec![names::sidecar_key("IMG_1.HEIC.json").unwrap()];
        let found = match_folder(&media, &keys);
        assert_eq!(found.edited_of, vec![None, Some(0)]);
        assert_eq!(found.sidecar, vec![Some(0), Some(0)]);
    }

    #[test]
    fn sidecars_without_the_extension() {
        assert_pair("IMG_1234.jpg", "IMG_1234.json");
        assert_pair("IMG_1234(1).jpg", "IMG_1234(1).json");
        assert_pair("IMG_1234.jpg", "IMG_1234.supplemental-metadata.json");
    }

    #[test]
    fn live_photo_video_shares_the_still_sidecar() {
        let media = [("IMG_1.MP4", MediaKind::Video), ("IMG_1.HEIC", MediaKind::Image)];
        for sidecar in ["IMG_1.HEIC.json", "IMG_1.json", "IMG_1.HEIC.supplemental-metadata.json"] {
            let found = match_folder(&media, &[names::sidecar_key(sidecar).unwrap()]);
            assert_eq!(found.sidecar, vec![Some(0), Some(0)], "{sidecar}");
            assert_eq!(found.live_photo_of, vec![Some(1), None]);
        }
        // A video with a sidecar of its own keeps it.
        let keys = [names::sidecar_key("IMG_1.HEIC.json").unwrap(), names::sidecar_key("IMG_1.MP4.json").unwrap()];
        let found = match_folder(&media, &keys);
        assert_eq!(found.sidecar, vec![Some(1), Some(0)]);
    }

    #[test]
    fn a_sidecar_is_claimed_once() {
        // Two cut names with the same start: only one gets the sidecar.
        let first = "Backyard_ceremony_wedding_photography_xxxxxxx_m.jpg";
        let second = "Backyard_ceremony_wedding_photography_xxxxxxx_n.jpg";
        let files = [first, second, "Backyard_ceremony_wedding_photography_xxxxxxx_.json"];
        let all = pairs(&files);
        assert_eq!(all.iter().filter(|(_, sidecar)| sidecar.is_some()).count(), 1);
    }

    #[test]
    fn odd_names_never_panic() {
        let odd = [
            "",
            ".",
            "..",
            "(",
            ")",
            "()",
            "(1)",
            ")(",
            ".json",
            "(1).json",
            "..json",
            "é",
            "😀(1).😀",
            "a.(1)",
            "-edited",
            "-edited.jpg",
            ".jpg",
            "a(99999999999).jpg",
            "a.jpg(99999999999).json",
            "é-modifié(2).JPG",
            "x.s.json",
        ];
        let media: Vec<(&str, MediaKind)> = odd
            .iter()
            .map(|name| (*name, MediaKind::Image))
            .chain(odd.iter().map(|name| (*name, MediaKind::Video)))
            .collect();
        let keys: Vec<SidecarKey> = odd.iter().filter_map(|name| names::sidecar_key(name)).collect();
        let found = match_folder(&media, &keys);
        assert_eq!(found.sidecar.len(), media.len());
    }

    #[test]
    fn unrelated_names_do_not_match() {
        assert_eq!(
            sidecar_of(
                &["PXL_20211013_220651958.jpg", "PXL_20211013_220651983.jpg.json"],
                "PXL_20211013_220651958.jpg"
            ),
            None
        );
        assert_eq!(sidecar_of(&["IMG_12.jpg", "IMG_1.jpg.json"], "IMG_12.jpg"), None);
        assert_eq!(sidecar_of(&["IMG_1.jpg", "IMG_12.jpg.json"], "IMG_1.jpg"), None);
    }
}

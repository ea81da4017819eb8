//! Domain types shared by the API, the database and the worker, spelled the way Immich spells them.

use serde::{Deserialize, Serialize};

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $text)] $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses the stored or wire spelling.
            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// What kind of media an asset is.
    AssetType { Image => "IMAGE", Video => "VIDEO" }
);

text_enum!(
    /// Where an asset shows up: the main timeline, the archive, nowhere (hidden), or the locked folder.
    Visibility { Archive => "archive", Timeline => "timeline", Hidden => "hidden", Locked => "locked" }
);

text_enum!(
    /// Files derived from (or kept beside) an original.
    AssetFileKind {
        Thumbnail => "thumbnail",
        Preview => "preview",
        EncodedVideo => "encoded_video",
        Sidecar => "sidecar",
    }
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_match_immich() {
        assert_eq!(serde_json::to_string(&AssetType::Image).unwrap(), "\"IMAGE\"");
        assert_eq!(serde_json::from_str::<Visibility>("\"archive\"").unwrap(), Visibility::Archive);
        assert_eq!(Visibility::parse("locked"), Some(Visibility::Locked));
        assert_eq!(Visibility::parse("LOCKED"), None);
        assert_eq!(AssetFileKind::EncodedVideo.as_str(), "encoded_video");
    }
}

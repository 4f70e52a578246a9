//! The names the built JS, wasm and CSS are served under. `scripts/assets.js` copies each built
//! file to a name carrying a digest of its content (`send_portal.3f9c…e1.wasm`) and lists the
//! names in `pkg/assets.json`; a page links those names, which never change content, so the
//! browser keeps them for a year without asking again. Without the list (a build that skipped
//! the script, or tests) the plain names are used, revalidated on every use.

use std::{
    collections::HashMap,
    path::Path,
    sync::{Arc, Mutex, OnceLock},
};

use serde::Deserialize;

use crate::site::OUTPUT_NAME;

/// The file names (inside the `pkg` folder) of the page's script, wasm and stylesheet.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct AssetNames {
    pub js: String,
    pub wasm: String,
    pub css: String,
}

impl Default for AssetNames {
    fn default() -> Self {
        AssetNames {
            js: format!("{OUTPUT_NAME}.js"),
            wasm: format!("{OUTPUT_NAME}.wasm"),
            css: format!("{OUTPUT_NAME}.css"),
        }
    }
}

impl AssetNames {
    /// Reads `pkg/assets.json` under `site_root`; the plain names if it is missing or unreadable.
    fn read(site_root: &str, pkg_dir: &str) -> AssetNames {
        let list = Path::new(site_root).join(pkg_dir).join("assets.json");
        std::fs::read_to_string(&list)
            .ok()
            .and_then(|text| serde_json::from_str::<AssetNames>(&text).ok())
            .filter(|names| {
                [&names.js, &names.wasm, &names.css]
                    .iter()
                    .all(|n| is_plain_name(n))
            })
            .unwrap_or_default()
    }
}

/// A file name with no path in it.
fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        && !name.starts_with('.')
}

/// The names for a site folder, read once per folder and process.
pub fn names(options: &leptos::config::LeptosOptions) -> Arc<AssetNames> {
    static READ: OnceLock<Mutex<HashMap<String, Arc<AssetNames>>>> = OnceLock::new();
    let key = format!("{}\n{}", options.site_root, options.site_pkg_dir);
    let mut read = READ
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    read.entry(key)
        .or_insert_with(|| Arc::new(AssetNames::read(&options.site_root, &options.site_pkg_dir)))
        .clone()
}

/// Whether a file name under `/pkg` carries its content's digest (`name.<16 hex digits>.ext`,
/// optionally with `.br`/`.gz`), so it may be cached for good.
pub fn is_fingerprinted(file: &str) -> bool {
    let file = file
        .strip_suffix(".br")
        .or_else(|| file.strip_suffix(".gz"))
        .unwrap_or(file);
    let mut parts = file.rsplit('.');
    let (Some(_ext), Some(digest), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !stem.is_empty() && digest.len() == 16 && digest.bytes().all(|b| b.is_ascii_hexdigit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_with_a_digest_are_fingerprinted() {
        assert!(is_fingerprinted("send_portal.0123456789abcdef.wasm"));
        assert!(is_fingerprinted("send_portal.0123456789abcdef.wasm.br"));
        assert!(!is_fingerprinted("send_portal.wasm"));
        assert!(!is_fingerprinted("send_portal.wasm.br"));
        assert!(!is_fingerprinted("send_portal.0123456789abcdeg.js"));
        assert!(!is_fingerprinted("0123456789abcdef.js"));
    }

    #[test]
    fn the_list_gives_the_names_and_a_missing_or_odd_list_the_plain_ones() {
        let site = tempfile::tempdir().unwrap();
        let root = site.path().to_str().unwrap();
        assert_eq!(AssetNames::read(root, "pkg"), AssetNames::default());
        std::fs::create_dir(site.path().join("pkg")).unwrap();
        let list = site.path().join("pkg/assets.json");
        std::fs::write(
            &list,
            r#"{"js":"a.0123456789abcdef.js","wasm":"a.0123456789abcdef.wasm","css":"a.0123456789abcdef.css"}"#,
        )
        .unwrap();
        assert_eq!(
            AssetNames::read(root, "pkg").wasm,
            "a.0123456789abcdef.wasm"
        );
        std::fs::write(
            &list,
            r#"{"js":"../../etc/passwd","wasm":"a.wasm","css":"a.css"}"#,
        )
        .unwrap();
        assert_eq!(AssetNames::read(root, "pkg"), AssetNames::default());
    }
}

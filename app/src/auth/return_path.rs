//! Where to go back to after signing in: a page of this site, never another. Every return
//! path or redirect target that comes from a request (a `return` query value, a posted
//! `return_to`) goes through `ReturnPath::parse`, on the server and in the browser alike.
//!
//! Written by hand rather than with the `url` crate, whose international-domain tables would
//! add far more to the browser's download than this check needs; the unit tests hold it to
//! the `url` crate's (WHATWG) reading of the same addresses.

use std::fmt;

/// A path of this site in normal form, so that every browser reads it the same way: a single
/// `/` first, then neither `/` nor `\`; only printable ASCII; no `.` or `..` segments. Its
/// query and fragment are kept as given.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReturnPath(String);

/// Why a return path was refused: it is not (or might not be) a page of this site.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotThisSite;

impl fmt::Display for NotThisSite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a page of this site")
    }
}

impl std::error::Error for NotThisSite {}

/// Longer than any address of the portal, with a query.
pub const MAX_RETURN_PATH_BYTES: usize = 2048;

impl ReturnPath {
    /// Accepts `raw` only when, read as an address relative to any page of the portal, it
    /// leads to a page of the portal: an absolute path (`/…`), not `//host` or `scheme:…`.
    /// Refused anywhere in it: control characters (which browsers drop: `/\t/evil` is
    /// `//evil` to them), backslashes (`/` to them), spaces and other non-printable or
    /// non-ASCII characters (the portal's own addresses are percent-encoded). Refused in the
    /// path: `.` and `..` segments, `%2e` spellings included (`/.//evil` is `//evil` once
    /// resolved, and URL parsers differ on their edge cases); the portal's own addresses have
    /// none, so what is accepted is already in normal form.
    pub fn parse(raw: &str) -> Result<ReturnPath, NotThisSite> {
        if raw.len() > MAX_RETURN_PATH_BYTES
            || !raw.bytes().all(|b| b.is_ascii_graphic() && b != b'\\')
            || !raw.starts_with('/')
            || raw.starts_with("//")
        {
            return Err(NotThisSite);
        }
        let path = raw.split(['?', '#']).next().unwrap_or_default();
        if path.split('/').any(is_dot_segment) {
            return Err(NotThisSite);
        }
        Ok(ReturnPath(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

/// `.` or `..`, as the URL Standard reads a path segment (`%2e` is a dot there).
fn is_dot_segment(segment: &str) -> bool {
    segment.len() <= 6
        && matches!(
            segment.to_ascii_lowercase().replace("%2e", ".").as_str(),
            "." | ".."
        )
}

/// The sign-in page, coming back to `path` afterwards; plain `/sign-in` when `path` is not a
/// page of this site.
pub fn sign_in_then(path: &str) -> String {
    match ReturnPath::parse(path) {
        Ok(path) => format!(
            "/sign-in?return={}",
            path.as_str()
                .replace('%', "%25")
                .replace('&', "%26")
                .replace('+', "%2B")
                .replace('?', "%3F")
                .replace('#', "%23")
        ),
        Err(NotThisSite) => "/sign-in".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const ORIGIN: &str = "https://portal.example/";

    fn parsed(raw: &str) -> Option<String> {
        ReturnPath::parse(raw).ok().map(ReturnPath::into_string)
    }

    /// Where a browser on a page of the portal goes for `reference`.
    fn resolved(reference: &str) -> url::Url {
        url::Url::parse(ORIGIN)
            .and_then(|base| base.join(reference))
            .expect("a path resolves")
    }

    #[test]
    fn pages_of_the_portal_are_kept_with_their_query_and_fragment() {
        for path in [
            "/",
            "/account",
            "/drafts/abc123/child-details",
            "/children/x1/forms?saved=1",
            "/drafts/a/b#error-summary",
            "/search?q=a+b&page=2",
            "/%09/evil.example",
        ] {
            assert_eq!(parsed(path).as_deref(), Some(path), "{path}");
        }
    }

    #[test]
    fn the_known_tricks_are_refused() {
        for trick in [
            "",
            "//evil.example",
            "//evil.example/x",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            " //evil.example",
            "/ /evil.example",
            "https://evil.example",
            "https:evil.example",
            "http:/evil.example",
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            "data:text/html,hi",
            "evil.example",
            "\n",
            "/\u{0}evil",
            "/\u{7f}evil",
            "/\u{85}evil",
            "/é",
            "/.//evil.example",
            "/..//evil.example",
            "/a/../..//evil.example",
            "/%2e//evil.example",
            "/%2E%2e//evil.example",
            "/x/.%2e//evil.example/",
        ] {
            assert_eq!(parsed(trick), None, "{trick:?}");
        }
        assert_eq!(
            parsed(&format!("/{}", "a".repeat(MAX_RETURN_PATH_BYTES))),
            None
        );
    }

    #[test]
    fn dot_segments_are_refused_in_the_path_only() {
        for raw in [
            "/.",
            "/..",
            "/a/./b",
            "/a/../b",
            "/a/..",
            "/%2e/a",
            "/a/%2E%2e/b",
            "/a/.%2e?x",
            "/a/%2e.#y",
        ] {
            assert_eq!(parsed(raw), None, "{raw}");
        }
        for raw in [
            "/a/...",
            "/.well-known/x",
            "/a/..%2f/b",
            "/a/%2e%2e%2e",
            "/a?x=/../",
            "/a#/./",
        ] {
            assert_eq!(parsed(raw).as_deref(), Some(raw), "{raw}");
        }
    }

    #[test]
    fn sign_in_links_carry_only_pages_of_this_site() {
        assert_eq!(sign_in_then("/home"), "/sign-in?return=/home");
        assert_eq!(
            sign_in_then("/a?b=1&c=d+e#f%20"),
            "/sign-in?return=/a%3Fb=1%26c=d%2Be%23f%2520"
        );
        assert_eq!(sign_in_then("//evil.example"), "/sign-in");
        assert_eq!(sign_in_then("/messages/\n"), "/sign-in");
    }

    /// Strings made of the pieces that tricks are made of, mostly slashes and dots, more
    /// likely to find one than strings of arbitrary characters.
    fn tricky() -> impl Strategy<Value = String> {
        let start = prop::sample::select(vec!["/", "/", "/", "", "//", "\\", "\t/"]);
        #[rustfmt::skip]
        let piece = prop::sample::select(vec![
            "/", "/", "/", "/", "//", ".", ".", "..", "..", "%2e", "%2E", ".%2e", "\\", "%2f",
            "%5c", "%09", "\t", "\n", "\r", " ", "\u{0}", "\u{7f}", "\u{85}", "\u{3000}",
            "\u{feff}", "é", "?", "#", ":", "@", "https:", "javascript:", "evil.example", "a",
            "%", "&", "+", "=",
        ]);
        (start, prop::collection::vec(piece, 0..10))
            .prop_map(|(start, pieces)| format!("{start}{}", pieces.concat()))
    }

    fn holds_for(raw: &str) -> Result<(), TestCaseError> {
        let Ok(path) = ReturnPath::parse(raw) else {
            return Ok(());
        };
        let path = path.as_str();
        let mut chars = path.chars();
        prop_assert_eq!(chars.next(), Some('/'), "{:?} gave {:?}", raw, path);
        prop_assert!(
            chars.next().is_none_or(|c| c != '/' && c != '\\'),
            "{:?} gave {:?}",
            raw,
            path
        );
        prop_assert!(
            !path.chars().any(char::is_control),
            "{:?} gave {:?}",
            raw,
            path
        );
        let origin = url::Url::parse(ORIGIN).unwrap().origin();
        prop_assert_eq!(resolved(path).origin(), origin.clone(), "{:?}", path);
        // What was asked for is where a browser would have gone anyway: the normalising
        // changes the spelling, never the page.
        prop_assert_eq!(resolved(raw).origin(), origin, "{:?}", raw);
        prop_assert_eq!(resolved(raw), resolved(path), "{:?} gave {:?}", raw, path);
        Ok(())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]

        #[test]
        fn any_string_accepted_is_a_page_of_this_site(raw in any::<String>()) {
            holds_for(&raw)?;
        }

        #[test]
        fn any_tricky_string_accepted_is_a_page_of_this_site(raw in tricky()) {
            holds_for(&raw)?;
        }

        #[test]
        fn any_absolute_path_accepted_is_a_page_of_this_site(raw in "/[ -~\t\n\\\\]{0,40}") {
            holds_for(&raw)?;
        }
    }
}

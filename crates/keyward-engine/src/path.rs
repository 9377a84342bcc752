//! Paths as findings carry them: `/`-separated, with the name's raw bytes
//! kept, so that an odd name is reported as it is, never reinterpreted.

use std::borrow::Cow;
use std::fmt::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct FilePath(Vec<u8>);

impl FilePath {
    /// Bytes as git prints them with `-z`: already `/`-separated.
    pub fn from_bytes(bytes: impl Into<Vec<u8>>) -> FilePath {
        FilePath(bytes.into())
    }

    /// A path on this system, without a leading `./`. Only the platform's
    /// own separator separates: a `\` in a Unix file name is part of it.
    pub fn from_path(path: &Path) -> FilePath {
        let mut parts: Vec<Vec<u8>> = Vec::new();
        let mut absolute = false;
        for component in path.components() {
            match component {
                std::path::Component::CurDir => {}
                std::path::Component::RootDir => absolute = true,
                std::path::Component::Prefix(prefix) => {
                    parts.push(os_bytes(prefix.as_os_str()).into_owned())
                }
                other => parts.push(os_bytes(other.as_os_str()).into_owned()),
            }
        }
        let mut bytes = if absolute { b"/".to_vec() } else { Vec::new() };
        bytes.extend(parts.join(&b'/'));
        if bytes.is_empty() {
            bytes.push(b'.');
        }
        FilePath(bytes)
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn to_string_lossy(&self) -> Cow<'_, str> {
        String::from_utf8_lossy(&self.0)
    }

    pub fn is_absolute(&self) -> bool {
        self.0.first() == Some(&b'/')
    }

    /// The path on this system, for matching allowlists.
    pub fn to_path(&self) -> PathBuf {
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            PathBuf::from(std::ffi::OsStr::from_bytes(&self.0))
        }
        #[cfg(not(unix))]
        {
            PathBuf::from(self.to_string_lossy().into_owned())
        }
    }

    /// For human eyes: control characters, invalid UTF-8 and bidirectional
    /// overrides escaped, so that a name cannot forge a line or a command.
    pub fn escaped(&self) -> String {
        escape_text(&self.0)
    }
}

/// Escape what a terminal, a log or a workflow runner would act on.
pub fn escape_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
                // Bidirectional overrides and isolates reorder what is shown.
                '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' => {
                    let _ = write!(out, "\\u{{{:x}}}", c as u32);
                }
                c => out.push(c),
            }
        }
        for b in chunk.invalid() {
            let _ = write!(out, "\\x{b:02x}");
        }
    }
    out
}

fn os_bytes(s: &std::ffi::OsStr) -> Cow<'_, [u8]> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        Cow::Borrowed(s.as_bytes())
    }
    #[cfg(not(unix))]
    {
        match s.to_string_lossy() {
            Cow::Borrowed(text) => Cow::Borrowed(text.as_bytes()),
            Cow::Owned(text) => Cow::Owned(text.into_bytes()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_keep_their_bytes_and_drop_dot_slash() {
        assert_eq!(
            FilePath::from_path(Path::new("./a/b.txt")).as_bytes(),
            b"a/b.txt"
        );
        assert_eq!(FilePath::from_path(Path::new("/x/y")).as_bytes(), b"/x/y");
        assert_eq!(FilePath::from_path(Path::new(".")).as_bytes(), b".");
        #[cfg(unix)]
        assert_eq!(
            FilePath::from_path(Path::new("tests\\fixtures\\prod.env")).as_bytes(),
            b"tests\\fixtures\\prod.env"
        );
    }

    #[test]
    fn escaping_defuses_control_characters() {
        let name =
            FilePath::from_bytes(b"a\n::stop-commands::x\x1b[31m\xff\xe2\x80\xae.env".to_vec());
        let shown = name.escaped();
        assert!(!shown.contains('\n') && !shown.contains('\x1b') && !shown.contains('\u{202e}'));
        assert_eq!(shown, "a\\n::stop-commands::x\\u{1b}[31m\\xff\\u{202e}.env");
    }
}

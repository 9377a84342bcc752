//! Decoders: keys inside base64, UTF-16 text and escaped strings. Each adds
//! its encoded forms of every keyword to the prefilter, and decodes only
//! the run around a hit of one, so that clean text costs nothing more than
//! the prefilter's search.

mod base64;
mod escape;
mod utf16;

pub(crate) use base64::Base64;
pub(crate) use escape::{Escape, escaped_token_follows};
pub(crate) use utf16::Utf16;

/// How a key was disguised, as reports name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Encoding {
    Base64,
    Utf16,
    /// JSON or JavaScript string escapes.
    Escaped,
    Percent,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Base64 => "base64",
            Encoding::Utf16 => "utf-16",
            Encoding::Escaped => "escaped",
            Encoding::Percent => "percent-encoded",
        }
    }

    /// Bytes per character of the encoded text, for columns.
    pub(crate) fn char_width(self) -> usize {
        match self {
            Encoding::Utf16 => 2,
            _ => 1,
        }
    }
}

/// One encoded form of a keyword: the literal to search for, and where
/// it starts in relation to what it encodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Form {
    pub literal: Vec<u8>,
    pub encoding: Encoding,
    /// Decoder-specific: base64's alignment.
    pub variant: u8,
}

/// A decoded run of a buffer.
#[derive(Debug, Default)]
pub(crate) struct Decoded {
    pub bytes: Vec<u8>,
    /// For each decoded byte, where its encoded text starts and ends in the
    /// buffer.
    pub starts: Vec<usize>,
    pub ends: Vec<usize>,
}

impl Decoded {
    pub fn push(&mut self, byte: u8, start: usize, end: usize) {
        self.bytes.push(byte);
        self.starts.push(start);
        self.ends.push(end);
    }

    /// The encoded span of the non-empty decoded range `start..end`.
    pub fn span(&self, start: usize, end: usize) -> (usize, usize) {
        (self.starts[start], self.ends[end - 1])
    }
}

/// One way of disguising text.
pub(crate) trait Decoder: Sync {
    /// The encoded forms of `keyword` worth searching for.
    fn forms(&self, keyword: &[u8]) -> Vec<Form>;
    /// Whether a rule must ask for this decoder's forms (`base64 = true`):
    /// for decoders whose forms cost every search a pass.
    fn opt_in(&self) -> bool {
        false
    }
    /// Literals that start encoded text worth decoding whatever keyword it
    /// holds: text encoded twice has no keyword's single encoding in it.
    fn triggers(&self) -> Vec<Form> {
        Vec::new()
    }
    /// Decode the run around `site`.
    fn decode(&self, buf: &[u8], site: Site<'_>) -> Option<Decoded>;
}

/// Where to decode: `hit`, where `form` was found, and at most `before`
/// and `after` decoded bytes around it.
#[derive(Clone, Copy)]
pub(crate) struct Site<'a> {
    pub hit: usize,
    pub form: &'a Form,
    pub before: usize,
    pub after: usize,
}

/// Every decoder, in the order hits are tried.
pub(crate) fn all() -> [&'static dyn Decoder; 3] {
    [&Base64, &Utf16, &Escape]
}

//! Scanning a byte stream of any size in bounded memory: fixed-size chunks
//! with an overlap, and line and column tracking across chunks.

use std::io::{self, Read};

use super::{Detector, Hit, Match, Span};
use crate::rules::{MAX_LOOKBEHIND, MAX_MATCH_LEN};

/// Bytes read per chunk. Memory per scanning thread stays near this.
pub const CHUNK_SIZE: usize = 8 << 20;

impl Detector {
    /// Scan everything `reader` yields and return how many bytes it read.
    /// `buf` is reused across calls. Matches found before a read error are
    /// in `out` when the error returns: nothing found is lost.
    pub fn scan(
        &self,
        reader: &mut dyn Read,
        buf: &mut Vec<u8>,
        out: &mut Vec<Match>,
    ) -> io::Result<u64> {
        buf.clear();
        let mut bytes = 0u64;
        let mut hits = Vec::new();
        let mut lines = LineTracker::default();
        let mut from = 0;
        loop {
            let before = buf.len();
            let eof = fill(reader, buf, CHUNK_SIZE)?;
            bytes += (buf.len() - before) as u64;
            if lines.offset == 0 && before == 0 {
                lines.bom = buf.starts_with(&[0xFF, 0xFE]) || buf.starts_with(&[0xFE, 0xFF]);
            }
            // Outside the last chunk, a keyword must leave a whole match
            // window before the end of the buffer; the rest is carried over.
            let until = if eof {
                buf.len()
            } else {
                buf.len() - MAX_MATCH_LEN
            };
            self.find(buf, from, until, &mut hits);
            out.extend(hits.drain(..).map(|hit| lines.locate(buf, hit)));
            if eof {
                return Ok(bytes);
            }
            // Keep the bytes before the carried region that a boundary or a
            // lookbehind reads.
            let context = MAX_LOOKBEHIND + 1;
            let keep_from = until - context;
            lines.rebase(buf, keep_from);
            buf.drain(..keep_from);
            from = context;
        }
    }
}

/// Read until `buf` holds `target` bytes or the stream ends. True at the end.
/// `read_to_end` grows the buffer without zeroing it first.
fn fill(reader: &mut dyn Read, buf: &mut Vec<u8>, target: usize) -> io::Result<bool> {
    let want = target.saturating_sub(buf.len());
    if want == 0 {
        return Ok(false);
    }
    let got = reader.take(want as u64).read_to_end(buf)?;
    Ok(got < want)
}

/// Line and column of offsets in a buffer that slides over a stream. Offsets
/// are asked for in increasing order, so each byte is counted once.
#[derive(Default)]
struct LineTracker {
    /// Newlines before `counted_to`, in the whole stream.
    newlines: u64,
    /// Characters between the last newline and `counted_to`.
    column_chars: u64,
    counted_to: usize,
    /// Where the buffer starts in the stream, and where the current line
    /// starts (both in bytes from the stream's start).
    offset: u64,
    line_start: u64,
    /// The stream starts with a UTF-16 byte-order mark.
    bom: bool,
}

impl LineTracker {
    fn advance(&mut self, buf: &[u8], to: usize) {
        debug_assert!(to >= self.counted_to);
        let segment = &buf[self.counted_to..to];
        match memchr::memrchr(b'\n', segment) {
            Some(last) => {
                self.newlines += memchr::memchr_iter(b'\n', segment).count() as u64;
                self.column_chars = count_chars(&segment[last + 1..]);
                self.line_start = self.offset + (self.counted_to + last + 1) as u64;
            }
            None => self.column_chars += count_chars(segment),
        }
        self.counted_to = to;
    }

    /// The match `hit` found, with its line and column. Columns count the
    /// characters of the text as it is: a UTF-16 character is two bytes.
    fn locate(&mut self, buf: &[u8], hit: Hit) -> Match {
        self.advance(buf, hit.start.max(self.counted_to));
        let width = hit.decoded.as_ref().map_or(1, |(e, _)| e.char_width());
        let line = self.newlines + 1;
        let column = if width == 1 {
            self.column_chars + 1
        } else {
            let since = (self.offset + hit.start as u64).saturating_sub(self.line_start);
            since / 2 + 1 - u64::from(line == 1 && self.bom)
        };
        let chars = |bytes: &[u8]| {
            if width == 1 {
                count_chars(bytes)
            } else {
                (bytes.len() / width) as u64
            }
        };
        let text = &buf[hit.start..hit.end];
        let (end_line, end_column) = match memchr::memrchr(b'\n', text) {
            Some(last) => (
                line + memchr::memchr_iter(b'\n', text).count() as u64,
                chars(&text[last + 1..]) + 1,
            ),
            None => (line, column + chars(text)),
        };
        let (encoding, secret) = match hit.decoded {
            Some((encoding, secret)) => (Some(encoding), secret),
            None => (None, text.to_vec()),
        };
        Match {
            rule: hit.rule,
            secret: String::from_utf8_lossy(&secret).into_owned(),
            span: Span {
                line,
                column,
                end_line,
                end_column,
            },
            allow_marker: hit.allow_marker,
            encoding,
        }
    }

    /// The buffer is about to lose `buf[..keep_from]`.
    fn rebase(&mut self, buf: &[u8], keep_from: usize) {
        self.advance(buf, keep_from.max(self.counted_to));
        self.counted_to -= keep_from;
        self.offset += keep_from as u64;
    }
}

/// Characters in UTF-8 (invalid bytes count as one each): every byte that is
/// not a continuation byte starts a character.
fn count_chars(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count() as u64
}

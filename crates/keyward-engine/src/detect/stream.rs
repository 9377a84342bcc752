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
            if before == 0 && bytes == buf.len() as u64 && utf16_bom(buf).is_some() {
                return self.scan_utf16(reader, buf, out, bytes);
            }
            // Outside the last chunk, a keyword must leave a whole match
            // window before the end of the buffer; the rest is carried over.
            let until = if eof {
                buf.len()
            } else {
                buf.len() - MAX_MATCH_LEN
            };
            self.find(buf, from, until, &mut hits);
            out.extend(hits.drain(..).map(|hit| lines.locate(buf, &hit)));
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

    /// UTF-16 text (with a BOM) is decoded and scanned as UTF-8, so that
    /// line and column refer to the decoded text. The raw bytes are scanned
    /// too: a binary file may start with the same two bytes.
    fn scan_utf16(
        &self,
        reader: &mut dyn Read,
        buf: &mut Vec<u8>,
        out: &mut Vec<Match>,
        mut bytes: u64,
    ) -> io::Result<u64> {
        let before = buf.len();
        reader.read_to_end(buf)?;
        bytes += (buf.len() - before) as u64;
        let order = utf16_bom(buf).unwrap_or(Utf16::Le);
        let units = buf[2..].chunks_exact(2).map(|pair| match order {
            Utf16::Le => u16::from_le_bytes([pair[0], pair[1]]),
            Utf16::Be => u16::from_be_bytes([pair[0], pair[1]]),
        });
        let text: String = char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
        for part in [buf.as_slice(), text.as_bytes()] {
            let mut hits = Vec::new();
            self.find(part, 0, part.len(), &mut hits);
            let mut lines = LineTracker::default();
            out.extend(hits.iter().map(|hit| lines.locate(part, hit)));
        }
        Ok(bytes)
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

#[derive(Clone, Copy)]
enum Utf16 {
    Le,
    Be,
}

fn utf16_bom(buf: &[u8]) -> Option<Utf16> {
    match buf {
        [0xFF, 0xFE, ..] => Some(Utf16::Le),
        [0xFE, 0xFF, ..] => Some(Utf16::Be),
        _ => None,
    }
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
}

impl LineTracker {
    fn advance(&mut self, buf: &[u8], to: usize) {
        debug_assert!(to >= self.counted_to);
        let segment = &buf[self.counted_to..to];
        match memchr::memrchr(b'\n', segment) {
            Some(last) => {
                self.newlines += memchr::memchr_iter(b'\n', segment).count() as u64;
                self.column_chars = count_chars(&segment[last + 1..]);
            }
            None => self.column_chars += count_chars(segment),
        }
        self.counted_to = to;
    }

    /// The match at `hit`, with its line and column.
    fn locate(&mut self, buf: &[u8], hit: &Hit) -> Match {
        self.advance(buf, hit.start.max(self.counted_to));
        let (line, column) = (self.newlines + 1, self.column_chars + 1);
        let secret = &buf[hit.start..hit.end];
        let (end_line, end_column) = match memchr::memrchr(b'\n', secret) {
            Some(last) => (
                line + memchr::memchr_iter(b'\n', secret).count() as u64,
                count_chars(&secret[last + 1..]) + 1,
            ),
            None => (line, column + count_chars(secret)),
        };
        Match {
            rule: hit.rule,
            secret: String::from_utf8_lossy(secret).into_owned(),
            span: Span {
                line,
                column,
                end_line,
                end_column,
            },
            allow_marker: hit.allow_marker,
        }
    }

    /// The buffer is about to lose `buf[..keep_from]`.
    fn rebase(&mut self, buf: &[u8], keep_from: usize) {
        self.advance(buf, keep_from.max(self.counted_to));
        self.counted_to -= keep_from;
    }
}

/// Characters in UTF-8 (invalid bytes count as one each): every byte that is
/// not a continuation byte starts a character.
fn count_chars(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|b| (**b & 0xC0) != 0x80).count() as u64
}

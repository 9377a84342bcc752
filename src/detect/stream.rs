//! Scanning a byte stream of any size in bounded memory: fixed-size chunks
//! with an overlap, and line and column tracking across chunks.

use std::io::{self, Read};

use super::{Detector, RawMatch};
use crate::rules::MAX_MATCH_LEN;

/// Bytes read per chunk. Memory per scanning thread stays near this.
pub const CHUNK_SIZE: usize = 8 << 20;

/// A match with its 1-based line and column (columns count characters).
#[derive(Debug, Clone)]
pub struct Located {
    pub rule: usize,
    pub secret: String,
    pub line: u64,
    pub column: u64,
    pub end_line: u64,
    pub end_column: u64,
    pub allow_marker: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct StreamStats {
    pub bytes: u64,
    /// The stream was UTF-16 and was scanned as decoded text.
    pub decoded_utf16: bool,
}

/// Scan everything `reader` yields. `buf` is reused across calls.
pub fn scan_stream(
    detector: &Detector,
    reader: &mut dyn Read,
    buf: &mut Vec<u8>,
    out: &mut Vec<Located>,
) -> io::Result<StreamStats> {
    buf.clear();
    let mut stats = StreamStats::default();
    let mut raw = Vec::new();
    let mut lines = LineTracker::default();
    let mut from = 0;
    loop {
        let before = buf.len();
        let eof = fill(reader, buf, CHUNK_SIZE)?;
        stats.bytes += (buf.len() - before) as u64;
        if before == 0 && stats.bytes == buf.len() as u64 && utf16_bom(buf).is_some() {
            stats.decoded_utf16 = true;
            return scan_utf16(detector, reader, buf, out, stats);
        }
        // Outside the last chunk, a keyword must leave a whole match window
        // before the end of the buffer; the rest is carried over.
        let until = if eof {
            buf.len()
        } else {
            buf.len() - MAX_MATCH_LEN
        };
        detector.find(buf, from, until, &mut raw);
        for m in raw.drain(..) {
            out.push(lines.locate_match(buf, &m));
        }
        if eof {
            return Ok(stats);
        }
        // Keep one byte before the carried region: it decides a boundary.
        let keep_from = until - 1;
        lines.rebase(buf, keep_from);
        buf.drain(..keep_from);
        from = 1;
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

/// UTF-16 text (with a BOM) is decoded and scanned as UTF-8, so that line
/// and column refer to the decoded text. The raw bytes are scanned too: a
/// binary file may start with the same two bytes.
fn scan_utf16(
    detector: &Detector,
    reader: &mut dyn Read,
    buf: &mut Vec<u8>,
    out: &mut Vec<Located>,
    mut stats: StreamStats,
) -> io::Result<StreamStats> {
    let before = buf.len();
    reader.read_to_end(buf)?;
    stats.bytes += (buf.len() - before) as u64;
    let order = utf16_bom(buf).unwrap_or(Utf16::Le);
    let units = buf[2..].chunks_exact(2).map(|pair| match order {
        Utf16::Le => u16::from_le_bytes([pair[0], pair[1]]),
        Utf16::Be => u16::from_be_bytes([pair[0], pair[1]]),
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    for bytes in [buf.as_slice(), text.as_bytes()] {
        let mut raw = Vec::new();
        detector.find(bytes, 0, bytes.len(), &mut raw);
        let mut lines = LineTracker::default();
        for m in raw {
            out.push(lines.locate_match(bytes, &m));
        }
    }
    Ok(stats)
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

    /// (line, column), both 1-based.
    fn locate(&mut self, buf: &[u8], offset: usize) -> (u64, u64) {
        self.advance(buf, offset.max(self.counted_to));
        (self.newlines + 1, self.column_chars + 1)
    }

    fn locate_match(&mut self, buf: &[u8], m: &RawMatch) -> Located {
        let (line, column) = self.locate(buf, m.start);
        let secret = &buf[m.start..m.end];
        let (end_line, end_column) = match memchr::memrchr(b'\n', secret) {
            Some(last) => (
                line + memchr::memchr_iter(b'\n', secret).count() as u64,
                count_chars(&secret[last + 1..]) + 1,
            ),
            None => (line, column + count_chars(secret)),
        };
        Located {
            rule: m.rule,
            secret: String::from_utf8_lossy(secret).into_owned(),
            line,
            column,
            end_line,
            end_column,
            allow_marker: m.allow_marker,
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

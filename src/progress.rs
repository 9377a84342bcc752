//! The progress bar of a long scan, on a terminal only, once the scan has
//! taken two seconds: items, bytes and a rate.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use keyward_engine::source::Progress;

const DELAY: Duration = Duration::from_secs(2);

pub struct Bar {
    bar: ProgressBar,
    bytes: Arc<AtomicU64>,
    started: Instant,
    shown: std::sync::atomic::AtomicBool,
}

impl Bar {
    /// A bar for blobs; `None` when stderr is not a terminal.
    pub fn for_blobs() -> Option<Bar> {
        if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
            return None;
        }
        let bytes = Arc::new(AtomicU64::new(0));
        let counted = bytes.clone();
        let style = ProgressStyle::with_template(
            "keyward: [{bar:30}] {pos}/{len} blobs, {done} ({rate}) {elapsed}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .with_key("done", {
            let counted = counted.clone();
            move |_: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&crate::term::human_bytes(counted.load(Ordering::Relaxed)));
            }
        })
        .with_key(
            "rate",
            move |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let seconds = state.elapsed().as_secs_f64().max(0.001);
                let rate = (counted.load(Ordering::Relaxed) as f64 / seconds) as u64;
                let _ = write!(w, "{}/s", crate::term::human_bytes(rate));
            },
        )
        .progress_chars("#>-");
        let bar =
            ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden()).with_style(style);
        Some(Bar {
            bar,
            bytes,
            started: Instant::now(),
            shown: false.into(),
        })
    }
}

impl Progress for Bar {
    fn begin(&self, items: u64) {
        self.bar.set_length(items);
        self.bar.set_position(0);
    }

    fn more(&self, items: u64) {
        self.bar.inc_length(items);
    }

    fn advance(&self, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        self.bar.inc(1);
        if self.started.elapsed() >= DELAY && !self.shown.swap(true, Ordering::Relaxed) {
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

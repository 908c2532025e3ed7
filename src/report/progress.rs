//! The running steps on a terminal: one row per running workflow (several with `--matrix
//! --jobs N`), drawn by indicatif below the console's finished lines. indicatif knows how
//! many rows it drew and erases exactly those before a line is printed above them, and every
//! row is cut to the console's width so that none wraps: no stale progress row stays.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::event::WorkflowId;
use crate::report::width::fit;

/// The progress rows of the workflows that are running.
pub struct Progress {
    multi: MultiProgress,
    bars: Vec<(WorkflowId, ProgressBar)>,
    width: Option<usize>,
}

impl Progress {
    /// Rows drawn on `target` (indicatif hides them when it is not a terminal), each cut to
    /// `width` columns.
    pub fn new(target: ProgressDrawTarget, width: Option<usize>) -> Progress {
        Progress {
            multi: MultiProgress::with_draw_target(target),
            bars: Vec::new(),
            width,
        }
    }

    /// Shows `text` on the row of workflow `id`, adding the row below the others if new.
    pub fn show(&mut self, id: &WorkflowId, text: &str) {
        // One column short of the width: a row that ends in the last column leaves some
        // terminals waiting to wrap, and the next redraw would start one row too low.
        let text = fit(text, self.width.map(|w| w.saturating_sub(1))).into_owned();
        if let Some((_, bar)) = self.bars.iter().find(|(bar_id, _)| bar_id == id) {
            bar.set_message(text);
            return;
        }
        let bar = self.multi.add(ProgressBar::new_spinner());
        bar.set_style(ProgressStyle::with_template("{msg}").expect("a fixed, valid template"));
        bar.set_message(text);
        self.bars.push((id.clone(), bar));
    }

    /// Removes the row of workflow `id`, which finished.
    pub fn done(&mut self, id: &WorkflowId) {
        if let Some(position) = self.bars.iter().position(|(bar_id, _)| bar_id == id) {
            let (_, bar) = self.bars.remove(position);
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
    }

    /// Runs `print` with the rows erased, and draws them again below what it printed.
    pub fn suspend<R>(&self, print: impl FnOnce() -> R) -> R {
        self.multi.suspend(print)
    }

    /// Erases every row (the run ended or was interrupted).
    pub fn clear(&mut self) -> std::io::Result<()> {
        for (_, bar) in self.bars.drain(..) {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
        self.multi.clear()
    }
}

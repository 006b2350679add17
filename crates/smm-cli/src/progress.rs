//! Progress on long operations, for people watching a terminal.
//!
//! Drawn on standard error, and only when standard error is a terminal: a pipe, a file or a CI
//! log gets nothing, so what scripts read never changes. The line is cleared when the work ends,
//! leaving the terminal as the command's own output left it.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// One long operation under way; dropping it clears its line.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// Work whose end cannot be counted (a simulation, a rendering): a spinner with what is being
    /// done and the time it has taken.
    pub fn spinner(what: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(None, target());
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg} {elapsed}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_message(what.to_string());
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar }
    }

    /// Work counted in `unit`s (files, entries), `total` of them.
    pub fn counted(what: &str, total: u64, unit: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), target());
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{msg}} [{{bar:30}}] {{pos}}/{{len}} {unit} {{elapsed}}"
            ))
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(what.to_string());
        bar.tick();
        Progress { bar }
    }

    /// Says what is being done now.
    pub fn say(&self, what: &str) {
        self.bar.set_message(what.to_string());
    }

    /// Counts `n` more done.
    pub fn advance(&self, n: u64) {
        self.bar.inc(n);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}

/// Standard error, hidden unless it is a terminal (indicatif checks), and hidden when the user
/// asked for no progress (`SMM_NO_PROGRESS`) or the terminal cannot redraw a line (`TERM=dumb`).
fn target() -> ProgressDrawTarget {
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    if dumb || std::env::var_os("SMM_NO_PROGRESS").is_some() {
        ProgressDrawTarget::hidden()
    } else {
        ProgressDrawTarget::stderr()
    }
}

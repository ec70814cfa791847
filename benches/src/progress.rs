//! One progress bar for the whole run (indicatif), and the per-case lines printed above it.
//! On a terminal the bar shows how many cases are done, the elapsed time and an estimate of
//! what is left; elsewhere (a log, CI) it is hidden and the lines go to stderr as they come.

use std::sync::OnceLock;

use indicatif::{ProgressBar, ProgressStyle};

static BAR: OnceLock<ProgressBar> = OnceLock::new();

/// Starts the bar for `total` cases.
pub fn start(total: u64) {
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{bar:40.cyan/blue} {pos}/{len} cases, {elapsed_precise} elapsed, ~{eta} left  {msg}",
        )
        .expect("a valid template"),
    );
    let _ = BAR.set(bar);
}

/// Says what runs now.
pub fn doing(what: &str) {
    if let Some(b) = BAR.get() {
        b.set_message(what.to_string());
    }
}

/// Prints a finished case's line and advances the bar.
pub fn done(line: &str) {
    match BAR.get() {
        Some(b) if !b.is_hidden() => {
            b.println(line);
            b.inc(1);
        }
        Some(b) => {
            eprintln!("{line}");
            b.inc(1);
        }
        None => eprintln!("{line}"),
    }
}

/// Prints a line (a section title, a note) above the bar.
pub fn say(line: &str) {
    match BAR.get() {
        Some(b) if !b.is_hidden() => b.println(line),
        _ => eprintln!("{line}"),
    }
}

/// Removes the bar.
pub fn finish() {
    if let Some(b) = BAR.get() {
        b.finish_and_clear();
    }
}

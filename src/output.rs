//! The one output channel. Results go to stdout, as text or JSON Lines, and a write there that
//! fails is an error of the command. What is for people goes to stderr: notes and warnings
//! (none under `--quiet`), progress bars (only on a terminal, none under `--quiet`), the
//! conversation of the guided path and the plan a question is about (always: the person is
//! answering), and errors. Colours follow `console`'s rules: `NO_COLOR`, `CLICOLOR`, a terminal.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::Serialize;

use crate::diag::Diagnostic;

static QUIET: AtomicBool = AtomicBool::new(false);

/// What a command prints on stdout: text for people, or JSON Lines for scripts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    #[default]
    Text,
    /// One JSON object a line (schema `outcry.jsonl/1`, docs/format.md).
    Json,
}

/// `--quiet`: no notes, warnings or progress on stderr; errors and questions only.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether `--quiet` is on.
pub fn quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// A note for people (what was written, what comes next), on stderr, unless `--quiet`.
pub fn note(text: &str) {
    if !quiet() {
        say(text);
    }
}

/// A warning (a diagnostic that does not stop the command), on stderr, unless `--quiet`.
pub fn warning(d: &Diagnostic) {
    note(&d.to_string());
}

/// An error line that does not end the command at once (`outcry check` lists them all).
pub fn error(d: &Diagnostic) {
    say(&d.to_string());
}

/// `n` and the word for it, singular for one: `1 demand`, `9 embassies`.
pub fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Text the person must see whatever `--quiet` says: the plan a question asks about, a step of
/// the guided path, the answer to a question.
pub fn say(text: &str) {
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

/// A heading of the guided path, bold where colours are on.
pub fn heading(text: &str) {
    say(&console::style(text).for_stderr().bold().to_string());
}

/// A progress bar of `len` steps drawn by `template` (indicatif's), on stderr; none when stderr
/// is not a terminal or under `--quiet`.
pub fn progress(len: usize, template: &str) -> Option<indicatif::ProgressBar> {
    if quiet() || !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(len as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) = indicatif::ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// Writes `text` to stdout at once; a reader that went away or a full disk is the command's error.
pub fn print(text: &str) -> std::io::Result<()> {
    print_bytes(text.as_bytes())
}

/// Writes `bytes` to stdout at once (see [`print`]).
pub fn print_bytes(bytes: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()
}

/// The version of the JSON Lines that `--format json` prints, in every line's `schema`.
pub const JSON_SCHEMA: &str = "outcry.jsonl/1";

/// Stdout for a stream of results written as they come (a bulk review, a dry run's
/// envelopes), buffered; every write's error is the caller's to pass on.
pub fn stdout() -> std::io::BufWriter<std::io::StdoutLock<'static>> {
    std::io::BufWriter::new(std::io::stdout().lock())
}

/// One line of the JSON Lines: `{"schema": ..., "type": KIND, <the value's fields>}`.
pub fn json_line<T: Serialize>(kind: &str, value: &T) -> String {
    #[derive(Serialize)]
    struct Line<'a, T> {
        schema: &'static str,
        #[serde(rename = "type")]
        kind: &'a str,
        #[serde(flatten)]
        value: &'a T,
    }
    let mut s = serde_json::to_string(&Line {
        schema: JSON_SCHEMA,
        kind,
        value,
    })
    .unwrap_or_else(|e| {
        // Only a serializer bug could fail here; the line says so instead of vanishing.
        let message = serde_json::Value::String(e.to_string());
        format!(r#"{{"schema":"{JSON_SCHEMA}","type":"error","message":{message}}}"#)
    });
    s.push('\n');
    s
}

/// Prints one JSON line on stdout.
pub fn print_json<T: Serialize>(kind: &str, value: &T) -> std::io::Result<()> {
    print(&json_line(kind, value))
}

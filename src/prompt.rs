//! The only place that talks to the terminal: every question outcry asks, the pager, and what
//! happens on Esc or Ctrl-C.
//!
//! Prompts go to stderr, and only when stdin and stderr are terminals and `--no-input` is not
//! given ([`interactive`]). Colours come from `console`, which honours `NO_COLOR`. Esc at any
//! question, and Ctrl-C anywhere, end the program with [`EXIT_CANCELLED`]: commands ask
//! everything first and write last, so nothing is half-written.
//!
//! Ctrl-C while a question waits comes back from the terminal as an interrupted read and is
//! turned into [`Error::Cancelled`]; while a pager or editor runs it is theirs; while files are written
//! it waits for them; at any other moment the handler restores the cursor, says what was and
//! was not done, and exits.

use std::io::{IsTerminal, Write as _};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::{Mutex, Once};

use anyhow::{Context, Result};
use console::{Key, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};

use crate::diag::Error;

static NO_INPUT: AtomicBool = AtomicBool::new(false);
/// What the program is doing when Ctrl-C comes: see [`Busy`].
static BUSY: AtomicU8 = AtomicU8::new(Busy::Working as u8);
/// Ctrl-C came while files were written: exit once they are complete.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);
/// What Ctrl-C says, for the step the program is at.
static ON_INTERRUPT: Mutex<String> = Mutex::new(String::new());
static HANDLER: Once = Once::new();

#[derive(Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
enum Busy {
    /// Computing or sending: Ctrl-C ends the program at once.
    Working,
    /// Waiting for an answer: the read comes back interrupted.
    Asking,
    /// A pager or editor has the terminal: Ctrl-C is theirs.
    Child,
    /// Files are being written: Ctrl-C waits.
    Writing,
}

/// Runs `f` with [`BUSY`] set to `busy`, and back to what it was after.
fn busy<T>(busy: Busy, f: impl FnOnce() -> T) -> T {
    let before = BUSY.swap(busy as u8, Ordering::SeqCst);
    let out = f();
    BUSY.store(before, Ordering::SeqCst);
    out
}

/// The person cancelled (Esc or Ctrl-C at a question): the error says what was kept.
fn cancelled() -> anyhow::Error {
    Error::Cancelled(note()).into()
}

/// Whether `e` is the person cancelling a question.
pub fn is_cancelled(e: &anyhow::Error) -> bool {
    matches!(e.downcast_ref(), Some(Error::Cancelled(_)))
}

fn note() -> String {
    let note = ON_INTERRUPT.lock().map(|n| n.clone()).unwrap_or_default();
    if note.is_empty() {
        "cancelled".into()
    } else {
        note
    }
}

/// `--no-input`: never ask.
pub fn set_no_input(no_input: bool) {
    NO_INPUT.store(no_input, Ordering::Relaxed);
}

/// Whether a person is there to answer.
pub fn interactive() -> bool {
    !NO_INPUT.load(Ordering::Relaxed) && interactive_terminal()
}

/// Whether stdin and stderr are terminals (`--no-input` aside).
pub fn interactive_terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Sets what a cancel says from now on (what was and was not done), and makes Ctrl-C
/// outside a question restore the cursor, say it and exit with [`EXIT_CANCELLED`].
pub fn on_interrupt(note: &str) {
    note.clone_into(
        &mut ON_INTERRUPT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    HANDLER.call_once(|| {
        // Without the handler Ctrl-C still ends the program (the default); only the
        // cursor and the message are lost, so a failure to install it is not fatal.
        let _ = ctrlc::set_handler(|| match BUSY.load(Ordering::SeqCst) {
            b if b == Busy::Asking as u8 || b == Busy::Child as u8 => {}
            b if b == Busy::Writing as u8 => INTERRUPTED.store(true, Ordering::SeqCst),
            _ => exit_cancelled(),
        });
    });
}

fn exit_cancelled() -> ! {
    let _ = Term::stderr().show_cursor();
    let _ = writeln!(std::io::stderr(), "\n{}", note());
    std::process::exit(i32::from(crate::diag::EXIT_CANCELLED));
}

/// Runs `write` with Ctrl-C held off until it is done, so that files are never left
/// half-written; a Ctrl-C that came meanwhile then ends the program.
pub fn writing<T>(write: impl FnOnce() -> T) -> T {
    let out = busy(Busy::Writing, write);
    if INTERRUPTED.swap(false, Ordering::SeqCst) {
        on_interrupt("interrupted: what was being written is complete");
        exit_cancelled();
    }
    out
}

fn theme() -> &'static dyn Theme {
    static COLOURFUL: std::sync::LazyLock<ColorfulTheme> =
        std::sync::LazyLock::new(ColorfulTheme::default);
    if console::colors_enabled_stderr() {
        &*COLOURFUL
    } else {
        &SimpleTheme
    }
}

fn answer<T>(r: dialoguer::Result<Option<T>>) -> Result<T> {
    if !matches!(r, Ok(Some(_))) {
        // dialoguer hides the cursor in menus and does not show it again when a read fails.
        let _ = Term::stderr().show_cursor();
    }
    match r {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(cancelled()),
        Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            Err(cancelled())
        }
        Err(e) => Err(anyhow::Error::new(e).context("cannot read the answer from the terminal")),
    }
}

/// One of `items`; Esc cancels.
pub fn select(question: &str, items: &[String], default: usize) -> Result<usize> {
    answer(busy(Busy::Asking, || {
        dialoguer::Select::with_theme(theme())
            .with_prompt(question)
            .items(items)
            .default(default)
            .interact_opt()
    }))
}

/// One of `items`, or `None` when Esc skips the question; Ctrl-C cancels.
pub fn select_or_skip(question: &str, items: &[String], default: usize) -> Result<Option<usize>> {
    let r = busy(Busy::Asking, || {
        dialoguer::Select::with_theme(theme())
            .with_prompt(question)
            .items(items)
            .default(default)
            .interact_opt()
    });
    if let Ok(None) = r {
        let _ = Term::stderr().show_cursor();
        return Ok(None);
    }
    answer(r).map(Some)
}

/// Any of `items`, those in `checked` ticked first; Esc cancels.
pub fn multi_select(question: &str, items: &[String], checked: &[bool]) -> Result<Vec<usize>> {
    answer(busy(Busy::Asking, || {
        dialoguer::MultiSelect::with_theme(theme())
            .with_prompt(question)
            .items(items)
            .defaults(checked)
            .interact_opt()
    }))
}

/// Asks a yes/no question; Esc cancels.
pub fn ask(question: &str, default: bool) -> Result<bool> {
    answer(busy(Busy::Asking, || {
        dialoguer::Confirm::with_theme(theme())
            .with_prompt(question)
            .default(default)
            .interact_opt()
    }))
}

/// Asks a yes/no question (default no). Esc means no.
pub fn confirm(question: &str) -> Result<bool> {
    match ask(question, false) {
        Err(e) if is_cancelled(&e) => Ok(false),
        other => other,
    }
}

/// A line of text, `initial` (if any) ready to edit; `check` turns bad answers away with its
/// message and asks again. An empty answer is allowed only when `optional`. Esc cancels.
///
/// dialoguer's text input ignores Esc, so this is a small one of outcry's own: it types,
/// deletes (Backspace), and redraws the answer however many lines it wraps over.
pub fn text(
    question: &str,
    initial: Option<&str>,
    optional: bool,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<String> {
    read_text(question, initial, optional, check, false).map(Option::unwrap_or_default)
}

/// An optional line of text, or `None` when Esc skips the question; Ctrl-C cancels, so that
/// stopping is never taken for skipping.
pub fn text_or_skip(
    question: &str,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<Option<String>> {
    read_text(question, None, true, check, true)
}

/// [`text`], and with `esc_skips` [`text_or_skip`].
fn read_text(
    question: &str,
    initial: Option<&str>,
    optional: bool,
    check: impl Fn(&str) -> Result<(), String>,
    esc_skips: bool,
) -> Result<Option<String>> {
    let term = Term::stderr();
    let mut answer: Vec<char> = initial.unwrap_or_default().chars().collect();
    let mut drawn_rows = 0;
    let mut error: Option<String> = None;
    loop {
        let typed: String = answer.iter().collect();
        drawn_rows = redraw(&term, question, &typed, error.as_deref(), drawn_rows)?;
        let key = busy(Busy::Asking, || term.read_key());
        match key {
            Ok(Key::Escape) if esc_skips => {
                clear_rows(&term, drawn_rows)?;
                return Ok(None);
            }
            Ok(Key::Escape) => {
                clear_rows(&term, drawn_rows)?;
                return Err(cancelled());
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {
                clear_rows(&term, drawn_rows)?;
                return Err(cancelled());
            }
            Err(e) => return Err(anyhow::Error::new(e).context("cannot read from the terminal")),
            Ok(Key::Enter) => {
                let value = typed.trim();
                let verdict = if value.is_empty() && optional {
                    Ok(())
                } else if value.is_empty() {
                    Err("an answer is needed".to_string())
                } else {
                    check(value)
                };
                match verdict {
                    Ok(()) => {
                        clear_rows(&term, drawn_rows)?;
                        let mut done = String::new();
                        let _ = theme().format_input_prompt_selection(&mut done, question, value);
                        term.write_line(&done)?;
                        return Ok(Some(value.to_string()));
                    }
                    Err(e) => error = Some(e),
                }
            }
            Ok(Key::Backspace) => {
                answer.pop();
            }
            Ok(Key::Char(c)) if !c.is_control() => {
                answer.push(c);
                error = None;
            }
            Ok(_) => {}
        }
    }
}

/// Draws the error (if any), the prompt and the answer, over what was drawn before.
/// Returns how many rows it now takes; the cursor is left on the last one.
fn redraw(
    term: &Term,
    question: &str,
    typed: &str,
    error: Option<&str>,
    drawn_rows: usize,
) -> Result<usize> {
    let cols = usize::from(term.size().1).max(1);
    let mut screen = String::new();
    if let Some(e) = error {
        let _ = theme().format_error(&mut screen, e);
        screen.push('\n');
    }
    let _ = theme().format_input_prompt(&mut screen, question, None);
    screen.push(' ');
    screen.push_str(typed);
    let rows: usize = screen
        .split('\n')
        .map(|line| console::measure_text_width(line).max(1).div_ceil(cols))
        .sum();
    clear_rows(term, drawn_rows)?;
    term.write_str(&screen.replace('\n', "\r\n"))?;
    term.flush()?;
    Ok(rows)
}

/// Moves to the first of the `rows` last drawn and clears from there down.
fn clear_rows(term: &Term, rows: usize) -> Result<()> {
    if rows > 1 {
        term.move_cursor_up(rows - 1)?;
    }
    term.write_str("\r\x1b[J")?;
    Ok(())
}

/// Opens `$VISUAL`/`$EDITOR` (vi by default) on `initial`; `None` when the file was not saved.
pub fn editor(initial: &str) -> Result<Option<String>> {
    // dialoguer panics on an editor setting that is not UTF-8 or has no words: refuse those.
    for var in ["VISUAL", "EDITOR"] {
        if let Some(v) = std::env::var_os(var) {
            let ok = v
                .to_str()
                .and_then(|s| shell_words::split(s).ok())
                .is_some_and(|words| !words.is_empty());
            if !ok {
                return Err(crate::diag::Error::Usage(format!(
                    "${var} is not a command outcry can run: set it to your editor, e.g. nano"
                ))
                .into());
            }
            break;
        }
    }
    busy(Busy::Child, || {
        dialoguer::Editor::new().extension(".txt").edit(initial)
    })
    .context("cannot run the editor: set $EDITOR to one you have")
}

/// Asks for a secret without echoing it.
pub fn password(prompt: &str) -> Result<secrecy::SecretString> {
    let read = busy(Busy::Asking, || {
        dialoguer::Password::with_theme(theme())
            .with_prompt(prompt)
            .allow_empty_password(false)
            .interact()
    });
    match read {
        Ok(p) => Ok(secrecy::SecretString::from(p)),
        Err(dialoguer::Error::IO(e)) if e.kind() == std::io::ErrorKind::Interrupted => {
            Err(cancelled())
        }
        Err(e) => Err(anyhow::Error::new(e).context("cannot read the password from the terminal")),
    }
}

/// Shows `text`: through `$PAGER` (less by default) when it is taller than the terminal and
/// stdout is one, else printed on stderr.
pub fn page(text: &str) -> Result<()> {
    let term = console::Term::stdout();
    let rows = usize::from(term.size_checked().map_or(24, |(rows, _)| rows));
    if term.is_term()
        && text.lines().count() + 2 > rows
        && busy(Busy::Child, || run_pager(text)).is_ok()
    {
        return Ok(());
    }
    crate::output::say(text);
    Ok(())
}

fn run_pager(text: &str) -> std::io::Result<()> {
    let pager = std::env::var("PAGER")
        .ok()
        .filter(|p| !p.trim().is_empty())
        .unwrap_or_else(|| "less".into());
    let argv = shell_words::split(&pager).map_err(std::io::Error::other)?;
    let Some((program, rest)) = argv.split_first() else {
        return Err(std::io::Error::other("empty PAGER"));
    };
    let mut child = std::process::Command::new(program)
        .args(rest)
        .env(
            "LESS",
            std::env::var("LESS").unwrap_or_else(|_| "FRX".into()),
        )
        .stdin(std::process::Stdio::piped())
        .spawn()?;
    if let Some(mut stdin) = child.stdin.take() {
        // The pager may quit before reading everything (q): a broken pipe is not an error.
        let _ = stdin.write_all(text.as_bytes());
    }
    child.wait()?;
    Ok(())
}

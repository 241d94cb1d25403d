//! The only place that talks to the terminal: every question outcry asks, the pager, and what
//! happens on Esc or Ctrl-C.
//!
//! Prompts go to stderr, and only when stdin and stderr are terminals and `--no-input` is not
//! given ([`interactive`]). Colours come from `console`, which honours `NO_COLOR`. Esc at a
//! menu or a yes/no question, and Ctrl-C anywhere, end the program with [`EXIT_CANCELLED`]
//! before anything is written: commands ask everything first and write last.

use std::io::{IsTerminal, Write as _};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

use anyhow::{Context, Result};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};

/// Exit code when the person cancels (as a shell reports an interrupted program).
pub const EXIT_CANCELLED: u8 = 130;

static NO_INPUT: AtomicBool = AtomicBool::new(false);
/// Set while files are being written: Ctrl-C then waits until they are complete.
static WRITING: AtomicBool = AtomicBool::new(false);
/// What Ctrl-C says, for the step the program is at.
static ON_INTERRUPT: Mutex<String> = Mutex::new(String::new());
static HANDLER: Once = Once::new();

/// The person cancelled (Esc). Nothing was written.
#[derive(Debug, thiserror::Error)]
#[error("cancelled: nothing was written")]
pub struct Cancelled;

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

/// Makes Ctrl-C restore the cursor, say `note` (what was and was not done) and exit with
/// [`EXIT_CANCELLED`]. While [`writing`] runs, Ctrl-C waits for it to finish.
pub fn on_interrupt(note: &str) {
    note.clone_into(
        &mut ON_INTERRUPT
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner),
    );
    HANDLER.call_once(|| {
        // Without the handler Ctrl-C still ends the program (the default); only the
        // cursor and the message are lost, so a failure to install it is not fatal.
        let _ = ctrlc::set_handler(|| {
            if WRITING.load(Ordering::SeqCst) {
                return;
            }
            let term = console::Term::stderr();
            let _ = term.show_cursor();
            let note = ON_INTERRUPT.lock().map(|n| n.clone()).unwrap_or_default();
            let _ = writeln!(std::io::stderr(), "\n{note}");
            std::process::exit(i32::from(EXIT_CANCELLED));
        });
    });
}

/// Runs `write` with Ctrl-C held off, so that files are never left half-written.
pub fn writing<T>(write: impl FnOnce() -> T) -> T {
    WRITING.store(true, Ordering::SeqCst);
    let out = write();
    WRITING.store(false, Ordering::SeqCst);
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
    match r {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(Cancelled.into()),
        Err(e) => Err(anyhow::Error::new(e).context("cannot read the answer from the terminal")),
    }
}

/// One of `items`; Esc cancels.
pub fn select(question: &str, items: &[String], default: usize) -> Result<usize> {
    answer(
        dialoguer::Select::with_theme(theme())
            .with_prompt(question)
            .items(items)
            .default(default)
            .interact_opt(),
    )
}

/// Any of `items`, those in `checked` ticked first; Esc cancels.
pub fn multi_select(question: &str, items: &[String], checked: &[bool]) -> Result<Vec<usize>> {
    answer(
        dialoguer::MultiSelect::with_theme(theme())
            .with_prompt(question)
            .items(items)
            .defaults(checked)
            .interact_opt(),
    )
}

/// Asks a yes/no question; Esc cancels.
pub fn ask(question: &str, default: bool) -> Result<bool> {
    answer(
        dialoguer::Confirm::with_theme(theme())
            .with_prompt(question)
            .default(default)
            .interact_opt(),
    )
}

/// Asks a yes/no question (default no). Esc means no.
pub fn confirm(question: &str) -> Result<bool> {
    Ok(dialoguer::Confirm::with_theme(theme())
        .with_prompt(question)
        .default(false)
        .interact_opt()
        .context("cannot read the answer from the terminal")?
        .unwrap_or(false))
}

/// A line of text, `initial` (if any) ready to edit; `check` turns bad answers away with its
/// message and asks again. An empty answer is allowed only when `optional`.
pub fn text(
    question: &str,
    initial: Option<&str>,
    optional: bool,
    check: impl Fn(&str) -> Result<(), String>,
) -> Result<String> {
    let mut input = dialoguer::Input::<String>::with_theme(theme())
        .with_prompt(question)
        .allow_empty(optional)
        .validate_with(|s: &String| -> Result<(), String> {
            if optional && s.trim().is_empty() {
                return Ok(());
            }
            check(s.trim())
        });
    if let Some(initial) = initial.filter(|i| !i.is_empty()) {
        input = input.with_initial_text(initial);
    }
    let s = input
        .interact_text()
        .context("cannot read the answer from the terminal")?;
    Ok(s.trim().to_string())
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
                return Err(crate::diag::Usage(format!(
                    "${var} is not a command outcry can run: set it to your editor, e.g. nano"
                ))
                .into());
            }
            break;
        }
    }
    dialoguer::Editor::new()
        .extension(".txt")
        .edit(initial)
        .context("cannot run the editor: set $EDITOR to one you have")
}

/// Asks for a secret without echoing it.
pub fn password(prompt: &str) -> Result<secrecy::SecretString> {
    dialoguer::Password::with_theme(theme())
        .with_prompt(prompt)
        .allow_empty_password(false)
        .interact()
        .map(secrecy::SecretString::from)
        .context("cannot read the password from the terminal")
}

/// A heading or a note on stderr, bold where colours are on.
pub fn say(text: &str) {
    eprintln!("{}", console::style(text).for_stderr().bold());
}

/// Shows `text`: through `$PAGER` (less by default) when it is taller than the terminal and
/// stdout is one, else printed on stderr.
pub fn page(text: &str) -> Result<()> {
    let term = console::Term::stdout();
    let rows = usize::from(term.size_checked().map_or(24, |(rows, _)| rows));
    if term.is_term() && text.lines().count() + 2 > rows && run_pager(text).is_ok() {
        return Ok(());
    }
    eprintln!("{text}");
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

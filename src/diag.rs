//! Problems: those found in the user's files, each tied to a file and line, and the one
//! [`Error`] type that says how a command failed and with which exit code.
//!
//! Loading and validation never stop at the first problem: they collect every
//! [`Diagnostic`] into a [`Diagnostics`] list so that `outcry check` can report them all.

use std::fmt;
use std::path::PathBuf;

/// How serious a problem is: errors stop a command, warnings are reported and let it go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// Where a value came from: a file and (usually) a line, or a flag or environment variable.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Origin {
    File { path: PathBuf, line: Option<usize> },
    Setting(String),
}

impl Origin {
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Origin::File {
            path: path.into(),
            line: None,
        }
    }

    pub fn at(path: impl Into<PathBuf>, line: usize) -> Self {
        Origin::File {
            path: path.into(),
            line: Some(line),
        }
    }

    /// The line, when the origin has one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Origin::File { line, .. } => *line,
            Origin::Setting(_) => None,
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::File {
                path,
                line: Some(line),
            } => write!(f, "{}:{line}", crate::fields::shown_path(path)),
            Origin::File { path, line: None } => f.write_str(&crate::fields::shown_path(path)),
            Origin::Setting(name) => f.write_str(name),
        }
    }
}

/// One problem, printed as `file:line: message` (warnings as `file:line: warning: message`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub origin: Origin,
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let line = match self.severity {
            Severity::Error => format!("{}: {}", self.origin, self.message),
            Severity::Warning => format!("{}: warning: {}", self.origin, self.message),
        };
        f.write_str(&crate::fields::shown(&line))
    }
}

/// The problems found so far, in the order they were found.
#[derive(Debug, Clone, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
}

impl Diagnostics {
    pub fn error(&mut self, origin: Origin, message: impl Into<String>) {
        self.push(Severity::Error, origin, message.into());
    }

    pub fn warning(&mut self, origin: Origin, message: impl Into<String>) {
        self.push(Severity::Warning, origin, message.into());
    }

    fn push(&mut self, severity: Severity, origin: Origin, message: String) {
        let d = Diagnostic {
            severity,
            origin,
            message,
        };
        if !self.items.contains(&d) {
            self.items.push(d);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter().filter(|d| d.severity == Severity::Error)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.items.iter()
    }

    /// Every problem in file and line order (settings from flags and environment last).
    pub fn sorted(&self) -> Vec<&Diagnostic> {
        let mut v: Vec<&Diagnostic> = self.items.iter().collect();
        v.sort_by(|a, b| a.origin.cmp(&b.origin));
        v
    }

    pub fn extend(&mut self, other: Diagnostics) {
        for d in other.items {
            self.push(d.severity, d.origin, d.message);
        }
    }

    /// `value`, computed alongside these problems, with the warnings left to print; or every
    /// error. A value missing with no error to say why is a bug in outcry, and says so.
    pub fn and_then_value<T>(self, value: Option<T>) -> anyhow::Result<(T, Diagnostics)> {
        match value {
            Some(v) => Ok((v, self.into_result()?)),
            None => Err(self.into_error()),
        }
    }

    /// The errors that explain why something could not be made. None at all is a bug in
    /// outcry, and says so.
    pub fn into_error(self) -> anyhow::Error {
        match self.into_result() {
            Err(invalid) => invalid.into(),
            Ok(_) => anyhow::anyhow!(
                "outcry found no problem yet produced nothing: this is a bug in outcry, please report it"
            ),
        }
    }

    /// Turns collected errors into an [`Error::Invalid`] (warnings stay behind for the
    /// caller to print).
    pub fn into_result(self) -> Result<Diagnostics, Error> {
        if self.has_errors() {
            Err(Error::Invalid(self.items))
        } else {
            Ok(self)
        }
    }
}

/// Exit code: the job could not be done: some letters were not accepted, or a file could not
/// be written.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: bad input or usage.
pub const EXIT_INVALID: u8 = 2;
/// Exit code: the person cancelled (as for SIGINT).
pub const EXIT_CANCELLED: u8 = 130;

/// How a command failed, for its message and its exit code. Anything else that goes wrong (a
/// file that cannot be written, a connection that fails) is exit code 1.
#[derive(Debug)]
pub enum Error {
    /// The user's input is invalid: every problem found, printed in file and line order.
    Invalid(Vec<Diagnostic>),
    /// A flag that does not fit, a campaign that does not exist, a setting that is missing.
    Usage(String),
    /// A file outcry will not read or write (a link out of the workspace, a FIFO, too big).
    Refused(String),
    /// The person answered no to "Send these letters now?".
    NotConfirmed,
    /// The person cancelled a question (Esc or Ctrl-C); the text says what was kept.
    Cancelled(String),
}

impl Error {
    /// A usage error with this message.
    pub fn usage(message: impl Into<String>) -> Error {
        Error::Usage(message.into())
    }

    /// The process's exit code for this error.
    pub fn code(&self) -> u8 {
        match self {
            Error::Cancelled(_) => EXIT_CANCELLED,
            Error::Invalid(_) | Error::Usage(_) | Error::Refused(_) | Error::NotConfirmed => {
                EXIT_INVALID
            }
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Invalid(items) => {
                let mut items: Vec<&Diagnostic> = items.iter().collect();
                items.sort_by(|a, b| a.origin.cmp(&b.origin));
                for (i, d) in items.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                Ok(())
            }
            Error::Usage(m) | Error::Refused(m) | Error::Cancelled(m) => f.write_str(m),
            Error::NotConfirmed => f.write_str("nothing sent: not confirmed"),
        }
    }
}

impl std::error::Error for Error {}

/// The exit code for any error a command returned: its [`Error::code`], or 1.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    err.downcast_ref::<Error>().map_or(EXIT_FAILED, Error::code)
}

#[cfg(test)]
impl Diagnostic {
    /// For the property tests: the problem names one of `files` (path and text, `None` for
    /// a file that is not there), and a line of it when the file has text. An `Err` says what
    /// is wrong.
    pub(crate) fn located(&self, files: &[(&std::path::Path, Option<&str>)]) -> Result<(), String> {
        let Origin::File { path, line } = &self.origin else {
            return Err(format!("{self}: not tied to a file"));
        };
        let Some((_, text)) = files.iter().find(|(p, _)| p == path) else {
            return Err(format!("{self}: names a file that is not the input"));
        };
        if self.message.trim().is_empty() || self.to_string().contains(['\n', '\r']) {
            return Err(format!("{self:?}: the message is empty or not one line"));
        }
        match (text, line) {
            (Some(text), Some(l)) if (1..=text.matches('\n').count() + 1).contains(l) => Ok(()),
            (Some(_), l) => Err(format!("{self}: line {l:?} is not a line of the file")),
            (None, _) => Ok(()),
        }
    }
}

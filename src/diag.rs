//! Diagnostics: problems found in the user's files, each tied to a file and line.
//!
//! Loading and validation never stop at the first problem: they collect every
//! [`Diagnostic`] into a [`Diagnostics`] list so that `outcry check` can report them all.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::files::Limit;

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

    /// Turns collected errors into a Rust error (warnings stay behind for the caller to print).
    pub fn into_result(self) -> Result<Diagnostics, Invalid> {
        if self.has_errors() {
            Err(Invalid(self.items))
        } else {
            Ok(self)
        }
    }
}

/// The user's input is invalid: every problem found, in file and line order. Exit code 2.
#[derive(Debug)]
pub struct Invalid(pub Vec<Diagnostic>);

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut items: Vec<&Diagnostic> = self.0.iter().collect();
        items.sort_by(|a, b| a.origin.cmp(&b.origin));
        for (i, d) in items.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Invalid {}

/// A usage error (a flag that does not fit, a campaign that does not exist). Exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Usage(pub String);

/// Why a control character in a file is refused.
fn control_message(name: &str) -> String {
    format!(
        "a control character ({name}) is not allowed here: it can hide or change text on a terminal (tab and newline are the only ones allowed)"
    )
}

fn error(origin: Origin, message: String) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        origin,
        message,
    }
}

/// A file's text with its display path, for turning byte offsets into line numbers.
#[derive(Debug, Clone)]
pub struct Source {
    pub path: PathBuf,
    pub text: String,
    /// Byte offset of the start of each line after the first.
    line_starts: Vec<usize>,
}

impl Source {
    pub fn new(path: impl AsRef<Path>, text: String) -> Self {
        let line_starts = text.match_indices('\n').map(|(i, _)| i + 1).collect();
        Source {
            path: path.as_ref().to_path_buf(),
            text,
            line_starts,
        }
    }

    /// Reads `root/rel`, a file of the workspace (a regular file inside it, at most `limit`:
    /// see [`crate::files`]), as text (see [`Source::from_bytes`]). `None` if it does not exist.
    pub fn read(root: &Path, rel: &Path, limit: Limit) -> Result<Option<Source>, Diagnostic> {
        match crate::files::read_in_workspace(root, rel, limit) {
            Ok(Some(bytes)) => Source::from_bytes(rel, &bytes).map(Some),
            Ok(None) => Ok(None),
            Err(e) => Err(error(Origin::file(rel), e.0)),
        }
    }

    /// Reads a file the writer named (a flag, their personal config): by the workspace's rules
    /// when it lies inside the workspace (see [`crate::files::read_named`]). `None` if it does
    /// not exist.
    pub fn read_named(path: &Path, limit: Limit) -> Result<Option<Source>, Diagnostic> {
        match crate::files::read_named(path, limit) {
            Ok(Some(bytes)) => Source::from_bytes(path, &bytes).map(Some),
            Ok(None) => Ok(None),
            Err(e) => Err(error(Origin::file(path), e.0)),
        }
    }

    /// A file's bytes as text, as [`Source::from_bytes`] but without looking for control
    /// characters (for a caller that checks each line itself).
    pub fn decode(shown: &Path, bytes: &[u8]) -> Result<Source, Diagnostic> {
        let bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Source::new(shown, text.replace("\r\n", "\n"))),
            Err(e) => {
                let line = bytes[..e.valid_up_to()].split(|&b| b == b'\n').count();
                Err(error(
                    Origin::at(shown, line),
                    "not valid UTF-8: save the file as UTF-8".into(),
                ))
            }
        }
    }

    /// A file's bytes as text: UTF-8 (an error names the line of the first bad byte), a
    /// byte-order mark dropped, Windows line ends made `\n`, and no control character other
    /// than tab and line feed (see [`crate::fields::hidden_control`]).
    pub fn from_bytes(shown: &Path, bytes: &[u8]) -> Result<Source, Diagnostic> {
        let src = Source::decode(shown, bytes)?;
        if let Some((at, name)) = crate::fields::find_hidden_control(&src.text) {
            return Err(error(src.at(&(at..at)), control_message(&name)));
        }
        Ok(src)
    }

    /// The 1-based line on which byte `offset` stands.
    pub fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) + 1
    }

    pub fn at(&self, span: &Range<usize>) -> Origin {
        Origin::at(&self.path, self.line_of(span.start))
    }

    /// Parses the file as TOML into `T`, with any error located at its line. A key or string
    /// that holds a control character, even written as an escape (`"\u001b"`), is refused.
    pub fn parse_toml<T: serde::de::DeserializeOwned>(&self) -> Result<T, Diagnostic> {
        let doc = self.parse_tables()?;
        for (key, value) in &doc {
            self.check_strings(key.get_ref(), &key.span())?;
            self.check_value(value)?;
        }
        toml::from_str(&self.text).map_err(|e| self.toml_error(&e))
    }

    /// Parses the file into a table whose entries keep their spans, so that each entry can be
    /// checked on its own (one bad contact does not hide the others).
    pub fn parse_tables(&self) -> Result<toml::de::DeTable<'_>, Diagnostic> {
        toml::de::DeTable::parse(&self.text)
            .map(toml::Spanned::into_inner)
            .map_err(|e| self.toml_error(&e))
    }

    /// Deserializes one entry of [`Source::parse_tables`], refusing control characters as
    /// [`Source::parse_toml`] does.
    pub fn deserialize<'a, T: serde::Deserialize<'a>>(
        &self,
        value: toml::Spanned<toml::de::DeValue<'a>>,
    ) -> Result<T, Diagnostic> {
        self.check_value(&value)?;
        let span = value.span();
        T::deserialize(toml::de::ValueDeserializer::from(value)).map_err(|e| {
            let mut d = self.toml_error(&e);
            if e.span().is_none() {
                d.origin = self.at(&span);
            }
            d
        })
    }

    /// Refuses a key or string that holds a [`crate::fields::hidden_control`].
    fn check_strings(&self, s: &str, span: &Range<usize>) -> Result<(), Diagnostic> {
        match crate::fields::find_hidden_control(s) {
            Some((_, name)) => Err(error(self.at(span), control_message(&name))),
            None => Ok(()),
        }
    }

    /// Refuses the first key or string in `value` that holds a
    /// [`crate::fields::hidden_control`].
    fn check_value(&self, value: &toml::Spanned<toml::de::DeValue<'_>>) -> Result<(), Diagnostic> {
        use toml::de::DeValue;
        let mut strings: Vec<(&str, Range<usize>)> = Vec::new();
        // An explicit stack: nesting as deep as the file likes cannot overflow it.
        let mut values = vec![value];
        while let Some(v) = values.pop() {
            match v.get_ref() {
                DeValue::String(s) => strings.push((s.as_ref(), v.span())),
                DeValue::Array(a) => values.extend(a.iter()),
                DeValue::Table(t) => {
                    for (k, v) in t {
                        strings.push((k.get_ref().as_ref(), k.span()));
                        values.push(v);
                    }
                }
                _ => {}
            }
        }
        strings.sort_by_key(|(_, span)| span.start);
        strings
            .iter()
            .try_for_each(|(s, span)| self.check_strings(s, span))
    }

    fn toml_error(&self, e: &toml::de::Error) -> Diagnostic {
        let origin = match e.span() {
            Some(span) => self.at(&span),
            None => Origin::file(&self.path),
        };
        Diagnostic {
            severity: Severity::Error,
            origin,
            message: e.message().trim().to_string(),
        }
    }
}

#[cfg(test)]
impl Diagnostic {
    /// For the property tests: the problem names one of `files` (path and text, `None` for
    /// a file that is not there), and a line of it when the file has text. An `Err` says what
    /// is wrong.
    pub(crate) fn located(&self, files: &[(&Path, Option<&str>)]) -> Result<(), String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_numbers_are_one_based() {
        let s = Source::new("a.toml", "x = 1\ny = 2\n\nz = 3".into());
        assert_eq!(s.line_of(0), 1);
        assert_eq!(s.line_of(6), 2);
        assert_eq!(s.line_of(13), 4);
        assert_eq!(s.line_of(999), 4);
    }

    #[test]
    fn toml_errors_name_file_and_line() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            title: String,
        }
        let s = Source::new("c.toml", "title = \"x\"\ndemandz = []\n".into());
        let d = s.parse_toml::<T>().unwrap_err();
        assert_eq!(
            d.to_string(),
            "c.toml:2: unknown field `demandz`, expected `title`"
        );
    }

    proptest::proptest! {
        #![proptest_config(crate::testgen::config(2000))]

        /// Any bytes are text or one located error: never a panic.
        #[test]
        fn props_source_from_bytes(bytes in crate::testgen::bytes()) {
            let shown = Path::new("f.txt");
            match Source::from_bytes(shown, &bytes) {
                Ok(src) => proptest::prop_assert!(crate::fields::find_hidden_control(&src.text).is_none()),
                Err(d) => {
                    let lossy = String::from_utf8_lossy(&bytes);
                    d.located(&[(shown, Some(&*lossy))]).map_err(proptest::test_runner::TestCaseError::fail)?;
                }
            }
        }
    }
}

//! A text file of the workspace or the writer, read and decoded once, with its display path:
//! byte offsets become lines, TOML is parsed with every problem tied to its line.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Origin, Severity};
use crate::files::Limit;

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
            Err(e) => Err(error(Origin::file(rel), e.to_string())),
        }
    }

    /// Reads a file the writer named (a flag, their personal config): by the workspace's rules
    /// when it lies inside the workspace (see [`crate::files::read_named`]). `None` if it does
    /// not exist.
    pub fn read_named(path: &Path, limit: Limit) -> Result<Option<Source>, Diagnostic> {
        match crate::files::read_named(path, limit) {
            Ok(Some(bytes)) => Source::from_bytes(path, &bytes).map(Some),
            Ok(None) => Ok(None),
            Err(e) => Err(error(Origin::file(path), e.to_string())),
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

//! Signers: the members a branch writes on behalf of, read as a stream from a CSV file
//! (`--signers FILE.csv`). One letter goes to each target for each signer.
//!
//! Columns `name` (required), `id` (a membership number), `email`, `city`, `country` and
//! `note` (a paragraph in the signer's own words); any other column is `signer.<column>` in
//! templates. A byte-order mark, `,` or `;` as the delimiter, LF or CR LF line ends and quoted
//! fields with line breaks all work. A bad row is a [`Diagnostic`] with its line number; the
//! caller skips it or stops (`--strict`).
//!
//! A signer's identity (their [`Signer::key`]) is their `id` when the file has that column,
//! else their name, normalised: so fixing a city, an e-mail or a note keeps who they are.

mod identity;
mod read;
mod row;
#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use crate::diag::{Diagnostic, Error, Origin, Severity};
use crate::fields::{self, Country, Email};
use read::{cells, csv_error};

/// The columns outcry reads itself; the rest go to templates as they are.
const KNOWN: [&str; 5] = ["name", "email", "city", "country", "note"];

/// The column whose value is a signer's identity when the file has it (also `signer.id`).
const ID: &str = "id";

/// One signer, checked.
#[derive(Debug, Clone)]
pub struct Signer {
    /// The line the row starts on.
    pub line: u64,
    pub name: String,
    pub email: Option<Email>,
    pub city: Option<String>,
    pub country: Option<Country>,
    /// A personal paragraph; "" when none.
    pub note: String,
    /// Every other column, by its header (`id` too).
    pub extra: BTreeMap<String, String>,
    /// Made from the signer's identity (the `id` column, else the normalised name) and unique
    /// within the file: part of each letter's id, hence of its Message-ID, so a signer keeps
    /// their letters' identity across runs and across edits of their e-mail, city or note.
    /// File-name safe: `[a-z0-9-]`.
    pub key: String,
}

/// The rows of a signers file, one at a time.
pub struct Signers {
    path: PathBuf,
    reader: csv::Reader<Box<dyn Read>>,
    headers: Vec<String>,
    /// Whether the file has an `id` column: then it, not the name, is who a signer is.
    by_id: bool,
    /// The keys of the signers read so far, with their line (a duplicate is left out).
    seen: HashMap<String, u64>,
    record: csv::StringRecord,
}

impl Signers {
    /// Opens `path` and reads its header. The delimiter is `;` when the header line has more
    /// semicolons than commas outside quotes, else `,`.
    ///
    /// Records end at LF only (csv's default also ends them at a lone CR, which would make
    /// the rest of a line a row of its own); the CR of a CR LF is taken off the last field,
    /// and any other CR outside quotes is a control character in its field.
    pub fn open(path: &Path) -> Result<Signers, Error> {
        let shown = path.display().to_string();
        let cannot =
            |e: std::io::Error| Error::Usage(format!("{shown}: cannot read the signers file: {e}"));
        let file = crate::files::open_named(path)
            .map_err(|e| Error::Usage(format!("{shown}: cannot read the signers file: it {e}")))?
            .ok_or_else(|| {
                Error::Usage(format!(
                    "{shown}: cannot read the signers file: no such file"
                ))
            })?;
        let mut file = BufReader::new(file);
        let start = file.fill_buf().map_err(cannot)?;
        let delimiter = read::sniff(start);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .has_headers(true)
            .flexible(true)
            .from_reader(Box::new(file) as Box<dyn Read>);
        let headers = read::headers(&mut reader, &shown)?;
        Ok(Signers {
            path: path.to_path_buf(),
            reader,
            by_id: headers.iter().any(|h| h == ID),
            headers,
            seen: HashMap::new(),
            record: csv::StringRecord::new(),
        })
    }

    /// The columns beyond the known ones, as templates see them (`signer.<column>`).
    pub fn extra_columns(&self) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|h| !KNOWN.contains(&h.as_str()))
            .map(String::as_str)
            .collect()
    }

    fn row_error(&self, line: u64, message: impl Into<String>) -> Diagnostic {
        Diagnostic {
            severity: Severity::Error,
            origin: Origin::at(&self.path, usize::try_from(line).unwrap_or(usize::MAX)),
            message: message.into(),
        }
    }
}

/// Returns the next signer, or the problem with the next row (with its line number).
impl Iterator for Signers {
    type Item = Result<Signer, Diagnostic>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let mut record = std::mem::take(&mut self.record);
            let read = self.reader.read_record(&mut record);
            self.record = record;
            // Records end at LF, each counted: the line a row starts on is exact.
            let line = self.record.position().map_or(0, csv::Position::line);
            match read {
                Ok(false) => return None,
                Err(e) => {
                    let line = e.position().map_or(line, csv::Position::line);
                    let d = self.row_error(line, csv_error(&e));
                    // A row that is not UTF-8 is left out and the reading goes on; an I/O error
                    // may repeat forever: one report, then stop.
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.record = csv::StringRecord::new();
                        self.reader = csv::Reader::from_reader(Box::new(std::io::empty()));
                    }
                    return Some(Err(d));
                }
                Ok(true) => {
                    if cells(&self.record).all(|f| fields::trim(f).is_empty()) {
                        continue; // a blank line
                    }
                    return Some(self.parse(line));
                }
            }
        }
    }
}

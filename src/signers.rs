//! Signers: the members a branch writes on behalf of, read as a stream from a CSV file
//! (`--signers FILE.csv`). One letter goes to each target for each signer.
//!
//! Columns `name` (required), `email`, `city`, `country` and `note` (a paragraph in the
//! signer's own words); any other column is `signer.<column>` in templates. A byte-order mark,
//! `,` or `;` as the delimiter and quoted fields with line breaks all work. A bad row is a
//! [`Diagnostic`] with its line number; the caller skips it or stops (`--strict`).

use std::collections::{BTreeMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::diag::{Diagnostic, Origin, Severity, Usage};
use crate::fields::{self, Country, Email};

/// The columns outcry reads itself; the rest go to templates as they are.
const KNOWN: [&str; 5] = ["name", "email", "city", "country", "note"];

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
    /// Every other column, by its header.
    pub extra: BTreeMap<String, String>,
    /// Stable and unique within the file: part of each letter's id, hence of its
    /// Message-ID, so a signer keeps their letters' identity across runs (and edits of
    /// other rows).
    pub key: String,
}

/// The rows of a signers file, one at a time.
pub struct Signers {
    path: PathBuf,
    reader: csv::Reader<Box<dyn Read>>,
    headers: Vec<String>,
    /// The keys of the signers read so far (a duplicate is left out).
    seen: HashSet<String>,
    record: csv::StringRecord,
    /// The csv crate counts the lines of a CRLF file one short: added back.
    line_shift: u64,
}

impl Signers {
    /// Opens `path` and reads its header. The delimiter is `;` when the header line has more
    /// semicolons than commas outside quotes, else `,`.
    pub fn open(path: &Path) -> Result<Signers, Usage> {
        let shown = path.display().to_string();
        let cannot =
            |e: std::io::Error| Usage(format!("{shown}: cannot read the signers file: {e}"));
        let file = crate::files::open_named(path)
            .map_err(|e| Usage(format!("{shown}: cannot read the signers file: it {e}")))?
            .ok_or_else(|| {
                Usage(format!(
                    "{shown}: cannot read the signers file: no such file"
                ))
            })?;
        let mut file = BufReader::new(file);
        let start = file.fill_buf().map_err(cannot)?;
        let delimiter = sniff(start);
        let line_shift = u64::from(first_line_ends_crlf(start));
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(true)
            .flexible(true)
            .from_reader(Box::new(file) as Box<dyn Read>);
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| Usage(format!("{shown}:1: {}", csv_error(&e))))?
            .iter()
            .map(|h| {
                let h = h.trim().trim_start_matches('\u{feff}');
                // `Name`, `EMAIL`: the known columns whatever their case.
                let lower = h.to_lowercase();
                if KNOWN.contains(&lower.as_str()) {
                    lower
                } else {
                    h.to_string()
                }
            })
            .collect();
        if !headers.iter().any(|h| h == "name") {
            return Err(Usage(format!(
                "{shown}:1: the signers file needs a `name` column (its header line names: {})",
                headers.join(", ")
            )));
        }
        let mut seen = HashSet::new();
        for h in &headers {
            if h.is_empty() {
                return Err(Usage(format!("{shown}:1: a column has no name")));
            }
            if !seen.insert(h.clone()) {
                return Err(Usage(format!("{shown}:1: the column {h:?} appears twice")));
            }
        }
        Ok(Signers {
            path: path.to_path_buf(),
            reader,
            headers,
            seen: HashSet::new(),
            record: csv::StringRecord::new(),
            line_shift,
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

    fn parse(&mut self, line: u64) -> Result<Signer, Diagnostic> {
        if self.record.len() != self.headers.len() {
            return Err(self.row_error(
                line,
                format!(
                    "this row has {} field(s), the header {}: check its quotes and delimiters",
                    self.record.len(),
                    self.headers.len()
                ),
            ));
        }
        let Fields {
            name,
            email,
            city,
            country,
            note,
            extra,
        } = read_fields(&self.headers, &self.record).map_err(|e| self.row_error(line, e))?;
        let Some(name) = name else {
            return Err(self.row_error(line, "no name: every signer needs one"));
        };
        let identity = email.as_ref().map_or_else(
            || {
                format!(
                    "{}\n{}",
                    name.to_lowercase(),
                    city.as_deref().unwrap_or("").to_lowercase()
                )
            },
            |e| e.to_string().to_lowercase(),
        );
        let key = key(&identity);
        if !self.seen.insert(key.clone()) {
            return Err(self.row_error(
                line,
                format!("{name} is in the file twice (same e-mail, or same name and city): this row is left out"),
            ));
        }
        Ok(Signer {
            line,
            name,
            email,
            city,
            country,
            note,
            extra,
            key,
        })
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
            let line = self.record.position().map_or(0, csv::Position::line) + self.line_shift;
            match read {
                Ok(false) => return None,
                Err(e) => {
                    let line = e.position().map_or(line, |p| p.line() + self.line_shift);
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
                    if self.record.iter().all(|f| f.trim().is_empty()) {
                        continue; // a blank line
                    }
                    return Some(self.parse(line));
                }
            }
        }
    }
}

/// A row's fields, checked.
#[derive(Default)]
struct Fields {
    name: Option<String>,
    email: Option<Email>,
    city: Option<String>,
    country: Option<Country>,
    note: String,
    extra: BTreeMap<String, String>,
}

fn read_fields(headers: &[String], record: &csv::StringRecord) -> Result<Fields, String> {
    let mut f = Fields::default();
    for (h, v) in headers.iter().zip(record.iter()) {
        let v = v.trim();
        if v.is_empty() {
            if !KNOWN.contains(&h.as_str()) {
                // Templates may use every column: an empty one is "", not missing.
                f.extra.insert(h.clone(), String::new());
            }
            continue;
        }
        let what = format!("column {h}");
        match h.as_str() {
            "name" => f.name = Some(check_line(&what, v)?),
            "email" => f.email = Some(v.parse::<Email>()?),
            "city" => f.city = Some(check_line(&what, v)?),
            "country" => f.country = Some(v.to_ascii_uppercase().parse::<Country>()?),
            "note" => {
                let v = v.replace("\r\n", "\n");
                crate::commands::check_personal(&v)?;
                f.note = v;
            }
            _ => {
                let v = v.replace("\r\n", "\n");
                fields::check_text(&what, &v)?;
                f.extra.insert(h.clone(), v);
            }
        }
    }
    Ok(f)
}

fn check_line(what: &str, v: &str) -> Result<String, String> {
    fields::check_line(what, v).map(|()| v.to_string())
}

fn csv_error(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { .. } => {
            "this row is not UTF-8 text: save the file as UTF-8 (CSV UTF-8 in spreadsheet programs)"
                .into()
        }
        csv::ErrorKind::Io(io) => format!("cannot read the signers file: {io}"),
        _ => format!("not valid CSV: {e}"),
    }
}

/// `;` when the first line has more semicolons than commas outside quotes.
fn sniff(start: &[u8]) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0, 0, false);
    for &b in start {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => commas += 1,
            b';' if !quoted => semicolons += 1,
            b'\n' if !quoted => break,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

fn first_line_ends_crlf(start: &[u8]) -> bool {
    let mut quoted = false;
    for (i, &b) in start.iter().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => return i > 0 && start[i - 1] == b'\r',
            _ => {}
        }
    }
    false
}

/// A short, file-name-safe key for a signer: readable start, hash end.
fn key(identity: &str) -> String {
    let readable: String = identity
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .take(20)
        .collect();
    let readable = readable.trim_matches('-');
    let hash = Sha256::digest(identity.as_bytes());
    // 64 bits: among 100,000 signers a clash has odds of about 1 in 3.7 billion.
    let hex = hash.iter().take(8).fold(String::new(), |mut s, b| {
        let _ = std::fmt::Write::write_fmt(&mut s, format_args!("{b:02x}"));
        s
    });
    if readable.is_empty() {
        hex
    } else {
        format!("{readable}-{hex}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Signer>, Vec<String>) {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("s.csv");
        std::fs::write(&p, text).expect("write");
        let (mut ok, mut bad) = (Vec::new(), Vec::new());
        for r in Signers::open(&p).expect("opens") {
            match r {
                Ok(s) => ok.push(s),
                Err(d) => bad.push(
                    format!("{}: {}", d.origin, d.message)
                        .replace(&*dir.path().to_string_lossy(), ""),
                ),
            }
        }
        (ok, bad)
    }

    #[test]
    fn bom_semicolons_and_quoted_newlines() {
        let (ok, bad) = read(
            "\u{feff}name;email;note;member\r\nAnn;ann@example.org;\"Line one\r\nline two\";17\r\nBob;;;\r\n",
        );
        assert!(bad.is_empty(), "{bad:?}");
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].line, 2);
        assert_eq!(ok[0].name, "Ann");
        assert_eq!(ok[0].note, "Line one\nline two");
        assert_eq!(ok[0].extra["member"], "17");
        assert_eq!(ok[1].line, 4, "the line the row starts on");
        assert!(ok[1].email.is_none());
    }

    #[test]
    fn bad_rows_are_reported_with_their_line() {
        let (ok, bad) = read(
            "name,email,country\nAnn,not-an-address,GB\n\"Bo\rb\",b@example.org,GB\nCy,c@example.org,XX\n,d@example.org,GB\nDee,d@example.org,gb\nDee,d@example.org,GB\nEve,e@example.org\n",
        );
        assert_eq!(ok.len(), 1, "{bad:?}");
        assert_eq!(ok[0].country.map(Country::code), Some("GB"));
        assert!(
            bad[0].starts_with("/s.csv:2: invalid e-mail address"),
            "{bad:?}"
        );
        assert!(
            bad[1].starts_with(
                "/s.csv:3: column name contains a control character (carriage return)"
            ),
            "{bad:?}"
        );
        assert!(bad[2].starts_with("/s.csv:4: unknown country"), "{bad:?}");
        assert!(bad[3].starts_with("/s.csv:5: no name"), "{bad:?}");
        assert!(
            bad[4].starts_with("/s.csv:7: Dee is in the file twice"),
            "{bad:?}"
        );
        assert!(
            bad[5].starts_with("/s.csv:8: this row has 2 field(s), the header 3"),
            "{bad:?}"
        );
    }

    #[test]
    fn a_row_that_is_not_utf8_is_left_out_and_reading_goes_on() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("s.csv");
        std::fs::write(&p, b"Name,EMAIL,member\nAnn,ann@example.org,\nJos\xe9,jose@example.org,2\nBea,bea@example.org,3\n").expect("write");
        let rows: Vec<_> = Signers::open(&p).expect("opens").collect();
        assert_eq!(rows.len(), 3);
        assert!(
            rows[1]
                .as_ref()
                .is_err_and(|d| d.message.contains("not UTF-8"))
        );
        let ann = rows[0].as_ref().expect("Ann");
        assert_eq!(
            ann.email.as_ref().map(ToString::to_string).as_deref(),
            Some("ann@example.org")
        );
        assert_eq!(ann.extra["member"], "", "an empty column is there, empty");
        assert_eq!(rows[2].as_ref().expect("Bea").name, "Bea");
    }

    #[test]
    fn keys_are_stable_and_safe() {
        let a = key("ann@example.org");
        assert_eq!(a, key("ann@example.org"));
        assert!(a.starts_with("ann-example-org-"), "{a}");
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
        assert_ne!(key("ann\nleeds"), key("ann\nyork"));
    }
}

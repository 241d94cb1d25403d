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

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::diag::{Diagnostic, Error, Origin, Severity};
use crate::fields::{self, Country, Email};

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
        let delimiter = sniff(start);
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::Any(b'\n'))
            .has_headers(true)
            .flexible(true)
            .from_reader(Box::new(file) as Box<dyn Read>);
        let header = reader
            .headers()
            .map_err(|e| Error::Usage(format!("{shown}:1: {}", csv_error(&e))))?;
        let headers: Vec<String> = cells(header)
            .map(|h| {
                let h = fields::trim(h.trim_start_matches('\u{feff}'));
                // `Name`, `EMAIL`: the known columns whatever their case.
                let lower = h.to_lowercase();
                if KNOWN.contains(&lower.as_str()) || lower == ID {
                    lower
                } else {
                    h.to_string()
                }
            })
            .collect();
        let mut seen = HashSet::new();
        for h in &headers {
            if h.is_empty() {
                return Err(Error::Usage(format!("{shown}:1: a column has no name")));
            }
            if h.contains('\r') {
                return Err(Error::Usage(format!(
                    "{shown}:1: the header line holds a carriage return (CR) on its own: save the file with LF or CR LF line ends"
                )));
            }
            fields::check_line("a column name", h)
                .map_err(|e| Error::Usage(format!("{shown}:1: {e}")))?;
            if !seen.insert(h.clone()) {
                return Err(Error::Usage(format!(
                    "{shown}:1: the column {h:?} appears twice"
                )));
            }
        }
        // After the names are checked: they are quoted in the message, each one line.
        if !headers.iter().any(|h| h == "name") {
            return Err(Error::Usage(format!(
                "{shown}:1: the signers file needs a `name` column (its header line names: {})",
                headers.join(", ")
            )));
        }
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

    fn parse(&mut self, line: u64) -> Result<Signer, Diagnostic> {
        // Before counting the fields: a CR on its own may have run two lines into one row.
        let lone_cr = |f: &str| f.contains('\r') && f.replace("\r\n", "").contains('\r');
        if let Some(i) = cells(&self.record).position(lone_cr) {
            let what = self
                .headers
                .get(i)
                .map_or_else(|| format!("field {}", i + 1), |h| format!("column {h}"));
            return Err(self.row_error(
                line,
                format!("{what} contains a control character (carriage return): a line ends with LF or CR LF, never a CR alone"),
            ));
        }
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
            id,
            email,
            city,
            country,
            note,
            extra,
        } = read_fields(&self.headers, &self.record).map_err(|e| self.row_error(line, e))?;
        let Some(name) = name else {
            return Err(self.row_error(line, "no name: every signer needs one"));
        };
        let key = match (self.by_id, id) {
            (true, Some(id)) => key("id", &normalise(&id)),
            (true, None) => {
                return Err(self.row_error(
                    line,
                    "no id: with an `id` column every signer needs one (it is who they are to the journal)",
                ));
            }
            (false, _) => key("name", &normalise(&name)),
        };
        if let Some(first) = self.seen.get(&key) {
            let why = if self.by_id {
                format!("the same id as line {first}")
            } else {
                format!(
                    "the same name as line {first}: if they are two people, add an `id` column (a membership number) to tell them apart"
                )
            };
            return Err(self.row_error(line, format!("{name} is in the file twice ({why})")));
        }
        self.seen.insert(key.clone(), line);
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

/// A row's fields, checked.
#[derive(Default)]
struct Fields {
    name: Option<String>,
    id: Option<String>,
    email: Option<Email>,
    city: Option<String>,
    country: Option<Country>,
    note: String,
    extra: BTreeMap<String, String>,
}

/// Checks each field: no control or invisible character in any (the `note` alone may hold
/// line breaks), then what each known column must be.
fn read_fields(headers: &[String], record: &csv::StringRecord) -> Result<Fields, String> {
    let mut f = Fields::default();
    for (h, raw) in headers.iter().zip(cells(record)) {
        // A quoted line break may be CR LF; a CR on its own stays, and is refused.
        let v = raw.replace("\r\n", "\n");
        let v = fields::trim(&v);
        if v.is_empty() {
            if !KNOWN.contains(&h.as_str()) {
                // Templates may use every column: an empty one is "", not missing.
                f.extra.insert(h.clone(), String::new());
            }
            continue;
        }
        let what = format!("column {h}");
        if h == "note" {
            fields::check_text(&what, v)?;
            crate::fields::check_personal(v)?;
            f.note = v.to_string();
            continue;
        }
        fields::check_line(&what, v)?;
        match h.as_str() {
            "name" => f.name = Some(v.to_string()),
            "email" => f.email = Some(v.parse::<Email>()?),
            "city" => f.city = Some(v.to_string()),
            "country" => f.country = Some(v.to_ascii_uppercase().parse::<Country>()?),
            _ => {
                if h == ID {
                    f.id = Some(v.to_string());
                }
                f.extra.insert(h.clone(), v.to_string());
            }
        }
    }
    Ok(f)
}

/// A record's fields, the CR of a CR LF line end taken off the last.
fn cells(record: &csv::StringRecord) -> impl Iterator<Item = &str> {
    let last = record.len().saturating_sub(1);
    record.iter().enumerate().map(move |(i, f)| {
        if i == last {
            f.strip_suffix('\r').unwrap_or(f)
        } else {
            f
        }
    })
}

/// Who a signer is, as written in different ways: Unicode-normalised (NFKC), lower case,
/// runs of white space made one space, none at either end.
fn normalise(text: &str) -> String {
    let folded = text.nfkc().collect::<String>().to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
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

/// A short, file-name-safe key for a signer's identity (`kind` `id` or `name`, the value
/// normalised): readable start, hash end.
fn key(kind: &str, identity: &str) -> String {
    let readable: String = identity
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(20)
        .collect();
    let readable = readable.trim_matches('-');
    let mut h = Sha256::new();
    for part in [kind, identity] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let hash = h.finalize();
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

    /// Issue item 9: a lone CR in an unquoted field used to end the record, so the text
    /// after it became a signer of its own.
    #[test]
    fn a_bare_cr_is_an_error_not_a_new_row() {
        let (ok, bad) = read(
            "name,email,city\nAnn,ann@example.org,Leeds\rEvil,evil@example.org\nBob,bob@example.org,York\n",
        );
        let names: Vec<&str> = ok.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["Bob"], "{bad:?}");
        assert_eq!(ok[0].line, 3);
        assert_eq!(
            bad,
            [
                "/s.csv:2: column city contains a control character (carriage return): a line ends with LF or CR LF, never a CR alone"
            ]
        );
        // A second CR before a CR LF line end is one too.
        let (ok, bad) = read("name,city\r\nAnn,Leeds\r\r\nBob,York\r\n");
        assert_eq!(ok.len(), 1);
        assert_eq!(
            bad,
            [
                "/s.csv:2: column city contains a control character (carriage return): a line ends with LF or CR LF, never a CR alone"
            ]
        );
    }

    /// CRLF files keep their line numbers, after a quoted line break too.
    #[test]
    fn crlf_line_numbers() {
        let (ok, bad) = read(
            "name,email,note\r\nAnn,ann@example.org,\"One\r\ntwo\r\nthree\"\r\n\r\nBob,bad,\r\nCy,,\"x\"\r\n",
        );
        assert_eq!(ok.len(), 2, "{bad:?}");
        assert_eq!(ok[0].note, "One\ntwo\nthree");
        assert_eq!(
            bad,
            ["/s.csv:6: invalid e-mail address \"bad\": Missing domain or user"]
        );
        assert_eq!(ok[1].line, 7);
        let (ok, _) = read("name\r\nAnn\r\nBob");
        assert_eq!((ok[0].line, ok[1].line), (2, 3));
        // A row that is not UTF-8, after a quoted line break.
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("s.csv");
        std::fs::write(&p, b"name,note\r\nAnn,\"a\r\nb\"\r\nJos\xe9,\r\nBea,\r\n").expect("write");
        let lines: Vec<u64> = Signers::open(&p)
            .expect("opens")
            .map(|r| r.map_or_else(|d| d.origin.line().unwrap_or(0) as u64, |s| s.line))
            .collect();
        assert_eq!(lines, [2, 4, 5]);
    }

    /// A file whose lines end in CR alone (old Mac) is one long line: refused, with why.
    #[test]
    fn cr_line_ends_are_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("s.csv");
        std::fs::write(&p, "name,email\rAnn,ann@example.org\r").expect("write");
        let e = Signers::open(&p).err().expect("refused");
        assert!(
            e.to_string().ends_with("s.csv:1: the header line holds a carriage return (CR) on its own: save the file with LF or CR LF line ends"),
            "{}",
            e.to_string()
        );
    }

    #[test]
    fn keys_are_stable_and_safe() {
        let a = key("name", "ann activist");
        // Pinned: a change would make every signer new to the journals already written.
        assert_eq!(a, "ann-activist-a713b14cbbe72d26");
        assert!(a.starts_with("ann-activist-"), "{a}");
        assert_ne!(key("id", "17"), key("name", "17"));
        for k in [
            a,
            key("id", "../a/b"),
            key("name", "айнур"),
            key("id", "Ünï"),
        ] {
            assert!(
                !k.starts_with('-')
                    && k.bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{k}"
            );
        }
    }

    /// Issue item 10: a signer is their id, or else their name however it is written; their
    /// e-mail, city and note can be fixed without making them someone new.
    #[test]
    fn a_signer_is_their_id_or_their_name() {
        let (before, _) = read("name,email,city\nAnn Activist,ann@example.org,Leeds\nBob,,Yrok\n");
        let (after, bad) = read(
            "name,email,city,note\n  ann\u{a0} ACTIVIST ,ann.a@example.org,Leeds,Hi\nBob,bob@example.org,York,\n",
        );
        assert!(bad.is_empty(), "{bad:?}");
        let keys = |v: &[Signer]| v.iter().map(|s| s.key.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&before), keys(&after));
        // José typed as é or as e and a combining accent is one person.
        let (ok, _) = read("name\nJos\u{e9}\n");
        let (nfd, _) = read("name\nJose\u{301}\n");
        assert_eq!(ok[0].key, nfd[0].key);

        let (ok, bad) = read("name,city\nDee,Leeds\nDEE,York\n");
        assert_eq!(ok.len(), 1);
        assert_eq!(
            bad,
            [
                "/s.csv:3: DEE is in the file twice (the same name as line 2: if they are two people, add an `id` column (a membership number) to tell them apart)"
            ]
        );
        let (ok, bad) = read("name,ID,city\nDee,17,Leeds\nDee,18,York\nDora,17,Hull\nEd,,Leeds\n");
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].extra["id"], "17", "signer.id in templates");
        assert_eq!(
            bad,
            [
                "/s.csv:4: Dora is in the file twice (the same id as line 2)",
                "/s.csv:5: no id: with an `id` column every signer needs one (it is who they are to the journal)"
            ]
        );
        // With an id, the name can be corrected too.
        let (renamed, _) = read("name,id\nDora,17\n");
        assert_eq!(renamed[0].key, ok[0].key);
    }

    /// Found by `props_signers_csv`: a file without a `name` column listed its header names
    /// before checking them, so a quoted line break in one made the message two lines.
    #[test]
    fn props_found_header_names_are_checked_before_they_are_listed() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("s.csv");
        std::fs::write(&p, "\"em\nail\",city\nann@example.org,Leeds\n").expect("write");
        let e = Signers::open(&p).err().expect("refused");
        assert!(
            e.to_string().ends_with("s.csv:1: a column name contains a control character (line feed); it must be a single line of text"),
            "{}",
            e.to_string()
        );
    }

    proptest::proptest! {
        #![proptest_config(crate::testgen::config(600))]

        /// Whatever a signers file holds, reading it never panics and ends; a refused file
        /// is one line naming the file (and line 1); a bad row names the file and its line;
        /// a signer read has a name, a line of the file and a file-name-safe key.
        #[test]
        fn props_signers_csv(bytes in proptest::prop_oneof![
            6 => crate::testgen::signers_csv(),
            1 => crate::testgen::bytes(),
        ]) {
            use proptest::prop_assert;
            let dir = tempfile::tempdir().expect("dir");
            let p = dir.path().join("s.csv");
            std::fs::write(&p, &bytes).expect("write");
            let text = String::from_utf8_lossy(&bytes);
            let lines = text.matches('\n').count() + 1;
            let shown = p.display().to_string();
            let signers = match Signers::open(&p) {
                Ok(s) => s,
                Err(Error::Usage(m)) => {
                    prop_assert!(
                        (m.starts_with(&format!("{shown}:1: ")) || m.starts_with(&format!("{shown}: ")))
                            && !m.contains('\n'),
                        "{m:?}"
                    );
                    return Ok(());
                }
                Err(e) => return Err(proptest::test_runner::TestCaseError::fail(format!("not a usage error: {e:?}"))),
            };
            for (i, row) in signers.enumerate() {
                prop_assert!(i <= bytes.len(), "more rows than bytes: the reading does not end");
                match row {
                    Ok(s) => {
                        prop_assert!((1..=lines as u64).contains(&s.line), "{s:?}");
                        prop_assert!(fields::check_line("name", &s.name).is_ok(), "{s:?}");
                        prop_assert!(
                            s.key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                            "{s:?}"
                        );
                    }
                    Err(d) => d
                        .located(&[(p.as_path(), Some(&text))])
                        .map_err(proptest::test_runner::TestCaseError::fail)?,
                }
            }
        }
    }
}

//! Reading a signers CSV file: its delimiter sniffed from the header line, its header
//! checked (every column named once, `name` among them), its records' cells and errors.

use std::collections::HashSet;
use std::io::Read;

use super::{ID, KNOWN};
use crate::diag::Error;
use crate::fields;

/// The header line's column names, the known ones in lower case. A column without a name, a
/// name that is not one line of text, a name given twice or no `name` column refuses the
/// file, at line 1.
pub(super) fn headers(
    reader: &mut csv::Reader<Box<dyn Read>>,
    shown: &str,
) -> Result<Vec<String>, Error> {
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
    Ok(headers)
}

/// A record's fields, the CR of a CR LF line end taken off the last.
pub(super) fn cells(record: &csv::StringRecord) -> impl Iterator<Item = &str> {
    let last = record.len().saturating_sub(1);
    record.iter().enumerate().map(move |(i, f)| {
        if i == last {
            f.strip_suffix('\r').unwrap_or(f)
        } else {
            f
        }
    })
}

/// A CSV error as the person who saved the file can act on it.
pub(super) fn csv_error(e: &csv::Error) -> String {
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
pub(super) fn sniff(start: &[u8]) -> u8 {
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

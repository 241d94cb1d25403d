//! One row of a signers file checked into a [`Signer`]: its shape (no lone CR, as many fields
//! as the header), each field, a name, and who the signer is.

use std::collections::BTreeMap;

use super::read::cells;
use super::{ID, KNOWN, Signer, Signers};
use crate::diag::Diagnostic;
use crate::fields::{self, Country, Email};

impl Signers {
    /// The signer in the record just read, which starts on `line`.
    pub(super) fn parse(&mut self, line: u64) -> Result<Signer, Diagnostic> {
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
        let key = self.identify(line, &name, id)?;
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

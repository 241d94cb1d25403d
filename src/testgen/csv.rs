//! Signers CSV files: headers, quoting, delimiters and line ends as spreadsheets (and
//! strangers) write them.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use super::text::{text, words};

/// The columns a signers file may have besides `name`.
const COLUMNS: &[&str] = &["email", "city", "country", "note", "id", "member"];
/// Header names that are wrong, or right in another case.
const ODD_COLUMNS: &[&str] = &["Name", "EMAIL", " name ", "", "name", "\"na\nme\"", "city"];

/// One CSV field, quoted as a spreadsheet would (or not, or badly).
fn csv_field(value: BoxedStrategy<String>) -> BoxedStrategy<String> {
    (value, 0u8..8)
        .prop_map(|(v, how)| match how {
            0 => format!("\"{}\"", v.replace('"', "\"\"")),
            1 => format!("\"{v}"),
            2 => format!("{v}\""),
            _ => v,
        })
        .boxed()
}

/// A signers CSV file: a header naming some of [`COLUMNS`], rows of good and bad values,
/// `,` or `;`, LF, CR LF or a lone CR, a byte-order mark or not, quotes with line breaks.
pub fn signers_csv() -> BoxedStrategy<Vec<u8>> {
    let value = || {
        prop_oneof![
            4 => words(),
            2 => "[a-z]{1,6}@example\\.org",
            1 => select(&["GB", "gb", "KZ", "XX", "", "17", "Ann", "ann"][..]).prop_map(str::to_string),
            2 => text(),
        ]
        .boxed()
    };
    // `name` and other columns in any order; now and then without `name`, or an odd one.
    let header = (
        proptest::sample::subsequence(COLUMNS, 0..5),
        prop_oneof![6 => Just(Some("name")), 1 => Just(None)],
        prop::option::weighted(0.15, select(ODD_COLUMNS)),
    )
        .prop_flat_map(|(mut cols, name, odd)| {
            cols.extend(name);
            cols.extend(odd);
            if cols.is_empty() {
                cols.push("name");
            }
            Just(cols).prop_shuffle()
        });
    // Rows mostly as long as the header.
    let rows = header.prop_flat_map(move |h| {
        let n = h.len();
        let len = prop_oneof![8 => Just(n..n + 1), 1 => Just(0..7)];
        let row = len.prop_flat_map(move |len| vec(csv_field(value()), len));
        (Just(h), vec(row, 0..8))
    });
    (
        rows,
        prop_oneof![8 => Just(","), 4 => Just(";"), 1 => Just(", "), 1 => Just("\t")],
        prop_oneof![6 => Just("\n"), 4 => Just("\r\n"), 1 => Just("\r")],
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|((header, rows), sep, end, bom, mixed_ends)| {
            let mut out = String::new();
            if bom {
                out.push('\u{feff}');
            }
            out.push_str(&header.join(sep));
            out.push_str(end);
            for (i, r) in rows.iter().enumerate() {
                out.push_str(&r.join(sep));
                out.push_str(if mixed_ends && i % 2 == 1 { "\n" } else { end });
            }
            out.into_bytes()
        })
        .boxed()
}

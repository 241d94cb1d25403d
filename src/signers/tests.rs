//! The signers file's tests: quoting, delimiters, line ends and line numbers, bad rows, identity.

use super::identity::key;
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
                format!("{}: {}", d.origin, d.message).replace(&*dir.path().to_string_lossy(), ""),
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
        bad[1].starts_with("/s.csv:3: column name contains a control character (carriage return)"),
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

//! Property tests through the real binary: whatever a stranger's workspace or signers file
//! holds, `outcry check` and `outcry compose` end within the time limit with 0, 1 or 2, never
//! a panic or a signal; a refusal (2) prints nothing but `file:line: message` lines (or
//! `file: message`, `error: ...` for usage, and `check`'s summary); and a success prints JSON
//! Lines. The generators are the unit tests' (`src/testgen.rs`).
//!
//! Failures are kept in `props.proptest-regressions` beside this file and replayed first.

use std::collections::BTreeMap;
use std::time::Duration;

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

use crate::{Case, Run};

#[allow(dead_code)] // the unit tests use the rest
#[path = "../../src/testgen.rs"]
mod testgen;

/// How long one run may take: a hang fails the property.
const LIMIT: Duration = Duration::from_secs(20);

/// A run of the binary costs 50 to 150 ms: a few dozen cases a property, whatever
/// `PROPTEST_CASES` says, and a bound on shrinking (a hang costs [`LIMIT`] a try).
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        max_shrink_time: 120_000,
        // `props.proptest-regressions` beside this file.
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..testgen::config(cases)
    }
}

/// A workspace: relative path → contents, shown as text when a case fails.
#[derive(Clone, Default)]
struct Files(BTreeMap<String, Vec<u8>>);

impl std::fmt::Debug for Files {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut m = f.debug_map();
        for (path, bytes) in &self.0 {
            m.entry(path, &String::from_utf8_lossy(bytes));
        }
        m.finish()
    }
}

/// Files with odd names that a workspace may also hold: line breaks and escapes in names,
/// a campaign folder with a bad id, a partial with no name.
const ODD: &[&str] = &[
    "letters/_partials/a\nb.hbs",
    "letters/Bad Name/campaign.toml",
    "letters/x\u{1b}[2J/campaign.toml",
    "letters/_partials/.hbs",
    "letters/_partials/\u{202e}p.hbs",
    "letters/c/subject.hbs",
    "letters/c/notes.txt",
];

/// `outcry.toml`: the branch's sender and (refused or not) server settings, any of them with
/// a wrong value. Programs it names are harmless (`true`, `echo`) in case one ever ran.
fn config_toml() -> BoxedStrategy<String> {
    let value = |good: &'static [&'static str]| {
        prop_oneof![
            4 => select(good).prop_map(str::to_string),
            1 => testgen::toml_value(),
        ]
    };
    let line = |key: &'static str, good: &'static [&'static str]| {
        prop::option::weighted(0.4, value(good).prop_map(move |v| format!("{key} = {v}\n")))
    };
    let sender = (
        line("name", &["\"Ann\"", "\"\""]),
        line("email", &["\"ann@example.org\"", "\"ann\""]),
        line("organisation", &["\"Branch\""]),
        line("city", &["\"Leeds\""]),
        line("country", &["\"GB\"", "\"kz\""]),
        line("address", &["\"1 Road\\nLeeds\""]),
    )
        .prop_map(|(a, b, c, d, e, f)| {
            [a, b, c, d, e, f].into_iter().flatten().collect::<String>()
        });
    let smtp = (
        line("host", &["\"127.0.0.1\"", "\"\""]),
        line("port", &["2525", "0", "70000", "-1"]),
        line(
            "security",
            &["\"starttls\"", "\"tls\"", "\"none\"", "\"x\""],
        ),
        line("username", &["\"ann\""]),
        line("password", &["\"hunter2\""]),
        line("password-cmd", &["[\"true\"]", "[\"echo\", \"x\"]", "[]"]),
        line("rate", &["10", "0", "-1", "1e309"]),
        line("timeout", &["10", "0"]),
        line("sendmail", &["\"/bin/true\""]),
        line("transport", &["\"smtp\"", "\"sendmail\""]),
        line("ca-file", &["\"ca.pem\"", "\"../../etc/passwd\""]),
    )
        .prop_map(|(a, b, c, d, e, f, g, h, i, j, k)| {
            [a, b, c, d, e, f, g, h, i, j, k]
                .into_iter()
                .flatten()
                .collect::<String>()
        });
    (
        sender,
        prop::option::of(smtp),
        prop::option::weighted(0.1, testgen::text()),
    )
        .prop_map(|(sender, smtp, junk)| {
            let smtp = smtp.map(|s| format!("[smtp]\n{s}")).unwrap_or_default();
            format!("[sender]\n{sender}{smtp}{}", junk.unwrap_or_default())
        })
        .boxed()
}

/// A whole workspace with one campaign `c`: contacts, settings, campaign.toml, its letter
/// and layouts, shared partials (none that includes itself: see
/// [`testgen::cyclic_partials`]), and now and then a file with an odd name.
fn workspace(partials: BoxedStrategy<Vec<(String, String)>>) -> impl Strategy<Value = Files> {
    let template = || testgen::or_bytes(testgen::template(testgen::PARTIALS));
    (
        testgen::or_bytes(testgen::contacts_toml()),
        prop::option::of(testgen::or_bytes(config_toml())),
        testgen::or_bytes(testgen::campaign_toml(testgen::template(&[]))),
        prop_oneof![8 => template().prop_map(Some), 1 => Just(None)],
        vec(
            (
                select(&["fax", "post", "web", "call", "copy"][..]),
                template(),
            ),
            0..2,
        ),
        partials,
        prop::option::weighted(0.2, (select(ODD), testgen::bytes())),
    )
        .prop_map(
            |(contacts, settings, campaign, letter, layouts, partials, odd)| {
                let mut f = BTreeMap::new();
                f.insert("contacts.toml".into(), contacts);
                if let Some(s) = settings {
                    f.insert("outcry.toml".into(), s);
                }
                f.insert("letters/c/campaign.toml".into(), campaign);
                if let Some(l) = letter {
                    f.insert("letters/c/letter.hbs".into(), l);
                }
                for (name, t) in layouts {
                    f.insert(format!("letters/c/{name}.hbs"), t);
                }
                for (name, t) in partials {
                    f.insert(format!("letters/_partials/{name}.hbs"), t.into_bytes());
                }
                if let Some((path, bytes)) = odd {
                    f.insert(path.to_string(), bytes);
                }
                Files(f)
            },
        )
}

/// Letters that use the signer's columns, known or not (strict mode: a column the file
/// lacks is a problem with that letter).
const SIGNER_LETTERS: &[&str] = &[
    "{{recipient.salutation}},\n\n{{signer.note}}\n\n{{sender.name}}, {{sender.city}}\n",
    "{{recipient.salutation}},\n\n{{personal}}\n\n{{signer.name}} ({{signer.member}}, {{signer.id}})\n",
    "{{#if signer.email}}{{signer.email}}{{/if}} {{signer.country}} {{lookup signer \"member\"}}\n",
];

/// A workspace whose campaign `c` renders (the one of `Case::minimal`), for the signers.
fn minimal(letter: &str) -> Case {
    Case::minimal().file("letters/c/letter.hbs", letter)
}

fn case(files: &Files) -> Case {
    let case = Case::empty();
    for (path, bytes) in &files.0 {
        let p = case.path().join(path);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, bytes).expect("write");
    }
    case.timeout(LIMIT)
}

/// How a path is shown on the terminal: line breaks and other control characters escaped.
fn shown(path: &str) -> String {
    path.chars()
        .map(|c| {
            if c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}') {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// The grammar of stderr when outcry refuses (exit 2). Each line is one of:
///
/// ```text
/// line      = located | usage | summary
/// located   = PATH ":" LINE ": " message | PATH ": " message
/// usage     = "error: " located | "error: no letter to write: " message
/// summary   = COUNT " error(s): fix them and run outcry check again"
/// PATH      = a file or folder of the workspace, or the signers file, as shown
/// LINE      = a line of that file (1 to its last, or one past a last line break)
/// COUNT     = a positive decimal number
/// message   = a character that is not a space, then anything (one line)
/// ```
///
/// A panic (`thread 'main' panicked at ...`), a backtrace, or a message that ran onto a
/// second line fits none of them. `Err` names the first line that does not fit.
fn refusal_grammar(stderr: &str, files: &Files) -> Result<(), String> {
    if stderr.trim().is_empty() {
        return Err("exit 2 with nothing on stderr".into());
    }
    if !stderr.ends_with('\n') {
        return Err("stderr does not end with a line break".into());
    }
    let mut known: Vec<(String, Option<usize>)> = files
        .0
        .iter()
        .map(|(p, b)| {
            let lines = String::from_utf8_lossy(b).matches('\n').count() + 1;
            (shown(p), Some(lines))
        })
        .collect();
    // What outcry names that may not be written: folders, missing files.
    for p in files.0.keys() {
        for dir in std::path::Path::new(p).ancestors().skip(1) {
            known.push((shown(&dir.display().to_string()), None));
        }
    }
    for p in [
        "contacts.toml",
        "letters",
        "letters/c",
        "letters/c/campaign.toml",
        "letters/c/letter.hbs",
    ] {
        known.push((p.to_string(), None));
    }
    // Longest first: `letters/c` must not take `letters/c/letter.hbs`'s place.
    known.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
    for line in stderr.lines() {
        line_fits(line, &known).map_err(|why| format!("{why}: {line:?}"))?;
    }
    Ok(())
}

fn message_ok(m: &str) -> bool {
    m.chars().next().is_some_and(|c| !c.is_whitespace()) && !m.contains(['\r', '\u{1b}'])
}

fn line_fits(line: &str, known: &[(String, Option<usize>)]) -> Result<(), &'static str> {
    if let Some(m) = line.strip_prefix("error: ") {
        // A refused signers file is located too; the one usage error that names no file.
        if m.starts_with("no letter to write: ") {
            return Ok(());
        }
        return line_fits(m, known).map_err(|_| "a usage error that names no file");
    }
    if let Some(n) = line.strip_suffix(" error(s): fix them and run outcry check again") {
        let count = !n.is_empty() && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit());
        return if count {
            Ok(())
        } else {
            Err("a summary without a count")
        };
    }
    for (path, lines) in known {
        let Some(rest) = line.strip_prefix(path.as_str()) else {
            continue;
        };
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        if let Some(m) = rest.strip_prefix(' ') {
            return if message_ok(m) {
                Ok(())
            } else {
                Err("no message")
            };
        }
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let Some(m) = rest[digits.len()..].strip_prefix(": ") else {
            return Err("a file name, then neither a line nor a message");
        };
        let n: usize = digits.parse().map_err(|_| "not a line number")?;
        if digits.starts_with('0') || n == 0 || lines.is_some_and(|last| n > last) {
            return Err("a line the file does not have");
        }
        return if message_ok(m) {
            Ok(())
        } else {
            Err("no message")
        };
    }
    Err("not a message outcry writes")
}

/// Why a property test's output is not compared exactly: `judge` holds it to the rules that
/// hold for any input.
const RANDOM: &str = "random input: judged by the refusal grammar and the JSON Lines schema";

/// What every run must do: end, with 0, 1 or 2; no panic on stderr, whatever the code; a
/// refusal in the grammar above; a success with JSON Lines on stdout when asked for JSON.
fn judge(run: &Run, files: &Files, json: bool) -> Result<(), TestCaseError> {
    let report = || format!("--- stdout\n{}\n--- stderr\n{}", run.stdout, run.stderr);
    prop_assert!(
        [0, 1, 2].contains(&run.code),
        "exit {} (101 is a panic, -1 a signal)\n{}",
        run.code,
        report()
    );
    prop_assert!(
        !run.stderr.contains("panicked") && !run.stderr.contains("RUST_BACKTRACE"),
        "a panic\n{}",
        report()
    );
    match run.code {
        2 => {
            refusal_grammar(&run.stderr, files)
                .map_err(|e| TestCaseError::fail(format!("{e}\n{}", report())))?;
            prop_assert_eq!(&run.stdout, "", "a refusal writes no data");
        }
        0 if json => {
            prop_assert!(!run.stdout.is_empty(), "no JSON\n{}", report());
            // `json` checks each line: JSON, the schema, a known type.
            let lines = run.json();
            prop_assert!(
                lines["summary"].is_object(),
                "no summary line\n{}",
                report()
            );
        }
        _ => {}
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(40))]

    /// `outcry check` on any workspace.
    #[test]
    fn props_check_any_workspace(files in workspace(testgen::partials())) {
        let run = case(&files).args(["check"]).run().stdout_unchecked(RANDOM).stderr_unchecked(RANDOM);
        judge(&run, &files, false)?;
        if run.code == 0 {
            prop_assert!(run.stderr.lines().last().is_some_and(|l| l.starts_with("ok: ")), "{}", run.stderr);
        }
    }

    /// `outcry compose c --format json` on any workspace, with a sender or without.
    #[test]
    fn props_compose_any_workspace(files in workspace(testgen::partials()), sender in any::<bool>()) {
        let mut case = case(&files);
        if sender {
            case = case.sender();
        }
        let run = case.args(["compose", "c", "--format", "json"]).run().stdout_unchecked(RANDOM).stderr_unchecked(RANDOM);
        judge(&run, &files, true)?;
    }

    /// `outcry compose c --signers s.csv --format json` with any signers file.
    #[test]
    fn props_compose_any_signers(csv in testgen::signers_csv(), letter in select(SIGNER_LETTERS)) {
        let case = minimal(letter).sender().timeout(LIMIT);
        std::fs::write(case.path().join("s.csv"), &csv).expect("write");
        let files = Files(BTreeMap::from([("s.csv".to_string(), csv)]));
        let run = case.args(["compose", "c", "--signers", "s.csv", "--format", "json"]).run().stdout_unchecked(RANDOM).stderr_unchecked(RANDOM);
        judge(&run, &files, true)?;
    }
}

/// Checks and composes a workspace whose partials recurse or expand.
fn recursion(files: &Files) -> Result<(), TestCaseError> {
    let run = case(files)
        .args(["check"])
        .run()
        .stdout_unchecked(RANDOM)
        .stderr_unchecked(RANDOM);
    judge(&run, files, false)?;
    let run = run
        .again()
        .timeout(LIMIT)
        .args(["compose", "c", "--format", "json"])
        .run()
        .stdout_unchecked(RANDOM)
        .stderr_unchecked(RANDOM);
    judge(&run, files, true)
}

// WAITS ON THE TEMPLATE-ANALYSIS REWRITE in `render.rs` (another change): partials that
// include themselves, or expand exponentially, must be refused at a file and line, never
// overflow the stack or hang. Run them with `cargo test --test cli props_ -- --ignored`.
proptest! {
    #![proptest_config(config(24))]

    /// Partials that include themselves or each other: directly, inline, through a block.
    #[test]
    fn props_partial_cycles(files in workspace(testgen::cyclic_partials())) {
        recursion(&files)?;
    }

    /// A chain of partials each including the next two or three times.
    #[test]
    fn props_partial_expansion(files in workspace(testgen::expanding_partials())) {
        recursion(&files)?;
    }
}

/// Found by `props_check_any_workspace`: a message that quotes the workspace (a TOML key, a
/// file name) printed its line breaks and escapes as they were, so one problem took two lines
/// of stderr, or could rewrite the screen. They are shown escaped.
#[test]
fn props_found_a_line_break_in_a_key_or_file_name_stays_on_one_line() {
    Case::minimal()
        .file("contacts.toml", "[\"x\\ny\"]\nname = \"X\"\n")
        .file("letters/_partials/a\nb.hbs", "\u{1b}[2J")
        .args(["check"])
        .timeout(LIMIT)
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(
        "contacts.toml:1: unknown table `x\\ny`, expected `contacts` or `embassies`\n\
         letters/_partials/a\\nb.hbs: a partial's name is letters, digits, '-' and '_' (it is written as {{> name}})\n\
         letters/c/campaign.toml:5: target \"ministry\" is not in contacts.toml\n\
         letters/c/campaign.toml:5: target \"court\" is not in contacts.toml\n\
         letters/c/campaign.toml:6: coordinator \"coordinator\" is not in contacts.toml\n\
         5 error(s): fix them and run outcry check again\n",
    );
}

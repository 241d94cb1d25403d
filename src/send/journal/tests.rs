//! The journal's own tests: replay, torn and corrupt lines, seals, locks.

use super::*;
use std::fs;

fn key() -> Option<Key> {
    Key::from_bytes(&[7; 32])
}

/// The journal of campaign `c`, opened with the test key (never the writer's own).
fn open(root: &Path) -> Result<(Journal, Replay)> {
    Journal::open_with(root, "c", key())
}

fn read(root: &Path) -> Result<Replay> {
    Journal::read_with(root, "c", || Ok(key()))
}

/// Writes `c`'s journal: `lines` sealed with the test key, then `tail` as it is.
fn write(root: &Path, lines: &[&str], tail: &str) -> PathBuf {
    let p = path(root, "c");
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    let seal = Seal::new(key(), "c", Path::new(".outcry/journal/c.jsonl"));
    let mut text = String::new();
    let mut last = String::new();
    for l in lines {
        let (line, mac) = seal.seal(&last, l).unwrap();
        text.push_str(&line);
        text.push('\n');
        last = mac;
    }
    fs::write(&p, text + tail).unwrap();
    p
}

fn rec(id: &str, state: State) -> Record {
    Record {
        time: "t".into(),
        letter: id.into(),
        message_id: format!("<{id}@x>"),
        state,
        reply: None,
        recipients: Vec::new(),
        refused: Vec::new(),
        remaining: Vec::new(),
        call: None,
        drafts: None,
    }
}

#[test]
fn replay_takes_the_last_state_and_sending_means_unknown() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut j, replay) = open(dir.path()).unwrap();
        assert!(replay.letters().next().is_none());
        for r in [
            rec("a", State::Planned),
            rec("b", State::Planned),
            rec("a", State::Sending),
            rec("a", State::Accepted),
            rec("b", State::Sending),
        ] {
            j.record(&r).unwrap();
        }
    }
    let (_, replay) = open(dir.path()).unwrap();
    assert_eq!(replay.state("<a@x>"), Some(State::Accepted));
    assert_eq!(replay.state("<b@x>"), Some(State::Unknown));
    assert_eq!(replay.state("<c@x>"), None);
}

#[test]
fn a_torn_last_line_is_dropped_and_repaired() {
    let dir = tempfile::tempdir().unwrap();
    let good = serde_json::to_string(&rec("a", State::Accepted)).unwrap();
    write(dir.path(), &[&good], "{\"time\":\"t\",\"let");
    {
        let (mut j, replay) = open(dir.path()).unwrap();
        assert_eq!(replay.state("<a@x>"), Some(State::Accepted));
        j.record(&rec("b", State::Planned)).unwrap();
    }
    // The line after the repair is sealed after the last whole one.
    let replay = read(dir.path()).unwrap();
    assert_eq!(replay.state("<a@x>"), Some(State::Accepted));
    assert_eq!(replay.state("<b@x>"), Some(State::Planned));
    // A line cut inside a character is torn too, not "not UTF-8".
    write(dir.path(), &[&good], "{\"reply\":\"\u{e9}");
    let p = path(dir.path(), "c");
    let mut bytes = fs::read(&p).unwrap();
    bytes.pop();
    fs::write(&p, bytes).unwrap();
    assert_eq!(
        read(dir.path()).unwrap().state("<a@x>"),
        Some(State::Accepted)
    );
}

#[test]
fn a_corrupt_line_is_an_error_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[], "garbage\n");
    let e = read(dir.path()).unwrap_err();
    assert!(matches!(
        e.downcast_ref(),
        Some(crate::diag::Error::Usage(_))
    ));
    assert!(
        e.to_string()
            .starts_with(".outcry/journal/c.jsonl:1: corrupt journal line"),
        "{e}"
    );
    let good = serde_json::to_string(&rec("a", State::Accepted)).unwrap();
    let p = write(dir.path(), &[&good], "");
    let mut bytes = fs::read(&p).unwrap();
    bytes.extend_from_slice(b"\xff\n");
    fs::write(&p, bytes).unwrap();
    let e = open(dir.path()).err().unwrap().to_string();
    assert!(
        e.starts_with(".outcry/journal/c.jsonl:2: corrupt journal line (not UTF-8)"),
        "{e}"
    );
}

/// Security review: a journal outcry did not seal for this writer (shipped with the
/// workspace, or edited) is refused by `send` and `status` alike, and left as it is.
#[test]
fn a_line_not_sealed_by_the_writer_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let good = serde_json::to_string(&rec("a", State::Planned)).unwrap();
    let shipped = serde_json::to_string(&rec("b", State::Accepted)).unwrap();
    let p = write(dir.path(), &[&good], &format!("{shipped}\n"));
    let before = fs::read(&p).unwrap();
    let e = open(dir.path()).err().unwrap();
    assert!(matches!(
        e.downcast_ref(),
        Some(crate::diag::Error::Usage(_))
    ));
    assert!(
        e.to_string().starts_with(
            ".outcry/journal/c.jsonl:2: this record was not written by outcry for you (it has no mac)"
        ),
        "{e}"
    );
    assert_eq!(fs::read(&p).unwrap(), before);
    // Without a key, not even the writer's lines verify.
    write(dir.path(), &[&good], "");
    let e = Journal::read_with(dir.path(), "c", || Ok(None)).unwrap_err();
    assert!(
        e.to_string().starts_with(
            ".outcry/journal/c.jsonl:1: this record was not written by outcry for you (its mac does not match"
        ),
        "{e}"
    );
    // An empty journal needs no key.
    write(dir.path(), &[], "");
    assert!(Journal::read_with(dir.path(), "c", || Ok(None)).is_ok());
}

/// Issue item 11: a line written by a newer outcry (a field this one does not know) is read,
/// the unknown field ignored, so that an upgrade or a downgrade never blocks a send.
#[test]
fn a_field_from_a_newer_outcry_is_ignored() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            concat!(
                r#"{"time":"t","letter":"a","message_id":"<a@x>","state":"accepted","reply":"250 ok","#,
                r#""relay":{"host":"mx.example.org"},"attempt":3}"#,
            ),
            r#"{"time":"t","letter":"c","message_id":"<c@x>","state":"quarantined"}"#,
        ],
        "",
    );
    let replay = read(dir.path()).unwrap();
    assert_eq!(replay.state("<a@x>"), Some(State::Accepted));
    assert_eq!(
        replay.last("<a@x>").and_then(|r| r.reply.as_deref()),
        Some("250 ok")
    );
    // A state this version does not know is held back like an unknown one.
    assert_eq!(replay.state("<c@x>"), Some(State::Unknown));
    // A recipient's state or role this version does not know is read, and written again.
    let r: Record = serde_json::from_str(
        r#"{"time":"t","letter":"d","message_id":"<d@x>","state":"deferred","recipients":[{"address":"a@example.org","role":"resent-to","state":"bounced","since":1}]}"#,
    )
    .unwrap();
    assert_eq!(r.recipients[0].role, Role::Newer);
    assert_eq!(r.recipients[0].state, Reception::Newer);
    assert!(
        serde_json::to_string(&r)
            .unwrap()
            .contains(r#"{"address":"a@example.org","role":"unknown","state":"unknown"}"#)
    );
    let (mut j, _) = open(dir.path()).unwrap();
    j.record(&rec("b", State::Planned)).unwrap();
    drop(j);
    let replay = read(dir.path()).unwrap();
    assert_eq!(replay.state("<b@x>"), Some(State::Planned));
}

#[test]
fn text_read_from_a_journal_holds_no_control_character() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            r#"{"time":"t","letter":"a","message_id":"<a@x>","state":"failed","reply":"550 \u001b[2Jno","recipients":[{"address":"a@x","role":"to","state":"refused","reply":"550\u0007"}]}"#,
        ],
        "",
    );
    let replay = read(dir.path()).unwrap();
    let r = replay.last("<a@x>").unwrap();
    assert_eq!(r.reply.as_deref(), Some(r"550 \u{1b}[2Jno"));
    assert_eq!(r.recipients[0].reply.as_deref(), Some(r"550\u{7}"));
}

#[test]
fn a_second_open_is_refused_while_locked() {
    let dir = tempfile::tempdir().unwrap();
    let _first = open(dir.path()).unwrap();
    let e = open(dir.path()).err().unwrap().to_string();
    assert!(e.contains("another `outcry send c` is running"), "{e}");
}

fn call(target: &str, outcome: Outcome, note: Option<&str>) -> CallRecord {
    CallRecord {
        time: "2026-12-01T10:00:00Z".into(),
        target: target.into(),
        number: "+74959259800".into(),
        outcome,
        note: note.map(Into::into),
    }
}

/// Issue 15: calls are kept beside letters, every call a record of its own, and are no
/// letter's.
#[test]
fn calls_are_kept_in_order_and_are_not_letters() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut j, _) = open(dir.path()).unwrap();
        j.record(&rec("a", State::Accepted)).unwrap();
        j.record_call(&call("k", Outcome::Busy, None)).unwrap();
        j.record_call(&call("k", Outcome::Reached, Some("took my name\nsaid no")))
            .unwrap();
    }
    let (mut j, replay) = open(dir.path()).unwrap();
    assert_eq!(replay.letters().count(), 1);
    assert_eq!(
        replay.calls(),
        &[
            call("k", Outcome::Busy, None),
            call("k", Outcome::Reached, Some("took my name\nsaid no")),
        ]
    );
    j.record_call(&call("m", Outcome::NoAnswer, None)).unwrap();
    let text = fs::read_to_string(path(dir.path(), "c")).unwrap();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with(
            r#"{"time":"2026-12-01T10:00:00Z","letter":"call:m","message_id":"call:m:3","state":"newer","call":{"target":"m","number":"+74959259800","outcome":"no-answer"},"mac":""#
        ),
        "{last}"
    );
}

/// What an outcry that knows no calls makes of a call's line: a letter record it can read,
/// in the state of a newer outcry's, under an id no letter has.
#[test]
fn a_calls_line_reads_as_an_unknown_letter_without_calls() {
    #[derive(Deserialize)]
    struct Older {
        letter: String,
        message_id: String,
        state: State,
    }
    let json = serde_json::to_string(&call("k", Outcome::Reached, None).record(1)).unwrap();
    let older: Older = serde_json::from_str(&json).unwrap();
    assert_eq!(older.letter, "call:k");
    assert_eq!(older.message_id, "call:k:1");
    assert_eq!(older.state, State::Newer);
}

#[test]
fn a_note_is_shown_without_control_characters() {
    let dir = tempfile::tempdir().unwrap();
    let json = serde_json::to_string(&call("k", Outcome::Reached, Some("a\u{1b}[2J\nb")).record(1))
        .unwrap();
    write(dir.path(), &[&json], "");
    let replay = read(dir.path()).unwrap();
    assert_eq!(replay.calls()[0].note.as_deref(), Some("a\\u{1b}[2J\nb"));
}

/// Issue 15: drafting runs are kept (which letters, when; not where), numbered, and are no
/// letter's; a letter's first drafting is the one replayed (drafting again is no news).
#[test]
fn drafting_runs_are_kept_and_are_not_letters() {
    let dir = tempfile::tempdir().unwrap();
    {
        let (mut j, _) = open(dir.path()).unwrap();
        j.record_drafts(vec!["a".into(), "b".into()], "2026-12-01T10:00:00Z".into())
            .unwrap();
        j.record(&rec("a", State::Accepted)).unwrap();
    }
    let (mut j, replay) = open(dir.path()).unwrap();
    j.record_drafts(vec!["b".into()], "2026-12-02T10:00:00Z".into())
        .unwrap();
    assert_eq!(replay.letters().count(), 1);
    assert_eq!(replay.drafted("a"), Some("2026-12-01T10:00:00Z"));
    assert_eq!(replay.drafted("c"), None);
    let (_, replay) = {
        drop(j);
        open(dir.path()).unwrap()
    };
    assert_eq!(replay.drafted("b"), Some("2026-12-01T10:00:00Z"));
    let text = fs::read_to_string(path(dir.path(), "c")).unwrap();
    let last = text.lines().last().unwrap();
    assert!(
        last.starts_with(
            r#"{"time":"2026-12-02T10:00:00Z","letter":"drafts","message_id":"drafts:2","state":"newer","drafts":{"letters":["b"]},"mac":""#
        ),
        "{last}"
    );
}

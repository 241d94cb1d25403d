//! Issue 15: `outcry call` records phone calls in the campaign's journal, and `outcry status`
//! shows them under their targets.

use crate::Case;

const JOURNAL: &str = ".outcry/journal/mayday-2011.jsonl";

#[test]
fn issue_15_a_call_is_recorded_without_a_terminal_and_status_shows_it() {
    let run = Case::example()
        .args([
            "call",
            "mayday-2011",
            "presidential-administration",
            "--outcome",
            "voicemail",
            "--note",
            "left my name\nwill call again",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "recorded: a call to presidential-administration at +7 7172 74 55 24, voicemail\n",
        );
    let run = run
        .again()
        .args(["call", "mayday-2011", "court-tikhonov", "--outcome", "busy"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("recorded: a call to court-tikhonov at +7 727 271 5807, busy\n");
    // A second call to the same target is another record.
    let run = run
        .again()
        .args([
            "call",
            "mayday-2011",
            "presidential-administration",
            "--outcome",
            "reached",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_unchecked("as above");
    let journal = String::from_utf8(run.read(JOURNAL)).expect("utf-8");
    assert_eq!(journal.lines().count(), 3, "{journal}");
    let first: serde_json::Value =
        serde_json::from_str(journal.lines().next().expect("a line")).expect("JSON");
    assert_eq!(first["call"]["number"], "+77172745524");
    assert_eq!(first["call"]["outcome"], "voicemail");
    assert_eq!(first["call"]["note"], "left my name\nwill call again");
    let run = run
        .again()
        .args(["status", "mayday-2011"])
        .run()
        .success()
        .stdout_is(
            "call presidential-administration\n\
            \x20                            voicemail    [TIME]  +7 7172 74 55 24\n\
            \x20                                         left my name\n\
            \x20                                         will call again\n\
            \x20                            reached      [TIME]  +7 7172 74 55 24\n\
            call court-tikhonov\n\
            \x20                            busy         [TIME]  +7 727 271 5807\n",
        )
        .stderr_is("");
    run.again()
        .args(["status"])
        .run()
        .success()
        .stdout_is(
            "free-ainur-kurmanov  nothing sent yet\n\
            mayday-2011          no letters sent yet; 3 calls\n",
        )
        .stderr_is("");
}

#[test]
fn issue_15_an_unknown_target_or_outcome_names_what_is_allowed() {
    Case::example()
        .args(["call", "mayday-2011", "knb-press", "--outcome", "reached"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(
            "error: \"knb-press\" is not a target of campaign mayday-2011 with a phone: use one of presidential-administration, mfa-kz, court-tikhonov, embassy:KZ\n",
        );
    Case::example()
        .args([
            "call",
            "mayday-2011",
            "court-tikhonov",
            "--outcome",
            "hung-up",
        ])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(
            "error: --outcome \"hung-up\" is not an outcome: use one of reached, voicemail, no-answer, busy, refused, wrong-number\n",
        );
    Case::example()
        .args(["call", "mayday-2011", "court-tikhonov"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(
            "error: `outcry call` needs --outcome OUTCOME (there is no terminal to ask on): one of reached, voicemail, no-answer, busy, refused, wrong-number\n",
        );
    Case::example()
        .args([
            "call",
            "mayday-2011",
            "court-tikhonov",
            "--outcome",
            "busy",
            "--note",
            "a\u{1b}[2Jb",
        ])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_unchecked("the control character is refused");
}

#[test]
fn issue_15_quiet_leaves_stderr_empty() {
    Case::example()
        .args([
            "--quiet",
            "call",
            "mayday-2011",
            "embassy:KZ",
            "--outcome",
            "no-answer",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("");
}

#[test]
fn issue_15_an_outcome_without_a_target_asks_for_the_target() {
    Case::example()
        .args(["call", "mayday-2011", "--outcome", "busy"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(
            "error: --outcome records one call: name the TARGET called (`outcry call CAMPAIGN TARGET --outcome OUTCOME`)\n",
        );
}

/// The guided call session: every target with a phone, the one only a call reaches first;
/// Esc at the outcome skips a target, Esc at the note means none; Ctrl-C stops with the calls
/// recorded kept, and the one on screen (its outcome chosen, its note being typed) not.
#[test]
fn issue_15_the_guided_call_session_records_each_answer() {
    use crate::terminal::{CTRL_C, DOWN, ESC};
    let mut t = Case::example().terminal(["call", "mayday-2011"]);
    t.wait_for("What came of the call?");
    insta::assert_snapshot!("calls_guided_1_first", t.snapshot());
    t.keys(&[DOWN, "\r"])
        .wait_for("A note")
        .line("left my name")
        .wait_for("2/4");
    t.wait_for("What came of the call?")
        .keys(&[ESC])
        .wait_for("3/4");
    t.wait_for("What came of the call?");
    insta::assert_snapshot!("calls_guided_2_third", t.snapshot());
    t.keys(&["\r"])
        .wait_for("A note")
        .keys(&[ESC])
        .wait_for("4/4");
    t.wait_for("What came of the call?")
        .keys(&[DOWN, DOWN, DOWN, "\r"])
        .wait_for("A note")
        .keys(&["x", CTRL_C]);
    let run = t.finish().code(130);
    assert!(
        run.stdout.contains(
            "stopped: 2 calls recorded (`outcry status mayday-2011`); the call on screen is not"
        ),
        "{}",
        run.stdout
    );
    let journal = String::from_utf8(run.read(JOURNAL)).expect("utf-8");
    let calls: Vec<serde_json::Value> = journal
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON"))
        .collect();
    assert_eq!(calls.len(), 2, "{journal}");
    assert_eq!(calls[0]["call"]["target"], "presidential-administration");
    assert_eq!(calls[0]["call"]["outcome"], "voicemail");
    assert_eq!(calls[0]["call"]["note"], "left my name");
    assert_eq!(calls[1]["call"]["target"], "court-tikhonov");
    assert_eq!(calls[1]["call"]["outcome"], "reached");
    assert_eq!(calls[1]["call"].get("note"), None, "Esc: no note");
}

//! `outcry report`: what the writer did for a campaign, and `--send` to the coordinators.

use mail_parser::MessageParser;

use crate::smtp_server::{Fault, Security, Server};
use crate::{Case, Run};

const USER: &str = "activist";
const PASSWORD: &str = "correct-horse-battery-staple";

fn mayday(server: &Server) -> Case {
    Case::example().sender().smtp(server, USER, PASSWORD)
}

/// The reports the server received: recipients and body, in order.
fn reports(server: &Server) -> Vec<(Vec<String>, String)> {
    server
        .received()
        .iter()
        .filter_map(|r| {
            let m = MessageParser::default().parse(&r.data)?;
            m.subject()?.starts_with("Report: ").then(|| {
                (
                    r.rcpt_to.clone(),
                    m.body_text(0).map(|b| b.to_string()).unwrap_or_default(),
                )
            })
        })
        .collect()
}

/// What `report --send --yes` says when the report goes to both coordinators and the test
/// server takes it (its id hidden by [`HideReportId`]).
const REPORT_ACCEPTED: &str = "1 e-mail letter(s) from sender@example.org through activist at 127.0.0.1:[PORT] (STARTTLS):\n\
    \x20 report:[ID]          robert.cwi@gmail.com, ainur1917@gmail.com\n\
    accepted 1:\n\
    \x20 report:[ID]          250 2.0.0 queued\n";

trait HideReportId {
    /// The report's id (from a hash of what it says, times included) as `report:[ID]`.
    fn hide_report_id(self) -> Self;
}

impl HideReportId for Run {
    fn hide_report_id(self) -> Run {
        let id = self
            .stderr
            .split_whitespace()
            .find(|w| w.starts_with("report:"))
            .map(str::to_string);
        match id {
            Some(id) => self.redact(&id, "report:[ID]"),
            None => self,
        }
    }
}

#[test]
fn report_shows_every_letter_with_its_fate() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let run = mayday(&server)
        .args(["report", "mayday-2011"])
        .run()
        .success()
        .stdout_is(
            "mayday-2011: May Day 2011: stop police violence against activists in Almaty\n\
            \n\
            knb-press                    e-mail    not sent\n\
            almaty-police-press          e-mail    not sent\n\
            mfa-kz                       e-mail    not sent\n\
            court-tikhonov               fax       by hand\n\
            court-tikhonov.copy          e-mail    not sent\n\
            embassy-kz-gb                e-mail    not sent\n\
            \n\
            6 letters: 5 not sent, 1 by hand\n",
        )
        .stderr_is("");
    let run = run
        .again()
        .args(["send", "mayday-2011", "--yes", "--to", "knb-press"])
        .run()
        .success()
        .stdout_unchecked("the send tests pin send's output")
        .stderr_unchecked("the send tests pin send's output");
    let run = run
        .again()
        .args(["report", "mayday-2011"])
        .run()
        .success()
        .stdout_is("mayday-2011: May Day 2011: stop police violence against activists in Almaty\n\
            \n\
            knb-press                    e-mail    accepted  [TIME]  250 2.0.0 queued\n\
            \x20                                      accepted  press@knb.kz (to): 250 2.0.0 queued\n\
            \x20                                      accepted  robert.cwi@gmail.com (cc): 250 2.0.0 queued\n\
            \x20                                      accepted  ainur1917@gmail.com (cc): 250 2.0.0 queued\n\
            almaty-police-press          e-mail    not sent\n\
            mfa-kz                       e-mail    not sent\n\
            court-tikhonov               fax       by hand\n\
            court-tikhonov.copy          e-mail    not sent\n\
            embassy-kz-gb                e-mail    not sent\n\
            \n\
            6 letters: 1 accepted, 4 not sent, 1 by hand\n")
        .stderr_is("");
    let run = run
        .again()
        .args(["report", "mayday-2011", "--format", "json"])
        .run()
        .success()
        .stderr_is("");
    let json = run.json();
    let fates = json["fates"].as_array().expect("fates");
    assert_eq!(fates.len(), 6);
    assert_eq!(fates[0]["letter"], "knb-press");
    assert_eq!(fates[0]["channel"], "email");
    assert_eq!(fates[0]["state"], "accepted");
    assert_eq!(fates[0]["reply"], "250 2.0.0 queued");
    assert_eq!(fates[1]["state"], "not_sent");
    assert_eq!(json["summary"]["campaign"], "mayday-2011");
    assert_eq!(json["summary"]["accepted"], 1);
}

/// Drafting alone makes no journal (nor journal key): a workspace drafted in and passed on
/// carries none for the next writer's `send` to refuse.
#[test]
fn drafting_alone_makes_no_journal() {
    let run = Case::example()
        .sender()
        .args(["compose", "mayday-2011", "--out", "drafts"])
        .run()
        .success()
        .stdout_is("")
        .stderr_unchecked("the drafts tests pin compose's notes");
    assert_eq!(run.files(".outcry"), Vec::<String>::new());
    assert_eq!(run.files(".home/.local/state"), Vec::<String>::new());
}

/// Issue 15: letters written as drafts (for the mail program, or a fax to send by hand) are
/// "drafted", not "not sent", once the campaign has a journal; the journal says nothing of
/// where they went.
#[test]
fn drafted_letters_are_reported_as_drafted() {
    // Once there is a journal (a call recorded, a letter sent), drafting runs go into it.
    let run = Case::example()
        .sender()
        .args([
            "call",
            "mayday-2011",
            "presidential-administration",
            "--outcome",
            "busy",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_unchecked("the call tests pin this");
    let run = run
        .again()
        .args([
            "compose",
            "mayday-2011",
            "--to",
            "knb-press",
            "--to",
            "court-tikhonov",
            "--out",
            "drafts",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_unchecked("the drafts tests pin compose's notes");
    let run = run
        .again()
        .args(["report", "mayday-2011"])
        .run()
        .success()
        .stdout_is(
            "mayday-2011: May Day 2011: stop police violence against activists in Almaty\n\
            \n\
            knb-press                    e-mail    drafted   [TIME]\n\
            almaty-police-press          e-mail    not sent\n\
            mfa-kz                       e-mail    not sent\n\
            court-tikhonov               fax       drafted   [TIME]\n\
            court-tikhonov.copy          e-mail    drafted   [TIME]\n\
            embassy-kz-gb                e-mail    not sent\n\
            \n\
            calls\n\
            presidential-administration  call      busy         [TIME]  +7 7172 74 55 24\n\
            \n\
            6 letters: 3 drafted, 3 not sent; 1 call: 1 busy\n",
        )
        .stderr_is("");
    let journal = String::from_utf8(run.read(".outcry/journal/mayday-2011.jsonl")).expect("utf-8");
    assert!(
        !journal.contains("drafts/"),
        "no path in the journal: {journal}"
    );
    // Drafting again is no news: the report (and so what `--send` would send) stays the same.
    let before = run.stdout.clone();
    // The journal's times are the clock's, to the second: the second drafting is a later one.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let run = run
        .again()
        .args([
            "compose",
            "mayday-2011",
            "--to",
            "knb-press",
            "--out",
            "drafts",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_unchecked("the drafts tests pin compose's notes");
    let run = run
        .again()
        .args(["report", "mayday-2011"])
        .run()
        .success()
        .stdout_unchecked("compared whole with the report before, times and all, below")
        .stderr_is("");
    assert_eq!(run.stdout, before);
    let run = run
        .again()
        .args(["report", "mayday-2011", "--format", "json"])
        .run()
        .success()
        .stderr_is("");
    let json = run.json();
    assert_eq!(json["summary"]["drafted"], 3);
    assert_eq!(json["fates"][0]["state"], "drafted");
    // A drafting run is no letter: `status` has nothing sent.
    run.again()
        .args(["status", "mayday-2011"])
        .run()
        .success()
        .stdout_is(
            "call presidential-administration\n\
            \x20                            busy         [TIME]  +7 7172 74 55 24\n",
        )
        .stderr_is("");
}

/// Issue 15: `report --send` reaches both coordinators once, and again only after
/// something new happened.
#[test]
fn report_send_reaches_the_coordinators_once_per_new_state() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let run = mayday(&server)
        .args(["send", "mayday-2011", "--yes", "--to", "knb-press"])
        .run()
        .success()
        .stdout_unchecked("the send tests pin send's output")
        .stderr_unchecked("the send tests pin send's output");
    let run = run
        .again()
        .args(["report", "mayday-2011", "--send", "--yes"])
        .run()
        .success()
        .hide_report_id()
        .stdout_is("")
        .stderr_is(REPORT_ACCEPTED);
    let got = reports(&server);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].0, ["robert.cwi@gmail.com", "ainur1917@gmail.com"]);
    assert!(got[0].1.contains("knb-press"), "{}", got[0].1);
    let run = run
        .again()
        .args(["report", "mayday-2011", "--send", "--yes"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "nothing new to report: the coordinators got this report (report:[ID]) at [TIME]\n",
        );
    assert_eq!(reports(&server).len(), 1, "nothing new: nothing sent");
    // With JSON Lines, as `send --format json` with nothing to send: no line on stdout.
    let run = run
        .again()
        .args([
            "report",
            "mayday-2011",
            "--send",
            "--yes",
            "--format",
            "json",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "nothing new to report: the coordinators got this report (report:[ID]) at [TIME]\n",
        );
    assert_eq!(reports(&server).len(), 1, "nothing new: nothing sent");
    let run = run
        .again()
        .args(["send", "mayday-2011", "--yes", "--to", "mfa-kz"])
        .run()
        .success()
        .stdout_unchecked("the send tests pin send's output")
        .stderr_unchecked("the send tests pin send's output");
    let run = run
        .again()
        .args(["report", "mayday-2011", "--send", "--yes"])
        .run()
        .success()
        .hide_report_id()
        .stdout_is("")
        .stderr_is(REPORT_ACCEPTED);
    let got = reports(&server);
    assert_eq!(got.len(), 2, "the new state, once");
    // `status` keeps the reports apart from the campaign's letters.
    let run = run
        .again()
        .args(["status", "mayday-2011"])
        .run()
        .success()
        .stdout_is(
            "knb-press                    accepted  [TIME]  250 2.0.0 queued\n\
            mfa-kz                       accepted  [TIME]  250 2.0.0 queued\n\
            report:[ID]          accepted  [TIME]  250 2.0.0 queued\n\
            report:[ID]          accepted  [TIME]  250 2.0.0 queued\n",
        )
        .stderr_is("");
    run.again()
        .args(["status"])
        .run()
        .success()
        .stdout_is(
            "free-ainur-kurmanov  nothing sent yet\n\
            mayday-2011          2 letters: 2 accepted; 2 reports to the coordinators\n",
        )
        .stderr_is("");
    assert_eq!(got[1].0, ["robert.cwi@gmail.com", "ainur1917@gmail.com"]);
    assert!(
        got[1]
            .1
            .contains("mfa-kz                       e-mail    accepted")
    );
}

/// A report the server refused for good is held back as a letter would be, saying how to
/// send it again; `--retry-failed` does.
#[test]
fn a_refused_report_goes_again_with_retry_failed() {
    let server = Server::start(
        Security::StartTls,
        Some((USER, PASSWORD)),
        vec![Fault::ReplyToMessage {
            n: 2,
            code: 554,
            text: "5.7.1 Message refused".into(),
        }],
    );
    let run = mayday(&server)
        .args(["send", "mayday-2011", "--yes", "--to", "knb-press"])
        .run()
        .success()
        .stdout_unchecked("the send tests pin send's output")
        .stderr_unchecked("the send tests pin send's output");
    let run = run
        .again()
        .args(["report", "mayday-2011", "--send", "--yes"])
        .run()
        .code(1)
        .hide_report_id()
        .stdout_is("")
        .stderr_is("1 e-mail letter(s) from sender@example.org through activist at 127.0.0.1:[PORT] (STARTTLS):\n\
            \x20 report:[ID]          robert.cwi@gmail.com, ainur1917@gmail.com\n\
            failed (refused by the server; `outcry report --send --retry-failed` tries them again) 1:\n\
            \x20 report:[ID]          robert.cwi@gmail.com (to) refused: permanent error (554): 5.7.1 Message refused; ainur1917@gmail.com (to) refused: permanent error (554): 5.7.1 Message refused\n");
    let run = run
        .again()
        .args(["report", "mayday-2011", "--send", "--yes"])
        .run()
        .code(1)
        .stdout_is("")
        .stderr_is("nothing to send now: 1 letter(s) held back (see below)\n\
            failed (refused by the server; `outcry report --send --retry-failed` tries them again) 1:\n\
            \x20 report:[ID]          robert.cwi@gmail.com (to) refused: permanent error (554): 5.7.1 Message refused; ainur1917@gmail.com (to) refused: permanent error (554): 5.7.1 Message refused (not resent: use --retry-failed)\n");
    assert_eq!(reports(&server).len(), 0);
    run.again()
        .args(["report", "mayday-2011", "--send", "--yes", "--retry-failed"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(REPORT_ACCEPTED);
    let got = reports(&server);
    assert_eq!(got.len(), 1, "sent again, once");
    assert_eq!(got[0].0, ["robert.cwi@gmail.com", "ainur1917@gmail.com"]);
}

#[test]
fn report_send_dry_run_connects_nowhere() {
    Case::example()
        .sender()
        .args(["report", "mayday-2011", "--send", "--dry-run"])
        .run()
        .success()
        .stdout_unchecked("the message, with its Date")
        .stderr_is("1 e-mail letter(s) from sender@example.org through no transport yet (set [smtp] to send):\n\
            \x20 report:b38215c7421b          robert.cwi@gmail.com, ainur1917@gmail.com\n\
            dry run: nothing was sent, no connection was made\n");
}

/// Issue 15 item 5: a bulk run's report counts each member's letters.
#[test]
fn a_bulk_report_counts_letters_per_member() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let run = crate::bulk::branch()
        .smtp(&server, USER, PASSWORD)
        .file(
            "members.csv",
            "name,email,city,country,note\n\
             Ann Activist,ann@example.org,Leeds,GB,\n\
             Bob Builder,,York,GB,\n",
        )
        .args([
            "send",
            "mayday-2011",
            "--signers",
            "members.csv",
            "--to",
            "knb-press",
            "--yes",
        ])
        .run()
        .success()
        .stdout_unchecked("the bulk tests pin send's output")
        .stderr_unchecked("the bulk tests pin send's output");
    let run = run
        .again()
        .args(["report", "mayday-2011", "--signers", "members.csv"])
        .run()
        .success()
        .stdout_is(
            "mayday-2011: May Day 2011: stop police violence against activists in Almaty\n\
            \n\
            Ann Activist                 6 letters: 1 accepted, 4 not sent, 1 by hand\n\
            Bob Builder                  6 letters: 1 accepted, 4 not sent, 1 by hand\n\
            \n\
            2 members, 12 letters: 2 accepted, 8 not sent, 2 by hand\n",
        )
        .stderr_is("");
    let json = run
        .again()
        .args([
            "report",
            "mayday-2011",
            "--signers",
            "members.csv",
            "--format",
            "json",
        ])
        .run()
        .success()
        .stderr_is("")
        .json();
    let members = json["members"].as_array().expect("members");
    assert_eq!(members.len(), 2);
    assert_eq!(members[0]["name"], "Ann Activist");
    assert_eq!(members[0]["accepted"], 1);
    assert_eq!(json["summary"]["accepted"], 2);
}

#[test]
fn a_report_without_coordinators_goes_nowhere() {
    Case::example()
        .sender()
        .args(["report", "free-ainur-kurmanov", "--send", "--dry-run"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("letters/free-ainur-kurmanov/campaign.toml:9: warning: the deadline 2010-05-06 has passed\n\
            letters/free-ainur-kurmanov/campaign.toml:25: warning: almaty-prosecutor: Prosecutor of the City of Almaty has no e-mail, fax, web form, postal address or phone in contacts.toml\n\
            error: free-ainur-kurmanov has no coordinators with an e-mail address (`cc` in its campaign.toml): nobody to send the report to\n");
}

/// Calls are in the report with their outcomes and notes (issue 15), and a new call is
/// something new: `report --send` sends the report again, once.
#[test]
fn calls_are_reported_and_a_new_call_is_news() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let run = mayday(&server)
        .args([
            "call",
            "mayday-2011",
            "presidential-administration",
            "--outcome",
            "reached",
            "--note",
            "Spoke to the duty officer.",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "recorded: a call to presidential-administration at +7 7172 74 55 24, reached\u{a}",
        );
    let run = run
        .again()
        .args(["report", "mayday-2011"])
        .run()
        .success()
        .stdout_is(
            "mayday-2011: May Day 2011: stop police violence against activists in Almaty\n\
            \n\
            knb-press                    e-mail    not sent\n\
            almaty-police-press          e-mail    not sent\n\
            mfa-kz                       e-mail    not sent\n\
            court-tikhonov               fax       by hand\n\
            court-tikhonov.copy          e-mail    not sent\n\
            embassy-kz-gb                e-mail    not sent\n\
            \n\
            calls\n\
            presidential-administration  call      reached      [TIME]  +7 7172 74 55 24\n\
            \x20                                      Spoke to the duty officer.\n\
            \n\
            6 letters: 5 not sent, 1 by hand; 1 call: 1 reached\n",
        )
        .stderr_is("");
    let run = run
        .again()
        .args(["report", "mayday-2011", "--send", "--yes"])
        .run()
        .success()
        .hide_report_id()
        .stdout_is("")
        .stderr_is(REPORT_ACCEPTED);
    let got = reports(&server);
    assert_eq!(got.len(), 1);
    assert!(
        got[0].1.contains("Spoke to the duty officer.") && got[0].1.contains("1 call: 1 reached"),
        "{}",
        got[0].1
    );
    let run = run
        .again()
        .args([
            "call",
            "mayday-2011",
            "court-tikhonov",
            "--outcome",
            "voicemail",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("recorded: a call to court-tikhonov at +7 727 271 5807, voicemail\u{a}");
    run.again()
        .args(["report", "mayday-2011", "--send", "--yes"])
        .run()
        .success()
        .hide_report_id()
        .stdout_is("")
        .stderr_is(REPORT_ACCEPTED);
    let got = reports(&server);
    assert_eq!(got.len(), 2, "the new call, once");
    assert!(
        got[1].1.contains("2 calls: 1 reached, 1 voicemail"),
        "{}",
        got[1].1
    );
}

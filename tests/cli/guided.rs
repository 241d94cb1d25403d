//! The guided path, `init`, and `new` on a terminal: the real binary in a pseudo-terminal,
//! answered key by key; the screens a person sees are snapshots.

use crate::terminal::{CTRL_C, DOWN, ESC};
use crate::{Case, PERSONAL_CONFIG_DIR, smtp_server};

/// A pager that shows where it was used: the first lines of what it is given, marked.
const PAGER: &str = "sed -n 1,3s/^/pager:/p";

fn parse(bytes: &[u8]) -> mail_parser::Message<'_> {
    mail_parser::MessageParser::default()
        .parse(bytes)
        .expect("a message")
}

fn personal_config(run: &crate::Run) -> toml::Table {
    let text =
        String::from_utf8(run.read(&format!("{PERSONAL_CONFIG_DIR}/config.toml"))).expect("utf-8");
    toml::from_str(&text).expect("the saved config is TOML")
}

/// From `outcry` to drafts with one's own name and words, as someone new would go.
#[test]
fn a_newcomer_writes_the_may_day_drafts() {
    let mut t = Case::example()
        .env("PAGER", PAGER)
        .terminal(Vec::<&str>::new());
    t.wait_for("Which appeal do you want to write for?");
    insta::assert_snapshot!("guided_1_campaigns", t.snapshot());
    t.keys(&[DOWN, "\r"]).wait_for("Your name");
    insta::assert_snapshot!("guided_2_appeal_and_profile", t.snapshot());
    t.line("Ann Activist")
        .wait_for("Your e-mail address")
        .line("ann@example.org")
        .wait_for("Organisation or branch")
        .keys(&["\r"])
        .wait_for("Your city")
        .line("Leeds")
        .wait_for("two-letter code")
        .keys(&["\r"])
        .wait_for("for next time?")
        .keys(&["y"])
        .wait_for("Whom do you write to?");
    insta::assert_snapshot!("guided_3_targets", t.snapshot());
    t.keys(&["\r"])
        .wait_for("Write to these in their language?");
    insta::assert_snapshot!("guided_3b_languages", t.snapshot());
    t.keys(&["\r"])
        .wait_for("Add a paragraph in your own words?")
        .keys(&[DOWN, "\r"])
        .wait_for("Your paragraph")
        .line("I marched on May Day in Leeds, and I expect an answer.")
        .wait_for("Read the letters before they go");
    insta::assert_snapshot!("guided_4_preview", t.snapshot());
    t.keys(&["\r"])
        .wait_for("pager:=== 1/7 e-mail: knb-press ===");
    // Back at the list, the first letter ticked; the last item goes on.
    t.wait_for("✓ 1/7")
        .keys(&[DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, "\r"])
        .wait_for("What now?");
    insta::assert_snapshot!("guided_5_what_now", t.snapshot());
    t.keys(&["\r"])
        .wait_for("Folder for the drafts")
        .keys(&["\r"])
        .wait_for("wrote drafts/mayday-2011")
        .wait_for("The appeal asks for calls too");
    // After the letters, the calls (issue 15); no mail account, so no report to send.
    insta::assert_snapshot!("guided_6_calls", t.snapshot());
    t.keys(&["n"]).wait_for("No calls now");
    let run = t.finish().code(0);

    let files = run.files("drafts/mayday-2011");
    // Seven drafts (the court's fax and its copy to the coordinators among them), the fax's
    // PDF (issue 13) and the list of them (`.outcry-drafts`).
    assert_eq!(files.len(), 9, "{files:?}");
    assert!(
        files.iter().any(|f| f == "court-tikhonov.fax.pdf"),
        "{files:?}"
    );
    let eml = run.read("drafts/mayday-2011/knb-press.eml");
    let msg = parse(&eml);
    let from = msg.from().and_then(|a| a.first()).expect("From");
    assert_eq!(from.name(), Some("Ann Activist"));
    assert_eq!(from.address(), Some("ann@example.org"));
    let body = msg.body_text(0).expect("body").replace("\r\n", "\n");
    assert!(
        body.contains("I marched on May Day in Leeds, and I expect an answer."),
        "{body}"
    );
    assert!(
        body.contains("Ann Activist\nLeeds, United Kingdom"),
        "{body}"
    );
    let fax =
        String::from_utf8(run.read("drafts/mayday-2011/court-tikhonov.fax.txt")).expect("utf-8");
    assert!(fax.contains("I marched on May Day in Leeds"), "{fax}");

    let saved = personal_config(&run);
    assert_eq!(saved["sender"]["name"].as_str(), Some("Ann Activist"));
    assert_eq!(saved["sender"]["email"].as_str(), Some("ann@example.org"));
    assert_eq!(saved["sender"]["city"].as_str(), Some("Leeds"));
    assert_eq!(saved["sender"]["country"].as_str(), Some("GB"));

    // The next time, the saved profile is offered as it is.
    let mut t = run.again().terminal(["compose"]);
    t.wait_for("Which appeal").keys(&[DOWN, "\r"]);
    t.wait_for("Sign the letters with this profile?");
    assert!(
        t.screen().contains("Ann Activist <ann@example.org>"),
        "{}",
        t.screen()
    );
    t.keys(&[ESC]);
    t.finish().code(130);
}

/// Esc at a menu and Ctrl-C in a menu or a text field end the program with 130; nothing is
/// written and the cursor is visible again.
#[test]
fn cancelling_halfway_writes_nothing() {
    let cursor_shown = |transcript: &str| {
        let (shown, hidden) = (transcript.rfind("\x1b[?25h"), transcript.rfind("\x1b[?25l"));
        hidden.is_none() || shown > hidden
    };
    let case = Case::example().sender().env("OUTCRY_SENDER_CITY", "Leeds");
    let mut t = case.terminal(["compose"]);
    t.wait_for("Which appeal").keys(&[DOWN, "\r"]);
    t.wait_for("Sign the letters with this profile?")
        .keys(&["y"]);
    t.wait_for("Whom do you write to?").keys(&[ESC]);
    let run = t.finish().code(130);
    assert!(
        run.stdout.contains("cancelled: nothing was written"),
        "{}",
        run.stdout
    );
    assert!(cursor_shown(&run.stdout), "{:?}", run.stdout);

    let mut t = run.again().terminal(["compose"]);
    t.wait_for("Which appeal").keys(&[DOWN, "\r"]);
    t.wait_for("Sign the letters with this profile?")
        .keys(&["y"]);
    t.wait_for("Whom do you write to?").keys(&[CTRL_C]);
    let run = t.finish().code(130);
    assert!(
        run.stdout.contains("cancelled: nothing was written"),
        "{}",
        run.stdout
    );
    assert!(cursor_shown(&run.stdout), "{:?}", run.stdout);

    let mut t = run.again().terminal(Vec::<&str>::new());
    t.wait_for("Which appeal").keys(&[DOWN, "\r"]);
    t.wait_for("Sign the letters with this profile?")
        .keys(&["n"]);
    t.wait_for("Your name").keys(&["A", "n", CTRL_C]);
    let run = t.finish().code(130);
    assert!(
        run.stdout.contains("cancelled: nothing was written"),
        "{}",
        run.stdout
    );
    let mut everything = run.files("");
    everything.retain(|f| !f.starts_with("letters/") && f != "contacts.toml" && f != "outcry.toml");
    assert!(everything.is_empty(), "written: {everything:?}");
}

/// The guided `send` with the profile as it is, every target, each in their language, no
/// paragraph of one's own, the letters not read: up to "What now?".
fn to_what_now(t: &mut crate::terminal::Terminal) {
    t.wait_for("Which appeal").keys(&[DOWN, "\r"]);
    t.wait_for("Sign the letters with this profile?")
        .keys(&["y"]);
    t.wait_for("Whom do you write to?").keys(&["\r"]);
    t.wait_for("in their language?").keys(&["\r"]);
    t.wait_for("Add a paragraph").keys(&["\r"]);
    t.wait_for("Read the letters")
        .keys(&[DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, "\r"]);
    t.wait_for("What now?");
}

/// The guided `send`: the configured profile, all targets, the same confirmation as
/// `outcry send`, and the letters at the test server.
#[test]
fn guided_send_delivers_to_the_server() {
    let server = smtp_server::Server::start(
        smtp_server::Security::StartTls,
        Some(("user", "secret")),
        Vec::new(),
    );
    let mut t = Case::example()
        .smtp(&server, "user", "secret")
        .personal_config("[sender]\nname = \"Ann Activist\"\nemail = \"ann@example.org\"\ncity = \"Leeds\"\ncountry = \"GB\"\n")
        .env("PAGER", PAGER)
        .terminal(["send"]);
    to_what_now(&mut t);
    insta::assert_snapshot!(
        "guided_send_what_now",
        t.snapshot().replace(&server.port().to_string(), "[port]")
    );
    t.keys(&["\r"])
        .wait_for("Send these letters now?")
        .keys(&["y"]);
    t.wait_for("accepted 5:");
    // Then the calls (issue 15): one made and recorded with a note, the others skipped.
    t.wait_for("The appeal asks for calls too").keys(&["y"]);
    t.wait_for("What came of the call?")
        .keys(&["\r"])
        .wait_for("A note")
        .line("They took my name and the case number")
        .wait_for("2/4");
    for next in ["3/4", "4/4"] {
        t.wait_for("What came of the call?")
            .keys(&[ESC])
            .wait_for(next);
    }
    t.wait_for("What came of the call?").keys(&[ESC]);
    // And at the end, the report to the coordinators, shown before it goes.
    t.wait_for("E-mail this report to the coordinators");
    insta::assert_snapshot!(
        "guided_send_report",
        t.snapshot().replace(&server.port().to_string(), "[port]")
    );
    t.keys(&["y"]).wait_for("accepted 1:");
    let run = t.finish().code(0);
    let mut received = server.received();
    assert_eq!(received.len(), 6);
    let report = received.pop().expect("the report");
    assert_eq!(
        report.rcpt_to,
        ["robert.cwi@gmail.com", "ainur1917@gmail.com"]
    );
    let msg = parse(&report.data);
    assert_eq!(
        msg.subject(),
        Some(
            "Report: May Day 2011: stop police violence against activists in Almaty (mayday-2011)"
        )
    );
    let body = msg.body_text(0).expect("body").replace("\r\n", "\n");
    assert!(body.contains("5 accepted"), "{body}");
    assert!(
        body.contains("They took my name and the case number"),
        "{body}"
    );
    // Nothing new since: `report --send` sends nothing.
    let run = run
        .again()
        .args(["report", "mayday-2011", "--send", "--yes"])
        .run()
        .success()
        .stdout_is("")
        .stderr_unchecked("the report tests pin this line");
    assert_eq!(server.received().len(), 6);
    for m in &received {
        let msg = parse(&m.data);
        assert_eq!(
            msg.from().and_then(|a| a.first()).and_then(|a| a.address()),
            Some("ann@example.org")
        );
    }
    drop(run);
}

/// A report the server refused is not offered again as if new: the next guided run says how
/// to send it again, and the letters' exit code stands.
#[test]
fn a_refused_report_is_not_offered_again() {
    let server = smtp_server::Server::start(
        smtp_server::Security::StartTls,
        Some(("user", "secret")),
        vec![smtp_server::Fault::ReplyToMessage {
            n: 6,
            code: 554,
            text: "5.7.1 Message refused".into(),
        }],
    );
    let case = Case::example()
        .smtp(&server, "user", "secret")
        .personal_config("[sender]\nname = \"Ann Activist\"\nemail = \"ann@example.org\"\ncity = \"Leeds\"\ncountry = \"GB\"\n");
    let through_the_letters = |t: &mut crate::terminal::Terminal| {
        to_what_now(t);
        t.keys(&["\r"]);
    };
    let mut t = case.terminal(["send"]);
    through_the_letters(&mut t);
    t.wait_for("Send these letters now?").keys(&["y"]);
    t.wait_for("The appeal asks for calls too").keys(&["n"]);
    t.wait_for("E-mail this report to the coordinators")
        .keys(&["y"]);
    t.wait_for("failed (refused by the server");
    let run = t.finish().code(1);
    assert_eq!(server.received().len(), 5, "the letters, not the report");

    let mut t = run.again().terminal(["send"]);
    through_the_letters(&mut t);
    t.wait_for("The appeal asks for calls too").keys(&["n"]);
    t.wait_for("sends it again.");
    let screen = t.snapshot();
    let run = t.finish().code(0);
    let said = screen
        .lines()
        .find(|l| l.starts_with("The report to the coordinators"))
        .expect("the report's line");
    let id = said.split(['(', ')']).nth(1).expect("the report's id");
    assert!(id.starts_with("report:"), "{said}");
    assert_eq!(
        said.replace(id, "report:[ID]"),
        "The report to the coordinators (report:[ID]) was refused at [TIME]: `outcry report mayday-2011 --send --retry-failed` sends it again."
    );
    assert!(!screen.contains("E-mail this report"), "{screen}");
    assert_eq!(server.received().len(), 5);
    drop(run);
}

/// `outcry init` on a terminal: the profile, a mail account, and a connection test.
#[test]
fn init_asks_for_profile_and_account_and_tests_it() {
    let server = smtp_server::Server::start(
        smtp_server::Security::StartTls,
        Some(("user", "secret")),
        Vec::new(),
    );
    let port = server.port().to_string();
    let mut t = Case::empty()
        .file(
            &format!("{PERSONAL_CONFIG_DIR}/test-ca.pem"),
            &server.ca_pem,
        )
        .personal_config("[smtp]\nca-file = \"test-ca.pem\"\n")
        .terminal(["init", "branch"]);
    t.wait_for("Your name")
        .line("Ann Activist")
        .wait_for("Your e-mail address")
        .line("ann@example.org")
        .wait_for("Organisation")
        .line("Leeds Solidarity")
        .wait_for("Your city")
        .line("Leeds")
        .wait_for("two-letter code")
        .line("gb")
        .wait_for("for next time?")
        .keys(&["y"])
        .wait_for("Which mail provider do you use?");
    insta::assert_snapshot!("init_providers", t.snapshot());
    // "Another server" is the item above "Not now" (the default).
    t.keys(&[crate::terminal::UP, "\r"])
        .wait_for("SMTP server name")
        .line("127.0.0.1")
        .wait_for("How does it secure the connection?")
        .keys(&[DOWN, "\r"])
        .wait_for("Port")
        .replace_line("587", &port)
        .wait_for("Login name")
        .replace_line("ann@example.org", "user")
        .wait_for("outcry never stores it")
        .keys(&["\r"])
        .wait_for("Test the connection now")
        .keys(&["y"])
        .wait_for("Password")
        .line("secret")
        .wait_for("Ready.");
    assert!(!t.screen().contains("secret"), "the password is not shown");
    let run = t.finish().code(0);
    assert!(
        run.stdout.contains("over STARTTLS and logged in as user"),
        "{}",
        run.stdout
    );
    let saved = personal_config(&run);
    assert_eq!(saved["sender"]["country"].as_str(), Some("GB"));
    assert_eq!(
        saved["sender"]["organisation"].as_str(),
        Some("Leeds Solidarity")
    );
    assert_eq!(saved["smtp"]["host"].as_str(), Some("127.0.0.1"));
    assert_eq!(saved["smtp"]["security"].as_str(), Some("starttls"));
    assert_eq!(saved["smtp"]["username"].as_str(), Some("user"));
    assert_eq!(
        saved["smtp"]["ca-file"].as_str(),
        Some("test-ca.pem"),
        "kept"
    );
    assert!(saved["smtp"].get("password").is_none());
    assert!(server.received().is_empty(), "a test sends nothing");
    assert!(
        run.root
            .join("branch/letters/mayday-2011/campaign.toml")
            .is_file()
    );
}

/// `outcry new` on a terminal: the questions, then the same checks as `outcry check`.
#[test]
fn new_asks_for_the_campaign_and_checks_it() {
    let mut t = Case::example().sender().terminal(["new", "free-them"]);
    t.wait_for("Title of the appeal")
        .line("Free the Almaty three")
        .wait_for("E-mail subject")
        .keys(&["\r"])
        .wait_for("Demand 1")
        .line("Release the three at once.")
        .wait_for("Demand 2")
        .line("Drop all \"charges\".")
        .wait_for("Demand 3")
        .keys(&["\r"])
        .wait_for("Whom does the appeal write to?");
    insta::assert_snapshot!("new_targets", t.snapshot());
    let screen = t.screen();
    let rows: Vec<&str> = screen.lines().filter(|l| l.starts_with("⬚")).collect();
    let mfa = rows
        .iter()
        .position(|l| l.contains("(mfa-kz,"))
        .expect("mfa-kz listed");
    let embassy = rows
        .iter()
        .position(|l| l.contains("(embassy:KZ)"))
        .expect("embassy:KZ listed");
    let mut keys = vec![DOWN; mfa];
    keys.push(" ");
    keys.extend(vec![DOWN; embassy - mfa]);
    keys.extend([" ", "\r"]);
    t.keys(&keys)
        .wait_for("Who gets a copy of every letter")
        .keys(&[" ", "\r"])
        .wait_for("How do the coordinators get their copy?")
        .keys(&[DOWN, "\r"])
        .wait_for("Deadline")
        .line("2011-06-01")
        .wait_for("ok: 1 campaign,");
    let run = t.finish().code(0);
    let text = String::from_utf8(run.read("letters/free-them/campaign.toml")).expect("utf-8");
    let c: toml::Table = toml::from_str(&text).expect("TOML");
    assert_eq!(c["title"].as_str(), Some("Free the Almaty three"));
    assert_eq!(
        c["subject"].as_str(),
        Some("Protest: Free the Almaty three")
    );
    let demands: Vec<&str> = c["demands"]
        .as_array()
        .expect("demands")
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    assert_eq!(
        demands,
        ["Release the three at once.", "Drop all \"charges\"."]
    );
    let to: Vec<&str> = c["to"]
        .as_array()
        .expect("to")
        .iter()
        .filter_map(|d| d.as_str())
        .collect();
    assert_eq!(to, ["mfa-kz", "embassy:KZ"]);
    assert_eq!(c["cc"].as_array().map(Vec::len), Some(1));
    assert_eq!(c["copies"].as_str(), Some("bcc"));
    assert_eq!(c["deadline"].to_string(), "2011-06-01");
    // The new campaign composes.
    run.again()
        .args(["compose", "free-them"])
        .run()
        .success()
        .stderr_is("")
        .stdout_matches_snapshot("guided__new_campaign_review");
}

/// Colours on a terminal, none with `NO_COLOR`.
#[test]
fn no_color_turns_colours_off() {
    let sgr_colour = |s: &str| {
        s.split("\x1b[").skip(1).any(|seq| {
            seq.split('m').next().is_some_and(|p| {
                p.split(';').any(|n| {
                    (30..=38).contains(&n.parse::<u8>().unwrap_or(0))
                        || (90..=97).contains(&n.parse::<u8>().unwrap_or(0))
                })
            })
        })
    };
    let mut t = Case::example().terminal(Vec::<&str>::new());
    t.wait_for("Which appeal").keys(&[ESC]);
    let coloured = t.finish().code(130);
    assert!(
        sgr_colour(&coloured.stdout),
        "expected colours:\n{:?}",
        coloured.stdout
    );

    let mut t = Case::example()
        .env("NO_COLOR", "1")
        .terminal(Vec::<&str>::new());
    t.wait_for("Which appeal").keys(&[ESC]);
    let plain = t.finish().code(130);
    assert!(
        !sgr_colour(&plain.stdout),
        "colours despite NO_COLOR:\n{:?}",
        plain.stdout
    );
}

/// The paragraph can be written in $EDITOR.
#[test]
fn the_personal_paragraph_can_come_from_the_editor() {
    let mut t = Case::example()
        .sender()
        .env("OUTCRY_SENDER_CITY", "Leeds")
        .file(
            "editor.sh",
            "#!/bin/sh\nprintf 'Written in my editor.\\nSecond line.\\n' > \"$1\"\n",
        )
        .env("EDITOR", "sh editor.sh")
        .terminal(["compose"]);
    t.wait_for("Which appeal").keys(&[DOWN, "\r"]);
    t.wait_for("Sign the letters with this profile?")
        .keys(&["y"]);
    t.wait_for("Whom do you write to?").keys(&["\r"]);
    t.wait_for("in their language?").keys(&["\r"]);
    t.wait_for("Add a paragraph").keys(&[DOWN, DOWN, "\r"]);
    t.wait_for("Read the letters")
        .keys(&[DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, "\r"]);
    t.wait_for("What now?")
        .keys(&[DOWN, DOWN, "\r"])
        .wait_for("=== plan ===");
    let run = t.finish().code(0);
    assert!(
        run.stdout
            .contains("Written in my editor.\r\nSecond line.\r\n\r\nThe world is watching"),
        "{}",
        run.stdout
    );
}

/// A target outcry cannot reach is explained before the choice, not dropped silently.
#[test]
fn unreachable_targets_are_explained() {
    let mut t = Case::example()
        .sender()
        .env("OUTCRY_SENDER_CITY", "Madrid")
        .env("OUTCRY_SENDER_COUNTRY", "ES")
        .terminal(["compose"]);
    t.wait_for("Which appeal").keys(&[DOWN, "\r"]);
    t.wait_for("Sign the letters with this profile?")
        .keys(&["y"]);
    t.wait_for("Whom do you write to?");
    assert!(
        t.screen().contains(
            "Cannot be written to: embassy:KZ: no embassy of Kazakhstan in Spain in contacts.toml: add [embassies.KZ.ES]"
        ),
        "{}",
        t.screen()
    );
    let screen = t.screen();
    let (_, list) = screen
        .split_once("Whom do you write to?")
        .expect("the list");
    assert_eq!(
        list.lines().filter(|l| l.starts_with('✔')).count(),
        5,
        "the five reachable targets, ticked:\n{screen}"
    );
    t.keys(&[ESC]);
    t.finish().code(130);
}

/// `init` in a workspace that exists sets up the profile and account only. The workspace's
/// own server is overridden by the account set up, but its `ca-file` would mix with it: told
/// that sending will not work; composing still does.
#[test]
fn init_again_in_a_workspace_with_its_own_server() {
    let mut t = Case::example()
        .append(
            "outcry.toml",
            "\n[smtp]\nhost = \"smtp.branch.example\"\nca-file = \"branch-ca.pem\"\n",
        )
        .file("branch-ca.pem", "not used\n")
        .terminal(["init"]);
    t.wait_for("is a workspace already: its files stay as they are.")
        .wait_for("Your name")
        .line("Ann Activist")
        .wait_for("Your e-mail address")
        .line("ann@example.org")
        .wait_for("Organisation")
        .keys(&["\r"])
        .wait_for("Your city")
        .line("Leeds")
        .wait_for("two-letter code")
        .keys(&["\r"])
        .wait_for("for next time?")
        .keys(&["y"])
        .wait_for("Which mail provider do you use?")
        .keys(&[DOWN, "\r"])
        .wait_for("Login name")
        .keys(&["\r"])
        .wait_for("outcry never stores it")
        .keys(&["\r"])
        .wait_for("Sending will not work until this is fixed")
        .wait_for("Ready.");
    let run = t.finish().code(0);
    assert!(
        run.stdout
            .contains("outcry.toml:13: ca-file comes from this workspace, but username comes from your own settings"),
        "{}",
        run.stdout
    );
    let saved = personal_config(&run);
    assert_eq!(saved["smtp"]["host"].as_str(), Some("smtp.gmail.com"));
    // Composing sends nothing: the account's problem does not stop it.
    run.again()
        .args(["compose", "mayday-2011", "--out", "drafts"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "wrote drafts/almaty-police-press.eml\n\
            wrote drafts/court-tikhonov.copy.eml\n\
            wrote drafts/court-tikhonov.fax.pdf\n\
            wrote drafts/court-tikhonov.fax.txt\n\
            wrote drafts/embassy-kz-gb.eml\n\
            wrote drafts/knb-press.eml\n\
            wrote drafts/mfa-kz.eml\n\
            wrote drafts/presidential-administration.call.txt\n",
        );
}

/// Issue 11: a country's name typed for the code gets the code suggested; `init` cancelled
/// says that the workspace it wrote stays, and how to come back to the questions.
#[test]
fn issue_11_init_cancelled_says_what_stays_and_a_country_name_gets_its_code() {
    let mut t = Case::empty().terminal(["init", "branch"]);
    t.wait_for("Your name")
        .line("Ann Activist")
        .wait_for("Your e-mail address")
        .line("ann@example.org")
        .wait_for("Organisation")
        .keys(&["\r"])
        .wait_for("Your city")
        .line("Berlin")
        .wait_for("two-letter code")
        .line("Germany")
        .wait_for("(Germany \u{2192} DE)")
        .keys(&[ESC]);
    let run = t.finish().code(130);
    assert!(
        run.stdout.contains(
            "cancelled: your profile and mail account are not saved; the workspace in branch is \
             written and stays: `outcry init branch` asks these questions again"
        ),
        "{}",
        run.stdout
    );
    assert!(run.root.join("branch/contacts.toml").is_file());
    assert!(
        !run.root
            .join(PERSONAL_CONFIG_DIR)
            .join("config.toml")
            .exists()
    );
    let mut t = run.again().terminal(["init", "branch"]);
    t.wait_for("is a workspace already: its files stay as they are.")
        .wait_for("Your name")
        .keys(&[ESC]);
    let run = t.finish().code(130);
    assert!(
        run.stdout
            .contains("cancelled: your profile and mail account are not saved"),
        "{}",
        run.stdout
    );
    assert!(
        !run.stdout.contains("asks these questions again"),
        "{}",
        run.stdout
    );
}

/// The issue's whole path for someone new: `outcry init`, then `outcry`, to the May Day drafts
/// with their own name in them.
#[test]
fn from_init_to_may_day_drafts() {
    let mut t = Case::empty().terminal(["init", "branch"]);
    t.wait_for("Your name")
        .line("Ann Activist")
        .wait_for("Your e-mail address")
        .line("ann@example.org")
        .wait_for("Organisation")
        .keys(&["\r"])
        .wait_for("Your city")
        .line("Leeds")
        .wait_for("two-letter code")
        .line("GB")
        .wait_for("for next time?")
        .keys(&["y"])
        .wait_for("Which mail provider do you use?")
        .keys(&["\r"])
        .wait_for("Ready.");
    let run = t.finish().code(0);
    let mut t = run.again().terminal(["-C", "branch"]);
    t.wait_for("Which appeal")
        .keys(&[DOWN, "\r"])
        .wait_for("Sign the letters with this profile?")
        .keys(&["y"])
        .wait_for("Whom do you write to?")
        .keys(&["\r"])
        .wait_for("in their language?")
        .keys(&["\r"])
        .wait_for("Add a paragraph")
        .keys(&["\r"])
        .wait_for("Read the letters")
        .keys(&[DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, "\r"])
        .wait_for("What now?")
        .keys(&["\r"])
        .wait_for("Folder for the drafts")
        .keys(&["\r"])
        .wait_for("wrote drafts/mayday-2011")
        .wait_for("The appeal asks for calls too")
        .keys(&["n"])
        .wait_for("No calls now");
    let run = t.finish().code(0);
    let files = run.files("branch/drafts/mayday-2011");
    // Seven drafts (the court's fax and its copy to the coordinators among them), the fax's
    // PDF (issue 13) and the list of them (`.outcry-drafts`).
    assert_eq!(files.len(), 9, "{files:?}");
    assert!(
        files.iter().any(|f| f == "court-tikhonov.fax.pdf"),
        "{files:?}"
    );
    let eml = run.read("branch/drafts/mayday-2011/embassy-kz-gb.eml");
    let msg = parse(&eml);
    assert_eq!(
        msg.from().and_then(|a| a.first()).and_then(|a| a.name()),
        Some("Ann Activist")
    );
    let body = msg.body_text(0).expect("body").replace("\r\n", "\n");
    assert!(
        body.contains("Ann Activist\nLeeds, United Kingdom"),
        "{body}"
    );
}

/// Issue 13, item 4: the guided path's "save drafts" warns, as `compose --out` does, that the
/// postal letter it writes (and its PDF) carries no return address.
#[test]
fn issue_13_saving_a_postal_letter_without_a_return_address_warns() {
    let mut t = Case::minimal()
        .file(
            "contacts.toml",
            "[contacts.ministry]\nname = \"Ministry\"\ncountry = \"KZ\"\nemail = \"ministry@example.org\"\n\n\
             [contacts.court]\nname = \"Court\"\ncountry = \"KZ\"\npost = \"2 Street\\nAlmaty\"\n\n\
             [contacts.coordinator]\nname = \"Coordinator\"\ncountry = \"GB\"\nemail = \"coord@example.org\"\n",
        )
        .sender()
        .env("OUTCRY_SENDER_CITY", "Leeds")
        .terminal(["compose"]);
    t.wait_for("Which appeal").keys(&["\r"]);
    t.wait_for("Sign the letters with this profile?")
        .keys(&["y"]);
    t.wait_for("Whom do you write to?").keys(&["\r"]);
    // (No paragraph of one's own: the letter has no slot for it.) The e-mail to the ministry, the postal letter to the court and its copy; then "Go on".
    t.wait_for("Read the letters before they go (3 in all)")
        .keys(&[DOWN, DOWN, DOWN, "\r"])
        .wait_for("What now?")
        .keys(&["\r"])
        .wait_for("Folder for the drafts")
        .keys(&["\r"])
        .wait_for("wrote drafts/c");
    assert!(
        t.screen().contains(
            "letters/c/campaign.toml:5: warning: postal letters (court) carry no return address: set address in [sender] of"
        ),
        "{}",
        t.screen()
    );
    let run = t.finish().code(0);
    assert!(
        run.files("drafts/c").iter().any(|f| f == "court.post.pdf"),
        "{:?}",
        run.files("drafts/c")
    );
}

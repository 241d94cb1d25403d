//! Bulk mailings: `--signers FILE.csv` on compose and send, JSON Lines, signatories.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use mail_parser::MessageParser;

use crate::Case;
use crate::smtp_server::{Fault, Security, Server};

const USER: &str = "branch";
const PASSWORD: &str = "members-password";

/// Why the review of a bulk mailing is not pinned.
const BULK_REVIEW: &str = "not pinned, a defect: with --signers the review starts with a blank line, \
                           numbers its letters 1/0, 2/0 and has no plan";

/// `n` members, every third one in Germany (whose embassy letter goes to Berlin).
pub fn members(n: usize) -> String {
    let mut csv = String::from("name,email,city,country,note,member_no\n");
    for i in 0..n {
        let country = if i % 3 == 0 { "DE" } else { "GB" };
        let _ = writeln!(csv, "Member {i},member{i}@example.org,Leeds,{country},,{i}");
    }
    csv
}

pub fn branch() -> Case {
    Case::example()
        .env("OUTCRY_SENDER_NAME", "Leeds Branch")
        .env("OUTCRY_SENDER_EMAIL", "branch@example.org")
}

/// A signers file with the quirks spreadsheets produce: a byte-order mark, `;`, a quoted
/// paragraph over two lines, a column of the branch's own; bad rows reported by line and
/// left out (or stopping the run under --strict); the output pinned as JSON Lines.
#[test]
fn signers_with_quirks_make_one_letter_per_signer_and_target() {
    let csv = "\u{feff}name;email;city;country;note;member_no\r\n\
               Ann Activist;ann@example.org;Leeds;GB;\"I marched in Leeds.\r\nAnd I will again.\";17\r\n\
               Bad Address;not-an-address;York;GB;;18\r\n\
               \"Carriage\rReturn\";cr@example.org;York;GB;;19\r\n\
               Dora Demo;;Berlin;de;;20\r\n";
    let run = branch()
        .file("members.csv", csv)
        .args([
            "compose",
            "mayday-2011",
            "--signers",
            "members.csv",
            "--format",
            "json",
        ])
        .run()
        .code(1)
        .stderr_is("members.csv:4: invalid e-mail address \"not-an-address\": Missing domain or user (left out)\n\
            members.csv:5: column name contains a control character (carriage return): a line ends with LF or CR LF, never a CR alone (left out)\n\
            mayday-2011: 2 signer(s), 15 letter(s), 2 row(s) of members.csv left out\n");
    let v = run.json();
    let letters = v["letters"].as_array().expect("letters");
    assert_eq!(
        letters.len(),
        15,
        "6 targets for each of 2 signers, and the copies of the fax (and of the post letter in Germany)"
    );
    let ann = letters
        .iter()
        .find(|l| {
            l["id"]
                .as_str()
                .is_some_and(|id| id.starts_with("knb-press.ann-"))
        })
        .expect("Ann's letter to the KNB");
    assert_eq!(ann["from"]["email"], "branch@example.org");
    // Issue 11: the member named in From and copied, never a (free-mail) Reply-To.
    assert_eq!(ann["from"]["name"], "Ann Activist via Leeds Branch");
    assert_eq!(ann["reply_to"], serde_json::Value::Null);
    assert_eq!(ann["cc"][0]["address"], "ann@example.org");
    let body = ann["body"].as_str().expect("body");
    assert!(
        body.contains("I marched in Leeds.\nAnd I will again.\n"),
        "{body}"
    );
    assert!(
        body.contains("Ann Activist\nLeeds, United Kingdom"),
        "{body}"
    );
    // Dora is in Germany: her embassy letter goes to the embassy in Berlin.
    assert!(letters.iter().any(|l| {
        l["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("embassy-kz-de.dora-demo"))
    }));
    let skipped: Vec<u64> = v["skipped"]
        .as_array()
        .expect("skipped")
        .iter()
        .filter_map(|s| s["line"].as_u64())
        .collect();
    assert_eq!(skipped, [4, 5]);
    assert_eq!(v["summary"]["letters"], 15);
    // The schema, pinned: the first lines as scripts read them.
    let head: Vec<&str> = run.stdout.lines().take(2).collect();
    insta::assert_snapshot!("bulk_json_lines", head.join("\n"));

    run.again()
        .args([
            "compose",
            "mayday-2011",
            "--signers",
            "members.csv",
            "--strict",
        ])
        .run()
        .code(2)
        .stdout_unchecked("not pinned, a defect: --strict prints the review of the good rows (see BULK_REVIEW), then refuses with exit 2")
        .stderr_is(
            "members.csv:4: invalid e-mail address \"not-an-address\": Missing domain or user\n",
        );
}

/// A header without a `name` column, or a file that is not there: a clear error, no output.
#[test]
fn a_signers_file_without_names_is_refused() {
    branch()
        .file("members.csv", "email,city\nann@example.org,Leeds\n")
        .args(["compose", "mayday-2011", "--signers", "members.csv"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: members.csv:1: the signers file needs a `name` column (its header line names: email, city)\n");
    branch()
        .args(["compose", "mayday-2011", "--signers", "nobody.csv"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: nobody.csv: cannot read the signers file: no such file\n");
}

/// 10,000 letters into drafts from a generated signers file: every file there, parsed.
#[test]
fn ten_thousand_letters_to_drafts() {
    let run = branch()
        .file("members.csv", &members(1_667))
        .args([
            "compose",
            "mayday-2011",
            "--signers",
            "members.csv",
            "--to",
            "knb-press",
            "almaty-police-press",
            "mfa-kz",
            "court-tikhonov",
            "embassy:KZ",
            "presidential-administration",
            "--out",
            "drafts",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "wrote 12225 draft(s) into drafts\n\
            mayday-2011: 1667 signer(s), 12225 letter(s)\n",
        );
    let mut files = run.files("drafts");
    // The list of the drafts written (issue 11 item 7), and no staging left behind.
    files.retain(|f| f != ".outcry-drafts");
    // The 12,225 drafts and a PDF beside each fax (1,667, to the court) and postal letter
    // (556, to the embassy in Berlin from the members in Germany): issue 13.
    assert_eq!(files.len(), 12_225 + 1_667 + 556);
    assert_eq!(
        files
            .iter()
            .filter(|f| std::path::Path::new(f)
                .extension()
                .is_some_and(|e| e == "pdf"))
            .count(),
        2_223
    );
    assert!(
        files.iter().all(|f| !f.starts_with('.')),
        "no staging left behind"
    );
    let name = files
        .iter()
        .find(|f| f.starts_with("knb-press.member-1666-"))
        .expect("the last member's letter to the KNB");
    let eml = run.read(&format!("drafts/{name}"));
    let msg = MessageParser::default().parse(&eml).expect("parse");
    assert!(msg.reply_to().is_none());
    assert_eq!(
        msg.from().and_then(|a| a.first()).and_then(|a| a.name()),
        Some("Member 1666 via Leeds Branch")
    );
    assert_eq!(
        msg.cc().and_then(|a| a.first()).and_then(|a| a.address()),
        Some("member1666@example.org")
    );
}

/// The Message-IDs the server received, in order.
fn message_ids(server: &Server) -> Vec<String> {
    server
        .received()
        .iter()
        .map(|r| {
            MessageParser::default()
                .parse(&r.data)
                .and_then(|m| m.message_id().map(str::to_string))
                .expect("Message-ID")
        })
        .collect()
}

/// A branch's scripted bulk send: one letter per member and authority, each delivered once,
/// with a result line per letter; killed halfway and run again, nobody gets a second copy.
#[test]
fn bulk_send_resumes_after_kill_without_duplicates() {
    let server = Server::start(
        Security::StartTls,
        Some((USER, PASSWORD)),
        vec![Fault::SlowReplies(Duration::from_millis(40))],
    );
    let case = branch()
        .smtp(&server, USER, PASSWORD)
        .file("members.csv", &members(12))
        .args([
            "send",
            "mayday-2011",
            "--signers",
            "members.csv",
            "--yes",
            "--format",
            "json",
        ]);
    let (mut child, case) = case.spawn();
    let start = Instant::now();
    while server.received().len() < 10 && start.elapsed() < Duration::from_secs(60) {
        std::thread::sleep(Duration::from_millis(10));
    }
    child.kill().expect("kill -9");
    child.wait().expect("wait");
    let after_kill = server.received().len();
    assert!(
        (10..44).contains(&after_kill),
        "{after_kill} before the kill"
    );
    let args = [
        "send",
        "mayday-2011",
        "--signers",
        "members.csv",
        "--yes",
        "--format",
        "json",
    ];
    let resumed = case
        .args(args)
        .run()
        .stderr_unchecked("the plan and results depend on where the kill fell");
    let mut ids = message_ids(&server);
    let total = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), total, "a letter was sent twice");
    let v = resumed.json();
    let states: Vec<&str> = v["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .filter_map(|d| d["state"].as_str())
        .collect();
    let resumed = if resumed.code == 1 {
        // The kill fell while a body was on the wire: that letter is unknown, held back.
        assert_eq!(
            states.iter().filter(|s| **s == "held").count(),
            1,
            "{states:?}"
        );
        let mut with = args.to_vec();
        with.push("--retry-unknown");
        resumed
            .again()
            .args(with)
            .run()
            .success()
            .stdout_unchecked("it names the letter the kill left unknown, which varies")
            .stderr_unchecked("it names the letter the kill left unknown, which varies")
    } else {
        resumed.success()
    };
    assert!(
        states.iter().all(|s| *s == "accepted" || *s == "held"),
        "{states:?}"
    );
    assert_eq!(v["summary"]["campaign"], "mayday-2011");
    let mut ids = message_ids(&server);
    ids.sort();
    ids.dedup();
    assert_eq!(
        ids.len(),
        8 * 5 + 4 * 5,
        "8 members in Britain write 4 e-mails (the embassy in London has an address) and copy the fax, the 4 in Germany 3 (Berlin's embassy takes post) and copy the fax and the post letter"
    );
    // A third run sends nothing.
    let again = resumed
        .again()
        .args(args)
        .run()
        .success()
        .stderr_is("nothing to send: every e-mail letter of mayday-2011 was accepted before (see `outcry status mayday-2011`)\n");
    assert_eq!(again.json()["summary"]["accepted"], 0);
}

/// `outcry send A B`: one plan, one question (here --yes), each campaign sent once.
#[test]
fn several_campaigns_in_one_send() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), Vec::new());
    let run = branch()
        .smtp(&server, USER, PASSWORD)
        .args([
            "send",
            "mayday-2011",
            "free-ainur-kurmanov",
            "--force",
            "--yes",
            "--format",
            "json",
        ])
        .run()
        .success()
        .stderr_unchecked(
            "not pinned, a defect: the plan of `send A B` is printed, then each campaign's again",
        );
    for line in [
        "mayday-2011: 5 e-mail letter(s)",
        "free-ainur-kurmanov: 1 e-mail letter(s)",
    ] {
        assert!(run.stderr.contains(line), "{}", run.stderr);
    }
    let v = run.json();
    let campaigns: Vec<&str> = v["deliveries"]
        .as_array()
        .expect("deliveries")
        .iter()
        .filter_map(|d| d["campaign"].as_str())
        .collect();
    assert_eq!(campaigns.iter().filter(|c| **c == "mayday-2011").count(), 5);
    assert_eq!(
        campaigns
            .iter()
            .filter(|c| **c == "free-ainur-kurmanov")
            .count(),
        1
    );
    assert_eq!(server.received().len(), 6);
    // Without a terminal and without --yes, nothing goes.
    run
        .again()
        .args(["send", "--all", "--force", "--retry-failed"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("letters/free-ainur-kurmanov/campaign.toml:9: warning: the deadline 2010-05-06 has passed\n\
            letters/free-ainur-kurmanov/campaign.toml:25: warning: almaty-prosecutor: Prosecutor of the City of Almaty has no e-mail, fax, web form, postal address or phone in contacts.toml\n\
            1 letter(s) to deliver yourself: `outcry compose free-ainur-kurmanov --out DIR` writes them\n\
            \x20 almaty-akimat                paste almaty-akimat.web.txt into the form at https://www.almaty.gov.kz/\n\
            unresolved: almaty-prosecutor: Prosecutor of the City of Almaty has no e-mail, fax, web form, postal address or phone in contacts.toml\n\
            2 letter(s) to deliver yourself: `outcry compose mayday-2011 --out DIR` writes them\n\
            \x20 presidential-administration  call +7 7172 74 55 24 (script: presidential-administration.call.txt)\n\
            \x20 court-tikhonov               fax court-tikhonov.fax.pdf to +7 727 271 5802 (or set a [fax] gateway to send it: see README, Fax)\n\
            nothing to send\n");
    assert_eq!(server.received().len(), 6);
}

/// Issue item 9: a carriage return alone in an unquoted field ended the row, and the rest of
/// the line became a signer of their own who got letters. It is an error for that row.
#[test]
fn a_bare_cr_in_a_field_makes_no_signer_of_its_own() {
    let csv = "name,email,city\nAnn,ann@example.org,Leeds\rEvil,evil@example.org\nBob,bob@example.org,York\n";
    let args = [
        "compose",
        "mayday-2011",
        "--signers",
        "members.csv",
        "--to",
        "knb-press",
        "--format",
        "json",
    ];
    let run = branch().file("members.csv", csv).args(args).run().code(1)
.stderr_is("members.csv:2: column city contains a control character (carriage return): a line ends with LF or CR LF, never a CR alone (left out)\n\
         mayday-2011: 1 signer(s), 1 letter(s), 1 row(s) of members.csv left out\n");
    let v = run.json();
    let ids: Vec<&str> = v["letters"]
        .as_array()
        .expect("letters")
        .iter()
        .filter_map(|l| l["id"].as_str())
        .collect();
    assert_eq!(ids.len(), 1);
    assert!(ids[0].starts_with("knb-press.bob-"), "{ids:?}");
    run.again()
        .args(args)
        .args(["--strict"])
        .run()
        .code(2)
        .stdout_unchecked("not pinned, a defect: --strict prints the campaign's JSON line, then refuses with exit 2")
        .stderr_is("members.csv:2: column city contains a control character (carriage return): a line ends with LF or CR LF, never a CR alone\n");
}

/// Issue item 4: control characters (C0 but tab, C1, bidirectional overrides) in any column
/// of a signers row, and in a `--signatories` list, are refused by file and line.
#[test]
fn control_characters_in_signers_and_signatories_are_refused() {
    let csv = "name,email,city,country,note,member_no\n\
               Ann\u{1b}[2J,ann@example.org,Leeds,GB,,1\n\
               Bea,bea\u{7}@example.org,Leeds,GB,,2\n\
               Cy,cy@example.org,Le\0eds,GB,,3\n\
               Dee,dee@example.org,Leeds,GB\u{85},,4\n\
               Eve,eve@example.org,Leeds,GB,Hi\u{9b}31m,5\n\
               Fay,fay@example.org,Leeds,GB,,\u{202e}6\n\
               Gil\u{c},gil@example.org,Leeds,GB,,7\n\
               Hal,hal@example.org,\"Le\neds\",GB,,8\n\
               Ida,ida@example.org,Leeds,GB,\"Two\nlines\",9\n";
    let run = branch()
        .file("members.csv", csv)
        .args([
            "compose",
            "mayday-2011",
            "--signers",
            "members.csv",
            "--to",
            "knb-press",
        ])
        .run()
        .code(1)
.stdout_unchecked(BULK_REVIEW)
.stderr_is("members.csv:2: column name contains a control character (U+001B, escape); it must be a single line of text (left out)\n\
         members.csv:3: column email contains a control character (U+0007, bell); it must be a single line of text (left out)\n\
         members.csv:4: column city contains a control character (U+0000, NUL); it must be a single line of text (left out)\n\
         members.csv:5: column country contains a control character (U+0085); it must be a single line of text (left out)\n\
         members.csv:6: column note contains a control character (U+009B) (left out)\n\
         members.csv:7: column member_no contains a control character (U+202E, a bidirectional override); it must be a single line of text (left out)\n\
         members.csv:8: column name contains a control character (U+000C); it must be a single line of text (left out)\n\
         members.csv:9: column city contains a control character (line feed); it must be a single line of text (left out)\n\
         mayday-2011: 1 signer(s), 1 letter(s), 8 row(s) of members.csv left out\n");
    run.again()
        .args([
            "compose",
            "mayday-2011",
            "--signers",
            "members.csv",
            "--strict",
        ])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("members.csv:2: column name contains a control character (U+001B, escape); it must be a single line of text\n");
    let list = "# co-signers\nGood Org\n\u{1b}]0;pwned\u{7}\nBell\u{7} Org\nFeed\u{c}\nNext\u{85}\n\u{202e}Evil\nFine Org\n";
    branch()
        .file("list.txt", list)
        .args([
            "compose",
            "free-ainur-kurmanov",
            "--signatories",
            "list.txt",
        ])
        .run()
        .code(2)
.stdout_is("")
.stderr_is("list.txt:3: a signatory contains a control character (U+001B, escape); it must be a single line of text\n\
         list.txt:4: a signatory contains a control character (U+0007, bell); it must be a single line of text\n\
         list.txt:5: a signatory contains a control character (U+000C); it must be a single line of text\n\
         list.txt:6: a signatory contains a control character (U+0085); it must be a single line of text\n\
         list.txt:7: a signatory contains a control character (U+202E, a bidirectional override); it must be a single line of text\n");
}

/// Issue item 10: fixing a signer's row (a city's typo, an e-mail added or corrected, the
/// name's case or spacing) keeps who they are: the authorities they wrote to get nothing more,
/// and the plan says so.
#[test]
fn fixing_a_signers_row_sends_nothing_again() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), Vec::new());
    let args = [
        "send",
        "mayday-2011",
        "--signers",
        "members.csv",
        "--to",
        "knb-press",
        "mfa-kz",
        "--yes",
        "--format",
        "json",
    ];
    let first = branch()
        .smtp(&server, USER, PASSWORD)
        .file(
            "members.csv",
            "name,email,city,country,note\n\
             Ann Activist,ann@example.org,Leeds,GB,\n\
             Bob Builder,,Yrok,GB,\n\
             Cy Citizen,cy@exmaple.org,Hull,GB,\n",
        )
        .args(args)
        .run()
        .success()
        .stderr_is("6 e-mail letter(s) from branch@example.org through branch at 127.0.0.1:[PORT] (STARTTLS):\n\
            \x20 knb-press.ann-activist-a713b14cbbe72d26 press@knb.kz, ann@example.org, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 mfa-kz.ann-activist-a713b14cbbe72d26 mid@mid.kz, ann@example.org, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 knb-press.bob-builder-fc21c8afe8212471 press@knb.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 mfa-kz.bob-builder-fc21c8afe8212471 mid@mid.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 knb-press.cy-citizen-5d12b6382f869da9 press@knb.kz, cy@exmaple.org, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 mfa-kz.cy-citizen-5d12b6382f869da9 mid@mid.kz, cy@exmaple.org, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            accepted 6:\n\
            \x20 knb-press.ann-activist-a713b14cbbe72d26 250 2.0.0 queued\n\
            \x20 mfa-kz.ann-activist-a713b14cbbe72d26 250 2.0.0 queued\n\
            \x20 knb-press.bob-builder-fc21c8afe8212471 250 2.0.0 queued\n\
            \x20 mfa-kz.bob-builder-fc21c8afe8212471 250 2.0.0 queued\n\
            \x20 knb-press.cy-citizen-5d12b6382f869da9 250 2.0.0 queued\n\
            \x20 mfa-kz.cy-citizen-5d12b6382f869da9 250 2.0.0 queued\n");
    assert_eq!(first.json()["summary"]["accepted"], 6);
    assert_eq!(server.received().len(), 6);
    let fixed = first
        .again()
        .file(
            "members.csv",
            "name,email,city,country,note\n\
             Ann Activist,ann.activist@example.org,Leeds,GB,I was there.\n\
             bob  builder,bob@example.org,York,GB,\n\
             Cy Citizen,cy@example.org,Kingston upon Hull,GB,\n",
        )
        .args(args)
        .run()
        .success()
        .stderr_is("nothing to send: every e-mail letter of mayday-2011 was accepted before (see `outcry status mayday-2011`)\n");
    assert_eq!(server.received().len(), 6, "{}", fixed.stderr);
    let v = fixed.json();
    assert_eq!(v["summary"]["accepted"], 0);
    assert_eq!(v["summary"]["accepted_before"], 6);
    assert_eq!(v["deliveries"].as_array().map(Vec::len), Some(0));
    // The dry run's plan says the same.
    let dry: Vec<&str> = args.iter().copied().filter(|a| *a != "--yes").collect();
    let dry = fixed
        .again()
        .args(dry)
        .args(["--dry-run"])
        .run()
        .success()
        .stderr_is(
            "0 e-mail letter(s) through branch at 127.0.0.1:[PORT] (STARTTLS):\n\
            \x20 (6 letter(s) accepted before: not sent again)\n\
            dry run: nothing was sent, no connection was made\n",
        );
    assert_eq!(dry.json()["summary"]["accepted_before"], 6);
    // A new member is a new signer; the plan counts the others' letters as sent.
    let more = dry
        .again()
        .append("members.csv", "Dee Demo,dee@example.org,Leeds,GB,\n")
        .args(args)
        .run()
        .success()
        .stderr_is("2 e-mail letter(s) from branch@example.org through branch at 127.0.0.1:[PORT] (STARTTLS):\n\
            \x20 knb-press.dee-demo-864b3bde2cf988ea press@knb.kz, dee@example.org, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 mfa-kz.dee-demo-864b3bde2cf988ea mid@mid.kz, dee@example.org, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 (6 letter(s) accepted before: not sent again)\n\
            accepted 2:\n\
            \x20 knb-press.dee-demo-864b3bde2cf988ea 250 2.0.0 queued\n\
            \x20 mfa-kz.dee-demo-864b3bde2cf988ea 250 2.0.0 queued\n");
    assert_eq!(more.json()["summary"]["accepted"], 2);
    assert_eq!(server.received().len(), 8);
}

/// `outcry send A B` asks once for every campaign's letters: without a terminal (and without
/// --yes) both plans are shown, even under --quiet, and nothing goes; the dry run it points to
/// shows both without connecting.
#[test]
fn several_campaigns_are_confirmed_once() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), Vec::new());
    let case = branch().smtp(&server, USER, PASSWORD);
    let run = case
        .args([
            "--quiet",
            "send",
            "mayday-2011",
            "free-ainur-kurmanov",
            "--force",
        ])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("mayday-2011: 5 e-mail letter(s) from branch@example.org through branch at 127.0.0.1:[PORT] (STARTTLS):\n\
            \x20 knb-press                    press@knb.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 almaty-police-press          delta@police.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 mfa-kz                       mid@mid.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 court-tikhonov.copy          robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 embassy-kz-gb                london@mfa.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            free-ainur-kurmanov: 1 e-mail letter(s) from branch@example.org through branch at 127.0.0.1:[PORT] (STARTTLS):\n\
            \x20 joint                        Gp-rk@prokuror.kz, press@osce.org\n\
            error: no terminal to confirm on: review with --dry-run, then pass --yes\n");
    assert_eq!(server.received().len(), 0);
    run.again()
        .args([
            "send",
            "mayday-2011",
            "free-ainur-kurmanov",
            "--force",
            "--dry-run",
        ])
        .run()
        .success()
        .stdout_matches_snapshot("bulk__several_campaigns_dry_run")
        .stderr_is("letters/free-ainur-kurmanov/campaign.toml:9: warning: the deadline 2010-05-06 has passed\n\
            letters/free-ainur-kurmanov/campaign.toml:25: warning: almaty-prosecutor: Prosecutor of the City of Almaty has no e-mail, fax, web form, postal address or phone in contacts.toml\n\
            2 letter(s) to deliver yourself: `outcry compose mayday-2011 --out DIR` writes them\n\
            \x20 presidential-administration  call +7 7172 74 55 24 (script: presidential-administration.call.txt)\n\
            \x20 court-tikhonov               fax court-tikhonov.fax.pdf to +7 727 271 5802 (or set a [fax] gateway to send it: see README, Fax)\n\
            1 letter(s) to deliver yourself: `outcry compose free-ainur-kurmanov --out DIR` writes them\n\
            \x20 almaty-akimat                paste almaty-akimat.web.txt into the form at https://www.almaty.gov.kz/\n\
            unresolved: almaty-prosecutor: Prosecutor of the City of Almaty has no e-mail, fax, web form, postal address or phone in contacts.toml\n\
            mayday-2011: 5 e-mail letter(s) from branch@example.org through branch at 127.0.0.1:[PORT] (STARTTLS):\n\
            \x20 knb-press                    press@knb.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 almaty-police-press          delta@police.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 mfa-kz                       mid@mid.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 court-tikhonov.copy          robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 embassy-kz-gb                london@mfa.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            free-ainur-kurmanov: 1 e-mail letter(s) from branch@example.org through branch at 127.0.0.1:[PORT] (STARTTLS):\n\
            \x20 joint                        Gp-rk@prokuror.kz, press@osce.org\n\
            dry run: nothing was sent, no connection was made\n");
    assert_eq!(server.received().len(), 0);
}

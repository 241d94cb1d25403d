//! `outcry compose`: the review, target selection, copies and addressing.

use crate::Case;
use serde_json::Value;

fn letters(v: &Value) -> &Vec<Value> {
    v["letters"].as_array().expect("letters array")
}

fn ids(v: &Value, channel: &str) -> Vec<String> {
    letters(v)
        .iter()
        .filter(|l| l["channel"] == channel && l["kind"] == "letter")
        .map(|l| l["id"].as_str().expect("id").to_string())
        .collect()
}

fn addresses(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|a| a["address"].as_str().expect("address").to_string())
        .collect()
}

/// The README's run command: every target of the May Day appeal is accounted for.
#[test]
fn mayday_review_accounts_for_every_target() {
    let run = Case::example()
        .args(["compose", "mayday-2011", "--lang", "en", "--format", "json"])
        .run()
        .success()
        .stderr_is("");
    let v = run.json();
    assert_eq!(v["campaign"]["campaign"], "mayday-2011");
    assert_eq!(
        ids(&v, "email"),
        [
            "knb-press",
            "almaty-police-press",
            "mfa-kz",
            "embassy-kz-gb"
        ]
    );
    assert_eq!(ids(&v, "fax"), ["court-tikhonov"]);
    assert_eq!(ids(&v, "phone"), ["presidential-administration"]);
    assert_eq!(v["unresolved"], serde_json::json!([]));
    for l in letters(&v)
        .iter()
        .filter(|l| l["channel"] == "email" && l["kind"] == "letter")
    {
        assert_eq!(
            addresses(&l["cc"]),
            ["robert.cwi@gmail.com", "ainur1917@gmail.com"],
            "{}",
            l["id"]
        );
        assert_eq!(l["bcc"], serde_json::json!([]));
    }
    let court = letters(&v)
        .iter()
        .find(|l| l["id"] == "court-tikhonov")
        .expect("court");
    assert_eq!(addresses(&court["to"]), ["+77272715802"]);
    assert_eq!(
        court["alternatives"],
        serde_json::json!(["call +7 727 271 5807"])
    );
    let body = court["body"].as_str().expect("body");
    assert!(body.starts_with("FAX\n"), "{body}");
    assert!(body.contains("Fax:      +7 727 271 5802"), "{body}");
    let call = letters(&v)
        .iter()
        .find(|l| l["id"] == "presidential-administration")
        .expect("call");
    let script = call["body"].as_str().expect("body");
    for (i, demand) in v["campaign"]["demands"]
        .as_array()
        .expect("demands")
        .iter()
        .enumerate()
    {
        assert!(
            script.contains(&format!("{}. {}", i + 1, demand.as_str().expect("demand"))),
            "{script}"
        );
    }
    assert_eq!(v["summary"]["email"], 4);
    assert_eq!(v["summary"]["fax"], 1);
    assert_eq!(v["summary"]["calls"], 1);
}

#[test]
fn mayday_review_text() {
    let run = Case::example()
        .args(["compose", "mayday-2011"])
        .run()
        .success();
    insta::assert_snapshot!("mayday_review", run.stdout_snapshot());
    insta::assert_snapshot!("mayday_review_stderr", run.stderr_snapshot());
}

#[test]
fn review_is_deterministic() {
    let a = Case::example()
        .sender()
        .args(["compose", "mayday-2011"])
        .run()
        .success()
        .stdout_matches_snapshot("compose__mayday_review_with_sender")
        .stderr_is("");
    Case::example()
        .sender()
        .args(["compose", "mayday-2011"])
        .run()
        .success()
        .stdout_is(&a.redacted(&a.stdout))
        .stderr_is("");
}

#[test]
fn without_a_sender_the_review_has_placeholders_and_a_warning() {
    let run = Case::minimal()
        .args(["compose", "c"])
        .run()
        .success()
        .stdout_matches_snapshot("compose__minimal_review_without_sender")
        .stderr_is("warning: no sender name, email configured: the review shows [YOUR NAME], [your e-mail] instead; set them under [sender] in [WS]/.home/.config/outcry/config.toml (or with --sender-name, --sender-email)\n");
    assert!(
        run.stderr
            .contains("warning: no sender name, email configured"),
        "{}",
        run.stderr
    );
    assert!(
        run.stdout.contains("From:    [YOUR NAME] <[your e-mail]>"),
        "{}",
        run.stdout
    );
}

#[test]
fn to_and_skip_choose_targets() {
    let only = Case::example()
        .sender()
        .args([
            "compose",
            "mayday-2011",
            "--format",
            "json",
            "--to",
            "court-tikhonov",
            "embassy:KZ",
        ])
        .run()
        .success()
        .stderr_is("");
    let v = only.json();
    let ids: Vec<&str> = letters(&v)
        .iter()
        .map(|l| l["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        ["court-tikhonov", "court-tikhonov.copy", "embassy-kz-gb"]
    );
    let skip = Case::example()
        .sender()
        .args([
            "compose",
            "mayday-2011",
            "--format",
            "json",
            "--skip",
            "knb-press",
            "--skip",
            "embassy-kz-gb",
        ])
        .run()
        .success()
        .stderr_is("");
    let v = skip.json();
    let ids: Vec<&str> = letters(&v)
        .iter()
        .map(|l| l["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "almaty-police-press",
            "mfa-kz",
            "presidential-administration",
            "court-tikhonov",
            "court-tikhonov.copy"
        ]
    );
}

#[test]
fn an_unknown_target_in_to_is_a_usage_error() {
    Case::example()
        .args(["compose", "mayday-2011", "--to", "nobody"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: \"nobody\" is not a target of campaign mayday-2011: its targets are knb-press, almaty-police-press, mfa-kz, presidential-administration, court-tikhonov, embassy:KZ\n");
}

#[test]
fn an_unknown_campaign_is_a_usage_error() {
    Case::example()
        .args(["compose", "nope"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: no campaign \"nope\" in [WS]/letters: the campaigns are free-ainur-kurmanov, mayday-2011\n");
}

#[test]
fn copies_by_bcc() {
    let v = Case::minimal()
        .append("letters/c/campaign.toml", "copies = \"bcc\"\n")
        .sender()
        .args(["compose", "c", "--format", "json"])
        .run()
        .success()
        .stderr_is("")
        .json();
    let ministry = &letters(&v)[0];
    assert_eq!(ministry["cc"], serde_json::json!([]));
    assert_eq!(addresses(&ministry["bcc"]), ["coord@example.org"]);
}

#[test]
fn copies_as_separate_messages_keep_coordinators_hidden() {
    let v = Case::minimal()
        .append("letters/c/campaign.toml", "copies = \"separate\"\n")
        .sender()
        .args(["compose", "c", "--format", "json"])
        .run()
        .success()
        .stderr_is("")
        .json();
    let ls = letters(&v);
    let ids: Vec<&str> = ls.iter().map(|l| l["id"].as_str().expect("id")).collect();
    assert_eq!(ids, ["ministry", "ministry.copy", "court", "court.copy"]);
    assert_eq!(ls[0]["cc"], serde_json::json!([]));
    assert_eq!(ls[0]["bcc"], serde_json::json!([]));
    assert_eq!(ls[1]["kind"], "copy");
    assert_eq!(addresses(&ls[1]["to"]), ["coord@example.org"]);
    assert_eq!(ls[1]["subject"], "Copy: Protest");
    let body = ls[1]["body"].as_str().expect("body");
    assert!(body.contains("Ministry <ministry@example.org>"), "{body}");
    assert!(
        body.ends_with(ls[0]["body"].as_str().expect("body")),
        "{body}"
    );
    // The fax carries no "Copy to" line: the coordinators stay hidden from the court.
    assert!(
        !ls[2]["body"]
            .as_str()
            .expect("body")
            .contains("coord@example.org")
    );
}

#[test]
fn joint_letter_goes_to_every_email_target_at_once() {
    let v = Case::example()
        .sender()
        .args(["compose", "free-ainur-kurmanov", "--format", "json"])
        .run()
        .success()
        .stderr_is("letters/free-ainur-kurmanov/campaign.toml:9: warning: the deadline 2010-05-06 has passed\n\
            letters/free-ainur-kurmanov/campaign.toml:25: warning: almaty-prosecutor: Prosecutor of the City of Almaty has no e-mail, fax, web form, postal address or phone in contacts.toml\n")
        .json();
    let ls = letters(&v);
    assert_eq!(ls.len(), 2);
    assert_eq!(ls[0]["id"], "joint");
    assert_eq!(
        addresses(&ls[0]["to"]),
        ["Gp-rk@prokuror.kz", "press@osce.org"]
    );
    assert_eq!(ls[1]["id"], "almaty-akimat");
    assert_eq!(ls[1]["channel"], "web");
    // One text for all, naming every authority of the appeal, reachable or not.
    let names = "To: Prosecutor of the City of Almaty, Government (Akimat) of the City of Almaty, Kairat Mami, General Prosecutor of the Republic of Kazakhstan and Organization for Security and Co-operation in Europe (OSCE)";
    assert!(ls[0]["body"].as_str().expect("body").starts_with(names));
    assert!(ls[1]["body"].as_str().expect("body").contains(names));
    let unresolved = v["unresolved"].as_array().expect("unresolved");
    assert_eq!(unresolved.len(), 1);
    assert_eq!(unresolved[0]["target"], "almaty-prosecutor");
}

#[test]
fn the_embassy_follows_the_senders_country() {
    let de = Case::example()
        .sender()
        .env("OUTCRY_SENDER_COUNTRY", "DE")
        .args([
            "compose",
            "mayday-2011",
            "--format",
            "json",
            "--to",
            "embassy:KZ",
        ])
        .run()
        .success()
        .stderr_is("")
        .json();
    assert_eq!(letters(&de)[0]["id"], "embassy-kz-de");
    assert_eq!(letters(&de)[0]["channel"], "post");
    assert!(
        letters(&de)[0]["body"]
            .as_str()
            .expect("body")
            .contains("Nordendstraße 14-17\n13156 Berlin")
    );
    let se = Case::example()
        .sender()
        .env("OUTCRY_SENDER_COUNTRY", "SE")
        .args(["compose", "mayday-2011", "--format", "json"])
        .run()
        .success()
        .stderr_is("letters/mayday-2011/campaign.toml:34: warning: embassy:KZ: no embassy of Kazakhstan in Sweden in contacts.toml: add [embassies.KZ.SE]\n");
    assert!(se.stderr.contains("letters/mayday-2011/campaign.toml:34: warning: embassy:KZ: no embassy of Kazakhstan in Sweden in contacts.toml: add [embassies.KZ.SE]"), "{}", se.stderr);
    let v = se.json();
    assert_eq!(v["unresolved"][0]["target"], "embassy:KZ");
    assert_eq!(v["summary"]["letters"], 6);
}

#[test]
fn review_shows_the_plan_summary() {
    let run = Case::example()
        .sender()
        .env("OUTCRY_SENDER_COUNTRY", "SE")
        .args(["compose", "mayday-2011"])
        .run()
        .success()
        .stdout_matches_snapshot("compose__mayday_review_from_sweden")
        .stderr_is("letters/mayday-2011/campaign.toml:34: warning: embassy:KZ: no embassy of Kazakhstan in Sweden in contacts.toml: add [embassies.KZ.SE]\n");
    let plan = run
        .stdout
        .split("=== plan ===\n")
        .nth(1)
        .expect("plan section");
    insta::assert_snapshot!("plan_with_unresolved", plan);
}

#[test]
fn header_injection_through_a_flag_is_refused() {
    Case::minimal()
        .sender()
        .args([
            "compose",
            "c",
            "--sender-name",
            "Eve\r\nBcc: victim@example.org",
        ])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("--sender-name (or OUTCRY_SENDER_NAME): sender name contains a control character (carriage return); it must be a single line of text\n");
}

#[test]
fn a_subject_that_renders_to_several_lines_is_refused() {
    let case = Case::minimal();
    let text = std::fs::read_to_string(case.path().join("letters/c/campaign.toml"))
        .expect("read")
        .replace(
            "subject = \"Protest\"",
            "subject = \"Protest {{campaign.summary}}\"",
        )
        + "summary = \"\"\"\nline one\nline two\"\"\"\n";
    case.file("letters/c/campaign.toml", &text)
        .sender()
        .args(["compose", "c"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("letters/c/campaign.toml:2: the rendered subject contains a control character (line feed); it must be a single line of text\n");
}

/// `--personal FILE` (or `-`, stdin) puts a paragraph where the letter has `{{personal}}`.
#[test]
fn a_personal_paragraph_from_a_file_or_stdin() {
    let run = Case::example()
        .file(
            "mine.txt",
            "\u{feff}I marched on May Day myself.\r\nAnd I will again.\r\n",
        )
        .args(["compose", "mayday-2011", "--lang", "en", "--personal", "mine.txt"])
        .run()
        .success()
        .stdout_matches_snapshot("compose__mayday_review_personal")
        .stderr_is("warning: no sender name, email configured: the review shows [YOUR NAME], [your e-mail] instead; set them under [sender] in [WS]/.home/.config/outcry/config.toml (or with --sender-name, --sender-email)\n");
    assert_eq!(
        run.stdout
            .matches("I marched on May Day myself.\nAnd I will again.\n\nThe world is watching")
            .count(),
        6,
        "in each of the five letters with the letter's text (not the call script), and the fax's copy:\n{}",
        run.stdout
    );
    Case::example()
        .file("long.txt", &"word ".repeat(2_000))
        .args(["compose", "mayday-2011", "--personal", "long.txt"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(
            "error: --personal long.txt: the personal paragraph is longer than 5000 characters\n",
        );
    Case::example()
        .file("bad.txt", "a\u{202e}b")
        .args(["compose", "mayday-2011", "--personal", "bad.txt"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: --personal bad.txt: the personal paragraph contains a control character (U+202E, a bidirectional override)\n");
    let run = Case::minimal()
        .file("mine.txt", "My words.")
        .args(["compose", "c", "--personal", "-"])
        .stdin_file("mine.txt")
        .run()
        .success()
        .stdout_matches_snapshot("compose__minimal_review_personal_from_stdin")
        .stderr_is("letters/c/letter.hbs: warning: the letter has no {{personal}} slot: your paragraph does not appear in it\n\
            warning: no sender name, email configured: the review shows [YOUR NAME], [your e-mail] instead; set them under [sender] in [WS]/.home/.config/outcry/config.toml (or with --sender-name, --sender-email)\n");
    assert!(
        run.stderr
            .contains("letters/c/letter.hbs: warning: the letter has no {{personal}} slot: your paragraph does not appear in it"),
        "{}",
        run.stderr
    );
}

/// `outcry new` from flags alone: checked before anything is written, then checked as
/// `outcry check` would.
#[test]
fn new_from_flags() {
    let run = Case::example()
        .sender()
        .args([
            "new",
            "free-them",
            "--title",
            "Free them",
            "--subject",
            "Free {{them}} now",
            "--demand",
            "Release them.",
            "--demand",
            "Drop the charges.",
            "--to",
            "mfa-kz",
            "embassy:KZ",
            "--cc",
            "robert-cwi",
            "--deadline",
            "2011-06-01",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("wrote letters/free-them/campaign.toml\n\
            wrote letters/free-them/letter.hbs\n\
            contacts.toml:86: warning: contact \"almaty-prosecutor\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:167: warning: contact \"embassy-kz-fr\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:172: warning: contact \"embassy-kz-at\" has no email, fax, web, post or phone: no letter can reach it\n\
            ok: 1 campaign, 11 contacts, 9 embassies, 2 letters render\n");
    let review = run
        .again()
        .sender()
        .args(["compose", "free-them"])
        .run()
        .success()
        .stdout_matches_snapshot("compose__new_from_flags_review")
        .stderr_is("");
    assert!(
        review.stdout.contains("Subject: Free {{them}} now"),
        "{}",
        review.stdout
    );
    assert!(
        review.stdout.contains("  2. Drop the charges."),
        "{}",
        review.stdout
    );
    // Over an existing campaign, or naming a contact that does not exist: nothing written.
    let again = review
        .again()
        .args([
            "new",
            "free-them",
            "--title",
            "x",
            "--demand",
            "y",
            "--to",
            "mfa-kz",
        ])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: [WS]/letters/free-them already exists: outcry new overwrites nothing (pick another name)\n");
    let bad = again
        .again()
        .args([
            "new", "other", "--title", "x", "--demand", "y", "--to", "nobody",
        ])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: target \"nobody\" is not in contacts.toml (add it there first, or name an embassy as embassy:XX)\n");
    assert!(!bad.root.join("letters/other").exists());
}

//! Issue 11: the writer's identity is theirs (a workspace's `[sender]` values are defaults,
//! and the review says where each came from), and the coordinators get a copy of every
//! protest: of a fax, postal or web-form letter too, by e-mail of its own.

use mail_parser::{Message, MessageParser};

use crate::Case;
use crate::smtp_server::{Security, Server};

/// A workspace as the repository's `outcry.toml` used to be: a branch and a country.
const BRANCH_IN_GB: &str =
    "[sender]\norganisation = \"Example Solidarity Branch\"\ncountry = \"GB\"\n";

/// A German activist's personal config.
const PETRA: &str = "[sender]\nname = \"Petra Aktivistin\"\nemail = \"petra@example.org\"\ncity = \"Berlin\"\ncountry = \"DE\"\n";

fn parse(bytes: &[u8]) -> Message<'_> {
    MessageParser::default()
        .parse(bytes)
        .expect("a parsable message")
}

/// Each message's To as addresses, its subject, and the start of its body.
fn summary(m: &Message<'_>) -> (Vec<String>, String, String) {
    let to = m
        .to()
        .map(|a| {
            a.iter()
                .map(|m| m.address().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default();
    let body = m.body_text(0).unwrap_or_default();
    let head: String = body.lines().take(2).collect::<Vec<_>>().join("\n");
    (to, m.subject().unwrap_or_default().to_string(), head)
}

const COORDINATORS: [&str; 2] = ["robert.cwi@gmail.com", "ainur1917@gmail.com"];
const SUBJECT: &str = "Protest: stop police violence against activists in Almaty and drop the charges against Dmitry Tikhonov";

/// The copies of the May Day letters for a writer in Germany: of the court's fax and of the
/// postal letter to the embassy in Berlin, each to both coordinators.
fn expected_copies() -> Vec<(Vec<String>, String, String)> {
    let to: Vec<String> = COORDINATORS.iter().map(ToString::to_string).collect();
    let intro = "For the coordinators of May Day 2011: stop police violence against activists in Almaty: this is a copy of our letter to";
    vec![
        (
            to.clone(),
            format!("Copy: {SUBJECT}"),
            format!(
                "{intro}\n  Court hearing the case of Dmitry Tikhonov, Almaty, by fax: +7 727 271 5802"
            ),
        ),
        (
            to,
            format!("Copy: {SUBJECT}"),
            format!(
                "{intro}\n  Embassy of the Republic of Kazakhstan in Germany, by post: Botschaft der Republik Kasachstan, Nordendstraße 14-17, 13156 Berlin"
            ),
        ),
    ]
}

#[test]
fn issue_11_a_german_activist_in_a_british_branchs_workspace_writes_from_germany() {
    let run = Case::shipped()
        .file("outcry.toml", BRANCH_IN_GB)
        .personal_config(PETRA)
        .args(["compose", "mayday-2011", "--format", "json"])
        .run()
        .success()
        .stderr_is("");
    let v = run.json();
    let letters = v["letters"].as_array().expect("letters");
    let ids: Vec<&str> = letters
        .iter()
        .map(|l| l["id"].as_str().expect("id"))
        .collect();
    assert_eq!(
        ids,
        [
            "knb-press",
            "almaty-police-press",
            "mfa-kz",
            "presidential-administration",
            "court-tikhonov",
            "court-tikhonov.copy",
            "embassy-kz-de",
            "embassy-kz-de.copy"
        ]
    );
    for l in letters {
        let body = l["body"].as_str().expect("body");
        if l["channel"] != "phone" {
            assert!(
                body.contains("Petra Aktivistin\nExample Solidarity Branch\nBerlin, Germany\n"),
                "{body}"
            );
        }
        assert!(!body.contains("United Kingdom"), "{body}");
    }
    let origin = "[WS]/.home/.config/outcry/config.toml:6";
    let mut sources = v["summary"]["sender_from_workspace"].clone();
    let shown = sources[1]["origin"]
        .as_str()
        .expect("origin")
        .replace(&run.root.display().to_string(), "[WS]");
    sources[1]["origin"] = shown.into();
    assert_eq!(
        sources,
        serde_json::json!([
            {"field": "organisation", "workspace": "Example Solidarity Branch", "workspace_origin": "outcry.toml:2",
             "used": true, "value": "Example Solidarity Branch", "origin": "outcry.toml:2"},
            {"field": "country", "workspace": "GB", "workspace_origin": "outcry.toml:3",
             "used": false, "value": "DE", "origin": origin},
        ])
    );
    // The review for people: the post letter to Berlin, its copy, and where the sender's
    // values came from.
    run.again()
        .args(["compose", "mayday-2011", "--to", "embassy-kz-de"])
        .run()
        .success()
        .stderr_is("")
        .stdout_matches_snapshot("copies__german_activist_review");
}

#[test]
fn issue_11_a_country_only_the_workspace_gives_is_used_and_named() {
    Case::minimal()
        .file("outcry.toml", BRANCH_IN_GB)
        .env("OUTCRY_SENDER_NAME", "Test Sender")
        .env("OUTCRY_SENDER_EMAIL", "sender@example.org")
        .args(["compose", "c", "--to", "ministry"])
        .run()
        .success()
        .stderr_is("")
        .stdout_is("Test (c)\n\
            2 demands, 1 letter\n\
            \n\
            === 1/1 e-mail: ministry ===\n\
            From:    Test Sender <sender@example.org>\n\
            To:      Ministry <ministry@example.org>\n\
            Cc:      Coordinator <coord@example.org>\n\
            Subject: Protest\n\
            \n\
            To whom it may concern,\n\
            \n\
            1. One\n\
            2. Two\n\
            \n\
            Test Sender\n\
            \n\
            === plan ===\n\
            e-mail     1  (ministry)\n\
            fax        0\n\
            web form   0\n\
            post       0\n\
            calls      0\n\
            copies     coordinator (in the Cc of every e-mail letter)\n\
            unresolved none\n\
            sender     organisation \"Example Solidarity Branch\" from outcry.toml:2 (the workspace's)\n\
            \x20          country GB from outcry.toml:3 (the workspace's)\n");
}

/// The May Day letters as drafts, for a writer in Germany: copies by e-mail of the court's
/// fax and of the postal letter to the embassy, to the coordinators, read back by mail-parser.
#[test]
fn issue_11_drafts_copy_the_fax_and_the_post_letter_to_the_coordinators() {
    let run = Case::shipped()
        .personal_config(PETRA)
        .args(["compose", "mayday-2011", "--lang", "en", "--out", "drafts"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "letters/mayday-2011/campaign.toml:34: warning: postal letters (embassy-kz-de) carry no return address: set address in [sender] of [WS]/.home/.config/outcry/config.toml, or give --sender-address\n\
            wrote drafts/almaty-police-press.eml\n\
            wrote drafts/court-tikhonov.copy.eml\n\
            wrote drafts/court-tikhonov.fax.pdf\n\
            wrote drafts/court-tikhonov.fax.txt\n\
            wrote drafts/embassy-kz-de.copy.eml\n\
            wrote drafts/embassy-kz-de.post.pdf\n\
            wrote drafts/embassy-kz-de.post.txt\n\
            wrote drafts/knb-press.eml\n\
            wrote drafts/mfa-kz.eml\n\
            wrote drafts/presidential-administration.call.txt\n",
        );
    assert_eq!(
        run.files("drafts"),
        [
            ".outcry-drafts",
            "almaty-police-press.eml",
            "court-tikhonov.copy.eml",
            "court-tikhonov.fax.pdf",
            "court-tikhonov.fax.txt",
            "embassy-kz-de.copy.eml",
            "embassy-kz-de.post.pdf",
            "embassy-kz-de.post.txt",
            "knb-press.eml",
            "mfa-kz.eml",
            "presidential-administration.call.txt"
        ]
    );
    let copies: Vec<_> = ["court-tikhonov.copy.eml", "embassy-kz-de.copy.eml"]
        .iter()
        .map(|f| {
            let bytes = run.read(&format!("drafts/{f}"));
            summary(&parse(&bytes))
        })
        .collect();
    assert_eq!(copies, expected_copies());
}

/// The same copies go out by `send`, as the test server receives them.
#[test]
fn issue_11_send_delivers_the_copies_of_the_fax_and_the_post_letter() {
    let server = Server::start(Security::StartTls, Some(("activist", "pw")), vec![]);
    let run = Case::shipped()
        .personal_config(PETRA)
        .smtp(&server, "activist", "pw")
        .args(["send", "mayday-2011", "--lang", "en", "--yes", "--quiet"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("");
    let received = server.received();
    let copies: Vec<_> = received
        .iter()
        .filter(|r| r.rcpt_to == COORDINATORS)
        .map(|r| summary(&parse(&r.data)))
        .collect();
    assert_eq!(copies, expected_copies(), "{}", run.stderr);
    // Three letters by e-mail and two copies; the call is not copied.
    assert_eq!(received.len(), 5);
}

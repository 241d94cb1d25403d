//! Letters in the authority's language (issue 14): a campaign's `[translations.<lang>]` and
//! `letter.<lang>.hbs`, picked by a contact's `language`, by `--lang`, or target by target on
//! the guided path; `check` keeps translations in step; bulk letters keep the member's own
//! paragraph as written. The shipped May Day appeal is the example: its Kazakh authorities
//! read Russian, the embassy in London English.

use mail_parser::MessageParser;

use crate::Case;
use crate::terminal::DOWN;

/// The Russian words of the May Day appeal, as its campaign.toml gives them.
fn russian() -> (String, Vec<String>) {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("letters/mayday-2011/campaign.toml"),
    )
    .expect("campaign.toml");
    let v: toml::Value = toml::from_str(&text).expect("toml");
    let ru = &v["translations"]["ru"];
    (
        ru["subject"].as_str().expect("subject").to_string(),
        ru["demands"]
            .as_array()
            .expect("demands")
            .iter()
            .map(|d| d.as_str().expect("demand").to_string())
            .collect(),
    )
}

fn letter<'a>(v: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    v["letters"]
        .as_array()
        .expect("letters")
        .iter()
        .find(|l| l["id"] == id)
        .unwrap_or_else(|| panic!("no letter {id}"))
}

/// What `check mayday-2011` warns about in the shipped workspace, whatever else it says.
const WARNINGS: &str = "contacts.toml:86: warning: contact \"almaty-prosecutor\" has no email, fax, web, post or phone: no letter can reach it\n\
    contacts.toml:167: warning: contact \"embassy-kz-fr\" has no email, fax, web, post or phone: no letter can reach it\n\
    contacts.toml:172: warning: contact \"embassy-kz-at\" has no email, fax, web, post or phone: no letter can reach it\n";

const ENGLISH_SUBJECT: &str = "Protest: stop police violence against activists in Almaty and drop the charges against Dmitry Tikhonov";

/// The acceptance test: the KNB's letter is Russian (subject, body, demands, the date in
/// Russian), the London embassy's English; `--lang en` writes all in English.
#[test]
fn the_knb_reads_russian_and_the_london_embassy_english() {
    let (subject, demands) = russian();
    let v = Case::example()
        .sender()
        .args(["compose", "mayday-2011", "--format", "json"])
        .run()
        .success()
        .stderr_is("")
        .json();
    let knb = letter(&v, "knb-press");
    assert_eq!(knb["language"], "ru");
    assert_eq!(knb["subject"], subject.as_str());
    let body = knb["body"].as_str().expect("body");
    // The date in Russian, as a Russian letter carries it, above the salutation.
    assert!(
        body.starts_with("2 мая 2011 г.\n\nУважаемые господа!\n"),
        "{body}"
    );
    for (i, d) in demands.iter().enumerate() {
        assert!(
            body.contains(&format!("{}. {d}", i + 1)),
            "demand {}:\n{body}",
            i + 1
        );
    }
    let embassy = letter(&v, "embassy-kz-gb");
    assert_eq!(embassy["language"], "en");
    assert_eq!(embassy["subject"], ENGLISH_SUBJECT);
    assert!(
        embassy["body"]
            .as_str()
            .expect("body")
            .contains("1. An end to police harassment"),
        "{embassy}"
    );
    // The court's fax is Russian, and so is the coordinators' copy of it (what went).
    assert_eq!(letter(&v, "court-tikhonov")["language"], "ru");
    assert_eq!(letter(&v, "court-tikhonov.copy")["language"], "ru");

    let all_english = Case::example()
        .sender()
        .args(["compose", "mayday-2011", "--lang", "en", "--format", "json"])
        .run()
        .success()
        .stderr_is("")
        .json();
    for l in all_english["letters"].as_array().expect("letters") {
        assert_eq!(l["language"], "en", "{}", l["id"]);
    }
    assert_eq!(
        letter(&all_english, "knb-press")["subject"],
        ENGLISH_SUBJECT
    );
}

/// The review names a letter's language and groups the letters by language, and says that
/// the Russian is not yet checked by a native speaker.
#[test]
fn the_review_names_each_language() {
    let run = Case::example()
        .sender()
        .args(["compose", "mayday-2011", "--to", "knb-press", "embassy:KZ"])
        .run()
        .success()
        .stdout_matches_snapshot("languages_review")
        .stderr_is("");
    let plan = run.stdout.split_once("=== plan ===\n").expect("plan").1;
    assert_eq!(
        plan,
        "e-mail     2  (knb-press, embassy-kz-gb)\n\
         fax        0\n\
         web form   0\n\
         post       0\n\
         calls      0\n\
         languages  English (en) 1  (embassy-kz-gb)\n\
         \x20          Russian (ru) 1  (knb-press)\n\
         \x20          the Russian (ru) translation is not checked by a native speaker yet (checked = false in letters/mayday-2011/campaign.toml:45)\n\
         copies     ainur-kurmanov, robert-cwi (in the Cc of every e-mail letter)\n\
         unresolved none\n"
    );
    assert!(
        run.stdout
            .contains("Language: Russian (ru)\nSubject: Протест"),
        "{}",
        run.stdout
    );
}

/// A Russian translation missing a demand fails `check` at its line; so does a translated
/// letter that leaves out what the letter uses, and one without its table.
#[test]
fn check_keeps_translations_in_step() {
    let case = Case::example();
    let toml = std::fs::read_to_string(case.path().join("letters/mayday-2011/campaign.toml"))
        .expect("read");
    let (_, demands) = russian();
    let last = format!("  \"{}\",\n", demands[7].replace('"', "\\\""));
    assert!(toml.contains(&last), "{last}");
    let line = toml
        .lines()
        .position(|l| l.starts_with("demands = [") && toml.contains("[translations.ru]"))
        .map(|_| {
            let start = toml.find("[translations.ru]").expect("table");
            toml[..start].lines().count()
                + toml[start..]
                    .lines()
                    .position(|l| l.starts_with("demands = ["))
                    .expect("ru demands")
                + 1
        })
        .expect("line");
    case.file("letters/mayday-2011/campaign.toml", &toml.replace(&last, ""))
        .args(["check", "mayday-2011"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(&format!(
            "{WARNINGS}letters/mayday-2011/campaign.toml:{line}: [translations.ru] lists 7 demands and the campaign 8: a translation has the same demands, in the same order\n\
            1 error(s): fix them and run outcry check again\n"
        ));

    let case = Case::example();
    let ru = std::fs::read_to_string(case.path().join("letters/mayday-2011/letter.ru.hbs"))
        .expect("read")
        .replace("{{#if personal}}", "{{#if nothing}}")
        .replace("{{personal}}", "");
    let personal_line = std::fs::read_to_string(case.path().join("letters/mayday-2011/letter.hbs"))
        .expect("read")
        .lines()
        .position(|l| l.contains("{{#if personal}}"))
        .expect("personal")
        + 1;
    case.file("letters/mayday-2011/letter.ru.hbs", &ru)
        .args(["check", "mayday-2011"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(&format!(
            "{WARNINGS}letters/mayday-2011/letter.hbs:{personal_line}: {{{{personal}}}} is not in the ru translation, letters/mayday-2011/letter.ru.hbs: a letter in that language would leave it out\n\
            1 error(s): fix them and run outcry check again\n"
        ));

    Case::example()
        .file("letters/mayday-2011/letter.de.hbs", "Sehr geehrte Damen und Herren,\n")
        .args(["check", "mayday-2011"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(&format!(
            "{WARNINGS}letters/mayday-2011/letter.de.hbs: letter.de.hbs has no [translations.de] in campaign.toml: add one with the subject and demands in that language\n\
            1 error(s): fix them and run outcry check again\n"
        ));
    Case::example()
        .args(["compose", "mayday-2011", "--lang", "de"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: --lang de: campaign mayday-2011 is written in en, ru\n");
}

/// A member's bulk letter to the KNB is Russian, with their own paragraph as they wrote it;
/// their letter to the embassy English.
#[test]
fn a_members_letter_to_the_knb_is_russian_with_their_paragraph_intact() {
    let v = Case::example()
        .env("OUTCRY_SENDER_NAME", "Leeds Branch")
        .env("OUTCRY_SENDER_EMAIL", "branch@example.org")
        .file(
            "members.csv",
            "name,email,city,country,note\nAnn Activist,ann@example.org,Leeds,GB,\"I marched in Leeds, and I will again.\nNo translation, please.\"\n",
        )
        .args(["compose", "mayday-2011", "--signers", "members.csv", "--format", "json"])
        .run()
        .success()
        .stderr_is("mayday-2011: 1 signer(s), 7 letter(s)\n")
        .json();
    let id = |prefix: &str| {
        v["letters"]
            .as_array()
            .expect("letters")
            .iter()
            .find(|l| l["id"].as_str().is_some_and(|i| i.starts_with(prefix)))
            .unwrap_or_else(|| panic!("{prefix}"))
            .clone()
    };
    let knb = id("knb-press.");
    assert_eq!(knb["language"], "ru");
    let body = knb["body"].as_str().expect("body");
    assert!(
        body.contains(
            "\n\nI marched in Leeds, and I will again.\nNo translation, please.\n\nВесь мир следит"
        ),
        "{body}"
    );
    assert!(body.contains("С уважением,\n\nAnn Activist\n"), "{body}");
    assert_eq!(id("embassy-kz-gb.")["language"], "en");
}

/// `bilingual = true`: a translated letter ends with the text in the campaign's own language,
/// under a line saying so.
#[test]
fn a_bilingual_letter_ends_with_the_original() {
    let case = Case::example();
    let toml = std::fs::read_to_string(case.path().join("letters/mayday-2011/campaign.toml"))
        .expect("read")
        .replace(
            "addressing = \"each\"",
            "addressing = \"each\"\nbilingual = true",
        );
    let v = case
        .file("letters/mayday-2011/campaign.toml", &toml)
        .sender()
        .args([
            "compose",
            "mayday-2011",
            "--to",
            "knb-press",
            "--format",
            "json",
        ])
        .run()
        .success()
        .stderr_is("")
        .json();
    let body = letter(&v, "knb-press")["body"]
        .as_str()
        .expect("body")
        .to_string();
    let (russian, english) = body
        .split_once("\nОригинал на английском языке ниже\n\n")
        .unwrap_or_else(|| panic!("no line before the original:\n{body}"));
    assert!(
        russian.starts_with("2 мая 2011 г.\n\nУважаемые господа!"),
        "{russian}"
    );
    assert!(
        english.starts_with("To whom it may concern,\n"),
        "{english}"
    );
    assert!(
        english.contains("1. An end to police harassment"),
        "{english}"
    );
}

/// The guided path asks, target by target, whether to write in their language: unticked,
/// the KNB gets the English letter; the police, still ticked, the Russian.
#[test]
fn the_guided_path_lets_the_writer_choose_the_language_per_target() {
    let mut t = Case::example()
        .personal_config("[sender]\nname = \"Ann Activist\"\nemail = \"ann@example.org\"\ncity = \"Leeds\"\ncountry = \"GB\"\n")
        .terminal(["compose"]);
    t.wait_for("Which appeal").keys(&[DOWN, "\r"]);
    t.wait_for("Sign the letters with this profile?")
        .keys(&["y"]);
    t.wait_for("Whom do you write to?").keys(&["\r"]);
    t.wait_for("Write to these in their language?")
        .keys(&[" ", "\r"]);
    t.wait_for("Add a paragraph").keys(&["\r"]);
    t.wait_for("Read the letters")
        .keys(&[DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, DOWN, "\r"]);
    t.wait_for("What now?").keys(&["\r"]);
    t.wait_for("Folder for the drafts").keys(&["\r"]);
    t.wait_for("wrote drafts/mayday-2011");
    t.wait_for("The appeal asks for calls too").keys(&["n"]);
    let run = t.finish().code(0);
    let subject = |id: &str| {
        let eml = run.read(&format!("drafts/mayday-2011/{id}.eml"));
        MessageParser::default()
            .parse(&eml)
            .and_then(|m| m.subject().map(str::to_string))
            .expect("subject")
    };
    assert_eq!(subject("knb-press"), ENGLISH_SUBJECT);
    assert_eq!(subject("almaty-police-press"), russian().0);
}

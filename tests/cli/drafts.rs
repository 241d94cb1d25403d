//! Drafts: `.eml` files, Maildir and mbox, read back with an independent parser (mail-parser).

use mail_parser::{Message, MessageParser};

use crate::{Case, EPOCH};

/// A sender whose name needs RFC 2047 encoding and is long enough to be folded.
const CYRILLIC_NAME: &str = "Жанна Д'Арк-Петровна Иванова-Сидорова из Лондона";

/// What `compose mayday-2011 --out drafts` says: each file it wrote.
const WROTE: &str = "wrote drafts/almaty-police-press.eml\n\
                     wrote drafts/court-tikhonov.copy.eml\n\
                     wrote drafts/court-tikhonov.fax.pdf\n\
                     wrote drafts/court-tikhonov.fax.txt\n\
                     wrote drafts/embassy-kz-gb.eml\n\
                     wrote drafts/knb-press.eml\n\
                     wrote drafts/mfa-kz.eml\n\
                     wrote drafts/presidential-administration.call.txt\n";

fn example_drafts(extra: &[&str]) -> crate::Run {
    let mut args = vec!["compose", "mayday-2011", "--out", "drafts"];
    args.extend_from_slice(extra);
    Case::example()
        .env("OUTCRY_SENDER_NAME", CYRILLIC_NAME)
        .env("OUTCRY_SENDER_EMAIL", "jeanne@example.org")
        .args(args)
        .run()
        .success()
}

fn parse(bytes: &[u8]) -> Message<'_> {
    MessageParser::default()
        .parse(bytes)
        .expect("a parsable message")
}

fn mailboxes(a: Option<&mail_parser::Address<'_>>) -> Vec<(String, String)> {
    a.map(|a| {
        a.iter()
            .map(|m| {
                (
                    m.name().unwrap_or_default().to_string(),
                    m.address().unwrap_or_default().to_string(),
                )
            })
            .collect()
    })
    .unwrap_or_default()
}

#[test]
fn out_writes_one_file_per_letter_named_by_contact_id() {
    let run = example_drafts(&[]).stdout_is("").stderr_is(WROTE);
    assert_eq!(
        run.files("drafts"),
        [
            ".outcry-drafts",
            "almaty-police-press.eml",
            "court-tikhonov.copy.eml",
            "court-tikhonov.fax.pdf",
            "court-tikhonov.fax.txt",
            "embassy-kz-gb.eml",
            "knb-press.eml",
            "mfa-kz.eml",
            "presidential-administration.call.txt"
        ]
    );
    let fax = String::from_utf8(run.read("drafts/court-tikhonov.fax.txt")).expect("utf-8");
    // The court reads Russian (issue 14): outcry's Russian fax layout.
    assert!(fax.starts_with("ФАКС\n\nКому:     Court hearing the case of Dmitry Tikhonov, Almaty\nФакс:     +7 727 271 5802\n"), "{fax}");
    assert!(
        fax.contains(&format!("От:       {CYRILLIC_NAME}\nE-mail:")),
        "{fax}"
    );
}

#[test]
fn eml_drafts_parse_with_the_right_headers() {
    let run = example_drafts(&[]).stdout_is("").stderr_is(WROTE);
    let bytes = run.read("drafts/knb-press.eml");
    let m = parse(&bytes);
    assert_eq!(
        mailboxes(m.from()),
        [(CYRILLIC_NAME.to_string(), "jeanne@example.org".to_string())]
    );
    assert_eq!(
        mailboxes(m.to()),
        [(
            "Press Office of the National Security Committee (KNB)".to_string(),
            "press@knb.kz".to_string()
        )]
    );
    assert_eq!(
        mailboxes(m.cc()),
        [
            (
                "Robert (CWI)".to_string(),
                "robert.cwi@gmail.com".to_string()
            ),
            (
                "Ainur Kurmanov".to_string(),
                "ainur1917@gmail.com".to_string()
            )
        ]
    );
    assert_eq!(
        m.subject(),
        Some(
            "Протест: прекратить полицейское насилие против активистов в Алматы и снять обвинения с Дмитрия Тихонова"
        )
    );
    assert_eq!(m.header_raw("X-Unsent").map(str::trim), Some("1"));
    let id = m.message_id().expect("Message-ID");
    assert!(id.ends_with("@example.org"), "{id}");
    assert_eq!(
        m.date().expect("Date").to_timestamp(),
        EPOCH.parse::<i64>().expect("epoch")
    );
    let body = m.body_text(0).expect("text body");
    assert!(
        body.replace("\r\n", "\n")
            .starts_with("2 мая 2011 г.\n\nУважаемые господа!\n"),
        "{body}"
    );
    assert!(body.contains(CYRILLIC_NAME));
    // Metadata: nothing names the program or the machine.
    for (name, _) in m.headers_raw() {
        assert!(
            !["User-Agent", "X-Mailer", "Received"].contains(&name),
            "{name}"
        );
    }
}

#[test]
fn eml_drafts_use_crlf_only() {
    let run = example_drafts(&[]).stdout_is("").stderr_is(WROTE);
    let bytes = run.read("drafts/mfa-kz.eml");
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            assert!(i > 0 && bytes[i - 1] == b'\r', "bare LF at byte {i}");
        }
        if *b == b'\r' {
            assert_eq!(bytes.get(i + 1), Some(&b'\n'), "bare CR at byte {i}");
        }
    }
}

#[test]
fn drafts_are_byte_identical_for_the_same_input() {
    let a = example_drafts(&[]).stdout_is("").stderr_is(WROTE);
    let b = example_drafts(&[]).stdout_is("").stderr_is(WROTE);
    // Both runs wrote every draft: with no files the comparison below would pass vacuously.
    let written = [
        "almaty-police-press.eml",
        "court-tikhonov.copy.eml",
        "court-tikhonov.fax.pdf",
        "court-tikhonov.fax.txt",
        "embassy-kz-gb.eml",
        "knb-press.eml",
        "mfa-kz.eml",
        "presidential-administration.call.txt",
    ];
    let listed: Vec<&str> = [".outcry-drafts"].into_iter().chain(written).collect();
    assert_eq!(a.files("drafts"), listed);
    assert_eq!(b.files("drafts"), listed);
    for f in written {
        assert_eq!(
            a.read(&format!("drafts/{f}")),
            b.read(&format!("drafts/{f}")),
            "{f}"
        );
    }
}

#[test]
fn message_ids_are_stable_and_distinct() {
    let a = example_drafts(&[]).stdout_is("").stderr_is(WROTE);
    let ids: Vec<String> = [
        "knb-press",
        "almaty-police-press",
        "mfa-kz",
        "embassy-kz-gb",
    ]
    .iter()
    .map(|f| {
        parse(&a.read(&format!("drafts/{f}.eml")))
            .message_id()
            .expect("id")
            .to_string()
    })
    .collect();
    let mut unique = ids.clone();
    unique.dedup();
    assert_eq!(unique.len(), 4, "{ids:?}");
    let later = Case::example()
        .env("SOURCE_DATE_EPOCH", "1400000000")
        .env("OUTCRY_SENDER_NAME", CYRILLIC_NAME)
        .env("OUTCRY_SENDER_EMAIL", "jeanne@example.org")
        .args([
            "compose",
            "mayday-2011",
            "--out",
            "drafts",
            "--to",
            "knb-press",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("wrote drafts/knb-press.eml\n");
    assert_eq!(
        parse(&later.read("drafts/knb-press.eml"))
            .message_id()
            .map(str::to_string),
        Some(ids[0].clone())
    );
}

#[cfg(unix)]
#[test]
fn drafts_are_private_to_their_owner() {
    use std::os::unix::fs::PermissionsExt;
    let run = example_drafts(&[]).stdout_is("").stderr_is(WROTE);
    let mode = |rel: &str| {
        std::fs::metadata(run.root.join(rel))
            .expect("meta")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("drafts"), 0o700);
    assert_eq!(mode("drafts/knb-press.eml"), 0o600);
}

#[test]
fn maildir_holds_the_email_drafts_flagged_as_drafts() {
    let run = example_drafts(&["--maildir", "Mail/Drafts"])
        .stdout_is("")
        .stderr_is(
            "wrote drafts/almaty-police-press.eml\n\
            wrote drafts/court-tikhonov.copy.eml\n\
            wrote drafts/court-tikhonov.fax.pdf\n\
            wrote drafts/court-tikhonov.fax.txt\n\
            wrote drafts/embassy-kz-gb.eml\n\
            wrote drafts/knb-press.eml\n\
            wrote drafts/mfa-kz.eml\n\
            wrote drafts/presidential-administration.call.txt\n\
            stored 5 draft(s) in the Maildir Mail/Drafts; 2 letter(s) it cannot hold (fax, call) are in drafts\n",
        );
    let cur = run.files("Mail/Drafts/cur");
    assert_eq!(cur.len(), 5, "{cur:?}");
    assert!(run.files("Mail/Drafts/new").is_empty());
    let mut subjects = Vec::new();
    for f in &cur {
        assert!(f.ends_with(":2,DS"), "{f}");
        let bytes = run.read(&format!("Mail/Drafts/cur/{f}"));
        subjects.push(
            parse(&bytes)
                .to()
                .and_then(|a| a.first())
                .and_then(|a| a.address())
                .map(str::to_string),
        );
    }
    subjects.sort();
    let expected: Vec<Option<String>> = [
        "delta@police.kz",
        "london@mfa.kz",
        "mid@mid.kz",
        "press@knb.kz",
        "robert.cwi@gmail.com",
    ]
    .iter()
    .map(|s| Some((*s).to_string()))
    .collect();
    assert_eq!(subjects, expected);
}

#[test]
fn mbox_appends_the_email_drafts() {
    let case = Case::example()
        .env("OUTCRY_SENDER_NAME", CYRILLIC_NAME)
        .env("OUTCRY_SENDER_EMAIL", "jeanne@example.org")
        .file("drafts.mbox", "");
    let run = case
        .args(["compose", "mayday-2011", "--lang", "en", "--mbox", "drafts.mbox"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "appended 5 draft(s) to drafts.mbox; 2 letter(s) it cannot hold (fax, call) are in drafts.mbox.letters\n\
            wrote drafts.mbox.letters/court-tikhonov.fax.pdf\n\
            wrote drafts.mbox.letters/court-tikhonov.fax.txt\n\
            wrote drafts.mbox.letters/presidential-administration.call.txt\n",
        );
    let bytes = run.read("drafts.mbox");
    let messages: Vec<_> = mail_parser::mailbox::mbox::MessageIterator::new(&bytes[..])
        .collect::<Result<_, _>>()
        .expect("mbox");
    assert_eq!(messages.len(), 5);
    for m in &messages {
        let parsed = parse(m.contents());
        assert_eq!(mailboxes(parsed.from())[0].1, "jeanne@example.org");
        assert!(
            parsed
                .body_text(0)
                .expect("body")
                .contains("Yours faithfully")
        );
    }
}

#[test]
fn drafts_need_a_sender_and_nothing_is_written_without_one() {
    let run = Case::example()
        .args(["compose", "mayday-2011", "--out", "drafts"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("sender: writing drafts needs a sender: set name and email in [sender] of [WS]/.home/.config/outcry/config.toml, or use --sender-name and --sender-email\n");
    assert_eq!(
        run.stderr
            .replace(&run.root.display().to_string(), "<workspace>"),
        "sender: writing drafts needs a sender: set name and email in [sender] of <workspace>/.home/.config/outcry/config.toml, or use --sender-name and --sender-email\n"
    );
    assert!(!run.root.join("drafts").exists());
}

#[test]
fn nothing_is_written_when_a_letter_fails_to_render() {
    let run = Case::minimal()
        .sender()
        .file(
            "letters/c/letter.hbs",
            "{{#if recipient.fax}}{{recipient.nickname}}{{/if}}Dear all\n",
        )
        .args([
            "compose",
            "c",
            "--out",
            "drafts",
            "--maildir",
            "md",
            "--mbox",
            "box",
        ])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("letters/c/letter.hbs:1: template uses `recipient.nickname`, which is not defined (the fields of `recipient` are id, name, salutation, country, country_name, email, fax, phone, post, web, language)\u{a}");
    assert!(!run.root.join("drafts").exists());
    assert!(!run.root.join("md").exists());
    assert!(!run.root.join("box").exists());
}

#[test]
fn a_body_with_a_lone_dot_line_stays_intact() {
    let run = Case::minimal()
        .sender()
        .file("letters/c/letter.hbs", "Dear all,\n.\nsecond line\n..\n")
        .args(["compose", "c", "--out", "drafts"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "wrote drafts/court.copy.eml\n\
            wrote drafts/court.fax.pdf\n\
            wrote drafts/court.fax.txt\n\
            wrote drafts/ministry.eml\n",
        );
    let bytes = run.read("drafts/ministry.eml");
    let m = parse(&bytes);
    assert_eq!(
        m.body_text(0).expect("body").replace("\r\n", "\n"),
        "Dear all,\n.\nsecond line\n..\n"
    );
}

/// Cyrillic names, subject and body survive the trip through MIME encoding; copies sent
/// separately go to the coordinators only.
#[test]
fn cyrillic_headers_round_trip() {
    let subject = "Протест: освободите Айнура Курманова и прекратите преследование активистов";
    let run = Case::empty()
        .file(
            "contacts.toml",
            "[contacts.prokuratura]\nname = \"Генеральная прокуратура Республики Казахстан, приёмная\"\ncountry = \"KZ\"\nemail = \"prokuratura@example.org\"\n\n\
             [contacts.koordinator]\nname = \"Координатор кампании «Казахстан 2012»\"\ncountry = \"KZ\"\nemail = \"koord@example.org\"\n",
        )
        .file(
            "letters/ru/campaign.toml",
            &format!("title = \"Свобода\"\nsubject = \"{subject}\"\nissued = 2010-05-05\ndemands = [\"Освободить Айнура Курманова.\"]\nto = [\"prokuratura\"]\ncc = [\"koordinator\"]\ncopies = \"separate\"\n"),
        )
        .file("letters/ru/letter.hbs", "Уважаемые господа,\n\n{{#each demands}}\n{{number}}. {{text}}\n{{/each}}\n\n{{sender.name}}\n")
        .env("OUTCRY_SENDER_NAME", CYRILLIC_NAME)
        .env("OUTCRY_SENDER_EMAIL", "jeanne@example.org")
        .args(["compose", "ru", "--out", "drafts"])
        .run()
        .success()
.stdout_is("")
.stderr_is("wrote drafts/prokuratura.copy.eml\n\
    wrote drafts/prokuratura.eml\n");
    assert_eq!(
        run.files("drafts"),
        [".outcry-drafts", "prokuratura.copy.eml", "prokuratura.eml"]
    );
    let bytes = run.read("drafts/prokuratura.eml");
    let m = parse(&bytes);
    assert_eq!(m.subject(), Some(subject));
    assert_eq!(
        mailboxes(m.to()),
        [(
            "Генеральная прокуратура Республики Казахстан, приёмная".to_string(),
            "prokuratura@example.org".to_string()
        )]
    );
    assert!(m.cc().is_none() && m.bcc().is_none());
    assert_eq!(
        m.body_text(0).expect("body").replace("\r\n", "\n"),
        format!("Уважаемые господа,\n\n1. Освободить Айнура Курманова.\n\n{CYRILLIC_NAME}\n")
    );
    assert!(bytes.is_ascii(), "headers and body are 7-bit encoded");
    let copy_bytes = run.read("drafts/prokuratura.copy.eml");
    let copy = parse(&copy_bytes);
    assert_eq!(copy.subject(), Some(format!("Copy: {subject}").as_str()));
    assert_eq!(
        mailboxes(copy.to()),
        [(
            "Координатор кампании «Казахстан 2012»".to_string(),
            "koord@example.org".to_string()
        )]
    );
}

/// Found by the bad-input sweep: an unusable destination used to leave some drafts behind.
#[test]
fn an_unusable_destination_is_refused_before_anything_is_written() {
    let case = Case::example().sender();
    std::fs::create_dir_all(case.path().join("d/mfa-kz.eml")).expect("mkdir");
    let run = case
        .args(["compose", "mayday-2011", "--out", "d"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: --out: d/mfa-kz.eml is a folder, where a draft would go\n");
    assert!(
        run.stderr
            .contains("mfa-kz.eml is a folder, where a draft would go"),
        "{}",
        run.stderr
    );
    assert_eq!(run.files("d"), Vec::<String>::new());
    let case = Case::example().sender();
    std::fs::create_dir_all(case.path().join("box")).expect("mkdir");
    let run = case
        .args([
            "compose",
            "mayday-2011",
            "--out",
            "d",
            "--maildir",
            "md",
            "--mbox",
            "box",
        ])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: --mbox box: exists and is not a file\n");
    assert!(!run.root.join("d").exists() && !run.root.join("md").exists());
}

#[test]
fn a_selection_that_reaches_nobody_is_an_error() {
    let run = Case::example()
        .sender()
        .args([
            "compose",
            "mayday-2011",
            "--to",
            "knb-press",
            "--skip",
            "knb-press",
            "--out",
            "d",
        ])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(
            "error: no letter to write: the campaign's targets, as selected, reach nobody\n",
        );
    assert!(run.stderr.contains("no letter to write"), "{}", run.stderr);
    assert!(!run.root.join("d").exists());
    Case::example()
        .sender()
        .args([
            "compose",
            "free-ainur-kurmanov",
            "--to",
            "almaty-prosecutor",
        ])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("letters/free-ainur-kurmanov/campaign.toml:9: warning: the deadline 2010-05-06 has passed\n\
            letters/free-ainur-kurmanov/campaign.toml:25: warning: almaty-prosecutor: Prosecutor of the City of Almaty has no e-mail, fax, web form, postal address or phone in contacts.toml\n\
            error: no letter to write: the campaign's targets, as selected, reach nobody (almaty-prosecutor: Prosecutor of the City of Almaty has no e-mail, fax, web form, postal address or phone in contacts.toml)\n");
}

/// What Python's `mailbox` and `email` packages read in `rel` (`kind`: maildir, mbox, eml),
/// as `scripts/read_mailbox.py` prints it.
fn python_reads(run: &crate::Run, kind: &str, rel: &str) -> String {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/read_mailbox.py");
    let out = std::process::Command::new("python3")
        .arg(script)
        .args([kind, rel])
        .current_dir(&run.root)
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Issue 11 item 6: a mailbox cannot hold fax, postal or call letters; they go into a folder
/// beside it (or into `--out`), and the note says where, never dropping them.
#[test]
fn issue_11_mailboxes_keep_the_other_letters_beside_them() {
    let run = Case::example()
        .sender()
        .args(["compose", "mayday-2011", "--maildir", "Mail/Drafts"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("stored 5 draft(s) in the Maildir Mail/Drafts; 2 letter(s) it cannot hold (fax, call) are in Mail/Drafts.letters\n\
            wrote Mail/Drafts.letters/court-tikhonov.fax.pdf\n\
            wrote Mail/Drafts.letters/court-tikhonov.fax.txt\n\
            wrote Mail/Drafts.letters/presidential-administration.call.txt\n");
    assert_eq!(
        run.files("Mail/Drafts.letters"),
        [
            ".outcry-drafts",
            "court-tikhonov.fax.pdf",
            "court-tikhonov.fax.txt",
            "presidential-administration.call.txt"
        ]
    );
    assert_eq!(run.files("Mail/Drafts/cur").len(), 5);
    let run = Case::example()
        .sender()
        .args(["compose", "mayday-2011", "--mbox", "drafts.mbox"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("appended 5 draft(s) to drafts.mbox; 2 letter(s) it cannot hold (fax, call) are in drafts.mbox.letters\n\
            wrote drafts.mbox.letters/court-tikhonov.fax.pdf\n\
            wrote drafts.mbox.letters/court-tikhonov.fax.txt\n\
            wrote drafts.mbox.letters/presidential-administration.call.txt\n");
    let fax =
        String::from_utf8(run.read("drafts.mbox.letters/court-tikhonov.fax.txt")).expect("utf-8");
    assert!(fax.starts_with("ФАКС\n"), "{fax}");
    // Both mailboxes: the letters once, beside the first; with --out, in it.
    let run = Case::example()
        .sender()
        .args(["compose", "mayday-2011", "--to", "court-tikhonov", "--maildir", "md", "--mbox", "box"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("stored 1 draft(s) in the Maildir md; 1 letter(s) it cannot hold (fax) are in md.letters\n\
            appended 1 draft(s) to box; 1 letter(s) it cannot hold (fax) are in md.letters\n\
            wrote md.letters/court-tikhonov.fax.pdf\n\
            wrote md.letters/court-tikhonov.fax.txt\n");
    assert!(!run.root.join("box.letters").exists());
    Case::example()
        .sender()
        .args([
            "compose",
            "mayday-2011",
            "--out",
            "d",
            "--to",
            "court-tikhonov",
            "--to",
            "knb-press",
            "--maildir",
            "md",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "wrote d/court-tikhonov.copy.eml\n\
            wrote d/court-tikhonov.fax.pdf\n\
            wrote d/court-tikhonov.fax.txt\n\
            wrote d/knb-press.eml\n\
            stored 2 draft(s) in the Maildir md; 1 letter(s) it cannot hold (fax) are in d\n",
        );
}

/// Issue 11 item 7: composing into a folder again leaves it holding this run's drafts only;
/// the writer's own files stay.
#[test]
fn issue_11_a_folder_holds_only_the_drafts_of_this_run() {
    let run = Case::minimal()
        .sender()
        .args(["compose", "c", "--out", "drafts"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "wrote drafts/court.copy.eml\n\
            wrote drafts/court.fax.pdf\n\
            wrote drafts/court.fax.txt\n\
            wrote drafts/ministry.eml\n",
        );
    std::fs::write(run.root.join("drafts/notes.txt"), "mine\n").expect("write");
    std::fs::write(run.root.join("drafts/old.eml"), "mine too\n").expect("write");
    let run = run
        .again()
        .args(["compose", "c", "--out", "drafts", "--to", "ministry"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "wrote drafts/ministry.eml\n\
            removed drafts/court.copy.eml (not in this run)\n\
            removed drafts/court.fax.pdf (not in this run)\n\
            removed drafts/court.fax.txt (not in this run)\n",
        );
    assert_eq!(
        run.files("drafts"),
        [".outcry-drafts", "ministry.eml", "notes.txt", "old.eml"]
    );
    assert_eq!(
        String::from_utf8(run.read("drafts/.outcry-drafts")).expect("utf-8"),
        "ministry.eml\n"
    );
    // The same in the folder beside a Maildir: no fax letter this time, none left.
    let run = run
        .again()
        .args(["compose", "c", "--maildir", "md"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("stored 2 draft(s) in the Maildir md; 1 letter(s) it cannot hold (fax) are in md.letters\n\
            wrote md.letters/court.fax.pdf\n\
            wrote md.letters/court.fax.txt\n");
    assert_eq!(
        run.files("md.letters"),
        [".outcry-drafts", "court.fax.pdf", "court.fax.txt"]
    );
    let run = run
        .again()
        .args(["compose", "c", "--maildir", "md", "--to", "ministry"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "stored 1 draft(s) in the Maildir md\n\
            removed md.letters/court.fax.pdf (not in this run)\n\
            removed md.letters/court.fax.txt (not in this run)\n",
        );
    assert_eq!(run.files("md.letters"), [".outcry-drafts"]);
}

/// Issue 11 items 8 and 9, as Python's `mailbox` and `email` read them: stored drafts have no
/// `X-Unsent` (the `.eml` file keeps it), Maildir flags `DS`, LF line ends; a body line
/// `From the people` reads back as it was, not `>From`.
#[test]
fn issue_11_stored_drafts_as_mail_clients_read_them() {
    let run = Case::minimal()
        .sender()
        .file(
            "letters/c/letter.hbs",
            "{{recipient.salutation}},\n\nFrom the people of Almaty:\n{{#each demands}}\n{{number}}. {{text}}\n{{/each}}\n",
        )
        .args(["compose", "c", "--to", "ministry", "--out", "d", "--maildir", "md", "--mbox", "box"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("wrote d/ministry.eml\n\
            stored 1 draft(s) in the Maildir md\n\
            appended 1 draft(s) to box\n");
    let message = |extra: &str, x_unsent: &str, has_cr: bool| {
        format!(
            "[\n {{\n  \"to\": [\n   \"ministry@example.org\"\n  ],\n  \"bcc\": [],\n  \"x_unsent\": {x_unsent},\n  \"transfer_encoding\": \"quoted-printable\",\n  \"has_cr\": {has_cr},\n  \"long_header_lines\": [],\n  \"defects\": [],\n  \"body\": \"To whom it may concern,\\n\\nFrom the people of Almaty:\\n1. One\\n2. Two\\n\"{extra}\n }}\n]\n"
        )
    };
    assert_eq!(
        python_reads(&run, "maildir", "md"),
        message(
            ",\n  \"subdir\": \"cur\",\n  \"flags\": \"DS\"",
            "null",
            false
        )
    );
    assert!(run.files("md/cur")[0].ends_with(":2,DS"));
    assert_eq!(
        python_reads(&run, "mbox", "box"),
        message(",\n  \"from_line\": \"sender@example.org\"", "null", false)
    );
    assert_eq!(
        python_reads(&run, "eml", "d/ministry.eml"),
        message("", "\"1\"", true)
    );
    let mbox = String::from_utf8(run.read("box")).expect("utf-8");
    assert!(mbox.contains("\n=46rom the people of Almaty:\n"), "{mbox}");
}

/// Issue 11 item 10: a plain ASCII letter goes as 7bit, and a long name is folded so that no
/// header line is longer than 78 characters.
#[test]
fn issue_11_ascii_letters_go_as_7bit_with_short_header_lines() {
    let name = "Ministry of Internal Affairs of the Republic of Kazakhstan, Department of Police";
    let run = Case::minimal()
        .sender()
        .file(
            "contacts.toml",
            &format!("[contacts.ministry]\nname = \"{name}\"\ncountry = \"KZ\"\nemail = \"ministry@example.org\"\n\n\
             [contacts.court]\nname = \"Court\"\ncountry = \"KZ\"\nfax = \"+7 727 271 5802\"\n\n\
             [contacts.coordinator]\nname = \"Coordinator\"\ncountry = \"GB\"\nemail = \"coord@example.org\"\n"),
        )
        .args(["compose", "c", "--to", "ministry", "--out", "d"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("wrote d/ministry.eml\n");
    assert_eq!(
        python_reads(&run, "eml", "d/ministry.eml"),
        format!(
            "[\n {{\n  \"to\": [\n   \"ministry@example.org\"\n  ],\n  \"bcc\": [],\n  \"x_unsent\": \"1\",\n  \"transfer_encoding\": \"7bit\",\n  \"has_cr\": true,\n  \"long_header_lines\": [],\n  \"defects\": [],\n  \"body\": \"To whom it may concern,\\n\\n1. One\\n2. Two\\n\\nTest Sender\\n\"\n }}\n]\n"
        )
    );
    let bytes = run.read("d/ministry.eml");
    let m = parse(&bytes);
    assert_eq!(
        mailboxes(m.to()),
        [(name.to_string(), "ministry@example.org".to_string())]
    );
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    assert!(
        text.contains("To: \"Ministry of Internal Affairs of the Republic of Kazakhstan, Department of\r\n Police\" <ministry@example.org>\r\n"),
        "{text}"
    );
}

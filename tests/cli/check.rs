//! `outcry check`: the shipped workspace passes; broken ones fail with `file:line` messages.

use crate::Case;

#[test]
fn the_shipped_workspace_passes() {
    let run = Case::example()
        .args(["check"])
        .run()
        .success()
        .stdout_is("");
    insta::assert_snapshot!("check_example", run.stderr_snapshot());
}

#[test]
fn one_campaign_can_be_checked() {
    Case::example()
        .args(["check", "mayday-2011"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("contacts.toml:79: warning: contact \"almaty-prosecutor\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:157: warning: contact \"embassy-kz-fr\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:162: warning: contact \"embassy-kz-at\" has no email, fax, web, post or phone: no letter can reach it\n\
            ok: 1 campaign(s), 11 contact(s), 9 embass(ies), 6 letter(s) render\n");
    Case::example()
        .args(["check", "nope"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: no campaign \"nope\" in [WS]/letters: the campaigns are free-ainur-kurmanov, mayday-2011\n");
}

/// A workspace with one mistake of each kind: every one is reported, with its file and line.
#[test]
fn every_problem_is_reported_with_file_and_line() {
    let run = Case::empty()
        .file(
            "contacts.toml",
            r#"[contacts.ministry]
name = "Ministry"
country = "KZ"
email = "ministry at example.org"

[contacts.court]
name = "Court"
country = "KZ"
fax = "++7727 27158"

[contacts.evil]
name = "Evil\r\nBcc: someone@example.org"
country = "KZ"
email = "evil@example.org"

[contacts.typo]
name = "Typo"
country = "KZ"
emial = "typo@example.org"
"#,
        )
        .file(
            "letters/keys/campaign.toml",
            "title = \"Keys\"\nsubject = \"S\"\nissued = 2011-05-02\ndemandz = [\"x\"]\nto = [\"court\"]\n",
        )
        .file("letters/keys/letter.hbs", "Hello\n")
        .file(
            "letters/refs/campaign.toml",
            "title = \"Refs\"\nsubject = \"S\"\nissued = 2011-05-02\ndemands = [\"x\"]\nto = [\"ministry\", \"nobody\"]\ncc = [\"ghost\"]\n",
        )
        .file("letters/refs/letter.hbs", "Dear {{recipient.name}},\n\n{{recipient.title}}\n")
        .file(
            "letters/syntax/campaign.toml",
            "title = \"Syntax\"\nsubject = \"S\"\nissued = 2011-05-02\ndemands = [\"x\"]\nto = [\"court\"]\n",
        )
        .file("letters/syntax/letter.hbs", "Dear all,\n\n{{#each demands}}\n{{text}}\n")
        .args(["check"])
        .run()
        .code(2)
.stdout_is("");
    insta::assert_snapshot!("check_broken", run.stderr_snapshot());
}

#[test]
fn a_missing_template_variable_names_the_template_line() {
    Case::minimal()
        .file(
            "letters/c/letter.hbs",
            "Dear {{recipient.name}},\n\nsigned,\n{{sender.nickname}}\n",
        )
        .args(["check", "c"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("letters/c/letter.hbs:4: template uses `sender.nickname`, which is not defined (known: campaign, demands, recipient, recipients, sender, date; in layouts also subject, body, addressee, copy_to, original_to)\n\
            1 error(s): fix them and run outcry check again\n");
}

#[test]
fn a_missing_partial_is_reported() {
    Case::minimal()
        .file("letters/c/letter.hbs", "Dear all,\n{{> footer}}\n")
        .args(["check", "c"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(
            "letters/c/letter.hbs:2: partial `footer` not found: add letters/_partials/footer.hbs\n\
            1 error(s): fix them and run outcry check again\n",
        );
}

#[test]
fn malformed_toml_names_the_line() {
    Case::minimal()
        .file(
            "contacts.toml",
            "[contacts.a]\nname = \"A\"\ncountry = \"KZ\nemail = \"a@example.org\"\n",
        )
        .args(["check"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(
            "contacts.toml:3: invalid basic string, expected `\"`\n\
            1 error(s): fix them and run outcry check again\n",
        );
}

#[test]
fn a_bad_campaign_folder_name_is_reported() {
    Case::minimal()
        .file("letters/Bad Name/campaign.toml", "")
        .args(["check"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("letters/Bad Name: campaign folder: invalid id \"Bad Name\": use lowercase letters, digits, '-' and '_' (at most 64, starting with a letter or digit)\n\
            1 error(s): fix them and run outcry check again\n");
}

#[test]
fn a_past_deadline_is_a_warning() {
    Case::minimal()
        .append("letters/c/campaign.toml", "deadline = 2011-05-01\n")
        .args(["check"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "letters/c/campaign.toml:7: warning: the deadline 2011-05-01 has passed\n\
            ok: 1 campaign(s), 3 contact(s), 0 embass(ies), 2 letter(s) render\n",
        );
}

#[test]
fn input_never_panics() {
    // Odd but possible input: empty files, binary junk, wrong types, huge numbers.
    let cases: [(&str, &str); 6] = [
        ("contacts.toml", ""),
        ("contacts.toml", "\u{0}\u{1}\u{2}"),
        ("contacts.toml", "contacts = 3"),
        ("letters/c/campaign.toml", "title = 1\n"),
        (
            "letters/c/campaign.toml",
            "title = \"T\"\nsubject = \"S\"\nissued = 99999-99-99\ndemands = [\"x\"]\nto = [\"ministry\"]\n",
        ),
        ("letters/c/letter.hbs", "{{#if}}{{/each}}{{{{raw}}}}"),
    ];
    for (i, (file, text)) in cases.into_iter().enumerate() {
        let run = Case::minimal()
            .file(file, text)
            .args(["check"])
            .run()
            .stdout_is("");
        insta::assert_snapshot!(format!("odd_input_{i}"), run.stderr_snapshot());
        assert!(
            run.code == 0 || run.code == 2,
            "{file} {text:?}: exit {}\n{}",
            run.code,
            run.stderr
        );
        assert!(
            !run.stderr.contains("panicked"),
            "{file} {text:?}:\n{}",
            run.stderr
        );
    }
}

/// The campaign the README's walkthrough writes is a valid campaign.
#[test]
fn the_readme_walkthrough_campaign_checks() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let block = |marker: &str| -> String {
        let start = readme
            .find(marker)
            .unwrap_or_else(|| panic!("README lacks {marker:?}"));
        let rest = &readme[start..];
        let body_start = rest.find('\n').expect("newline") + 1;
        let end = rest.find("```").expect("end of block");
        rest[body_start..end].to_string()
    };
    let toml = block("# letters/free-dmitry/campaign.toml");
    let hbs_start =
        readme.find("```handlebars\n").expect("handlebars block") + "```handlebars\n".len();
    let hbs = &readme[hbs_start..hbs_start + readme[hbs_start..].find("```").expect("end")];
    Case::example()
        .file("letters/free-dmitry/campaign.toml", &toml)
        .file("letters/free-dmitry/letter.hbs", hbs)
        .args(["check", "free-dmitry"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("contacts.toml:79: warning: contact \"almaty-prosecutor\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:157: warning: contact \"embassy-kz-fr\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:162: warning: contact \"embassy-kz-at\" has no email, fax, web, post or phone: no letter can reach it\n\
            ok: 1 campaign(s), 11 contact(s), 9 embass(ies), 3 letter(s) render\n");
}

/// Found by the bad-input sweep: these overflowed the stack instead of failing cleanly.
#[test]
fn recursive_partials_and_deep_nesting_are_refused() {
    let direct = Case::minimal()
        .file("letters/_partials/loop.hbs", "again {{> loop}}\n")
        .file("letters/c/letter.hbs", "Dear all,\n{{> loop}}\n")
        .args(["check"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("letters/_partials/loop.hbs:1: partial `loop` includes itself (loop → loop): it would never finish\n\
            1 error(s): fix them and run outcry check again\n");
    assert!(
        direct
            .stderr
            .contains("letters/_partials/loop.hbs:1: partial `loop` includes itself"),
        "{}",
        direct.stderr
    );
    Case::minimal()
        .file("letters/_partials/a.hbs", "A {{> b}}\n")
        .file("letters/_partials/b.hbs", "B\n{{> a}}\n")
        .file("letters/c/letter.hbs", "{{> a}}\n")
        .args(["compose", "c"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("letters/_partials/b.hbs:2: partial `a` includes itself (a → b → a): it would never finish\n");
    Case::minimal()
        .file(
            "letters/c/letter.hbs",
            "{{#*inline \"x\"}}y{{> x}}{{/inline}}{{> x}}\n",
        )
        .args(["check"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(
            "letters/c/letter.hbs:1: partial `x` includes itself (x → x): it would never finish\n\
            1 error(s): fix them and run outcry check again\n",
        );
    Case::minimal()
        .file(
            "letters/c/letter.hbs",
            "{{#*inline \"x\"}}y{{/inline}}{{> x}} {{> x}}\n",
        )
        .args(["check"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("ok: 1 campaign(s), 3 contact(s), 0 embass(ies), 2 letter(s) render\n");
    let deep = format!(
        "{}x{}",
        "{{#if campaign.title}}".repeat(20_000),
        "{{/if}}".repeat(20_000)
    );
    Case::minimal()
        .file("letters/c/letter.hbs", &deep)
        .args(["check"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(
            "letters/c/letter.hbs:1: the template is 567 KiB: a template may be at most 64 KiB\n\
            1 error(s): fix them and run outcry check again\n",
        );
}

#[test]
fn a_negative_source_date_epoch_is_refused() {
    Case::minimal()
        .sender()
        .env("SOURCE_DATE_EPOCH", "-1")
        .args(["compose", "c", "--out", "d"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: SOURCE_DATE_EPOCH=\"-1\" must be a number of seconds since 1970, from 0 to 253402300799\n");
}

#[test]
fn windows_line_ends_and_byte_order_marks_are_read() {
    let case = Case::example();
    let contacts = std::fs::read_to_string(case.path().join("contacts.toml"))
        .expect("read")
        .replace('\n', "\r\n");
    let letter = format!(
        "\u{feff}{}",
        std::fs::read_to_string(case.path().join("letters/mayday-2011/letter.hbs")).expect("read")
    );
    let run = case
        .file("contacts.toml", &contacts)
        .file("letters/mayday-2011/letter.hbs", &letter)
        .sender()
        .args(["compose", "mayday-2011", "--format", "json"])
        .run()
        .success()
        .stderr_is("");
    let v = run.json();
    let body = v["letters"][0]["body"].as_str().expect("body");
    assert!(body.starts_with("To whom it may concern,\n"), "{body:?}");
}

#[test]
fn a_file_that_is_not_utf8_names_the_line() {
    let case = Case::minimal();
    let mut bytes = std::fs::read(case.path().join("contacts.toml")).expect("read");
    bytes.extend_from_slice(b"\n# \xff\n");
    std::fs::write(case.path().join("contacts.toml"), bytes).expect("write");
    let run = case.args(["check"]).run().code(2).stdout_is("").stderr_is(
        "contacts.toml:16: cannot read the address book: not valid UTF-8: save the file as UTF-8\n\
            1 error(s): fix them and run outcry check again\n",
    );
    assert!(
        run.stderr
            .contains("contacts.toml:16: cannot read the address book: not valid UTF-8"),
        "{}",
        run.stderr
    );
    assert!(
        !run.stderr.contains("is not in contacts.toml"),
        "no follow-on errors: {}",
        run.stderr
    );
}

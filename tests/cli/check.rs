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
        .stderr_is("contacts.toml:86: warning: contact \"almaty-prosecutor\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:167: warning: contact \"embassy-kz-fr\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:172: warning: contact \"embassy-kz-at\" has no email, fax, web, post or phone: no letter can reach it\n\
            ok: 1 campaign, 11 contacts, 9 embassies, 7 letters render\n");
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
        .stderr_is("letters/c/letter.hbs:4: template uses `sender.nickname`, which is not defined (the fields of `sender` are name, email, organisation, city, country, country_name, address)\n\
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
            ok: 1 campaign, 3 contacts, 0 embassies, 3 letters render\n",
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
        .stderr_is("contacts.toml:86: warning: contact \"almaty-prosecutor\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:167: warning: contact \"embassy-kz-fr\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:172: warning: contact \"embassy-kz-at\" has no email, fax, web, post or phone: no letter can reach it\n\
            ok: 1 campaign, 11 contacts, 9 embassies, 4 letters render\n");
}

/// Issue 11: the README's `outcry new` command, run literally in a workspace fresh from
/// `outcry init`, writes the `campaign.toml` the README shows (but for `issued`, the day it
/// runs), and the campaign checks.
#[test]
fn issue_11_the_readme_new_command_writes_what_the_readme_shows() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README");
    let start = readme
        .find("cargo run -- new free-dmitry")
        .expect("README's new command");
    let command: String =
        readme[start..readme[start..].find("\n$EDITOR").expect("end") + start].replace("\\\n", " ");
    let words = shell_words::split(&command).expect("a shell command");
    let args = &words[words.iter().position(|w| w == "--").expect("--") + 1..];
    let shown_start = readme
        .find("# letters/free-dmitry/campaign.toml\n")
        .expect("README's campaign.toml")
        + "# letters/free-dmitry/campaign.toml\n".len();
    let shown = &readme[shown_start..shown_start + readme[shown_start..].find("```").expect("end")];
    let run = Case::empty()
        .args(["init", "."])
        .run()
        .success()
        .stdout_is("")
        .stderr_unchecked("the files init writes, pinned by the init tests")
        .again()
        .args(args)
        .run()
        .success()
        .stdout_is("")
        .stderr_unchecked("checked below");
    let written = String::from_utf8(run.read("letters/free-dmitry/campaign.toml")).expect("UTF-8");
    let issued = |text: &str| -> String {
        text.lines()
            .map(|l| {
                if l.starts_with("issued = ") {
                    "issued = [DATE]"
                } else {
                    l
                }
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(issued(&written), issued(shown));
    run.again()
        .env("OUTCRY_SENDER_COUNTRY", "GB")
        .args(["check", "free-dmitry"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("contacts.toml:86: warning: contact \"almaty-prosecutor\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:167: warning: contact \"embassy-kz-fr\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:172: warning: contact \"embassy-kz-at\" has no email, fax, web, post or phone: no letter can reach it\n\
            ok: 1 campaign, 11 contacts, 9 embassies, 4 letters render\n");
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
        .stderr_is("ok: 1 campaign, 3 contacts, 0 embassies, 3 letters render\u{a}");
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
        .args(["compose", "mayday-2011", "--lang", "en", "--format", "json"])
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

/// Issue 11, item 1: `{{this}}` in `{{#each demands}}` is the demand's text, as a reader of
/// the letter sees it.
#[test]
fn issue_11_each_demand_prints_its_text() {
    Case::minimal()
        .file(
            "letters/c/letter.hbs",
            "{{recipient.salutation}},\n\n{{#each demands}}\n* {{this}}\n{{/each}}\n\n{{#each recipients}}{{#with this}}{{name}}{{/with}}{{/each}}\n{{#each demands as |d i|}}{{i}}: {{d}} {{/each}}\n",
        )
        .args(["compose", "c", "--to", "ministry", "--no-input"])
        .run()
        .success()
        .stdout_is("Test (c)\n\
            2 demands, 1 letter\n\
            \n\
            === 1/1 e-mail: ministry ===\n\
            From:    [YOUR NAME] <[your e-mail]>\n\
            To:      Ministry <ministry@example.org>\n\
            Cc:      Coordinator <coord@example.org>\n\
            Subject: Protest\n\
            \n\
            To whom it may concern,\n\
            \n\
            * One\n\
            * Two\n\
            \n\
            Ministry\n\
            0: One 1: Two\n\
            \n\
            === plan ===\n\
            e-mail     1  (ministry)\n\
            fax        0\n\
            web form   0\n\
            post       0\n\
            calls      0\n\
            copies     coordinator (in the Cc of every e-mail letter)\n\
            unresolved none\n")
        .stderr_is("warning: no sender name, email configured: the review shows [YOUR NAME], [your e-mail] instead; set them under [sender] in [WS]/.home/.config/outcry/config.toml (or with --sender-name, --sender-email)\u{a}");
}

/// Issue 11, item 1: what would print `[object]` is an error at its line that says what to
/// write; an unknown field inside a block is named with that block's fields.
#[test]
fn issue_11_printing_an_object_or_a_list_whole_is_an_error() {
    Case::minimal()
        .file(
            "letters/c/letter.hbs",
            "{{recipient}},\n{{demands}}\n{{#each demands}}{{nmber}}{{/each}}\n{{#with sender}}{{this}}{{/with}}\n{{> list}}\n",
        )
        .file("letters/_partials/list.hbs", "{{#each recipients}}\n{{this}}\n{{/each}}\n")
        .args(["check", "c"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("letters/_partials/list.hbs:2: `{{this}}` would print an object as \"[object]\": write one of its fields, e.g. `{{name}}` (its fields: id, name, salutation, country, country_name, email, fax, phone, post, web, language)\n\
            letters/c/letter.hbs:1: `{{recipient}}` would print an object as \"[object]\": write one of its fields, e.g. `{{recipient.name}}` (its fields: id, name, salutation, country, country_name, email, fax, phone, post, web, language)\n\
            letters/c/letter.hbs:2: `{{demands}}` would print a whole list as \"[...]\": write each item, e.g. `{{#each demands}}{{text}}{{/each}}`\n\
            letters/c/letter.hbs:3: template uses `nmber`, which is not defined (inside {{#each demands}} the fields are number, text)\n\
            letters/c/letter.hbs:4: `{{this}}` would print an object as \"[object]\": write one of its fields, e.g. `{{name}}` (its fields: name, email, organisation, city, country, country_name, address)\n\
            5 error(s): fix them and run outcry check again\n");
}

/// Issue 11, item 4: a postal letter carries the writer's return address, with city and
/// country, and names its addressee once; without an address `check` warns at the target.
#[test]
fn issue_11_a_postal_letter_carries_the_return_address() {
    let case = || {
        Case::minimal()
            .file(
                "contacts.toml",
                "[contacts.ministry]\nname = \"Ministry\"\ncountry = \"KZ\"\npost = \"Ministry\\n1 Road\\nAstana\"\n\n\
                 [contacts.court]\nname = \"Court\"\ncountry = \"KZ\"\npost = \"2 Street\\nAlmaty\"\n\n\
                 [contacts.coordinator]\nname = \"Coordinator\"\ncountry = \"GB\"\nemail = \"coord@example.org\"\n",
            )
            .file("letters/c/letter.hbs", "{{recipient.salutation}},\n\n{{#each demands}}\n* {{this}}\n{{/each}}\n")
    };
    let run = case()
        .args([
            "compose",
            "c",
            "--no-input",
            "--sender-name",
            "Ann",
            "--sender-email",
            "ann@example.org",
        ])
        .args([
            "--sender-address",
            "1 Lane\nLS1 1AA",
            "--sender-city",
            "Leeds",
            "--sender-country",
            "GB",
        ])
        .run()
        .success()
        .stderr_is("");
    insta::assert_snapshot!("issue_11_postal_letter", run.stdout_snapshot());
    case()
        .args(["check"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("letters/c/campaign.toml:5: warning: postal letters (ministry, court) carry no return address: set address in [sender] of [WS]/.home/.config/outcry/config.toml, or give --sender-address\n\
            ok: 1 campaign, 3 contacts, 0 embassies, 4 letters render\n");
}

/// Issue 11, item 17: a call script without an organisation reads as a sentence.
#[test]
fn issue_11_a_call_script_without_an_organisation() {
    Case::minimal()
        .file(
            "contacts.toml",
            "[contacts.ministry]\nname = \"Ministry\"\ncountry = \"KZ\"\nphone = \"+7 727 271 5802\"\n\n\
             [contacts.court]\nname = \"Court\"\ncountry = \"KZ\"\nphone = \"+7 727 271 5807\"\n\n\
             [contacts.coordinator]\nname = \"Coordinator\"\ncountry = \"GB\"\nemail = \"coord@example.org\"\n",
        )
        .args(["compose", "c", "--to", "ministry", "--no-input", "--sender-name", "Ann", "--sender-email", "ann@example.org", "--sender-city", "Leeds"])
        .run()
        .success()
        .stdout_is("Test (c)\n\
            2 demands, 1 letter\n\
            \n\
            === 1/1 call: ministry ===\n\
            To:      Ministry\n\
            Phone:   +7 727 271 5802\n\
            \n\
            CALL SCRIPT: Test\n\
            \n\
            Call:   Ministry\n\
            Number: +7 727 271 5802\n\
            \n\
            \"Good day. My name is Ann, and I am calling from Leeds.\n\
            I am calling about Test.\n\
            \n\
            We call on you to act on these demands:\n\
            \x20 1. One\n\
            \x20 2. Two\n\
            \n\
            Please pass this on to the person responsible. Thank you.\"\n\
            \n\
            Write down whom you spoke to and what they said, and tell the coordinators.\n\
            \n\
            === plan ===\n\
            e-mail     0\n\
            fax        0\n\
            web form   0\n\
            post       0\n\
            calls      1  (ministry)\n\
            \x20 no copy of a call (ministry): record how it went with `outcry call c`; `outcry report c --send` tells the coordinators\n\
            unresolved none\n")
        .stderr_is("");
}

/// Issue 13, item 4: without a return address, `check` names every postal target (an embassy
/// by its id) at the first one's line in `to`, and says where to set it; `compose` says the
/// same when it writes the postal letters and their PDFs, whose return-address line would
/// name the writer alone, but not over a review. With an address, nothing is said.
#[test]
fn issue_13_postal_letters_without_a_return_address_are_warned_of() {
    let case = || {
        Case::minimal()
            .file(
                "contacts.toml",
                "[contacts.ministry]\nname = \"Ministry\"\ncountry = \"KZ\"\nemail = \"ministry@example.org\"\n\n\
                 [contacts.court]\nname = \"Court\"\ncountry = \"KZ\"\npost = \"2 Street\\nAlmaty\"\n\n\
                 [contacts.coordinator]\nname = \"Coordinator\"\ncountry = \"GB\"\nemail = \"coord@example.org\"\n\n\
                 [embassies.KZ.GB]\nname = \"Embassy of Kazakhstan\"\ncountry = \"GB\"\npost = \"125 Pall Mall\\nLondon SW1Y 5EA\"\n",
            )
            .file(
                "letters/c/campaign.toml",
                "title = \"Test\"\nsubject = \"Protest\"\nissued = 2011-05-02\ndemands = [\"One\", \"Two\"]\nto = [\n  \"ministry\",\n  \"embassy:KZ\",\n  \"court\",\n]\ncc = [\"coordinator\"]\n",
            )
            .sender()
    };
    case()
        .args(["check"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("letters/c/campaign.toml:7: warning: postal letters (embassy-kz-gb, court) carry no return address: set address in [sender] of [WS]/.home/.config/outcry/config.toml, or give --sender-address\n\
            ok: 1 campaign, 3 contacts, 1 embassy, 5 letters render\n");
    case()
        .args(["check", "--sender-address", "1 Lane\nLS1 1AA"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("ok: 1 campaign, 3 contacts, 1 embassy, 5 letters render\n");
    case()
        .personal_config("[sender]\naddress = \"1 Lane\\nLS1 1AA\"\n")
        .args(["check"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("ok: 1 campaign, 3 contacts, 1 embassy, 5 letters render\n");
    case()
        .args(["compose", "c", "--to", "court", "--out", "drafts"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("letters/c/campaign.toml:8: warning: postal letters (court) carry no return address: set address in [sender] of [WS]/.home/.config/outcry/config.toml, or give --sender-address\n\
            wrote drafts/court.copy.eml\n\
            wrote drafts/court.post.pdf\n\
            wrote drafts/court.post.txt\n");
    case()
        .args(["compose", "c", "--to", "court"])
        .run()
        .success()
        .stdout_unchecked("the review, pinned elsewhere")
        .stderr_is("");
}

/// Issue 13, item 4: a fax number that is a mobile (or a premium-rate number) is warned of
/// at its `fax =` line; an office's line, a US number (which does not tell fixed from
/// mobile) and a mobile given as `phone` are not.
#[test]
fn issue_13_a_fax_number_that_is_a_mobile_is_warned_of() {
    Case::minimal()
        .sender()
        .file(
            "contacts.toml",
            "[contacts.ministry]\nname = \"Ministry\"\ncountry = \"KZ\"\nemail = \"ministry@example.org\"\nphone = \"+7 701 234 5678\"\n\n\
             [contacts.court]\nname = \"Court\"\ncountry = \"KZ\"\nfax = \"8 701 234 5678\"\n\n\
             [contacts.coordinator]\nname = \"Coordinator\"\ncountry = \"GB\"\nemail = \"coord@example.org\"\nfax = \"09065 123456\"\n\n\
             [contacts.office]\nname = \"Office\"\ncountry = \"KZ\"\nfax = \"++7727 2715802\"\n\n\
             [contacts.embassy]\nname = \"Embassy\"\ncountry = \"US\"\nfax = \"+1 202 232 5488\"\n",
        )
        .args(["check"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("contacts.toml:10: warning: contact \"court\": fax +7 701 234 5678 is a mobile number, not a fax line: check it (a fax to a mobile rings someone's phone)\n\
            contacts.toml:16: warning: contact \"coordinator\": fax +44 906 512 3456 is a premium-rate number, not a fax line: check it (it charges the sender by the minute)\n\
            ok: 1 campaign, 5 contacts, 0 embassies, 3 letters render\n");
}

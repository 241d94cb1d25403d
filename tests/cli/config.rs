//! The sender profile's layers: workspace < personal < --config < environment < flags.
//! A workspace gives defaults only, and never the writer's name, e-mail or address.

use crate::Case;

/// Issue 11: JSON is no review, so a run without a sender country warns of no placeholders
/// (it used to say "the review shows placeholders such as [YOUR NAME]", the name being set).
fn no_warning(run: crate::Run) -> crate::Run {
    run.stderr_is("")
}

fn from_name(args: &[&str], case: Case) -> String {
    let mut all = vec!["compose", "c", "--format", "json"];
    all.extend_from_slice(args);
    let v = no_warning(case.args(all).run().success()).json();
    v["letters"][0]["from"]["name"]
        .as_str()
        .expect("name")
        .to_string()
}

#[test]
fn each_layer_overrides_the_one_below() {
    let personal = "[sender]\nname = \"Personal\"\nemail = \"me@example.org\"\n";
    let with_personal = || Case::minimal().file(".home/.config/outcry/config.toml", personal);
    assert_eq!(from_name(&[], with_personal()), "Personal");
    // A --config file of the writer's own, outside the workspace.
    let own = tempfile::tempdir().expect("temp dir");
    let extra = own.path().join("extra.toml");
    std::fs::write(&extra, "[sender]\nname = \"Extra\"\n").expect("write");
    assert_eq!(
        from_name(&["--config", &extra.display().to_string()], with_personal()),
        "Extra"
    );
    assert_eq!(
        from_name(&[], with_personal().env("OUTCRY_SENDER_NAME", "Env")),
        "Env"
    );
    assert_eq!(
        from_name(
            &["--sender-name", "Flag"],
            with_personal().env("OUTCRY_SENDER_NAME", "Env")
        ),
        "Flag"
    );
}

/// Issue 9: a workspace (its outcry.toml, or a --config file inside it) may not say who signs
/// and answers: name, email and address are the writer's own.
#[test]
fn issue_9_a_workspace_cannot_sign_in_your_name() {
    let why = "is not read from a file of the workspace (letters are signed and answered in your name only as you say): put it in your personal config, or use";
    let run = Case::minimal()
        .file(
            ".home/.config/outcry/config.toml",
            "[sender]\nname = \"Personal\"\n",
        )
        .file(
            "outcry.toml",
            "[sender]\nname = \"Branch\"\nemail = \"replies@attacker.example\"\naddress = \"PO Box 1\"\norganisation = \"Branch\"\n",
        )
        .args(["compose", "c"])
        .run()
        .code(2)
.stdout_is("")
.stderr_is(&format!(
            "outcry.toml:2: name {why} --sender-name\noutcry.toml:3: email {why} --sender-email\noutcry.toml:4: address {why} --sender-address\n"
        ));
    // A --config file inside the workspace counts as the workspace's.
    run.again()
        .file("outcry.toml", "[sender]\norganisation = \"Branch\"\n")
        .file(
            "team.toml",
            "[sender]\nemail = \"replies@attacker.example\"\n",
        )
        .args(["compose", "c", "--config", "team.toml"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(&format!("team.toml:2: email {why} --sender-email\n"));
}

#[test]
fn layers_merge_field_by_field() {
    let v = Case::minimal()
        .file(
            ".home/.config/outcry/config.toml",
            "[sender]\nname = \"Personal\"\nemail = \"me@example.org\"\n",
        )
        .file("outcry.toml", "[sender]\norganisation = \"Branch\"\n")
        .args(["compose", "c", "--format", "json"])
        .run()
        .success();
    let v = no_warning(v).json();
    assert_eq!(v["letters"][0]["from"]["email"], "me@example.org");
}

#[test]
fn unknown_keys_in_config_are_errors() {
    Case::minimal()
        .file(
            "outcry.toml",
            "[sender]\nname = \"A\"\nemial = \"a@example.org\"\n",
        )
        .args(["check"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("outcry.toml:3: unknown field `emial`, expected one of `name`, `email`, `organisation`, `city`, `country`, `address`\n\
            1 error(s): fix them and run outcry check again\n");
    Case::minimal()
        .file("outcry.toml", "[sendr]\nname = \"A\"\n")
        .args(["check"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(
            "outcry.toml:1: unknown field `sendr`, expected one of `sender`, `smtp`, `fax`\n\
            1 error(s): fix them and run outcry check again\n",
        );
}

#[test]
fn a_bad_value_names_its_layer() {
    Case::minimal()
        .file("outcry.toml", "[sender]\ncountry = \"England\"\n")
        .args(["check"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("outcry.toml:2: sender unknown country \"England\": use an ISO 3166-1 alpha-2 code, such as KZ, GB or DE\n\
            1 error(s): fix them and run outcry check again\n");
    Case::minimal()
        .env("OUTCRY_SENDER_EMAIL", "nope")
        .args(["check"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("--sender-email (or OUTCRY_SENDER_EMAIL): sender invalid e-mail address \"nope\": Missing domain or user\n\
            1 error(s): fix them and run outcry check again\n");
}

#[test]
fn a_missing_config_file_is_an_error() {
    Case::minimal()
        .args(["--config", "nope.toml", "check"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(
            "nope.toml: cannot read config file: it does not exist\n\
            1 error(s): fix them and run outcry check again\n",
        );
}

/// Issue 11: country codes in any case, in a flag, the personal config and the address book.
#[test]
fn issue_11_country_codes_in_any_case() {
    let ids = |run: crate::Run| -> Vec<String> {
        run.json()["letters"]
            .as_array()
            .expect("letters")
            .iter()
            .map(|l| l["id"].as_str().expect("id").to_string())
            .collect()
    };
    let named = |case: Case| {
        case.env("OUTCRY_SENDER_NAME", "Test Sender")
            .env("OUTCRY_SENDER_EMAIL", "sender@example.org")
    };
    let json = ["compose", "mayday-2011", "--format", "json"];
    let flag = named(Case::example())
        .args(json)
        .args(["--sender-country", "us"])
        .run()
        .success()
        .stderr_is("");
    assert!(ids(flag).contains(&"embassy-kz-us".to_string()));
    // Case::shipped: no OUTCRY_SENDER_COUNTRY, which would win over the personal config.
    let config = named(Case::shipped())
        .personal_config("[sender]\ncountry = \"de\"\n")
        .args(json)
        .run()
        .success()
        .stderr_is("");
    assert!(ids(config).contains(&"embassy-kz-de".to_string()));
    let contacts = Case::minimal()
        .append(
            "contacts.toml",
            "\n[embassies.kz.gb]\nname = \"Embassy of Kazakhstan, London\"\ncountry = \"gb\"\nemail = \"london@example.org\"\n",
        )
        .file(
            "letters/c/campaign.toml",
            "title = \"Test\"\nsubject = \"Protest\"\nissued = 2011-05-02\ndemands = [\"One\"]\nto = [\"embassy:kz\"]\n",
        );
    let run = named(contacts)
        .args(["compose", "c", "--format", "json", "--sender-country", "Gb"])
        .run()
        .success()
        .stderr_is("");
    assert_eq!(ids(run), ["embassy-kz-gb"]);
    named(Case::example())
        .args(json)
        .args(["--sender-country", "Germany"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: invalid value 'Germany' for '--sender-country <CC>': unknown country \"Germany\": use an ISO 3166-1 alpha-2 code, such as KZ, GB or DE (Germany → DE)\n\
            \n\
            For more information, try '--help'.\n");
    // A wrong country in a file: its error alone, no "no sender country" warning before it.
    named(Case::shipped())
        .personal_config("[sender]\ncountry = \"Germany\"\n")
        .args(json)
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("[WS]/.home/.config/outcry/config.toml:3: sender unknown country \"Germany\": use an ISO 3166-1 alpha-2 code, such as KZ, GB or DE (Germany → DE)\n");
}

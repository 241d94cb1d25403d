//! The sender profile's layers: workspace < personal < --config < environment < flags.

use crate::Case;

fn from_name(args: &[&str], case: Case) -> String {
    let mut all = vec!["compose", "c", "--format", "json"];
    all.extend_from_slice(args);
    let v = case.args(all).run().success().json();
    v["letters"][0]["from"]["name"]
        .as_str()
        .expect("name")
        .to_string()
}

#[test]
fn each_layer_overrides_the_one_below() {
    let personal = "[sender]\nname = \"Personal\"\nemail = \"me@example.org\"\n";
    let branch_only = Case::minimal()
        .file("outcry.toml", "[sender]\nname = \"Branch\"\n")
        .env("OUTCRY_SENDER_EMAIL", "me@example.org");
    assert_eq!(from_name(&[], branch_only), "Branch");
    let with_personal = || Case::minimal().file(".home/.config/outcry/config.toml", personal);
    assert_eq!(from_name(&[], with_personal()), "Personal");
    // The workspace's settings are defaults: the writer's own win.
    let branch = || with_personal().file("outcry.toml", "[sender]\nname = \"Branch\"\n");
    assert_eq!(from_name(&[], branch()), "Personal");
    assert_eq!(
        from_name(
            &["--config", "extra.toml"],
            branch().file("extra.toml", "[sender]\nname = \"Extra\"\n")
        ),
        "Extra"
    );
    assert_eq!(
        from_name(&[], branch().env("OUTCRY_SENDER_NAME", "Env")),
        "Env"
    );
    assert_eq!(
        from_name(
            &["--sender-name", "Flag"],
            branch().env("OUTCRY_SENDER_NAME", "Env")
        ),
        "Flag"
    );
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
        .success()
        .json();
    assert_eq!(v["letters"][0]["from"]["email"], "me@example.org");
}

#[test]
fn unknown_keys_in_config_are_errors() {
    Case::minimal()
        .file("outcry.toml", "[sender]\nname = \"A\"\nemial = \"a@example.org\"\n")
        .args(["check"])
        .run()
        .code(2)
        .stderr_has("outcry.toml:3: unknown field `emial`, expected one of `name`, `email`, `organisation`, `city`, `country`, `address`");
    Case::minimal()
        .file("outcry.toml", "[sendr]\nname = \"A\"\n")
        .args(["check"])
        .run()
        .code(2)
        .stderr_has("outcry.toml:1: unknown field `sendr`");
}

#[test]
fn a_bad_value_names_its_layer() {
    Case::minimal()
        .file("outcry.toml", "[sender]\ncountry = \"England\"\n")
        .args(["check"])
        .run()
        .code(2)
        .stderr_has("outcry.toml:2: sender unknown country \"England\"");
    Case::minimal()
        .env("OUTCRY_SENDER_EMAIL", "nope")
        .args(["check"])
        .run()
        .code(2)
        .stderr_has(
            "--sender-email (or OUTCRY_SENDER_EMAIL): sender invalid e-mail address \"nope\"",
        );
}

#[test]
fn a_missing_config_file_is_an_error() {
    Case::minimal()
        .args(["--config", "nope.toml", "check"])
        .run()
        .code(2)
        .stderr_has("nope.toml: cannot read config file");
}

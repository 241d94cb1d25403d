//! `outcry campaigns`.

use crate::Case;

#[test]
fn lists_the_example_campaigns() {
    let run = Case::example()
        .args(["campaigns"])
        .run()
        .success()
        .stderr_is("");
    insta::assert_snapshot!("campaigns", run.stdout_snapshot());
}

#[test]
fn outside_a_workspace_says_where_to_look() {
    Case::empty()
        .args(["campaigns"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: [WS] is not in an outcry workspace: no contacts.toml here or in any parent folder (use -C DIR to point at one, or `outcry init` to make one)\n");
}

#[test]
fn dash_c_runs_in_another_folder() {
    let case = Case::example();
    let root = case.path().to_path_buf();
    let run = case
        .args(["-C", "letters/mayday-2011", "campaigns"])
        .run()
        .success()
        .stdout_is("free-ainur-kurmanov        5 demands   4 targets  deadline 2010-05-06  Free Ainur Kurmanov and drop all charges against leaders of the workers' movement\n\
            mayday-2011                8 demands   6 targets  deadline -           May Day 2011: stop police violence against activists in Almaty\n")
        .stderr_is("");
    assert!(run.stdout.contains("mayday-2011"), "{}", run.stdout);
    assert!(root.exists());
}

#[test]
fn init_makes_a_workspace_that_checks_and_overwrites_nothing() {
    let case = Case::empty();
    let run = case
        .args(["init", "branch"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("wrote branch/contacts.toml\n\
            wrote branch/outcry.toml\n\
            wrote branch/.gitignore\n\
            wrote branch/letters/mayday-2011/campaign.toml\n\
            wrote branch/letters/mayday-2011/letter.hbs\n\
            wrote branch/letters/free-ainur-kurmanov/campaign.toml\n\
            wrote branch/letters/free-ainur-kurmanov/letter.hbs\n\
            wrote branch/letters/_partials/demands.hbs\n\
            wrote branch/letters/_partials/signature.hbs\n\
            next: put your name and e-mail in [WS]/.home/.config/outcry/config.toml, then `outcry -C branch check`\n");
    let files = run.files("branch");
    assert_eq!(
        files,
        [
            ".gitignore",
            "contacts.toml",
            "letters/_partials/demands.hbs",
            "letters/_partials/signature.hbs",
            "letters/free-ainur-kurmanov/campaign.toml",
            "letters/free-ainur-kurmanov/letter.hbs",
            "letters/mayday-2011/campaign.toml",
            "letters/mayday-2011/letter.hbs",
            "outcry.toml"
        ]
    );
    assert!(
        String::from_utf8(run.read("branch/.gitignore"))
            .expect("utf-8")
            .lines()
            .any(|l| l == "/.outcry/")
    );
    let check = run
        .again()
        .args(["-C", "branch", "check"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("contacts.toml:79: warning: contact \"almaty-prosecutor\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:157: warning: contact \"embassy-kz-fr\" has no email, fax, web, post or phone: no letter can reach it\n\
            contacts.toml:162: warning: contact \"embassy-kz-at\" has no email, fax, web, post or phone: no letter can reach it\n\
            letters/free-ainur-kurmanov/campaign.toml:9: warning: the deadline 2010-05-06 has passed\n\
            letters/free-ainur-kurmanov/campaign.toml:25: warning: almaty-prosecutor: Prosecutor of the City of Almaty has no e-mail, fax, web form, postal address or phone in contacts.toml\n\
            letters/mayday-2011/campaign.toml:34: warning: embassy:KZ: no sender country to pick the embassy by: set country in [sender] or --sender-country\n\
            ok: 2 campaign(s), 11 contact(s), 9 embass(ies), 8 letter(s) render\n");
    let review = check
        .again()
        .sender()
        .args(["-C", "branch", "compose", "mayday-2011"])
        .run()
        .success()
        .stdout_matches_snapshot("campaigns__init_review")
        .stderr_is("");
    assert!(
        review.stdout.contains(
            "To:      Press Office of the National Security Committee (KNB) <press@knb.kz>"
        ),
        "{}",
        review.stdout
    );
    let again = review
        .again()
        .args(["init", "branch"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: branch/contacts.toml already exists: outcry init writes a new workspace and overwrites nothing\n");
    assert!(
        again
            .stderr
            .contains("already exists: outcry init writes a new workspace and overwrites nothing"),
        "{}",
        again.stderr
    );
}

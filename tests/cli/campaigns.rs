//! `outcry campaigns`.

use crate::Case;

#[test]
fn lists_the_example_campaigns() {
    let run = Case::example().args(["campaigns"]).run().success();
    insta::assert_snapshot!("campaigns", run.stdout);
}

#[test]
fn outside_a_workspace_says_where_to_look() {
    Case::empty().args(["campaigns"]).run().code(2).stderr_has("is not in an outcry workspace: no contacts.toml here or in any parent folder (use -C DIR to point at one, or `outcry init` to make one)");
}

#[test]
fn dash_c_runs_in_another_folder() {
    let case = Case::example();
    let root = case.path().to_path_buf();
    let run = case
        .args(["-C", "letters/mayday-2011", "campaigns"])
        .run()
        .success();
    assert!(run.stdout.contains("mayday-2011"), "{}", run.stdout);
    assert!(root.exists());
}

#[test]
fn init_makes_a_workspace_that_checks_and_overwrites_nothing() {
    let case = Case::empty();
    let run = case.args(["init", "branch"]).run().success();
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
    let check = run.again().args(["-C", "branch", "check"]).run().success();
    assert!(
        check.stderr.contains("ok: 2 campaign(s)"),
        "{}",
        check.stderr
    );
    let review = check
        .again()
        .sender()
        .args(["-C", "branch", "compose", "mayday-2011"])
        .run()
        .success();
    assert!(
        review.stdout.contains(
            "To:      Press Office of the National Security Committee (KNB) <press@knb.kz>"
        ),
        "{}",
        review.stdout
    );
    let again = review.again().args(["init", "branch"]).run().code(2);
    assert!(
        again
            .stderr
            .contains("already exists: outcry init writes a new workspace and overwrites nothing"),
        "{}",
        again.stderr
    );
}

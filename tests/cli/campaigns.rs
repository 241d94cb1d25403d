//! `outcry campaigns`.

use crate::Case;

#[test]
fn lists_the_example_campaigns() {
    let run = Case::example().args(["campaigns"]).run().success();
    insta::assert_snapshot!("campaigns", run.stdout);
}

#[test]
fn outside_a_workspace_says_where_to_look() {
    Case::empty().args(["campaigns"]).run().code(2).stderr_has("is not in an outcry workspace: no contacts.toml here or in any parent folder (use -C DIR to point at one)");
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

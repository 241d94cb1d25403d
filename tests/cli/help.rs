//! Issue 10: the help text is part of the interface: each page is pinned by a snapshot, and
//! clap's own consistency checks run over the whole command line.

use crate::Case;

#[test]
fn the_command_line_is_consistent() {
    <outcry::cli::Cli as clap::CommandFactory>::command().debug_assert();
}

#[test]
fn every_help_page_is_pinned() {
    let pages: [&[&str]; 14] = [
        &[],
        &["init"],
        &["new"],
        &["campaigns"],
        &["check"],
        &["compose"],
        &["send"],
        &["status"],
        &["call"],
        &["report"],
        &["smtp", "test"],
        &["completions"],
        &["man"],
        &["smtp"],
    ];
    for page in pages {
        let run = Case::empty()
            .env("COLUMNS", "100")
            .args(page.iter().copied().chain(["--help"]))
            .run()
            .success()
            .stderr_is("");
        let name = if page.is_empty() {
            "help".to_string()
        } else {
            format!("help_{}", page.join("_"))
        };
        insta::assert_snapshot!(name, run.stdout_snapshot());
    }
}

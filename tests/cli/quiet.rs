//! Issue 10: `--quiet` leaves stderr empty when a command succeeds; what went wrong is still
//! said.

use crate::Case;
use crate::smtp_server::{Security, Server};

const USER: &str = "activist";
const PASSWORD: &str = "correct-horse-battery-staple";

#[test]
fn quiet_leaves_stderr_empty_on_success_for_every_command() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let mut run = Case::minimal()
        .sender()
        .smtp(&server, USER, PASSWORD)
        .args(["--quiet", "campaigns"])
        .run()
        .success();
    let commands: [&[&str]; 11] = [
        &["check"],
        &["compose", "c"],
        &["compose", "c", "--format", "json"],
        &[
            "compose",
            "c",
            "--out",
            "d",
            "--maildir",
            "m",
            "--mbox",
            "x.mbox",
        ],
        &["send", "c", "--dry-run"],
        &["send", "c", "--yes"],
        &["send", "c", "--yes"],
        &["status", "c"],
        &["smtp", "test"],
        &[
            "new", "x", "--title", "X", "--demand", "One.", "--to", "ministry",
        ],
        &["init", "branch"],
    ];
    assert_eq!(run.stderr, "", "campaigns");
    for args in commands {
        run = run.again().args(["--quiet"]).args(args).run().success();
        assert_eq!(run.stderr, "", "{args:?}");
    }
    // Without a sender the review warns, unless --quiet.
    let run = Case::minimal()
        .args(["--quiet", "compose", "c"])
        .run()
        .success();
    assert_eq!(run.stderr, "");
}

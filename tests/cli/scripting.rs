//! Aids for scripts: `--quiet`, JSON Lines (`--format json`, `OUTCRY_FORMAT`), exit codes and
//! `--no-input`. Issue 10: `--quiet` leaves stderr empty when a command succeeds; what went
//! wrong is still said.

use crate::Case;
use crate::bulk::{branch, members};
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
        .success()
        .stderr_is("")
        .stdout_is("c                          2 demands   2 targets  deadline -           Test\n");
    let commands: [&[&str]; 13] = [
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
        &["report", "c"],
        &["report", "c", "--format", "json"],
        &["smtp", "test"],
        &[
            "new", "x", "--title", "X", "--demand", "One.", "--to", "ministry",
        ],
        &["init", "branch"],
    ];
    for args in commands {
        run = run
            .again()
            .args(["--quiet"])
            .args(args)
            .run()
            .success()
            .stderr_is("")
            .stdout_unchecked("the data of each command is pinned by its own tests");
    }
    // Without a sender the review warns, unless --quiet.
    Case::minimal()
        .args(["--quiet", "compose", "c"])
        .run()
        .success()
        .stderr_is("")
        .stdout_matches_snapshot("compose__minimal_review_without_sender");
}

/// Scripts: --quiet leaves stderr empty on success; completions parse as bash; the man page
/// names every command.
#[test]
fn scripting_aids() {
    let run = branch()
        .file("members.csv", &members(3))
        .args([
            "--quiet",
            "compose",
            "mayday-2011",
            "--signers",
            "members.csv",
            "--format",
            "json",
        ])
        .run()
        .success()
        .stderr_is("");
    assert_eq!(run.json()["summary"]["signers"], 3);

    let completions = Case::empty()
        .args(["completions", "bash"])
        .run()
        .success()
        .stdout_unchecked("a generated script: `bash -n` parses it whole, below")
        .stderr_is("");
    let script = completions.root.join("outcry.bash");
    std::fs::write(&script, &completions.stdout).expect("write");
    let bash = std::process::Command::new("bash")
        .arg("-n")
        .arg(&script)
        .output()
        .expect("bash");
    assert!(
        bash.status.success(),
        "{}",
        String::from_utf8_lossy(&bash.stderr)
    );
    assert!(completions.stdout.contains("complete -F _outcry"));

    let man = Case::empty()
        .args(["man"])
        .run()
        .success()
        .stdout_matches_snapshot("scripting__man_page")
        .stderr_is("");
    assert!(
        man.stdout.lines().any(|l| l.starts_with(".TH outcry 1")),
        "{}",
        man.stdout
    );
    for command in [
        "init",
        "new",
        "campaigns",
        "check",
        "compose",
        "send",
        "smtp",
        "status",
        "call",
        "report",
    ] {
        assert!(man.stdout.contains(command), "the man page lacks {command}");
    }
}

/// Without a terminal, or with --no-input, outcry names what it would have asked for.
#[test]
fn without_a_terminal_nothing_is_asked() {
    Case::example()
        .args(["compose"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: outcry compose needs a CAMPAIGN without a terminal to ask on: e.g. `outcry compose free-ainur-kurmanov`; the campaigns here: free-ainur-kurmanov, mayday-2011\n");
    Case::example()
        .args(["new", "x"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("error: outcry new needs --title, --demand (one per demand), --to (one per target) without a terminal to ask on\n");
    let mut t = Case::example().terminal(["--no-input"]);
    t.finish().code(2);
    assert_eq!(
        t.screen(),
        "error: outcry needs a command with --no-input: e.g. `outcry compose free-ainur-kurmanov` (outcry --help \
         lists them); the campaigns here: free-ainur-kurmanov, mayday-2011"
    );
    let mut t = Case::example()
        .env("OUTCRY_NO_INPUT", "1")
        .terminal(["send"]);
    t.finish().code(2);
    assert_eq!(
        t.screen(),
        "error: outcry send needs a CAMPAIGN with --no-input: e.g. `outcry send free-ainur-kurmanov`; the \
         campaigns here: free-ainur-kurmanov, mayday-2011"
    );
}

#[test]
fn without_a_terminal_send_needs_yes() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    Case::example()
        .sender()
        .smtp(&server, USER, PASSWORD)
        .args(["send", "mayday-2011"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("2 letter(s) to deliver yourself: `outcry compose mayday-2011 --out DIR` writes them\n\
            \x20 presidential-administration  call +7 7172 74 55 24 (script: presidential-administration.call.txt)\n\
            \x20 court-tikhonov               fax court-tikhonov.fax.pdf to +7 727 271 5802 (or set a [fax] gateway to send it: see README, Fax)\n\
            5 e-mail letter(s) from sender@example.org through activist at 127.0.0.1:[PORT] (STARTTLS):\n\
            \x20 knb-press                    press@knb.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 almaty-police-press          delta@police.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 mfa-kz                       mid@mid.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 court-tikhonov.copy          robert.cwi@gmail.com, ainur1917@gmail.com\n\
            \x20 embassy-kz-gb                london@mfa.kz, robert.cwi@gmail.com, ainur1917@gmail.com\n\
            error: no terminal to confirm on: review with `outcry send mayday-2011 --dry-run`, then pass --yes\n");
    assert_eq!(server.connections(), 0);
}

/// A script may set `OUTCRY_FORMAT` and `OUTCRY_QUIET` once instead of repeating the flags:
/// the output is the same, byte for byte.
#[test]
fn environment_variables_stand_for_format_and_quiet() {
    let flags = Case::minimal()
        .sender()
        .args(["--quiet", "compose", "c", "--format", "json"])
        .run()
        .success()
        .stderr_is("");
    assert_eq!(flags.json()["summary"]["letters"], 3);
    let by_flags = flags.redacted(&flags.stdout);
    Case::minimal()
        .sender()
        .env("OUTCRY_FORMAT", "json")
        .env("OUTCRY_QUIET", "1")
        .args(["compose", "c"])
        .run()
        .success()
        .stderr_is("")
        .stdout_is(&by_flags);
}

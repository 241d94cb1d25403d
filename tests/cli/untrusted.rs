//! Issue 9: a workspace is someone else's input. It may not read, write or send beyond itself:
//! files outside it, links planted in it, credentials taken elsewhere, control characters.

use std::os::unix::fs::{PermissionsExt as _, symlink};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::smtp_server::{Security, Server};
use crate::{Case, Run};

const USER: &str = "activist";
const PASSWORD: &str = "correct-horse-battery-staple";
const SECRET: &str = "OUTCRY_SMTP_PASSWORD=hunter2\n";

/// Puts something into a workspace.
type Plant = fn(Case, &Outside) -> Case;

/// A folder outside the workspace, as the writer's home would be, with a secret in it.
struct Outside {
    dir: tempfile::TempDir,
}

impl Outside {
    fn new() -> Outside {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("secret"), SECRET).expect("write");
        Outside { dir }
    }

    /// The resolved path of `name` in it (as outcry reports it).
    fn path(&self, name: &str) -> PathBuf {
        std::fs::canonicalize(self.dir.path())
            .expect("canonical")
            .join(name)
    }

    /// Every file in it with its contents: what a refused write must leave untouched.
    fn contents(&self) -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = std::fs::read_dir(self.dir.path())
            .expect("read_dir")
            .flatten()
            .map(|e| {
                let text = std::fs::read_to_string(e.path()).unwrap_or_else(|_| "<dir>".into());
                (e.file_name().to_string_lossy().into_owned(), text)
            })
            .collect();
        v.sort();
        v
    }

    fn untouched() -> Vec<(String, String)> {
        vec![("secret".into(), SECRET.into())]
    }
}

/// stderr with the temporary folders' paths made stable.
fn stderr(run: &Run, outside: &Outside) -> String {
    let root = std::fs::canonicalize(&run.root).expect("canonical root");
    run.stderr_whole()
        .replace(&outside.path("").display().to_string(), "<outside>/")
        .replace(&root.display().to_string(), "<workspace>")
}

/// stderr with the personal config's path as `<personal>`.
fn personal_shown(run: &Run) -> String {
    let personal = std::fs::canonicalize(run.root.join(".home/.config/outcry/config.toml"))
        .expect("canonical");
    run.stderr_whole()
        .replace(&personal.display().to_string(), "<personal>")
}

fn link(case: Case, rel: &str, to: &Path) -> Case {
    let p = case.path().join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    let _ = std::fs::remove_file(&p);
    symlink(to, p).expect("symlink");
    case
}

fn fifo(case: Case, rel: &str) -> Case {
    let p = case.path().join(rel);
    std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
    let _ = std::fs::remove_file(&p);
    let ok = Command::new("mkfifo").arg(&p).status().expect("mkfifo");
    assert!(ok.success());
    case
}

/// A minimal workspace whose letter uses the shared partial `sig`.
fn with_partial() -> Case {
    Case::minimal()
        .sender()
        .file(
            "letters/c/letter.hbs",
            "{{recipient.salutation}},\n\n{{#each demands}}\n{{number}}. {{text}}\n{{/each}}\n\n{{> sig}}\n",
        )
}

const CHECK_FAILED: &str = "1 error(s): fix them and run outcry check again\n";

/// Item 1: a partial that is a link to a secret outside the workspace was rendered into every
/// letter (and `check` passed). Now `check` and `compose` refuse it, and nothing is written.
#[test]
fn issue_9_a_partial_linked_outside_is_refused_not_sent() {
    let outside = Outside::new();
    let case = link(
        with_partial(),
        "letters/_partials/sig.hbs",
        &outside.path("secret"),
    );
    let run = case.args(["check"]).run().code(2).stdout_is("");
    assert_eq!(
        stderr(&run, &outside),
        format!(
            "letters/_partials/sig.hbs: leads outside the workspace (to <outside>/secret): outcry reads only files inside it\n{CHECK_FAILED}"
        )
    );
    let run = run
        .again()
        .args(["compose", "c", "--out", "drafts", "--format", "json"])
        .run()
        .code(2)
        .stdout_is("");
    assert_eq!(
        stderr(&run, &outside),
        "letters/_partials/sig.hbs: leads outside the workspace (to <outside>/secret): outcry reads only files inside it\n"
    );
    assert!(run.files("drafts").is_empty());
    // A link that stays inside the workspace is a file of the workspace.
    let run = link(
        run.again().file("letters/_partials/real.hbs", "Ann\n"),
        "letters/_partials/sig2.hbs",
        Path::new("real.hbs"),
    )
    .file(
        "letters/c/letter.hbs",
        "{{recipient.salutation}},\n\n{{#each demands}}\n{{number}}. {{text}}\n{{/each}}\n\n{{> sig2}}\n",
    );
    std::fs::remove_file(run.path().join("letters/_partials/sig.hbs")).expect("rm");
    run.args(["check"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("ok: 1 campaign, 3 contacts, 0 embassies, 3 letters render\u{a}");
}

/// Items 1 and 6: every file outcry reads from a workspace must be a regular file inside it,
/// of a bounded size. Each of these ended in a hang, a read without end, or a leak.
#[test]
fn issue_9_workspace_files_are_regular_files_inside_it() {
    let outside = Outside::new();
    let cases: Vec<(&str, Plant, String)> = vec![
        (
            "a FIFO as the letter",
            |c, _| fifo(c, "letters/c/letter.hbs"),
            "letters/c/letter.hbs: is a FIFO (named pipe), not a regular file: outcry reads only regular files from a workspace".into(),
        ),
        (
            "a FIFO as campaign.toml",
            |c, _| fifo(c, "letters/c/campaign.toml"),
            "letters/c/campaign.toml: is a FIFO (named pipe), not a regular file: outcry reads only regular files from a workspace".into(),
        ),
        (
            "/dev/zero as a partial",
            |c, _| link(c, "letters/_partials/sig.hbs", Path::new("/dev/zero")),
            "letters/_partials/sig.hbs: leads outside the workspace (to /dev/zero): outcry reads only files inside it".into(),
        ),
        (
            "/proc/self/environ as a layout",
            |c, _| link(c, "letters/c/fax.hbs", Path::new("/proc/self/environ")),
            "letters/c/fax.hbs: leads outside the workspace (to /proc/".into(),
        ),
        (
            "a folder as the letter",
            |c, _| {
                std::fs::remove_file(c.path().join("letters/c/letter.hbs")).expect("rm");
                c.file("letters/c/letter.hbs/x", "")
            },
            "letters/c/letter.hbs: is a folder, not a regular file: outcry reads only regular files from a workspace".into(),
        ),
        (
            "a template over 1 MiB",
            |c, _| c.file("letters/c/letter.hbs", &"a".repeat((1 << 20) + 1)),
            "letters/c/letter.hbs: is larger than 1 MiB, the most outcry reads of a template or settings file".into(),
        ),
        (
            "contacts.toml linked outside",
            |c, o| {
                std::fs::remove_file(c.path().join("contacts.toml")).expect("rm");
                link(c, "contacts.toml", &o.path("secret"))
            },
            "contacts.toml: cannot read the address book: leads outside the workspace (to <outside>/secret): outcry reads only files inside it".into(),
        ),
        (
            "outcry.toml linked outside",
            |c, o| link(c, "outcry.toml", &o.path("secret")),
            "outcry.toml: cannot read config file: leads outside the workspace (to <outside>/secret): outcry reads only files inside it".into(),
        ),
        (
            "a hard link",
            |c, _| {
                let p = c.path().join("letters/c/letter.hbs");
                std::fs::hard_link(&p, c.path().join("elsewhere.hbs")).expect("link");
                c
            },
            "letters/c/letter.hbs: has 2 hard links: outcry cannot tell where its other names are, so it reads only files with one (copy it to make it a file of its own)".into(),
        ),
    ];
    for (what, plant, expected) in cases {
        let case = plant(
            with_partial().file("letters/_partials/sig.hbs", "Ann\n"),
            &outside,
        )
        .timeout(Duration::from_secs(20))
        .args(["check"]);
        let run = case.run().stdout_is("");
        let got = stderr(&run, &outside);
        assert_eq!(run.code, 2, "{what}: {got}");
        if expected.ends_with('/') {
            // /proc/self resolves to this run's process id: the whole message but that number.
            let pid = got
                .strip_prefix(expected.as_str())
                .and_then(|rest| rest.split_once('/'))
                .map(|(pid, rest)| (pid.to_string(), rest.to_string()));
            let (pid, rest) = pid.unwrap_or_else(|| panic!("{what}: {got}"));
            assert!(pid.parse::<u32>().is_ok(), "{what}: {got}");
            assert_eq!(
                rest,
                format!("environ): outcry reads only files inside it\n{CHECK_FAILED}"),
                "{what}"
            );
        } else {
            assert_eq!(got, format!("{expected}\n{CHECK_FAILED}"), "{what}");
        }
    }
    assert_eq!(outside.contents(), Outside::untouched());
}

/// Item 1: a file the writer names on the command line (a personal paragraph, a signers
/// file) is read by the workspace's rules when it lies inside the workspace.
#[test]
fn issue_9_named_files_inside_the_workspace_follow_its_rules() {
    let outside = Outside::new();
    let case = link(with_partial(), "para.txt", &outside.path("secret"))
        .file("letters/_partials/sig.hbs", "Ann\n");
    let run = case
        .args(["compose", "c", "--personal", "para.txt"])
        .run()
        .code(2)
        .stdout_is("");
    assert_eq!(
        stderr(&run, &outside),
        "error: --personal para.txt: leads outside the workspace (to <outside>/secret): outcry reads only files inside it\n"
    );
    let run = fifo(run.again(), "members.csv")
        .timeout(Duration::from_secs(20))
        .args(["compose", "c", "--signers", "members.csv"])
        .run()
        .code(2)
        .stdout_is("");
    assert_eq!(
        stderr(&run, &outside),
        "error: members.csv: cannot read the signers file: it is a FIFO (named pipe), not a regular file: outcry reads only regular files from a workspace\n"
    );
    // Outside the workspace, the writer's own file is read as it is.
    let para = outside.path("para.txt");
    std::fs::write(&para, "I was there.\n").expect("write");
    run.again()
        .args(["compose", "c", "--personal", &para.display().to_string()])
        .run()
        .success()
        .stdout_matches_snapshot("untrusted__personal_outside_review")
        .stderr_is("letters/c/letter.hbs: warning: the letter has no {{personal}} slot: your paragraph does not appear in it\n");
}

/// Item 2: links planted where outcry writes were followed: the journal, `.outcry/` itself,
/// `--mbox`, `--out` and `--maildir`. Each is refused, naming the path, and the target is
/// untouched.
#[test]
fn issue_9_planted_links_are_not_written_through() {
    let outside = Outside::new();
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let base = || {
        Case::minimal()
            .sender()
            .smtp(&server, USER, PASSWORD)
            .timeout(Duration::from_secs(60))
    };
    let note = "1 letter(s) to deliver yourself: `outcry compose c --out DIR` writes them\n  court                        fax court.fax.pdf to +7 727 271 5802 (or set a [fax] gateway to send it: see README, Fax)\nerror: ";
    let cases: Vec<(&[&str], Plant, String)> = vec![
        (
            &["send", "c", "--yes"],
            |c, o| link(c, ".outcry", &o.path("")),
            format!("{note}<workspace>/.outcry is a symbolic link (to <outside>/): outcry does not write through a link it did not create"),
        ),
        (
            &["send", "c", "--yes"],
            |c, o| link(c, ".outcry/journal/c.jsonl", &o.path("secret")),
            format!("{note}<workspace>/.outcry/journal/c.jsonl is a symbolic link (to <outside>/secret): outcry does not write through a link it did not create"),
        ),
        (
            &["compose", "c", "--mbox", "drafts.mbox"],
            |c, o| link(c, "drafts.mbox", &o.path("secret")),
            "error: --mbox drafts.mbox: <workspace>/drafts.mbox is a symbolic link (to <outside>/secret): outcry does not write through a link it did not create".into(),
        ),
        (
            &["compose", "c", "--out", "drafts"],
            |c, o| link(c, "drafts", &o.path("")),
            "error: --out drafts: <workspace>/drafts is a symbolic link (to <outside>/): outcry does not write through a link it did not create".into(),
        ),
        (
            &["compose", "c", "--out", "drafts/c"],
            |c, o| link(c, "drafts", &o.path("")),
            "error: --out drafts/c: <workspace>/drafts is a symbolic link (to <outside>/): outcry does not write through a link it did not create".into(),
        ),
        (
            &["compose", "c", "--maildir", "Maildir"],
            |c, o| link(c.file("Maildir/new/.keep", ""), "Maildir/cur", &o.path("")),
            "error: --maildir Maildir: <workspace>/Maildir/cur is a symbolic link (to <outside>/): outcry does not write through a link it did not create".into(),
        ),
    ];
    for (args, plant, expected) in cases {
        let run = plant(base(), &outside).args(args).run().stdout_is("");
        let got = stderr(&run, &outside);
        assert_eq!(run.code, 2, "{args:?}: {got}");
        assert_eq!(got, format!("{expected}\n"), "{args:?}");
        assert_eq!(outside.contents(), Outside::untouched(), "{args:?}");
    }
    assert_eq!(server.connections(), 0);
}

/// Item 2: `outcry init` in a folder where a link waits at one of its files' names.
#[test]
fn issue_9_init_writes_through_no_dangling_link() {
    let outside = Outside::new();
    let case = link(
        Case::empty(),
        "branch/contacts.toml",
        &outside.path("victim"),
    );
    let run = case.args(["init", "branch"]).run().code(2).stdout_is("");
    assert_eq!(
        stderr(&run, &outside),
        "error: branch/contacts.toml already exists: outcry init writes a new workspace and overwrites nothing\n"
    );
    assert_eq!(outside.contents(), Outside::untouched());
}

/// Item 8: Maildir drafts followed the umask (0644 files, 0755 folders). Every file and folder
/// outcry creates is private, whatever the umask.
#[test]
fn issue_9_everything_outcry_creates_is_private_whatever_the_umask() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let run = Case::minimal()
        .sender()
        .umask(0)
        .args([
            "compose",
            "c",
            "--out",
            "out/drafts",
            "--maildir",
            "mail/Maildir",
            "--mbox",
            "box/drafts.mbox",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "wrote out/drafts/court.copy.eml\n\
            wrote out/drafts/court.fax.pdf\n\
            wrote out/drafts/court.fax.txt\n\
            wrote out/drafts/ministry.eml\n\
            stored 2 draft(s) in the Maildir mail/Maildir; 1 letter(s) it cannot hold (fax) are in out/drafts\n\
            appended 2 draft(s) to box/drafts.mbox; 1 letter(s) it cannot hold (fax) are in out/drafts\n",
        );
    let run = run
        .again()
        .smtp(&server, USER, PASSWORD)
        .umask(0)
        .args(["send", "c", "--yes"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("1 letter(s) to deliver yourself: `outcry compose c --out DIR` writes them\n\
            \x20 court                        fax court.fax.pdf to +7 727 271 5802 (or set a [fax] gateway to send it: see README, Fax)\n\
            2 e-mail letter(s) from sender@example.org through activist at 127.0.0.1:[PORT] (STARTTLS):\n\
            \x20 ministry                     ministry@example.org, coord@example.org\n\
            \x20 court.copy                   coord@example.org\n\
            accepted 2:\n\
            \x20 ministry                     250 2.0.0 queued\n\
            \x20 court.copy                   250 2.0.0 queued\n");
    let mut modes = Vec::new();
    for top in ["out", "mail", "box", ".outcry"] {
        collect_modes(&run.root, &run.root.join(top), &mut modes);
    }
    let open: Vec<&(String, u32)> = modes.iter().filter(|(_, m)| m & 0o077 != 0).collect();
    assert!(open.is_empty(), "readable by others: {open:?}");
    assert!(modes.len() > 10, "{modes:?}");
}

fn collect_modes(root: &Path, p: &Path, out: &mut Vec<(String, u32)>) {
    let meta = std::fs::symlink_metadata(p).expect("stat");
    let shown = p.strip_prefix(root).expect("prefix").display().to_string();
    out.push((shown, meta.permissions().mode() & 0o777));
    if meta.is_dir() {
        for e in std::fs::read_dir(p).expect("read_dir").flatten() {
            collect_modes(root, &e.path(), out);
        }
    }
}

/// Item 3: a login from the environment went to the server a workspace's outcry.toml named.
#[test]
fn issue_9_a_workspace_cannot_take_your_login_elsewhere() {
    let elsewhere = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let run = Case::minimal()
        .sender()
        .file("ca.pem", &elsewhere.ca_pem)
        .file(
            "outcry.toml",
            &format!(
                "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"starttls\"\nca-file = \"ca.pem\"\n",
                elsewhere.port()
            ),
        )
        .env("OUTCRY_SMTP_USERNAME", USER)
        .env("OUTCRY_SMTP_PASSWORD", PASSWORD)
        .args(["send", "c", "--yes"])
        .run()
        .code(2)
.stdout_is("")
.stderr_is("outcry.toml:2: host comes from this workspace, but username comes from your own settings (--smtp-username (or OUTCRY_SMTP_USERNAME)): a workspace may name a server only for someone who sets no server, login or transport of their own; remove it from outcry.toml, or set it yourself\n\
    outcry.toml:3: port comes from this workspace, but username comes from your own settings (--smtp-username (or OUTCRY_SMTP_USERNAME)): a workspace may name a server only for someone who sets no server, login or transport of their own; remove it from outcry.toml, or set it yourself\n\
    outcry.toml:4: security comes from this workspace, but username comes from your own settings (--smtp-username (or OUTCRY_SMTP_USERNAME)): a workspace may name a server only for someone who sets no server, login or transport of their own; remove it from outcry.toml, or set it yourself\n\
    outcry.toml:5: ca-file comes from this workspace, but username comes from your own settings (--smtp-username (or OUTCRY_SMTP_USERNAME)): a workspace may name a server only for someone who sets no server, login or transport of their own; remove it from outcry.toml, or set it yourself\n");
    let why = "comes from this workspace, but username comes from your own settings (--smtp-username (or OUTCRY_SMTP_USERNAME)): a workspace may name a server only for someone who sets no server, login or transport of their own; remove it from outcry.toml, or set it yourself";
    assert_eq!(
        run.stderr,
        format!(
            "outcry.toml:2: host {why}\noutcry.toml:3: port {why}\noutcry.toml:4: security {why}\noutcry.toml:5: ca-file {why}\n"
        )
    );
    assert_eq!(elsewhere.connections(), 0);
}

/// Item 3: the writer's own server wins over the workspace's; a workspace's part of a server
/// mixed with the writer's login is refused, naming both.
#[test]
fn issue_9_your_own_server_wins_and_a_mix_is_refused() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let elsewhere = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let workspace_port = format!("[smtp]\nport = {}\n", elsewhere.port());
    // The personal config names host, port and login: the workspace's port is overridden.
    Case::minimal()
        .sender()
        .smtp(&server, USER, PASSWORD)
        .file("outcry.toml", &workspace_port)
        .args(["send", "c", "--yes"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("1 letter(s) to deliver yourself: `outcry compose c --out DIR` writes them\n\
            \x20 court                        fax court.fax.pdf to +7 727 271 5802 (or set a [fax] gateway to send it: see README, Fax)\n\
            2 e-mail letter(s) from sender@example.org through activist at 127.0.0.1:[PORT] (STARTTLS):\n\
            \x20 ministry                     ministry@example.org, coord@example.org\n\
            \x20 court.copy                   coord@example.org\n\
            accepted 2:\n\
            \x20 ministry                     250 2.0.0 queued\n\
            \x20 court.copy                   250 2.0.0 queued\n");
    assert_eq!(server.received().len(), 2);
    // The personal config names host and login but no port: the workspace's port would
    // decide where the login goes.
    let run = Case::minimal()
        .sender()
        .file(".home/.config/outcry/ca.pem", &server.ca_pem)
        .personal_config(&format!(
            "[smtp]\nhost = \"127.0.0.1\"\nusername = \"{USER}\"\nca-file = \"ca.pem\"\n"
        ))
        .env("OUTCRY_SMTP_PASSWORD", PASSWORD)
        .file("outcry.toml", &workspace_port)
        .args(["send", "c", "--yes"])
        .run()
        .code(2)
        .stdout_is("");
    assert_eq!(
        personal_shown(&run),
        "outcry.toml:2: port comes from this workspace, but username comes from your own settings (<personal>:4): a workspace may name a server only for someone who sets no server, login or transport of their own; remove it from outcry.toml, or set it yourself\n"
    );
    assert_eq!(elsewhere.connections(), 0);
}

/// Item 3: a workspace's `transport = "sendmail"` silently replaced the writer's SMTP account;
/// nor may it set a username.
#[test]
fn issue_9_a_workspace_cannot_switch_the_transport_or_log_in() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    Case::minimal()
        .sender()
        .smtp(&server, USER, PASSWORD)
        .file(
            "outcry.toml",
            "[smtp]\ntransport = \"sendmail\"\nusername = \"someone\"\n",
        )
        .args(["send", "c", "--yes"])
        .run()
        .code(2)
.stdout_is("")
.stderr_is("outcry.toml:2: transport is not read from a workspace's outcry.toml (how your letters leave, by your SMTP account or sendmail, is yours to choose): put it in your personal config\n\
         outcry.toml:3: username is not read from a workspace's outcry.toml (a login is yours, and goes only to a server you set yourself): put it in your personal config\n");
    assert_eq!(server.connections(), 0);
}

/// Item 3: what a workspace may do: name a server for a writer with none, to send without a
/// login.
#[test]
fn issue_9_a_workspace_may_name_a_server_for_sending_without_a_login() {
    let server = Server::start(Security::Plain, None, vec![]);
    Case::minimal()
        .sender()
        .file(
            "outcry.toml",
            &format!(
                "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\nrate = 60000\n",
                server.port()
            ),
        )
        .args(["send", "c", "--yes"])
        .redact(&format!("127.0.0.1:{}", server.port()), "127.0.0.1:[PORT]")
        .run()
        .success()
        .stdout_is("")
        .stderr_is("1 letter(s) to deliver yourself: `outcry compose c --out DIR` writes them\n\
            \x20 court                        fax court.fax.pdf to +7 727 271 5802 (or set a [fax] gateway to send it: see README, Fax)\n\
            2 e-mail letter(s) from sender@example.org through 127.0.0.1:[PORT] (unencrypted, this machine only):\n\
            \x20 ministry                     ministry@example.org, coord@example.org\n\
            \x20 court.copy                   coord@example.org\n\
            accepted 2:\n\
            \x20 ministry                     250 2.0.0 queued\n\
            \x20 court.copy                   250 2.0.0 queued\n");
    assert_eq!(server.received().len(), 2);
}

/// Item 4: control characters in a template, a campaign, a contact or the workspace's
/// settings were printed raw in the review and sent. Each is refused at its file and line,
/// written raw or as a TOML escape.
#[test]
fn issue_9_control_characters_are_refused_where_they_are() {
    let why = "is not allowed here: it can hide or change text on a terminal (tab and newline are the only ones allowed)";
    Case::minimal()
        .sender()
        .file(
            "letters/c/letter.hbs",
            "{{recipient.salutation}},\n\nPlease\u{1b}[8m act\u{1b}[0m.\n\n{{sender.name}}\n",
        )
        .args(["check"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is(&format!(
            "letters/c/letter.hbs:3: a control character (U+001B, escape) {why}\n{CHECK_FAILED}"
        ));
    Case::minimal()
        .sender()
        .file(
            "letters/c/campaign.toml",
            "title = \"Test\"\nsubject = \"Protest\"\nissued = 2011-05-02\ndemands = [\n  \"One\",\n  \"Two\\u0007\",\n]\nto = [\"ministry\"]\n",
        )
        .append(
            "contacts.toml",
            "\n[contacts.odd]\nname = \"Odd \\u009b31m Office\"\ncountry = \"KZ\"\nemail = \"odd@example.org\"\n",
        )
        .file("outcry.toml", "[sender]\norganisation = \"Branch\\u001b]52;c;x\\u0007\"\n")
        .args(["check"])
        .run()
        .code(2)
.stdout_is("")
.stderr_is(&format!(
            "contacts.toml:17: contact \"odd\": a control character (U+009B) {why}\n\
             letters/c/campaign.toml:6: a control character (U+0007, bell) {why}\n\
             outcry.toml:2: a control character (U+001B, escape) {why}\n\
             3 error(s): fix them and run outcry check again\n"
        ));
}

/// Items 2 and 6: a FIFO planted as the journal made `send` and `status` wait for ever.
#[test]
fn issue_9_a_fifo_as_the_journal_is_refused() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let case = fifo(
        Case::minimal().sender().smtp(&server, USER, PASSWORD),
        ".outcry/journal/c.jsonl",
    );
    let run = case
        .timeout(Duration::from_secs(20))
        .args(["status", "c"])
        .run()
        .code(2)
.stdout_is("")
.stderr_is("error: .outcry/journal/c.jsonl: is a FIFO (named pipe), not a regular file: outcry reads only regular files from a workspace\n");
    run
        .again()
        .timeout(Duration::from_secs(20))
        .args(["send", "c", "--yes"])
        .run()
        .code(2)
.stdout_is("")
.stderr_is("1 letter(s) to deliver yourself: `outcry compose c --out DIR` writes them\n\
    \x20 court                        fax court.fax.pdf to +7 727 271 5802 (or set a [fax] gateway to send it: see README, Fax)\n\
    error: .outcry/journal/c.jsonl is not a regular file: outcry writes only to files it can append to safely\n");
    assert_eq!(server.connections(), 0);
}

/// Items 5 and 12: within every template limit, a letter that repeats a long value could
/// still grow without end (here 60 KB × 20). Rendering stops at 1 MiB, at the template's line.
#[test]
fn issue_9_a_letter_cannot_grow_without_end() {
    let long = "x".repeat(60_000);
    Case::minimal()
        .sender()
        .file(
            "letters/c/campaign.toml",
            &format!(
                "title = \"Test\"\nsubject = \"Protest\"\nissued = 2011-05-02\ndemands = [\"{long}\"]\nto = [\"ministry\"]\n"
            ),
        )
        .file(
            "letters/c/letter.hbs",
            &format!(
                "Dear Sir,\n\n{}\n",
                "{{#each demands}}{{text}}{{/each}}\n".repeat(20)
            ),
        )
        .timeout(Duration::from_secs(20))
        .args(["compose", "c", "--format", "json"])
        .run()
        .code(2)
.stdout_is("")
.stderr_is("letters/c/letter.hbs:20: the letter would be longer than 1 MiB, the most outcry writes (a letter of a few pages is a few KiB): look for a loop or a partial that repeats it\n");
}

/// Found in review: a control character written as an escape inside a template's string
/// (`{{#with "\u001b[8m..."}}`) is decoded only when it renders, and invisible Unicode tag
/// characters passed every check. Both are refused at their line.
#[test]
fn issue_9_review_escapes_in_template_strings_and_tag_characters_are_refused() {
    with_partial()
        .file(
            "letters/c/letter.hbs",
            "{{recipient.salutation}},\n\n{{#with \"\\u001b[8mHIDDEN\\u001b[0m\" as |x|}}{{x}}{{/with}}\n\n{{> sig}}\n",
        )
        .file("letters/_partials/sig.hbs", "Ann\u{E0049}\u{E0047}\n")
        .args(["check"])
        .run()
        .code(2)
.stdout_is("")
.stderr_is("letters/_partials/sig.hbs:1: a control character (U+E0049, an invisible tag character) is not allowed here: it can hide or change text on a terminal (tab and newline are the only ones allowed)\n\
         letters/c/letter.hbs:3: a string here holds a control character (U+001B, escape), written as an escape: it can hide or change text on a terminal\n\
         2 error(s): fix them and run outcry check again\n");
}

/// Found in review: file names and link targets from a workspace were printed raw, so a
/// name holding escape sequences could clear the screen and print a false "ok".
#[test]
fn issue_9_review_file_names_cannot_drive_the_terminal() {
    let case = with_partial().file("letters/_partials/sig.hbs", "Ann\n");
    let case = link(
        case,
        "letters/c/fax.hbs",
        Path::new("/x/\u{1b}[2J\u{1b}[32mok: all good"),
    )
    .file("letters/x\u{1b}[31mRED/campaign.toml", "")
    .file("letters/_partials/b\u{1b}[2J.hbs", "{{");
    case.args(["check"]).run().code(2)
.stdout_is("")
.stderr_is("letters/_partials/b\\u{1b}[2J.hbs: a partial's name is letters, digits, '-' and '_' (it is written as {{> name}})\n\
         letters/c/fax.hbs: is a symbolic link to /x/\\u{1b}[2J\\u{1b}[32mok: all good that cannot be followed (No such file or directory)\n\
         letters/x\\u{1b}[31mRED: campaign folder: invalid id \"x\\u{1b}[31mRED\": use lowercase letters, digits, '-' and '_' (at most 64, starting with a letter or digit)\n\
         3 error(s): fix them and run outcry check again\n");
}

/// Found in review: a workspace's `rate` (0.001: a letter every 16 hours) or `timeout` applied
/// to the writer's own account; and its `ca-file` was read without a limit.
#[test]
fn issue_9_review_a_workspace_cannot_pace_your_account_or_feed_a_huge_ca_file() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    // The writer's own account, with no rate of their own.
    let run = Case::minimal()
        .sender()
        .file(".home/.config/outcry/ca.pem", &server.ca_pem)
        .personal_config(&format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nusername = \"{USER}\"\nca-file = \"ca.pem\"\n",
            server.port()
        ))
        .env("OUTCRY_SMTP_PASSWORD", PASSWORD)
        .file("outcry.toml", "[smtp]\nrate = 0.001\n")
        .args(["send", "c", "--yes"])
        .run()
        .code(2)
.stdout_is("");
    assert_eq!(
        personal_shown(&run),
        "outcry.toml:2: rate comes from this workspace, but username comes from your own settings (<personal>:5): a workspace may name a server only for someone who sets no server, login or transport of their own; remove it from outcry.toml, or set it yourself\n"
    );
    assert_eq!(server.connections(), 0);
    let plain = Server::start(Security::Plain, None, vec![]);
    let case = Case::minimal().sender().file(
        "outcry.toml",
        &format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"none\"\nca-file = \"ca.pem\"\n",
            plain.port()
        ),
    );
    std::fs::File::create(case.path().join("ca.pem"))
        .and_then(|f| f.set_len(4 << 30))
        .expect("sparse file");
    case
        .timeout(Duration::from_secs(20))
        .args(["send", "c", "--yes"])
        .run()
        .code(2)
.stdout_is("")
.stderr_is("outcry.toml:5: ca-file \"ca.pem\" is larger than 1 MiB, the most outcry reads of a template or settings file\n");
    assert_eq!(plain.connections(), 0);
}

/// Found in review: a joint letter to 20,000 targets listed them all in each of its 20,000
/// copies (10 GB); an existing mbox or drafts folder kept the modes it came with (0666).
#[test]
fn issue_9_review_bounded_joint_letters_and_private_destinations() {
    let to: Vec<String> = (0..101).map(|_| "\"court\"".to_string()).collect();
    Case::minimal()
        .sender()
        .file(
            "letters/c/campaign.toml",
            &format!(
                "title = \"Test\"\nsubject = \"Protest\"\nissued = 2011-05-02\ndemands = [\"One\"]\naddressing = \"joint\"\nto = [{}]\n",
                to.join(", ")
            ),
        )
        .args(["check"])
        .run()
        .code(2)
.stdout_is("")
.stderr_is(&format!(
            "letters/c/campaign.toml:6: 101 targets for a joint letter, which names them all: at most 100 (or write to each with addressing = \"each\")\n\
             letters/c/campaign.toml:6: warning: target \"court\" is listed twice; it gets one letter\n{CHECK_FAILED}"
        ));
    let case = Case::minimal().sender().file("drafts.mbox", "");
    std::fs::set_permissions(
        case.path().join("drafts.mbox"),
        std::fs::Permissions::from_mode(0o666),
    )
    .expect("chmod");
    std::fs::create_dir(case.path().join("drafts")).expect("mkdir");
    std::fs::set_permissions(
        case.path().join("drafts"),
        std::fs::Permissions::from_mode(0o777),
    )
    .expect("chmod");
    let run = case
        .args(["compose", "c", "--mbox", "drafts.mbox", "--out", "drafts"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "wrote drafts/court.copy.eml\n\
            wrote drafts/court.fax.pdf\n\
            wrote drafts/court.fax.txt\n\
            wrote drafts/ministry.eml\n\
            appended 2 draft(s) to drafts.mbox; 1 letter(s) it cannot hold (fax) are in drafts\n",
        );
    let mode = |rel: &str| {
        std::fs::metadata(run.root.join(rel))
            .expect("stat")
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!((mode("drafts.mbox"), mode("drafts")), (0o600, 0o700));
}

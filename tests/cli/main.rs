//! The integration tests: the real `outcry` binary, run in temporary workspaces.
//!
//! `Case` builds a workspace (empty, or a copy of the shipped example), runs outcry in it with
//! a clean environment (no HOME config, no `OUTCRY_*` variables, a fixed `SOURCE_DATE_EPOCH`)
//! and returns what it printed and wrote.
//!
//! A `Run` must account for its whole stdout and stderr: each is compared exactly
//! (`stdout_is`, `stderr_is`), taken for a snapshot (`stdout_snapshot`, `stderr_snapshot`),
//! parsed whole (`json`), or declared not checked with a reason (`stdout_unchecked`,
//! `stderr_unchecked`). A run dropped with either stream unaccounted for fails the test, so an
//! unexpected line cannot go unnoticed. Before any comparison the workspace's temporary path
//! is replaced by `[WS]`, the test SMTP server's port by `[PORT]`, each RFC 3339 UTC time
//! (the machine's clock, which `SOURCE_DATE_EPOCH` does not fix) by `[TIME]`, and what
//! `redact` names by its token.

// The builder and assertion methods return `self` to chain; an unused one is harmless here.
#![allow(clippy::return_self_not_must_use)]

mod bulk;
mod calls;
mod campaigns;
mod check;
mod compose;
mod config;
mod copies;
mod delivery;
mod drafts;
mod fax;
mod guided;
mod help;
mod journal;
mod languages;
mod props;
mod report;
mod scripting;
mod send;
mod smtp_server;
mod templates;
mod terminal;
mod untrusted;

use std::cell::Cell;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// 2 May 2011, 12:00 UTC: the day of the May Day appeal.
pub const EPOCH: &str = "1304337600";

/// Where the personal config lives in a test workspace (`XDG_CONFIG_HOME` points there).
pub const PERSONAL_CONFIG_DIR: &str = ".home/.config/outcry";

/// Where outcry keeps the writer's journal key in a test workspace: `$XDG_STATE_HOME` is not
/// set, so it is under `$HOME/.local/state` (HOME is `.home`).
pub const JOURNAL_KEY: &str = ".home/.local/state/outcry/journal.key";

/// Seals journal records as outcry does (docs/format.md, "The journal"), computed here with the
/// hmac crate rather than outcry's code: each line is the record's JSON with
/// `,"mac":"<64 hex>"` before its closing brace, the mac an HMAC-SHA256 under `key` of
/// `outcry journal v1 NUL campaign NUL .outcry/journal/<campaign>.jsonl NUL previous mac NUL
/// record`, the previous mac empty for the first line.
pub fn seal(key: &[u8], campaign: &str, records: &[&str]) -> String {
    use hmac::Mac as _;
    let mut out = String::new();
    let mut prev = String::new();
    for record in records {
        let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(key).expect("key");
        for part in [
            "outcry journal v1",
            campaign,
            &format!(".outcry/journal/{campaign}.jsonl"),
            &prev,
        ] {
            mac.update(part.as_bytes());
            mac.update(b"\0");
        }
        mac.update(record.as_bytes());
        prev = mac
            .finalize()
            .into_bytes()
            .iter()
            .fold(String::new(), |mut s, b| {
                let _ = write!(s, "{b:02x}");
                s
            });
        let open = record.strip_suffix('}').expect("a JSON object");
        let _ = writeln!(out, "{open},\"mac\":\"{prev}\"}}");
    }
    out
}

pub struct Case {
    dir: tempfile::TempDir,
    args: Vec<String>,
    env: Vec<(String, String)>,
    /// A workspace file to give outcry as its stdin (none: stdin is closed).
    stdin: Option<String>,
    /// How long outcry may run before the test fails (and outcry is killed).
    timeout: Duration,
    /// The umask outcry runs under (none: the test's own).
    umask: Option<u32>,
    /// Texts its runs' output shows as tokens (the test SMTP server's port).
    redactions: Vec<(String, String)>,
}

/// How long a run may take unless a test says otherwise: nothing here takes a tenth of it.
const TIMEOUT: Duration = Duration::from_secs(300);

pub struct Run {
    env: Vec<(String, String)>,
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub root: PathBuf,
    /// Taken by [`Run::again`]; always there otherwise.
    dir: Option<tempfile::TempDir>,
    /// Texts replaced by tokens before a comparison: the workspace path first.
    redactions: Vec<(String, String)>,
    stdout_checked: Cell<bool>,
    stderr_checked: Cell<bool>,
}

impl Case {
    /// An empty folder (not yet a workspace).
    pub fn empty() -> Case {
        let dir = tempfile::tempdir().expect("temp dir");
        Case {
            dir,
            args: Vec::new(),
            env: vec![("SOURCE_DATE_EPOCH".into(), EPOCH.into())],
            stdin: None,
            timeout: TIMEOUT,
            umask: None,
            redactions: Vec::new(),
        }
    }

    /// A copy of the shipped example workspace, for a writer in Britain: the workspace sets
    /// no country (issue 11), so the writer's own does (`OUTCRY_SENDER_COUNTRY=GB`).
    pub fn example() -> Case {
        Case::shipped().env("OUTCRY_SENDER_COUNTRY", "GB")
    }

    /// A copy of the shipped example workspace (contacts.toml, outcry.toml, letters/), and
    /// nothing of the writer's.
    pub fn shipped() -> Case {
        let case = Case::empty();
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for f in ["contacts.toml", "outcry.toml"] {
            std::fs::copy(repo.join(f), case.dir.path().join(f)).expect("copy");
        }
        copy_dir(&repo.join("letters"), &case.dir.path().join("letters"));
        case
    }

    /// A small workspace with one campaign `c` and the contacts it names.
    pub fn minimal() -> Case {
        Case::empty()
            .file(
                "contacts.toml",
                "[contacts.ministry]\nname = \"Ministry\"\ncountry = \"KZ\"\nemail = \"ministry@example.org\"\n\n\
                 [contacts.court]\nname = \"Court\"\ncountry = \"KZ\"\nfax = \"+7 727 271 5802\"\n\n\
                 [contacts.coordinator]\nname = \"Coordinator\"\ncountry = \"GB\"\nemail = \"coord@example.org\"\n",
            )
            .file(
                "letters/c/campaign.toml",
                "title = \"Test\"\nsubject = \"Protest\"\nissued = 2011-05-02\ndemands = [\"One\", \"Two\"]\nto = [\"ministry\", \"court\"]\ncc = [\"coordinator\"]\n",
            )
            .file("letters/c/letter.hbs", "{{recipient.salutation}},\n\n{{#each demands}}\n{{number}}. {{text}}\n{{/each}}\n\n{{sender.name}}\n")
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes a file into the workspace (folders created as needed).
    pub fn file(self, rel: &str, contents: &str) -> Case {
        let p = self.dir.path().join(rel);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
        std::fs::write(p, contents).expect("write");
        self
    }

    /// Appends to a file of the workspace.
    pub fn append(self, rel: &str, text: &str) -> Case {
        let existing = std::fs::read_to_string(self.dir.path().join(rel)).unwrap_or_default();
        self.file(rel, &format!("{existing}{text}"))
    }

    pub fn args<I: IntoIterator<Item = S>, S: AsRef<str>>(mut self, args: I) -> Case {
        self.args
            .extend(args.into_iter().map(|a| a.as_ref().to_string()));
        self
    }

    /// Gives outcry the workspace file `rel` as its stdin.
    pub fn stdin_file(mut self, rel: &str) -> Case {
        self.stdin = Some(rel.to_string());
        self
    }

    /// Fails the test (killing outcry) if the run takes longer than `timeout`.
    pub fn timeout(mut self, timeout: Duration) -> Case {
        self.timeout = timeout;
        self
    }

    /// Runs outcry under this umask.
    pub fn umask(mut self, umask: u32) -> Case {
        self.umask = Some(umask);
        self
    }

    pub fn env(mut self, key: &str, value: &str) -> Case {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Shows `text` as `token` in the output of this case's runs (a port, a path outside the
    /// workspace), before they are compared.
    pub fn redact(mut self, text: &str, token: &str) -> Case {
        self.redactions.push((text.to_string(), token.to_string()));
        self
    }

    /// A complete sender profile through the environment.
    pub fn sender(self) -> Case {
        self.env("OUTCRY_SENDER_NAME", "Test Sender")
            .env("OUTCRY_SENDER_EMAIL", "sender@example.org")
            .env("OUTCRY_SENDER_COUNTRY", "GB")
    }

    /// Settings for the test SMTP server in the personal config (STARTTLS, its CA trusted,
    /// no pacing), the password in the environment.
    pub fn smtp(self, server: &smtp_server::Server, user: &str, password: &str) -> Case {
        let config = format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {}\nsecurity = \"starttls\"\nusername = \"{user}\"\nca-file = \"test-ca.pem\"\nrate = 60000\ntimeout = 10\n",
            server.port()
        );
        let mut case = self
            .file(
                &format!("{PERSONAL_CONFIG_DIR}/test-ca.pem"),
                &server.ca_pem,
            )
            .personal_config(&config)
            .env("OUTCRY_SMTP_PASSWORD", password);
        case.redactions.push((
            format!("127.0.0.1:{}", server.port()),
            "127.0.0.1:[PORT]".into(),
        ));
        case
    }

    /// Appends to the personal config file (`$XDG_CONFIG_HOME/outcry/config.toml`).
    pub fn personal_config(self, text: &str) -> Case {
        let path = format!("{PERSONAL_CONFIG_DIR}/config.toml");
        let existing = std::fs::read_to_string(self.dir.path().join(&path)).unwrap_or_default();
        self.file(&path, &format!("{existing}\n{text}"))
    }

    /// A workspace with one campaign `many` to `n` authorities, each by e-mail.
    pub fn many(n: usize) -> Case {
        let mut contacts = String::new();
        let mut to = Vec::new();
        for i in 1..=n {
            let _ = write!(
                contacts,
                "[contacts.a{i}]\nname = \"Authority {i}\"\ncountry = \"KZ\"\nemail = \"a{i}@example.org\"\n\n"
            );
            to.push(format!("\"a{i}\""));
        }
        Case::empty()
            .file("contacts.toml", &contacts)
            .file(
                "letters/many/campaign.toml",
                &format!("title = \"Many\"\nsubject = \"Protest\"\nissued = 2011-05-02\ndemands = [\"One\"]\nto = [{}]\n", to.join(", ")),
            )
            .file("letters/many/letter.hbs", "{{recipient.salutation}},\n\n{{#each demands}}\n{{number}}. {{text}}\n{{/each}}\n\n{{sender.name}}\n")
    }

    /// The environment variables the case sets.
    pub fn env_vars(&self) -> &[(String, String)] {
        &self.env
    }

    /// A run that ran nothing, for [`terminal::Terminal::finish`] to fill in.
    pub fn run_nothing(self) -> Run {
        Run::new(self, 0, String::new(), String::new())
    }

    fn command(&self) -> Command {
        let home = self.dir.path().join(".home");
        std::fs::create_dir_all(&home).expect("home");
        let bin = env!("CARGO_BIN_EXE_outcry");
        let mut cmd = match self.umask {
            Some(mask) => {
                let mut sh = Command::new("sh");
                sh.args([
                    "-c",
                    &format!("umask {mask:03o} && exec \"$0\" \"$@\""),
                    bin,
                ]);
                sh
            }
            None => Command::new(bin),
        };
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", &home)
            .env("XDG_CONFIG_HOME", home.join(".config"))
            .current_dir(self.dir.path())
            .args(&self.args);
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Starts outcry without waiting for it (stdin closed, output discarded).
    pub fn spawn(self) -> (std::process::Child, Case) {
        let child = self
            .command()
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("spawn outcry");
        (
            child,
            Case {
                args: Vec::new(),
                ..self
            },
        )
    }

    pub fn run(self) -> Run {
        let stdin = match &self.stdin {
            Some(rel) => std::fs::File::open(self.dir.path().join(rel))
                .expect("stdin file")
                .into(),
            None => std::process::Stdio::null(),
        };
        let mut child = self
            .command()
            .stdin(stdin)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("run outcry");
        let drain = |pipe: Option<Box<dyn std::io::Read + Send>>| {
            std::thread::spawn(move || {
                let mut bytes = Vec::new();
                if let Some(mut p) = pipe {
                    let _ = p.read_to_end(&mut bytes);
                }
                bytes
            })
        };
        let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
        let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
        let deadline = Instant::now() + self.timeout;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for outcry") {
                break status;
            }
            if Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                panic!(
                    "outcry {:?} did not finish within {:?}",
                    self.args, self.timeout
                );
            }
            std::thread::sleep(Duration::from_millis(10));
        };
        let stdout = String::from_utf8(stdout.join().expect("stdout")).expect("utf-8 stdout");
        let stderr = String::from_utf8(stderr.join().expect("stderr")).expect("utf-8 stderr");
        Run::new(self, status.code().unwrap_or(-1), stdout, stderr)
    }
}

impl Run {
    fn new(case: Case, code: i32, stdout: String, stderr: String) -> Run {
        let root = case.dir.path().to_path_buf();
        let mut redactions = vec![(root.display().to_string(), "[WS]".to_string())];
        if let Ok(real) = root.canonicalize()
            && real != root
        {
            redactions.push((real.display().to_string(), "[WS]".to_string()));
        }
        redactions.extend(case.redactions.iter().cloned());
        Run {
            env: case.env,
            code,
            stdout,
            stderr,
            root,
            dir: Some(case.dir),
            redactions,
            stdout_checked: Cell::new(false),
            stderr_checked: Cell::new(false),
        }
    }

    /// The same workspace and environment, for another run. This run's stdout and stderr
    /// must have been checked.
    pub fn again(mut self) -> Case {
        Case {
            dir: self.dir.take().expect("a run's workspace"),
            args: Vec::new(),
            env: std::mem::take(&mut self.env),
            stdin: None,
            timeout: TIMEOUT,
            umask: None,
            redactions: std::mem::take(&mut self.redactions)
                .into_iter()
                .skip_while(|(_, token)| token == "[WS]")
                .collect(),
        }
    }

    /// Replaces `text` by `token` in stdout and stderr before they are compared or snapshotted
    /// (a port, a Message-ID, a path that is not the workspace's).
    pub fn redact(mut self, text: &str, token: &str) -> Run {
        self.redactions.push((text.to_string(), token.to_string()));
        self
    }

    /// `text` with the redactions applied.
    pub fn redacted(&self, text: &str) -> String {
        let mut text = text.to_string();
        for (from, to) in &self.redactions {
            text = text.replace(from.as_str(), to);
        }
        redact_times(&text)
    }

    /// Fails unless stdout, redacted, is exactly `expected`.
    #[track_caller]
    pub fn stdout_is(self, expected: &str) -> Run {
        self.stdout_checked.set(true);
        let actual = self.redacted(&self.stdout);
        compare("stdout", &actual, expected, &self.stderr);
        self
    }

    /// Fails unless stderr, redacted, is exactly `expected`.
    #[track_caller]
    pub fn stderr_is(self, expected: &str) -> Run {
        self.stderr_checked.set(true);
        let actual = self.redacted(&self.stderr);
        compare("stderr", &actual, expected, &self.stdout);
        self
    }

    /// Stdout, redacted, for an `insta` snapshot (which checks it whole).
    pub fn stdout_snapshot(&self) -> String {
        self.stdout_checked.set(true);
        self.redacted(&self.stdout)
    }

    /// Checks stdout, redacted, against the snapshot `snapshots/cli__<name>.snap`: for
    /// output too long to read inline (a review, a man page).
    #[track_caller]
    pub fn stdout_matches_snapshot(self, name: &str) -> Run {
        let text = self.stdout_snapshot();
        insta::assert_snapshot!(name, text);
        self
    }

    /// Stderr, redacted, for an `insta` snapshot (which checks it whole).
    pub fn stderr_snapshot(&self) -> String {
        self.stderr_checked.set(true);
        self.redacted(&self.stderr)
    }

    /// Stderr as it is, for a test that compares it whole in its own way (with its own
    /// redactions).
    pub fn stderr_whole(&self) -> &str {
        self.stderr_checked.set(true);
        &self.stderr
    }

    /// Declares that stdout is not compared, and why.
    pub fn stdout_unchecked(self, reason: &str) -> Run {
        assert!(!reason.is_empty(), "say why stdout is not checked");
        self.stdout_checked.set(true);
        self
    }

    /// Declares that stderr is not compared, and why.
    pub fn stderr_unchecked(self, reason: &str) -> Run {
        assert!(!reason.is_empty(), "say why stderr is not checked");
        self.stderr_checked.set(true);
        self
    }

    #[track_caller]
    pub fn success(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected success\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    #[track_caller]
    pub fn code(self, code: i32) -> Run {
        assert_eq!(
            self.code, code,
            "expected exit {code}\n--- stdout\n{}\n--- stderr\n{}",
            self.stdout, self.stderr
        );
        self
    }

    /// The JSON Lines on stdout, each checked for the schema, gathered by type:
    /// `{"campaign": <the campaign line>, "letters": [...], "unresolved": [...],
    /// "skipped": [...], "deliveries": [...], "fates": [...], "members": [...], "summary": <the summary line>}`. This accounts
    /// for stdout: every line must parse, with a known type; the test checks the values.
    pub fn json(&self) -> serde_json::Value {
        self.stdout_checked.set(true);
        let mut out = serde_json::json!({
            "letters": [], "unresolved": [], "skipped": [], "deliveries": [], "fates": [], "members": [], "calls": []
        });
        for (i, line) in self.stdout.lines().enumerate() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| {
                panic!("stdout line {} is not JSON ({e}):\n{}", i + 1, self.stdout)
            });
            assert_eq!(v["schema"], "outcry.jsonl/1", "line {}: {line}", i + 1);
            let list = |name: &str, out: &mut serde_json::Value| {
                out[name].as_array_mut().expect("list").push(v.clone());
            };
            match v["type"].as_str() {
                Some("campaign") => out["campaign"] = v.clone(),
                Some("summary") => out["summary"] = v.clone(),
                Some("letter") => list("letters", &mut out),
                Some("unresolved") => list("unresolved", &mut out),
                Some("skipped") => list("skipped", &mut out),
                Some("delivery") => list("deliveries", &mut out),
                Some("fate") => list("fates", &mut out),
                Some("member") => list("members", &mut out),
                Some("call") => list("calls", &mut out),
                other => panic!("line {}: unknown type {other:?}", i + 1),
            }
        }
        out
    }

    pub fn read(&self, rel: &str) -> Vec<u8> {
        std::fs::read(self.root.join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
    }

    /// Every file under `rel`, relative to it, sorted.
    pub fn files(&self, rel: &str) -> Vec<String> {
        let mut v = Vec::new();
        walk(&self.root.join(rel), &self.root.join(rel), &mut v);
        v.sort();
        v
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let unchecked: Vec<&str> = [
            ("stdout", &self.stdout_checked),
            ("stderr", &self.stderr_checked),
        ]
        .into_iter()
        .filter(|(_, checked)| !checked.get())
        .map(|(name, _)| name)
        .collect();
        assert!(
            unchecked.is_empty(),
            "a run of outcry ended with its {} not checked (compare it with `*_is`, take a \
             snapshot, or say why not with `*_unchecked`)\n--- stdout\n{}\n--- stderr\n{}",
            unchecked.join(" and "),
            self.stdout,
            self.stderr
        );
    }
}

/// Fails the test if `actual` is not `expected`, showing both and the other stream.
///
/// With `OUTCRY_TEST_RECORD` set to a file, a difference is appended to it (as a JSON line
/// with the caller's file and line) instead, for `scripts/record-cli-expectations.py` to
/// write into the test: a way to update many expectations, each then read and reviewed.
#[track_caller]
fn compare(name: &str, actual: &str, expected: &str, other: &str) {
    if actual == expected {
        return;
    }
    if let Some(path) = std::env::var_os("OUTCRY_TEST_RECORD") {
        use std::io::Write as _;
        let at = std::panic::Location::caller();
        let line = serde_json::json!({
            "file": at.file(), "line": at.line(), "column": at.column(),
            "stream": name, "actual": actual,
        });
        let mut f = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .expect("record file");
        f.write_all(format!("{line}\n").as_bytes()).expect("record");
        return;
    }
    let first = actual
        .lines()
        .zip(expected.lines())
        .position(|(a, e)| a != e)
        .unwrap_or_else(|| actual.lines().count().min(expected.lines().count()));
    panic!(
        "{name} differs (first at line {}):\n--- expected {name}\n{expected}\n--- actual {name}\n{actual}\n--- actual {name} (escaped)\n{actual:?}\n--- the other stream\n{other}",
        first + 1
    );
}

/// `text` with each RFC 3339 UTC time (`YYYY-MM-DDTHH:MM:SSZ`) replaced by `[TIME]`.
pub(crate) fn redact_times(text: &str) -> String {
    const SHAPE: &[u8; 20] = b"dddd-dd-ddTdd:dd:ddZ";
    let b = text.as_bytes();
    let mut out = String::new();
    let mut i = 0;
    let mut start = 0;
    while i + SHAPE.len() <= b.len() {
        let fits = SHAPE.iter().zip(&b[i..i + SHAPE.len()]).all(|(s, c)| {
            if *s == b'd' {
                c.is_ascii_digit()
            } else {
                s == c
            }
        });
        if fits {
            out.push_str(&text[start..i]);
            out.push_str("[TIME]");
            i += SHAPE.len();
            start = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&text[start..]);
    out
}

fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            walk(base, &p, out);
        } else {
            out.push(p.strip_prefix(base).expect("prefix").display().to_string());
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read_dir").flatten() {
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).expect("copy");
        }
    }
}

/// The `Run` API itself: what a test forgets to check fails it.
mod the_run_api {
    use super::Case;

    #[test]
    #[should_panic(expected = "ended with its stdout and stderr not checked")]
    fn a_run_dropped_unchecked_fails_the_test() {
        Case::empty().args(["--version"]).run().success();
    }

    #[test]
    #[should_panic(expected = "ended with its stderr not checked")]
    fn a_run_with_stdout_checked_only_fails_the_test() {
        Case::empty()
            .args(["--version"])
            .run()
            .success()
            .stdout_is("outcry 0.1.0\n");
    }

    /// A failed comparison panics once: the drop that follows does not panic again (which
    /// would abort the whole test binary).
    #[test]
    #[should_panic(expected = "stdout differs")]
    fn a_failed_comparison_is_not_followed_by_a_second_panic() {
        Case::empty()
            .args(["--version"])
            .run()
            .stdout_is("something else\n");
    }
}

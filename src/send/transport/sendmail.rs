//! A local MTA's sendmail program as a transport.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use super::{Mail, OnBody, Outcome, Transport};

/// A local MTA's sendmail program: the message on stdin, recipients as arguments, no shell.
pub struct Sendmail {
    pub path: PathBuf,
}

impl Transport for Sendmail {
    fn deliver(&mut self, mail: Mail<'_>, on_body: OnBody<'_>) -> Outcome {
        let Mail {
            from,
            recipients,
            message,
        } = mail;
        if let Err(e) = on_body() {
            return Outcome::NotSent(e);
        }
        let mut cmd = Command::new(&self.path);
        cmd.arg("-i")
            .arg("-f")
            .arg(AsRef::<str>::as_ref(from))
            .arg("--");
        cmd.args(recipients.iter().map(ToString::to_string));
        cmd.env_remove("OUTCRY_SMTP_PASSWORD");
        cmd.stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        let mut child = match cmd.spawn() {
            Ok(c) => c,
            Err(e) => return Outcome::NotSent(format!("cannot run {}: {e}", self.path.display())),
        };
        // sendmail reads local line ends.
        let text: Vec<u8> = String::from_utf8_lossy(message)
            .replace("\r\n", "\n")
            .into_bytes();
        let wrote = child.stdin.take().map(|mut s| s.write_all(&text));
        let out = match child.wait_with_output() {
            Ok(o) => o,
            Err(e) => {
                return Outcome::Unknown(format!("{} did not finish: {e}", self.path.display()));
            }
        };
        let err = crate::fields::shown(String::from_utf8_lossy(&out.stderr).trim()).into_owned();
        match (out.status.code(), wrote) {
            (Some(0), Some(Ok(()))) => Outcome::Accepted {
                reply: format!("handed to {}", self.path.display()),
                refused: Vec::new(),
            },
            (Some(0), _) => Outcome::Unknown(format!(
                "{} took part of the message and exited 0: {err}",
                self.path.display()
            )),
            (Some(75), _) => Outcome::Deferred {
                reply: format!("{} deferred it (exit 75): {err}", self.path.display()),
                account: false,
            },
            (Some(code), _) => Outcome::Failed {
                reply: format!("{} refused it (exit {code}): {err}", self.path.display()),
            },
            (None, _) => Outcome::Unknown(format!("{} was killed: {err}", self.path.display())),
        }
    }

    fn check(&mut self) -> anyhow::Result<String> {
        if !self.path.is_file() {
            anyhow::bail!("{} does not exist", self.path.display());
        }
        Ok(format!(
            "letters go to {} (sendmail); nothing to connect to",
            self.path.display()
        ))
    }

    fn close(&mut self) {}
}

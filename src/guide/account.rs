//! The questions `outcry init` asks on a terminal: the sender profile, the mail account
//! (with presets for common providers), and a connection test.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use toml_edit::{Array, value};

use crate::config::{self, Change};
use crate::diag::Diagnostics;
use crate::{pipeline, prompt};

use super::profile;

/// A provider's published submission settings.
struct Preset {
    name: &'static str,
    host: &'static str,
    port: u16,
    /// `tls` (implicit, port 465) or `starttls` (port 587).
    security: &'static str,
    /// What the person should know before they type a password.
    note: &'static str,
}

/// Sources, checked in November 2026 (docs/smtp-presets.md has the links): each provider's own
/// help page for Gmail, Fastmail, mailbox.org, Disroot, Autistici/Inventati and Outlook.com;
/// Posteo from the Delta Chat provider database, Riseup's port from its published autoconfig.
const PRESETS: [Preset; 8] = [
    Preset {
        name: "Gmail",
        host: "smtp.gmail.com",
        port: 465,
        security: "tls",
        note: "Gmail needs an app password (Google account → Security → 2-Step Verification → App passwords).",
    },
    Preset {
        name: "Outlook.com / Hotmail",
        host: "smtp-mail.outlook.com",
        port: 587,
        security: "starttls",
        note: "Microsoft is phasing out password logins for mail programs; if the test fails, save drafts and send them from Outlook.",
    },
    Preset {
        name: "Fastmail",
        host: "smtp.fastmail.com",
        port: 465,
        security: "tls",
        note: "Fastmail needs an app password (Settings → Privacy & Security → App passwords).",
    },
    Preset {
        name: "mailbox.org",
        host: "smtp.mailbox.org",
        port: 465,
        security: "tls",
        note: "With two-factor login on, use an application password.",
    },
    Preset {
        name: "Posteo",
        host: "posteo.de",
        port: 465,
        security: "tls",
        note: "",
    },
    Preset {
        name: "Riseup",
        host: "mail.riseup.net",
        port: 587,
        security: "starttls",
        note: "Riseup recommends a service-specific password for mail programs.",
    },
    Preset {
        name: "Disroot",
        host: "disroot.org",
        port: 465,
        security: "tls",
        note: "",
    },
    Preset {
        name: "Autistici/Inventati",
        host: "smtp.autistici.org",
        port: 465,
        security: "tls",
        note: "With two-factor login on, mail programs need an app-specific password.",
    },
];

/// After `outcry init DIR` wrote the files (`wrote`), or in a workspace that exists: the
/// profile, the account, both saved together at the end, then a connection test. Cancelled,
/// it says that the workspace stays and how to come back to these questions.
pub fn setup(given: &config::Given, dir: &Path, wrote: bool) -> Result<ExitCode> {
    prompt::on_interrupt(&if wrote {
        format!(
            "cancelled: your profile and mail account are not saved; the workspace in {} is written and stays: `outcry init {}` asks these questions again",
            dir.display(),
            dir.display()
        )
    } else {
        "cancelled: your profile and mail account are not saved".to_string()
    });
    let mut diags = Diagnostics::default();
    let settings = config::load(dir, given, &mut diags);
    crate::output::say("");
    crate::output::heading("Your sender profile: it signs every letter.");
    let sender = profile::ask(&settings.sender)?;
    let mut changes = if profile::offer_to_save()? {
        profile::changes(&sender)
    } else {
        Vec::new()
    };
    crate::output::say("");
    let email = sender.email.as_ref().map(ToString::to_string);
    let account = ask_account(email.as_deref())?;
    let has_account = account.is_some();
    changes.extend(account.unwrap_or_default());
    if !changes.is_empty() {
        let path = prompt::writing(|| config::save_personal(&changes))?;
        crate::output::say(&format!("saved to {}", path.display()));
    }
    if has_account {
        let mut diags = Diagnostics::default();
        let mut settings = config::load(dir, given, &mut diags);
        diags.extend(std::mem::take(&mut settings.delivery_problems));
        match diags.into_result() {
            Err(e) => {
                crate::output::say(&format!("{e}"));
                crate::output::say(&format!(
                    "Sending will not work until this is fixed (in {} or this workspace's outcry.toml).",
                    config::personal_config_path()
                        .map_or_else(|| "your config".into(), |p| p.display().to_string())
                ));
            }
            Ok(_) => {
                if prompt::ask("Test the connection now (log in, send nothing)?", true)?
                    && let Err(e) = pipeline::test_delivery(settings.delivery.as_ref())
                {
                    crate::output::say(&format!("error: {e:#}"));
                    crate::output::say(
                        "Fix the [smtp] settings and try again with `outcry smtp test`.",
                    );
                }
            }
        }
    }
    crate::output::say("");
    crate::output::say(&format!(
        "Ready. `outcry -C {}` walks you through a campaign; `outcry new NAME` starts your own.",
        dir.display()
    ));
    Ok(ExitCode::SUCCESS)
}

/// Asks for the mail account: the personal config changes that store it, or `None` (not now).
fn ask_account(email: Option<&str>) -> Result<Option<Vec<Change<'static>>>> {
    crate::output::heading(
        "Sending: outcry can send the e-mail letters through your mail account.",
    );
    let mut items: Vec<String> = PRESETS
        .iter()
        .map(|p| format!("{} ({}, port {})", p.name, p.host, p.port))
        .collect();
    items.push("Another server (you type its name and port)".into());
    items.push("Not now: I will save drafts and send them from my mail program".into());
    let i = prompt::select("Which mail provider do you use?", &items, PRESETS.len() + 1)?;
    let (host, port, security) = if let Some(p) = PRESETS.get(i) {
        if !p.note.is_empty() {
            crate::output::say(p.note);
        }
        (p.host.to_string(), p.port, p.security.to_string())
    } else if i == PRESETS.len() {
        custom_server()?
    } else {
        return Ok(None);
    };
    let username = prompt::text("Login name", email, false, |s| {
        crate::fields::check_line("the login name", s)
    })?;
    let password_cmd = ask_password_source()?;
    Ok(Some(vec![
        ("smtp", "host", Some(value(host))),
        ("smtp", "port", Some(value(i64::from(port)))),
        ("smtp", "security", Some(value(security))),
        ("smtp", "username", Some(value(username))),
        ("smtp", "transport", None),
        (
            "smtp",
            "password-cmd",
            password_cmd.map(|argv| value(argv.into_iter().collect::<Array>())),
        ),
    ]))
}

fn custom_server() -> Result<(String, u16, String)> {
    let host = prompt::text("SMTP server name", None, false, |s| {
        if s.contains(|c: char| c.is_whitespace() || c.is_control()) || s.contains('/') {
            Err("a host name such as smtp.example.org".into())
        } else {
            Ok(())
        }
    })?;
    let modes = [
        "Implicit TLS (usually port 465)".to_string(),
        "STARTTLS (usually port 587)".to_string(),
    ];
    let tls = prompt::select("How does it secure the connection?", &modes, 0)? == 0;
    let port = prompt::text("Port", Some(if tls { "465" } else { "587" }), false, |s| {
        s.parse::<u16>()
            .ok()
            .filter(|p| *p > 0)
            .map(|_| ())
            .ok_or_else(|| "a port number from 1 to 65535".to_string())
    })?;
    Ok((
        host,
        port.parse().unwrap_or(if tls { 465 } else { 587 }),
        if tls { "tls" } else { "starttls" }.to_string(),
    ))
}

/// How the password is found at send time; no password is ever written to a file.
fn ask_password_source() -> Result<Option<Vec<String>>> {
    let items = [
        "Ask me for it each time I send (nothing is stored)".to_string(),
        "Run a command that prints it (a password manager, e.g. pass show mail)".to_string(),
    ];
    if prompt::select("The password: outcry never stores it.", &items, 0)? == 0 {
        return Ok(None);
    }
    let cmd = prompt::text("The command", None, false, |s| {
        match shell_words::split(s) {
            Ok(argv) if !argv.is_empty() => Ok(()),
            Ok(_) => Err("type the command".into()),
            Err(e) => Err(format!("cannot split it into words: {e}")),
        }
    })?;
    Ok(shell_words::split(&cmd).ok())
}

//! Credentials: the SMTP password, fetched only when a connection is made, from the writer's
//! `password-cmd`, `OUTCRY_SMTP_PASSWORD`, or a hidden prompt. It lives in a `SecretString`,
//! which never prints.

use anyhow::{Context, Result, bail};
use secrecy::SecretString;

use super::{PasswordSource, SmtpSettings};
use crate::prompt;

impl SmtpSettings {
    /// The SMTP password (none without a username): from password-cmd,
    /// `OUTCRY_SMTP_PASSWORD`, or a hidden prompt.
    pub fn password(&self) -> Result<Option<SecretString>> {
        if self.username.is_none() {
            return Ok(None);
        }
        match &self.password {
            PasswordSource::Command(argv) => run_password_cmd(argv).map(Some),
            PasswordSource::EnvOrPrompt => {
                if let Ok(p) = std::env::var("OUTCRY_SMTP_PASSWORD")
                    && !p.is_empty()
                {
                    return Ok(Some(SecretString::from(p)));
                }
                if prompt::interactive() {
                    return prompt::password(&format!(
                        "Password for {} at {}",
                        self.username.as_deref().unwrap_or(""),
                        self.host
                    ))
                    .map(Some);
                }
                Err(crate::diag::Error::Usage(
                    "no SMTP password: set password-cmd in [smtp], or OUTCRY_SMTP_PASSWORD, or run on a terminal to be asked".into(),
                )
                .into())
            }
        }
    }
}

/// Runs `password-cmd` (an argv, no shell) and takes the first line it prints, as `pass show`
/// prints the password above any notes.
fn run_password_cmd(argv: &[String]) -> Result<SecretString> {
    let out = std::process::Command::new(&argv[0])
        .args(&argv[1..])
        .env_remove("OUTCRY_SMTP_PASSWORD")
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::inherit())
        .output()
        .with_context(|| format!("cannot run password-cmd {:?}", argv[0]))?;
    if !out.status.success() {
        bail!("password-cmd {:?} failed ({})", argv[0], out.status);
    }
    let text = String::from_utf8(out.stdout)
        .context("password-cmd printed something that is not UTF-8")?;
    let pass = text.lines().next().unwrap_or_default();
    if pass.is_empty() {
        bail!("password-cmd {:?} printed no password", argv[0]);
    }
    Ok(SecretString::from(pass.to_string()))
}

//! The only place that talks to the terminal: confirmations and the password prompt.
//! Prompts go to stderr, and only when both stdin and stderr are terminals.

use std::io::IsTerminal;

use anyhow::{Context, Result};

/// Whether a person is there to answer.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// Asks a yes/no question (default no).
pub fn confirm(question: &str) -> Result<bool> {
    dialoguer::Confirm::new()
        .with_prompt(question)
        .default(false)
        .interact()
        .context("cannot read the answer from the terminal")
}

/// Asks for a secret without echoing it.
pub fn password(prompt: &str) -> Result<secrecy::SecretString> {
    dialoguer::Password::new()
        .with_prompt(prompt)
        .allow_empty_password(false)
        .interact()
        .map(secrecy::SecretString::from)
        .context("cannot read the password from the terminal")
}

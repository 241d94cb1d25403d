//! `outcry init [DIR]`: a workspace to start from, then (on a terminal) the profile and account.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;

use crate::config::{self, Given};
use crate::{files, guide, output, prompt};

pub(super) fn run(given: &Given, dir: Option<&Path>) -> Result<ExitCode> {
    let dir = dir.unwrap_or(Path::new("."));
    // Whatever is in the folder already is someone else's: no link below it is written through.
    files::enter_workspace(dir);
    if prompt::interactive() && dir.join("contacts.toml").is_file() {
        output::say(&format!(
            "{} is a workspace already: its files stay as they are.",
            dir.display()
        ));
        return guide::setup(given, dir, false);
    }
    for path in crate::init::init(dir)? {
        output::note(&format!("wrote {}", path.display()));
    }
    if prompt::interactive() {
        return guide::setup(given, dir, true);
    }
    output::note(&format!(
        "next: put your name and e-mail in {}, then `outcry -C {} check`",
        config::personal_config_shown(),
        dir.display()
    ));
    Ok(ExitCode::SUCCESS)
}

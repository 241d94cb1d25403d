//! `outcry new CAMPAIGN`: a campaign's first files, from the flags or the questions, then the
//! same checks as `outcry check`.

use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;

use crate::config::Given;
use crate::contacts::AddressBook;
use crate::diag::{Diagnostics, Error};
use crate::scaffold::{self, Draft};
use crate::workspace::Workspace;
use crate::{guide, output, pipeline, prompt};

pub(super) fn run(given: &Given, args: &scaffold::Given, now: Timestamp) -> Result<ExitCode> {
    let ws = Workspace::here()?;
    let folder = ws.root.join("letters").join(&args.id);
    if folder.exists() {
        return Err(Error::Usage(format!(
            "{} already exists: outcry new overwrites nothing (pick another name)",
            folder.display()
        ))
        .into());
    }
    let mut diags = Diagnostics::default();
    let book = AddressBook::load(&ws.root, &mut diags);
    diags.into_result()?;
    let draft = if prompt::interactive() {
        guide::new_campaign(args, &book)?
    } else {
        let draft = Draft::from_given(args)?;
        draft.check(&args.id, &book)?;
        draft
    };
    let today = pipeline::today(now);
    let written = prompt::writing(|| scaffold::write(&ws.root, &args.id, &draft, today))?;
    let cwd = std::env::current_dir().unwrap_or_default();
    for p in &written {
        output::note(&format!(
            "wrote {}",
            p.strip_prefix(&cwd).unwrap_or(p).display()
        ));
    }
    super::check::run(given, Some(&args.id), now)
}

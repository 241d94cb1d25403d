//! `outcry check`: every problem in the workspace, the settings and the templates.

use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;

use crate::config::Given;
use crate::diag::{Diagnostics, Severity};
use crate::output;
use crate::pipeline::{compose_campaign, load, need_delivery, no_return_address, require_campaign};
use crate::plan::Selection;

pub(super) fn run(given: &Given, only: Option<&str>, now: Timestamp) -> Result<ExitCode> {
    let mut diags = Diagnostics::default();
    let mut l = load(given, None, &mut diags)?;
    need_delivery(&mut l, &mut diags);
    let ids = match only {
        Some(id) => {
            require_campaign(&l.ws, id)?;
            vec![id.to_string()]
        }
        None => l.ws.campaign_ids(&mut diags),
    };
    l.book.lint(&mut diags);
    let mut letters = 0;
    for id in &ids {
        if let Some(c) = compose_campaign(&l, id, &Selection::default(), "", now, &mut diags)? {
            letters += c.letters.len();
            no_return_address(&l.settings.sender, &c, &mut diags);
        }
    }
    let errors = diags.errors().count();
    for d in diags.sorted() {
        match d.severity {
            Severity::Error => output::error(d),
            Severity::Warning => output::warning(d),
        }
    }
    if errors > 0 {
        output::say(&format!(
            "{errors} error(s): fix them and run outcry check again"
        ));
        return Ok(ExitCode::from(crate::EXIT_INVALID));
    }
    output::note(&format!(
        "ok: {}, {}, {}, {} render",
        output::count(ids.len(), "campaign", "campaigns"),
        output::count(l.book.contacts.len(), "contact", "contacts"),
        output::count(l.book.embassies.len(), "embassy", "embassies"),
        output::count(letters, "letter", "letters"),
    ));
    Ok(ExitCode::SUCCESS)
}

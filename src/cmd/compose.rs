//! `outcry compose CAMPAIGN`: the review on stdout, or drafts.

use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;

use super::args::Compose;
use crate::config::Given;
use crate::diag::Diagnostics;
use crate::output::{self, Format};
use crate::pipeline::{self, Composed};
use crate::review;

pub(super) fn run(given: &Given, c: &Compose, now: Timestamp) -> Result<ExitCode> {
    let mut diags = Diagnostics::default();
    if let Some(bulk) = &c.bulk {
        let (l, campaign) = pipeline::load_bulk(given, &c.request, false, &mut diags)?;
        return crate::bulk::compose(&l, bulk, c.format, &c.drafts, &campaign, now, diags);
    }
    let (l, composed) = pipeline::prepare(given, &c.request, now, &mut diags)?;
    let writes_drafts = !c.drafts.is_empty();
    let missing = l.settings.sender.missing();
    if writes_drafts {
        pipeline::require_sender(&l.settings.sender, "writing drafts", &mut diags);
    }
    let Composed {
        campaign,
        plan,
        letters,
    } = pipeline::finish(composed, diags)?;
    if writes_drafts {
        pipeline::write_drafts(&c.drafts, &letters, now)?;
        return Ok(ExitCode::SUCCESS);
    }
    if !missing.is_empty() {
        output::note(&format!(
            "warning: no sender {} configured: the review shows placeholders such as [YOUR NAME] (see `outcry --help`, Sender)",
            missing.join(", ")
        ));
    }
    let text = match c.format {
        Format::Text => review::text(
            &campaign,
            &letters,
            &plan.unresolved,
            &l.settings.from_workspace,
        ),
        Format::Json => review::json(
            &campaign,
            pipeline::today(now),
            &letters,
            &plan.unresolved,
            &l.settings.from_workspace,
        ),
    };
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

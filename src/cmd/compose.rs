//! `outcry compose CAMPAIGN`: the review on stdout, or drafts.

use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;

use super::args::Compose;
use crate::config::{self, Given, Sender};
use crate::diag::Diagnostics;
use crate::output::{self, Format};
use crate::pipeline::{self, Composed};
use crate::render::{PLACEHOLDER_COUNTRY, PLACEHOLDER_EMAIL, PLACEHOLDER_NAME};
use crate::review;

pub(super) fn run(given: &Given, c: &Compose, now: Timestamp) -> Result<ExitCode> {
    let mut diags = Diagnostics::default();
    if let Some(bulk) = &c.bulk {
        let (l, campaign) = pipeline::load_bulk(given, &c.request, false, &mut diags)?;
        return crate::bulk::compose(&l, bulk, c.format, &c.drafts, &campaign, now, diags);
    }
    let (l, composed) = pipeline::prepare(given, &c.request, now, &mut diags)?;
    let writes_drafts = !c.drafts.is_empty();
    if writes_drafts {
        pipeline::require_sender(&l.settings.sender, "writing drafts", &mut diags);
        if let Some(composed) = &composed {
            pipeline::no_return_address(&l.settings.sender, composed, &mut diags);
        }
    }
    let Composed {
        campaign,
        plan,
        letters,
    } = pipeline::finish(composed, diags)?;
    if writes_drafts {
        pipeline::write_drafts(&c.drafts, &letters, now)?;
        pipeline::journal_drafts(&l, &campaign.id, &letters);
        return Ok(ExitCode::SUCCESS);
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
    if c.format == Format::Text
        && let Some(warning) = placeholders_shown(&l.settings.sender, &text)
    {
        output::note(&warning);
    }
    output::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// The warning for a review that shows placeholders where the sender profile has no value:
/// only the fields whose placeholder the review shows, and the file where they are set.
fn placeholders_shown(sender: &Sender, review: &str) -> Option<String> {
    let fields = [
        ("name", sender.name.is_none(), PLACEHOLDER_NAME),
        ("email", sender.email.is_none(), PLACEHOLDER_EMAIL),
        ("country", sender.country.is_none(), PLACEHOLDER_COUNTRY),
    ];
    let shown: Vec<_> = fields
        .iter()
        .filter(|(_, missing, placeholder)| *missing && review.contains(placeholder))
        .collect();
    if shown.is_empty() {
        return None;
    }
    let list = |f: &dyn Fn(&str, &str) -> String| {
        shown
            .iter()
            .map(|(field, _, placeholder)| f(field, placeholder))
            .collect::<Vec<_>>()
            .join(", ")
    };
    Some(format!(
        "warning: no sender {} configured: the review shows {} instead; set {} under [sender] in {} (or with {})",
        list(&|field, _| field.to_string()),
        list(&|_, placeholder| placeholder.to_string()),
        if shown.len() == 1 { "it" } else { "them" },
        config::personal_config_shown(),
        list(&|field, _| format!("--sender-{field}")),
    ))
}

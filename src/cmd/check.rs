//! `outcry check`: every problem in the workspace, the settings and the templates.

use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;

use crate::config::Given;
use crate::diag::{Diagnostics, Origin, Severity};
use crate::letter::{Channel, Kind};
use crate::output;
use crate::pipeline::{Composed, compose_campaign, load, need_delivery, require_campaign};
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
            if l.settings.sender.address.is_none() {
                no_return_address(&c, &mut diags);
            }
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

/// A warning when the campaign has postal letters and the sender no address to put on them,
/// at the campaign's `to` entry of the first.
fn no_return_address(c: &Composed, diags: &mut Diagnostics) {
    let post: Vec<&str> = c
        .letters
        .iter()
        .filter(|l| l.kind == Kind::Letter && l.channel == Channel::Post)
        .flat_map(|l| l.to.iter().map(|a| a.id.as_str()))
        .collect();
    let Some(first) = post.first() else {
        return;
    };
    let to = &c.campaign.to;
    let origin = to
        .iter()
        .find(|(t, _)| t.key() == *first)
        .or_else(|| to.first())
        .map_or_else(
            || Origin::file(c.campaign.dir.join("campaign.toml")),
            |(_, o)| o.clone(),
        );
    diags.warning(
        origin,
        format!(
            "postal letters ({}) carry no return address: set `address` in [sender] of your personal config, or give --sender-address",
            post.join(", ")
        ),
    );
}

//! `outcry call CAMPAIGN TARGET --outcome OUTCOME [--note TEXT]`: records one phone call in
//! the campaign's journal.

use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;

use crate::config::Given;
use crate::diag::{Diagnostics, Error};
use crate::output;
use crate::pipeline::{load, require_campaign};
use crate::send::journal::Outcome;

/// What the command line asks.
pub(super) struct Request {
    pub(super) campaign: String,
    pub(super) target: Option<String>,
    pub(super) outcome: Option<Outcome>,
    pub(super) note: Option<String>,
}

pub(super) fn run(given: &Given, req: &Request) -> Result<ExitCode> {
    let Some(outcome) = req.outcome else {
        let allowed: Vec<&str> = Outcome::ALL.iter().map(|o| o.label()).collect();
        let why = if crate::prompt::interactive() {
            "the guided call session is not built yet"
        } else {
            "there is no terminal to ask on"
        };
        return Err(Error::Usage(format!(
            "`outcry call` needs --outcome OUTCOME ({why}): one of {}",
            allowed.join(", ")
        ))
        .into());
    };
    let Some(target) = &req.target else {
        return Err(Error::Usage(
            "--outcome records one call: name the TARGET called (`outcry call CAMPAIGN TARGET --outcome OUTCOME`)".into(),
        )
        .into());
    };
    let mut diags = Diagnostics::default();
    let l = load(given, None, &mut diags)?;
    require_campaign(&l.ws, &req.campaign)?;
    let campaign = l.campaign(&req.campaign, &mut diags);
    diags.into_result()?;
    let Some(campaign) = campaign else {
        return Err(Error::Usage(format!("campaign {} cannot be read", req.campaign)).into());
    };
    let callees = crate::call::callees(&campaign, &l.book, &l.settings.sender);
    let callee = crate::call::find(&callees, &campaign.id, target)?;
    let call = crate::call::record(
        &l.ws.root,
        &campaign.id,
        callee,
        outcome,
        req.note.clone(),
        Timestamp::now(),
    )?;
    output::note(&format!(
        "recorded: a call to {} at {}, {}",
        call.target,
        callee.number,
        outcome.label()
    ));
    Ok(ExitCode::SUCCESS)
}

//! `outcry call CAMPAIGN TARGET --outcome OUTCOME [--note TEXT]`: records one phone call in
//! the campaign's journal; without `--outcome`, on a terminal, the guided call session.

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

pub(super) fn run(given: &Given, req: &Request, now: Timestamp) -> Result<ExitCode> {
    let allowed: Vec<&str> = Outcome::ALL.iter().map(|o| o.label()).collect();
    if req.outcome.is_none() && !crate::prompt::interactive() {
        return Err(Error::Usage(format!(
            "`outcry call` needs --outcome OUTCOME (there is no terminal to ask on): one of {}",
            allowed.join(", ")
        ))
        .into());
    }
    if req.outcome.is_some() && req.target.is_none() {
        return Err(Error::Usage(
            "--outcome records one call: name the TARGET called (`outcry call CAMPAIGN TARGET --outcome OUTCOME`)".into(),
        )
        .into());
    }
    let mut diags = Diagnostics::default();
    let l = load(given, None, &mut diags)?;
    require_campaign(&l.ws, &req.campaign)?;
    let campaign = l.campaign(&req.campaign, &mut diags);
    diags.into_result()?;
    let Some(campaign) = campaign else {
        return Err(Error::Usage(format!("campaign {} cannot be read", req.campaign)).into());
    };
    let callees = crate::call::callees(&campaign, &l.book, &l.settings.sender);
    let chosen = match &req.target {
        Some(target) => vec![crate::call::find(&callees, &campaign.id, target)?.clone()],
        None => callees,
    };
    let Some(outcome) = req.outcome else {
        if chosen.is_empty() {
            output::note(&format!(
                "campaign {} has no target with a phone",
                campaign.id
            ));
            return Ok(ExitCode::SUCCESS);
        }
        crate::guide::calls(&l, &campaign.id, &chosen, now)?;
        return Ok(ExitCode::SUCCESS);
    };
    let callee = &chosen[0];
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

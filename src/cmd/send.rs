//! `outcry send CAMPAIGN...`: compose, check, confirm once, deliver.

use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;

use super::args::{Campaigns, Send};
use crate::config::Given;
use crate::diag::{Diagnostics, Error};
use crate::pipeline::{self, Request, check_deadline, check_sender, need_delivery};

pub(super) fn run(given: &Given, s: &Send, now: Timestamp) -> Result<ExitCode> {
    match &s.campaigns {
        Campaigns::One(id) => one(given, s, &s.request(id), now),
        Campaigns::Named(_) | Campaigns::All => several(given, s, now),
    }
}

fn one(given: &Given, s: &Send, req: &Request, now: Timestamp) -> Result<ExitCode> {
    let mut diags = Diagnostics::default();
    if let Some(bulk) = &s.bulk {
        let (l, campaign) = pipeline::load_bulk(given, req, true, &mut diags)?;
        return crate::bulk::send(&l, bulk, &s.options, s.force, &campaign, now, diags);
    }
    let (mut l, composed) = pipeline::prepare(given, req, now, &mut diags)?;
    need_delivery(&mut l, &mut diags);
    check_sender(&l, s.options.dry_run, &mut diags);
    let composed = pipeline::finish(composed, diags)?;
    check_deadline(&composed.campaign, s.force, now)?;
    pipeline::deliver(&l, &composed, &s.options, now)
}

/// `outcry send A B ...` or `--all`: every campaign composed and checked first, one plan
/// and one question for all their letters, then each campaign sent in turn (each with its
/// own journal).
fn several(given: &Given, s: &Send, now: Timestamp) -> Result<ExitCode> {
    if s.bulk.is_some() {
        return Err(
            Error::Usage("--signers sends one campaign per run: name just one".into()).into(),
        );
    }
    let template = &s.request;
    let mut diags = Diagnostics::default();
    let mut l = pipeline::load(given, template.signatories.as_deref(), &mut diags)?;
    let personal = template
        .personal
        .as_deref()
        .map(pipeline::read_personal)
        .transpose()?
        .unwrap_or_default();
    need_delivery(&mut l, &mut diags);
    check_sender(&l, s.options.dry_run, &mut diags);
    let ids = match &s.campaigns {
        Campaigns::Named(ids) => ids.clone(),
        Campaigns::One(id) => vec![id.clone()],
        Campaigns::All => l.ws.campaigns(),
    };
    let mut all = Vec::new();
    for id in &ids {
        pipeline::require_campaign(&l.ws, id)?;
        if let Some(c) =
            pipeline::compose_campaign(&l, id, &template.selection, &personal, now, &mut diags)?
        {
            all.push(c);
        }
    }
    let diags = diags.into_result()?;
    pipeline::print_warnings(&diags);
    for c in &all {
        check_deadline(&c.campaign, s.force, now)?;
    }
    let all: Vec<&pipeline::Composed> = all.iter().collect();
    pipeline::deliver_all(&l, &all, &s.options, now)
}

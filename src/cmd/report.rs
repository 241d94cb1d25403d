//! `outcry report CAMPAIGN`: what the writer did for a campaign, printed, or e-mailed to the
//! coordinators (`--send`) through the same send machinery and journal as the letters.

use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;

use super::args::Report;
use crate::config::Given;
use crate::diag::{Diagnostics, Error};
use crate::letter::{Addressee, From};
use crate::output::Format;
use crate::pipeline::{self, Request};
use crate::send::journal::Journal;

pub(super) fn run(given: &Given, r: &Report, now: Timestamp) -> Result<ExitCode> {
    let mut diags = Diagnostics::default();
    let req = Request {
        campaign: r.campaign.clone(),
        ..Request::default()
    };
    let (mut l, composed) = pipeline::prepare(given, &req, now, &mut diags)?;
    if let Some(opts) = &r.send {
        pipeline::need_delivery(&mut l, &mut diags);
        pipeline::check_sender(&l, opts.dry_run, &mut diags);
    }
    let composed = pipeline::finish(composed, diags)?;
    let replay = Journal::read(&l.ws.root, &r.campaign)?;
    let gateway = l
        .settings
        .delivery
        .as_ref()
        .is_some_and(|d| d.fax.is_some());
    let report = crate::report::build(
        &composed.campaign.id,
        &composed.campaign.title,
        &composed.letters,
        &replay,
        gateway,
    );
    let Some(opts) = &r.send else {
        crate::output::print(&match r.format {
            Format::Text => report.text(),
            Format::Json => report.json(),
        })?;
        return Ok(ExitCode::SUCCESS);
    };
    let to: Vec<Addressee> = composed
        .plan
        .coordinators
        .iter()
        .filter_map(|c| {
            c.email.as_ref().map(|e| Addressee {
                id: c.id.clone(),
                name: c.name.clone(),
                address: e.to_string(),
                place: None,
            })
        })
        .collect();
    if to.is_empty() {
        return Err(Error::Usage(format!(
            "{} has no coordinators with an e-mail address (`cc` in its campaign.toml): nobody to send the report to",
            r.campaign
        ))
        .into());
    }
    let sender = &l.settings.sender;
    let (Some(name), Some(email)) = (&sender.name, &sender.email) else {
        return Err(Error::Usage("sending the report needs a sender".into()).into());
    };
    let from = From {
        name: name.clone(),
        email: email.to_string(),
    };
    let letter = report.letter(from, to, email.0.domain());
    let letters = vec![letter];
    let job = crate::send::Job {
        root: &l.ws.root,
        campaign: &r.campaign,
        letters: &letters,
    };
    let reports = crate::send::send(&[job], l.settings.delivery.as_ref(), opts, now)?;
    Ok(if reports.iter().all(crate::send::Report::all_accepted) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::EXIT_FAILED)
    })
}

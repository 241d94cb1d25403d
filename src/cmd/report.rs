//! `outcry report CAMPAIGN`: what the writer did for a campaign, printed, or e-mailed to the
//! coordinators (`--send`) through the same send machinery and journal as the letters.

use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;

use super::args::Report;
use crate::config::Given;
use crate::diag::Diagnostics;
use crate::output::Format;
use crate::pipeline::{self, Request};
use crate::send::journal::{Journal, State};

pub(super) fn run(given: &Given, r: &Report, now: Timestamp) -> Result<ExitCode> {
    let mut diags = Diagnostics::default();
    let req = Request {
        campaign: r.campaign.clone(),
        ..Request::default()
    };
    if let Some(file) = &r.signers {
        let (l, campaign) = pipeline::load_bulk(given, &req, r.send.is_some(), &mut diags)?;
        if let Some(opts) = &r.send {
            pipeline::check_sender(&l, opts.dry_run, &mut diags);
        }
        let report = members(&l, &campaign, file, now, diags)?;
        // The campaign's own problems were reported by the bulk run's plan.
        let coordinators = crate::plan::plan(
            &campaign,
            &l.book,
            &l.settings.sender,
            &crate::plan::Selection::default(),
            &mut Diagnostics::default(),
        )
        .map(|p| p.coordinators)
        .unwrap_or_default();
        return finish(&l, r, &report, &coordinators, now);
    }
    let (mut l, composed) = pipeline::prepare(given, &req, now, &mut diags)?;
    if let Some(opts) = &r.send {
        pipeline::need_delivery(&mut l, &mut diags);
        pipeline::check_sender(&l, opts.dry_run, &mut diags);
    }
    let composed = pipeline::finish(composed, diags)?;
    let report = pipeline::report(&l, &composed)?;
    finish(&l, r, &report, &composed.plan.coordinators, now)
}

/// A bulk run's report: every member of the signers file, their letters rendered as `send
/// --signers` renders them and counted by what the journal says of each.
fn members(
    l: &pipeline::Loaded,
    campaign: &crate::campaign::Campaign,
    file: &std::path::Path,
    now: Timestamp,
    mut diags: Diagnostics,
) -> Result<crate::report::Report> {
    let bulk = crate::bulk::Bulk::new(
        l,
        campaign,
        &crate::plan::Selection::default(),
        &campaign.signatories,
        file,
        pipeline::today(now),
        &mut diags,
    )?;
    let rows = crate::signers::Signers::open(file)?;
    let (mut bulk, diags) = diags.and_then_value(bulk)?;
    pipeline::print_warnings(&diags);
    let replay = Journal::read(&l.ws.root, &campaign.id)?;
    let mut each = Vec::new();
    for row in rows {
        match row.and_then(|signer| bulk.letters(&signer).map(|(letters, _)| (signer, letters))) {
            Ok((signer, letters)) => {
                let r = crate::report::build(
                    &campaign.id,
                    "",
                    &letters,
                    &replay,
                    pipeline::has_gateway(l),
                );
                each.push(crate::report::Member {
                    name: signer.name,
                    signer: signer.key,
                    totals: r.totals,
                });
            }
            Err(d) => crate::output::note(&format!("{d} (left out)")),
        }
    }
    Ok(crate::report::members(&campaign.id, &campaign.title, each))
}

/// Prints the report, or sends it to the coordinators.
fn finish(
    l: &pipeline::Loaded,
    r: &Report,
    report: &crate::report::Report,
    coordinators: &[crate::contacts::Contact],
    now: Timestamp,
) -> Result<ExitCode> {
    let Some(opts) = &r.send else {
        crate::output::print(&match r.format {
            Format::Text => report.text(),
            Format::Json => report.json(),
        })?;
        return Ok(ExitCode::SUCCESS);
    };
    let letter = pipeline::report_letter(l, &r.campaign, report, coordinators)?;
    if let Some((State::Accepted, before)) = pipeline::report_state(l, &r.campaign, &letter)? {
        crate::output::note(&format!(
            "nothing new to report: the coordinators got this report ({}) at {before}",
            letter.id
        ));
        // As `send --format json` with nothing to send: no line on stdout.
        return Ok(ExitCode::SUCCESS);
    }
    pipeline::send_report(l, &r.campaign, letter, opts, now)
}

//! After the letters (step 8 of the guided path): the calls the appeal asks for, then the
//! report to the coordinators.

use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;

use super::{Intent, Request, calls};
use crate::diag::Diagnostics;
use crate::pipeline::{self, Composed, Loaded};
use crate::plan::Selection;
use crate::prompt;
use crate::send::journal::State;

/// Step 8, once the letters are sent or saved: the calls the appeal asks for, then the report
/// to the coordinators. `code`: how the letters went, which stays the exit code. A dry run
/// stops before them, as it writes nothing.
pub(super) fn afterwards(
    req: &Request,
    l: &Loaded,
    c: &Composed,
    code: ExitCode,
    now: Timestamp,
) -> Result<ExitCode> {
    if req.send.dry_run {
        return Ok(code);
    }
    let id = &c.campaign.id;
    prompt::on_interrupt(&format!(
        "stopped: the letters are done; `outcry call {id}` records calls and `outcry report {id} --send` tells the coordinators, later"
    ));
    let callees = crate::call::callees(&c.campaign, &l.book, &l.settings.sender);
    if !callees.is_empty() {
        let question = format!(
            "The appeal asks for calls too: call {} now? (the number, the time there and a script for each)",
            crate::output::count(callees.len(), "target with a phone", "targets with a phone")
        );
        crate::output::say("");
        if prompt::confirm(&question)? {
            calls(l, id, &callees, now)?;
            prompt::on_interrupt(&format!(
                "stopped: the letters and calls are kept; `outcry report {id} --send` tells the coordinators, later"
            ));
        } else {
            crate::output::say(&format!("No calls now: `outcry call {id}` when you can."));
        }
    }
    match offer_report(req, l, c, now)? {
        Some(sent) if sent != ExitCode::SUCCESS => Ok(sent),
        _ => Ok(code),
    }
}

/// The last step: what the writer did for the campaign (all its letters, as `outcry report`
/// shows them, and the calls), shown and, once agreed, e-mailed to the coordinators as
/// `outcry report --send` does. Offered only where `send` is (not to `outcry compose`), with
/// an account, and with something done that the coordinators have not been told of.
fn offer_report(
    req: &Request,
    l: &Loaded,
    c: &Composed,
    now: Timestamp,
) -> Result<Option<ExitCode>> {
    if req.intent == Intent::Compose || l.settings.delivery.is_none() {
        return Ok(None);
    }
    let id = &c.campaign.id;
    // The report is of the campaign, whichever targets were written to this time.
    let mut diags = Diagnostics::default();
    let all = pipeline::compose_campaign(l, id, &Selection::default(), "", now, &mut diags)?;
    let Some(all) = all.filter(|_| !diags.has_errors()) else {
        return Ok(None);
    };
    let report = pipeline::report(l, &all)?;
    if !report.totals.anything_done() {
        return Ok(None);
    }
    let Ok(letter) = pipeline::report_letter(l, id, &report, &all.plan.coordinators) else {
        return Ok(None);
    };
    match pipeline::report_state(l, id, &letter)? {
        Some((State::Accepted, _)) => return Ok(None),
        // This very report went wrong before: `send` holds it back unless told to retry.
        Some((state @ (State::Failed | State::Unknown), time))
            if !(state == State::Failed && req.send.retry_failed
                || state == State::Unknown && req.send.retry_unknown) =>
        {
            let (what, flag) = if state == State::Failed {
                ("was refused", "--retry-failed")
            } else {
                (
                    "may not have arrived (the connection died)",
                    "--retry-unknown",
                )
            };
            crate::output::say(&format!(
                "\nThe report to the coordinators ({}) {what} at {time}: `outcry report {id} --send {flag}` sends it again.",
                letter.id
            ));
            return Ok(None);
        }
        _ => {}
    }
    prompt::on_interrupt(&format!(
        "stopped: the report was not sent; `outcry report {id} --send` sends it later"
    ));
    crate::output::say("");
    crate::output::heading("What you did, for the coordinators:");
    crate::output::say(report.text().trim_end());
    let to: Vec<String> = letter
        .to
        .iter()
        .map(|a| format!("{} <{}>", a.name, a.address))
        .collect();
    let question = format!(
        "E-mail this report to the coordinators ({}) from {}?",
        to.join(", "),
        crate::send::account(l.settings.delivery.as_ref())
    );
    if !prompt::confirm(&question)? {
        crate::output::say(&format!(
            "The report was not sent: `outcry report {id} --send` sends it later."
        ));
        return Ok(None);
    }
    prompt::on_interrupt(&format!(
        "interrupted: the journal knows whether the report went (`outcry status {id}`)"
    ));
    // The answer is the consent `outcry send` asks for.
    let opts = crate::send::Options {
        yes: true,
        format: crate::output::Format::Text,
        ..req.send.clone()
    };
    pipeline::send_report(l, id, letter, &opts, now).map(Some)
}

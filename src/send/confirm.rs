//! The confirmation: the plan of one or several campaigns in words, and the one question
//! asked before any of their letters goes.

use anyhow::Result;

use super::Options;
use super::decide::Planned;
use crate::config::Delivery;
use crate::diag::Error;
use crate::prompt;

/// Several campaigns with no letter to send between them, in words.
pub(super) fn nothing_to_send(planned: &[Planned]) {
    let held: usize = planned
        .iter()
        .map(|p| p.report.failed.len() + p.report.unknown.len())
        .sum();
    if held > 0 {
        crate::output::note(&format!(
            "nothing to send now: {held} letter(s) held back (failed or unknown before: see `outcry status`, --retry-failed, --retry-unknown)"
        ));
    } else {
        crate::output::note("nothing to send");
    }
}

/// Shows the plans (of one campaign as it is, of several each under its name) and asks once
/// whether to send them all; `--yes` answers for the user, and without a terminal there is no
/// one to ask.
pub(super) fn confirm(planned: &[Planned], delivery: &Delivery, opts: &Options) -> Result<()> {
    let several = planned.len() > 1;
    for p in planned {
        let plan = p.plan.describe(Some(delivery));
        let plan = plan.trim_end();
        let plan = if several {
            format!("{}: {plan}", p.job.campaign)
        } else {
            plan.to_string()
        };
        if opts.yes {
            crate::output::note(&plan);
        } else {
            // What is asked about is shown, --quiet or not.
            crate::output::say(&plan);
        }
    }
    if opts.yes {
        return Ok(());
    }
    if !prompt::interactive() {
        let review = match planned {
            [one] => format!("`outcry send {} --dry-run`", one.job.campaign),
            _ => "--dry-run".to_string(),
        };
        return Err(Error::Usage(format!(
            "no terminal to confirm on: review with {review}, then pass --yes"
        ))
        .into());
    }
    let question = if several {
        let total: usize = planned.iter().map(|p| p.plan.todo).sum();
        format!(
            "Send these {total} letters of {} campaigns now?",
            planned.len()
        )
    } else {
        "Send these letters now?".to_string()
    };
    if prompt::confirm(&question)? {
        Ok(())
    } else {
        Err(Error::NotConfirmed.into())
    }
}

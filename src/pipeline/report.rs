//! The writer's report of a campaign, for `outcry report` and the guided path's last step:
//! built from the composed letters and the journal, and e-mailed to the coordinators through
//! the same send machinery and journal as the letters.

use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;

use super::{Composed, Loaded};
use crate::contacts::Contact;
use crate::diag::Error;
use crate::letter::{Addressee, From, Letter};
use crate::report::Report;
use crate::send::journal::{Journal, State};

/// Whether the writer has a fax gateway, so that faxes go like e-mail.
pub(crate) fn has_gateway(l: &Loaded) -> bool {
    l.settings
        .delivery
        .as_ref()
        .is_some_and(|d| d.fax.is_some())
}

/// The report of a composed campaign against its journal.
pub(crate) fn report(l: &Loaded, c: &Composed) -> Result<Report> {
    let replay = Journal::read(&l.ws.root, &c.campaign.id)?;
    Ok(crate::report::build(
        &c.campaign.id,
        &c.campaign.title,
        &c.letters,
        &replay,
        has_gateway(l),
    ))
}

/// The report as an e-mail from the sender to those of `coordinators` with an e-mail address.
pub(crate) fn report_letter(
    l: &Loaded,
    campaign: &str,
    report: &Report,
    coordinators: &[Contact],
) -> Result<Letter, Error> {
    let to: Vec<Addressee> = coordinators
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
            "{campaign} has no coordinators with an e-mail address (`cc` in its campaign.toml): nobody to send the report to"
        )));
    }
    let sender = &l.settings.sender;
    let (Some(name), Some(email)) = (&sender.name, &sender.email) else {
        return Err(Error::Usage(
            "sending the report needs a sender (name and email in [sender])".into(),
        ));
    };
    let from = From {
        name: name.clone(),
        email: email.to_string(),
    };
    Ok(report.letter(from, to, email.0.domain()))
}

/// What the journal says of this very report (the same text) and when: `None` when it was
/// never sent.
pub(crate) fn report_state(
    l: &Loaded,
    campaign: &str,
    letter: &Letter,
) -> Result<Option<(State, String)>> {
    let replay = Journal::read(&l.ws.root, campaign)?;
    let id = letter.message_id.as_deref().unwrap_or_default();
    Ok(replay
        .state(id)
        .zip(replay.last(id).map(|r| r.time.clone())))
}

/// Sends the report's letter as `send` sends a letter: the plan shown, the same consent
/// (`opts.yes` answers it), journaled so that the same report never goes twice.
pub(crate) fn send_report(
    l: &Loaded,
    campaign: &str,
    letter: Letter,
    opts: &crate::send::Options,
    now: Timestamp,
) -> Result<ExitCode> {
    let letters = vec![letter];
    let job = crate::send::Job {
        root: &l.ws.root,
        campaign,
        letters: &letters,
        command: "outcry report --send",
    };
    let reports = crate::send::send(&[job], l.settings.delivery.as_ref(), opts, now)?;
    Ok(if reports.iter().all(crate::send::Report::all_accepted) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::EXIT_FAILED)
    })
}

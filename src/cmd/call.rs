//! `outcry call CAMPAIGN TARGET --outcome OUTCOME [--note TEXT]`: records one phone call in
//! the campaign's journal; without `--outcome`, on a terminal, the guided call session.

use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;

use crate::call::Callee;
use crate::config::Given;
use crate::diag::{Diagnostics, Error};
use crate::letter::Channel;
use crate::output;
use crate::pipeline::{Loaded, compose_campaign, load, require_campaign};
use crate::plan::Selection;
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
        return session(&l, &campaign.id, &chosen, now);
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

/// The guided call session: each callee's number, the time there, the script, then what came
/// of the call and a note, journaled at once. Esc skips a target; Ctrl-C stops, what was
/// recorded kept.
fn session(l: &Loaded, campaign: &str, callees: &[Callee], now: Timestamp) -> Result<ExitCode> {
    if callees.is_empty() {
        output::note(&format!("campaign {campaign} has no target with a phone"));
        return Ok(ExitCode::SUCCESS);
    }
    crate::prompt::on_interrupt(&format!(
        "stopped: the calls answered are recorded (`outcry status {campaign}`)"
    ));
    let mut diags = Diagnostics::default();
    let calls = Selection {
        only: callees.iter().map(|c| c.key.clone()).collect(),
        calls: true,
        ..Selection::default()
    };
    let composed = compose_campaign(l, campaign, &calls, "", now, &mut diags)?;
    let letters = composed.map(|c| c.letters).unwrap_or_default();
    let items: Vec<String> = Outcome::ALL.iter().map(|o| o.label().to_string()).collect();
    let mut recorded = 0;
    for (i, callee) in callees.iter().enumerate() {
        output::say(&format!(
            "\n{}/{}  {} ({})\n  call {}: {}",
            i + 1,
            callees.len(),
            callee.key,
            callee.contact.name,
            callee.number,
            local_time(callee, now)
        ));
        match letters
            .iter()
            .find(|x| x.channel == Channel::Phone && x.id == callee.contact.id)
        {
            Some(script) => {
                for line in script.body.lines() {
                    output::say(&format!("  | {line}"));
                }
            }
            None => output::say(
                "  (no call script for this target: ask them to act on the campaign's demands)",
            ),
        }
        let Some(outcome) =
            crate::prompt::select_or_skip("What came of the call? (Esc: skip)", &items, 0)?
                .and_then(|i| Outcome::ALL.get(i).copied())
        else {
            output::say(&format!("  skipped {}", callee.key));
            continue;
        };
        let note = match crate::prompt::text("A note (Enter: none)", None, true, |t| {
            crate::fields::check_text("the note", t)
        }) {
            Ok(t) => Some(t).filter(|t| !t.is_empty()),
            Err(e) if crate::prompt::is_cancelled(&e) => None,
            Err(e) => return Err(e),
        };
        crate::call::record(
            &l.ws.root,
            campaign,
            callee,
            outcome,
            note,
            Timestamp::now(),
        )?;
        recorded += 1;
        output::say(&format!("  recorded: {}", outcome.label()));
    }
    output::note(&format!(
        "{} recorded (`outcry status {campaign}`)",
        output::count(recorded, "call", "calls")
    ));
    Ok(ExitCode::SUCCESS)
}

/// The time where the callee is (its contact's `timezone`, else its number's country's
/// zones) and whether its offices are likely open: 09:00 to 18:00, Monday to Friday.
fn local_time(callee: &Callee, now: Timestamp) -> String {
    let country = callee
        .number
        .region
        .as_deref()
        .unwrap_or(callee.contact.country.code());
    let place = crate::fax::Place::of(callee.contact.timezone.as_deref(), country);
    let zoned: Vec<jiff::Zoned> = place
        .zones
        .iter()
        .filter_map(|z| crate::fax::zone(z).ok())
        .map(|z| now.to_zoned(z))
        .collect();
    let (Some(first), Some(last)) = (
        zoned.iter().min_by_key(|z| z.offset()),
        zoned.iter().max_by_key(|z| z.offset()),
    ) else {
        return format!("no time zone known for {}", place.shown);
    };
    let open = zoned.iter().all(|z| {
        let weekday = z.weekday().to_monday_one_offset() <= 5;
        weekday && z.hour() >= 9 && z.hour() < 18
    });
    let at = if first.offset() == last.offset() {
        format!("{} there ({})", first.strftime("%a %H:%M"), place.shown)
    } else {
        format!(
            "{} to {} in {}",
            first.strftime("%a %H:%M"),
            last.strftime("%H:%M"),
            place.shown
        )
    };
    let likely = if open {
        "offices likely open"
    } else {
        "offices likely closed"
    };
    format!("{at}, {likely} (09:00-18:00 Mon-Fri)")
}

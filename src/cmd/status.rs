//! `outcry status [CAMPAIGN]`: what the journal says of each letter and each call, or of
//! every campaign in one line each.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Result;

use crate::output;
use crate::pipeline::require_campaign;
use crate::send::journal::{Reception, Record, Replay, State};
use crate::workspace::Workspace;

pub(super) fn run(campaign: Option<&str>) -> Result<ExitCode> {
    let ws = Workspace::here()?;
    let Some(campaign) = campaign else {
        return summary(&ws);
    };
    require_campaign(&ws, campaign)?;
    let replay = crate::send::journal::Journal::read(&ws.root, campaign)?;
    let mut out = crate::output::stdout();
    // The campaign's letters, then the calls, then the reports sent to the coordinators.
    let (reports, letters): (Vec<&Record>, Vec<&Record>) = replay
        .letters()
        .partition(|r| crate::report::is_report(&r.letter));
    for r in &letters {
        letter(&mut out, &replay, r)?;
    }
    let called = calls(&mut out, &replay)?;
    for r in &reports {
        letter(&mut out, &replay, r)?;
    }
    out.flush()?;
    if letters.is_empty() && reports.is_empty() && !called {
        output::note(&format!("nothing sent yet for {campaign}"));
    }
    Ok(ExitCode::SUCCESS)
}

/// A letter's line (its id, state, time and the server's reply), and a line for each
/// recipient when not all of them have it.
fn letter(out: &mut impl std::io::Write, replay: &Replay, r: &Record) -> Result<()> {
    let state = replay.state(&r.message_id).map_or("?", State::label);
    writeln!(
        out,
        "{:<28} {:<9} {}  {}",
        r.letter,
        state,
        r.time,
        r.reply.as_deref().unwrap_or("")
    )?;
    // Who has the letter and who not, when someone has not.
    let all = r.recipients.iter().all(|k| k.state == Reception::Accepted);
    for k in r.recipients.iter().filter(|_| !all) {
        write!(
            out,
            "{:<28} {:<9} {:<8} {} ({})",
            "",
            "",
            k.state.label(),
            k.address,
            k.role.label()
        )?;
        match &k.reply {
            Some(said) => writeln!(out, ": {said}")?,
            None => writeln!(out)?,
        }
    }
    // Lines written before per-recipient outcomes.
    for refused in &r.refused {
        writeln!(out, "{:<28} {:<9} refused {refused}", "", "")?;
    }
    Ok(())
}

/// Each call under its target, the targets in the order first called: the target, then a
/// line a call (outcome, time, number dialled) and its note's lines below it. Whether any.
fn calls(out: &mut impl std::io::Write, replay: &Replay) -> Result<bool> {
    let mut targets: Vec<&str> = Vec::new();
    for c in replay.calls() {
        if !targets.contains(&c.target.as_str()) {
            targets.push(&c.target);
        }
    }
    for target in &targets {
        writeln!(out, "call {target}")?;
        for c in replay.calls().iter().filter(|c| c.target == *target) {
            writeln!(
                out,
                "{:<28} {:<12} {}  {}",
                "",
                c.outcome.label(),
                c.time,
                // As people dial it: grouped, the international way.
                crate::fields::Phone::parse(&c.number, None)
                    .map_or_else(|_| c.number.clone(), |p| p.to_string())
            )?;
            for line in c.note.iter().flat_map(|n| n.lines()) {
                writeln!(out, "{:<28} {:<12} {line}", "", "")?;
            }
        }
    }
    Ok(!targets.is_empty())
}

/// Every campaign in one line: its letters counted by state, most telling first, and its
/// calls.
fn summary(ws: &Workspace) -> Result<ExitCode> {
    const ORDER: [State; 5] = [
        State::Accepted,
        State::Failed,
        State::Unknown,
        State::Deferred,
        State::Planned,
    ];
    let campaigns = ws.campaigns();
    if campaigns.is_empty() {
        output::note("no campaigns in letters/ yet: start one with `outcry new NAME`");
        return Ok(ExitCode::SUCCESS);
    }
    let width = campaigns.iter().map(String::len).max().unwrap_or(0);
    let mut out = crate::output::stdout();
    for campaign in &campaigns {
        let replay = crate::send::journal::Journal::read(&ws.root, campaign)?;
        let states: Vec<State> = replay
            .letters()
            .filter(|r| !crate::report::is_report(&r.letter))
            .filter_map(|r| replay.state(&r.message_id))
            .collect();
        let reports = replay
            .letters()
            .filter(|r| crate::report::is_report(&r.letter))
            .filter(|r| replay.state(&r.message_id) == Some(State::Accepted))
            .count();
        let counts: Vec<String> = ORDER
            .iter()
            .map(|s| (s, states.iter().filter(|t| *t == s).count()))
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| format!("{n} {}", s.label()))
            .collect();
        let calls = replay.calls().len();
        let line = if counts.is_empty() && calls + reports == 0 {
            "nothing sent yet".to_string()
        } else if counts.is_empty() {
            "no letters sent yet".to_string()
        } else {
            let letters = if states.len() == 1 {
                "letter"
            } else {
                "letters"
            };
            format!("{} {letters}: {}", states.len(), counts.join(", "))
        };
        let line = if calls == 0 {
            line
        } else {
            format!("{line}; {}", output::count(calls, "call", "calls"))
        };
        let line = if reports == 0 {
            line
        } else {
            format!(
                "{line}; {} to the coordinators",
                output::count(reports, "report", "reports")
            )
        };
        writeln!(out, "{campaign:<width$}  {line}")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

//! `outcry status CAMPAIGN`: what the journal says of each letter.

use std::io::Write as _;
use std::process::ExitCode;

use anyhow::Result;

use crate::output;
use crate::pipeline::require_campaign;
use crate::workspace::Workspace;

pub(super) fn run(campaign: &str) -> Result<ExitCode> {
    let ws = Workspace::here()?;
    require_campaign(&ws, campaign)?;
    let replay = crate::send::journal::Journal::read(&ws.root, campaign)?;
    let mut out = crate::output::stdout();
    let mut any = false;
    for r in replay.letters() {
        any = true;
        let state = replay
            .state(&r.message_id)
            .map_or("?", crate::send::journal::State::label);
        writeln!(
            out,
            "{:<28} {:<9} {}  {}",
            r.letter,
            state,
            r.time,
            r.reply.as_deref().unwrap_or("")
        )?;
        // Who has the letter and who not, when someone has not.
        let all = r
            .recipients
            .iter()
            .all(|k| k.state == crate::send::journal::Reception::Accepted);
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
    }
    out.flush()?;
    if !any {
        output::note(&format!("nothing sent yet for {campaign}"));
    }
    Ok(ExitCode::SUCCESS)
}

//! The guided call session (`outcry call CAMPAIGN` on a terminal, and the guided path after
//! the letters): each target's number, the time there, the script, then what came of the
//! call, journaled at once.

use anyhow::Result;
use jiff::Timestamp;

use crate::call::Callee;
use crate::diag::Diagnostics;
use crate::letter::Channel;
use crate::output;
use crate::pipeline::{Loaded, compose_campaign};
use crate::plan::Selection;
use crate::send::journal::Outcome;

/// The guided call session, for `callees` (not empty): each callee's number, the time there,
/// the script, then what came of the call and a note, journaled at once. Esc skips a target;
/// Ctrl-C stops, what was recorded kept. How many calls were recorded.
pub(crate) fn calls(
    l: &Loaded,
    campaign: &str,
    callees: &[Callee],
    now: Timestamp,
) -> Result<usize> {
    // What Ctrl-C says: the calls recorded so far stay; the one on screen is not recorded.
    let stopped = |n: usize| {
        crate::prompt::on_interrupt(&format!(
            "stopped: {} recorded (`outcry status {campaign}`); the call on screen is not",
            output::count(n, "call", "calls")
        ));
    };
    stopped(0);
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
            crate::call::local_time(callee, now)
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
        // Esc: no note; Ctrl-C stops, and this call, not yet recorded, is not.
        let note = crate::prompt::text_or_skip("A note (Enter or Esc: none)", |t| {
            crate::fields::check_text("the note", t)
        })?
        .filter(|t| !t.is_empty());
        crate::prompt::writing(|| {
            crate::call::record(
                &l.ws.root,
                campaign,
                callee,
                outcome,
                note,
                Timestamp::now(),
            )
        })?;
        recorded += 1;
        stopped(recorded);
        output::say(&format!("  recorded: {}", outcome.label()));
    }
    output::note(&format!(
        "{} recorded (`outcry status {campaign}`)",
        output::count(recorded, "call", "calls")
    ));
    Ok(recorded)
}

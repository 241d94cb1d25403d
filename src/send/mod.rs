//! Sending: deliver campaigns' e-mail letters, lose none, send none twice.
//!
//! [`send`] plans every job (one campaign's letters each) against its journal, shows the
//! plans and asks once, then delivers each job in turn. Every letter is rendered (with its
//! stable Message-ID) before the first one goes. The journal ([`journal`]) records each
//! letter's state before and after its transmission, so a run that is interrupted anywhere can
//! be resumed: accepted letters are never sent again, and a letter whose fate is unknown is
//! only resent on request.
//!
//! The parts: [`decide`] (what the journal says to do with each letter, and the plan),
//! [`confirm`] (the plan in words and the question), [`deliver`] (the loop, pacing and
//! retries), [`report`] (what became of the letters, for people and scripts), [`transport`]
//! (the connection to the world).

mod confirm;
mod decide;
mod deliver;
mod gateway;
pub mod journal;
mod recipients;
mod report;
mod seal;
#[cfg(test)]
mod tests;
pub mod transport;

use std::path::Path;

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use lettre::Address;

use crate::config::Delivery;
use crate::letter::Letter;
use crate::mime::{self, Purpose};
use decide::Planned;
pub use report::Report;

/// This many letters in a row that fail to go for reasons of the connection or the account
/// (no connection, a refused sender, a spent quota, a lost body) stop the run. A letter the
/// server refuses for itself (an unknown mailbox) does not count.
pub const MAX_CONSECUTIVE_FAILURES: usize = 5;

/// How many letters the plan and the report list one by one; the rest are counted.
const SHOWN: usize = 30;

/// What the user asked for.
#[derive(Debug, Clone, Default)]
#[allow(clippy::struct_excessive_bools)] // each is a flag the user types
pub struct Options {
    pub yes: bool,
    pub dry_run: bool,
    pub limit: Option<usize>,
    pub retry_unknown: bool,
    pub retry_failed: bool,
    /// Send faxes whatever the hour where they land (`--any-hour`).
    pub any_hour: bool,
    /// What goes on stdout: text, or a JSON line for each result.
    pub format: crate::output::Format,
    /// The writer's fax gateway (`[fax] gateway`), set from the delivery settings by [`send`].
    pub gateway: Option<crate::fax::Gateway>,
}

/// The letters to send, in order. They are gone through twice, to plan and confirm and then
/// to send, each time with a fresh iterator, so that a bulk run never holds them all: rendering
/// feeds delivery as it goes, and stops when every confirmed letter is on its way.
pub trait Letters: Sync {
    fn iter(&self) -> Box<dyn Iterator<Item = Result<Letter>> + '_>;
    /// How many sources of letters were left out (rows of a signers file), once planned.
    fn left_out(&self) -> usize {
        0
    }
}

impl Letters for Vec<Letter> {
    fn iter(&self) -> Box<dyn Iterator<Item = Result<Letter>> + '_> {
        Box::new(self.as_slice().iter().cloned().map(Ok))
    }
}

/// One campaign's letters to send, with the workspace whose journal records them.
pub struct Job<'a> {
    pub root: &'a Path,
    pub campaign: &'a str,
    pub letters: &'a dyn Letters,
    /// The command that sends these letters, as the hints name it (`outcry send`, `outcry
    /// report --send`): what to run again for what is left, with `--retry-failed`...
    pub command: &'static str,
}

/// Runs `outcry send` for one or several campaigns: plans every job, shows the plans and asks
/// once (or not, with `--yes`; a dry run shows and stops), then delivers each job with its own
/// journal and prints its report. The reports, in the jobs' order.
pub fn send(
    jobs: &[Job],
    delivery: Option<&Delivery>,
    opts: &Options,
    now: Timestamp,
) -> Result<Vec<Report>> {
    let opts = &Options {
        gateway: delivery.and_then(|d| d.fax.clone()),
        ..opts.clone()
    };
    if opts.dry_run {
        let several = jobs.len() > 1;
        let reports = jobs
            .iter()
            .map(|job| decide::dry_run(job, delivery, opts, now, several))
            .collect::<Result<Vec<_>>>()?;
        crate::output::note("dry run: nothing was sent, no connection was made");
        return Ok(reports);
    }
    let Some(delivery) = delivery else {
        bail!(crate::diag::Error::Usage(
            "no way to send: set an [smtp] table (see README, Sending)".into()
        ));
    };
    let planned = jobs
        .iter()
        .map(|job| Planned::new(job, opts, now))
        .collect::<Result<Vec<_>>>()?;
    let total: usize = planned.iter().map(|p| p.plan.todo).sum();
    if total == 0 && planned.len() > 1 {
        confirm::nothing_to_send(&planned);
        return Ok(planned.into_iter().map(|p| p.report).collect());
    }
    if total == 0 {
        return planned.into_iter().map(finish).collect();
    }
    confirm::confirm(&planned, delivery, opts)?;
    let mut transport = transport::open(delivery)?;
    let reports = planned
        .into_iter()
        .map(|p| {
            if p.plan.todo == 0 {
                return finish(p);
            }
            let report = deliver::deliver(p, transport.as_mut(), delivery.rate, opts, now);
            report.print()?;
            Ok(report)
        })
        .collect();
    transport.close();
    reports
}

/// A job with nothing to send: says so, and prints its report.
fn finish(p: Planned) -> Result<Report> {
    let report = p.nothing_to_send();
    report.print()?;
    Ok(report)
}

/// The account letters go through, in words: "me at smtp.example.org:465 (TLS)".
pub fn account(delivery: Option<&Delivery>) -> String {
    delivery.map_or_else(
        || "no transport yet (set [smtp] to send)".into(),
        Delivery::label,
    )
}

/// An e-mail letter ready for the wire.
struct Outgoing {
    id: String,
    message_id: String,
    from: Address,
    /// To, then Cc, then Bcc.
    recipients: Vec<Address>,
    /// How many of `recipients` are the letter's addressees (its To), and how many copies (Cc)
    /// follow them.
    addressees: usize,
    copies: usize,
    /// The message (empty while planning, but for a dry run, which shows it).
    message: Vec<u8>,
}

/// A letter's envelope, and its message when `message` is asked for.
fn outgoing(l: &Letter, now: Timestamp, message: bool) -> Result<Outgoing> {
    let parse = |a: &str| {
        a.parse::<Address>()
            .with_context(|| format!("invalid address {a:?} in {}", l.id))
    };
    let recipients =
        l.to.iter()
            .chain(&l.cc)
            .chain(&l.bcc)
            .map(|a| parse(&a.address))
            .collect::<Result<Vec<_>>>()?;
    Ok(Outgoing {
        id: l.id.clone(),
        message_id: l.message_id.clone().unwrap_or_default(),
        from: parse(&l.from.email)?,
        recipients,
        addressees: l.to.len(),
        copies: l.cc.len(),
        message: if message {
            mime::message(l, now, Purpose::Send)?
        } else {
            Vec::new()
        },
    })
}

//! Deciding from the journal: what becomes of each letter in this run (sent, held back, done
//! before), and the first pass over the letters that makes the plan the user confirms.

use std::collections::HashSet;
use std::fmt::Write as _;

use anyhow::Result;
use jiff::Timestamp;
use lettre::Address;

use super::journal::{Journal, Reception, Recipient, Replay, State};
use super::report::Report;
use super::{Job, Options, Outgoing, SHOWN, outgoing, recipients};
use crate::config::Delivery;
use crate::mime;
use crate::output::Format;

/// What the journal says to do with a letter.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Decision {
    /// Send it, to these recipients (all, or those still waiting for it), knowing what became
    /// of the others.
    Send(Vec<Address>, Vec<Recipient>),
    /// It was accepted before.
    Done,
    /// Not in this run, as the report will say.
    Hold(State, String, Vec<Recipient>),
}

pub(super) fn decide(o: &Outgoing, replay: &Replay, opts: &Options) -> Decision {
    let last = replay.last(&o.message_id);
    if last.is_none()
        && let Some(before) = replay.last_of_letter(&o.id)
        && matches!(
            replay.state(&before.message_id),
            Some(State::Accepted | State::Unknown | State::Sending)
        )
    {
        // The Message-ID changed (another sender address, campaign or issue date): the
        // letter went before under its old one.
        return Decision::Hold(
            State::Accepted,
            format!(
                "sent before as {}; not sent again (the sender, campaign or issue date changed since)",
                before.message_id
            ),
            Vec::new(),
        );
    }
    let known = match (last, replay.last_of_letter(&o.id)) {
        (Some(r), _) => recipients::from_journal(o, r),
        // Under its old Message-ID the letter reached some of its recipients: not them again.
        (None, Some(before)) => recipients::from_journal(o, before)
            .into_iter()
            .filter(|k| k.state == Reception::Accepted)
            .collect(),
        (None, None) => Vec::new(),
    };
    let mut last_reply = last.and_then(|r| r.reply.clone()).unwrap_or_default();
    let state = match replay.state(&o.message_id) {
        // A line from before per-recipient outcomes said `accepted` when an addressee was
        // refused: that letter failed.
        Some(State::Accepted) if recipients::letter_state(&known) == State::Failed => {
            last_reply = recipients::note(&known, &last_reply);
            Some(State::Failed)
        }
        state => state,
    };
    match state {
        Some(State::Accepted) => Decision::Done,
        Some(State::Unknown) if !opts.retry_unknown => Decision::Hold(
            State::Unknown,
            format!("{last_reply} (not resent: use --retry-unknown)"),
            known,
        ),
        Some(State::Failed) if !opts.retry_failed => Decision::Hold(
            State::Failed,
            format!("{last_reply} (not resent: use --retry-failed)"),
            known,
        ),
        _ => Decision::Send(recipients::waiting(o, &known), known),
    }
}

/// The first pass: what this run sends (counted, the first few kept to show) and holds back.
#[derive(Default)]
pub(super) struct Plan {
    pub todo: usize,
    /// The Message-IDs of the letters to send: the second pass sends these and no others.
    pub ids: HashSet<String>,
    /// The first [`SHOWN`] letters to send: id, recipients, and for a fax the gateway's host.
    pub shown: Vec<(String, Vec<Address>, Option<String>)>,
    /// How many of the letters to send are faxes (through the gateway).
    pub faxes: usize,
    pub from: Option<Address>,
    /// Letters the journal shows as accepted before: not sent again.
    pub before: usize,
}

impl Plan {
    /// The plan in words: how many letters, from whom, through what, and the first few of them.
    pub(super) fn describe(&self, delivery: Option<&Delivery>) -> String {
        let from = self
            .from
            .as_ref()
            .map(|f| format!(" from {f}"))
            .unwrap_or_default();
        let what = match self.faxes {
            0 => format!("{} e-mail letter(s)", self.todo),
            n if n == self.todo => format!("{n} fax(es)"),
            n => format!("{} e-mail letter(s) and {n} fax(es)", self.todo - n),
        };
        let mut s = format!("{what}{from} through {}:\n", super::account(delivery));
        for (id, recipients, via) in &self.shown {
            let rcpts: Vec<String> = recipients.iter().map(ToString::to_string).collect();
            let via = via
                .as_ref()
                .map(|host| format!("fax via {host}: "))
                .unwrap_or_default();
            let _ = writeln!(s, "  {id:<28} {via}{}", rcpts.join(", "));
        }
        if self.todo > self.shown.len() {
            let _ = writeln!(s, "  ... and {} more", self.todo - self.shown.len());
        }
        if self.before > 0 {
            let _ = writeln!(
                s,
                "  ({} letter(s) accepted before: not sent again)",
                self.before
            );
        }
        s
    }
}

/// Goes through the letters once: decides each, counts what goes, reports what is held back.
/// A dry run (in text) prints each letter that would go, envelope and message, on stdout.
fn plan(
    job: &Job,
    replay: &Replay,
    opts: &Options,
    now: Timestamp,
    report: &mut Report,
) -> Result<Plan> {
    let mut p = Plan::default();
    // Under --format json the envelopes would break the JSON Lines: the plan says enough.
    let mut dry = (opts.dry_run && opts.format == Format::Text).then(crate::output::stdout);
    for l in job.letters.iter() {
        let Some(l) = super::gateway::as_email(l?, opts) else {
            continue;
        };
        // A message that cannot be built is found before any goes: its headers are built now
        // (what can fail), the whole message only to show it. Sending builds it once more.
        let o = outgoing(&l, now, dry.is_some())?;
        if dry.is_none() {
            mime::check(&l, now)?;
        }
        match decide(&o, replay, opts) {
            Decision::Done => p.before += 1,
            Decision::Hold(state, why, known) => {
                report.hold(state, o.id, &o.message_id, why, &known)?;
            }
            Decision::Send(..) if opts.limit.is_some_and(|n| p.todo >= n) => {
                report.beyond_limit += 1;
            }
            Decision::Send(_, known)
                if let Some(why) = super::gateway::must_wait(&l, opts, now) =>
            {
                report.hold(State::Deferred, o.id, &o.message_id, why, &known)?;
            }
            Decision::Send(recipients, _) => {
                p.todo += 1;
                let via = super::gateway::delivered(&l)
                    .and(opts.gateway.as_ref())
                    .map(|g| g.host().to_string());
                p.faxes += usize::from(via.is_some());
                p.ids.insert(o.message_id.clone());
                p.from.get_or_insert_with(|| o.from.clone());
                if let Some(out) = &mut dry {
                    print_envelope(out, &o, &recipients)?;
                }
                if p.shown.len() < SHOWN {
                    p.shown.push((o.id, recipients, via));
                }
            }
        }
    }
    if let Some(mut out) = dry {
        std::io::Write::flush(&mut out)?;
    }
    report.accepted_before = p.before;
    report.skipped = job.letters.left_out();
    Ok(p)
}

/// A job planned against its journal, which stays open (and locked) until it is delivered.
pub(super) struct Planned<'a> {
    pub job: &'a Job<'a>,
    pub journal: Journal,
    pub replay: Replay,
    pub plan: Plan,
    /// The letters held back so far; delivery adds the rest.
    pub report: Report,
}

impl<'a> Planned<'a> {
    pub fn new(job: &'a Job<'a>, opts: &Options, now: Timestamp) -> Result<Planned<'a>> {
        let (journal, replay) = Journal::open(job.root, job.campaign)?;
        let mut report = Report::new(job.campaign, job.command, opts.format == Format::Json);
        let plan = plan(job, &replay, opts, now, &mut report)?;
        Ok(Planned {
            job,
            journal,
            replay,
            plan,
            report,
        })
    }

    /// A job with nothing to send, in words; its report.
    pub fn nothing_to_send(self) -> Report {
        let campaign = self.job.campaign;
        let held = self.report.held_lines().len();
        if held == 0 {
            crate::output::note(&format!(
                "nothing to send: every e-mail letter of {campaign} was accepted before (see `outcry status {campaign}`)"
            ));
        } else {
            crate::output::note(&format!(
                "nothing to send now: {held} letter(s) held back (see below)"
            ));
        }
        self.report
    }
}

/// `outcry send --dry-run` for one job: the plan and what is held back, with nothing asked,
/// connected to or journaled; its report, printed.
pub(super) fn dry_run(
    job: &Job,
    delivery: Option<&Delivery>,
    opts: &Options,
    now: Timestamp,
    several: bool,
) -> Result<Report> {
    let replay = Journal::read(job.root, job.campaign)?;
    let mut report = Report::new(job.campaign, job.command, opts.format == Format::Json);
    let p = plan(job, &replay, opts, now, &mut report)?;
    let plan = p.describe(delivery);
    if several {
        crate::output::note(&format!("{}: {}", job.campaign, plan.trim_end()));
    } else {
        crate::output::note(plan.trim_end());
    }
    for (id, why) in report.held_lines() {
        crate::output::note(&format!("  {id:<28} held back: {why}"));
    }
    report.print()?;
    Ok(report)
}

/// A letter as `--dry-run` shows it: the envelope, then the message.
fn print_envelope(
    out: &mut dyn std::io::Write,
    o: &Outgoing,
    recipients: &[Address],
) -> Result<()> {
    writeln!(out, "=== {} ===", o.id)?;
    writeln!(out, "MAIL FROM:<{}>", o.from)?;
    for r in recipients {
        writeln!(out, "RCPT TO:<{r}>")?;
    }
    writeln!(out)?;
    out.write_all(mime::shown(&o.message).as_bytes())?;
    writeln!(out)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::send::tests::letter;

    /// A journal of these lines (JSON, as the journal holds them).
    fn journal(lines: &[&str]) -> Replay {
        lines
            .iter()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn line(state: &str, recipients: &str) -> String {
        format!(
            r#"{{"time":"t","letter":"ministry","message_id":"<m@example.org>","state":"{state}","reply":"said","recipients":[{recipients}]}}"#
        )
    }

    fn retry(unknown: bool, failed: bool) -> Options {
        Options {
            retry_unknown: unknown,
            retry_failed: failed,
            ..Options::default()
        }
    }

    fn sent_to(d: &Decision) -> Vec<String> {
        match d {
            Decision::Send(to, _) => to.iter().map(ToString::to_string).collect(),
            other => panic!("not sent: {other:?}"),
        }
    }

    #[test]
    fn a_new_letter_goes_to_everyone() {
        let d = decide(&letter(), &Replay::default(), &Options::default());
        assert_eq!(
            sent_to(&d),
            [
                "ministry@example.org",
                "coord@example.org",
                "blind@example.org"
            ]
        );
    }

    #[test]
    fn a_letter_accepted_before_is_done() {
        let replay = journal(&[&line("sending", ""), &line("accepted", "")]);
        let d = decide(&letter(), &replay, &retry(true, true));
        assert_eq!(d, Decision::Done);
    }

    #[test]
    fn failed_and_unknown_letters_are_held_unless_retried() {
        for (state, held, flag) in [
            ("failed", State::Failed, "--retry-failed"),
            ("unknown", State::Unknown, "--retry-unknown"),
            // A run that died while sending: the server may have it.
            ("sending", State::Unknown, "--retry-unknown"),
        ] {
            let replay = journal(&[&line(state, "")]);
            match decide(&letter(), &replay, &Options::default()) {
                Decision::Hold(s, why, _) => {
                    assert_eq!(s, held, "{state}");
                    assert_eq!(why, format!("said (not resent: use {flag})"));
                }
                other => panic!("{state} not held: {other:?}"),
            }
            let d = decide(&letter(), &replay, &retry(true, true));
            assert_eq!(sent_to(&d).len(), 3, "{state} with {flag}");
        }
        // Each flag releases its own state only.
        let failed = journal(&[&line("failed", "")]);
        let d = decide(&letter(), &failed, &retry(true, false));
        assert!(matches!(d, Decision::Hold(State::Failed, ..)), "{d:?}");
    }

    #[test]
    fn a_letter_some_recipients_have_goes_only_to_those_waiting() {
        let replay = journal(&[&line(
            "deferred",
            r#"{"address":"ministry@example.org","role":"to","state":"deferred","reply":"451 later"},
               {"address":"coord@example.org","role":"cc","state":"accepted","reply":"250 ok"},
               {"address":"blind@example.org","role":"bcc","state":"accepted","reply":"250 ok"}"#,
        )]);
        let d = decide(&letter(), &replay, &Options::default());
        assert_eq!(sent_to(&d), ["ministry@example.org"]);
        let Decision::Send(_, known) = d else {
            unreachable!()
        };
        assert_eq!(known.len(), 3);
    }

    #[test]
    fn a_letter_sent_under_another_message_id_is_held_as_sent() {
        let replay =
            journal(&[&line("accepted", "").replace("<m@example.org>", "<old@example.org>")]);
        match decide(&letter(), &replay, &retry(true, true)) {
            Decision::Hold(State::Accepted, why, _) => {
                assert!(why.starts_with("sent before as <old@example.org>"), "{why}");
            }
            other => panic!("not held: {other:?}"),
        }
    }
}

//! The delivery loop: the confirmed letters rendered on a thread a few ahead of one
//! connection, sent in order and paced, each journaled before and after (one sync a letter:
//! before its body, taking the previous letter's outcome with it); deferred letters tried
//! again at the end of the run; the run stopped when letters keep failing for reasons of the
//! connection or the account.

use std::collections::{HashSet, VecDeque};
use std::rc::Rc;
use std::sync::mpsc::{Receiver, SyncSender};
use std::time::{Duration, Instant};

use anyhow::Result;
use jiff::Timestamp;
use lettre::Address;

use super::decide::{Decision, Planned, decide};
use super::journal::{Journal, Reception, Recipient, Record, Replay, State};
use super::report::Report;
use super::transport::{Mail, Outcome, Transport};
use super::{Job, MAX_CONSECUTIVE_FAILURES, Options, Outgoing, SHOWN, outgoing, recipients};

/// How often a deferred letter is tried again within one run, and the pause before each try.
const RETRY_PAUSES: [Duration; 2] = [Duration::from_secs(2), Duration::from_secs(8)];

/// A letter rendered for delivery: the letter, the recipients to send it to, and what became
/// of each of its recipients before.
type Fresh = (Outgoing, Vec<Address>, Vec<Recipient>);

/// One delivery attempt: a letter, to all its recipients or to those still waiting for it.
#[derive(Clone)]
struct Attempt {
    o: Rc<Outgoing>,
    recipients: Vec<Address>,
    /// What became of each recipient in earlier attempts.
    known: Vec<Recipient>,
}

/// Delivers a planned job through `t`: a thread renders the confirmed letters (a few ahead at
/// most) while this one sends them. What went is journaled and reported; an error stops the
/// run, and the rest waits for the next one.
pub(super) fn deliver(
    p: Planned,
    t: &mut dyn Transport,
    rate: f64,
    opts: &Options,
    now: Timestamp,
) -> Report {
    let Planned {
        job,
        mut journal,
        replay,
        plan,
        mut report,
    } = p;
    let (tx, rx) = std::sync::mpsc::sync_channel::<Fresh>(16);
    let result = std::thread::scope(|scope| -> Result<()> {
        let replay = &replay;
        let producer = scope.spawn(move || render(job, plan.ids, replay, opts, now, &tx));
        let mut run = Run {
            journal: &mut journal,
            t,
            report: &mut report,
            consecutive: 0,
        };
        let delivered = run.all(rx, plan.todo, rate);
        // The last outcomes are on disk before the run reports them.
        let synced = run.journal.sync();
        let rendered = producer
            .join()
            .map_err(|_| anyhow::anyhow!("rendering the letters failed"))?;
        delivered?;
        synced?;
        rendered
    });
    if let Err(e) = result {
        // What went is journaled and reported; the rest waits for the next run.
        report.stopped = Some(format!("stopped: {e:#}"));
    }
    report
}

/// The second pass: renders the confirmed letters (each once, those and no others) and hands
/// them over, until every one is on its way or delivery stopped.
fn render(
    job: &Job,
    mut confirmed: HashSet<String>,
    replay: &Replay,
    opts: &Options,
    now: Timestamp,
    tx: &SyncSender<Fresh>,
) -> Result<()> {
    for l in job.letters.iter() {
        if confirmed.is_empty() {
            // Every confirmed letter is on its way: render no more.
            break;
        }
        let Some(l) = super::gateway::as_email(l?, opts) else {
            continue;
        };
        if !l.message_id.as_ref().is_some_and(|id| confirmed.remove(id)) {
            continue;
        }
        let o = outgoing(&l, now, true)?;
        if let Decision::Send(recipients, known) = decide(&o, replay, opts)
            && tx.send((o, recipients, known)).is_err()
        {
            // The receiver is gone only when delivery stopped with an error.
            break;
        }
    }
    Ok(())
}

/// A journal record of a letter, with what is known of each of its recipients.
fn record(o: &Outgoing, state: State, reply: Option<String>, known: &[Recipient]) -> Record {
    Record {
        time: Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        letter: o.id.clone(),
        message_id: o.message_id.clone(),
        state,
        reply,
        recipients: known.to_vec(),
        refused: Vec::new(),
        remaining: Vec::new(),
        call: None,
        drafts: None,
    }
}

/// One job's delivery under way.
struct Run<'r> {
    journal: &'r mut Journal,
    t: &'r mut dyn Transport,
    report: &'r mut Report,
    /// Letters in a row that could not go for reasons of the connection or the account.
    consecutive: usize,
}

/// What a letter's outcome does to the run of consecutive failures.
enum Streak {
    Reset,
    Grow,
    Keep,
}

impl Run<'_> {
    /// Sends in order, one connection, paced; deferred letters get two more tries at the end.
    fn all(&mut self, fresh: Receiver<Fresh>, total: usize, rate: f64) -> Result<()> {
        let interval = Duration::from_secs_f64(60.0 / rate);
        let bar = crate::output::progress(total, "{pos}/{len} letters sent [{bar:30}] {elapsed}");
        let mut last_start: Option<Instant> = None;
        let mut fresh = fresh.into_iter();
        let mut queue: VecDeque<(Attempt, usize)> = VecDeque::new();
        loop {
            let (a, tries) = if let Some((o, recipients, known)) = fresh.next() {
                let a = Attempt {
                    o: Rc::new(o),
                    recipients,
                    known,
                };
                self.journal
                    .note(&record(&a.o, State::Planned, None, &a.known))?;
                (a, 0)
            } else if let Some(next) = queue.pop_front() {
                next
            } else {
                break;
            };
            if self.consecutive >= MAX_CONSECUTIVE_FAILURES {
                self.report.left_count += 1;
                if self.report.left.len() < SHOWN {
                    self.report.left.push(a.o.id.clone());
                }
                continue;
            }
            if tries > 0 {
                std::thread::sleep(RETRY_PAUSES[tries - 1]);
            }
            if let Some(start) = last_start {
                std::thread::sleep(interval.saturating_sub(start.elapsed()));
            }
            last_start = Some(Instant::now());
            let outcome = self.attempt(&a);
            if let Some(retry) = self.settle(&a, tries, outcome)? {
                queue.push_back(retry);
            }
            if let Some(b) = &bar {
                b.inc(1);
            }
        }
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        Ok(())
    }

    /// Sends a letter, journaled as `sending` just before its body goes; when the connection
    /// was down or dropped before the body, reconnects once and tries again.
    fn attempt(&mut self, a: &Attempt) -> Outcome {
        let o = &a.o;
        let journal = &mut *self.journal;
        let mut on_body = || {
            journal
                .record(&record(o, State::Sending, None, &a.known))
                .map_err(|e| format!("{e:#}"))
        };
        let outcome = self.t.deliver(
            Mail {
                from: &o.from,
                recipients: &a.recipients,
                message: &o.message,
            },
            &mut on_body,
        );
        let Outcome::NotSent(why) = outcome else {
            return outcome;
        };
        match self.t.deliver(
            Mail {
                from: &o.from,
                recipients: &a.recipients,
                message: &o.message,
            },
            &mut on_body,
        ) {
            Outcome::NotSent(again) => {
                Outcome::NotSent(format!("{why}; after reconnecting: {again}"))
            }
            other => other,
        }
    }

    /// Journals an outcome and reports it, or returns the retry that is due; counts the
    /// letters in a row that could not go, and stops the run when there are too many.
    fn settle(
        &mut self,
        a: &Attempt,
        tries: usize,
        outcome: Outcome,
    ) -> Result<Option<(Attempt, usize)>> {
        let o = &a.o;
        let mut known = a.known.clone();
        let (settled, streak) = mark(a, &mut known, outcome);
        let retry = match settled {
            Settled::Unknown(reply) => {
                self.journal
                    .record(&record(o, State::Unknown, Some(reply.clone()), &known))?;
                self.report
                    .add(State::Unknown, o.id.clone(), &o.message_id, reply, &known)?;
                None
            }
            Settled::Known { reply, account } => {
                let state = recipients::letter_state(&known);
                let note = recipients::note(&known, &reply);
                // Synced with the next letter's `sending` record, before its body goes, or at
                // the end of the run: one sync a letter. Should the machine die first, this
                // letter replays as `sending`, that is `unknown`, never resent silently.
                self.journal
                    .note(&record(o, state, Some(note.clone()), &known))?;
                if state == State::Deferred && !account && tries < RETRY_PAUSES.len() {
                    Some((retry(o, known), tries + 1))
                } else {
                    self.report
                        .add(state, o.id.clone(), &o.message_id, note, &known)?;
                    None
                }
            }
        };
        match streak {
            Streak::Reset => self.consecutive = 0,
            Streak::Grow => self.consecutive += 1,
            Streak::Keep => {}
        }
        if self.consecutive >= MAX_CONSECUTIVE_FAILURES && self.report.stopped.is_none() {
            self.report.stopped = Some(format!(
                "stopped after {} letters in a row could not go (the connection or the account, not the letters)",
                self.consecutive
            ));
        }
        Ok(retry)
    }
}

/// What an outcome says of a letter once its recipients are marked.
enum Settled {
    /// `account`: the server refused the sender rather than the letter (no retry in this run).
    Known { reply: String, account: bool },
    /// The server may have it, for every recipient of this attempt or none.
    Unknown(String),
}

/// Marks what became of each recipient of an attempt in `known`.
fn mark(a: &Attempt, known: &mut Vec<Recipient>, outcome: Outcome) -> (Settled, Streak) {
    let o = &a.o;
    let all = |known: &mut Vec<Recipient>, reception, reply: &str| {
        for r in &a.recipients {
            recipients::mark(o, known, r, reception, reply);
        }
    };
    let known_reply = |reply, account| Settled::Known { reply, account };
    match outcome {
        Outcome::Accepted { reply, refused } => {
            let taken = (Reception::Accepted, reply.as_str());
            recipients::mark_replies(o, known, &a.recipients, &refused, taken);
            (known_reply(reply, false), Streak::Reset)
        }
        Outcome::Refused(refused) => {
            let taken = (Reception::Refused, "");
            recipients::mark_replies(o, known, &a.recipients, &refused, taken);
            (known_reply(String::new(), false), Streak::Keep)
        }
        Outcome::Deferred { reply, account } => {
            all(known, Reception::Deferred, &reply);
            let streak = if account { Streak::Grow } else { Streak::Keep };
            (known_reply(reply, account), streak)
        }
        Outcome::NotSent(reply) => {
            all(known, Reception::Deferred, &reply);
            (known_reply(reply, false), Streak::Grow)
        }
        Outcome::Failed { reply } => {
            all(known, Reception::Refused, &reply);
            (known_reply(reply, false), Streak::Keep)
        }
        Outcome::Unknown(reply) => (Settled::Unknown(reply), Streak::Grow),
    }
}

/// Another try for the recipients an attempt left waiting (turned away for now).
fn retry(o: &Rc<Outgoing>, known: Vec<Recipient>) -> Attempt {
    let waiting = known
        .iter()
        .filter(|k| k.state == Reception::Deferred)
        .filter_map(|k| k.address.parse().ok())
        .collect();
    Attempt {
        o: o.clone(),
        recipients: waiting,
        known,
    }
}

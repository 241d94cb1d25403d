//! Sending: deliver a campaign's e-mail letters, lose none, send none twice.
//!
//! Every letter is rendered (with its stable Message-ID) before the first one goes. The
//! journal ([`journal`]) records each letter's state before and after its transmission, so a
//! run that is interrupted anywhere can be resumed: accepted letters are never sent again, and
//! a letter whose fate is unknown is only resent on request. [`transport`] talks to the server.

pub mod journal;
mod recipients;
mod seal;
pub mod transport;

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};
use jiff::Timestamp;
use lettre::Address;
use secrecy::SecretString;

use crate::config::{Delivery, PasswordSource, SmtpSettings, Transport as TransportConfig};
use crate::letter::Letter;
use crate::mime::{self, Purpose};
use crate::prompt;
use journal::{Journal, Reception, Recipient, Record, Replay, State};
use transport::{Outcome, Sendmail, Smtp, Transport};

/// This many letters in a row that fail to go for reasons of the connection or the account
/// (no connection, a refused sender, a spent quota, a lost body) stop the run. A letter the
/// server refuses for itself (an unknown mailbox) does not count.
pub const MAX_CONSECUTIVE_FAILURES: usize = 5;
/// How often a deferred letter is tried again within one run, and the pause before each try.
const RETRY_PAUSES: [Duration; 2] = [Duration::from_secs(2), Duration::from_secs(8)];

/// What the user asked for.
#[derive(Debug, Clone, Default)]
#[allow(clippy::struct_excessive_bools)] // each is a flag the user types
pub struct Options {
    pub yes: bool,
    pub dry_run: bool,
    pub limit: Option<usize>,
    pub retry_unknown: bool,
    pub retry_failed: bool,
    /// Print each result as a JSON line on stdout.
    pub json: bool,
}

/// The letters to send, in order. They are asked for twice, to plan and confirm and then to
/// send, so that a bulk run never holds them all: rendering feeds delivery as it goes.
pub trait Letters: Send {
    fn each(&mut self, f: &mut dyn FnMut(Letter) -> Result<()>) -> Result<()>;
}

impl Letters for &[Letter] {
    fn each(&mut self, f: &mut dyn FnMut(Letter) -> Result<()>) -> Result<()> {
        self.iter().try_for_each(|l| f(l.clone()))
    }
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

/// One delivery attempt: a letter, to all its recipients or to those still waiting for it.
#[derive(Clone)]
struct Attempt {
    o: std::rc::Rc<Outgoing>,
    recipients: Vec<Address>,
    /// What became of each recipient in earlier attempts.
    known: Vec<Recipient>,
}

/// How the run ended, for the summary and the exit code.
#[derive(Debug, Default)]
pub struct Report {
    /// `--format json`: each result is printed as a `delivery` line of this campaign.
    pub json: Option<String>,
    /// How many were accepted; the first [`SHOWN`] are in `accepted`.
    pub accepted_count: usize,
    pub accepted: Vec<(String, String)>,
    pub deferred: Vec<(String, String)>,
    pub failed: Vec<(String, String)>,
    pub unknown: Vec<(String, String)>,
    /// The recipients that do not have their letter: letter id, and what the server said.
    pub refused: Vec<(String, Recipient)>,
    /// Letters not sent because the journal says they went before (informational).
    pub sent_before: Vec<(String, String)>,
    /// Letters of this run the journal shows as accepted before, under the same Message-ID
    /// (a signer whose row was fixed, say): counted, not listed.
    pub accepted_before: usize,
    /// How many letters were not tried because the run stopped early; the first [`SHOWN`]
    /// are in `left`.
    pub left_count: usize,
    /// Letters not tried because the run stopped early.
    pub left: Vec<String>,
    pub stopped: Option<String>,
    /// Letters left for a later run by --limit.
    pub beyond_limit: usize,
    /// Set while held-back letters are being added.
    holding: bool,
    /// Rows of a signers file left out (bulk sends).
    pub skipped: usize,
}

/// A `delivery` line of the JSON Lines.
#[derive(serde::Serialize)]
struct DeliveryLine<'a> {
    campaign: &'a str,
    letter: &'a str,
    message_id: &'a str,
    state: &'a str,
    reply: &'a str,
    recipients: &'a [Recipient],
}

impl Report {
    /// Counts a letter's outcome (its state in the journal's words), and prints it as a JSON
    /// line under `--format json`.
    fn add(
        &mut self,
        state: State,
        id: String,
        message_id: &str,
        reply: String,
        recipients: &[Recipient],
    ) {
        if let Some(campaign) = &self.json {
            let line = crate::output::json_line(
                "delivery",
                &DeliveryLine {
                    campaign,
                    letter: &id,
                    message_id,
                    state: if state == State::Accepted && !self.holding {
                        "accepted"
                    } else if self.holding {
                        "held"
                    } else {
                        state.label()
                    },
                    reply: &reply,
                    recipients,
                },
            );
            let mut out = std::io::stdout().lock();
            let _ = std::io::Write::write_all(&mut out, line.as_bytes());
            let _ = std::io::Write::flush(&mut out);
        }
        self.refused.extend(
            recipients
                .iter()
                .filter(|r| r.state != Reception::Accepted)
                .map(|r| (id.clone(), r.clone())),
        );
        let list = match state {
            State::Accepted if self.holding => &mut self.sent_before,
            State::Accepted => {
                self.accepted_count += 1;
                if self.accepted.len() >= SHOWN {
                    return;
                }
                &mut self.accepted
            }
            State::Failed => &mut self.failed,
            State::Unknown => &mut self.unknown,
            _ => &mut self.deferred,
        };
        list.push((id, reply));
    }

    /// A letter held back by what the journal says.
    fn held(
        &mut self,
        state: State,
        id: String,
        message_id: &str,
        why: String,
        recipients: &[Recipient],
    ) {
        self.holding = true;
        self.add(state, id, message_id, why, recipients);
        self.holding = false;
    }

    /// The held-back letters, with why.
    fn held_lines(&self) -> Vec<(&str, &str)> {
        self.failed
            .iter()
            .chain(&self.unknown)
            .chain(&self.sent_before)
            .map(|(id, why)| (id.as_str(), why.as_str()))
            .collect()
    }

    /// Every letter this run set out to send was accepted by all its addressees (letters beyond
    /// --limit aside).
    pub fn all_accepted(&self) -> bool {
        self.stopped.is_none()
            && self.deferred.is_empty()
            && self.failed.is_empty()
            && self.unknown.is_empty()
            && self.left_count == 0
    }
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

/// What the journal says to do with a letter.
enum Decision {
    /// Send it, to these recipients (all, or those still waiting for it), knowing what became
    /// of the others.
    Send(Vec<Address>, Vec<Recipient>),
    /// It was accepted before.
    Done,
    /// Not in this run, as the report will say.
    Hold(State, String, Vec<Recipient>),
}

fn decide(o: &Outgoing, replay: &Replay, opts: &Options) -> Decision {
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
struct Plan {
    todo: usize,
    /// The Message-IDs of the letters to send: the second pass sends these and no others.
    ids: std::collections::HashSet<String>,
    /// The first [`SHOWN`] letters to send: id and recipients.
    shown: Vec<(String, Vec<Address>)>,
    from: Option<Address>,
    /// Letters the journal shows as accepted before: not sent again.
    before: usize,
}

/// How many letters the plan lists one by one; the rest are counted.
const SHOWN: usize = 30;

fn plan(
    letters: &mut dyn Letters,
    replay: &Replay,
    opts: &Options,
    now: Timestamp,
    report: &mut Report,
) -> Result<Plan> {
    let mut p = Plan::default();
    // Under --format json the envelopes would break the JSON Lines: the plan says enough.
    let mut dry =
        (opts.dry_run && !opts.json).then(|| std::io::BufWriter::new(std::io::stdout().lock()));
    letters.each(&mut |l| {
        if !l.is_email() {
            return Ok(());
        }
        // A message that cannot be built is found before any goes: its headers are built now
        // (what can fail), the whole message only to show it. Sending builds it once more.
        let o = outgoing(&l, now, dry.is_some())?;
        if dry.is_none() {
            mime::check(&l, now)?;
        }
        match decide(&o, replay, opts) {
            Decision::Done => p.before += 1,
            Decision::Hold(state, why, known) => {
                report.held(state, o.id, &o.message_id, why, &known);
            }
            Decision::Send(..) if opts.limit.is_some_and(|n| p.todo >= n) => {
                report.beyond_limit += 1;
            }
            Decision::Send(recipients, _) => {
                p.todo += 1;
                p.ids.insert(o.message_id.clone());
                p.from.get_or_insert_with(|| o.from.clone());
                if let Some(out) = &mut dry {
                    print_envelope(out, &o, &recipients)?;
                }
                if p.shown.len() < SHOWN {
                    p.shown.push((o.id, recipients));
                }
            }
        }
        Ok(())
    })?;
    if let Some(mut out) = dry {
        std::io::Write::flush(&mut out)?;
    }
    report.accepted_before = p.before;
    Ok(p)
}

/// What `run` would send, without asking or sending: how many letters, the plan in words, and
/// how many letters the journal holds back (failed or unknown before).
pub fn plan_only(
    root: &std::path::Path,
    campaign: &str,
    letters: &mut dyn Letters,
    delivery: Option<&Delivery>,
    opts: &Options,
    now: Timestamp,
) -> Result<(usize, String, usize)> {
    let replay = Journal::read(root, campaign)?;
    let mut report = Report::default();
    let p = plan(letters, &replay, opts, now, &mut report)?;
    let held = report.failed.len() + report.unknown.len();
    Ok((p.todo, describe(&p, delivery), held))
}

/// Runs `outcry send` for the letters of one campaign: plans, confirms, then renders and
/// sends in step (a thread renders ahead of the connection, a few letters at most).
pub fn run(
    root: &std::path::Path,
    campaign: &str,
    letters: &mut dyn Letters,
    delivery: Option<&Delivery>,
    opts: &Options,
    now: Timestamp,
) -> Result<Report> {
    let mut report = Report {
        json: opts.json.then(|| campaign.to_string()),
        ..Report::default()
    };
    if opts.dry_run {
        let replay = Journal::read(root, campaign)?;
        let p = plan(letters, &replay, opts, now, &mut report)?;
        crate::output::note(describe(&p, delivery).trim_end());
        for (id, why) in report.held_lines() {
            crate::output::note(&format!("  {id:<28} held back: {why}"));
        }
        crate::output::note("dry run: nothing was sent, no connection was made");
        return Ok(report);
    }
    let Some(delivery) = delivery else {
        bail!(crate::diag::Error::Usage(
            "no way to send: set an [smtp] table (see README, Sending)".into()
        ));
    };
    let (mut journal, replay) = Journal::open(root, campaign)?;
    let p = plan(letters, &replay, opts, now, &mut report)?;
    if p.todo == 0 {
        if report.held_lines().is_empty() {
            crate::output::note(&format!(
                "nothing to send: every e-mail letter of {campaign} was accepted before (see `outcry status {campaign}`)"
            ));
        } else {
            crate::output::note(&format!(
                "nothing to send now: {} letter(s) held back (see below)",
                report.held_lines().len()
            ));
        }
        return Ok(report);
    }
    confirm(campaign, &p, delivery, opts)?;
    let mut transport = open_transport(delivery)?;
    let (tx, rx) = std::sync::mpsc::sync_channel::<(Outgoing, Vec<Address>, Vec<Recipient>)>(16);
    let total = p.todo;
    let mut confirmed = p.ids;
    let result = std::thread::scope(|scope| -> Result<()> {
        let replay = &replay;
        let producer = scope.spawn(move || -> Result<()> {
            let rendered = letters.each(&mut |l| {
                if confirmed.is_empty() {
                    // Every confirmed letter is on its way: render no more.
                    return Err(Enough.into());
                }
                // Only letters that were in the confirmed plan go, each once.
                if !l.is_email() || !l.message_id.as_ref().is_some_and(|id| confirmed.remove(id)) {
                    return Ok(());
                }
                let o = outgoing(&l, now, true)?;
                if let Decision::Send(recipients, known) = decide(&o, replay, opts) {
                    // The receiver is gone only when delivery stopped with an error.
                    if tx.send((o, recipients, known)).is_err() {
                        return Err(Enough.into());
                    }
                }
                Ok(())
            });
            match rendered {
                Err(e) if e.is::<Enough>() => Ok(()),
                other => other,
            }
        });
        let delivered = deliver_all(
            &mut journal,
            transport.as_mut(),
            rx,
            total,
            delivery.rate,
            &mut report,
        );
        let rendered = producer
            .join()
            .map_err(|_| anyhow::anyhow!("rendering the letters failed"))?;
        delivered?;
        rendered
    });
    transport.close();
    if let Err(e) = result {
        // What went is journaled and reported; the rest waits for the next run.
        report.stopped = Some(format!("stopped: {e:#}"));
    }
    Ok(report)
}

/// The producer has rendered every letter it needs to.
#[derive(Debug, thiserror::Error)]
#[error("enough")]
struct Enough;

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
    }
}

/// Sends in order, one connection, paced; deferred letters get two more tries at the end.
fn deliver_all(
    journal: &mut Journal,
    t: &mut dyn Transport,
    fresh: std::sync::mpsc::Receiver<(Outgoing, Vec<Address>, Vec<Recipient>)>,
    total: usize,
    rate: f64,
    report: &mut Report,
) -> Result<()> {
    let interval = Duration::from_secs_f64(60.0 / rate);
    let bar = progress(total);
    let mut last_start: Option<Instant> = None;
    let mut consecutive = 0;
    let mut fresh = fresh.into_iter();
    let mut queue: std::collections::VecDeque<(Attempt, usize)> = std::collections::VecDeque::new();
    loop {
        let (a, tries) = if let Some((o, recipients, known)) = fresh.next() {
            let a = Attempt {
                o: std::rc::Rc::new(o),
                recipients,
                known,
            };
            journal.note(&record(&a.o, State::Planned, None, &a.known))?;
            (a, 0)
        } else if let Some(next) = queue.pop_front() {
            next
        } else {
            break;
        };
        let o = a.o.clone();
        if consecutive >= MAX_CONSECUTIVE_FAILURES {
            report.left_count += 1;
            if report.left.len() < SHOWN {
                report.left.push(o.id.clone());
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
        let mut on_body = || {
            journal
                .record(&record(&o, State::Sending, None, &a.known))
                .map_err(|e| format!("{e:#}"))
        };
        let mut outcome = t.deliver(&o.from, &a.recipients, &o.message, &mut on_body);
        if let Outcome::NotSent(why) = &outcome {
            // The connection was down or dropped before the body: reconnect once and retry.
            let why = why.clone();
            outcome = match t.deliver(&o.from, &a.recipients, &o.message, &mut on_body) {
                Outcome::NotSent(again) => {
                    Outcome::NotSent(format!("{why}; after reconnecting: {again}"))
                }
                other => other,
            };
        }
        match settle(journal, &a, tries, outcome, &mut queue, report)? {
            Streak::Reset => consecutive = 0,
            Streak::Grow => consecutive += 1,
            Streak::Keep => {}
        }
        if consecutive >= MAX_CONSECUTIVE_FAILURES && report.stopped.is_none() {
            report.stopped = Some(format!(
                "stopped after {consecutive} letters in a row could not go (the connection or the account, not the letters)"
            ));
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

/// What a letter's outcome does to the run of consecutive failures.
enum Streak {
    Reset,
    Grow,
    Keep,
}

/// Journals an outcome, queues a retry where one is due, and reports it.
fn settle(
    journal: &mut Journal,
    a: &Attempt,
    tries: usize,
    outcome: Outcome,
    queue: &mut std::collections::VecDeque<(Attempt, usize)>,
    report: &mut Report,
) -> Result<Streak> {
    let o = &a.o;
    let mut known = a.known.clone();
    let mut streak = Streak::Keep;
    // Whether the server refused the sender rather than the letter: no retry in this run.
    let mut account = false;
    let reply = match outcome {
        Outcome::Accepted { reply, refused } => {
            streak = Streak::Reset;
            let taken = (Reception::Accepted, reply.as_str());
            recipients::mark_replies(o, &mut known, &a.recipients, &refused, taken);
            reply
        }
        Outcome::Refused(refused) => {
            let taken = (Reception::Refused, "");
            recipients::mark_replies(o, &mut known, &a.recipients, &refused, taken);
            String::new()
        }
        Outcome::Deferred {
            reply,
            account: of_account,
        } => {
            if of_account {
                streak = Streak::Grow;
                account = true;
            }
            for r in &a.recipients {
                recipients::mark(o, &mut known, r, Reception::Deferred, &reply);
            }
            reply
        }
        Outcome::NotSent(reply) => {
            streak = Streak::Grow;
            for r in &a.recipients {
                recipients::mark(o, &mut known, r, Reception::Deferred, &reply);
            }
            reply
        }
        Outcome::Failed { reply } => {
            for r in &a.recipients {
                recipients::mark(o, &mut known, r, Reception::Refused, &reply);
            }
            reply
        }
        Outcome::Unknown(reply) => {
            // The server may have it, for every recipient of this attempt or none.
            streak = Streak::Grow;
            journal.record(&record(o, State::Unknown, Some(reply.clone()), &known))?;
            report.add(State::Unknown, o.id.clone(), &o.message_id, reply, &known);
            return Ok(streak);
        }
    };
    let state = recipients::letter_state(&known);
    let note = recipients::note(&known, &reply);
    journal.record(&record(o, state, Some(note.clone()), &known))?;
    if state == State::Deferred && !account && tries < RETRY_PAUSES.len() {
        // Those turned away for now get another try later in this run.
        let waiting = known
            .iter()
            .filter(|k| k.state == Reception::Deferred)
            .filter_map(|k| k.address.parse().ok())
            .collect();
        queue.push_back((
            Attempt {
                o: o.clone(),
                recipients: waiting,
                known,
            },
            tries + 1,
        ));
    } else {
        report.add(state, o.id.clone(), &o.message_id, note, &known);
    }
    Ok(streak)
}

fn progress(n: usize) -> Option<indicatif::ProgressBar> {
    if !std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        return None;
    }
    let bar = indicatif::ProgressBar::with_draw_target(
        Some(n as u64),
        indicatif::ProgressDrawTarget::stderr(),
    );
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{pos}/{len} letters sent [{bar:30}] {elapsed}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    Some(bar)
}

/// The account letters go through, in words: "me at smtp.example.org:465 (TLS)".
pub fn account(delivery: Option<&Delivery>) -> String {
    let Some(delivery) = delivery else {
        return "no transport yet (set [smtp] to send)".into();
    };
    match &delivery.transport {
        TransportConfig::Smtp(s) => format!(
            "{}{}:{} ({})",
            s.username
                .as_ref()
                .map(|u| format!("{u} at "))
                .unwrap_or_default(),
            s.host,
            s.port,
            match s.security {
                crate::config::Security::Tls => "TLS",
                crate::config::Security::StartTls => "STARTTLS",
                crate::config::Security::None => "unencrypted, this machine only",
            }
        ),
        TransportConfig::Sendmail(p) => format!("the local mail system ({})", p.display()),
    }
}

fn describe(p: &Plan, delivery: Option<&Delivery>) -> String {
    let mut s = format!(
        "{} e-mail letter(s) from {} through {}:\n",
        p.todo,
        p.from.as_ref().map(ToString::to_string).unwrap_or_default(),
        account(delivery)
    );
    for (id, recipients) in &p.shown {
        let rcpts: Vec<String> = recipients.iter().map(ToString::to_string).collect();
        let _ = writeln!(s, "  {id:<28} {}", rcpts.join(", "));
    }
    if p.todo > p.shown.len() {
        let _ = writeln!(s, "  ... and {} more", p.todo - p.shown.len());
    }
    if p.before > 0 {
        let _ = writeln!(
            s,
            "  ({} letter(s) accepted before: not sent again)",
            p.before
        );
    }
    s
}

fn confirm(campaign: &str, p: &Plan, delivery: &Delivery, opts: &Options) -> Result<()> {
    let plan = describe(p, Some(delivery));
    if opts.yes {
        crate::output::note(plan.trim_end());
    } else {
        // What is asked about is shown, --quiet or not.
        crate::output::say(plan.trim_end_matches('\n'));
    }
    if opts.yes {
        return Ok(());
    }
    if !prompt::interactive() {
        return Err(crate::diag::Error::Usage(format!(
            "no terminal to confirm on: review with `outcry send {campaign} --dry-run`, then pass --yes"
        ))
        .into());
    }
    if prompt::confirm("Send these letters now?")? {
        Ok(())
    } else {
        bail!(crate::diag::Error::NotConfirmed)
    }
}

fn open_transport(delivery: &Delivery) -> Result<Box<dyn Transport>> {
    match &delivery.transport {
        TransportConfig::Sendmail(path) => Ok(Box::new(Sendmail { path: path.clone() })),
        TransportConfig::Smtp(s) => {
            let password = password(s)?;
            let mut smtp = Smtp::new(s.clone(), password)?;
            // Connect now, so that a wrong setting is reported before any letter is journaled as sending.
            smtp.connect().map_err(|e| anyhow::anyhow!(e))?;
            Ok(Box::new(smtp))
        }
    }
}

/// Connects, secures and logs in to the configured server, sends nothing, and says how it went.
pub fn check_account(s: &SmtpSettings) -> Result<String> {
    let password = password(s)?;
    let mut smtp = Smtp::new(s.clone(), password)?;
    smtp.connect().map_err(|e| anyhow::anyhow!(e))?;
    smtp.close();
    let security = match s.security {
        crate::config::Security::Tls => "over TLS",
        crate::config::Security::StartTls => "over STARTTLS",
        crate::config::Security::None => "unencrypted (this machine only)",
    };
    Ok(match &s.username {
        Some(u) => format!(
            "connected to {}:{} {security} and logged in as {u}",
            s.host, s.port
        ),
        None => format!(
            "connected to {}:{} {security} (no login configured)",
            s.host, s.port
        ),
    })
}

/// The SMTP password: from password-cmd, `OUTCRY_SMTP_PASSWORD`, or a hidden prompt.
fn password(s: &SmtpSettings) -> Result<Option<SecretString>> {
    if s.username.is_none() {
        return Ok(None);
    }
    match &s.password {
        PasswordSource::Command(argv) => {
            let out = std::process::Command::new(&argv[0])
                .args(&argv[1..])
                .env_remove("OUTCRY_SMTP_PASSWORD")
                .stdin(std::process::Stdio::null())
                .stderr(std::process::Stdio::inherit())
                .output()
                .with_context(|| format!("cannot run password-cmd {:?}", argv[0]))?;
            if !out.status.success() {
                bail!("password-cmd {:?} failed ({})", argv[0], out.status);
            }
            let text = String::from_utf8(out.stdout)
                .context("password-cmd printed something that is not UTF-8")?;
            // The first line, as `pass show` prints the password above any notes.
            let pass = text.lines().next().unwrap_or_default();
            if pass.is_empty() {
                bail!("password-cmd {:?} printed no password", argv[0]);
            }
            Ok(Some(SecretString::from(pass.to_string())))
        }
        PasswordSource::EnvOrPrompt => {
            if let Ok(p) = std::env::var("OUTCRY_SMTP_PASSWORD")
                && !p.is_empty()
            {
                return Ok(Some(SecretString::from(p)));
            }
            if prompt::interactive() {
                return prompt::password(&format!(
                    "Password for {} at {}",
                    s.username.as_deref().unwrap_or(""),
                    s.host
                ))
                .map(Some);
            }
            Err(crate::diag::Error::Usage(
                "no SMTP password: set password-cmd in [smtp], or OUTCRY_SMTP_PASSWORD, or run on a terminal to be asked".into(),
            )
            .into())
        }
    }
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
    out.write_all(
        String::from_utf8_lossy(&o.message)
            .replace("\r\n", "\n")
            .as_bytes(),
    )?;
    writeln!(out)?;
    Ok(())
}

/// The summary on stderr (and as a `summary` JSON line under `--format json`).
pub fn print_report(campaign: &str, r: &Report) {
    #[derive(serde::Serialize)]
    struct Summary<'a> {
        campaign: &'a str,
        accepted: usize,
        deferred: usize,
        failed: usize,
        unknown: usize,
        not_sent_again: usize,
        accepted_before: usize,
        not_tried: usize,
        beyond_limit: usize,
        skipped: usize,
        stopped: Option<&'a str>,
        /// Every recipient that does not have its letter, and what the server said.
        refused: Vec<RefusedLine<'a>>,
    }
    #[derive(serde::Serialize)]
    struct RefusedLine<'a> {
        letter: &'a str,
        #[serde(flatten)]
        recipient: &'a Recipient,
    }
    if r.json.is_some() {
        let line = crate::output::json_line(
            "summary",
            &Summary {
                campaign,
                accepted: r.accepted_count,
                deferred: r.deferred.len(),
                failed: r.failed.len(),
                unknown: r.unknown.len(),
                not_sent_again: r.sent_before.len(),
                accepted_before: r.accepted_before,
                not_tried: r.left_count,
                beyond_limit: r.beyond_limit,
                skipped: r.skipped,
                stopped: r.stopped.as_deref(),
                refused: r
                    .refused
                    .iter()
                    .map(|(letter, recipient)| RefusedLine { letter, recipient })
                    .collect(),
            },
        );
        let mut out = std::io::stdout().lock();
        let _ = std::io::Write::write_all(&mut out, line.as_bytes());
        let _ = std::io::Write::flush(&mut out);
    }
    print_outcomes(campaign, r);
}

/// The outcome for people, on stderr.
fn print_outcomes(campaign: &str, r: &Report) {
    let section = |name: &str, v: &[(String, String)]| {
        if !v.is_empty() {
            crate::output::say(&format!("{name} {}:", v.len()));
            for (id, reply) in v {
                crate::output::say(&format!("  {id:<28} {reply}"));
            }
        }
    };
    // What went as it should is a note (`--quiet` leaves it out); what did not is always said.
    if r.accepted_count > 0 {
        crate::output::note(&format!("accepted {}:", r.accepted_count));
        for (id, reply) in &r.accepted {
            crate::output::note(&format!("  {id:<28} {reply}"));
        }
        if r.accepted_count > r.accepted.len() {
            crate::output::note(&format!(
                "  ... and {} more",
                r.accepted_count - r.accepted.len()
            ));
        }
    }
    section(
        "deferred (try again later: `outcry send` resends them)",
        &r.deferred,
    );
    section(
        "failed (refused by the server; `outcry send --retry-failed` tries them again)",
        &r.failed,
    );
    for (i, (id, reply)) in r.sent_before.iter().enumerate() {
        if i == 0 {
            crate::output::note(&format!("not sent again {}:", r.sent_before.len()));
        }
        crate::output::note(&format!("  {id:<28} {reply}"));
    }
    section(
        "unknown (the server may have them: `outcry send --retry-unknown` resends them)",
        &r.unknown,
    );
    if let Some(why) = &r.stopped {
        crate::output::say(&format!("{why}."));
    }
    if r.left_count > 0 {
        let more = if r.left_count > r.left.len() {
            ", ..."
        } else {
            ""
        };
        crate::output::say(&format!(
            "not tried {}: {}{more}",
            r.left_count,
            r.left.join(", ")
        ));
    }
    if r.beyond_limit > 0 {
        crate::output::say(&format!(
            "{} letter(s) left for a later run by --limit",
            r.beyond_limit
        ));
    }
    if r.left_count > 0 || r.beyond_limit > 0 || !r.deferred.is_empty() {
        crate::output::say(&format!(
            "run `outcry send {campaign}` again to send what is left"
        ));
    }
}

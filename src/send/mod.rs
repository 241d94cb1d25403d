//! Sending: deliver a campaign's e-mail letters, lose none, send none twice.
//!
//! Every letter is rendered (with its stable Message-ID) before the first one goes. The
//! journal ([`journal`]) records each letter's state before and after its transmission, so a
//! run that is interrupted anywhere can be resumed: accepted letters are never sent again, and
//! a letter whose fate is unknown is only resent on request. [`transport`] talks to the server.

pub mod journal;
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
use journal::{Journal, Record, Replay, State};
use transport::{Outcome, Refusal, Sendmail, Smtp, Transport};

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
}

/// An e-mail letter ready for the wire.
struct Outgoing<'a> {
    letter: &'a Letter,
    message_id: String,
    from: Address,
    /// To, then Cc, then Bcc.
    recipients: Vec<Address>,
    /// How many of `recipients` are the letter's addressees (its To).
    addressees: usize,
    message: Vec<u8>,
}

/// One delivery attempt: a letter, to all its recipients or to those still waiting for it.
#[derive(Clone)]
struct Attempt<'b, 'a> {
    o: &'b Outgoing<'a>,
    recipients: Vec<Address>,
}

/// How the run ended, for the summary and the exit code.
#[derive(Debug, Default)]
pub struct Report {
    pub accepted: Vec<(String, String)>,
    pub deferred: Vec<(String, String)>,
    pub failed: Vec<(String, String)>,
    pub unknown: Vec<(String, String)>,
    /// Letters not sent because the journal says they went before (informational).
    pub sent_before: Vec<(String, String)>,
    /// Letters not tried because the run stopped early.
    pub left: Vec<String>,
    pub stopped: Option<String>,
    /// Letters left for a later run by --limit.
    pub beyond_limit: usize,
}

impl Report {
    /// Every letter this run set out to send was accepted by all its addressees (letters beyond
    /// --limit aside).
    pub fn all_accepted(&self) -> bool {
        self.deferred.is_empty()
            && self.failed.is_empty()
            && self.unknown.is_empty()
            && self.left.is_empty()
    }
}

fn outgoing(letters: &[Letter], now: Timestamp) -> Result<Vec<Outgoing<'_>>> {
    letters
        .iter()
        .filter(|l| l.is_email())
        .map(|l| {
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
                letter: l,
                message_id: l.message_id.clone().unwrap_or_default(),
                from: parse(&l.from.email)?,
                recipients,
                addressees: l.to.len(),
                message: mime::message(l, now, Purpose::Send)?,
            })
        })
        .collect()
}

/// Which letters this run sends, and to whom, given what the journal says; and which it holds
/// back, with the reason, and how they count in the report.
#[allow(clippy::type_complexity)]
fn pending<'b, 'a>(
    out: &'b [Outgoing<'a>],
    replay: &Replay,
    opts: &Options,
) -> (Vec<Attempt<'b, 'a>>, Vec<(&'b Outgoing<'a>, State, String)>) {
    let (mut todo, mut held) = (Vec::new(), Vec::new());
    for o in out {
        let last = replay.last(&o.message_id);
        if last.is_none()
            && let Some(before) = replay.last_of_letter(&o.letter.id)
            && matches!(
                replay.state(&before.message_id),
                Some(State::Accepted | State::Unknown | State::Sending)
            )
        {
            // The Message-ID changed (another sender address, campaign or issue date): the
            // letter went before under its old one.
            held.push((o, State::Accepted, format!("sent before as {}; not sent again (the sender, campaign or issue date changed since)", before.message_id)));
            continue;
        }
        let last_reply = last.and_then(|r| r.reply.clone()).unwrap_or_default();
        match replay.state(&o.message_id) {
            Some(State::Accepted) => {}
            Some(State::Unknown) if !opts.retry_unknown => held.push((
                o,
                State::Unknown,
                format!("{last_reply} (not resent: use --retry-unknown)"),
            )),
            Some(State::Failed) if !opts.retry_failed => held.push((
                o,
                State::Failed,
                format!("{last_reply} (not resent: use --retry-failed)"),
            )),
            _ => {
                let waiting: Vec<Address> = last
                    .map(|r| r.remaining.iter().filter_map(|a| a.parse().ok()).collect())
                    .unwrap_or_default();
                let recipients = if waiting.is_empty() {
                    o.recipients.clone()
                } else {
                    waiting
                };
                todo.push(Attempt { o, recipients });
            }
        }
    }
    if let Some(n) = opts.limit {
        todo.truncate(n);
    }
    (todo, held)
}

/// Runs `outcry send` for the rendered letters of one campaign.
pub fn run(
    root: &std::path::Path,
    campaign: &str,
    letters: &[Letter],
    delivery: Option<&Delivery>,
    opts: &Options,
    now: Timestamp,
) -> Result<Report> {
    let out = outgoing(letters, now)?;
    if opts.dry_run {
        let replay = Journal::read(root, campaign)?;
        let (todo, held) = pending(&out, &replay, opts);
        print_dry_run(&todo, &held, delivery);
        return Ok(Report::default());
    }
    let Some(delivery) = delivery else {
        bail!(crate::diag::Usage(
            "no way to send: set an [smtp] table (see README, Sending)".into()
        ));
    };
    let (mut journal, replay) = Journal::open(root, campaign)?;
    let (todo, held) = pending(&out, &replay, opts);
    let mut report = Report::default();
    for (o, state, why) in &held {
        let entry = (o.letter.id.clone(), why.clone());
        match state {
            State::Unknown => report.unknown.push(entry),
            State::Failed => report.failed.push(entry),
            _ => report.sent_before.push(entry),
        }
    }
    if let Some(n) = opts.limit {
        report.beyond_limit = out
            .iter()
            .filter(|o| replay.state(&o.message_id) != Some(State::Accepted))
            .count()
            .saturating_sub(n + held.len());
    }
    if todo.is_empty() {
        if held.is_empty() {
            eprintln!(
                "nothing to send: every e-mail letter of {campaign} was accepted before (see `outcry status {campaign}`)"
            );
        } else {
            eprintln!(
                "nothing to send now: {} letter(s) held back (see below)",
                held.len()
            );
        }
        return Ok(report);
    }
    confirm(campaign, &todo, delivery, opts)?;
    let mut transport = open_transport(delivery)?;
    for a in &todo {
        if replay.state(&a.o.message_id).is_none() {
            journal.note(&record(a.o, State::Planned, None))?;
        }
    }
    journal.sync()?;
    deliver_all(
        &mut journal,
        transport.as_mut(),
        &todo,
        delivery.rate,
        &mut report,
    )?;
    transport.close();
    Ok(report)
}

fn record(o: &Outgoing<'_>, state: State, reply: Option<String>) -> Record {
    Record {
        time: Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        letter: o.letter.id.clone(),
        message_id: o.message_id.clone(),
        state,
        reply,
        refused: Vec::new(),
        remaining: Vec::new(),
    }
}

fn refusals(refused: &[Refusal]) -> Vec<String> {
    refused
        .iter()
        .map(|r| format!("{}: {}", r.recipient, r.reply))
        .collect()
}

/// Sends in order, one connection, paced; deferred letters get two more tries at the end.
fn deliver_all<'b, 'a>(
    journal: &mut Journal,
    t: &mut dyn Transport,
    todo: &[Attempt<'b, 'a>],
    rate: f64,
    report: &mut Report,
) -> Result<()> {
    let interval = Duration::from_secs_f64(60.0 / rate);
    let bar = progress(todo.len());
    let mut last_start: Option<Instant> = None;
    let mut consecutive = 0;
    let mut queue: Vec<(Attempt<'b, 'a>, usize)> = todo.iter().map(|a| (a.clone(), 0)).collect();
    let mut i = 0;
    while i < queue.len() {
        let (a, tries) = queue[i].clone();
        let o = a.o;
        i += 1;
        if consecutive >= MAX_CONSECUTIVE_FAILURES {
            report.left.push(o.letter.id.clone());
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
                .record(&record(o, State::Sending, None))
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
fn settle<'b, 'a>(
    journal: &mut Journal,
    a: &Attempt<'b, 'a>,
    tries: usize,
    outcome: Outcome,
    queue: &mut Vec<(Attempt<'b, 'a>, usize)>,
    report: &mut Report,
) -> Result<Streak> {
    let mut streak = Streak::Keep;
    let o = a.o;
    let id = o.letter.id.clone();
    let retry = |queue: &mut Vec<(Attempt<'b, 'a>, usize)>, recipients: Vec<Address>| {
        let again = tries < RETRY_PAUSES.len();
        if again {
            queue.push((Attempt { o, recipients }, tries + 1));
        }
        again
    };
    match outcome {
        Outcome::Accepted { reply, refused } => {
            streak = Streak::Reset;
            let waiting: Vec<Address> = refused
                .iter()
                .filter(|r| r.transient)
                .map(|r| r.recipient.clone())
                .collect();
            let lost_addressee = refused
                .iter()
                .any(|r| !r.transient && o.recipients[..o.addressees].contains(&r.recipient));
            let mut rec = record(
                o,
                if waiting.is_empty() {
                    State::Accepted
                } else {
                    State::Deferred
                },
                Some(reply.clone()),
            );
            rec.refused = refusals(&refused);
            rec.remaining = waiting.iter().map(ToString::to_string).collect();
            journal.record(&rec)?;
            let note = if refused.is_empty() {
                reply
            } else {
                format!("{reply}; refused: {}", rec.refused.join("; "))
            };
            if !waiting.is_empty() {
                if !retry(queue, waiting) {
                    report.deferred.push((id, note));
                }
            } else if lost_addressee {
                report.failed.push((id, note));
            } else {
                report.accepted.push((id, note));
            }
        }
        Outcome::Deferred { reply, account } => {
            if account {
                streak = Streak::Grow;
            }
            let mut rec = record(o, State::Deferred, Some(reply.clone()));
            if a.recipients.len() < o.recipients.len() {
                rec.remaining = a.recipients.iter().map(ToString::to_string).collect();
            }
            journal.record(&rec)?;
            if account || !retry(queue, a.recipients.clone()) {
                report.deferred.push((id, reply));
            }
        }
        Outcome::NotSent(reply) => {
            streak = Streak::Grow;
            journal.record(&record(o, State::Deferred, Some(reply.clone())))?;
            if !retry(queue, a.recipients.clone()) {
                report.deferred.push((id, reply));
            }
        }
        Outcome::Failed { reply } => {
            journal.record(&record(o, State::Failed, Some(reply.clone())))?;
            report.failed.push((id, reply));
        }
        Outcome::Unknown(reply) => {
            streak = Streak::Grow;
            journal.record(&record(o, State::Unknown, Some(reply.clone())))?;
            report.unknown.push((id, reply));
        }
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

fn describe(todo: &[Attempt<'_, '_>], delivery: Option<&Delivery>) -> String {
    let mut s = format!(
        "{} e-mail letter(s) from {} through {}:\n",
        todo.len(),
        todo.first()
            .map(|a| a.o.from.to_string())
            .unwrap_or_default(),
        account(delivery)
    );
    for a in todo {
        let rcpts: Vec<String> = a.recipients.iter().map(ToString::to_string).collect();
        let _ = writeln!(s, "  {:<28} {}", a.o.letter.id, rcpts.join(", "));
    }
    s
}

/// The person answered no to "Send these letters now?".
#[derive(Debug, thiserror::Error)]
#[error("nothing sent: not confirmed")]
pub struct NotConfirmed;

fn confirm(
    campaign: &str,
    todo: &[Attempt<'_, '_>],
    delivery: &Delivery,
    opts: &Options,
) -> Result<()> {
    eprint!("{}", describe(todo, Some(delivery)));
    if opts.yes {
        return Ok(());
    }
    if !prompt::interactive() {
        return Err(crate::diag::Usage(format!(
            "no terminal to confirm on: review with `outcry send {campaign} --dry-run`, then pass --yes"
        ))
        .into());
    }
    if prompt::confirm("Send these letters now?")? {
        Ok(())
    } else {
        bail!(NotConfirmed)
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
            Err(crate::diag::Usage(
                "no SMTP password: set password-cmd in [smtp], or OUTCRY_SMTP_PASSWORD, or run on a terminal to be asked".into(),
            )
            .into())
        }
    }
}

fn print_dry_run(
    todo: &[Attempt<'_, '_>],
    held: &[(&Outgoing<'_>, State, String)],
    delivery: Option<&Delivery>,
) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    for a in todo {
        let _ = writeln!(out, "=== {} ===", a.o.letter.id);
        let _ = writeln!(out, "MAIL FROM:<{}>", a.o.from);
        for r in &a.recipients {
            let _ = writeln!(out, "RCPT TO:<{r}>");
        }
        let _ = writeln!(out);
        let _ = out.write_all(
            String::from_utf8_lossy(&a.o.message)
                .replace("\r\n", "\n")
                .as_bytes(),
        );
        let _ = writeln!(out);
    }
    eprint!("{}", describe(todo, delivery));
    for (o, _, why) in held {
        eprintln!("  {:<28} held back: {why}", o.letter.id);
    }
    eprintln!("dry run: nothing was sent, no connection was made");
}

/// The summary on stderr.
pub fn print_report(campaign: &str, r: &Report) {
    let section = |name: &str, v: &[(String, String)]| {
        if !v.is_empty() {
            eprintln!("{name} {}:", v.len());
            for (id, reply) in v {
                eprintln!("  {id:<28} {reply}");
            }
        }
    };
    section("accepted", &r.accepted);
    section(
        "deferred (try again later: `outcry send` resends them)",
        &r.deferred,
    );
    section(
        "failed (refused by the server; `outcry send --retry-failed` tries them again)",
        &r.failed,
    );
    section("not sent again", &r.sent_before);
    section(
        "unknown (the server may have them: `outcry send --retry-unknown` resends them)",
        &r.unknown,
    );
    if let Some(why) = &r.stopped {
        eprintln!("{why}.");
    }
    if !r.left.is_empty() {
        eprintln!("not tried {}: {}", r.left.len(), r.left.join(", "));
    }
    if r.beyond_limit > 0 {
        eprintln!(
            "{} letter(s) left for a later run by --limit",
            r.beyond_limit
        );
    }
    if !r.left.is_empty() || r.beyond_limit > 0 || !r.deferred.is_empty() {
        eprintln!("run `outcry send {campaign}` again to send what is left");
    }
}

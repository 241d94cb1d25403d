//! The journal: an append-only record of what happened to each letter of a campaign, in
//! `.outcry/journal/<campaign>.jsonl` (folder 0700, file 0600), one JSON object a line, each
//! line synced to disk before outcry goes on. An exclusive lock on the file keeps two runs of
//! the same campaign from sending at once. Replaying it tells a new run what is left to do.
//!
//! Every line is sealed with the writer's key ([`super::seal`]): a journal that came with the
//! workspace, or was edited by hand, is refused rather than believed.
//!
//! Phone calls (`outcry call`) are lines of the same journal ([`call`]), written with
//! [`Journal::record_call`] (sealed and synced like `sending`). Reading: [`Replay::letters`]
//! gives each letter's last record (never a call), [`Replay::calls`] every [`CallRecord`]
//! (time, target key, number in E.164, [`Outcome`], note) in the order made; a second call
//! to a target is another record. Drafting runs are lines too ([`draft`],
//! [`Journal::record_drafts`]): [`Replay::drafted`] says when a letter was first written as a
//! draft. [`Journal::read`] replays without locking (for `status` and reports).

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use super::seal::{self, Broken, Key, Seal};

pub mod call;
pub mod draft;
pub use call::{CallRecord, Outcome};

/// A letter's state. The order of the journal is the order of events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Rendered, to be sent.
    Planned,
    /// The body is being transmitted. Found last in a journal, it means the run died there.
    Sending,
    /// The server took responsibility for it (2xx after the body).
    Accepted,
    /// A temporary refusal (4xx): retried later in the run and by the next run.
    Deferred,
    /// A permanent refusal (5xx): not retried in this run.
    Failed,
    /// The connection was lost after the body was sent: the server may have it. Never resent
    /// automatically; `outcry send --retry-unknown` resends it with the same Message-ID.
    Unknown,
    /// A state written by a newer outcry: read as `unknown` (held back, resent only with
    /// `--retry-unknown`). outcry records it only on a call's line (see [`call`]), which
    /// is no letter's.
    #[serde(other, rename = "newer")]
    Newer,
}

impl State {
    pub fn label(self) -> &'static str {
        match self {
            State::Planned => "planned",
            State::Sending => "sending",
            State::Accepted => "accepted",
            State::Deferred => "deferred",
            State::Failed => "failed",
            State::Unknown | State::Newer => "unknown",
        }
    }
}

/// One line of the journal.
///
/// Unlike the configuration, the journal is outcry's own and must outlive versions: a field
/// this version does not know (written by a newer outcry) is ignored, so that an upgrade or a
/// downgrade never blocks a send. A field may be added; none may change meaning.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    /// UTC, RFC 3339.
    pub time: String,
    pub letter: String,
    pub message_id: String,
    pub state: State,
    /// The server's reply, or what went wrong.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
    /// What became of each recipient so far, over every attempt: those the server took the
    /// letter for are never sent it again. Empty until an attempt reaches the recipients.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub recipients: Vec<Recipient>,
    /// Lines written before `recipients`: recipients the server refused while accepting the
    /// others, as "address: reply". Read, no longer written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub refused: Vec<String>,
    /// Lines written before `recipients`: for a letter some of whose recipients were turned
    /// away for now, those still to get it (empty: all of them). Read, no longer written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remaining: Vec<String>,
    /// On a call's line, the call ([`call`]): the line is then no letter's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call: Option<call::Call>,
    /// On a drafting run's line, the letters written as drafts ([`draft`]): the line is then
    /// no letter's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drafts: Option<draft::Drafts>,
}

impl Record {
    /// The record with no control character in its text, for a terminal (see
    /// [`crate::fields::shown`]). What outcry writes has none; this holds for any line.
    fn printable(self) -> Record {
        let printable = |s: &str| crate::fields::shown(s).into_owned();
        let clean = |v: Vec<String>| v.iter().map(|s| printable(s)).collect();
        Record {
            time: printable(&self.time),
            letter: printable(&self.letter),
            message_id: printable(&self.message_id),
            state: self.state,
            reply: self.reply.as_deref().map(printable),
            recipients: self
                .recipients
                .into_iter()
                .map(|k| Recipient {
                    address: printable(&k.address),
                    reply: k.reply.as_deref().map(printable),
                    ..k
                })
                .collect(),
            refused: clean(self.refused),
            remaining: clean(self.remaining),
            call: self.call.map(call::Call::printable),
            drafts: self.drafts.map(draft::Drafts::printable),
        }
    }
}

/// One recipient of a letter and what the server said for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Recipient {
    pub address: String,
    pub role: Role,
    pub state: Reception,
    /// The server's reply, for a recipient it refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reply: Option<String>,
}

/// How a recipient is addressed: the letter's addressee (To), or a copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    To,
    Cc,
    Bcc,
    /// Written by a newer outcry (kept as `unknown` when written again).
    #[serde(other, rename = "unknown")]
    Newer,
}

/// What the server said for one recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Reception {
    /// The server took the letter for this recipient: never sent to them again.
    Accepted,
    /// A permanent refusal (5xx, at RCPT TO or of the whole letter).
    Refused,
    /// A temporary refusal (4xx), or the letter did not go: to be sent again.
    Deferred,
    /// Written by a newer outcry: read as not having the letter, so that a retry sends it
    /// (kept as `unknown` when written again).
    #[serde(other, rename = "unknown")]
    Newer,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::To => "to",
            Role::Cc => "cc",
            Role::Bcc => "bcc",
            Role::Newer => "unknown",
        }
    }
}

impl Reception {
    pub fn label(self) -> &'static str {
        match self {
            Reception::Accepted => "accepted",
            Reception::Refused => "refused",
            Reception::Deferred => "deferred",
            Reception::Newer => "unknown",
        }
    }
}

/// What the journal says so far: the last record of each letter, by Message-ID, and every
/// call in the order made.
#[derive(Debug, Default)]
pub struct Replay {
    last: BTreeMap<String, Record>,
    calls: Vec<CallRecord>,
    /// When each letter id was first written as a draft.
    drafted: BTreeMap<String, String>,
    /// How many drafting runs the journal holds.
    drafting_runs: usize,
    order: Vec<String>,
    /// The Message-ID each letter id was last journaled under.
    by_letter: BTreeMap<String, String>,
}

impl FromIterator<Record> for Replay {
    /// The replay of these records, in order.
    fn from_iter<I: IntoIterator<Item = Record>>(records: I) -> Replay {
        let mut replay = Replay::default();
        records.into_iter().for_each(|r| replay.push(r));
        replay
    }
}

impl Replay {
    fn push(&mut self, r: Record) {
        if let Some(c) = CallRecord::of(&r) {
            self.calls.push(c);
            return;
        }
        if let Some(d) = &r.drafts {
            for letter in &d.letters {
                // The first time: drafting again is no news for a report.
                self.drafted
                    .entry(letter.clone())
                    .or_insert_with(|| r.time.clone());
            }
            self.drafting_runs += 1;
            return;
        }
        if !self.last.contains_key(&r.message_id) {
            self.order.push(r.message_id.clone());
        }
        self.by_letter
            .insert(r.letter.clone(), r.message_id.clone());
        self.last.insert(r.message_id.clone(), r);
    }

    /// The last record of a letter id, under whatever Message-ID it had.
    pub fn last_of_letter(&self, letter: &str) -> Option<&Record> {
        self.by_letter.get(letter).and_then(|id| self.last.get(id))
    }

    /// The state of a letter: a letter left `sending` by a run that died is `unknown`.
    pub fn state(&self, message_id: &str) -> Option<State> {
        self.last.get(message_id).map(|r| match r.state {
            State::Sending | State::Newer => State::Unknown,
            s => s,
        })
    }

    pub fn last(&self, message_id: &str) -> Option<&Record> {
        self.last.get(message_id)
    }

    /// Every call recorded, in the order made (a second call to a target is another record).
    pub fn calls(&self) -> &[CallRecord] {
        &self.calls
    }

    /// When the letter `letter` was first written as a draft (UTC, RFC 3339).
    pub fn drafted(&self, letter: &str) -> Option<&str> {
        self.drafted.get(letter).map(String::as_str)
    }

    /// Every letter's last record, in the order letters first appeared.
    pub fn letters(&self) -> impl Iterator<Item = &Record> {
        self.order.iter().filter_map(|id| self.last.get(id))
    }
}

/// The journal file of `campaign` under `root`.
pub fn path(root: &Path, campaign: &str) -> PathBuf {
    root.join(".outcry")
        .join("journal")
        .join(format!("{campaign}.jsonl"))
}

/// An open, locked journal.
pub struct Journal {
    file: File,
    shown: PathBuf,
    seal: Seal,
    /// The mac of the last line: the next one is sealed after it.
    last: String,
    /// How many calls the journal holds.
    calls: usize,
    /// How many drafting runs it holds.
    drafting_runs: usize,
}

impl Journal {
    /// Opens (creating) and locks the campaign's journal, and replays it. Makes the writer's
    /// journal key on first use.
    pub fn open(root: &Path, campaign: &str) -> Result<(Journal, Replay)> {
        let key = seal::load_key(true)?;
        Journal::open_with(root, campaign, key)
    }

    /// Opens the journal only if there is one (`None` if not), for records that must never be
    /// why a workspace has a journal: drafting runs. The journal key is not made here: a
    /// journal without it was not written on this account, and opening it says so.
    pub fn open_existing(root: &Path, campaign: &str) -> Result<Option<(Journal, Replay)>> {
        if !crate::files::taken(&path(root, campaign)) {
            return Ok(None);
        }
        let key = seal::load_key(false)?;
        Journal::open_with(root, campaign, key).map(Some)
    }

    fn open_with(root: &Path, campaign: &str, key: Option<Key>) -> Result<(Journal, Replay)> {
        let p = path(root, campaign);
        let shown = p.strip_prefix(root).unwrap_or(&p).to_path_buf();
        let dir = p.parent().unwrap_or(root);
        crate::files::create_dir_all(dir)?;
        crate::files::check_write_path(&p)?;
        let created = !crate::files::taken(&p);
        let mut file = crate::files::write_options()
            .read(true)
            .create(true)
            .truncate(false)
            .open(&p)
            .with_context(|| format!("cannot open the journal {}", shown.display()))?;
        crate::files::check_written(&file, &shown)?;
        if created {
            // A new file's name must reach the disk too.
            File::open(dir)
                .and_then(|d| d.sync_all())
                .with_context(|| format!("cannot sync {}", dir.display()))?;
        }
        match file.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => bail!(
                "another `outcry send {campaign}` is running (its journal {} is locked): wait for it to finish",
                shown.display()
            ),
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(e)
                    .with_context(|| format!("cannot lock the journal {}", shown.display()));
            }
        }
        let bytes = crate::files::read_limited(&file, crate::files::JOURNAL)
            .map_err(|e| crate::diag::Error::Usage(format!("{}: {e}", shown.display())))?;
        let seal = Seal::new(key, campaign, &shown);
        let parsed = parse(&bytes, &shown, campaign, &seal)?;
        if let Some(valid_len) = parsed.torn {
            // A run died while writing its last line: drop the fragment before appending.
            file.set_len(valid_len as u64)
                .with_context(|| format!("cannot repair {}", shown.display()))?;
        }
        file.seek(SeekFrom::End(0))?;
        let journal = Journal {
            file,
            shown,
            seal,
            last: parsed.last,
            calls: parsed.replay.calls.len(),
            drafting_runs: parsed.replay.drafting_runs,
        };
        Ok((journal, parsed.replay))
    }

    /// Reads a journal without locking it (for `outcry status`). A missing journal is empty.
    pub fn read(root: &Path, campaign: &str) -> Result<Replay> {
        Journal::read_with(root, campaign, || seal::load_key(false))
    }

    fn read_with(
        root: &Path,
        campaign: &str,
        key: impl FnOnce() -> Result<Option<Key>>,
    ) -> Result<Replay> {
        let p = path(root, campaign);
        let shown = p.strip_prefix(root).unwrap_or(&p).to_path_buf();
        match crate::files::read_in_workspace(root, &shown, crate::files::JOURNAL) {
            Ok(Some(bytes)) => {
                let seal = Seal::new(key()?, campaign, &shown);
                Ok(parse(&bytes, &shown, campaign, &seal)?.replay)
            }
            Ok(None) => Ok(Replay::default()),
            Err(e) => Err(crate::diag::Error::Usage(format!("{}: {e}", shown.display())).into()),
        }
    }

    /// Appends a record and syncs the journal to disk before returning. Used for `sending`:
    /// a body must never go out before the journal durably says so.
    pub fn record(&mut self, r: &Record) -> Result<()> {
        self.note(r)?;
        self.sync()
    }

    /// Appends a record without waiting for the disk. Safe for outcomes: if the machine dies
    /// before the next sync, the letter replays as `sending`, that is `unknown`, and is not
    /// resent silently. (A process that is killed loses nothing: the write is in the OS.)
    pub fn note(&mut self, r: &Record) -> Result<()> {
        let json = serde_json::to_string(r).context("cannot encode a journal record")?;
        let Some((mut line, mac)) = self.seal.seal(&self.last, &json) else {
            bail!("cannot seal a journal record: no journal key");
        };
        line.push('\n');
        let end = self.file.stream_position();
        if let Err(e) = self.file.write_all(line.as_bytes()) {
            // A line written in part (a full disk) would join the next one into a line that
            // does not verify: take it back, so that the run can go on and the journal stays
            // whole. If even that fails, the torn line is repaired by the next `open`.
            if let Ok(end) = end {
                let _ = self.file.set_len(end);
                let _ = self.file.seek(SeekFrom::Start(end));
            }
            return Err(e)
                .with_context(|| format!("cannot write the journal {}", self.shown.display()));
        }
        self.last = mac;
        Ok(())
    }

    /// Appends a call and syncs the journal to disk before returning.
    pub fn record_call(&mut self, call: &CallRecord) -> Result<()> {
        self.record(&call.record(self.calls + 1))?;
        self.calls += 1;
        Ok(())
    }

    /// Appends that `letters` were written as drafts at `time`, synced before returning.
    pub fn record_drafts(&mut self, letters: Vec<String>, time: String) -> Result<()> {
        let n = self.drafting_runs + 1;
        self.record(&draft::Drafts { letters }.record(time, n))?;
        self.drafting_runs = n;
        Ok(())
    }

    pub fn sync(&mut self) -> Result<()> {
        self.file
            .sync_data()
            .with_context(|| format!("cannot write the journal {}", self.shown.display()))
    }
}

/// What a journal's text says.
#[derive(Default)]
struct Parsed {
    replay: Replay,
    /// The length of the valid part, when the last line is torn.
    torn: Option<usize>,
    /// The mac of the last valid line (empty if none).
    last: String,
}

/// Parses journal text. A last line without its newline is a torn write: it is left out and
/// the length of the valid part returned. Any other line must be sealed by the writer's key,
/// in its place, or the journal is refused, naming the line.
fn parse(bytes: &[u8], shown: &Path, campaign: &str, seal: &Seal) -> Result<Parsed> {
    let mut p = Parsed::default();
    let mut offset = 0;
    for (i, line) in bytes.split_inclusive(|b| *b == b'\n').enumerate() {
        let Some(line) = line.strip_suffix(b"\n") else {
            p.torn = Some(offset);
            break;
        };
        let bad = |what: String| refuse(shown, i + 1, &what, campaign);
        let text = std::str::from_utf8(line).map_err(|_| {
            bad("corrupt journal line (not UTF-8): it is not a record outcry wrote".into())
        })?;
        let (record, mac) = match seal.open(&p.last, text) {
            Ok(opened) => opened,
            Err(why) => {
                if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
                    return Err(bad(format!(
                        "corrupt journal line ({e}): it is not a record outcry wrote"
                    )));
                }
                let why = match why {
                    Broken::NoMac => "it has no mac",
                    Broken::Wrong => {
                        "its mac does not match: sealed with another person's key, or changed, moved or removed since"
                    }
                };
                return Err(bad(format!(
                    "this record was not written by outcry for you ({why}): the journal came with the workspace or was edited by hand, and outcry trusts only its own record of what you sent"
                )));
            }
        };
        let r = serde_json::from_str::<Record>(&record).map_err(|e| {
            bad(format!(
                "corrupt journal line ({e}): it is not a record outcry wrote"
            ))
        })?;
        p.replay.push(r.printable());
        p.last = mac.to_string();
        offset += line.len() + 1;
    }
    Ok(p)
}

/// A journal refused at line `n`, and what to do: bad input, exit 2.
fn refuse(shown: &Path, n: usize, what: &str, campaign: &str) -> anyhow::Error {
    crate::diag::Error::Usage(format!(
        "{}:{n}: {what}. Move {} out of the workspace to go on; every letter of {campaign} then counts as not yet sent (`outcry send {campaign} --dry-run` shows them)",
        shown.display(),
        shown.display(),
    ))
    .into()
}

#[cfg(test)]
mod tests;

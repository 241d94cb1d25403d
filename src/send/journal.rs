//! The journal: an append-only record of what happened to each letter of a campaign, in
//! `.outcry/journal/<campaign>.jsonl` (folder 0700, file 0600), one JSON object a line, each
//! line synced to disk before outcry goes on. An exclusive lock on the file keeps two runs of
//! the same campaign from sending at once. Replaying it tells a new run what is left to do.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

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
    /// `--retry-unknown`). outcry never records it.
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

/// What the journal says so far: the last record of each letter, by Message-ID.
#[derive(Debug, Default)]
pub struct Replay {
    last: BTreeMap<String, Record>,
    order: Vec<String>,
    /// The Message-ID each letter id was last journaled under.
    by_letter: BTreeMap<String, String>,
}

impl Replay {
    fn push(&mut self, r: Record) {
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
}

impl Journal {
    /// Opens (creating) and locks the campaign's journal, and replays it.
    pub fn open(root: &Path, campaign: &str) -> Result<(Journal, Replay)> {
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
        let mut text = String::new();
        file.read_to_string(&mut text)
            .with_context(|| format!("cannot read the journal {}", shown.display()))?;
        let (replay, torn) = parse(&text, &shown)?;
        if let Some(valid_len) = torn {
            // A run died while writing its last line: drop the fragment before appending.
            file.set_len(valid_len as u64)
                .with_context(|| format!("cannot repair {}", shown.display()))?;
        }
        file.seek(SeekFrom::End(0))?;
        Ok((Journal { file, shown }, replay))
    }

    /// Reads a journal without locking it (for `outcry status`). A missing journal is empty.
    pub fn read(root: &Path, campaign: &str) -> Result<Replay> {
        let p = path(root, campaign);
        let shown = p.strip_prefix(root).unwrap_or(&p).to_path_buf();
        match crate::files::read_in_workspace(root, &shown, crate::files::JOURNAL) {
            Ok(Some(bytes)) => {
                let text = String::from_utf8(bytes).map_err(|_| {
                    anyhow::anyhow!(
                        "{}: not UTF-8: it is not a journal outcry wrote",
                        shown.display()
                    )
                })?;
                Ok(parse(&text, &shown)?.0)
            }
            Ok(None) => Ok(Replay::default()),
            Err(e) => Err(crate::diag::Usage(format!("{}: {e}", shown.display())).into()),
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
        let mut line = serde_json::to_string(r).context("cannot encode a journal record")?;
        line.push('\n');
        self.file
            .write_all(line.as_bytes())
            .with_context(|| format!("cannot write the journal {}", self.shown.display()))
    }

    pub fn sync(&mut self) -> Result<()> {
        self.file
            .sync_data()
            .with_context(|| format!("cannot write the journal {}", self.shown.display()))
    }
}

/// Parses journal text. A last line without its newline is a torn write: it is left out and
/// the length of the valid part returned. Any other bad line is an error naming its line.
fn parse(text: &str, shown: &Path) -> Result<(Replay, Option<usize>)> {
    let mut replay = Replay::default();
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let complete = line.ends_with('\n');
        match serde_json::from_str::<Record>(line.trim_end()) {
            Ok(r) if complete => replay.push(r),
            _ if !complete => return Ok((replay, Some(offset))),
            Ok(_) => unreachable!("complete is true here"),
            Err(e) => bail!(
                "{}:{}: corrupt journal line ({e}); the journal records what was sent, so fix or move it by hand",
                shown.display(),
                i + 1
            ),
        }
        offset += line.len();
    }
    Ok((replay, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn rec(id: &str, state: State) -> Record {
        Record {
            time: "t".into(),
            letter: id.into(),
            message_id: format!("<{id}@x>"),
            state,
            reply: None,
            recipients: Vec::new(),
            refused: Vec::new(),
            remaining: Vec::new(),
        }
    }

    #[test]
    fn replay_takes_the_last_state_and_sending_means_unknown() {
        let dir = tempfile::tempdir().unwrap();
        {
            let (mut j, replay) = Journal::open(dir.path(), "c").unwrap();
            assert!(replay.letters().next().is_none());
            for r in [
                rec("a", State::Planned),
                rec("b", State::Planned),
                rec("a", State::Sending),
                rec("a", State::Accepted),
                rec("b", State::Sending),
            ] {
                j.record(&r).unwrap();
            }
        }
        let (_, replay) = Journal::open(dir.path(), "c").unwrap();
        assert_eq!(replay.state("<a@x>"), Some(State::Accepted));
        assert_eq!(replay.state("<b@x>"), Some(State::Unknown));
        assert_eq!(replay.state("<c@x>"), None);
    }

    #[test]
    fn a_torn_last_line_is_dropped_and_repaired() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path(), "c");
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        let good = serde_json::to_string(&rec("a", State::Accepted)).unwrap();
        fs::write(&p, format!("{good}\n{{\"time\":\"t\",\"let")).unwrap();
        {
            let (mut j, replay) = Journal::open(dir.path(), "c").unwrap();
            assert_eq!(replay.state("<a@x>"), Some(State::Accepted));
            j.record(&rec("b", State::Planned)).unwrap();
        }
        let replay = Journal::read(dir.path(), "c").unwrap();
        assert_eq!(replay.state("<b@x>"), Some(State::Planned));
    }

    #[test]
    fn a_corrupt_line_is_an_error_with_its_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path(), "c");
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, "garbage\n").unwrap();
        let e = Journal::read(dir.path(), "c").unwrap_err().to_string();
        assert!(
            e.starts_with(".outcry/journal/c.jsonl:1: corrupt journal line"),
            "{e}"
        );
    }

    /// Issue item 11: a line written by a newer outcry (a field this one does not know) is read,
    /// the unknown field ignored, so that an upgrade or a downgrade never blocks a send.
    #[test]
    fn a_field_from_a_newer_outcry_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path(), "c");
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(
            &p,
            concat!(
                r#"{"time":"t","letter":"a","message_id":"<a@x>","state":"accepted","reply":"250 ok","#,
                r#""relay":{"host":"mx.example.org"},"attempt":3}"#,
                "\n",
                r#"{"time":"t","letter":"c","message_id":"<c@x>","state":"quarantined"}"#,
                "\n",
            ),
        )
        .unwrap();
        let replay = Journal::read(dir.path(), "c").unwrap();
        assert_eq!(replay.state("<a@x>"), Some(State::Accepted));
        assert_eq!(
            replay.last("<a@x>").and_then(|r| r.reply.as_deref()),
            Some("250 ok")
        );
        // A state this version does not know is held back like an unknown one.
        assert_eq!(replay.state("<c@x>"), Some(State::Unknown));
        // A recipient's state or role this version does not know is read, and written again.
        let r: Record = serde_json::from_str(
            r#"{"time":"t","letter":"d","message_id":"<d@x>","state":"deferred","recipients":[{"address":"a@example.org","role":"resent-to","state":"bounced","since":1}]}"#,
        )
        .unwrap();
        assert_eq!(r.recipients[0].role, Role::Newer);
        assert_eq!(r.recipients[0].state, Reception::Newer);
        assert!(
            serde_json::to_string(&r)
                .unwrap()
                .contains(r#"{"address":"a@example.org","role":"unknown","state":"unknown"}"#)
        );
        let (mut j, _) = Journal::open(dir.path(), "c").unwrap();
        j.record(&rec("b", State::Planned)).unwrap();
        drop(j);
        let replay = Journal::read(dir.path(), "c").unwrap();
        assert_eq!(replay.state("<b@x>"), Some(State::Planned));
    }

    #[test]
    fn a_second_open_is_refused_while_locked() {
        let dir = tempfile::tempdir().unwrap();
        let _first = Journal::open(dir.path(), "c").unwrap();
        let e = Journal::open(dir.path(), "c").err().unwrap().to_string();
        assert!(e.contains("another `outcry send c` is running"), "{e}");
    }
}

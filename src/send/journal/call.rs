//! Calls in the journal: a phone call to one of a campaign's targets, kept in the campaign's
//! journal beside its letters, on a line of its own (sealed and synced as letters' are).
//!
//! A call's line is a [`Record`] that no letter can own, with the call in its `call` field:
//!
//! ```json
//! {"time":"2026-12-01T23:59:00Z","letter":"call:kremlin","message_id":"call:kremlin:1",
//!  "state":"newer","call":{"target":"kremlin","number":"+74959259800","outcome":"reached",
//!  "note":"Took my name"},"mac":"…"}
//! ```
//!
//! An outcry that knows no calls reads it as a letter (`letter`, `message_id`, `state` are
//! what it requires; it ignores `call`): `call:` is in no letter id and in no Message-ID, so
//! `send` never takes it for one of its letters, and `status` lists it with the state
//! `unknown` (`newer`: a state written by a newer outcry). Each call has a `message_id` of
//! its own (`call:<target>:<n>`, n counting the calls of the journal), so that an older
//! `status` lists every call. This outcry reads the line as a call ([`Replay::calls`]) and
//! never as a letter.
//!
//! [`Replay::calls`]: super::Replay::calls

use serde::{Deserialize, Serialize};

use super::{Record, State};

/// What came of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Someone answered and heard the appeal.
    Reached,
    /// A message was left.
    Voicemail,
    NoAnswer,
    Busy,
    /// Someone answered and would not hear it.
    Refused,
    WrongNumber,
    /// An outcome written by a newer outcry.
    #[serde(other, rename = "unknown")]
    Newer,
}

impl Outcome {
    /// Every outcome a writer can give, in the order they are offered.
    pub const ALL: [Outcome; 6] = [
        Outcome::Reached,
        Outcome::Voicemail,
        Outcome::NoAnswer,
        Outcome::Busy,
        Outcome::Refused,
        Outcome::WrongNumber,
    ];

    /// As the command line and the journal write it.
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Reached => "reached",
            Outcome::Voicemail => "voicemail",
            Outcome::NoAnswer => "no-answer",
            Outcome::Busy => "busy",
            Outcome::Refused => "refused",
            Outcome::WrongNumber => "wrong-number",
            Outcome::Newer => "unknown",
        }
    }

    /// The outcome written `name` (never [`Outcome::Newer`]).
    pub fn parse(name: &str) -> Option<Outcome> {
        Outcome::ALL.into_iter().find(|o| o.label() == name)
    }
}

/// The call on a call's line, as the journal holds it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Call {
    /// The campaign's target: its key (`knb-press`, `embassy:KZ`).
    pub target: String,
    /// The number dialled, E.164.
    pub number: String,
    pub outcome: Outcome,
    /// What the writer noted: a line or a few, no other control character.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Call {
    /// The call with no control character but line breaks in its text.
    pub(super) fn printable(self) -> Call {
        let printable = |s: &str| crate::fields::shown(s).into_owned();
        Call {
            target: printable(&self.target),
            number: printable(&self.number),
            outcome: self.outcome,
            note: self
                .note
                .as_deref()
                .map(|n| n.split('\n').map(printable).collect::<Vec<_>>().join("\n")),
        }
    }
}

/// One call, as [`super::Replay::calls`] gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallRecord {
    /// UTC, RFC 3339 (`2026-12-01T23:59:00Z`), as letters' records.
    pub time: String,
    /// The campaign's target key (`knb-press`, `embassy:KZ`).
    pub target: String,
    /// The number dialled, E.164.
    pub number: String,
    pub outcome: Outcome,
    /// The writer's note: a line or a few.
    pub note: Option<String>,
}

impl CallRecord {
    /// The call on a journal line, if the line is a call's.
    pub(super) fn of(r: &Record) -> Option<CallRecord> {
        r.call.as_ref().map(|c| CallRecord {
            time: r.time.clone(),
            target: c.target.clone(),
            number: c.number.clone(),
            outcome: c.outcome,
            note: c.note.clone(),
        })
    }

    /// The journal line of this call, the `n`th of its journal (from 1).
    pub fn record(&self, n: usize) -> Record {
        Record {
            time: self.time.clone(),
            letter: format!("call:{}", self.target),
            message_id: format!("call:{}:{n}", self.target),
            state: State::Newer,
            reply: None,
            recipients: Vec::new(),
            refused: Vec::new(),
            remaining: Vec::new(),
            call: Some(Call {
                target: self.target.clone(),
                number: self.number.clone(),
                outcome: self.outcome,
                note: self.note.clone(),
            }),
            drafts: None,
        }
    }
}

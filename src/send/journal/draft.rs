//! Drafts in the journal: that a run wrote a campaign's letters as drafts (`outcry compose
//! --out`/`--maildir`/`--mbox`, or the guided path's "save"), so that `outcry report` can
//! tell a letter drafted for the writer to send or deliver from one never written. Where the
//! drafts went is not kept: only which letters, and when.
//!
//! A drafting run's line is a [`Record`] that no letter can own, with the letter ids in its
//! `drafts` field, like a call's line ([`super::call`]):
//!
//! ```json
//! {"time":"2026-12-01T23:59:00Z","letter":"drafts","message_id":"drafts:1",
//!  "state":"newer","drafts":{"letters":["knb-press","court-tikhonov"]},"mac":"…"}
//! ```
//!
//! An outcry that knows no drafts lines lists it in `status` as a letter `drafts` in the
//! state `unknown` and never sends it: no letter id or Message-ID is `drafts` or begins with
//! `drafts:`.

use serde::{Deserialize, Serialize};

use super::{Record, State};

/// The letters on a drafting run's line.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Drafts {
    /// The ids of the letters written as drafts.
    pub letters: Vec<String>,
}

impl Drafts {
    /// The drafting run with no control character in its letter ids.
    pub(super) fn printable(self) -> Drafts {
        Drafts {
            letters: self
                .letters
                .iter()
                .map(|l| crate::fields::shown(l).into_owned())
                .collect(),
        }
    }

    /// The journal line of this drafting run at `time`, the `n`th of its journal (from 1).
    pub(super) fn record(self, time: String, n: usize) -> Record {
        Record {
            time,
            letter: "drafts".into(),
            message_id: format!("drafts:{n}"),
            state: State::Newer,
            reply: None,
            recipients: Vec::new(),
            refused: Vec::new(),
            remaining: Vec::new(),
            call: None,
            drafts: Some(self),
        }
    }
}

//! The writer's report of a campaign (`outcry report`): every letter the campaign plans for
//! them, with its channel and its fate from the journal, and the totals, as text for people
//! (and for the coordinators' e-mail) or as JSON Lines. Pure: letters and a replay in, a
//! report out.

use std::fmt::Write as _;

use serde::Serialize;
use sha2::{Digest as _, Sha256};

use crate::letter::{Addressee, Channel, From, Kind, Letter};
use crate::send::journal::{CallRecord, Outcome, Recipient, Replay, State};

/// How a report's letter id begins (`report:1a2b3c4d5e6f`) in the journal and the send
/// report. No letter of a campaign can begin so: their ids are contact ids, which hold no `:`.
const REPORT_PREFIX: &str = "report:";

/// Whether a journal's letter id is a report sent to the coordinators, not a campaign letter.
pub(crate) fn is_report(letter: &str) -> bool {
    letter.starts_with(REPORT_PREFIX)
}

/// What became of a letter, as far as the journal knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Fate {
    /// The server took it.
    Accepted,
    /// Turned away for now: the next `send` tries again.
    Deferred,
    /// Refused for good.
    Failed,
    /// The connection was lost after the body: the server may have it.
    Unknown,
    /// Written as a draft (`compose --out`, `--maildir`, `--mbox`) and not sent by outcry:
    /// an e-mail for the writer's mail program, a fax or postal letter to deliver by hand.
    Drafted,
    /// Outcry could send it, and has not (yet); no draft of it was written.
    NotSent,
    /// For the writer to deliver (a fax without a gateway, a postal letter, a web form), and
    /// no draft of it was written.
    ByHand,
}

impl Fate {
    /// The order of the totals, most telling first.
    const ORDER: [Fate; 7] = [
        Fate::Accepted,
        Fate::Deferred,
        Fate::Failed,
        Fate::Unknown,
        Fate::Drafted,
        Fate::NotSent,
        Fate::ByHand,
    ];

    pub(crate) fn label(self) -> &'static str {
        match self {
            Fate::Accepted => "accepted",
            Fate::Deferred => "deferred",
            Fate::Failed => "failed",
            Fate::Unknown => "unknown",
            Fate::Drafted => "drafted",
            Fate::NotSent => "not sent",
            Fate::ByHand => "by hand",
        }
    }

    fn of(state: State) -> Fate {
        match state {
            State::Accepted => Fate::Accepted,
            State::Deferred => Fate::Deferred,
            State::Failed => Fate::Failed,
            State::Sending | State::Unknown | State::Newer => Fate::Unknown,
            State::Planned => Fate::NotSent,
        }
    }
}

/// One letter of the report.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Entry {
    pub(crate) campaign: String,
    pub(crate) letter: String,
    pub(crate) kind: Kind,
    pub(crate) channel: Channel,
    /// Its addressees' addresses (e-mail, number, URL or postal address).
    pub(crate) to: Vec<String>,
    pub(crate) state: Fate,
    /// When the journal last recorded it (UTC, RFC 3339), if it did.
    pub(crate) time: Option<String>,
    /// The server's reply, or what went wrong.
    pub(crate) reply: Option<String>,
    /// What became of each recipient, as the journal has it.
    pub(crate) recipients: Vec<Recipient>,
}

/// The letters counted by fate.
#[derive(Debug, Clone, Default, Serialize)]
pub(crate) struct Totals {
    pub(crate) campaign: String,
    pub(crate) letters: usize,
    pub(crate) accepted: usize,
    pub(crate) deferred: usize,
    pub(crate) failed: usize,
    pub(crate) unknown: usize,
    pub(crate) drafted: usize,
    pub(crate) not_sent: usize,
    pub(crate) by_hand: usize,
    /// Calls recorded (`outcry call`): every call, a target called twice counted twice.
    pub(crate) calls: usize,
}

impl Totals {
    /// Whether the writer did anything the coordinators would want to hear of: a letter that
    /// went to a server (whatever became of it) or a call.
    pub(crate) fn anything_done(&self) -> bool {
        self.accepted + self.deferred + self.failed + self.unknown + self.calls > 0
    }

    fn count(&self, fate: Fate) -> usize {
        match fate {
            Fate::Accepted => self.accepted,
            Fate::Deferred => self.deferred,
            Fate::Failed => self.failed,
            Fate::Unknown => self.unknown,
            Fate::Drafted => self.drafted,
            Fate::NotSent => self.not_sent,
            Fate::ByHand => self.by_hand,
        }
    }

    fn merge(&mut self, o: &Totals) {
        self.letters += o.letters;
        self.accepted += o.accepted;
        self.deferred += o.deferred;
        self.failed += o.failed;
        self.unknown += o.unknown;
        self.drafted += o.drafted;
        self.not_sent += o.not_sent;
        self.by_hand += o.by_hand;
        self.calls += o.calls;
    }

    /// "3 letters: 2 accepted, 1 not sent".
    fn line(&self) -> String {
        let counts: Vec<String> = Fate::ORDER
            .iter()
            .map(|f| (f, self.count(*f)))
            .filter(|(_, n)| *n > 0)
            .map(|(f, n)| format!("{n} {}", f.label()))
            .collect();
        format!(
            "{}{}{}",
            crate::output::count(self.letters, "letter", "letters"),
            if counts.is_empty() { "" } else { ": " },
            counts.join(", ")
        )
    }

    fn add(&mut self, fate: Fate) {
        self.letters += 1;
        *match fate {
            Fate::Accepted => &mut self.accepted,
            Fate::Deferred => &mut self.deferred,
            Fate::Failed => &mut self.failed,
            Fate::Unknown => &mut self.unknown,
            Fate::Drafted => &mut self.drafted,
            Fate::NotSent => &mut self.not_sent,
            Fate::ByHand => &mut self.by_hand,
        } += 1;
    }
}

/// One member's letters in a bulk run (`--signers`), counted by fate.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Member {
    /// Their name, as the signers file gives it.
    pub(crate) name: String,
    /// Their key (see docs/format.md, Signers): their letters' ids end in it.
    pub(crate) signer: String,
    #[serde(flatten)]
    pub(crate) totals: Totals,
}

/// What the writer did for one campaign.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub(crate) campaign: String,
    pub(crate) title: String,
    /// Letter by letter (one writer's report), or
    pub(crate) entries: Vec<Entry>,
    /// member by member (a bulk run's).
    pub(crate) members: Vec<Member>,
    /// The calls the writer recorded, in the order made (none in a bulk run's: calls are
    /// individual).
    pub(crate) calls: Vec<CallRecord>,
    pub(crate) totals: Totals,
}

/// A call as the JSON Lines give it: a `call` line.
#[derive(Serialize)]
struct CallLine<'a> {
    campaign: &'a str,
    target: &'a str,
    number: &'a str,
    outcome: &'a str,
    time: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
}

/// The report of a campaign's letters against its journal. `gateway`: the writer has a fax
/// gateway, so faxes go like e-mail. Call scripts are left out: calls are the journal's own
/// records, not letters.
pub(crate) fn build(
    campaign: &str,
    title: &str,
    letters: &[Letter],
    replay: &Replay,
    gateway: bool,
) -> Report {
    let mut totals = Totals {
        campaign: campaign.to_string(),
        ..Totals::default()
    };
    let entries: Vec<Entry> = letters
        .iter()
        .filter(|l| l.channel != Channel::Phone)
        .map(|l| {
            let sendable = l.is_email() || l.channel == Channel::Fax && gateway;
            let last = replay.last_of_letter(&l.id);
            let drafted = replay.drafted(&l.id);
            let state = match last.and_then(|r| replay.state(&r.message_id)) {
                Some(s) => Fate::of(s),
                None if sendable => Fate::NotSent,
                None => Fate::ByHand,
            };
            // Not sent by outcry, but written as a draft: the writer has it to send or deliver.
            let (state, time) = match drafted {
                Some(t) if matches!(state, Fate::NotSent | Fate::ByHand) => {
                    (Fate::Drafted, Some(t.to_string()))
                }
                _ => (state, last.map(|r| r.time.clone())),
            };
            totals.add(state);
            Entry {
                campaign: campaign.to_string(),
                letter: l.id.clone(),
                kind: l.kind,
                channel: l.channel,
                to: l.to.iter().map(|a| a.address.clone()).collect(),
                state,
                time,
                reply: last.and_then(|r| r.reply.clone()),
                recipients: last.map(|r| r.recipients.clone()).unwrap_or_default(),
            }
        })
        .collect();
    let calls = replay.calls().to_vec();
    totals.calls = calls.len();
    Report {
        campaign: campaign.to_string(),
        title: title.to_string(),
        entries,
        members: Vec::new(),
        calls,
        totals,
    }
}

/// A bulk run's report: each member's letters counted (as [`build`] counts them), and the
/// totals.
pub(crate) fn members(campaign: &str, title: &str, members: Vec<Member>) -> Report {
    let mut totals = Totals {
        campaign: campaign.to_string(),
        ..Totals::default()
    };
    for m in &members {
        totals.merge(&m.totals);
    }
    Report {
        campaign: campaign.to_string(),
        title: title.to_string(),
        entries: Vec::new(),
        members,
        calls: Vec::new(),
        totals,
    }
}

/// "2 calls: 1 reached, 1 voicemail", the outcomes in their usual order.
fn calls_line(calls: &[CallRecord]) -> String {
    let counts: Vec<String> = Outcome::ALL
        .iter()
        .map(|o| (o, calls.iter().filter(|c| c.outcome == *o).count()))
        .filter(|(_, n)| *n > 0)
        .map(|(o, n)| format!("{n} {}", o.label()))
        .collect();
    format!(
        "{}: {}",
        crate::output::count(calls.len(), "call", "calls"),
        counts.join(", ")
    )
}

impl Report {
    /// The report for people: a heading, a line a letter (and a line a recipient the journal
    /// knows), the totals. The same input gives the same text, byte for byte.
    pub(crate) fn text(&self) -> String {
        let mut s = format!("{}: {}\n\n", self.campaign, self.title);
        for e in &self.entries {
            let line = format!(
                "{:<28} {:<9} {:<9} {}  {}",
                e.letter,
                e.channel.label(),
                e.state.label(),
                e.time.as_deref().unwrap_or(""),
                e.reply.as_deref().unwrap_or("")
            );
            let _ = writeln!(s, "{}", line.trim_end());
            for k in &e.recipients {
                let _ = write!(
                    s,
                    "{:<28} {:<9} {:<9} {} ({})",
                    "",
                    "",
                    k.state.label(),
                    k.address,
                    k.role.label()
                );
                match &k.reply {
                    Some(said) => {
                        let _ = writeln!(s, ": {said}");
                    }
                    None => s.push('\n'),
                }
            }
        }
        for m in &self.members {
            let _ = writeln!(s, "{:<28} {}", m.name, m.totals.line());
        }
        if !self.calls.is_empty() {
            s.push_str("\ncalls\n");
        }
        for c in &self.calls {
            let number = crate::phone::Phone::parse(&c.number, None)
                .map_or_else(|_| c.number.clone(), |p| p.international);
            let _ = writeln!(
                s,
                "{:<28} {:<9} {:<12} {}  {number}",
                c.target,
                "call",
                c.outcome.label(),
                c.time
            );
            for line in c.note.iter().flat_map(|n| n.lines()) {
                let _ = writeln!(s, "{:<28} {:<9} {line}", "", "");
            }
        }
        if self.members.is_empty() {
            s.push('\n');
        } else {
            let _ = write!(
                s,
                "\n{}, ",
                crate::output::count(self.members.len(), "member", "members")
            );
        }
        let _ = write!(s, "{}", self.totals.line());
        if !self.calls.is_empty() {
            let _ = write!(s, "; {}", calls_line(&self.calls));
        }
        s.push('\n');
        s
    }

    /// The report as JSON Lines: a `fate` line a letter (or a `member` line a member), then
    /// the `summary`.
    pub(crate) fn json(&self) -> String {
        let mut s: String = self
            .entries
            .iter()
            .map(|e| crate::output::json_line("fate", e))
            .chain(
                self.members
                    .iter()
                    .map(|m| crate::output::json_line("member", m)),
            )
            .chain(self.calls.iter().map(|c| {
                crate::output::json_line(
                    "call",
                    &CallLine {
                        campaign: &self.campaign,
                        target: &c.target,
                        number: &c.number,
                        outcome: c.outcome.label(),
                        time: &c.time,
                        note: c.note.as_deref(),
                    },
                )
            }))
            .collect();
        s.push_str(&crate::output::json_line("summary", &self.totals));
        s
    }

    /// The report as an e-mail letter from the writer to the coordinators. Its id and
    /// Message-ID come from what it says, so the journal holds a report that was accepted
    /// before as sent, and a report that says something new as a new letter.
    pub(crate) fn letter(&self, from: From, to: Vec<Addressee>, domain: &str) -> Letter {
        let digest = self.digest();
        Letter {
            id: format!("{REPORT_PREFIX}{}", &digest[..12]),
            kind: Kind::Letter,
            channel: Channel::Email,
            from,
            to,
            cc: Vec::new(),
            bcc: Vec::new(),
            subject: format!("Report: {} ({})", self.title, self.campaign),
            body: self.text(),
            message_id: Some(format!("<report.{digest}@{domain}>")),
            alternatives: Vec::new(),
            language: "en".into(),
            carries: None,
        }
    }

    /// A short hash of what the report says: the same text, the same hash.
    pub(crate) fn digest(&self) -> String {
        let h = Sha256::digest(self.text().as_bytes());
        h[..16].iter().fold(String::new(), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::send::journal::Record;

    fn letter(id: &str, channel: Channel) -> Letter {
        Letter {
            id: id.into(),
            kind: Kind::Letter,
            channel,
            from: From {
                name: "A".into(),
                email: "a@example.org".into(),
            },
            to: vec![Addressee {
                id: id.into(),
                name: id.into(),
                address: format!("{id}@example.org"),
                place: None,
            }],
            cc: Vec::new(),
            bcc: Vec::new(),
            subject: "S".into(),
            body: "B\n".into(),
            message_id: Some(format!("<{id}@example.org>")),
            alternatives: Vec::new(),
            language: "en".into(),
            carries: None,
        }
    }

    fn record(id: &str, state: State) -> Record {
        Record {
            time: "2026-01-01T00:00:00Z".into(),
            letter: id.into(),
            message_id: format!("<{id}@example.org>"),
            state,
            reply: Some("250 ok".into()),
            recipients: Vec::new(),
            refused: Vec::new(),
            remaining: Vec::new(),
            call: None,
            drafts: None,
        }
    }

    #[test]
    fn every_letter_has_its_fate_and_the_totals_count_them() {
        let letters = vec![
            letter("a", Channel::Email),
            letter("b", Channel::Email),
            letter("c", Channel::Fax),
            letter("d", Channel::Post),
            letter("e", Channel::Phone),
            letter("f", Channel::Email),
        ];
        let replay: Replay = [
            record("a", State::Sending),
            record("a", State::Accepted),
            record("f", State::Sending),
        ]
        .into_iter()
        .collect();
        let r = build("c1", "T", &letters, &replay, false);
        let fates: Vec<Fate> = r.entries.iter().map(|e| e.state).collect();
        assert_eq!(
            fates,
            [
                Fate::Accepted,
                Fate::NotSent,
                Fate::ByHand,
                Fate::ByHand,
                Fate::Unknown
            ]
        );
        assert!(
            r.text()
                .ends_with("\n5 letters: 1 accepted, 1 unknown, 1 not sent, 2 by hand\n")
        );
        let with_gateway = build("c1", "T", &letters, &replay, true);
        assert_eq!(with_gateway.entries[2].state, Fate::NotSent);
    }

    /// Issue 15: a letter written as a draft and not sent by outcry is "drafted" (an e-mail
    /// for the mail program, a fax or postal letter to deliver), with the time it was drafted;
    /// one sent after is what the server said.
    #[test]
    fn drafted_letters_are_told_from_those_never_written() {
        let letters = vec![
            letter("a", Channel::Email),
            letter("b", Channel::Email),
            letter("c", Channel::Fax),
            letter("d", Channel::Post),
        ];
        let drafts = Record {
            time: "2026-01-02T00:00:00Z".into(),
            letter: "drafts".into(),
            message_id: "drafts:1".into(),
            state: State::Newer,
            drafts: Some(crate::send::journal::draft::Drafts {
                letters: vec!["a".into(), "b".into(), "c".into()],
            }),
            ..record("x", State::Newer)
        };
        let replay: Replay = [drafts, record("b", State::Accepted)].into_iter().collect();
        let r = build("c1", "T", &letters, &replay, false);
        let fates: Vec<(Fate, Option<&str>)> = r
            .entries
            .iter()
            .map(|e| (e.state, e.time.as_deref()))
            .collect();
        assert_eq!(
            fates,
            [
                (Fate::Drafted, Some("2026-01-02T00:00:00Z")),
                (Fate::Accepted, Some("2026-01-01T00:00:00Z")),
                (Fate::Drafted, Some("2026-01-02T00:00:00Z")),
                (Fate::ByHand, None),
            ]
        );
        assert!(
            r.text()
                .ends_with("\n4 letters: 1 accepted, 2 drafted, 1 by hand\n"),
            "{}",
            r.text()
        );
        assert_eq!(replay.letters().count(), 1, "a drafting run is no letter");
    }

    #[test]
    fn the_digest_changes_with_what_happened_only() {
        let letters = vec![letter("a", Channel::Email)];
        let none = Replay::default();
        let sent: Replay = [record("a", State::Accepted)].into_iter().collect();
        let d0 = build("c1", "T", &letters, &none, false).digest();
        assert_eq!(d0, build("c1", "T", &letters, &none, false).digest());
        assert_ne!(d0, build("c1", "T", &letters, &sent, false).digest());
    }
}

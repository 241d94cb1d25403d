//! What became of each recipient of a letter: the outcomes of its attempts merged, the state
//! of the letter that follows from them, and the words for it.
//!
//! A letter is accepted only when the server took it for every addressee (To): a refused copy
//! (Cc, Bcc) is noted and costs nobody their letter, a refused addressee fails the letter. A
//! recipient the server took the letter for is never sent it again, whatever the retry.

use lettre::Address;

use super::Outgoing;
use super::journal::{Reception, Recipient, Record, Role, State};
use super::transport::Refusal;

impl Outgoing {
    /// How `a` is addressed in this letter.
    pub(super) fn role(&self, a: &Address) -> Role {
        match self.recipients.iter().position(|r| r == a) {
            Some(i) if i < self.addressees => Role::To,
            Some(i) if i < self.addressees + self.copies => Role::Cc,
            _ => Role::Bcc,
        }
    }
}

/// What the journal's last record of a letter says of each recipient. A record from before
/// per-recipient outcomes has them in `refused` and `remaining`: those are read too.
pub(super) fn from_journal(o: &Outgoing, r: &Record) -> Vec<Recipient> {
    if !r.recipients.is_empty() {
        return r.recipients.clone();
    }
    if r.remaining.is_empty() && r.state != State::Accepted {
        return Vec::new();
    }
    o.recipients
        .iter()
        .map(|a| {
            let address = a.to_string();
            let refusal = r.refused.iter().find_map(|line| {
                line.strip_prefix(address.as_str())
                    .and_then(|rest| rest.strip_prefix(": "))
            });
            let state = if r.remaining.contains(&address) {
                Reception::Deferred
            } else if refusal.is_some() {
                Reception::Refused
            } else {
                Reception::Accepted
            };
            Recipient {
                address,
                role: o.role(a),
                state,
                reply: refusal.map(str::to_string),
            }
        })
        .collect()
}

/// The recipients still to get the letter: all of them when nothing is known of any.
pub(super) fn waiting(o: &Outgoing, known: &[Recipient]) -> Vec<Address> {
    let waiting: Vec<Address> = o
        .recipients
        .iter()
        .filter(|a| {
            !known
                .iter()
                .any(|k| k.state == Reception::Accepted && k.address == a.to_string())
        })
        .cloned()
        .collect();
    if waiting.is_empty() {
        o.recipients.clone()
    } else {
        waiting
    }
}

/// Records what the server said for `a`, over what was known of it.
pub(super) fn mark(
    o: &Outgoing,
    known: &mut Vec<Recipient>,
    a: &Address,
    state: Reception,
    reply: &str,
) {
    let address = a.to_string();
    let entry = Recipient {
        role: o.role(a),
        state,
        reply: Some(reply.to_string()),
        address,
    };
    match known.iter_mut().find(|k| k.address == entry.address) {
        Some(k) => *k = entry,
        None => known.push(entry),
    }
    // In the letter's order, whatever the order of the attempts.
    known.sort_by_key(|k| o.recipients.iter().position(|r| r.to_string() == k.address));
}

/// Records the replies to RCPT TO of an attempt that reached the recipients: each refused
/// one as the server refused it, the others as `taken` (accepted with the reply to the
/// message, or refused with the reply to the message when the server refused that).
pub(super) fn mark_replies(
    o: &Outgoing,
    known: &mut Vec<Recipient>,
    attempted: &[Address],
    refused: &[Refusal],
    taken: (Reception, &str),
) {
    for a in attempted {
        match refused.iter().find(|r| &r.recipient == a) {
            Some(r) if r.transient => mark(o, known, a, Reception::Deferred, &r.reply),
            Some(r) => mark(o, known, a, Reception::Refused, &r.reply),
            None => mark(o, known, a, taken.0, taken.1),
        }
    }
}

/// The state of a letter from what is known of its recipients: failed when the server
/// refused an addressee for good, deferred while a recipient waits, accepted otherwise.
pub(super) fn letter_state(known: &[Recipient]) -> State {
    if known
        .iter()
        .any(|k| k.role == Role::To && k.state == Reception::Refused)
    {
        State::Failed
    } else if known
        .iter()
        .any(|k| matches!(k.state, Reception::Deferred | Reception::Newer))
    {
        State::Deferred
    } else {
        State::Accepted
    }
}

/// The letter's outcome in words: the server's `reply` when every recipient has the letter,
/// else what the server said for each: "a@example.org (to) refused: 550 ...; b@... (cc)
/// accepted: 250 ...".
pub(super) fn note(known: &[Recipient], reply: &str) -> String {
    if known.iter().all(|k| k.state == Reception::Accepted) {
        return reply.to_string();
    }
    known
        .iter()
        .map(|k| {
            let mut s = format!("{} ({}) {}", k.address, k.role.label(), k.state.label());
            if let Some(r) = &k.reply {
                s.push_str(": ");
                s.push_str(r);
            }
            s
        })
        .collect::<Vec<_>>()
        .join("; ")
}

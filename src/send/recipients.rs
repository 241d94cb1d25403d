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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::send::tests::letter;

    fn line(json: &str) -> Record {
        serde_json::from_str(json).unwrap()
    }

    fn addresses(v: &[Address]) -> Vec<String> {
        v.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn roles_follow_the_letter() {
        let o = letter();
        let roles: Vec<Role> = o.recipients.iter().map(|a| o.role(a)).collect();
        assert_eq!(roles, [Role::To, Role::Cc, Role::Bcc]);
    }

    /// Issue item 7: a line written before per-recipient outcomes said `accepted` when the
    /// ministry had refused. Read again, the letter failed and waits for the ministry alone.
    #[test]
    fn an_old_accepted_line_with_a_refused_addressee_is_a_failed_letter() {
        let o = letter();
        let r = line(
            r#"{"time":"t","letter":"ministry","message_id":"<m@example.org>","state":"accepted","reply":"250 ok","refused":["ministry@example.org: permanent error (550): 5.2.2 mailbox full"]}"#,
        );
        let known = from_journal(&o, &r);
        assert_eq!(
            known.iter().map(|k| k.state).collect::<Vec<_>>(),
            [Reception::Refused, Reception::Accepted, Reception::Accepted]
        );
        assert_eq!(
            known[0].reply.as_deref(),
            Some("permanent error (550): 5.2.2 mailbox full")
        );
        assert_eq!(letter_state(&known), State::Failed);
        assert_eq!(addresses(&waiting(&o, &known)), ["ministry@example.org"]);
    }

    #[test]
    fn an_old_line_with_remaining_recipients_waits_for_them_only() {
        let o = letter();
        let r = line(
            r#"{"time":"t","letter":"ministry","message_id":"<m@example.org>","state":"deferred","remaining":["ministry@example.org"]}"#,
        );
        let known = from_journal(&o, &r);
        assert_eq!(letter_state(&known), State::Deferred);
        assert_eq!(addresses(&waiting(&o, &known)), ["ministry@example.org"]);
        // A letter-level line of old (no recipient named) waits for everyone.
        let r = line(
            r#"{"time":"t","letter":"ministry","message_id":"<m@example.org>","state":"failed","reply":"554 spam"}"#,
        );
        assert!(from_journal(&o, &r).is_empty());
        assert_eq!(addresses(&waiting(&o, &[])).len(), 3);
    }

    #[test]
    fn a_refused_copy_leaves_the_letter_accepted_and_a_refused_addressee_fails_it() {
        let o = letter();
        let mut known = Vec::new();
        let refusal = |a: &str, transient| Refusal {
            recipient: a.parse().unwrap(),
            reply: if transient { "451 later" } else { "550 no" }.into(),
            transient,
        };
        let all = o.recipients.clone();
        let copy_refused = [refusal("blind@example.org", false)];
        mark_replies(
            &o,
            &mut known,
            &all,
            &copy_refused,
            (Reception::Accepted, "250 ok"),
        );
        assert_eq!(letter_state(&known), State::Accepted);
        assert_eq!(
            note(&known, "250 ok"),
            "ministry@example.org (to) accepted: 250 ok; coord@example.org (cc) accepted: 250 ok; \
             blind@example.org (bcc) refused: 550 no"
        );
        let mut known = Vec::new();
        let greylisted = [refusal("ministry@example.org", true)];
        mark_replies(
            &o,
            &mut known,
            &all,
            &greylisted,
            (Reception::Accepted, "250 ok"),
        );
        assert_eq!(letter_state(&known), State::Deferred);
        let again = waiting(&o, &known);
        assert_eq!(addresses(&again), ["ministry@example.org"]);
        // The retry is refused for good: the letter failed, the copies stay accepted.
        let refused = [refusal("ministry@example.org", false)];
        mark_replies(&o, &mut known, &again, &refused, (Reception::Refused, ""));
        assert_eq!(letter_state(&known), State::Failed);
        assert_eq!(
            known.iter().map(|k| k.state).collect::<Vec<_>>(),
            [Reception::Refused, Reception::Accepted, Reception::Accepted]
        );
        assert_eq!(note(&[], "250 ok"), "250 ok");
    }
}

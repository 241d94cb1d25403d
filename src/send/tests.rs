//! The Message-ID a sent letter carries (made by [`crate::render::message_id`]): the journal
//! knows a letter by it, so it must be the same for the same letter and differ between letters.
//! And the letter the tests of `send`'s parts share.

use std::path::PathBuf;

use lettre::Address;

use super::Outgoing;
use crate::campaign::Campaign;
use crate::config::Sender;
use crate::diag::Diagnostics;
use crate::render::message_id;
use crate::source::Source;

/// A letter to the ministry, copied to a coordinator and (blind) to a second one.
pub(super) fn letter() -> Outgoing {
    let a = |s: &str| s.parse::<Address>().unwrap();
    Outgoing {
        id: "ministry".into(),
        message_id: "<m@example.org>".into(),
        from: a("me@example.org"),
        recipients: vec![
            a("ministry@example.org"),
            a("coord@example.org"),
            a("blind@example.org"),
        ],
        addressees: 1,
        copies: 1,
        message: Vec::new(),
    }
}

fn campaign(id: &str, issued: &str) -> Campaign {
    let toml = format!(
        "title = \"T\"\nsubject = \"S\"\nissued = {issued}\ndemands = [\"d\"]\nto = [\"ministry\"]\n"
    );
    let dir = PathBuf::from("letters").join(id);
    let src = Source::new(dir.join("campaign.toml"), toml);
    let read = |_: &str| Ok(Some(Source::new(dir.join("letter.hbs"), "Dear.".into())));
    let mut d = Diagnostics::default();
    let c = Campaign::parse(id, dir.clone(), &src, &read, &[], &mut d);
    c.unwrap_or_else(|| panic!("{d:?}"))
}

fn sender(email: &str) -> Sender {
    Sender {
        email: email.parse().ok(),
        ..Sender::default()
    }
}

#[test]
fn a_letter_keeps_its_message_id() {
    let c = campaign("mayday-2011", "2011-05-02");
    let me = sender("ann@example.org");
    let id = message_id(&c, "ministry", &me);
    assert_eq!(id, message_id(&c, "ministry", &me));
    // Made anew from the same campaign file, as the next run does.
    assert_eq!(
        id,
        message_id(&campaign("mayday-2011", "2011-05-02"), "ministry", &me)
    );
    // On the sender's domain, never the machine's.
    assert!(id.starts_with('<') && id.ends_with("@example.org>"), "{id}");
}

#[test]
fn message_ids_differ_by_letter_sender_campaign_and_issue() {
    let c = campaign("mayday-2011", "2011-05-02");
    let me = sender("ann@example.org");
    let id = message_id(&c, "ministry", &me);
    let others = [
        message_id(&c, "court", &me),
        message_id(&c, "ministry", &sender("bob@example.org")),
        message_id(&campaign("mayday-2012", "2011-05-02"), "ministry", &me),
        message_id(&campaign("mayday-2011", "2011-05-03"), "ministry", &me),
    ];
    for other in &others {
        assert_ne!(&id, other);
    }
}

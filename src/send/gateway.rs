//! Faxes as e-mails: a fax letter goes through the writer's e-mail-to-fax gateway (see
//! [`crate::fax`]) as an e-mail to `<number>@<gateway>` carrying the fax's PDF, when the hours
//! where it lands allow.

use std::sync::Arc;

use jiff::Timestamp;

use super::Options;
use crate::fax::Gateway;
use crate::letter::{Addressee, Channel, Letter};

/// The e-mail a letter goes as, if it goes by e-mail: an e-mail letter as it is; a fax, when
/// the writer has a gateway, as an e-mail to the gateway carrying the fax's PDF.
pub(super) fn as_email(l: Letter, opts: &Options) -> Option<Letter> {
    match (l.channel, &opts.gateway) {
        (Channel::Email, _) => Some(l),
        (Channel::Fax, Some(g)) => Some(by_gateway(l, g)),
        _ => None,
    }
}

/// Why a fax must wait (the hour where it lands), unless `--any-hour`.
pub(super) fn must_wait(l: &Letter, opts: &Options, now: Timestamp) -> Option<String> {
    if opts.any_hour {
        return None;
    }
    let fax = delivered(l)?;
    fax.to
        .iter()
        .filter_map(|a| a.place.as_ref())
        .find_map(|place| crate::fax::ring_now(place, now).err())
}

/// The e-mail that delivers the fax letter `fax` through `gateway`: to the gateway's address
/// for its number, with the same id, subject and Message-ID, a one-line body and the fax's PDF
/// attached; no copies (the coordinators have theirs).
fn by_gateway(fax: Letter, gateway: &Gateway) -> Letter {
    let to: Vec<Addressee> = fax
        .to
        .iter()
        .map(|a| Addressee {
            id: a.id.clone(),
            name: a.name.clone(),
            address: gateway.address(&a.address),
            place: None,
        })
        .collect();
    let numbers: Vec<String> = fax
        .to
        .iter()
        .map(|a| {
            crate::phone::Phone::parse(&a.address, None)
                .map_or_else(|_| a.address.clone(), |p| p.international)
        })
        .collect();
    let names: Vec<&str> = fax.to.iter().map(|a| a.name.as_str()).collect();
    let body = format!(
        "Fax for {}, {}: the letter is attached ({}).\n",
        names.join(", "),
        numbers.join(", "),
        fax.pdf_name().unwrap_or_default()
    );
    Letter {
        id: fax.id.clone(),
        kind: fax.kind,
        channel: Channel::Email,
        from: fax.from.clone(),
        to,
        cc: Vec::new(),
        bcc: Vec::new(),
        subject: fax.subject.clone(),
        body,
        message_id: fax.message_id.clone(),
        alternatives: Vec::new(),
        language: fax.language.clone(),
        carries: Some(Arc::new(fax)),
    }
}

/// The fax letter an e-mail delivers through a gateway (see [`by_gateway`]), if it is one.
pub(super) fn delivered(l: &Letter) -> Option<&Letter> {
    l.carries
        .as_deref()
        .filter(|c| c.channel == Channel::Fax && c.id == l.id)
}

//! Phone calls to a campaign's targets: which targets can be called and at which number, and
//! recording a call in the campaign's journal (see [`crate::send::journal::call`]).

use std::path::Path;

use anyhow::Result;
use jiff::Timestamp;

use crate::campaign::Campaign;
use crate::config::Sender;
use crate::contacts::{AddressBook, Contact};
use crate::diag::Error;
use crate::fields::Phone;
use crate::letter::Channel;
use crate::plan;
use crate::send::journal::{CallRecord, Journal, Outcome};

/// A target of the campaign that has a phone.
#[derive(Debug, Clone)]
pub struct Callee {
    /// As the campaign names it (`presidential-administration`, `embassy:KZ`).
    pub key: String,
    pub contact: Contact,
    /// The number dialled: the contact's `phone` (a contact has one).
    pub number: Phone,
    /// Whether a call is the only way to reach it (no e-mail, fax, web form or post).
    pub phone_only: bool,
}

/// The campaign's targets with a phone (embassies resolved for `sender`): those only a call
/// reaches first, then those for whom a call is an alternative, each in the campaign's order.
pub fn callees(campaign: &Campaign, book: &AddressBook, sender: &Sender) -> Vec<Callee> {
    let mut all: Vec<Callee> = plan::choices(campaign, book, sender)
        .into_iter()
        .filter_map(|choice| {
            let (contact, channel) = choice.reach.ok()?;
            Some(Callee {
                key: choice.key,
                number: contact.phone.clone()?,
                phone_only: channel == Channel::Phone,
                contact,
            })
        })
        .collect();
    all.sort_by_key(|c| !c.phone_only);
    all
}

/// The callee `name` (its key or its contact's id), or bad input naming those there are.
pub fn find<'a>(callees: &'a [Callee], campaign: &str, name: &str) -> Result<&'a Callee, Error> {
    if let Some(c) = callees
        .iter()
        .find(|c| c.key == name || c.contact.id == name)
    {
        return Ok(c);
    }
    let name = crate::fields::shown(name);
    if callees.is_empty() {
        return Err(Error::Usage(format!(
            "{name:?} is not a target of campaign {campaign} with a phone: it has none (add `phone =` to a target's contact in contacts.toml)"
        )));
    }
    let keys: Vec<&str> = callees.iter().map(|c| c.key.as_str()).collect();
    Err(Error::Usage(format!(
        "{name:?} is not a target of campaign {campaign} with a phone: use one of {}",
        keys.join(", ")
    )))
}

/// Records a call to `callee` made `now`, in `campaign`'s journal under `root`, synced
/// before returning.
pub fn record(
    root: &Path,
    campaign: &str,
    callee: &Callee,
    outcome: Outcome,
    note: Option<String>,
    now: Timestamp,
) -> Result<CallRecord> {
    let call = CallRecord {
        time: now.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
        target: callee.key.clone(),
        number: callee.number.e164.clone(),
        outcome,
        note,
    };
    let (mut journal, _) = Journal::open(root, campaign)?;
    journal.record_call(&call)?;
    Ok(call)
}

/// The time where the callee is (its contact's `timezone`, else its number's country's
/// zones) and whether its offices are likely open: 09:00 to 18:00, Monday to Friday.
pub fn local_time(callee: &Callee, now: Timestamp) -> String {
    let country = callee
        .number
        .region
        .as_deref()
        .unwrap_or(callee.contact.country.code());
    let place = crate::fax::Place::of(callee.contact.timezone.as_deref(), country);
    let zoned: Vec<jiff::Zoned> = place
        .zones
        .iter()
        .filter_map(|z| crate::fax::zone(z).ok())
        .map(|z| now.to_zoned(z))
        .collect();
    let (Some(first), Some(last)) = (
        zoned.iter().min_by_key(|z| z.offset()),
        zoned.iter().max_by_key(|z| z.offset()),
    ) else {
        return format!("no time zone known for {}", place.shown);
    };
    let open = zoned.iter().all(|z| {
        let weekday = z.weekday().to_monday_one_offset() <= 5;
        weekday && z.hour() >= 9 && z.hour() < 18
    });
    let at = if first.offset() == last.offset() {
        format!("{} there ({})", first.strftime("%a %H:%M"), place.shown)
    } else {
        format!(
            "{} to {} in {}",
            first.strftime("%a %H:%M"),
            last.strftime("%H:%M"),
            place.shown
        )
    };
    let likely = if open {
        "offices likely open"
    } else {
        "offices likely closed"
    };
    format!("{at}, {likely} (09:00-18:00 Mon-Fri)")
}

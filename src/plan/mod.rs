//! Planning: which letters a campaign makes, to whom, by which channel, with which copies.
//!
//! Resolves the campaign's targets against the address book (`embassy:XX` by the sender's
//! country), applies `--to`/`--skip`, picks each target's channel and lays out the copies
//! for the coordinators. No target is dropped silently: what cannot be reached is listed
//! as unresolved.

use serde::Serialize;

use crate::campaign::{Addressing, Campaign, Copies, TargetRef};
use crate::config::Sender;
use crate::contacts::{AddressBook, Contact};
use crate::diag::{Diagnostics, Error};
use crate::fields::Country;
use crate::letter::{Channel, Kind};

/// A target resolved to a contact, with the channel its letter takes.
#[derive(Debug, Clone)]
pub struct Target {
    /// As the campaign writes it: `knb-press`, `embassy:KZ`.
    pub key: String,
    pub contact: Contact,
    pub channel: Channel,
}

/// A target that gets no letter, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Unresolved {
    pub target: String,
    pub reason: String,
}

/// One letter to be rendered.
#[derive(Debug, Clone)]
pub struct Planned {
    pub id: String,
    pub kind: Kind,
    pub channel: Channel,
    /// Whom the letter goes to by its channel (for a copy: the coordinators).
    pub to: Vec<Target>,
    /// Whom the letter's text addresses: its own addressee, or for a joint letter every
    /// target the campaign names (reachable or not); for a copy, those of the letter it copies.
    pub recipients: Vec<Contact>,
    /// For a copy: the addressees of the letter it copies.
    pub copy_of: Vec<Target>,
    pub cc: Vec<Contact>,
    pub bcc: Vec<Contact>,
    /// Coordinators named on a fax or postal letter ("cc:" line), in `copies = "cc"`.
    pub noted_copies: Vec<Contact>,
    /// The language it is written in (BCP 47 primary tag): the campaign's own, or the
    /// addressee's where the campaign has a translation into it, or `--lang`'s.
    pub language: String,
}

#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub letters: Vec<Planned>,
    pub unresolved: Vec<Unresolved>,
    pub coordinators: Vec<Contact>,
}

/// Which targets to address (`--to`) and leave out (`--skip`).
#[derive(Debug, Clone, Default)]
pub struct Selection {
    pub only: Vec<String>,
    pub skip: Vec<String>,
    /// `--lang`: every letter in this language (the campaign's own or one it is translated
    /// into), whatever its addressee reads.
    pub language: Option<String>,
    /// Languages chosen target by target (the guided path): target key, language.
    pub languages: Vec<(String, String)>,
    /// Every target with a phone addressed by a call (its script), whatever else reaches it
    /// (`outcry call`).
    pub calls: bool,
}

/// Plans the letters of `campaign`. Unknown contact ids are errors; unreachable targets are
/// warnings and `unresolved` entries. A selection naming no target is a usage error.
pub fn plan(
    campaign: &Campaign,
    book: &AddressBook,
    sender: &Sender,
    selection: &Selection,
    diags: &mut Diagnostics,
) -> Result<Plan, Error> {
    check_selection(campaign, book, selection)?;
    check_language(campaign, selection)?;
    let mut plan = Plan::default();
    let (targets, named) = resolve(campaign, book, sender, selection, &mut plan, diags);
    plan.coordinators = coordinators(campaign, book, &targets, diags);
    plan.letters = lay_out(campaign, targets, &named, &plan.coordinators);
    for p in &mut plan.letters {
        p.language = language_of(campaign, selection, p);
    }
    Ok(plan)
}

/// The language a letter is written in: `--lang`'s, the one chosen for its target, its
/// addressee's where the campaign has a translation into it, else the campaign's own. The
/// letters of a joint campaign, one text for all, are in the campaign's own (or `--lang`'s).
fn language_of(campaign: &Campaign, selection: &Selection, p: &Planned) -> String {
    let targets = if p.kind == Kind::Copy {
        &p.copy_of
    } else {
        &p.to
    };
    let chosen = match targets.as_slice() {
        // A joint letter is one text for all, whichever way each gets it.
        _ if campaign.addressing == Addressing::Joint => None,
        [one] => selection
            .languages
            .iter()
            .find(|(key, _)| *key == one.key)
            .map(|(_, l)| l.clone())
            .or_else(|| one.contact.language.clone()),
        _ => None,
    };
    selection
        .language
        .clone()
        .or(chosen)
        .filter(|l| campaign.speaks(l))
        .unwrap_or_else(|| campaign.main_language.clone())
}

/// `--lang` names a language the campaign is written in.
fn check_language(campaign: &Campaign, sel: &Selection) -> Result<(), Error> {
    let Some(lang) = &sel.language else {
        return Ok(());
    };
    if campaign.speaks(lang) {
        return Ok(());
    }
    let mut known = vec![campaign.main_language.clone()];
    known.extend(campaign.translations.iter().map(|t| t.language.clone()));
    Err(Error::Usage(format!(
        "--lang {lang}: campaign {} is written in {}",
        campaign.id,
        known.join(", ")
    )))
}

/// The targets `selection` picks, each resolved to a contact and its channel; and every
/// contact they name, reachable or not (a joint letter addresses them all). A target no
/// letter can reach is a warning and goes to the plan's `unresolved`.
fn resolve(
    campaign: &Campaign,
    book: &AddressBook,
    sender: &Sender,
    selection: &Selection,
    plan: &mut Plan,
    diags: &mut Diagnostics,
) -> (Vec<Target>, Vec<Contact>) {
    let mut targets = Vec::new();
    let mut named = Vec::new();
    for (target, origin) in &campaign.to {
        let key = target.key();
        let contact = match contact_of(target, &key, book, sender) {
            Ok(c) => c,
            Err(Missing::Reported) => continue,
            Err(Missing::Contact(id)) => {
                diags.error(
                    origin.clone(),
                    format!("target {id:?} is not in contacts.toml"),
                );
                continue;
            }
            Err(Missing::Embassy(reason)) => {
                // No sender country in a run with errors: most likely the country given was
                // wrong, and its error says so; "no sender country" before it would mislead.
                if sender.country.is_some() || !diags.has_errors() {
                    diags.warning(origin.clone(), reason.clone());
                }
                if selected(selection, &key, None) {
                    plan.unresolved.push(Unresolved {
                        target: key,
                        reason,
                    });
                }
                continue;
            }
        };
        if !selected(selection, &key, Some(&contact.id)) {
            continue;
        }
        named.push(contact.clone());
        let channel = if selection.calls && contact.phone.is_some() {
            Some(Channel::Phone)
        } else {
            channel_of(contact)
        };
        let Some(channel) = channel else {
            let reason = unreachable(&key, contact);
            diags.warning(origin.clone(), reason.clone());
            plan.unresolved.push(Unresolved {
                target: key,
                reason,
            });
            continue;
        };
        targets.push(Target {
            key,
            contact: contact.clone(),
            channel,
        });
    }
    (targets, named)
}

/// Why a target has no contact.
enum Missing<'a> {
    /// The address book has no contact of this id.
    Contact(&'a str),
    /// No embassy in the sender's country, or no sender country: why.
    Embassy(String),
    /// The address book's own error about it is reported already.
    Reported,
}

/// The contact a target names: a contact of the address book, or the embassy of a state in
/// the sender's country.
fn contact_of<'a, 't>(
    target: &'t TargetRef,
    key: &str,
    book: &'a AddressBook,
    sender: &Sender,
) -> Result<&'a Contact, Missing<'t>> {
    match target {
        TargetRef::Contact(id) => book.get(id).ok_or({
            if book.unreadable || book.broken.contains(id) {
                Missing::Reported
            } else {
                Missing::Contact(id)
            }
        }),
        TargetRef::Embassy(state) => embassy(book, sender, *state, key)
            .map_err(|r| r.map_or(Missing::Reported, Missing::Embassy)),
    }
}

/// Why no letter can reach `contact`, the target `key`.
fn unreachable(key: &str, contact: &Contact) -> String {
    format!(
        "{key}: {} has no e-mail, fax, web form, postal address or phone in contacts.toml",
        contact.name
    )
}

/// The coordinators who get copies (`cc`): each once, none who is also a target, each with
/// an e-mail address.
fn coordinators(
    campaign: &Campaign,
    book: &AddressBook,
    targets: &[Target],
    diags: &mut Diagnostics,
) -> Vec<Contact> {
    let mut coordinators: Vec<Contact> = Vec::new();
    for (id, origin) in &campaign.cc {
        if coordinators.iter().any(|c| c.id == *id) {
            diags.warning(
                origin.clone(),
                format!("coordinator {id:?} is listed twice; they get one copy"),
            );
            continue;
        }
        if targets.iter().any(|t| t.contact.id == *id) {
            diags.warning(
                origin.clone(),
                format!("coordinator {id:?} is also a target; they get the letter, not a copy"),
            );
            continue;
        }
        match book.get(id) {
            Some(c) if c.email.is_some() => coordinators.push(c.clone()),
            Some(c) => diags.error(
                origin.clone(),
                format!(
                    "coordinator {id:?} ({}) has no e-mail address for the copies",
                    c.name
                ),
            ),
            None if book.unreadable || book.broken.contains(id) => {}
            None => diags.error(
                origin.clone(),
                format!("coordinator {id:?} is not in contacts.toml"),
            ),
        }
    }
    coordinators
}

/// The embassy of `state` in the sender's country; `Err(Some(reason))` when there is none,
/// `Err(None)` when the address book's own error about it is reported already.
fn embassy<'a>(
    book: &'a AddressBook,
    sender: &Sender,
    state: Country,
    key: &str,
) -> Result<&'a Contact, Option<String>> {
    let Some(host) = sender.country else {
        return Err(Some(format!(
            "{key}: no sender country to pick the embassy by: set country in [sender] or --sender-country"
        )));
    };
    if book.unreadable
        || book
            .broken
            .contains(&crate::contacts::embassy_id(state.code(), host.code()))
    {
        return Err(None);
    }
    book.embassy(state.code(), host.code()).ok_or_else(|| {
        Some(format!(
            "{key}: no embassy of {} in {} in contacts.toml: add [embassies.{}.{}]",
            state.name(),
            host.name(),
            state.code(),
            host.code()
        ))
    })
}

/// The letters for the resolved targets (a joint letter by e-mail to those reached by it),
/// and the copies for the coordinators.
fn lay_out(
    campaign: &Campaign,
    targets: Vec<Target>,
    named: &[Contact],
    coordinators: &[Contact],
) -> Vec<Planned> {
    let joint = campaign.addressing == Addressing::Joint;
    let recipients_of = |t: &Target| {
        if joint {
            named.to_vec()
        } else {
            vec![t.contact.clone()]
        }
    };
    let (emails, others): (Vec<Target>, Vec<Target>) = if joint {
        targets
            .into_iter()
            .partition(|t| t.channel == Channel::Email)
    } else {
        (Vec::new(), targets)
    };
    let mut letters = Vec::new();
    if !emails.is_empty() {
        let joint = "joint".to_string();
        letters.extend(email(campaign, coordinators, joint, emails, named.to_vec()));
    }
    for t in others {
        let recipients = recipients_of(&t);
        if t.channel == Channel::Email {
            let id = t.contact.id.clone();
            letters.extend(email(campaign, coordinators, id, vec![t], recipients));
        } else {
            letters.extend(by_hand(campaign, coordinators, t, recipients));
        }
    }
    letters
}

/// An e-mail letter to `to`, the coordinators in its Cc or Bcc as the campaign says, or
/// (`copies = "separate"`) followed by their copy of it.
fn email(
    campaign: &Campaign,
    coordinators: &[Contact],
    id: String,
    to: Vec<Target>,
    recipients: Vec<Contact>,
) -> Vec<Planned> {
    let (cc, bcc) = match campaign.copies {
        Copies::Cc => (coordinators.to_vec(), Vec::new()),
        Copies::Bcc => (Vec::new(), coordinators.to_vec()),
        Copies::Separate => (Vec::new(), Vec::new()),
    };
    let copy = (campaign.copies == Copies::Separate)
        .then(|| copy(coordinators, &id, &to, &recipients))
        .flatten();
    let letter = Planned {
        id,
        kind: Kind::Letter,
        channel: Channel::Email,
        to,
        recipients,
        copy_of: Vec::new(),
        cc,
        bcc,
        noted_copies: Vec::new(),
        language: String::new(),
    };
    std::iter::once(letter).chain(copy).collect()
}

/// The coordinators' copy of the letter `id` to `to`, an e-mail of its own (none without
/// coordinators).
fn copy(
    coordinators: &[Contact],
    id: &str,
    to: &[Target],
    recipients: &[Contact],
) -> Option<Planned> {
    (!coordinators.is_empty()).then(|| Planned {
        id: format!("{id}.copy"),
        kind: Kind::Copy,
        channel: Channel::Email,
        to: coordinators
            .iter()
            .map(|c| Target {
                key: c.id.clone(),
                contact: c.clone(),
                channel: Channel::Email,
            })
            .collect(),
        recipients: recipients.to_vec(),
        copy_of: to.to_vec(),
        cc: Vec::new(),
        bcc: Vec::new(),
        noted_copies: Vec::new(),
        language: String::new(),
    })
}

/// A letter the sender delivers by hand (fax, web form, post, a phone call), with the
/// coordinators named on a fax or postal letter when `copies = "cc"`; and, but for a call,
/// followed by the coordinators' copy of it by e-mail, whatever `copies` says: there is no
/// e-mail to put them in the Cc or Bcc of.
fn by_hand(
    campaign: &Campaign,
    coordinators: &[Contact],
    t: Target,
    recipients: Vec<Contact>,
) -> Vec<Planned> {
    let noted =
        if campaign.copies == Copies::Cc && matches!(t.channel, Channel::Fax | Channel::Post) {
            coordinators.to_vec()
        } else {
            Vec::new()
        };
    let id = t.contact.id.clone();
    let to = vec![t];
    let copy = (to[0].channel != Channel::Phone)
        .then(|| copy(coordinators, &id, &to, &recipients))
        .flatten();
    let letter = Planned {
        id,
        kind: Kind::Letter,
        channel: to[0].channel,
        recipients,
        copy_of: Vec::new(),
        to,
        cc: Vec::new(),
        bcc: Vec::new(),
        noted_copies: noted,
        language: String::new(),
    };
    std::iter::once(letter).chain(copy).collect()
}

/// One of the campaign's targets as a person choosing among them sees it.
#[derive(Debug, Clone)]
pub struct Choice {
    /// As the campaign writes it: `knb-press`, `embassy:KZ`.
    pub key: String,
    /// The contact and its channel, or why no letter can reach the target.
    pub reach: Result<(Contact, Channel), String>,
}

/// The campaign's targets, each resolved for `sender` (embassies by country) with its channel.
pub fn choices(campaign: &Campaign, book: &AddressBook, sender: &Sender) -> Vec<Choice> {
    campaign
        .to
        .iter()
        .map(|(target, _)| {
            let key = target.key();
            let contact = match target {
                TargetRef::Contact(id) => book
                    .get(id)
                    .ok_or_else(|| format!("{key}: not in contacts.toml")),
                TargetRef::Embassy(state) => embassy(book, sender, *state, &key)
                    .map_err(|r| r.unwrap_or_else(|| format!("{key}: see outcry check"))),
            };
            let reach = contact.and_then(|c| {
                channel_of(c)
                    .map(|ch| (c.clone(), ch))
                    .ok_or_else(|| unreachable(&key, c))
            });
            Choice { key, reach }
        })
        .collect()
}

/// The preferred channel: e-mail, then fax, web form, post, and a phone call last.
pub fn channel_of(c: &Contact) -> Option<Channel> {
    channels_of(c).first().copied()
}

/// Every channel the contact can be reached by, in order of preference.
pub fn channels_of(c: &Contact) -> Vec<Channel> {
    let mut v = Vec::new();
    if c.email.is_some() {
        v.push(Channel::Email);
    }
    if c.fax.is_some() {
        v.push(Channel::Fax);
    }
    if c.web.is_some() {
        v.push(Channel::Web);
    }
    if c.post.is_some() {
        v.push(Channel::Post);
    }
    if c.phone.is_some() {
        v.push(Channel::Phone);
    }
    v
}

fn selected(sel: &Selection, key: &str, id: Option<&str>) -> bool {
    let hit = |names: &[String]| names.iter().any(|n| n == key || Some(n.as_str()) == id);
    (sel.only.is_empty() || hit(&sel.only)) && !hit(&sel.skip)
}

fn check_selection(campaign: &Campaign, book: &AddressBook, sel: &Selection) -> Result<(), Error> {
    let mut known: Vec<String> = Vec::new();
    for (t, _) in &campaign.to {
        known.push(t.key());
        if let TargetRef::Embassy(state) = t {
            known.extend(
                book.embassies
                    .values()
                    .filter(|c| {
                        c.id.starts_with(&format!("embassy-{}-", state.code().to_ascii_lowercase()))
                    })
                    .map(|c| c.id.clone()),
            );
        }
    }
    for name in sel.only.iter().chain(&sel.skip) {
        if !known.contains(name) {
            let listed: Vec<String> = campaign.to.iter().map(|(t, _)| t.key()).collect();
            return Err(Error::Usage(format!(
                "{name:?} is not a target of campaign {}: its targets are {}",
                campaign.id,
                listed.join(", ")
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

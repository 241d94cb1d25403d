//! The data a letter is rendered with: who signs it ([`Signing`]) and the handlebars context
//! its templates see (`campaign`, `demands`, `recipient`, `recipients`, `sender`, `date`,
//! `personal`, `signer`, `signatories`).

use jiff::civil::Date;
use serde_json::{Value, json};

use super::{PLACEHOLDER_CITY, PLACEHOLDER_COUNTRY, PLACEHOLDER_EMAIL, PLACEHOLDER_NAME};
use crate::campaign::Campaign;
use crate::config::Sender;
use crate::contacts::{Contact, DEFAULT_SALUTATION};
use crate::fields;
use crate::letter::Addressee;
use crate::signers::Signer;

/// Who signs a letter, in whose words, with whom.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signing<'a> {
    /// A member of a signers file (bulk mailings): `sender` in templates is then theirs
    /// (the account's organisation kept), `signer` their row, and their e-mail the Reply-To.
    pub signer: Option<&'a Signer>,
    /// The personal paragraph when there is no signer (whose `note` it is then).
    pub personal: &'a str,
    /// The co-signatories of a joint letter.
    pub signatories: &'a [String],
}

impl Signing<'_> {
    fn personal(&self) -> &str {
        self.signer.map_or(self.personal, |s| s.note.as_str())
    }

    /// The profile the letter is signed with.
    fn signed_by(&self, account: &Sender) -> Sender {
        match self.signer {
            None => account.clone(),
            Some(s) => Sender {
                name: Some(s.name.clone()),
                email: s.email.clone().or_else(|| account.email.clone()),
                organisation: account.organisation.clone(),
                city: Some(s.city.clone().unwrap_or_default()),
                country: s.country.or(account.country),
                address: None,
            },
        }
    }

    /// `signer` in templates: the row (every column), or the sender's fields.
    fn context(&self, sender: &Value) -> Value {
        let mut v = sender.clone();
        v["note"] = json!(self.personal());
        if let Some(s) = self.signer {
            for (k, x) in &s.extra {
                v[k.as_str()] = json!(x);
            }
        }
        v
    }

    /// The Reply-To of a signer's letter: their e-mail, when the row has one.
    pub(super) fn reply_to(&self) -> Option<Addressee> {
        self.signer.and_then(|s| {
            s.email.as_ref().map(|e| Addressee {
                id: s.key.clone(),
                name: s.name.clone(),
                address: e.to_string(),
            })
        })
    }
}

/// The context of a letter's text (and its subject), addressed to `recipients`, from the
/// account `account`, signed as `signing` says: `campaign`, `demands` (numbered from 1),
/// `recipient` (a joint letter's for several), `recipients`, `sender` (the signer's profile),
/// `date`, `personal`, `signer` and `signatories`. Layouts see more, set by
/// [`super::Renderer::render`].
pub(super) fn letter(
    campaign: &Campaign,
    recipients: &[Contact],
    account: &Sender,
    signing: &Signing<'_>,
    date: Date,
) -> Value {
    let sender = sender_ctx(&signing.signed_by(account));
    let list: Vec<Value> = recipients.iter().map(recipient_ctx).collect();
    let recipient = match recipients {
        [one] => recipient_ctx(one),
        many => joint_recipient(many),
    };
    let demands: Vec<Value> = campaign
        .demands
        .iter()
        .enumerate()
        .map(|(i, d)| json!({"number": i + 1, "text": d}))
        .collect();
    json!({
        "campaign": {
            "id": campaign.id,
            "title": campaign.title,
            "summary": campaign.summary.clone().unwrap_or_default(),
            "issued": long_date(campaign.issued),
            "deadline": campaign.deadline.as_ref().map(|(d, _)| long_date(*d)).unwrap_or_default(),
        },
        "demands": demands,
        "recipient": recipient,
        "recipients": list,
        "sender": sender,
        "date": long_date(date),
        "personal": signing.personal().trim_end(),
        "signer": signing.context(&sender),
        "signatories": signing.signatories,
    })
}

/// `sender` in templates: the profile's fields, placeholders for those it lacks.
fn sender_ctx(sender: &Sender) -> Value {
    json!({
        "name": sender.name.clone().unwrap_or_else(|| PLACEHOLDER_NAME.into()),
        "email": sender.email.as_ref().map_or_else(|| PLACEHOLDER_EMAIL.into(), ToString::to_string),
        "organisation": sender.organisation.clone().unwrap_or_default(),
        "city": sender.city.clone().unwrap_or_else(|| PLACEHOLDER_CITY.into()),
        "country": sender.country.map_or(PLACEHOLDER_COUNTRY, fields::Country::code),
        "country_name": sender.country.map_or(PLACEHOLDER_COUNTRY, fields::Country::name),
        "address": sender.address.clone().unwrap_or_default(),
    })
}

/// A contact as templates see it (`recipient`, each of `recipients`, `addressee`, `copy_to`).
pub(super) fn recipient_ctx(c: &Contact) -> Value {
    json!({
        "id": c.id,
        "name": c.name,
        "salutation": c.salutation,
        "country": c.country.code(),
        "country_name": c.country.name(),
        "email": c.email.as_ref().map(ToString::to_string).unwrap_or_default(),
        "fax": c.fax.as_ref().map(ToString::to_string).unwrap_or_default(),
        "phone": c.phone.as_ref().map(ToString::to_string).unwrap_or_default(),
        "post": c.post.clone().unwrap_or_default(),
        "web": c.web.clone().unwrap_or_default(),
        "language": c.language.clone().unwrap_or_default(),
    })
}

/// The `recipient` of a joint letter: every name, and a salutation they share.
fn joint_recipient(contacts: &[Contact]) -> Value {
    let names: Vec<&str> = contacts.iter().map(|c| c.name.as_str()).collect();
    let name = match names.as_slice() {
        [] => String::new(),
        [one] => (*one).to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    let first = contacts.first().map(|c| c.salutation.as_str());
    let salutation = match first {
        Some(s) if contacts.iter().all(|c| c.salutation == s) => s,
        _ => DEFAULT_SALUTATION,
    };
    let country = contacts
        .first()
        .map(|c| c.country)
        .filter(|k| contacts.iter().all(|c| c.country == *k));
    json!({
        "id": "joint",
        "name": name,
        "salutation": salutation,
        "country": country.map(fields::Country::code).unwrap_or_default(),
        "country_name": country.map(fields::Country::name).unwrap_or_default(),
        "email": "", "fax": "", "phone": "", "post": "", "web": "", "language": "",
    })
}

/// `2 May 2011`.
pub fn long_date(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

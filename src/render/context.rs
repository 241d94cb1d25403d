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
use crate::template::shape::Shape;

/// The shape of a letter's context, as [`letter`] builds it: what `outcry check` holds
/// printed variables against (see [`crate::template::shape`]).
pub(super) static LETTER: Shape = Shape::Object {
    fields: &LETTER_FIELDS,
    shows: None,
    hint: "recipient.name",
};

/// A layout's context: a letter's, and `subject`, `body`, `copy_to`, `addressee`,
/// `original_to` (see [`super::Renderer::render`]).
pub(super) static LAYOUT: Shape = Shape::Object {
    fields: &[
        LETTER_FIELDS[0],
        LETTER_FIELDS[1],
        LETTER_FIELDS[2],
        LETTER_FIELDS[3],
        LETTER_FIELDS[4],
        LETTER_FIELDS[5],
        LETTER_FIELDS[6],
        LETTER_FIELDS[7],
        LETTER_FIELDS[8],
        ("subject", &Shape::Text),
        ("body", &Shape::Text),
        ("copy_to", &RECIPIENTS),
        ("addressee", &RECIPIENT),
        ("original_to", &ORIGINAL_TO),
        ("return_address", &Shape::Text),
        ("delivery_address", &Shape::Text),
    ],
    shows: None,
    hint: "addressee.name",
};

const LETTER_FIELDS: [(&str, &Shape); 9] = [
    ("campaign", &CAMPAIGN),
    ("demands", &DEMANDS),
    ("recipient", &RECIPIENT),
    ("recipients", &RECIPIENTS),
    ("sender", &SENDER),
    ("date", &Shape::Text),
    ("personal", &Shape::Text),
    // The sender's fields, `note` and a signer's own columns.
    ("signer", &Shape::Open),
    ("signatories", &Shape::List(&Shape::Text)),
];

static CAMPAIGN: Shape = Shape::Object {
    fields: &[
        ("id", &Shape::Text),
        ("title", &Shape::Text),
        ("summary", &Shape::Text),
        ("issued", &Shape::Text),
        ("deadline", &Shape::Text),
    ],
    shows: None,
    hint: "title",
};

/// A demand prints its text: `{{#each demands}}* {{this}}{{/each}}`.
static DEMANDS: Shape = Shape::List(&Shape::Object {
    fields: &[("number", &Shape::Text), ("text", &Shape::Text)],
    shows: Some("text"),
    hint: "text",
});

static RECIPIENT: Shape = Shape::Object {
    fields: &[
        ("id", &Shape::Text),
        ("name", &Shape::Text),
        ("salutation", &Shape::Text),
        ("country", &Shape::Text),
        ("country_name", &Shape::Text),
        ("email", &Shape::Text),
        ("fax", &Shape::Text),
        ("phone", &Shape::Text),
        ("post", &Shape::Text),
        ("web", &Shape::Text),
        ("language", &Shape::Text),
    ],
    shows: None,
    hint: "name",
};

static RECIPIENTS: Shape = Shape::List(&RECIPIENT);

static SENDER: Shape = Shape::Object {
    fields: &[
        ("name", &Shape::Text),
        ("email", &Shape::Text),
        ("organisation", &Shape::Text),
        ("city", &Shape::Text),
        ("country", &Shape::Text),
        ("country_name", &Shape::Text),
        ("address", &Shape::Text),
    ],
    shows: None,
    hint: "name",
};

static ORIGINAL_TO: Shape = Shape::List(&Shape::Object {
    fields: &[
        ("name", &Shape::Text),
        ("address", &Shape::Text),
        ("by", &Shape::Text),
    ],
    shows: None,
    hint: "name",
});

/// Who signs a letter, in whose words, with whom.
#[derive(Debug, Clone, Copy, Default)]
pub struct Signing<'a> {
    /// A member of a signers file (bulk mailings): `sender` in templates is then theirs
    /// (the account's organisation kept), `signer` their row; they are named in From and
    /// copied (Cc) on their e-mail letters.
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

    /// A signer's copy of their own e-mail letter (Cc, so that "reply all" reaches them), when
    /// the row has an e-mail. Not a Reply-To: a free-mail Reply-To on a letter from the
    /// branch's account is what spam filters score (`FREEMAIL_FORGED_REPLYTO`); see
    /// docs/deliverability.md.
    pub(super) fn signer_copy(&self) -> Option<Addressee> {
        self.signer.and_then(|s| {
            s.email.as_ref().map(|e| Addressee {
                id: s.key.clone(),
                name: s.name.clone(),
                address: e.to_string(),
                place: None,
            })
        })
    }
}

/// The context of a letter's text (and its subject), addressed to `recipients`, from the
/// account `account`, signed as `signing` says: `campaign`, `demands` (numbered from 1),
/// `recipient` (a joint letter's for several), `recipients`, `sender` (the signer's profile),
/// `date`, `personal`, `signer` and `signatories`. Layouts see more, set by
/// [`super::Renderer::render`].
#[cfg(test)]
pub(super) fn letter(
    campaign: &Campaign,
    recipients: &[Contact],
    account: &Sender,
    signing: &Signing<'_>,
    date: Date,
) -> Value {
    let mut ctx = fixed(campaign, signing.signatories, date);
    if let Value::Object(map) = &mut ctx {
        let (recipient, list) = addressed(recipients);
        map.insert("recipient".into(), recipient);
        map.insert("recipients".into(), list);
        for (k, v) in signed(account, signing) {
            map.insert(k.into(), v);
        }
    }
    ctx
}

/// What a letter's context has whoever writes to whom: `campaign`, `demands`, `date` and
/// `signatories`.
pub(super) fn fixed(campaign: &Campaign, signatories: &[String], date: Date) -> Value {
    // In the letter's language: "2 May 2011", "2 мая 2011 г.".
    let dated = |d: Date| crate::locale::long_date(d, &campaign.language);
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
            "issued": dated(campaign.issued),
            "deadline": campaign.deadline.as_ref().map(|(d, _)| dated(*d)).unwrap_or_default(),
        },
        "demands": demands,
        "date": dated(date),
        "signatories": signatories,
    })
}

/// A letter's `recipient` and `recipients`.
pub(super) fn addressed(recipients: &[Contact]) -> (Value, Value) {
    let list: Vec<Value> = recipients.iter().map(recipient_ctx).collect();
    let recipient = match recipients {
        [one] => recipient_ctx(one),
        many => joint_recipient(many),
    };
    (recipient, Value::Array(list))
}

/// A letter's `sender`, `personal` and `signer`: who signs it.
pub(super) fn signed(account: &Sender, signing: &Signing<'_>) -> [(&'static str, Value); 3] {
    let sender = sender_ctx(&signing.signed_by(account));
    let signer = signing.context(&sender);
    [
        ("sender", sender),
        ("personal", json!(signing.personal().trim_end())),
        ("signer", signer),
    ]
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

/// A postal letter's return address, from `sender` as templates see it: the `address` as
/// written, then the city and country unless the address already has them or they are
/// placeholders; "" without an address.
pub(super) fn return_address(sender: &Value) -> String {
    let field = |k: &str| sender[k].as_str().map(str::trim).unwrap_or_default();
    let address = field("address");
    if address.is_empty() {
        return String::new();
    }
    let mut lines = vec![address.to_string()];
    let lower = address.to_lowercase();
    for (part, placeholder) in [
        (field("city"), PLACEHOLDER_CITY),
        (field("country_name"), PLACEHOLDER_COUNTRY),
    ] {
        if !part.is_empty() && part != placeholder && !lower.contains(&part.to_lowercase()) {
            lines.push(part.to_string());
        }
    }
    lines.join("\n")
}

/// Whom a postal letter goes to: the contact's name, then its `post` address, unless that
/// already starts with the name.
pub(super) fn delivery_address(c: &Contact) -> String {
    let post = c.post.as_deref().unwrap_or_default().trim();
    if post.starts_with(c.name.as_str()) {
        post.to_string()
    } else if post.is_empty() {
        c.name.clone()
    } else {
        format!("{}\n{post}", c.name)
    }
}

/// `2 May 2011`.
pub fn long_date(d: Date) -> String {
    d.strftime("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::contacts::AddressBook;
    use crate::diag::Diagnostics;
    use crate::source::Source;

    const BOOK: &str = include_str!("testdata/contacts.toml");

    /// The contacts of [`BOOK`] with these ids, in this order.
    fn contacts(ids: &[&str]) -> Vec<Contact> {
        let mut d = Diagnostics::default();
        let book = AddressBook::parse(&Source::new("contacts.toml", BOOK.into()), &mut d);
        assert!(d.iter().next().is_none(), "{d:?}");
        ids.iter()
            .map(|id| book.get(id).expect("in BOOK").clone())
            .collect()
    }

    fn campaign(more: &str) -> Campaign {
        let (c, problems) = crate::campaign::tests::parse(&format!(
            "title = \"Free them\"\nsubject = \"S\"\nissued = 2011-05-02\ndemands = [\"Release A\", \" Drop the charges \"]\nto = [\"court\"]\n{more}"
        ));
        assert!(problems.is_empty(), "{problems:?}");
        c.expect("the campaign loads")
    }

    fn account() -> Sender {
        Sender {
            name: Some("Ann Activist".into()),
            email: "ann@example.org".parse().ok(),
            organisation: Some("Leeds Branch".into()),
            city: Some("Leeds".into()),
            country: "GB".parse().ok(),
            address: Some("1 Lane\nLeeds".into()),
        }
    }

    fn date() -> Date {
        jiff::civil::date(2011, 5, 3)
    }

    /// The `sender` a template sees: name, email, organisation, city, country, its name, address.
    fn person(v: [&str; 7]) -> serde_json::Value {
        let keys = [
            "name",
            "email",
            "organisation",
            "city",
            "country",
            "country_name",
            "address",
        ];
        serde_json::Value::Object(
            keys.iter()
                .zip(v)
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect(),
        )
    }

    #[test]
    fn a_letter_sees_the_campaign_its_numbered_demands_its_recipient_and_its_sender() {
        let c = campaign("summary = \"Two held.\"\ndeadline = 2011-06-01\n");
        let signatories = ["PEN".to_string(), "Article 19".to_string()];
        let signing = Signing {
            signer: None,
            personal: "In my words.\n\n",
            signatories: &signatories,
        };
        let sender = person([
            "Ann Activist",
            "ann@example.org",
            "Leeds Branch",
            "Leeds",
            "GB",
            "United Kingdom",
            "1 Lane\nLeeds",
        ]);
        let mut signer = sender.clone();
        signer["note"] = json!("In my words.\n\n");
        let court = json!({
            "id": "court",
            "name": "Court & Co",
            "salutation": "Dear Judge",
            "country": "KZ",
            "country_name": "Kazakhstan",
            "email": "",
            "fax": "+7 727 271 5802",
            "phone": "",
            "post": "",
            "web": "",
            "language": "ru",
        });
        assert_eq!(
            letter(&c, &contacts(&["court"]), &account(), &signing, date()),
            json!({
                "campaign": {
                    "id": "x",
                    "title": "Free them",
                    "summary": "Two held.",
                    "issued": "2 May 2011",
                    "deadline": "1 June 2011",
                },
                "demands": [
                    {"number": 1, "text": "Release A"},
                    {"number": 2, "text": "Drop the charges"},
                ],
                "recipient": court,
                "recipients": [court],
                "sender": sender,
                "date": "3 May 2011",
                "personal": "In my words.",
                "signer": signer,
                "signatories": ["PEN", "Article 19"],
            })
        );
    }

    /// Whether `v` has exactly the fields `shape` says, at every level.
    fn conforms(v: &Value, shape: &Shape) -> bool {
        match (shape, v) {
            (Shape::Text, Value::String(_) | Value::Number(_)) | (Shape::Open, _) => true,
            (Shape::List(item), Value::Array(items)) => items.iter().all(|i| conforms(i, item)),
            (Shape::Object { fields, .. }, Value::Object(o)) => {
                o.len() == fields.len()
                    && fields
                        .iter()
                        .all(|(k, s)| o.get(*k).is_some_and(|x| conforms(x, s)))
            }
            _ => false,
        }
    }

    #[test]
    fn the_context_has_the_shape_templates_are_checked_against() {
        let signatories = ["PEN".to_string()];
        let signing = Signing {
            signer: None,
            personal: "",
            signatories: &signatories,
        };
        let c = campaign("");
        let ctx = letter(&c, &contacts(&["court"]), &account(), &signing, date());
        assert!(conforms(&ctx, &LETTER), "{ctx:#}");
        let joint = letter(
            &c,
            &contacts(&["court", "ministry"]),
            &account(),
            &signing,
            date(),
        );
        assert!(conforms(&joint, &LETTER), "{joint:#}");
    }

    /// The context for `recipients` from a sender without a profile, signed by nobody.
    fn bare(recipients: &[&str]) -> Value {
        let none = Signing::default();
        letter(
            &campaign(""),
            &contacts(recipients),
            &Sender::default(),
            &none,
            date(),
        )
    }

    #[test]
    fn a_joint_letter_names_them_all_with_what_they_share() {
        let joint = |name: &str, salutation: &str, country: &str, country_name: &str| {
            json!({
                "id": "joint", "name": name, "salutation": salutation,
                "country": country, "country_name": country_name,
                "email": "", "fax": "", "phone": "", "post": "", "web": "", "language": "",
            })
        };
        let ctx = bare(&["court", "ministry", "press"]);
        let many = joint("Court & Co, Ministry and Press", DEFAULT_SALUTATION, "", "");
        assert_eq!(ctx["recipient"], many);
        let ids: Vec<&Value> = ctx["recipients"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| &r["id"])
            .collect();
        assert_eq!(ids, [&json!("court"), &json!("ministry"), &json!("press")]);
        assert_eq!(
            ctx["recipients"][1],
            json!({
                "id": "ministry",
                "name": "Ministry",
                "salutation": "To whom it may concern",
                "country": "KZ",
                "country_name": "Kazakhstan",
                "email": "ministry@example.org",
                "fax": "",
                "phone": "",
                "post": "1 Road\nAstana",
                "web": "https://example.org/appeal",
                "language": "",
            })
        );
        let two = joint(
            "Court & Co and Procurator",
            "Dear Judge",
            "KZ",
            "Kazakhstan",
        );
        assert_eq!(bare(&["court", "procurator"])["recipient"], two);
    }

    #[test]
    fn a_sender_without_a_profile_sees_placeholders() {
        let ctx = bare(&["court"]);
        let placeholders = json!({
            "name": "[YOUR NAME]",
            "email": "[your e-mail]",
            "organisation": "",
            "city": "[your city]",
            "country": "[your country]",
            "country_name": "[your country]",
            "address": "",
        });
        assert_eq!(ctx["sender"], placeholders);
        let mut signer = placeholders;
        signer["note"] = json!("");
        assert_eq!(
            (&ctx["signer"], &ctx["personal"], &ctx["signatories"]),
            (&signer, &json!(""), &json!([]))
        );
        // A campaign without a summary or a deadline.
        assert_eq!(
            ctx["campaign"],
            json!({"id": "x", "title": "Free them", "summary": "", "issued": "2 May 2011", "deadline": ""})
        );
    }

    #[test]
    fn a_signer_signs_with_their_own_row_and_the_accounts_organisation() {
        let c = campaign("");
        let bo = Signer {
            line: 2,
            name: "Bo Bell".into(),
            email: "bo@example.org".parse().ok(),
            city: None,
            country: "DE".parse().ok(),
            note: "Bo's words.".into(),
            extra: BTreeMap::from([
                ("id".to_string(), "17".to_string()),
                ("branch".to_string(), "North".to_string()),
            ]),
            key: "id-17".into(),
        };
        let signing = Signing {
            signer: Some(&bo),
            personal: "The account's words, not Bo's.",
            signatories: &[],
        };
        let ctx = letter(&c, &contacts(&["court"]), &account(), &signing, date());
        let sender = person([
            "Bo Bell",
            "bo@example.org",
            "Leeds Branch",
            "",
            "DE",
            "Germany",
            "",
        ]);
        let mut signer = sender.clone();
        signer["note"] = json!("Bo's words.");
        signer["id"] = json!("17");
        signer["branch"] = json!("North");
        assert_eq!(
            (&ctx["sender"], &ctx["signer"], &ctx["personal"]),
            (&sender, &signer, &json!("Bo's words."))
        );
        assert_eq!(
            signing.signer_copy(),
            Some(Addressee {
                id: "id-17".into(),
                name: "Bo Bell".into(),
                address: "bo@example.org".into(),
                place: None,
            })
        );
        // Without an e-mail of their own: the account's, and no copy.
        let bare = Signer {
            email: None,
            country: None,
            ..bo.clone()
        };
        let signing = Signing {
            signer: Some(&bare),
            ..signing
        };
        let ctx = letter(&c, &contacts(&["court"]), &account(), &signing, date());
        assert_eq!(
            (&ctx["sender"]["email"], &ctx["sender"]["country"]),
            (&json!("ann@example.org"), &json!("GB"))
        );
        assert_eq!(signing.signer_copy(), None);
    }
}

//! The address book, `contacts.toml`: authorities, coordinators and embassies.
//!
//! `[contacts.<id>]` holds one contact; `[embassies.<STATE>.<HOST>]` holds the embassy of
//! STATE in the HOST country, so that the campaign target `embassy:KZ` resolves to the
//! embassy of Kazakhstan in the sender's country.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostics, Origin, Source};
use crate::fields::{self, Country, Email, Phone};

pub const DEFAULT_SALUTATION: &str = "Dear Sir or Madam";

/// One table of `contacts.toml`, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawContact {
    name: Spanned<String>,
    country: Spanned<String>,
    email: Option<Spanned<String>>,
    fax: Option<Spanned<String>>,
    phone: Option<Spanned<String>>,
    post: Option<Spanned<String>>,
    web: Option<Spanned<String>>,
    salutation: Option<Spanned<String>>,
    language: Option<Spanned<String>>,
    source: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBook {
    #[serde(default)]
    contacts: BTreeMap<Spanned<String>, Spanned<RawContact>>,
    #[serde(default)]
    embassies: BTreeMap<Spanned<String>, BTreeMap<Spanned<String>, Spanned<RawContact>>>,
}

/// A contact whose every field has been checked.
#[derive(Debug, Clone)]
pub struct Contact {
    /// The id used in campaigns and in file names (`knb-press`, `embassy-kz-gb`).
    pub id: String,
    pub name: String,
    pub country: Country,
    pub email: Option<Email>,
    pub fax: Option<Phone>,
    pub phone: Option<Phone>,
    pub post: Option<String>,
    pub web: Option<String>,
    pub salutation: String,
    pub language: Option<String>,
    pub source: Option<String>,
    /// Where the contact is defined, for messages about it.
    pub origin: Origin,
}

/// The loaded address book.
#[derive(Debug, Default)]
pub struct AddressBook {
    pub contacts: BTreeMap<String, Contact>,
    /// Embassies by (state, host country) codes.
    pub embassies: BTreeMap<(String, String), Contact>,
}

impl AddressBook {
    /// Loads and checks `contacts.toml`. Problems go to `diags`; a contact with an error is left out.
    pub fn load(root: &Path, diags: &mut Diagnostics) -> AddressBook {
        let rel = Path::new("contacts.toml");
        let text = match std::fs::read_to_string(root.join(rel)) {
            Ok(t) => t,
            Err(e) => {
                diags.error(Origin::file(rel), format!("cannot read the address book: {e}"));
                return AddressBook::default();
            }
        };
        Self::parse(&Source::new(rel, text), diags)
    }

    pub fn parse(src: &Source, diags: &mut Diagnostics) -> AddressBook {
        let raw: RawBook = match src.parse_toml() {
            Ok(r) => r,
            Err(d) => {
                diags.error(d.origin, d.message);
                return AddressBook::default();
            }
        };
        let mut book = AddressBook::default();
        for (id, raw) in raw.contacts {
            let origin = src.at(&id.span());
            if let Err(e) = fields::check_id(id.get_ref()) {
                diags.error(origin, format!("contact {e}"));
                continue;
            }
            if let Some(c) = check_contact(src, id.get_ref(), raw.into_inner(), diags) {
                book.contacts.insert(c.id.clone(), c);
            }
        }
        for (state, hosts) in raw.embassies {
            if let Err(e) = state.get_ref().parse::<Country>() {
                diags.error(src.at(&state.span()), format!("embassy state: {e}"));
                continue;
            }
            for (host, raw) in hosts {
                if let Err(e) = host.get_ref().parse::<Country>() {
                    diags.error(src.at(&host.span()), format!("embassy host country: {e}"));
                    continue;
                }
                let id = embassy_id(state.get_ref(), host.get_ref());
                if book.contacts.contains_key(&id) {
                    diags.error(
                        src.at(&host.span()),
                        format!("embassy id {id:?} is also used by a contact"),
                    );
                    continue;
                }
                if let Some(c) = check_contact(src, &id, raw.into_inner(), diags) {
                    book.embassies.insert((state.get_ref().clone(), host.get_ref().clone()), c);
                }
            }
        }
        book
    }

    pub fn get(&self, id: &str) -> Option<&Contact> {
        self.contacts.get(id)
    }

    /// The embassy of `state` in `host`, if the address book has one.
    pub fn embassy(&self, state: &str, host: &str) -> Option<&Contact> {
        self.embassies.get(&(state.to_string(), host.to_string()))
    }

    /// Whether any embassy of `state` is listed, in any country.
    pub fn has_embassies_of(&self, state: &str) -> bool {
        self.embassies.keys().any(|(s, _)| s == state)
    }
}

/// The id an embassy gets in file names and messages: `embassy-kz-gb`.
pub fn embassy_id(state: &str, host: &str) -> String {
    format!("embassy-{}-{}", state.to_ascii_lowercase(), host.to_ascii_lowercase())
}

fn check_contact(src: &Source, id: &str, raw: RawContact, diags: &mut Diagnostics) -> Option<Contact> {
    let errors_before = diags.errors().count();
    let mut line = |what: &str, v: &Spanned<String>| {
        if let Err(e) = fields::check_line(what, v.get_ref()) {
            diags.error(src.at(&v.span()), format!("contact {id:?}: {e}"));
        }
    };
    line("name", &raw.name);
    if let Some(s) = &raw.salutation {
        line("salutation", s);
    }
    if let Some(s) = &raw.language {
        line("language", s);
    }
    if let Some(s) = &raw.source {
        line("source", s);
    }
    let country = raw
        .country
        .get_ref()
        .parse::<Country>()
        .map_err(|e| diags.error(src.at(&raw.country.span()), format!("contact {id:?}: {e}")))
        .ok();
    let email = raw.email.as_ref().and_then(|v| {
        v.get_ref()
            .parse::<Email>()
            .map_err(|e| diags.error(src.at(&v.span()), format!("contact {id:?}: {e}")))
            .ok()
    });
    let phone_field = |v: &Option<Spanned<String>>, diags: &mut Diagnostics| {
        v.as_ref().and_then(|v| {
            Phone::parse(v.get_ref(), country.map(Country::code))
                .map_err(|e| diags.error(src.at(&v.span()), format!("contact {id:?}: {e}")))
                .ok()
        })
    };
    let fax = phone_field(&raw.fax, diags);
    let phone = phone_field(&raw.phone, diags);
    if let Some(p) = &raw.post {
        if let Err(e) = fields::check_text("postal address", p.get_ref()) {
            diags.error(src.at(&p.span()), format!("contact {id:?}: {e}"));
        }
    }
    let web = raw.web.as_ref().and_then(|v| {
        fields::check_web(v.get_ref())
            .map_err(|e| diags.error(src.at(&v.span()), format!("contact {id:?}: {e}")))
            .ok()
    });
    if diags.errors().count() > errors_before {
        return None;
    }
    let origin = src.at(&raw.name.span());
    if [&raw.email, &raw.fax, &raw.phone, &raw.post, &raw.web].iter().all(|v| v.is_none()) {
        diags.warning(origin.clone(), format!("contact {id:?} has no email, fax, web, post or phone: no letter can reach it"));
    }
    Some(Contact {
        id: id.to_string(),
        name: raw.name.into_inner().trim().to_string(),
        country: country?,
        email,
        fax,
        phone,
        post: raw.post.map(|p| p.into_inner().trim().to_string()),
        web,
        salutation: raw
            .salutation
            .map_or_else(|| DEFAULT_SALUTATION.to_string(), |s| s.into_inner().trim().to_string()),
        language: raw.language.map(Spanned::into_inner),
        source: raw.source.map(Spanned::into_inner),
        origin,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> (AddressBook, Vec<String>) {
        let mut d = Diagnostics::default();
        let book = AddressBook::parse(&Source::new("contacts.toml", text.into()), &mut d);
        (book, d.sorted().iter().map(ToString::to_string).collect())
    }

    #[test]
    fn contacts_and_embassies_load() {
        let (book, diags) = parse(
            r#"
[contacts.court]
name = "Court"
country = "KZ"
fax = "++7727 2715802"

[embassies.KZ.GB]
name = "Embassy of Kazakhstan, London"
country = "GB"
email = "london@mfa.kz"
"#,
        );
        assert!(diags.is_empty(), "{diags:?}");
        assert_eq!(book.get("court").unwrap().fax.as_ref().unwrap().e164, "+77272715802");
        assert_eq!(book.get("court").unwrap().salutation, DEFAULT_SALUTATION);
        assert_eq!(book.embassy("KZ", "GB").unwrap().id, "embassy-kz-gb");
        assert!(book.embassy("KZ", "DE").is_none());
    }

    #[test]
    fn every_bad_field_is_reported_with_its_line() {
        let (book, diags) = parse(
            "[contacts.a]\nname = \"A\"\ncountry = \"kz\"\nemail = \"nope\"\nfax = \"123\"\n\n[contacts.\"../b\"]\nname = \"B\"\ncountry = \"KZ\"\n",
        );
        assert!(book.contacts.is_empty());
        assert_eq!(diags.len(), 4, "{diags:#?}");
        assert!(diags[0].starts_with("contacts.toml:3: contact \"a\": unknown country"));
        assert!(diags[1].starts_with("contacts.toml:4: contact \"a\": invalid e-mail"));
        assert!(diags[2].starts_with("contacts.toml:5: contact \"a\": invalid phone"));
        assert!(diags[3].starts_with("contacts.toml:7: contact invalid id"));
    }

    #[test]
    fn header_injection_in_a_name_is_refused() {
        let (_, diags) = parse("[contacts.a]\nname = \"A\\r\\nBcc: x@example.org\"\ncountry = \"KZ\"\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].starts_with("contacts.toml:2:"), "{}", diags[0]);
    }
}

//! The address book, `contacts.toml`: authorities, coordinators and embassies.
//!
//! `[contacts.<id>]` holds one contact; `[embassies.<STATE>.<HOST>]` holds the embassy of
//! STATE in the HOST country, so that the campaign target `embassy:KZ` resolves to the
//! embassy of Kazakhstan in the sender's country.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use std::ops::Range;

use serde::Deserialize;
use toml::Spanned;
use toml::de::DeValue;

use crate::diag::{Diagnostics, Origin};
use crate::fields::{self, Country, Email, Phone};
use crate::letter::Channel;
use crate::source::Source;

/// Not "Dear Sir or Madam": spam filters score a "Dear (something)" (`SpamAssassin`'s
/// `DEAR_SOMETHING`, 2 points); see docs/deliverability.md.
pub const DEFAULT_SALUTATION: &str = "To whom it may concern";

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
    timezone: Option<Spanned<String>>,
    source: Option<Spanned<String>>,
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
    /// Where the contact's fax machine is, for the hours faxes may go (an IANA name such as
    /// `Asia/Almaty`); without it, the zones of the fax number's country.
    pub timezone: Option<String>,
    pub source: Option<String>,
    /// Where the contact is defined, for messages about it.
    pub origin: Origin,
    /// Where its `fax =` line is, for warnings about the number.
    pub fax_origin: Option<Origin>,
}

impl Contact {
    /// Where a letter by `channel` goes, as letters and machines use it: the e-mail address,
    /// fax and phone numbers in E.164, the whole postal address, the web form's address.
    pub fn address(&self, channel: Channel) -> Option<String> {
        match channel {
            Channel::Email => self.email.as_ref().map(ToString::to_string),
            Channel::Fax => self.fax.as_ref().map(|p| p.e164.clone()),
            Channel::Phone => self.phone.as_ref().map(|p| p.e164.clone()),
            Channel::Web => self.web.clone(),
            Channel::Post => self.post.clone(),
        }
    }

    /// The same, on one line as people read it: numbers written the international way, the
    /// postal address's lines joined by commas.
    pub fn address_shown(&self, channel: Channel) -> Option<String> {
        match channel {
            Channel::Fax => self.fax.as_ref().map(ToString::to_string),
            Channel::Phone => self.phone.as_ref().map(ToString::to_string),
            Channel::Post => self
                .post
                .as_ref()
                .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(", ")),
            Channel::Email | Channel::Web => self.address(channel),
        }
    }
}

/// The loaded address book.
#[derive(Debug, Default)]
pub struct AddressBook {
    pub contacts: BTreeMap<String, Contact>,
    /// Embassies by (state, host country) codes.
    pub embassies: BTreeMap<(String, String), Contact>,
    /// Ids of contacts that are written but have errors (already reported): references to them
    /// are not reported a second time.
    pub broken: BTreeSet<String>,
    /// The file could not be read or parsed at all (already reported).
    pub unreadable: bool,
}

impl AddressBook {
    /// Loads and checks `contacts.toml`. Problems go to `diags`; a contact with an error is left out.
    pub fn load(root: &Path, diags: &mut Diagnostics) -> AddressBook {
        let rel = Path::new("contacts.toml");
        match Source::read(root, rel, crate::files::CONTACTS) {
            Ok(Some(src)) => Self::parse(&src, diags),
            Ok(None) => {
                diags.error(
                    Origin::file(rel),
                    "missing: the workspace needs an address book",
                );
                AddressBook {
                    unreadable: true,
                    ..AddressBook::default()
                }
            }
            Err(e) => {
                diags.error(
                    e.origin,
                    format!("cannot read the address book: {}", e.message),
                );
                AddressBook {
                    unreadable: true,
                    ..AddressBook::default()
                }
            }
        }
    }

    pub fn parse(src: &Source, diags: &mut Diagnostics) -> AddressBook {
        let mut book = AddressBook::default();
        let doc = match src.parse_tables() {
            Ok(d) => d,
            Err(d) => {
                diags.error(d.origin, d.message);
                book.unreadable = true;
                return book;
            }
        };
        for (key, value) in doc {
            match (key.get_ref().as_ref(), value.into_inner()) {
                ("contacts", DeValue::Table(contacts)) => {
                    for (id, raw) in contacts {
                        book.add_contact(src, id.get_ref(), &id.span(), raw, diags);
                    }
                }
                ("embassies", DeValue::Table(states)) => {
                    for (state, hosts) in states {
                        let DeValue::Table(hosts) = hosts.into_inner() else {
                            diags.error(src.at(&state.span()), "embassies.<STATE> must be a table of [embassies.<STATE>.<HOST>] tables");
                            continue;
                        };
                        for (host, raw) in hosts {
                            book.add_embassy(
                                src,
                                state.get_ref(),
                                &state.span(),
                                host.get_ref(),
                                &host.span(),
                                raw,
                                diags,
                            );
                        }
                    }
                }
                ("contacts" | "embassies", _) => {
                    book.unreadable = true;
                    diags.error(
                        src.at(&key.span()),
                        format!("`{}` must be a table", key.get_ref()),
                    );
                }
                (other, _) => diags.error(
                    src.at(&key.span()),
                    format!("unknown table `{other}`, expected `contacts` or `embassies`"),
                ),
            }
        }
        book
    }

    fn add_contact(
        &mut self,
        src: &Source,
        id: &str,
        span: &Range<usize>,
        raw: Spanned<DeValue<'_>>,
        diags: &mut Diagnostics,
    ) {
        if let Err(e) = fields::check_id(id) {
            diags.error(src.at(span), format!("contact {e}"));
            return;
        }
        match check_contact(src, id, raw, diags) {
            Some(c) => {
                self.contacts.insert(c.id.clone(), c);
            }
            None => {
                self.broken.insert(id.to_string());
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn add_embassy(
        &mut self,
        src: &Source,
        state: &str,
        state_span: &Range<usize>,
        host: &str,
        host_span: &Range<usize>,
        raw: Spanned<DeValue<'_>>,
        diags: &mut Diagnostics,
    ) {
        // Codes in any case (`[embassies.kz.gb]`), kept as the upper-case codes plans look up.
        let (state, host) = match (state.parse::<Country>(), host.parse::<Country>()) {
            (Err(e), _) => {
                diags.error(src.at(state_span), format!("embassy state: {e}"));
                return;
            }
            (_, Err(e)) => {
                diags.error(src.at(host_span), format!("embassy host country: {e}"));
                return;
            }
            (Ok(state), Ok(host)) => (state.code(), host.code()),
        };
        let id = embassy_id(state, host);
        if self.contacts.contains_key(&id) {
            diags.error(
                src.at(host_span),
                format!("embassy id {id:?} is also used by a contact"),
            );
            return;
        }
        if let Some(c) = check_contact(src, &id, raw, diags) {
            self.embassies
                .insert((state.to_string(), host.to_string()), c);
        }
    }

    pub fn get(&self, id: &str) -> Option<&Contact> {
        self.contacts.get(id)
    }

    /// The embassy of `state` in `host`, if the address book has one.
    pub fn embassy(&self, state: &str, host: &str) -> Option<&Contact> {
        self.embassies.get(&(state.to_string(), host.to_string()))
    }

    /// Warnings about the book as a whole, for `outcry check`: contacts no letter can reach,
    /// fax numbers that are not fax lines (a mobile, a premium-rate number).
    pub fn lint(&self, diags: &mut Diagnostics) {
        for c in self.contacts.values().chain(self.embassies.values()) {
            if c.email.is_none()
                && c.fax.is_none()
                && c.phone.is_none()
                && c.post.is_none()
                && c.web.is_none()
            {
                diags.warning(c.origin.clone(), format!("contact {:?} has no email, fax, web, post or phone: no letter can reach it", c.id));
            }
            if let Some(fax) = &c.fax
                && let Some((kind, because)) = fax.not_a_fax()
            {
                diags.warning(
                    c.fax_origin.clone().unwrap_or_else(|| c.origin.clone()),
                    format!(
                        "contact {:?}: fax {fax} is {kind}, not a fax line: check it ({because})",
                        c.id
                    ),
                );
            }
        }
    }
}

/// The id an embassy gets in file names and messages: `embassy-kz-gb`.
pub fn embassy_id(state: &str, host: &str) -> String {
    format!(
        "embassy-{}-{}",
        state.to_ascii_lowercase(),
        host.to_ascii_lowercase()
    )
}

/// Checks one contact's table (`id` is its key): every field, each problem reported at its
/// line. None when any field is wrong.
fn check_contact(
    src: &Source,
    id: &str,
    raw: Spanned<DeValue<'_>>,
    diags: &mut Diagnostics,
) -> Option<Contact> {
    let raw: RawContact = match src.deserialize(raw) {
        Ok(r) => r,
        Err(d) => {
            diags.error(d.origin, format!("contact {id:?}: {}", d.message));
            return None;
        }
    };
    let errors_before = diags.errors().count();
    check_lines(src, id, &raw, diags);
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
    if let Some(p) = &raw.post
        && let Err(e) = fields::check_text("postal address", p.get_ref())
    {
        diags.error(src.at(&p.span()), format!("contact {id:?}: {e}"));
    }
    let web = raw.web.as_ref().and_then(|v| {
        fields::check_web(v.get_ref())
            .map_err(|e| diags.error(src.at(&v.span()), format!("contact {id:?}: {e}")))
            .ok()
    });
    if let Some(tz) = &raw.timezone
        && let Err(e) = crate::fax::zone(tz.get_ref())
    {
        diags.error(src.at(&tz.span()), format!("contact {id:?}: {e}"));
    }
    if diags.errors().count() > errors_before {
        return None;
    }
    let origin = src.at(&raw.name.span());
    let fax_origin = raw.fax.as_ref().map(|v| src.at(&v.span()));
    Some(Contact {
        id: id.to_string(),
        name: raw.name.into_inner().trim().to_string(),
        country: country?,
        email,
        fax,
        phone,
        post: raw.post.map(|p| p.into_inner().trim().to_string()),
        web,
        salutation: raw.salutation.map_or_else(
            || DEFAULT_SALUTATION.to_string(),
            |s| s.into_inner().trim().to_string(),
        ),
        language: raw.language.as_ref().and_then(|l| {
            let tag = crate::campaign::language_tag(l.get_ref());
            if tag.is_none() {
                diags.warning(
                    src.at(&l.span()),
                    format!(
                        "contact {id:?}: {}: it picks no translation",
                        crate::campaign::not_a_tag(l.get_ref())
                    ),
                );
            }
            tag
        }),
        timezone: raw.timezone.map(|t| t.into_inner().trim().to_string()),
        source: raw.source.map(Spanned::into_inner),
        origin,
        fax_origin,
    })
}

/// The fields that are one line of text: name, salutation, language, source.
fn check_lines(src: &Source, id: &str, raw: &RawContact, diags: &mut Diagnostics) {
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
        assert_eq!(
            book.get("court").unwrap().fax.as_ref().unwrap().e164,
            "+77272715802"
        );
        assert_eq!(book.get("court").unwrap().salutation, DEFAULT_SALUTATION);
        assert_eq!(book.embassy("KZ", "GB").unwrap().id, "embassy-kz-gb");
        assert!(book.embassy("KZ", "DE").is_none());
    }

    #[test]
    fn every_bad_field_is_reported_with_its_line() {
        let (book, diags) = parse(
            "[contacts.a]\nname = \"A\"\ncountry = \"kx\"\nemail = \"nope\"\nfax = \"123\"\n\n[contacts.\"../b\"]\nname = \"B\"\ncountry = \"KZ\"\n",
        );
        assert!(book.contacts.is_empty());
        assert_eq!(diags.len(), 4, "{diags:#?}");
        assert!(diags[0].starts_with("contacts.toml:3: contact \"a\": unknown country"));
        assert!(diags[1].starts_with("contacts.toml:4: contact \"a\": invalid e-mail"));
        assert!(diags[2].starts_with("contacts.toml:5: contact \"a\": invalid phone"));
        assert!(diags[3].starts_with("contacts.toml:7: contact invalid id"));
        assert!(book.broken.contains("a"));
    }

    #[test]
    fn one_malformed_contact_does_not_hide_the_others() {
        let (book, diags) = parse(
            "[contacts.a]\nname = \"A\"\ncountry = \"KZ\"\nemial = \"x@example.org\"\n\n[contacts.b]\nname = \"B\"\ncountry = \"KZ\"\nemail = \"b@example.org\"\n\n[contacts.c]\nname = \"C\"\ncountry = \"KZ\"\nemail = \"nope\"\n",
        );
        assert_eq!(diags.len(), 2, "{diags:#?}");
        assert!(
            diags[0].starts_with("contacts.toml:4: contact \"a\": unknown field `emial`"),
            "{}",
            diags[0]
        );
        assert!(
            diags[1].starts_with("contacts.toml:14: contact \"c\": invalid e-mail"),
            "{}",
            diags[1]
        );
        assert!(book.get("b").is_some());
    }

    #[test]
    fn header_injection_in_a_name_is_refused() {
        let (_, diags) =
            parse("[contacts.a]\nname = \"A\\r\\nBcc: x@example.org\"\ncountry = \"KZ\"\n");
        assert_eq!(diags.len(), 1);
        assert!(diags[0].starts_with("contacts.toml:2:"), "{}", diags[0]);
    }

    /// Issue 13: `check` warns at the `fax =` line of a number that is no fax line (a
    /// mobile, a premium-rate number), and says nothing of an office's line or of `phone =`.
    #[test]
    fn issue_13_a_fax_number_that_is_no_fax_line_is_warned_of() {
        let (book, diags) = parse(
            "[contacts.court]\nname = \"Court\"\ncountry = \"KZ\"\nfax = \"++7727 2715802\"\nphone = \"+7 701 234 5678\"\n\n\
             [contacts.x]\nname = \"X\"\ncountry = \"KZ\"\n\nfax = \"8 701 234 5678\"\n\n\
             [embassies.KZ.GB]\nname = \"Embassy\"\ncountry = \"GB\"\nfax = \"09065 123456\"\n\n\
             [contacts.us]\nname = \"US\"\ncountry = \"US\"\nfax = \"+1 202 232 5488\"\n",
        );
        assert!(diags.is_empty(), "{diags:?}");
        let mut d = Diagnostics::default();
        book.lint(&mut d);
        let warnings: Vec<String> = d.sorted().iter().map(ToString::to_string).collect();
        assert_eq!(
            warnings,
            [
                "contacts.toml:11: warning: contact \"x\": fax +7 701 234 5678 is a mobile number, not a fax line: check it (a fax to a mobile rings someone's phone)",
                "contacts.toml:16: warning: contact \"embassy-kz-gb\": fax +44 906 512 3456 is a premium-rate number, not a fax line: check it (it charges the sender by the minute)",
            ]
        );
    }

    proptest::proptest! {
        #![proptest_config(crate::testgen::config(1000))]

        /// Whatever contacts.toml holds, loading never panics, every problem names the file
        /// and a line, and a contact that loads has every field checked.
        #[test]
        fn props_address_book_parse(bytes in crate::testgen::or_bytes(crate::testgen::contacts_toml())) {
            let path = Path::new("contacts.toml");
            let Ok(src) = Source::from_bytes(path, &bytes) else {
                return Ok(()); // see diag::props_source_from_bytes
            };
            let mut d = Diagnostics::default();
            let book = AddressBook::parse(&src, &mut d);
            book.lint(&mut d);
            for e in d.iter() {
                e.located(&[(path, Some(&src.text))])
                    .map_err(proptest::test_runner::TestCaseError::fail)?;
            }
            for c in book.contacts.values().chain(book.embassies.values()) {
                proptest::prop_assert!(fields::check_id(&c.id).is_ok(), "{c:?}");
                proptest::prop_assert!(fields::check_line("name", &c.name).is_ok(), "{c:?}");
            }
        }
    }
}

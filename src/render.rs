//! Rendering: campaign templates and planned letters in, finished letters out. No I/O.
//!
//! Handlebars runs in strict mode (a missing variable is an error, never "Dear ,") with
//! HTML escaping off. Every template is registered under its file path so that errors name
//! the file and line. Channel layouts (fax page, postal letter, web form, call script,
//! coordinators' copy) are outcry's own unless the campaign brings `<channel>.hbs`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use handlebars::{Handlebars, RenderErrorReason};
use jiff::civil::Date;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::campaign::{Campaign, Template};
use crate::config::Sender;
use crate::contacts::{Contact, DEFAULT_SALUTATION};
use crate::diag::{Diagnostic, Diagnostics, Origin, Severity};
use crate::fields;
use crate::letter::{Addressee, Channel, From, Kind, Letter};
use crate::plan::{Planned, Target, channels_of};
use crate::signers::Signer;
use crate::template::{self, graph};
use crate::workspace::Partial;

/// Placeholders shown in the review when the sender profile lacks a field.
pub const PLACEHOLDER_NAME: &str = "[YOUR NAME]";
pub const PLACEHOLDER_EMAIL: &str = "[your e-mail]";
pub const PLACEHOLDER_CITY: &str = "[your city]";
pub const PLACEHOLDER_COUNTRY: &str = "[your country]";

const BUILTIN: [(&str, &str); 5] = [
    ("fax", include_str!("layouts/fax.hbs")),
    ("post", include_str!("layouts/post.hbs")),
    ("web", include_str!("layouts/web.hbs")),
    ("call", include_str!("layouts/call.hbs")),
    ("copy", include_str!("layouts/copy.hbs")),
];

/// A campaign's compiled templates.
pub struct Renderer {
    hb: Handlebars<'static>,
    /// Registered name → (file, line of the template's first line), for error messages.
    files: HashMap<String, (PathBuf, usize)>,
    letter: String,
    subject: String,
    layouts: HashMap<&'static str, String>,
}

impl Renderer {
    /// Compiles the campaign's templates and the shared partials, and checks them together
    /// (see [`crate::template`]). Problems go to `diags`, located at their file and line.
    pub fn new(
        campaign: &Campaign,
        partials: &[Partial],
        diags: &mut Diagnostics,
    ) -> Option<Renderer> {
        let before = diags.errors().count();
        let (entries, analysed) = analyse_reachable(entries(campaign, partials), diags);
        if diags.errors().count() > before {
            return None;
        }
        let sources: Vec<graph::Source<'_>> = entries
            .iter()
            .zip(&analysed)
            .map(|(e, a)| graph::Source {
                name: &e.name,
                partial: e.partial,
                outline: &a.outline,
            })
            .collect();
        if let Some(f) = graph::check(&sources, list_bound(campaign)) {
            diags.error(entries[f.source].origin(f.line), f.message);
            return None;
        }
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(handlebars::no_escape);
        let mut r = Renderer {
            hb,
            files: HashMap::new(),
            letter: entries[0].name.clone(),
            subject: entries[1].name.clone(),
            layouts: HashMap::new(),
        };
        // Partials first: a partial named like one of the campaign's templates (`outcry:fax`)
        // does not replace it.
        for (e, a) in entries.into_iter().zip(analysed).rev() {
            if let Some(layout) = e.layout {
                r.layouts.insert(layout, e.name.clone());
            }
            r.hb.register_template(&e.name, a.compiled);
            r.files.insert(e.name, (e.path, e.first_line));
        }
        Some(r)
    }

    /// Renders one planned letter, from the account `sender` (its From), signed as `signing`
    /// says.
    pub fn render(
        &self,
        campaign: &Campaign,
        planned: &Planned,
        sender: &Sender,
        signing: &Signing<'_>,
        date: Date,
    ) -> Result<Letter, Diagnostic> {
        let id = match signing.signer {
            Some(s) => format!("{}.{}", planned.id, s.key),
            None => planned.id.clone(),
        };
        let to: Vec<Addressee> = planned
            .to
            .iter()
            .map(|t| Addressee {
                id: t.contact.id.clone(),
                name: t.contact.name.clone(),
                address: address(t),
            })
            .collect();
        let signed_by = signing.signed_by(sender);
        let mut ctx = context(campaign, &planned.recipients, &signed_by, date);
        ctx["personal"] = json!(signing.personal().trim_end());
        ctx["signer"] = signing.context(&ctx["sender"]);
        ctx["signatories"] = json!(signing.signatories);
        let subject = self.subject_line(&ctx, campaign)?;
        let body = tidy(&self.run(&self.letter, &ctx)?);
        let from = From {
            name: sender
                .name
                .clone()
                .unwrap_or_else(|| PLACEHOLDER_NAME.to_string()),
            email: sender
                .email
                .as_ref()
                .map_or_else(|| PLACEHOLDER_EMAIL.to_string(), ToString::to_string),
        };
        ctx["subject"] = json!(subject);
        ctx["body"] = json!(body.trim_end());
        ctx["copy_to"] = Value::Array(planned.noted_copies.iter().map(recipient_ctx).collect());
        let (subject, body) = match (planned.kind, planned.channel) {
            (Kind::Copy, _) => {
                ctx["original_to"] = Value::Array(
                    planned
                        .copy_of
                        .iter()
                        .map(|t| json!({"name": t.contact.name, "address": address(t)}))
                        .collect(),
                );
                (
                    format!("Copy: {subject}"),
                    tidy(&self.run(&self.layouts["copy"], &ctx)?),
                )
            }
            (Kind::Letter, Channel::Email) => (subject, body),
            (Kind::Letter, ch) => {
                ctx["addressee"] = recipient_ctx(&planned.to[0].contact);
                (
                    subject,
                    tidy(&self.run(&self.layouts[layout_name(ch)], &ctx)?),
                )
            }
        };
        let alternatives = match planned.kind {
            Kind::Copy => Vec::new(),
            Kind::Letter => planned
                .to
                .iter()
                .flat_map(|t| alternatives(t, planned.to.len() > 1))
                .collect(),
        };
        let message_id =
            (planned.channel == Channel::Email).then(|| message_id(campaign, &id, sender));
        let reply_to = signing.signer.and_then(|s| {
            s.email.as_ref().map(|e| Addressee {
                id: s.key.clone(),
                name: s.name.clone(),
                address: e.to_string(),
            })
        });
        Ok(Letter {
            id,
            reply_to,
            kind: planned.kind,
            channel: planned.channel,
            from,
            to,
            cc: planned.cc.iter().map(coordinator).collect(),
            bcc: planned.bcc.iter().map(coordinator).collect(),
            subject,
            body,
            message_id,
            alternatives,
        })
    }

    fn subject_line(&self, ctx: &Value, campaign: &Campaign) -> Result<String, Diagnostic> {
        let raw = self.run(&self.subject, ctx)?;
        let subject = raw.trim();
        fields::check_line("the rendered subject", subject).map_err(|e| Diagnostic {
            severity: Severity::Error,
            origin: campaign.subject_origin.clone(),
            message: e,
        })?;
        Ok(subject.to_string())
    }

    fn run(&self, name: &str, ctx: &Value) -> Result<String, Diagnostic> {
        let text = self.render_bounded(name, ctx)?;
        // Every file and value is checked for control characters where it is read; this is
        // the last guard, on what will be shown and sent.
        if let Some((_, c)) = fields::find_hidden_control(&text) {
            let path = self
                .files
                .get(name)
                .map_or_else(|| PathBuf::from(name), |f| f.0.clone());
            return Err(Diagnostic {
                severity: Severity::Error,
                origin: Origin::file(path),
                message: format!(
                    "the rendered text holds a control character ({c}): it can hide or change text on a terminal"
                ),
            });
        }
        Ok(text)
    }

    /// Renders `name`, at most [`MAX_LETTER`] bytes.
    fn render_bounded(&self, name: &str, ctx: &Value) -> Result<String, Diagnostic> {
        let mut out = Bounded(Vec::new());
        let done = self.hb.render_to_write(name, ctx, &mut out).map(|()| {
            // handlebars writes whole strings, so the bytes are UTF-8.
            String::from_utf8_lossy(&out.0).into_owned()
        });
        done.map_err(|e| {
            let (path, first) = e
                .template_name
                .as_ref()
                .and_then(|n| self.files.get(n))
                .or_else(|| self.files.get(name))
                .cloned()
                .unwrap_or_else(|| (PathBuf::from(name), 1));
            let origin = match e.line_no {
                Some(l) => Origin::at(path, first + l - 1),
                None => Origin::file(path),
            };
            let message = match e.reason() {
                RenderErrorReason::MissingVariable(Some(v)) => format!(
                    "template uses `{v}`, which is not defined (known: campaign, demands, recipient, recipients, sender, date; in layouts also subject, body, addressee, copy_to, original_to)"
                ),
                RenderErrorReason::PartialNotFound(p) => format!("partial `{p}` not found: add letters/_partials/{p}.hbs"),
                RenderErrorReason::IOError(_) => format!(
                    "the letter would be longer than {} MiB, the most outcry writes (a letter of a few pages is a few KiB): look for a loop or a partial that repeats it",
                    MAX_LETTER >> 20
                ),
                other => format!("template: {other}"),
            };
            Diagnostic { severity: Severity::Error, origin, message }
        })
    }
}

/// The longest text one template renders to (a letter, a layout around it, a subject).
pub const MAX_LETTER: usize = 1 << 20;

/// Rendered output that refuses to grow past [`MAX_LETTER`]: handlebars stops at the first
/// write that would, so a template that repeats a long value cannot fill the memory.
struct Bounded(Vec<u8>);

impl std::io::Write for Bounded {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + buf.len() > MAX_LETTER {
            return Err(std::io::Error::other("the letter is too long"));
        }
        self.0.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn layout_name(ch: Channel) -> &'static str {
    match ch {
        Channel::Fax => "fax",
        Channel::Post => "post",
        Channel::Web => "web",
        Channel::Phone | Channel::Email => "call",
    }
}

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
}

/// The template context: `campaign`, `demands`, `recipient`, `recipients`, `sender`, `date`
/// (and `personal`, set by [`Renderer::render`]).
fn context(campaign: &Campaign, recipients: &[Contact], sender: &Sender, date: Date) -> Value {
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
        "sender": {
            "name": sender.name.clone().unwrap_or_else(|| PLACEHOLDER_NAME.into()),
            "email": sender.email.as_ref().map_or_else(|| PLACEHOLDER_EMAIL.into(), ToString::to_string),
            "organisation": sender.organisation.clone().unwrap_or_default(),
            "city": sender.city.clone().unwrap_or_else(|| PLACEHOLDER_CITY.into()),
            "country": sender.country.map_or(PLACEHOLDER_COUNTRY, fields::Country::code),
            "country_name": sender.country.map_or(PLACEHOLDER_COUNTRY, fields::Country::name),
            "address": sender.address.clone().unwrap_or_default(),
        },
        "date": long_date(date),
    })
}

fn recipient_ctx(c: &Contact) -> Value {
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

fn address(t: &Target) -> String {
    let c = &t.contact;
    let s = match t.channel {
        Channel::Email => c.email.as_ref().map(ToString::to_string),
        Channel::Fax => c.fax.as_ref().map(|p| p.e164.clone()),
        Channel::Phone => c.phone.as_ref().map(|p| p.e164.clone()),
        Channel::Web => c.web.clone(),
        Channel::Post => c.post.clone(),
    };
    s.unwrap_or_default()
}

fn alternatives(t: &Target, name_it: bool) -> Vec<String> {
    channels_of(&t.contact)
        .into_iter()
        .filter(|ch| *ch != t.channel)
        .map(|ch| {
            let c = &t.contact;
            let value = match ch {
                Channel::Email => c.email.as_ref().map(ToString::to_string),
                Channel::Fax => c.fax.as_ref().map(ToString::to_string),
                Channel::Phone => c.phone.as_ref().map(ToString::to_string),
                Channel::Web => c.web.clone(),
                Channel::Post => c
                    .post
                    .as_ref()
                    .map(|p| p.lines().map(str::trim).collect::<Vec<_>>().join(", ")),
            };
            let value = value.unwrap_or_default();
            if name_it {
                format!("{}: {} {value}", t.contact.id, ch.label())
            } else {
                format!("{} {value}", ch.label())
            }
        })
        .collect()
}

fn coordinator(c: &Contact) -> Addressee {
    Addressee {
        id: c.id.clone(),
        name: c.name.clone(),
        address: c
            .email
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default(),
    }
}

/// A Message-ID that is the same every time the same sender renders the same letter of the
/// same campaign (so a resend is recognisable), on the sender's domain, never the machine's.
pub fn message_id(campaign: &Campaign, letter_id: &str, sender: &Sender) -> String {
    let email = sender
        .email
        .as_ref()
        .map(ToString::to_string)
        .unwrap_or_default();
    let mut h = Sha256::new();
    for part in [
        campaign.id.as_str(),
        letter_id,
        email.as_str(),
        &campaign.issued.to_string(),
    ] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let hex = h.finalize()[..16].iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    });
    let domain = sender.email.as_ref().map_or("invalid", |e| e.0.domain());
    format!("<{hex}@{domain}>")
}

/// Whether the campaign's letter (or a partial) has a `{{personal}}` slot for a paragraph
/// in the sender's own words. A template that does not compile counts as having one: its
/// error is reported when it is rendered.
pub fn uses_personal(campaign: &Campaign, partials: &[Partial]) -> bool {
    let uses = |name: &str, text: &str| match template::analyse(name, &text.replace("\r\n", "\n")) {
        Ok(a) => a.outline.uses_variable("personal"),
        Err(_) => true,
    };
    let letter = &campaign.templates.letter.source;
    uses(&letter.path.display().to_string(), &letter.text)
        || partials.iter().any(|p| uses(&p.name, &p.source.text))
}

/// A template to compile: its registered name, where it is written, and its text.
struct Entry {
    name: String,
    path: PathBuf,
    first_line: usize,
    text: String,
    /// A shared partial.
    partial: bool,
    /// The channel layout it is.
    layout: Option<&'static str>,
}

impl Entry {
    fn new(name: String, t: &Template) -> Entry {
        Entry {
            name,
            path: t.source.path.clone(),
            first_line: t.first_line,
            text: t.source.text.clone(),
            partial: false,
            layout: None,
        }
    }

    /// Where a line of its text is.
    fn origin(&self, line: usize) -> Origin {
        Origin::at(&self.path, self.first_line + line.saturating_sub(1))
    }
}

/// Every template handlebars will know: the letter, the subject, the channel layouts (the
/// campaign's own or outcry's), then the shared partials. The first two are always there.
fn entries(campaign: &Campaign, partials: &[Partial]) -> Vec<Entry> {
    let t = &campaign.templates;
    let mut entries = vec![
        Entry::new(t.letter.source.path.display().to_string(), &t.letter),
        Entry::new(
            format!("{} (subject)", t.subject.source.path.display()),
            &t.subject,
        ),
    ];
    for (name, text) in BUILTIN {
        let mut e = match t.layouts.iter().find(|(n, _)| n == name) {
            Some((_, own)) => Entry::new(own.source.path.display().to_string(), own),
            None => Entry {
                name: format!("outcry:{name}"),
                path: PathBuf::from(format!("outcry:{name}")),
                first_line: 1,
                text: text.to_string(),
                partial: false,
                layout: None,
            },
        };
        e.layout = Some(name);
        entries.push(e);
    }
    entries.extend(partials.iter().map(|p| Entry {
        name: p.name.clone(),
        path: p.source.path.clone(),
        first_line: 1,
        text: p.source.text.clone(),
        partial: true,
        layout: None,
    }));
    entries
}

/// Analyses the campaign's templates and the shared partials they reach, directly or through
/// other partials; the rest are left alone (a workspace may hold many, and each costs a parse).
/// Returns the entries used, in their order, with their analyses. Problems go to `diags`.
fn analyse_reachable(
    entries: Vec<Entry>,
    diags: &mut Diagnostics,
) -> (Vec<Entry>, Vec<template::Analysis>) {
    let mut analysed: Vec<Option<template::Analysis>> = entries.iter().map(|_| None).collect();
    let mut queued: Vec<bool> = entries.iter().map(|e| !e.partial).collect();
    let mut todo: Vec<usize> = (0..entries.len()).filter(|&i| queued[i]).rev().collect();
    while let Some(i) = todo.pop() {
        let e = &entries[i];
        match template::analyse(&e.name, &e.text.replace("\r\n", "\n")) {
            Ok(a) => {
                for tag in &a.outline.tags {
                    let template::TagKind::Partial {
                        name: template::PartialName::Named(name),
                        ..
                    } = &tag.kind
                    else {
                        continue;
                    };
                    for (j, other) in entries.iter().enumerate() {
                        if other.partial && other.name == *name && !queued[j] {
                            queued[j] = true;
                            todo.push(j);
                        }
                    }
                }
                analysed[i] = Some(a);
            }
            Err(problems) => {
                for p in problems {
                    diags.error(e.origin(p.line), p.message);
                }
            }
        }
    }
    entries
        .into_iter()
        .zip(analysed)
        .filter_map(|(e, a)| a.map(|a| (e, a)))
        .unzip()
}

/// The most items an `{{#each}}` may go through: the campaign's longest list, or the keys of
/// an object (16 at most, signers' extra columns aside).
fn list_bound(campaign: &Campaign) -> u64 {
    [
        campaign.demands.len(),
        campaign.to.len(),
        campaign.cc.len(),
        campaign.signatories.len(),
        16,
    ]
    .into_iter()
    .max()
    .map_or(16, |n| n as u64)
}

/// Normalises line ends to `\n`, drops trailing spaces and leading blank lines, ends with one `\n`.
fn tidy(text: &str) -> String {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut out = String::with_capacity(text.len());
    for line in text.trim_start_matches('\n').lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    if out.is_empty() {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_normalises_line_ends() {
        assert_eq!(
            tidy("\n\nDear A,  \r\nline\rnext\n\n\n"),
            "Dear A,\nline\nnext\n"
        );
        assert_eq!(tidy(""), "\n");
    }

    #[test]
    fn dates_read_like_letters() {
        assert_eq!(long_date(jiff::civil::date(2011, 5, 2)), "2 May 2011");
    }

    mod props {
        use std::path::{Path, PathBuf};

        use proptest::prelude::*;

        use super::*;
        use crate::contacts::AddressBook;
        use crate::plan::{Selection, plan};
        use crate::source::Source;
        use crate::testgen;

        /// One contact for each channel, and a coordinator.
        const CONTACTS: &str = "[contacts.ministry]\nname = \"Ministry\"\ncountry = \"KZ\"\nemail = \"ministry@example.org\"\n\
            [contacts.court]\nname = \"Court & Co\"\ncountry = \"KZ\"\nfax = \"+7 727 271 5802\"\n\
            [contacts.coord]\nname = \"Coord\"\ncountry = \"GB\"\nemail = \"coord@example.org\"\n\
            [contacts.a-1]\nname = \"Post\"\ncountry = \"GB\"\npost = \"1 Road\\nTown\"\n\
            [contacts.b_2]\nname = \"Call\"\ncountry = \"KZ\"\nphone = \"+7 727 271 5802\"\nsalutation = \"Hi\"\n";

        /// A campaign to every kind of contact, whose subject, letter, layouts and partials
        /// are generated; the sender complete or not; the letters each or joint, copies any way.
        #[derive(Debug)]
        struct Input {
            toml: String,
            templates: Vec<(String, String)>,
            partials: Vec<(String, String)>,
            full_sender: bool,
        }

        fn input() -> impl Strategy<Value = Input> {
            let layouts = proptest::collection::vec(
                (
                    proptest::sample::select(&["fax", "post", "web", "call", "copy"][..]),
                    testgen::template(testgen::PARTIALS),
                ),
                0..3,
            );
            (
                // A subject is one line: mostly so, to reach the letters.
                prop_oneof![
                    6 => testgen::template(&[]).prop_map(|t| testgen::toml_escaped(&t.replace('\n', " "))),
                    1 => testgen::toml_string(testgen::template(&[]), true),
                ],
                testgen::template(testgen::PARTIALS),
                layouts,
                testgen::partials(),
                proptest::collection::vec(testgen::words(), 1..3),
                proptest::sample::select(&["cc", "bcc", "separate"][..]),
                proptest::sample::select(&["each", "joint"][..]),
                any::<bool>(),
            )
                .prop_map(|(subject, letter, layouts, partials, demands, copies, addressing, full_sender)| {
                    let demands: Vec<String> = demands.iter().map(|d| testgen::toml_escaped(d)).collect();
                    let toml = format!(
                        "title = \"T\"\nsubject = {subject}\nissued = 2011-05-02\ndemands = [{}]\n\
                         to = [\"ministry\", \"court\", \"a-1\", \"b_2\"]\ncc = [\"coord\"]\n\
                         copies = \"{copies}\"\naddressing = \"{addressing}\"\nsignatories = [\"Ann\"]\n",
                        demands.join(", ")
                    );
                    let mut templates = vec![("letter.hbs".to_string(), letter)];
                    templates.extend(layouts.into_iter().map(|(n, t)| (format!("{n}.hbs"), t)));
                    Input { toml, templates, partials, full_sender }
                })
        }

        proptest! {
            #![proptest_config(testgen::config(800))]

            /// Whatever the templates hold (no partial that includes itself: see
            /// `testgen::recursive_partials`), compiling and rendering every planned letter
            /// never panics, and every problem names a template and its line.
            #[test]
            fn props_render(input in input()) {
                let dir = PathBuf::from("letters/x");
                let mut d = Diagnostics::default();
                let book = AddressBook::parse(&Source::new("contacts.toml", CONTACTS.into()), &mut d);
                prop_assert!(!d.has_errors(), "{:?}", d);
                let src = Source::new(dir.join("campaign.toml"), input.toml.clone());
                // As the workspace reads them: a file's own control characters are refused there.
                let read = |name: &str| -> Result<Option<Source>, Diagnostic> {
                    input.templates.iter().rev().find(|(n, _)| n == name)
                        .map(|(n, t)| Source::from_bytes(&dir.join(n), t.as_bytes()))
                        .transpose()
                };
                let Some(campaign) = Campaign::parse("x", dir.clone(), &src, &read, &mut d) else {
                    return Ok(()); // a control character in the subject: see campaign's props
                };
                let mut partials: Vec<Partial> = Vec::new();
                for (n, t) in &input.partials {
                    let path = PathBuf::from(format!("letters/_partials/{n}.hbs"));
                    match Source::from_bytes(&path, t.as_bytes()) {
                        Ok(source) => partials.push(Partial { name: n.clone(), source }),
                        Err(e) => d.error(e.origin, e.message),
                    }
                }
                let sender = if input.full_sender {
                    Sender {
                        name: Some("Ann".into()),
                        email: "ann@example.org".parse().ok(),
                        organisation: Some("Branch".into()),
                        city: Some("Leeds".into()),
                        country: "GB".parse().ok(),
                        address: Some("1 Road\nLeeds".into()),
                    }
                } else {
                    Sender::default()
                };
                let renderer = Renderer::new(&campaign, &partials, &mut d);
                let planned = plan(&campaign, &book, &sender, &Selection::default(), &mut d)
                    .map_err(|e| TestCaseError::fail(e.to_string()))?;
                let mut rendered = 0;
                if let Some(r) = &renderer {
                    for p in &planned.letters {
                        let signing = Signing { personal: "Mine.", signatories: &campaign.signatories, ..Default::default() };
                        match r.render(&campaign, p, &sender, &signing, jiff::civil::date(2011, 5, 2)) {
                            Ok(letter) => {
                                rendered += 1;
                                // One line, no control character (a copy's "Copy: " may take it past MAX_LINE).
                                let hidden = fields::find_hidden_control(&letter.subject);
                                prop_assert!(hidden.is_none() && !letter.subject.contains('\n'), "{:?}", letter.subject);
                            }
                            Err(e) => d.error(e.origin, e.message),
                        }
                    }
                }
                let mut files: Vec<(PathBuf, Option<String>)> = input.templates.iter().rev()
                    .map(|(n, t)| (dir.join(n), Some(t.clone())))
                    .collect();
                files.extend(input.partials.iter().map(|(n, t)| (PathBuf::from(format!("letters/_partials/{n}.hbs")), Some(t.clone()))));
                files.push((src.path.clone(), Some(src.text.clone())));
                let files: Vec<(&Path, Option<&str>)> = files.iter().map(|(p, t)| (p.as_path(), t.as_deref())).collect();
                for e in d.iter() {
                    e.located(&files).map_err(TestCaseError::fail)?;
                }
                prop_assert!(renderer.is_none() || rendered > 0 || d.has_errors(), "{:?}", d);
            }
        }
    }
}

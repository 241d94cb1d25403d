//! Rendering: campaign templates and planned letters in, finished letters out. No I/O.
//!
//! Handlebars runs in strict mode (a missing variable is an error, never "Dear ,") with
//! HTML escaping off. Every template is registered under its file path so that errors name
//! the file and line. Channel layouts (fax page, postal letter, web form, call script,
//! coordinators' copy) are outcry's own unless the campaign brings `<channel>.hbs`.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use handlebars::{Handlebars, RenderErrorReason, TemplateErrorReason};
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
    /// Compiles the campaign's templates and the shared partials. Syntax errors go to `diags`.
    pub fn new(
        campaign: &Campaign,
        partials: &[Partial],
        diags: &mut Diagnostics,
    ) -> Option<Renderer> {
        let mut hb = Handlebars::new();
        hb.set_strict_mode(true);
        hb.register_escape_fn(handlebars::no_escape);
        let mut r = Renderer {
            hb,
            files: HashMap::new(),
            letter: String::new(),
            subject: String::new(),
            layouts: HashMap::new(),
        };
        let before = diags.errors().count();
        {
            let partial_templates: Vec<(String, Template)> = partials
                .iter()
                .map(|p| {
                    (
                        p.name.clone(),
                        Template {
                            source: p.source.clone(),
                            first_line: 1,
                        },
                    )
                })
                .collect();
            let t = &campaign.templates;
            let letter_name = t.letter.source.path.display().to_string();
            let subject_name = format!("{} (subject)", t.subject.source.path.display());
            let mut all: Vec<(&str, &Template)> = partial_templates
                .iter()
                .map(|(n, t)| (n.as_str(), t))
                .collect();
            all.push((&letter_name, &t.letter));
            all.push((&subject_name, &t.subject));
            let layout_names: Vec<String> = t
                .layouts
                .iter()
                .map(|(_, l)| l.source.path.display().to_string())
                .collect();
            all.extend(
                layout_names
                    .iter()
                    .zip(&t.layouts)
                    .map(|(n, (_, l))| (n.as_str(), l)),
            );
            let names: Vec<&str> = partials.iter().map(|p| p.name.as_str()).collect();
            check_structure(&all, &names, diags);
            if diags.errors().count() > before {
                return None;
            }
        }
        for p in partials {
            let t = Template {
                source: p.source.clone(),
                first_line: 1,
            };
            r.register(&p.name, &t, diags);
        }
        let t = &campaign.templates;
        r.letter = t.letter.source.path.display().to_string();
        r.register(&r.letter.clone(), &t.letter, diags);
        r.subject = format!("{} (subject)", t.subject.source.path.display());
        r.register(&r.subject.clone(), &t.subject, diags);
        for (name, text) in BUILTIN {
            let own = t.layouts.iter().find(|(n, _)| n == name);
            let registered = match own {
                Some((_, tpl)) => tpl.source.path.display().to_string(),
                None => format!("outcry:{name}"),
            };
            let tpl = own.map_or_else(
                || Template {
                    source: crate::diag::Source::new(&registered, text.to_string()),
                    first_line: 1,
                },
                |(_, tpl)| tpl.clone(),
            );
            r.register(&registered, &tpl, diags);
            r.layouts.insert(name, registered);
        }
        (diags.errors().count() == before).then_some(r)
    }

    fn register(&mut self, name: &str, t: &Template, diags: &mut Diagnostics) {
        let text = t.source.text.replace("\r\n", "\n");
        self.files
            .insert(name.to_string(), (t.source.path.clone(), t.first_line));
        if let Err(e) = self.hb.register_template_string(name, text) {
            let line = e.pos().map_or(t.first_line, |(l, _)| t.first_line + l - 1);
            let reason = match e.reason() {
                TemplateErrorReason::InvalidSyntax(_) => {
                    "invalid handlebars syntax: a {{...}} tag is malformed, or a block such as {{#each}} or {{#if}} is not closed".to_string()
                }
                other => format!("template syntax: {other}"),
            };
            diags.error(Origin::at(&t.source.path, line), reason);
        }
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
        self.hb.render(name, ctx).map_err(|e| {
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
                other => format!("template: {other}"),
            };
            Diagnostic { severity: Severity::Error, origin, message }
        })
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
/// in the sender's own words.
pub fn uses_personal(campaign: &Campaign, partials: &[Partial]) -> bool {
    let mentions = |text: &str| {
        text.split("{{").skip(1).any(|tag| {
            let tag = tag.split("}}").next().unwrap_or_default();
            !tag.trim_start_matches(['{', '~'])
                .trim_start()
                .starts_with('!')
                && tag
                    .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                    .any(|word| word == "personal")
        })
    };
    mentions(&campaign.templates.letter.source.text)
        || partials.iter().any(|p| mentions(&p.source.text))
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

/// The deepest block nesting a template may have: handlebars parses recursively, and a
/// template nested thousands deep would exhaust the stack.
const MAX_DEPTH: usize = 64;

/// Checks what handlebars itself does not: block nesting within [`MAX_DEPTH`], no dynamic
/// partials, and no partial that includes itself (directly or through others), which would
/// recurse until the stack overflows.
fn check_structure(templates: &[(&str, &Template)], partials: &[&str], diags: &mut Diagnostics) {
    // Nodes: every template, and every inline partial ("file#name"). Edges: partial uses.
    let mut edges: HashMap<String, Vec<(String, Origin)>> = HashMap::new();
    for (name, t) in templates {
        let text = &t.source.text;
        let line = |offset: usize| t.first_line + text[..offset].matches('\n').count();
        let mut depth = 0usize;
        let mut inline: Vec<(String, usize)> = Vec::new();
        let mut rest = 0;
        let node_of = |inline: &[(String, usize)]| {
            inline
                .last()
                .map_or_else(|| (*name).to_string(), |(n, _)| format!("{name}#{n}"))
        };
        while let Some(open) = text[rest..].find("{{") {
            let start = rest + open;
            let Some(close) = text[start..].find("}}") else {
                break;
            };
            let end = start + close;
            rest = end + 2;
            let inner = text[start + 2..end].trim_start_matches(['{', '~']).trim();
            if inner.starts_with('!') {
                continue;
            }
            if inner.starts_with('#') || inner.starts_with('^') {
                depth += 1;
                if depth > MAX_DEPTH {
                    diags.error(
                        Origin::at(&t.source.path, line(start)),
                        format!("blocks are nested more than {MAX_DEPTH} deep"),
                    );
                    return;
                }
            } else if inner.starts_with('/') {
                depth = depth.saturating_sub(1);
                if inline.last().is_some_and(|(_, d)| *d == depth)
                    && inner.trim_start_matches('/').trim() == "inline"
                {
                    inline.pop();
                }
            }
            if let Some(def) = inner.strip_prefix("#*inline") {
                inline.push((def.trim().trim_matches(['"', '\'']).to_string(), depth - 1));
                continue;
            }
            let Some(target) = inner.strip_prefix("#>").or_else(|| inner.strip_prefix('>')) else {
                continue;
            };
            let target = target
                .split_whitespace()
                .next()
                .unwrap_or_default()
                .trim_matches(['"', '\'']);
            let origin = Origin::at(&t.source.path, line(start));
            if target.starts_with('(') || target.is_empty() {
                diags.error(
                    origin,
                    "dynamic partials are not supported: name the partial, e.g. {{> signature}}",
                );
                continue;
            }
            let own_inline = text.contains(&format!("#*inline \"{target}\""))
                || text.contains(&format!("#*inline '{target}'"));
            let to = if own_inline {
                format!("{name}#{target}")
            } else if partials.contains(&target) {
                target.to_string()
            } else {
                continue;
            };
            edges
                .entry(node_of(&inline))
                .or_default()
                .push((to, origin));
        }
    }
    find_cycle(&edges, diags);
}

/// Reports a partial that reaches itself through `edges`.
fn find_cycle(edges: &HashMap<String, Vec<(String, Origin)>>, diags: &mut Diagnostics) {
    let mut done: Vec<String> = Vec::new();
    for start in edges.keys() {
        let mut path: Vec<String> = vec![start.clone()];
        let mut stack: Vec<(String, usize)> = vec![(start.clone(), 0)];
        while let Some((node, i)) = stack.pop() {
            let next = edges.get(&node).and_then(|v| v.get(i)).cloned();
            let Some((to, origin)) = next else {
                path.pop();
                continue;
            };
            stack.push((node, i + 1));
            if to == *start {
                let cycle = format!("{} → {to}", path.join(" → "));
                if !done.contains(&cycle) {
                    diags.error(
                        origin,
                        format!("partial `{to}` includes itself ({cycle}): it would never finish"),
                    );
                    done.push(cycle);
                }
                return;
            }
            if !path.contains(&to) {
                path.push(to.clone());
                stack.push((to, 0));
            }
        }
    }
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
        use crate::diag::Source;
        use crate::plan::{Selection, plan};
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
                let read = |name: &str| -> Result<Option<Source>, Diagnostic> {
                    Ok(input.templates.iter().rev().find(|(n, _)| n == name)
                        .map(|(n, t)| Source::new(dir.join(n), t.clone())))
                };
                let Some(campaign) = Campaign::parse("x", dir.clone(), &src, &read, &mut d) else {
                    return Ok(()); // a control character in the subject: see campaign's props
                };
                let partials: Vec<Partial> = input.partials.iter().map(|(n, t)| Partial {
                    name: n.clone(),
                    source: Source::new(format!("letters/_partials/{n}.hbs"), t.clone()),
                }).collect();
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
                    .map_err(|e| TestCaseError::fail(e.0))?;
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

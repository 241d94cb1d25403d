//! Rendering: campaign templates and planned letters in, finished letters out. No I/O.
//!
//! Handlebars runs in strict mode (a missing variable is an error, never "Dear ,") with
//! HTML escaping off. Every template is registered under its file path so that errors name
//! the file and line. Channel layouts (fax page, postal letter, web form, call script,
//! coordinators' copy) are outcry's own unless the campaign brings `<channel>.hbs`.

mod bounded;
mod compile;
mod context;
mod languages;
mod memo;
mod sheet;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::PathBuf;

use handlebars::Handlebars;
use jiff::civil::Date;
use sha2::{Digest, Sha256};

pub use bounded::MAX_LETTER;
pub use context::{Signing, long_date};
pub use languages::{Language, Renderers};
pub use sheet::Sheet;

use crate::campaign::Campaign;
use crate::config::Sender;
use crate::contacts::Contact;
use crate::diag::{Diagnostic, Diagnostics, Severity};
use crate::fields;
use crate::letter::{Addressee, Channel, From, Kind, Letter};
use crate::plan::{Planned, Target, channels_of};
use crate::template::shape::{self, Shape};
use crate::template::{self, graph};
use crate::workspace::Partial;

/// Placeholders shown in the review when the sender profile lacks a field.
pub const PLACEHOLDER_NAME: &str = "[YOUR NAME]";
pub const PLACEHOLDER_EMAIL: &str = "[your e-mail]";
pub const PLACEHOLDER_CITY: &str = "[your city]";
pub const PLACEHOLDER_COUNTRY: &str = "[your country]";

/// A campaign's compiled templates.
pub struct Renderer {
    hb: Handlebars<'static>,
    /// Registered name → (file, line of the template's first line), for error messages.
    files: HashMap<String, (PathBuf, usize)>,
    letter: String,
    subject: String,
    layouts: HashMap<&'static str, String>,
    /// The templates a bulk mailing renders once per shape of signer (see [`memo`]).
    memoizable: Vec<String>,
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
        let (entries, analysed) =
            compile::analyse_reachable(compile::entries(campaign, partials), diags);
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
        if let Some(f) = graph::check(&sources, compile::list_bound(campaign)) {
            diags.error(entries[f.source].origin(f.line), f.message);
            return None;
        }
        let roots: Vec<Option<&'static Shape>> = entries
            .iter()
            .map(|e| match (e.partial, e.layout) {
                (true, _) => None,
                (false, None) => Some(&context::LETTER),
                (false, Some(_)) => Some(&context::LAYOUT),
            })
            .collect();
        let checked = shape::check(&sources, &roots);
        for f in &checked.problems {
            diags.error(entries[f.source].origin(f.line), f.message.clone());
        }
        if !checked.problems.is_empty() {
            return None;
        }
        let mut analysed = analysed;
        for (s, print, path) in checked.shown {
            if let Err(e) = analysed[s].print_through(print, &path) {
                diags.error(entries[s].origin(1), e);
                return None;
            }
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
            memoizable: Vec::new(),
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
        r.memoizable = std::iter::once(&r.letter)
            .chain([&r.subject])
            .chain(r.layouts.values())
            .filter(|name| memo::memoizable(&r.hb, name))
            .cloned()
            .collect();
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
        self.render_with(campaign, planned, sender, signing, date, None)
    }

    /// The same, the letter's text followed by `original` (its language, and its text in
    /// that language) for a bilingual letter.
    pub fn render_with(
        &self,
        campaign: &Campaign,
        planned: &Planned,
        sender: &Sender,
        signing: &Signing<'_>,
        date: Date,
        original: Option<(&str, &str)>,
    ) -> Result<Letter, Diagnostic> {
        let mut sheet = Sheet::new(
            campaign,
            std::slice::from_ref(planned),
            signing.signatories,
            date,
        );
        sheet.sign(sender, signing);
        self.render_on(&mut sheet, 0, campaign, planned, sender, signing, original)
    }

    /// Where `name` is among the templates a bulk mailing renders once per shape of signer
    /// (see [`memo`]), if it is.
    fn memoized(&self, name: &str) -> Option<usize> {
        self.memoizable.iter().position(|m| m == name)
    }

    /// The subject, rendered as `raw`, on one line.
    fn subject_line(raw: &str, campaign: &Campaign) -> Result<String, Diagnostic> {
        let subject = raw.trim();
        fields::check_line("the rendered subject", subject).map_err(|e| Diagnostic {
            severity: Severity::Error,
            origin: campaign.subject_origin.clone(),
            message: e,
        })?;
        Ok(subject.to_string())
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

/// The letter's From: the account's name and e-mail, or placeholders the review shows; a
/// signer's letter names them, "Ann Activist via Leeds Branch", at the account's address.
fn from(sender: &Sender, signing: &Signing<'_>) -> From {
    let account = sender
        .name
        .clone()
        .unwrap_or_else(|| PLACEHOLDER_NAME.to_string());
    From {
        name: match signing.signer {
            Some(s) => format!("{} via {account}", s.name),
            None => account,
        },
        email: sender
            .email
            .as_ref()
            .map_or_else(|| PLACEHOLDER_EMAIL.to_string(), ToString::to_string),
    }
}

/// A target as the letter's addressee, at its address for the letter's channel.
fn addressee(t: &Target) -> Addressee {
    Addressee {
        id: t.contact.id.clone(),
        name: t.contact.name.clone(),
        address: address(t),
        // Where the fax machine is: the contact's own zone, else the country of its number.
        place: (t.channel == Channel::Fax).then(|| {
            let country = t.contact.fax.as_ref().and_then(|f| f.region.as_deref());
            crate::fax::Place::of(
                t.contact.timezone.as_deref(),
                country.unwrap_or(t.contact.country.code()),
            )
        }),
    }
}

fn address(t: &Target) -> String {
    t.contact.address(t.channel).unwrap_or_default()
}

/// The other ways to reach a letter's addressees (none for a copy), each named when there
/// are several.
fn alternatives(planned: &Planned) -> Vec<String> {
    match planned.kind {
        Kind::Copy => Vec::new(),
        Kind::Letter => planned
            .to
            .iter()
            .flat_map(|t| target_alternatives(t, planned.to.len() > 1))
            .collect(),
    }
}

fn target_alternatives(t: &Target, name_it: bool) -> Vec<String> {
    channels_of(&t.contact)
        .into_iter()
        .filter(|ch| *ch != t.channel)
        .map(|ch| {
            let value = t.contact.address_shown(ch).unwrap_or_default();
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
        place: None,
    }
}

/// The line between a bilingual letter's text and the same in the campaign's own language
/// (`language`), in the letter's language (`letter_language`).
fn original_below(language: &str, letter_language: &str) -> String {
    crate::locale::phrases(letter_language)
        .original_below(language)
        .to_string()
}

/// Gives each coordinators' copy of a fax or postal letter that letter, whose PDF the copy
/// carries. `letters` are those rendered from `planned`, one for one, in its order.
pub fn attach_originals(planned: &[Planned], letters: &mut [Letter]) {
    for (i, p) in planned.iter().enumerate() {
        let Some(of) = p.id.strip_suffix(".copy").filter(|_| p.kind == Kind::Copy) else {
            continue;
        };
        let original = planned
            .iter()
            .position(|o| o.kind == Kind::Letter && o.id == of)
            .and_then(|j| letters.get(j))
            .filter(|l| l.pdf_name().is_some())
            .map(|l| std::sync::Arc::new(l.clone()));
        if let Some(copy) = letters.get_mut(i) {
            copy.carries = original;
        }
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

/// Normalises line ends to `\n`, drops trailing spaces and leading blank lines, ends with one `\n`.
fn tidy(mut text: String) -> String {
    if is_tidy_within(&text) {
        // Only the ends to mend, in place (most letters).
        let lead = text.len() - text.trim_start_matches('\n').len();
        text.drain(..lead);
        text.truncate(text.trim_end_matches('\n').len());
        text.push('\n');
        return text;
    }
    let text = if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    };
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

/// Whether no line of `text` needs tidying: none holds a `\r` or ends in white space (the
/// character that ends a line is not white space, ASCII or Unicode's: a letter in Cyrillic
/// ends its lines in characters of more than one byte).
fn is_tidy_within(text: &str) -> bool {
    let spaced_before = |end: usize| match text.as_bytes()[..end].last() {
        None | Some(b'\n') => false,
        Some(&b) if b < 0x80 => matches!(b, b'\t' | 0x0b | 0x0c | b' '),
        Some(_) => text[..end]
            .chars()
            .next_back()
            .is_some_and(char::is_whitespace),
    };
    !text.as_bytes().contains(&b'\r')
        && line_feeds(text).all(|end| !spaced_before(end))
        && !spaced_before(text.len())
}

/// The byte offset of every line feed in `text`.
fn line_feeds(text: &str) -> impl Iterator<Item = usize> + '_ {
    memchr::memchr_iter(b'\n', text.as_bytes())
}

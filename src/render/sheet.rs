//! The context a plan's letters render from, kept from one letter and one signer to the
//! next: what every letter shares (the campaign, its demands, the date, the signatories) is
//! built once, what a planned letter has of its own (its recipients; for its layout the
//! copies, the addressee) once per plan, and who signs (`sender`, `signer`, `personal`) once
//! per signer. A letter's own values are moved into the one context while it renders and
//! back out after, so that a bulk mailing builds no context per letter.

use handlebars::Context;
use serde_json::{Value, json};

use super::MAX_LETTER;
use super::context::{self, Signing, recipient_ctx};
use super::memo::{Memo, SIGNED};
use super::{Renderer, address, addressee, alternatives, coordinator, from, tidy};
use crate::campaign::Campaign;
use crate::config::Sender;
use crate::diag::Diagnostic;
use crate::fields;
use crate::letter::{Channel, Kind, Letter};
use crate::plan::Planned;

/// The contexts of a plan's letters (see the module's documentation).
pub struct Sheet {
    ctx: Context,
    /// The texts rendered for each shape of signer, in a bulk mailing ([`Sheet::memoized`]).
    memo: Option<Memo>,
    letters: Vec<Own>,
    /// The signer's `return_address`, for the layouts.
    return_address: Value,
    /// The signer's part of every shape, on a memoized sheet (see [`Signed`]).
    signed: Option<Signed>,
}

/// What a memoized sheet's shapes have of the signer (`sender`, `signer`, `personal`): the
/// start of each shape and its strings ([`super::memo::shape`]), made once a signer rather
/// than for every template of every letter, and whether those strings are clean (no hidden
/// control characters), checked once.
struct Signed {
    shape: String,
    strings: Vec<String>,
    clean: bool,
}

/// The keys of [`SIGNED`] that hold who signs, set by [`Sheet::sign`]; the others are a
/// layout's ([`LAYOUT_TEXTS`]).
const SIGNER: [&str; 3] = ["sender", "signer", "personal"];

/// What a planned letter's context has of its own: `recipient` and `recipients`, and for
/// its layout `copy_to`, `delivery_address`, and `original_to` (a copy) or `addressee`.
struct Own {
    recipient: Value,
    recipients: Value,
    layout: Vec<(&'static str, Value)>,
}

/// The keys a layout sees besides those of [`Own::layout`], set while it renders.
const LAYOUT_TEXTS: [&str; 3] = ["subject", "body", "return_address"];

impl Sheet {
    /// The contexts of `letters`, planned for `campaign`, dated `date`, with `signatories`;
    /// nobody signs them until [`Sheet::sign`].
    pub fn new(
        campaign: &Campaign,
        letters: &[Planned],
        signatories: &[String],
        date: jiff::civil::Date,
    ) -> Sheet {
        let mut ctx = context::fixed(campaign, signatories, date);
        if let Value::Object(map) = &mut ctx {
            map.insert("recipient".into(), Value::Null);
            map.insert("recipients".into(), Value::Null);
        }
        Sheet {
            ctx: Context::from(ctx),
            memo: None,
            letters: letters.iter().map(own).collect(),
            return_address: Value::Null,
            signed: None,
        }
    }

    /// The sheet, keeping what it renders for each shape of signer (see [`super::memo`]): for
    /// a bulk mailing, whose signers it renders in turn.
    #[must_use]
    pub fn memoized(self) -> Sheet {
        Sheet {
            memo: Some(Memo::new()),
            ..self
        }
    }

    /// Signs the letters as `signing` says, from the account `account`.
    pub fn sign(&mut self, account: &Sender, signing: &Signing<'_>) {
        let signed = context::signed(account, signing);
        self.return_address = json!(context::return_address(&signed[0].1));
        if let Value::Object(map) = self.ctx.data_mut() {
            for (k, v) in signed {
                map.insert(k.into(), v);
            }
        }
        self.signed = None;
        if self.memo.is_some()
            && let Value::Object(map) = self.ctx.data()
        {
            let values: Vec<(&'static str, &Value)> = SIGNER
                .iter()
                .filter_map(|k| map.get(*k).map(|v| (*k, v)))
                .collect();
            let (shape, strings) = super::memo::shape(&values);
            self.signed = Some(Signed {
                shape,
                clean: strings
                    .iter()
                    .all(|s| fields::find_hidden_control(s).is_none()),
                strings: strings.into_iter().map(str::to_string).collect(),
            });
        }
    }

    /// Exchanges the letter `i`'s recipients with what the context holds: in before it
    /// renders, out after.
    fn swap_recipients(&mut self, i: usize) {
        let Sheet { ctx, letters, .. } = self;
        let own = &mut letters[i];
        if let Value::Object(map) = ctx.data_mut() {
            for (k, v) in [
                ("recipient", &mut own.recipient),
                ("recipients", &mut own.recipients),
            ] {
                if let Some(x) = map.get_mut(k) {
                    std::mem::swap(x, v);
                }
            }
        }
    }

    /// Adds what the letter `i`'s layout sees: its `subject`, `body` and its own values.
    fn enter_layout(&mut self, i: usize, subject: &str, body: &str) {
        let Sheet {
            ctx,
            letters,
            return_address,
            ..
        } = self;
        if let Value::Object(map) = ctx.data_mut() {
            map.insert("subject".into(), json!(subject));
            map.insert("body".into(), json!(body.trim_end()));
            map.insert("return_address".into(), std::mem::take(return_address));
            for (k, v) in &mut letters[i].layout {
                map.insert((*k).into(), std::mem::take(v));
            }
        }
    }

    /// Takes the layout's values out again (see [`Sheet::enter_layout`]).
    fn leave_layout(&mut self, i: usize) {
        let Sheet {
            ctx,
            letters,
            return_address,
            ..
        } = self;
        if let Value::Object(map) = ctx.data_mut() {
            for (k, v) in &mut letters[i].layout {
                *v = map.remove(*k).unwrap_or_default();
            }
            for k in LAYOUT_TEXTS {
                let v = map.remove(k).unwrap_or_default();
                if k == "return_address" {
                    *return_address = v;
                }
            }
        }
    }
}

/// A planned letter's own values (see [`Own`]).
fn own(planned: &Planned) -> Own {
    let (recipient, recipients) = context::addressed(&planned.recipients);
    let mut layout = vec![
        (
            "copy_to",
            Value::Array(planned.noted_copies.iter().map(recipient_ctx).collect()),
        ),
        (
            "delivery_address",
            json!(
                planned
                    .to
                    .first()
                    .map(|t| context::delivery_address(&t.contact))
                    .unwrap_or_default()
            ),
        ),
    ];
    match (planned.kind, planned.channel) {
        (Kind::Copy, _) => layout.push(("original_to", original_to(planned))),
        (Kind::Letter, Channel::Email) => {}
        (Kind::Letter, _) => layout.push((
            "addressee",
            planned
                .to
                .first()
                .map_or(Value::Null, |t| recipient_ctx(&t.contact)),
        )),
    }
    Own {
        recipient,
        recipients,
        layout,
    }
}

/// A copy's `original_to`: whom the letter it copies went to, and by which channel.
fn original_to(planned: &Planned) -> Value {
    Value::Array(
        planned
            .copy_of
            .iter()
            .map(|t| {
                // A letter by another channel than e-mail says which, at the address as
                // people read it.
                let (by, address) = match t.channel {
                    Channel::Email => ("", address(t)),
                    ch => (ch.label(), t.contact.address_shown(ch).unwrap_or_default()),
                };
                json!({"name": t.contact.name, "address": address, "by": by})
            })
            .collect(),
    )
}

impl Renderer {
    /// Renders the letter `i` of the plan `sheet` was made for (`planned`), from the account
    /// `sender`, signed as the sheet was last signed (`signing`, the same). A bilingual
    /// letter's text ends with `original`: the language and text of the campaign's own.
    #[allow(clippy::too_many_arguments)]
    pub fn render_on(
        &self,
        sheet: &mut Sheet,
        i: usize,
        campaign: &Campaign,
        planned: &Planned,
        sender: &Sender,
        signing: &Signing<'_>,
        original: Option<(&str, &str)>,
    ) -> Result<Letter, Diagnostic> {
        let id = match signing.signer {
            Some(s) => format!("{}.{}", planned.id, s.key),
            None => planned.id.clone(),
        };
        sheet.swap_recipients(i);
        let texts = self.texts(sheet, i, campaign, planned, original);
        sheet.swap_recipients(i);
        let (subject, body) = texts?;
        // A fax has one too: a gateway sends it as an e-mail (see `crate::fax`).
        let message_id = matches!(planned.channel, Channel::Email | Channel::Fax)
            .then(|| super::message_id(campaign, &id, sender));
        Ok(Letter {
            id,
            kind: planned.kind,
            channel: planned.channel,
            from: from(sender, signing),
            to: planned.to.iter().map(addressee).collect(),
            cc: signing
                .signer_copy()
                .filter(|_| planned.kind == Kind::Letter && planned.channel == Channel::Email)
                .into_iter()
                .chain(planned.cc.iter().map(coordinator))
                .collect(),
            bcc: planned.bcc.iter().map(coordinator).collect(),
            subject,
            body,
            message_id,
            alternatives: alternatives(planned),
            carries: None,
            language: campaign.language.clone(),
        })
    }

    /// The subject and the body of the letter `i`, its recipients in the sheet.
    fn texts(
        &self,
        sheet: &mut Sheet,
        i: usize,
        campaign: &Campaign,
        planned: &Planned,
        original: Option<(&str, &str)>,
    ) -> Result<(String, String), Diagnostic> {
        let subject = Renderer::subject_line(&self.run_on(&self.subject, sheet, i)?, campaign)?;
        let mut body = tidy(self.run_on(&self.letter, sheet, i)?);
        if let Some((language, text)) = original {
            body = format!(
                "{body}\n{}\n\n{text}",
                super::original_below(language, &campaign.language)
            );
        }
        self.lay_out(sheet, i, planned, subject, body)
    }

    /// The subject and body as the letter's channel carries them: an e-mail as written, a
    /// letter by another channel in its layout (fax page, postal letter, web form, call
    /// script), a copy in the coordinators' layout. Layouts see the letter's context and
    /// `subject`, `body`, `copy_to`, `return_address`, `delivery_address`, and `addressee`
    /// or `original_to`.
    fn lay_out(
        &self,
        sheet: &mut Sheet,
        i: usize,
        planned: &Planned,
        subject: String,
        body: String,
    ) -> Result<(String, String), Diagnostic> {
        let layout = match (planned.kind, planned.channel) {
            (Kind::Letter, Channel::Email) => return Ok((subject, body)),
            (Kind::Copy, _) => "copy",
            (Kind::Letter, ch) => super::layout_name(ch),
        };
        sheet.enter_layout(i, &subject, &body);
        let text = self.run_on(&self.layouts[layout], sheet, i);
        sheet.leave_layout(i);
        let body = tidy(text?);
        Ok(match planned.kind {
            Kind::Copy => (format!("Copy: {subject}"), body),
            Kind::Letter => (subject, body),
        })
    }
}

impl Renderer {
    /// Renders `name` for the letter `i` on `sheet`: as [`Renderer::run`] does, or, on a
    /// memoized sheet and for a template that qualifies, from the text kept for the signer's
    /// shape (rendered by handlebars the first time; see [`super::memo`]).
    fn run_on(&self, name: &str, sheet: &mut Sheet, i: usize) -> Result<String, Diagnostic> {
        let (Some(memo), Some(t)) = (&sheet.memo, self.memoized(name)) else {
            return self.run(name, &sheet.ctx);
        };
        let Value::Object(map) = sheet.ctx.data() else {
            return self.run(name, &sheet.ctx);
        };
        let values: Vec<(&'static str, &Value)> = SIGNED
            .iter()
            .filter_map(|k| map.get(*k).map(|v| (*k, v)))
            .collect();
        // The shape and its strings: the signer's part as signed, the layout's texts here.
        let layout: Vec<(&'static str, &Value)> = values
            .iter()
            .filter(|(k, _)| LAYOUT_TEXTS.contains(k))
            .copied()
            .collect();
        let (shape, strings) = match &sheet.signed {
            Some(signed) if values.len() == SIGNER.len() + layout.len() => {
                let (tail, tail_strings) = super::memo::shape(&layout);
                let strings: Vec<&str> = signed
                    .strings
                    .iter()
                    .map(String::as_str)
                    .chain(tail_strings)
                    .collect();
                (format!("{}{tail}", signed.shape), strings)
            }
            _ => super::memo::shape(&values),
        };
        if let Some(text) = memo.kept(&shape, t, i) {
            // The kept text was checked, and so were a layout's `subject` and `body` (texts
            // rendered and checked before it): the signer's own strings are checked here,
            // once a signer ([`Signed`]), and the return address.
            let clean = |values: &[(&'static str, &Value)]| {
                super::memo::shape(values)
                    .1
                    .iter()
                    .all(|s| fields::find_hidden_control(s).is_none())
            };
            let own_clean = if let Some(signed) = &sheet.signed {
                let ret: Vec<(&'static str, &Value)> = layout
                    .iter()
                    .filter(|(k, _)| *k == "return_address")
                    .copied()
                    .collect();
                signed.clean && clean(&ret)
            } else {
                let own: Vec<(&'static str, &Value)> = values
                    .iter()
                    .filter(|(k, _)| !matches!(*k, "subject" | "body"))
                    .copied()
                    .collect();
                clean(&own)
            };
            return match memo.fill(text, &strings) {
                Some(filled) if own_clean && filled.len() <= MAX_LETTER => Ok(filled),
                _ => self.run(name, &sheet.ctx),
            };
        }
        // The first signer of this shape: rendered with markers for its strings.
        let mut n = 0;
        let mut marked: Vec<(&'static str, Value)> = values
            .iter()
            .map(|(k, v)| (*k, memo.mark(v, &mut n)))
            .collect();
        let strings: Vec<String> = strings.into_iter().map(str::to_string).collect();
        swap_values(&mut sheet.ctx, &mut marked);
        let text = self.run(name, &sheet.ctx);
        swap_values(&mut sheet.ctx, &mut marked);
        let Some(memo) = &mut sheet.memo else {
            return self.run(name, &sheet.ctx);
        };
        match text.map(|text| (memo.fill(&text, &strings), text)) {
            Ok((Some(filled), text)) if filled.len() <= MAX_LETTER => {
                let checked = self.checked(name, filled);
                // Kept only when clean: a later signer's text is then checked in its strings.
                if checked.is_ok() {
                    memo.keep(shape, t, i, text);
                }
                checked
            }
            _ => self.run(name, &sheet.ctx),
        }
    }
}

/// Exchanges the context's values of `values`' keys with those values.
fn swap_values(ctx: &mut Context, values: &mut [(&'static str, Value)]) {
    if let Value::Object(map) = ctx.data_mut() {
        for (k, v) in values {
            if let Some(x) = map.get_mut(*k) {
                std::mem::swap(x, v);
            }
        }
    }
}

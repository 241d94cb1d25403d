//! A bulk mailing renders each planned letter once for every signer, and the signers differ
//! only in what they sign with: `sender`, `signer` and `personal` (and, in a layout, the
//! letter's `subject`, `body` and `return_address`, which come from them). Where a template
//! uses those values only by printing them (`{{sender.name}}`) or testing them (`{{#if
//! personal}}`), its text for a signer is its text for any signer whose values are empty or
//! not in the same places, with the values put in: so it is rendered by handlebars once per
//! such *shape*, with a marker in place of each non-empty string, and for every signer of
//! that shape the markers are replaced by the signer's strings.
//!
//! Which templates qualify is read from handlebars' own parse ([`memoizable`]), conservatively:
//! a signer's value anywhere else (a helper's argument, `#each`/`#with` over it, a path into
//! it inside a block that changes the context, a partial with arguments, an inline partial)
//! and the template is rendered by handlebars for every signer, as before. The markers hold
//! a random nonce drawn for each run, so no text of a workspace can pass for one.

use std::collections::HashMap;
use std::hash::{BuildHasher as _, Hasher as _};

use handlebars::Handlebars;
use handlebars::template::{Parameter, Template, TemplateElement};
use serde_json::Value;

/// The context's keys whose values depend on who signs.
pub(super) const SIGNED: [&str; 6] = [
    "sender",
    "signer",
    "personal",
    "subject",
    "body",
    "return_address",
];

/// How many texts a sheet keeps (a template of a planned letter for a shape of signer: a
/// few KiB each) before it stops keeping more and renders further shapes by handlebars: a
/// signers file of many shapes (columns empty in every pattern) keeps a few MiB a sheet.
const MAX_KEPT: usize = 1024;

/// A sheet's memory of rendered shapes (see the module's documentation).
pub(super) struct Memo {
    /// Begins every marker: a private-use character, then the run's nonce.
    open: String,
    /// (template, planned letter, shape) → the text with markers.
    kept: HashMap<(String, usize, String), String>,
}

/// What the signer-dependent values of one render become: the values with markers, the shape
/// (the same for every signer whose values are empty or not in the same places), and the
/// strings the markers stand for.
pub(super) struct Probe {
    pub(super) marked: Vec<(&'static str, Value)>,
    pub(super) shape: String,
    pub(super) strings: Vec<String>,
}

impl Memo {
    pub(super) fn new() -> Memo {
        let nonce = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Memo {
            open: format!("\u{E000}{nonce:016x}:"),
            kept: HashMap::new(),
        }
    }

    /// The probe of `values` (the context's signer-dependent entries).
    pub(super) fn probe<'v>(
        &self,
        values: impl Iterator<Item = (&'static str, &'v Value)>,
    ) -> Probe {
        let mut strings = Vec::new();
        let marked: Vec<(&'static str, Value)> = values
            .map(|(k, v)| (k, self.mark(v, &mut strings)))
            .collect();
        let mut shape = String::new();
        for (k, v) in &marked {
            shape.push_str(k);
            shape.push('=');
            shape.push_str(&v.to_string());
            shape.push('\n');
        }
        Probe {
            marked,
            shape,
            strings,
        }
    }

    /// `v` with each non-empty string replaced by a marker (its index in `strings`).
    fn mark(&self, v: &Value, strings: &mut Vec<String>) -> Value {
        match v {
            Value::String(s) if !s.is_empty() => {
                let marker = format!("{}{}\u{E001}", self.open, strings.len());
                strings.push(s.clone());
                Value::String(marker)
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| self.mark(x, strings)).collect()),
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, x)| (k.clone(), self.mark(x, strings)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// The text kept for this template, letter and shape, if any.
    pub(super) fn kept(&self, name: &str, letter: usize, shape: &str) -> Option<&str> {
        self.kept
            .get(&(name.to_string(), letter, shape.to_string()))
            .map(String::as_str)
    }

    /// Keeps a text rendered with markers (up to [`MAX_KEPT`] shapes).
    pub(super) fn keep(&mut self, name: &str, letter: usize, shape: String, text: String) {
        if self.kept.len() < MAX_KEPT {
            self.kept.insert((name.to_string(), letter, shape), text);
        }
    }

    /// `text` with its markers replaced by `strings`; `None` if a marker is not whole or
    /// names no string (the text is then rendered by handlebars).
    pub(super) fn fill(&self, text: &str, strings: &[String]) -> Option<String> {
        let mut out =
            String::with_capacity(text.len() + strings.iter().map(String::len).sum::<usize>());
        let mut rest = text;
        // A marker's first character, then the nonce (a U+E000 in a campaign's text is not
        // followed by it, and is kept).
        while let Some(at) = rest.find('\u{E000}') {
            out.push_str(&rest[..at]);
            let Some(after) = rest[at..].strip_prefix(self.open.as_str()) else {
                out.push('\u{E000}');
                rest = &rest[at + '\u{E000}'.len_utf8()..];
                continue;
            };
            let end = after.find('\u{E001}')?;
            let i: usize = after[..end].parse().ok()?;
            out.push_str(strings.get(i)?);
            rest = &after[end + '\u{E001}'.len_utf8()..];
        }
        out.push_str(rest);
        Some(out)
    }
}

/// Whether the template `name` (and every partial it calls) uses the signer-dependent
/// values ([`SIGNED`]) only by printing them or by `#if`/`#unless` on them, outside any block
/// that changes the context.
pub(super) fn memoizable(hb: &Handlebars<'_>, name: &str) -> bool {
    let mut seen = Vec::new();
    hb.get_template(name)
        .is_some_and(|t| template_ok(hb, t, false, &mut seen))
}

fn template_ok<'a>(
    hb: &'a Handlebars<'_>,
    t: &'a Template,
    in_block: bool,
    seen: &mut Vec<(&'a str, bool)>,
) -> bool {
    t.elements
        .iter()
        .all(|el| element_ok(hb, el, in_block, seen))
}

fn element_ok<'a>(
    hb: &'a Handlebars<'_>,
    el: &'a TemplateElement,
    in_block: bool,
    seen: &mut Vec<(&'a str, bool)>,
) -> bool {
    match el {
        TemplateElement::RawString(s) => !s.contains('\u{E000}'),
        TemplateElement::Comment(_) => true,
        TemplateElement::Expression(h) | TemplateElement::HtmlExpression(h) => {
            if h.params.is_empty() && h.hash.is_empty() {
                // A print: a signer's value only where the context is the letter's own.
                !(in_block && signed(&h.name, in_block))
            } else {
                // A helper: none of its arguments may be a signer's value.
                !h.params
                    .iter()
                    .chain(h.hash.values())
                    .any(|p| signed(p, in_block))
            }
        }
        TemplateElement::HelperBlock(h) => {
            let name = h.name.as_name().unwrap_or_default();
            let args_ok = match name {
                // A test: on a signer's value, only where the context is the letter's own.
                "if" | "unless" if h.params.len() == 1 && h.hash.is_empty() => {
                    !(nested_signed(&h.params[0], in_block)
                        || in_block && signed(&h.params[0], in_block))
                }
                _ => !h
                    .params
                    .iter()
                    .chain(h.hash.values())
                    .any(|p| signed(p, in_block)),
            };
            // `if` and `unless` keep the context; any other block may change it.
            let inner = in_block || !matches!(name, "if" | "unless");
            args_ok
                && h.template
                    .as_ref()
                    .is_none_or(|t| template_ok(hb, t, inner, seen))
                && h.inverse
                    .as_ref()
                    .is_none_or(|t| template_ok(hb, t, inner, seen))
        }
        TemplateElement::PartialExpression(d) => {
            let Some(name) = (match &d.name {
                Parameter::Name(n) => Some(n.as_str()),
                Parameter::Path(_) => d.name.as_name(),
                _ => None,
            }) else {
                return false;
            };
            if !d.params.is_empty() || !d.hash.is_empty() {
                return false;
            }
            // Each partial is read once where the context is the letter's own and once inside
            // a block (a partial that calls itself is read no deeper).
            if seen.contains(&(name, in_block)) {
                return true;
            }
            seen.push((name, in_block));
            hb.get_template(name)
                .is_some_and(|t| template_ok(hb, t, in_block, seen))
        }
        // Partial blocks, inline partials and anything a later handlebars adds: rendered by
        // handlebars for every signer.
        _ => false,
    }
}

/// Whether a parameter is, or holds, a signer-dependent value: a path into one of [`SIGNED`],
/// the whole context of the letter (`this` where no block changed it, `@root`, `../`), or a
/// subexpression with one. Inside a block (`in_block`), a bare `this` is the block's own
/// value, which is a signer's only if the block's argument was (and such a block is refused).
fn signed(p: &Parameter, in_block: bool) -> bool {
    match p {
        Parameter::Path(_) => {
            let raw = p.as_name().unwrap_or_default();
            let mut rest = raw;
            let mut up = false;
            loop {
                let before = rest;
                for prefix in ["this.", "this/", "./"] {
                    rest = rest.strip_prefix(prefix).unwrap_or(rest);
                }
                for prefix in ["../", "@root.", "@root/"] {
                    if let Some(r) = rest.strip_prefix(prefix) {
                        rest = r;
                        up = true;
                    }
                }
                if rest == before {
                    break;
                }
            }
            let first = rest
                .split(['.', '/'])
                .next()
                .unwrap_or_default()
                .trim_start_matches('[')
                .trim_end_matches(']');
            if SIGNED.contains(&first) {
                return true;
            }
            let whole = matches!(first, "" | "this" | "." | "..");
            first == "@root" || whole && (up || !in_block)
        }
        Parameter::Subexpression(_) => nested_signed(p, in_block),
        Parameter::Name(_) | Parameter::Literal(_) => false,
        // Whatever a later handlebars adds: taken as a signer's.
        _ => true,
    }
}

/// Whether a subexpression holds a signer-dependent value among its arguments.
fn nested_signed(p: &Parameter, in_block: bool) -> bool {
    let Parameter::Subexpression(s) = p else {
        return false;
    };
    s.params()
        .is_some_and(|ps| ps.iter().any(|x| signed(x, in_block)))
        || s.hash()
            .is_some_and(|h| h.values().any(|x| signed(x, in_block)))
}

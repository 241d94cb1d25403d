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
    /// shape → (template, planned letter) → the text with markers.
    kept: HashMap<String, HashMap<(usize, usize), String>>,
    /// How many texts `kept` holds.
    count: usize,
}

/// The shape of the signer-dependent `values` (each non-empty string, empty string, null,
/// boolean and number in its place, objects with their keys) and their non-empty strings,
/// in the order [`Memo::mark`] numbers them.
pub(super) fn shape<'v>(values: &[(&'static str, &'v Value)]) -> (String, Vec<&'v str>) {
    fn walk<'v>(v: &'v Value, shape: &mut String, strings: &mut Vec<&'v str>) {
        match v {
            Value::String(s) if s.is_empty() => shape.push('e'),
            Value::String(s) => {
                shape.push('s');
                strings.push(s);
            }
            Value::Null => shape.push('n'),
            Value::Bool(b) => shape.push(if *b { 't' } else { 'f' }),
            Value::Number(n) => {
                shape.push('#');
                shape.push_str(&n.to_string());
                shape.push(';');
            }
            Value::Array(a) => {
                shape.push('[');
                for x in a {
                    walk(x, shape, strings);
                }
                shape.push(']');
            }
            Value::Object(o) => {
                shape.push('{');
                for (k, x) in o {
                    // A key's length first: no key can pass for another and its value.
                    shape.push_str(&k.len().to_string());
                    shape.push(':');
                    shape.push_str(k);
                    walk(x, shape, strings);
                }
                shape.push('}');
            }
        }
    }
    let mut shape = String::new();
    let mut strings = Vec::new();
    for (k, v) in values {
        shape.push_str(k);
        shape.push('=');
        walk(v, &mut shape, &mut strings);
        shape.push(';');
    }
    (shape, strings)
}

impl Memo {
    pub(super) fn new() -> Memo {
        let nonce = std::collections::hash_map::RandomState::new()
            .build_hasher()
            .finish();
        Memo {
            open: format!("\u{E000}{nonce:016x}:"),
            kept: HashMap::new(),
            count: 0,
        }
    }

    /// `v` with each non-empty string replaced by a marker numbered from `n`, in the order
    /// [`shape`] lists the strings.
    pub(super) fn mark(&self, v: &Value, n: &mut usize) -> Value {
        match v {
            Value::String(s) if !s.is_empty() => {
                let marker = format!("{}{n}\u{E001}", self.open);
                *n += 1;
                Value::String(marker)
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| self.mark(x, n)).collect()),
            Value::Object(o) => Value::Object(
                o.iter()
                    .map(|(k, x)| (k.clone(), self.mark(x, n)))
                    .collect(),
            ),
            other => other.clone(),
        }
    }

    /// The text kept for this shape, template (its index) and planned letter, if any.
    pub(super) fn kept(&self, shape: &str, template: usize, letter: usize) -> Option<&str> {
        self.kept
            .get(shape)
            .and_then(|t| t.get(&(template, letter)))
            .map(String::as_str)
    }

    /// Keeps a text rendered with markers (up to [`MAX_KEPT`] texts).
    pub(super) fn keep(&mut self, shape: String, template: usize, letter: usize, text: String) {
        if self.count < MAX_KEPT {
            self.count += 1;
            self.kept
                .entry(shape)
                .or_default()
                .insert((template, letter), text);
        }
    }

    /// `text` with its markers replaced by `strings`; `None` if a marker is not whole or
    /// names no string (the text is then rendered by handlebars).
    pub(super) fn fill(&self, text: &str, strings: &[impl AsRef<str>]) -> Option<String> {
        let mut out = String::with_capacity(
            text.len() + strings.iter().map(|s| s.as_ref().len()).sum::<usize>(),
        );
        let mut rest = text;
        // A marker's first character, then the nonce (a U+E000 in a campaign's text is not
        // followed by it, and is kept). Found by its first byte, 0xEE, which begins a
        // character of the private-use area only (Cyrillic and Greek text is full of the
        // 0x80 it ends in).
        let first = |s: &str| {
            memchr::memchr_iter(0xEE, s.as_bytes()).find(|&i| s[i..].starts_with('\u{E000}'))
        };
        while let Some(at) = first(rest) {
            out.push_str(&rest[..at]);
            let Some(after) = rest[at..].strip_prefix(self.open.as_str()) else {
                out.push('\u{E000}');
                rest = &rest[at + '\u{E000}'.len_utf8()..];
                continue;
            };
            let end = after.find('\u{E001}')?;
            let i: usize = after[..end].parse().ok()?;
            out.push_str(strings.get(i)?.as_ref());
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

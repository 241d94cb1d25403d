//! The size-capped writer a template renders into, and the checks on what it rendered: a
//! letter stops at [`MAX_LETTER`], and no control character reaches the screen or the mail.

use std::path::PathBuf;

use handlebars::Context;
use handlebars::RenderErrorReason;

use super::Renderer;
use crate::diag::{Diagnostic, Origin, Severity};
use crate::fields;

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

impl Renderer {
    /// Renders `name` (at most [`MAX_LETTER`] bytes) and checks the text for control characters.
    pub(super) fn run(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        let text = self.render_bounded(name, ctx)?;
        self.checked(name, text)
    }

    /// `text`, rendered from `name`, if it holds no control character (`run`'s check, also
    /// for a text made otherwise: see [`super::memo`]).
    pub(super) fn checked(&self, name: &str, text: String) -> Result<String, Diagnostic> {
        // Every file and value is checked for control characters where it is read; this is
        // the last guard, on what will be shown and sent.
        // Most letters are printable ASCII and line ends, which hold no control character.
        let plain = text
            .bytes()
            .all(|b| b == b'\n' || b == b'\t' || (0x20..0x7f).contains(&b));
        if let Some((_, c)) = (!plain)
            .then(|| fields::find_hidden_control(&text))
            .flatten()
        {
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
    fn render_bounded(&self, name: &str, ctx: &Context) -> Result<String, Diagnostic> {
        let mut out = Bounded(Vec::with_capacity(4096));
        let done = self
            .hb
            .render_with_context_to_write(name, ctx, &mut out)
            .map(|()| {
                // handlebars writes whole strings, so the bytes are UTF-8.
                String::from_utf8(out.0)
                    .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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
                    "template uses `{v}`, which is not defined (known: campaign, demands, recipient, recipients, sender, date, personal, signer, signatories; in layouts also subject, body, addressee, copy_to, original_to)"
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

//! MIME: a letter as an RFC 5322 message, built by lettre (UTF-8 headers encoded, CRLF only).
//!
//! The same letter makes the same message for a draft and for sending, but for the draft's
//! `X-Unsent: 1` and its Bcc header, and for the Date.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use jiff::Timestamp;
use lettre::Message;
use lettre::message::header::{
    self, ContentTransferEncoding, ContentType, HeaderName, HeaderValue,
};
use lettre::message::{Body, SinglePart};

use crate::letter::{Addressee, Letter};

/// What the message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A draft for a mail client: `X-Unsent: 1`, Bcc recipients kept in a Bcc header so that
    /// the client sending it delivers their copy.
    Draft,
    /// Handed to a server: no X-Unsent, no Bcc header (Bcc recipients are in the envelope).
    Send,
}

/// `X-Unsent: 1`: Outlook, Thunderbird and Apple Mail open the message as a draft to send.
#[derive(Debug, Clone)]
struct XUnsent;

impl header::Header for XUnsent {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Unsent")
    }
    fn parse(_: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(XUnsent)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "1".to_string())
    }
}

/// An address header (From, To, Cc, Bcc) with one mailbox per line.
///
/// lettre would RFC 2047-encode any display name with a comma, parenthesis or apostrophe, and
/// split long names mid-word, which Thunderbird, Apple Mail and Python's `email` read back with
/// a stray space (lettre PR 810, `CPython` gh-128110). So ASCII names are written as quoted
/// strings, and non-ASCII names as encoded-words that break between words (a single word
/// too long for one encoded-word is split inside, as it must be).
fn address_header(header: &'static str, mailboxes: &[(&str, &str)]) -> Result<HeaderValue> {
    let mut raw = String::new();
    let mut encoded = String::new();
    for (i, (name, address)) in mailboxes.iter().enumerate() {
        let _: lettre::Address = address
            .parse()
            .with_context(|| format!("invalid e-mail address {address:?}"))?;
        if i > 0 {
            raw.push_str(", ");
            encoded.push_str(",\r\n ");
        }
        let quoted = format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""));
        let _ = write!(raw, "{quoted} <{address}>");
        if name.is_ascii() {
            encoded.push_str(&quoted);
        } else {
            let line = if i == 0 { header.len() + 2 } else { 1 };
            encode_phrase(name, line, &mut encoded).context("cannot encode a display name")?;
        }
        let _ = write!(encoded, " <{address}>");
    }
    Ok(HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str(header),
        raw,
        encoded,
    ))
}

/// Writes `phrase` as RFC 2047 encoded-words of whole words, each on its own folded line, with
/// the space between two words inside the second encoded-word (RFC 2047 section 6.2).
fn encode_phrase(phrase: &str, first_line_len: usize, out: &mut String) -> std::fmt::Result {
    use email_encoding::headers::{rfc2047, writer::EmailWriter};
    // What fits in one encoded-word on a 76-column line: "=?utf-8?b?" + base64 + "?=" + CRLF.
    let budget = |line_len: usize| 76usize.saturating_sub(12 + line_len + 2) / 4 * 3;
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, word) in phrase.split(' ').enumerate() {
        let piece = if i == 0 {
            word.to_string()
        } else {
            format!(" {word}")
        };
        let line_len = if chunks.is_empty() { first_line_len } else { 1 };
        if !current.is_empty() && current.len() + piece.len() > budget(line_len) {
            chunks.push(std::mem::take(&mut current));
        }
        current.push_str(&piece);
    }
    chunks.push(current);
    for (i, chunk) in chunks.iter().enumerate() {
        if i > 0 {
            out.push_str("\r\n ");
        }
        let mut w = EmailWriter::new(out, if i == 0 { first_line_len } else { 1 }, 0, false);
        rfc2047::encode(chunk, &mut w)?;
    }
    Ok(())
}

fn pairs(v: &[Addressee]) -> Vec<(&str, &str)> {
    v.iter()
        .map(|a| (a.name.as_str(), a.address.as_str()))
        .collect()
}

/// The message for an e-mail letter, as bytes with CRLF line ends only.
pub fn message(letter: &Letter, date: Timestamp, purpose: Purpose) -> Result<Vec<u8>> {
    let mut b = Message::builder()
        .raw_header(address_header(
            "From",
            &[(&letter.from.name, &letter.from.email)],
        )?)
        .raw_header(address_header("To", &pairs(&letter.to))?)
        .subject(letter.subject.clone())
        .date(date.into());
    if let Some(id) = &letter.message_id {
        b = b.message_id(Some(id.clone()));
    }
    if !letter.cc.is_empty() {
        b = b.raw_header(address_header("Cc", &pairs(&letter.cc))?);
    }
    if let Some(r) = &letter.reply_to {
        b = b.raw_header(address_header("Reply-To", &[(&r.name, &r.address)])?);
    }
    if purpose == Purpose::Draft {
        if !letter.bcc.is_empty() {
            b = b.raw_header(address_header("Bcc", &pairs(&letter.bcc))?);
        }
        b = b.header(XUnsent).keep_bcc();
    }
    // lettre ends a part with a CRLF of its own. In 7bit and quoted-printable that CRLF is the
    // body's last line end, so the text goes without its own; base64 carries the text whole.
    let text = &letter.body;
    let trimmed = Body::new(text.strip_suffix('\n').unwrap_or(text).to_string());
    let body = if trimmed.encoding() == ContentTransferEncoding::Base64 {
        Body::new(text.clone())
    } else {
        trimmed
    };
    let part = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(body);
    let msg = b
        .singlepart(part)
        .with_context(|| format!("cannot build the message for {}", letter.id))?;
    let bytes = msg.formatted();
    check_line_ends(&bytes)
        .with_context(|| format!("the message for {} is malformed", letter.id))?;
    Ok(bytes)
}

/// Every CR is followed by LF and every LF preceded by CR. lettre 0.11.23 does not dot-stuff a
/// line that follows a bare LF (RUSTSEC-2026-0561): no message with one may reach a server.
pub fn check_line_ends(bytes: &[u8]) -> Result<()> {
    for (i, b) in bytes.iter().enumerate() {
        let bare = match b {
            b'\r' => bytes.get(i + 1) != Some(&b'\n'),
            b'\n' => i == 0 || bytes[i - 1] != b'\r',
            _ => false,
        };
        if bare {
            anyhow::bail!("bare CR or LF at byte {i}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_line_ends_are_caught() {
        assert!(check_line_ends(b"a\r\nb\r\n").is_ok());
        assert!(check_line_ends(b"a\nb").is_err());
        assert!(check_line_ends(b"a\rb").is_err());
        assert!(check_line_ends(b"\n").is_err());
        assert!(check_line_ends(b"a\r").is_err());
    }
}

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
    let bytes = build(letter, date, purpose, body(&letter.body)?)?.formatted();
    check_line_ends(&bytes)
        .with_context(|| format!("the message for {} is malformed", letter.id))?;
    Ok(bytes)
}

/// Checks that the message for an e-mail letter can be built, without encoding its body: what
/// can fail is in the headers (addresses, names); any text makes a body.
pub fn check(letter: &Letter, date: Timestamp) -> Result<()> {
    let bytes = build(letter, date, Purpose::Send, Body::new(String::new()))?.formatted();
    check_line_ends(&bytes).with_context(|| format!("the message for {} is malformed", letter.id))
}

fn build(letter: &Letter, date: Timestamp, purpose: Purpose, body: Body) -> Result<Message> {
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
    if purpose == Purpose::Draft {
        if !letter.bcc.is_empty() {
            b = b.raw_header(address_header("Bcc", &pairs(&letter.bcc))?);
        }
        b = b.header(XUnsent).keep_bcc();
    }
    let part = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(body);
    b.singlepart(part)
        .with_context(|| format!("cannot build the message for {}", letter.id))
}

/// The body of a letter, in the encoding lettre's `Body::new` chooses (7bit, quoted-printable
/// or base64), with the same bytes.
///
/// `Body::new` is not used because it makes CRLF line ends by inserting each CR into the text
/// in place, moving the rest of it every time: quadratic in the number of lines (a 10 MB
/// letter took about 20 s to encode). Here the line ends are made in one pass, and lettre
/// finds none left to convert.
fn body(text: &str) -> Result<Body> {
    use email_encoding::body::Encoding;
    // lettre ends a part with a CRLF of its own. In 7bit and quoted-printable that CRLF is the
    // body's last line end, so the text goes without its own; base64 carries the text whole.
    let trimmed = text.strip_suffix('\n').unwrap_or(text);
    let (text, encoding) = match Encoding::choose(trimmed, false) {
        Encoding::Base64 => (text, Encoding::choose(text, false)),
        other => (trimmed, other),
    };
    let text = crlf(text);
    let encoding = match encoding {
        Encoding::SevenBit => {
            return Ok(Body::dangerous_pre_encoded(
                text.into_bytes(),
                ContentTransferEncoding::SevenBit,
            ));
        }
        Encoding::EightBit => ContentTransferEncoding::EightBit,
        Encoding::QuotedPrintable => ContentTransferEncoding::QuotedPrintable,
        Encoding::Base64 => ContentTransferEncoding::Base64,
    };
    Body::new_with_encoding(text, encoding)
        .map_err(|_| anyhow::anyhow!("cannot encode the body as {encoding:?}"))
}

/// `text` with CRLF line ends, made in one pass: each LF gets a CR before it unless it has
/// one, and a CR without an LF after it (which no letter should hold) becomes a line end.
fn crlf(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                out.push_str("\r\n");
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
            }
            '\n' => out.push_str("\r\n"),
            c => out.push(c),
        }
    }
    out
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

    /// What the message held before the body was encoded here (lettre's `Body::new`).
    fn lettre_body(text: &str) -> Body {
        let trimmed = Body::new(text.strip_suffix('\n').unwrap_or(text).to_string());
        if trimmed.encoding() == ContentTransferEncoding::Base64 {
            Body::new(text.to_string())
        } else {
            trimmed
        }
    }

    /// Issue item 12: the body is encoded in linear time, to the bytes lettre made.
    #[test]
    fn the_body_is_encoded_as_lettre_encodes_it() {
        let line75 = "x".repeat(75);
        let line74 = "y".repeat(74);
        let texts = [
            String::new(),
            "\n".into(),
            "Dear Sir or Madam,\n\nRelease them.\n".into(),
            "no final line end".into(),
            "two final line ends\n\n".into(),
            format!("{line75}\n{line75}\n{line74}\n"),
            format!("{line74}\n{line74}\n"),
            format!("{}\n", "a long line ".repeat(40)),
            "Café, Zhanaozen, Almaty.\n.\n..\n".into(),
            "Жаңаөзен, Алматы: босатыңыз!\n".repeat(3),
            "=3D and trailing space \nand tab\t\n".into(),
        ];
        for text in &texts {
            let ours = body(text).unwrap();
            let theirs = lettre_body(text);
            assert_eq!(ours.encoding(), theirs.encoding(), "{text:?}");
            assert_eq!(
                String::from_utf8_lossy(ours.as_ref()),
                String::from_utf8_lossy(theirs.as_ref()),
                "{text:?}"
            );
        }
    }

    /// Letters hold no CR (rendering makes every line end LF); where one is, it is a line end,
    /// not the bare CR lettre left (and `check_line_ends` refused).
    #[test]
    fn a_bare_cr_becomes_a_line_end() {
        assert_eq!(crlf("a\rb\r\nc\nd\r"), "a\r\nb\r\nc\r\nd\r\n");
    }

    #[test]
    fn bare_line_ends_are_caught() {
        assert!(check_line_ends(b"a\r\nb\r\n").is_ok());
        assert!(check_line_ends(b"a\nb").is_err());
        assert!(check_line_ends(b"a\rb").is_err());
        assert!(check_line_ends(b"\n").is_err());
        assert!(check_line_ends(b"a\r").is_err());
    }
}

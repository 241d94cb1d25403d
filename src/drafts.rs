//! Drafts on disk: `.eml` files and text files in a folder, a Maildir, or an mbox.
//!
//! E-mail letters become RFC 5322 messages built by lettre (UTF-8 headers encoded, CRLF line
//! ends, `X-Unsent: 1` so mail clients open them as editable drafts). Each file is written
//! to a temporary name and renamed into place, readable by its owner only.

use std::fmt::Write as _;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::Timestamp;
use lettre::Message;
use lettre::message::header::ContentTransferEncoding;
use lettre::message::header::{self, ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, SinglePart};

use crate::letter::{Addressee, Letter};

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
/// strings, and non-ASCII names as encoded-words that break only between words.
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

/// The draft message for an e-mail letter, as bytes with CRLF line ends. Bcc recipients stay
/// in a Bcc header, so that the mail client that sends the draft sends them their copy.
pub fn message(letter: &Letter, date: Timestamp) -> Result<Vec<u8>> {
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
    if !letter.bcc.is_empty() {
        b = b.raw_header(address_header("Bcc", &pairs(&letter.bcc))?);
    }
    b = b.header(XUnsent).keep_bcc();
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
    Ok(msg.formatted())
}

/// The bytes of a letter's draft file: the message for e-mail, the text for the rest.
fn draft_bytes(letter: &Letter, date: Timestamp) -> Result<Vec<u8>> {
    if letter.is_email() {
        message(letter, date)
    } else {
        Ok(letter.body.clone().into_bytes())
    }
}

/// Writes every letter into `dir` as `<id>.eml` or `<id>.<channel>.txt`; returns the paths.
pub fn write_folder(dir: &Path, letters: &[Letter], date: Timestamp) -> Result<Vec<PathBuf>> {
    let files: Vec<(PathBuf, Vec<u8>)> = letters
        .iter()
        .map(|l| Ok((dir.join(l.file_name()), draft_bytes(l, date)?)))
        .collect::<Result<_>>()?;
    create_private_dir(dir)?;
    for (path, bytes) in &files {
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .with_context(|| format!("cannot write in {}", dir.display()))?;
        tmp.write_all(bytes)
            .and_then(|()| tmp.as_file().sync_all())
            .with_context(|| format!("cannot write {}", path.display()))?;
        tmp.persist(path)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .with_context(|| format!("cannot create {}", dir.display()))
}

/// Delivers the e-mail letters into the Maildir `dir` (created if needed) under `cur/`,
/// flagged as drafts. Returns how many.
pub fn write_maildir(dir: &Path, letters: &[Letter], date: Timestamp) -> Result<usize> {
    let messages: Vec<Vec<u8>> = letters
        .iter()
        .filter(|l| l.is_email())
        .map(|l| message(l, date))
        .collect::<Result<_>>()?;
    let md = maildir::Maildir::from(dir.to_path_buf());
    md.create_dirs()
        .with_context(|| format!("cannot create the Maildir {}", dir.display()))?;
    for m in &messages {
        md.store_cur_with_flags(m, "D")
            .with_context(|| format!("cannot store a draft in {}", dir.display()))?;
    }
    Ok(messages.len())
}

/// Appends the e-mail letters to the mbox `file` (mboxrd quoting), under an exclusive lock.
pub fn append_mbox(file: &Path, letters: &[Letter], date: Timestamp) -> Result<usize> {
    let mut out = Vec::new();
    let stamp = date
        .to_zoned(jiff::tz::TimeZone::UTC)
        .strftime("%a %b %e %H:%M:%S %Y")
        .to_string();
    let mut count = 0;
    for l in letters.iter().filter(|l| l.is_email()) {
        let msg = message(l, date)?;
        let text = String::from_utf8_lossy(&msg).replace("\r\n", "\n");
        out.extend_from_slice(format!("From {} {stamp}\n", l.from.email).as_bytes());
        for line in text.lines() {
            if line.trim_start_matches('>').starts_with("From ") {
                out.push(b'>');
            }
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
        count += 1;
    }
    let mut opts = OpenOptions::new();
    opts.append(true).create(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f: File = opts
        .open(file)
        .with_context(|| format!("cannot open {}", file.display()))?;
    f.lock()
        .with_context(|| format!("cannot lock {}", file.display()))?;
    f.write_all(&out)
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot append to {}", file.display()))?;
    Ok(count)
}

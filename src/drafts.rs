//! Drafts on disk: `.eml` files and text files in a folder, a Maildir, or an mbox.
//!
//! E-mail letters become RFC 5322 messages built by lettre (UTF-8 headers encoded, CRLF line
//! ends, `X-Unsent: 1` so mail clients open them as editable drafts). Each file is written
//! to a temporary name and renamed into place, readable by its owner only.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::Timestamp;
use lettre::Message;
use lettre::message::header::{self, ContentType, HeaderName, HeaderValue};
use lettre::message::{Mailbox, SinglePart};

use crate::letter::Letter;

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

fn mailbox(name: &str, address: &str) -> Result<Mailbox> {
    let addr = address.parse().with_context(|| format!("invalid e-mail address {address:?}"))?;
    Ok(Mailbox::new(Some(name.to_string()), addr))
}

/// The message for an e-mail letter, as bytes with CRLF line ends.
pub fn message(letter: &Letter, date: Timestamp, draft: bool) -> Result<Vec<u8>> {
    let mut b = Message::builder()
        .from(mailbox(&letter.from.name, &letter.from.email)?)
        .subject(letter.subject.clone())
        .date(date.into());
    if let Some(id) = &letter.message_id {
        b = b.message_id(Some(id.clone()));
    }
    for a in &letter.to {
        b = b.to(mailbox(&a.name, &a.address)?);
    }
    for a in &letter.cc {
        b = b.cc(mailbox(&a.name, &a.address)?);
    }
    for a in &letter.bcc {
        b = b.bcc(mailbox(&a.name, &a.address)?);
    }
    if draft {
        b = b.header(XUnsent).keep_bcc();
    }
    let part = SinglePart::builder().header(ContentType::TEXT_PLAIN).body(letter.body.clone());
    let msg = b.singlepart(part).with_context(|| format!("cannot build the message for {}", letter.id))?;
    Ok(msg.formatted())
}

/// The bytes of a letter's draft file: the message for e-mail, the text for the rest.
fn draft_bytes(letter: &Letter, date: Timestamp) -> Result<Vec<u8>> {
    if letter.is_email() { message(letter, date, true) } else { Ok(letter.body.clone().into_bytes()) }
}

/// Writes every letter into `dir` as `<id>.eml` or `<id>.<channel>.txt`; returns the paths.
pub fn write_folder(dir: &Path, letters: &[Letter], date: Timestamp) -> Result<Vec<PathBuf>> {
    let files: Vec<(PathBuf, Vec<u8>)> = letters
        .iter()
        .map(|l| Ok((dir.join(l.file_name()), draft_bytes(l, date)?)))
        .collect::<Result<_>>()?;
    create_private_dir(dir)?;
    for (path, bytes) in &files {
        let mut tmp = tempfile::NamedTempFile::new_in(dir).with_context(|| format!("cannot write in {}", dir.display()))?;
        tmp.write_all(bytes).and_then(|()| tmp.as_file().sync_all()).with_context(|| format!("cannot write {}", path.display()))?;
        tmp.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

fn create_private_dir(dir: &Path) -> Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).with_context(|| format!("cannot create {}", dir.display()))
}

/// Delivers the e-mail letters into the Maildir `dir` (created if needed) under `cur/`,
/// flagged as drafts. Returns how many.
pub fn write_maildir(dir: &Path, letters: &[Letter], date: Timestamp) -> Result<usize> {
    let messages: Vec<Vec<u8>> = letters.iter().filter(|l| l.is_email()).map(|l| message(l, date, true)).collect::<Result<_>>()?;
    let md = maildir::Maildir::from(dir.to_path_buf());
    md.create_dirs().with_context(|| format!("cannot create the Maildir {}", dir.display()))?;
    for m in &messages {
        md.store_cur_with_flags(m, "D").with_context(|| format!("cannot store a draft in {}", dir.display()))?;
    }
    Ok(messages.len())
}

/// Appends the e-mail letters to the mbox `file` (mboxrd quoting), under an exclusive lock.
pub fn append_mbox(file: &Path, letters: &[Letter], date: Timestamp) -> Result<usize> {
    let mut out = Vec::new();
    let stamp = date.to_zoned(jiff::tz::TimeZone::UTC).strftime("%a %b %e %H:%M:%S %Y").to_string();
    let mut count = 0;
    for l in letters.iter().filter(|l| l.is_email()) {
        let msg = message(l, date, true)?;
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
    let mut f: File = opts.open(file).with_context(|| format!("cannot open {}", file.display()))?;
    f.lock().with_context(|| format!("cannot lock {}", file.display()))?;
    f.write_all(&out).and_then(|()| f.sync_all()).with_context(|| format!("cannot append to {}", file.display()))?;
    Ok(count)
}

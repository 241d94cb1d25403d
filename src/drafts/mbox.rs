//! `--mbox FILE`: the e-mail drafts appended to an mbox (mboxrd quoting), under a lock, with
//! LF line ends. No body line starts `From ` (see [`crate::mime`]), so readers have nothing
//! to unquote.

use std::fs::{self, File};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::Timestamp;

use super::{Destination, Draft, Forms, Listing, NotHeld, Sink, Written, refused};
use crate::diag::Error;
use crate::files;
use crate::letter::Letter;

/// An mbox file: created if needed, appended to.
#[derive(Debug)]
pub struct Mbox {
    pub file: PathBuf,
    /// Where the letters it cannot hold go (for the note; another destination writes them).
    pub others: PathBuf,
}

impl Destination for Mbox {
    fn flag(&self) -> &'static str {
        "--mbox"
    }

    fn path(&self) -> &Path {
        &self.file
    }

    fn check(&self, _: &[Letter]) -> Result<(), Error> {
        files::check_write_path(&self.file).map_err(|e| refused(self, e))?;
        if self.file.exists() && !self.file.is_file() {
            return Err(refused(self, "exists and is not a file"));
        }
        Ok(())
    }

    fn check_streaming(&self) -> Result<(), Error> {
        // The whole run is appended at once, under one lock: it is held in memory till then.
        Err(Error::Usage(
            "--mbox does not go with --signers: use --out DIR or --maildir DIR".into(),
        ))
    }

    fn forms(&self) -> Forms {
        Forms {
            file: false,
            stored: true,
            pdf: false,
        }
    }

    fn open(&self, _: Listing) -> Result<Box<dyn Sink>> {
        Ok(Box::new(Appending {
            file: self.file.clone(),
            others: self.others.clone(),
            out: Vec::new(),
            count: 0,
            not_held: NotHeld::default(),
        }))
    }
}

/// The messages to append, in mbox form, held until [`Sink::finish`].
struct Appending {
    file: PathBuf,
    others: PathBuf,
    out: Vec<u8>,
    count: usize,
    not_held: NotHeld,
}

impl Sink for Appending {
    fn add(&mut self, draft: &Draft, date: Timestamp) -> Result<()> {
        let letter = &draft.letter;
        if !letter.is_email() {
            self.not_held.count(letter);
            return Ok(());
        }
        let stamp = date
            .to_zoned(jiff::tz::TimeZone::UTC)
            .strftime("%a %b %e %H:%M:%S %Y")
            .to_string();
        let msg = draft.stored(date)?;
        let text = String::from_utf8_lossy(&msg);
        let out = &mut self.out;
        out.extend_from_slice(format!("From {} {stamp}\n", letter.from.email).as_bytes());
        for line in text.lines() {
            if line.trim_start_matches('>').starts_with("From ") {
                out.push(b'>');
            }
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
        self.count += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<Option<Written>> {
        let file = &self.file;
        if let Some(parent) = file.parent().filter(|p| !p.as_os_str().is_empty()) {
            files::create_dir_all(parent)?;
        }
        files::check_write_path(file)?;
        let mut f: File = files::write_options()
            .append(true)
            .create(true)
            .open(file)
            .with_context(|| format!("cannot open {}", file.display()))?;
        files::check_written(&f, file)?;
        files::make_private(file)?;
        lock(&f, file)?;
        f.write_all(&self.out)
            .and_then(|()| f.sync_all())
            .with_context(|| format!("cannot append to {}", file.display()))?;
        Ok(Some(Written {
            summary: format!(
                "appended {} draft(s) to {}{}",
                self.count,
                file.display(),
                self.not_held.note(&self.others)
            ),
            files: Vec::new(),
            removed: Vec::new(),
        }))
    }
}

/// Takes the mbox's lock, which mail programs honour, or says who holds it.
fn lock(f: &File, file: &Path) -> Result<()> {
    match f.try_lock() {
        Ok(()) => Ok(()),
        Err(fs::TryLockError::WouldBlock) => anyhow::bail!(
            "{} is locked by another program (a mail client?): close it and try again",
            file.display()
        ),
        Err(fs::TryLockError::Error(e)) => {
            Err(e).with_context(|| format!("cannot lock {}", file.display()))
        }
    }
}

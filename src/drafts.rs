//! Drafts on disk: `.eml` files and text files in a folder, a Maildir, or an mbox.
//!
//! E-mail letters become the draft form of their message ([`mime`]): `X-Unsent: 1`, so mail
//! clients open them as editable drafts, and Bcc kept. Each file is written to a temporary
//! name and renamed into place, readable by its owner only.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::Timestamp;

use crate::diag::Error;
use crate::files;
use crate::letter::Letter;
use crate::mime::{self, Purpose};

/// The bytes of a letter's draft file: the message for e-mail, the text for the rest.
fn draft_bytes(letter: &Letter, date: Timestamp) -> Result<Vec<u8>> {
    if letter.is_email() {
        mime::message(letter, date, Purpose::Draft)
    } else {
        Ok(letter.body.clone().into_bytes())
    }
}

/// Checks, before anything is written, that each destination can take its drafts: a folder
/// for `--out` and `--maildir` (or nothing yet), a file for `--mbox` in an existing folder, and
/// no draft name in `--out` taken by a folder. A usage error names the first that cannot.
pub fn check_destinations(
    out: Option<&Path>,
    maildir: Option<&Path>,
    mbox: Option<&Path>,
    letters: &[Letter],
) -> Result<(), Error> {
    let maildir_parts = maildir
        .into_iter()
        .flat_map(|m| MAILDIR_FOLDERS.map(|sub| (m, m.join(sub))));
    let paths = [("--out", out), ("--maildir", maildir), ("--mbox", mbox)]
        .into_iter()
        .filter_map(|(flag, p)| p.map(|p| (flag, p, p.to_path_buf())))
        .chain(maildir_parts.map(|(m, p)| ("--maildir", m, p)));
    for (flag, given, path) in paths {
        if let Err(e) = files::check_write_path(&path) {
            return Err(Error::Usage(format!("{flag} {}: {e}", given.display())));
        }
    }
    for (flag, dir) in [("--out", out), ("--maildir", maildir)] {
        if let Some(d) = dir
            && d.exists()
            && !d.is_dir()
        {
            return Err(Error::Usage(format!(
                "{flag} {}: exists and is not a folder",
                d.display()
            )));
        }
    }
    if let Some(d) = out {
        for l in letters {
            let p = d.join(l.file_name());
            if p.is_dir() {
                return Err(Error::Usage(format!(
                    "--out: {} is a folder, where a draft would go",
                    p.display()
                )));
            }
        }
    }
    if let Some(m) = mbox
        && m.exists()
        && !m.is_file()
    {
        {
            return Err(Error::Usage(format!(
                "--mbox {}: exists and is not a file",
                m.display()
            )));
        }
    }
    Ok(())
}

/// Writes every letter into `dir` as `<id>.eml` or `<id>.<channel>.txt`; returns the paths.
pub fn write_folder(dir: &Path, letters: &[Letter], date: Timestamp) -> Result<Vec<PathBuf>> {
    let mut w = FolderWriter::new(dir)?;
    for l in letters {
        w.add(l, date)?;
    }
    w.commit()
}

/// Drafts written one at a time into a hidden folder inside `dir`, then moved into `dir` all
/// together by [`FolderWriter::commit`]: a run that fails or is stopped halfway leaves no
/// draft behind (the hidden folder goes when the writer is dropped).
pub struct FolderWriter {
    dir: PathBuf,
    stage: tempfile::TempDir,
    count: usize,
    /// `dir` did not exist: the whole staging folder becomes it, in one rename.
    whole: bool,
}

impl FolderWriter {
    pub fn new(dir: &Path) -> Result<FolderWriter> {
        let parent = dir
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        files::check_write_path(dir)?;
        let whole = !files::taken(dir);
        let stage = if whole {
            files::create_dir_all(parent)?;
            let mut b = tempfile::Builder::new();
            b.prefix(".outcry-drafts-");
            #[cfg(unix)]
            b.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o700));
            b.tempdir_in(parent)
        } else {
            files::make_private(dir)?;
            tempfile::Builder::new().prefix(".outcry-").tempdir_in(dir)
        }
        .with_context(|| format!("cannot write in {}", parent.display()))?;
        Ok(FolderWriter {
            dir: dir.to_path_buf(),
            stage,
            count: 0,
            whole,
        })
    }

    /// Writes one letter's draft (readable by its owner only).
    pub fn add(&mut self, letter: &Letter, date: Timestamp) -> Result<()> {
        let bytes = draft_bytes(letter, date)?;
        let path = self.stage.path().join(letter.file_name());
        let mut opts = OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
        opts.open(&path)
            .and_then(|mut f| f.write_all(&bytes))
            .with_context(|| format!("cannot write in {}", self.dir.display()))?;
        self.count += 1;
        Ok(())
    }

    pub fn count(&self) -> usize {
        self.count
    }

    /// Moves every draft into place; returns their paths.
    pub fn commit(self) -> Result<Vec<PathBuf>> {
        if self.whole {
            let staged = self.stage.keep();
            if fs::rename(&staged, &self.dir).is_ok() {
                let mut written: Vec<PathBuf> = fs::read_dir(&self.dir)
                    .with_context(|| format!("cannot read {}", self.dir.display()))?
                    .filter_map(|e| e.ok().map(|e| e.path()))
                    .collect();
                written.sort();
                return Ok(written);
            }
            // The folder appeared meanwhile: move the drafts in one by one.
            let stage = tempfile::TempDir::with_prefix_in(".outcry-", &self.dir)
                .with_context(|| format!("cannot write in {}", self.dir.display()))?;
            for e in fs::read_dir(&staged)
                .with_context(|| format!("cannot read {}", staged.display()))?
            {
                let e = e.with_context(|| format!("cannot read {}", staged.display()))?;
                fs::rename(e.path(), stage.path().join(e.file_name()))
                    .with_context(|| format!("cannot write in {}", self.dir.display()))?;
            }
            let _ = fs::remove_dir(&staged);
            return FolderWriter {
                dir: self.dir,
                stage,
                count: self.count,
                whole: false,
            }
            .commit();
        }
        let mut written = Vec::with_capacity(self.count);
        let entries = fs::read_dir(self.stage.path())
            .with_context(|| format!("cannot read {}", self.stage.path().display()))?;
        for e in entries {
            let e = e.with_context(|| format!("cannot read {}", self.stage.path().display()))?;
            let to = self.dir.join(e.file_name());
            fs::rename(e.path(), &to).with_context(|| format!("cannot write {}", to.display()))?;
            written.push(to);
        }
        written.sort();
        // The renames are durable once the folder is.
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok(written)
    }
}

/// Delivers the e-mail letters into the Maildir `dir` (created if needed) under `cur/`,
/// flagged as drafts. Returns how many.
pub fn write_maildir(dir: &Path, letters: &[Letter], date: Timestamp) -> Result<usize> {
    let messages: Vec<Vec<u8>> = letters
        .iter()
        .filter(|l| l.is_email())
        .map(|l| mime::message(l, date, Purpose::Draft))
        .collect::<Result<_>>()?;
    let md = open_maildir(dir)?;
    for m in &messages {
        store_draft(&md, dir, m)?;
    }
    Ok(messages.len())
}

/// The folders of a Maildir.
const MAILDIR_FOLDERS: [&str; 3] = ["cur", "new", "tmp"];

/// The Maildir `dir`, created if needed: it and its `cur`, `new` and `tmp` real folders.
pub fn open_maildir(dir: &Path) -> Result<maildir::Maildir> {
    for sub in MAILDIR_FOLDERS {
        files::create_dir_all(&dir.join(sub))?;
        files::make_private(&dir.join(sub))?;
    }
    files::make_private(dir)?;
    Ok(maildir::Maildir::from(dir.to_path_buf()))
}

/// Stores one draft message (each arrives whole: written in tmp/, then moved to cur/).
pub fn store_draft(md: &maildir::Maildir, dir: &Path, message: &[u8]) -> Result<()> {
    md.store_cur_with_flags(message, "D")
        .with_context(|| format!("cannot store a draft in {}", dir.display()))?;
    Ok(())
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
        let msg = mime::message(l, date, Purpose::Draft)?;
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
    match f.try_lock() {
        Ok(()) => {}
        Err(fs::TryLockError::WouldBlock) => {
            anyhow::bail!(
                "{} is locked by another program (a mail client?): close it and try again",
                file.display()
            )
        }
        Err(fs::TryLockError::Error(e)) => {
            return Err(e).with_context(|| format!("cannot lock {}", file.display()));
        }
    }
    f.write_all(&out)
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot append to {}", file.display()))?;
    Ok(count)
}

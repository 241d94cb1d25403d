//! `--out DIR`: every letter as a file, `<id>.eml` for e-mail (a draft mail programs open),
//! `<id>.<channel>.txt` for fax, post, web forms and calls, with a print-ready PDF beside the
//! fax and postal ones (`<id>.fax.pdf`, `<id>.post.pdf`, see [`crate::pdf`]); and [`Others`], the letters a
//! mailbox cannot hold, in a folder beside it. The files are staged in a hidden folder and
//! moved into place together.
//!
//! The folder then holds the drafts of this run and no other: the files an earlier run wrote
//! (listed in the folder's `.outcry-drafts`) that this one did not are removed. Files outcry did
//! not write are left alone, so a folder may hold the writer's own notes beside the drafts.

use std::ffi::OsStr;
use std::fs::{self, File};
use std::io::{BufRead as _, BufReader, BufWriter, Read as _, Write};
use std::os::fd::{AsFd as _, OwnedFd};
use std::os::unix::ffi::OsStrExt as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::Timestamp;
use rustix::fs::{AtFlags, Dir, FileType, fsync, renameat, statat, unlinkat};

use super::{Destination, Draft, Forms, Listing, Sink, Written, refused};
use crate::diag::{Diagnostic, Error, Origin, Severity};
use crate::files;
use crate::letter::Letter;

/// The list of the drafts outcry wrote into a folder, one file name a line, inside it.
const MANIFEST: &str = ".outcry-drafts";

/// A folder of draft files (created if needed).
#[derive(Debug)]
pub struct Folder(pub PathBuf);

impl Destination for Folder {
    fn flag(&self) -> &'static str {
        "--out"
    }

    fn path(&self) -> &Path {
        &self.0
    }

    /// A folder (or nothing yet), and no draft's name taken by a folder.
    fn check(&self, letters: &[Letter]) -> Result<(), Error> {
        check_folder(self, letters.iter())
    }

    fn forms(&self) -> Forms {
        Forms {
            file: true,
            stored: false,
            pdf: true,
        }
    }

    fn open(&self, listing: Listing) -> Result<Box<dyn Sink>> {
        Ok(Box::new(FolderWriter::new(&self.0, listing)?))
    }
}

impl Sink for FolderWriter {
    fn add(&mut self, draft: &Draft, date: Timestamp) -> Result<()> {
        self.write(draft, date)
    }

    fn finish(self: Box<Self>) -> Result<Option<Written>> {
        self.done().map(Some)
    }
}

/// The fax, postal, web-form and call letters of a run whose e-mail drafts go to a mailbox
/// (`--maildir`, `--mbox`) and that has no `--out`: files in a folder beside the mailbox,
/// written as `--out` writes them. The folder is made only when there is such a letter (or
/// drafts of an earlier run to remove).
#[derive(Debug)]
pub struct Others {
    /// The mailbox's flag, for messages.
    pub flag: &'static str,
    pub dir: PathBuf,
}

impl Destination for Others {
    fn flag(&self) -> &'static str {
        self.flag
    }

    fn path(&self) -> &Path {
        &self.dir
    }

    fn check(&self, letters: &[Letter]) -> Result<(), Error> {
        check_folder(self, letters.iter().filter(|l| !l.is_email()))
    }

    fn forms(&self) -> Forms {
        Forms {
            file: false,
            stored: false,
            pdf: true,
        }
    }

    fn open(&self, listing: Listing) -> Result<Box<dyn Sink>> {
        Ok(Box::new(Beside {
            dir: self.dir.clone(),
            listing,
            writer: None,
        }))
    }
}

/// [`Others`] being written: the folder writer starts with the first letter.
struct Beside {
    dir: PathBuf,
    listing: Listing,
    writer: Option<FolderWriter>,
}

impl Sink for Beside {
    fn add(&mut self, draft: &Draft, date: Timestamp) -> Result<()> {
        if draft.letter.is_email() {
            return Ok(());
        }
        if self.writer.is_none() {
            self.writer = Some(FolderWriter::new(&self.dir, self.listing)?);
        }
        self.writer
            .as_mut()
            .map_or(Ok(()), |w| w.write(draft, date))
    }

    fn finish(self: Box<Self>) -> Result<Option<Written>> {
        match self.writer {
            Some(w) => w.done().map(Some),
            // Nothing to write: the drafts of an earlier run go all the same.
            None if self.dir.join(MANIFEST).is_file() => {
                let w = FolderWriter::new(&self.dir, self.listing)?.done()?;
                Ok((!w.removed.is_empty()).then_some(w))
            }
            None => Ok(None),
        }
    }
}

/// Checks that `d`'s path is a folder (or nothing yet) where `letters` can go.
fn check_folder<'a>(
    d: &dyn Destination,
    letters: impl Iterator<Item = &'a Letter>,
) -> Result<(), Error> {
    let dir = d.path();
    files::check_write_path(dir).map_err(|e| refused(d, e))?;
    if dir.exists() && !dir.is_dir() {
        return Err(refused(d, "exists and is not a folder"));
    }
    for name in letters.flat_map(|l| std::iter::once(l.file_name()).chain(l.pdf_name())) {
        let p = dir.join(name);
        if p.is_dir() {
            return Err(Error::Usage(format!(
                "{}: {} is a folder, where a draft would go",
                d.flag(),
                p.display()
            )));
        }
    }
    Ok(())
}

/// Drafts written one at a time into a hidden folder, then moved into `dir` all together by
/// [`FolderWriter::commit`]: a run that fails or is stopped halfway leaves no draft behind (the
/// hidden folder goes when the writer is dropped).
///
/// Each draft costs what `cp` pays for a copy: one exclusive create (by name, in the staging
/// folder held open), one write, one close. When `dir` does not exist yet (the usual case) the
/// staging folder, made beside it, becomes it in one rename; else each draft is renamed into
/// it, and the folder is synced once at the end so the renames last.
struct FolderWriter {
    dir: PathBuf,
    stage: tempfile::TempDir,
    /// The staging folder, open: drafts are created in it by name (never through a link).
    at: OwnedFd,
    count: usize,
    /// `dir` did not exist: the whole staging folder becomes it, in one rename.
    whole: bool,
    /// This run's drafts, for the [`MANIFEST`].
    names: Names,
}

/// The names of a run's drafts: kept, to be listed in order at the end ([`Listing::Files`]),
/// or written to the staging folder's [`MANIFEST`] as they come ([`Listing::Count`]: a bulk
/// mailing's memory stays the same however many drafts it writes).
enum Names {
    Kept(Vec<String>),
    Streamed(BufWriter<File>),
}

impl FolderWriter {
    fn new(dir: &Path, listing: Listing) -> Result<FolderWriter> {
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
        let cannot = || format!("cannot write in {}", dir.display());
        let at = files::open_folder(stage.path()).with_context(cannot)?;
        let names = match listing {
            Listing::Files => Names::Kept(Vec::new()),
            Listing::Count => Names::Streamed(BufWriter::new(
                files::create_in(at.as_fd(), MANIFEST).with_context(cannot)?,
            )),
        };
        Ok(FolderWriter {
            dir: dir.to_path_buf(),
            stage,
            at,
            count: 0,
            whole,
            names,
        })
    }

    /// Writes one letter's draft (readable by its owner only).
    fn write(&mut self, draft: &Draft, date: Timestamp) -> Result<()> {
        let letter = &draft.letter;
        self.put(letter.file_name(), &draft.file(date)?)?;
        if let Some(name) = letter.pdf_name() {
            let pdf = draft.pdf(date)?.unwrap_or_default();
            if let Some(message) = pdf.missing_note() {
                crate::output::warning(&Diagnostic {
                    severity: Severity::Warning,
                    origin: Origin::file(self.dir.join(&name)),
                    message,
                });
            }
            self.put(name, &pdf.bytes)?;
        }
        self.count += 1;
        Ok(())
    }

    /// Writes one file into the staging folder and lists it.
    fn put(&mut self, name: String, bytes: &[u8]) -> Result<()> {
        files::create_in(self.at.as_fd(), &name)
            .and_then(|mut f| f.write_all(bytes))
            .and_then(|()| match &mut self.names {
                Names::Kept(names) => {
                    names.push(name);
                    Ok(())
                }
                Names::Streamed(list) => writeln!(list, "{name}"),
            })
            .with_context(|| format!("cannot write in {}", self.dir.display()))
    }

    /// Puts the drafts in place (see [`FolderWriter::commit`]) and says so.
    fn done(self) -> Result<Written> {
        let (count, dir) = (self.count, self.dir.clone());
        let (files, removed) = self.commit()?;
        let mut summary = format!("wrote {count} draft(s) into {}", dir.display());
        if !removed.is_empty() {
            summary = format!("{summary}, removed {} of an earlier run", removed.len());
        }
        Ok(Written {
            summary,
            files,
            removed,
        })
    }

    /// Completes the staging folder's [`MANIFEST`]; the paths the drafts will have, when they
    /// were kept.
    fn list(&mut self) -> Result<Vec<PathBuf>> {
        let cannot = || format!("cannot write in {}", self.dir.display());
        match &mut self.names {
            Names::Kept(names) => {
                names.sort_unstable();
                let mut list = BufWriter::new(
                    files::create_in(self.at.as_fd(), MANIFEST).with_context(cannot)?,
                );
                for n in names.iter() {
                    writeln!(list, "{n}").with_context(cannot)?;
                }
                list.flush().with_context(cannot)?;
                Ok(names.iter().map(|n| self.dir.join(n)).collect())
            }
            Names::Streamed(list) => {
                list.flush().with_context(cannot)?;
                Ok(Vec::new())
            }
        }
    }

    /// Moves every draft into place, then removes the drafts of an earlier run (named in the
    /// folder's [`MANIFEST`]) that this one did not write, and puts this run's list in its
    /// place; returns the paths written (when kept) and removed.
    fn commit(mut self) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
        let written = self.list()?;
        if self.whole && fs::rename(self.stage.path(), &self.dir).is_ok() {
            self.stage.disable_cleanup(true);
            return Ok((written, Vec::new()));
        }
        // `dir` exists (or appeared meanwhile): the drafts move into it one by one.
        let cannot = || format!("cannot write in {}", self.dir.display());
        files::check_write_path(&self.dir)?;
        let dir = files::open_folder(&self.dir).with_context(cannot)?;
        let stale = earlier_drafts(&self.dir, |n| {
            let in_stage = statat(&self.at, n, AtFlags::SYMLINK_NOFOLLOW).is_ok();
            !in_stage && is_file(&dir, n)
        })?;
        for entry in Dir::read_from(&self.at).with_context(cannot)? {
            let name = entry.with_context(cannot)?.file_name().to_owned();
            let name_bytes = name.to_bytes();
            if matches!(name_bytes, b"." | b"..") || name_bytes == MANIFEST.as_bytes() {
                continue;
            }
            renameat(&self.at, &name, &dir, &name).with_context(|| {
                format!(
                    "cannot write {}",
                    self.dir.join(OsStr::from_bytes(name_bytes)).display()
                )
            })?;
        }
        let mut removed = Vec::new();
        for n in stale {
            let p = self.dir.join(&n);
            // A draft outcry wrote is a file; whatever else took its name is not touched.
            if is_file(&dir, &n) {
                unlinkat(&dir, n.as_str(), AtFlags::empty())
                    .with_context(|| format!("cannot remove {}", p.display()))?;
                removed.push(p);
            }
        }
        renameat(&self.at, MANIFEST, &dir, MANIFEST)
            .with_context(|| format!("cannot write {}", self.dir.join(MANIFEST).display()))?;
        // The renames are durable once the folder is.
        let _ = fsync(&dir);
        Ok((written, removed))
    }
}

/// Whether `name` in the open folder `dir` is a regular file (not a link, not a folder).
fn is_file(dir: &OwnedFd, name: &str) -> bool {
    statat(dir, name, AtFlags::SYMLINK_NOFOLLOW)
        .is_ok_and(|st| FileType::from_raw_mode(st.st_mode) == FileType::RegularFile)
}

/// The most of an earlier run's [`MANIFEST`] read: far more than any run writes (a name is at
/// most 255 bytes), so that a list someone else made cannot keep a run busy for long.
const MANIFEST_LIMIT: u64 = 1 << 30;

/// The drafts an earlier run wrote into `dir` that `keep` says to remove, from its
/// [`MANIFEST`], read a line at a time: plain file names only (a list someone else edited
/// names nothing outside the folder).
fn earlier_drafts(dir: &Path, mut keep: impl FnMut(&str) -> bool) -> Result<Vec<String>> {
    let manifest = dir.join(MANIFEST);
    let Ok(Some(file)) = files::open_own(&manifest) else {
        return Ok(Vec::new());
    };
    let mut list = BufReader::new(file.take(MANIFEST_LIMIT));
    let mut line = Vec::new();
    let mut found = Vec::new();
    loop {
        line.clear();
        let n = list
            .read_until(b'\n', &mut line)
            .with_context(|| format!("cannot read {}", manifest.display()))?;
        if n == 0 {
            return Ok(found);
        }
        let text = String::from_utf8_lossy(&line);
        let name = text.strip_suffix('\n').unwrap_or(&text);
        let name = name.strip_suffix('\r').unwrap_or(name);
        let plain = !name.is_empty()
            && !name.starts_with('.')
            && !name.contains(['/', '\\'])
            && Path::new(name).file_name() == Some(std::ffi::OsStr::new(name));
        if plain && keep(name) {
            found.push(name.to_string());
        }
    }
}

#[cfg(test)]
mod tests {
    use std::fmt::Write as _;

    use super::*;

    /// Issue 12: the list of an earlier run is read a line at a time, however long; it was
    /// read whole up to 1 MiB, so that the drafts of a run of 20,000 letters or more were
    /// never removed.
    #[test]
    fn issue_12_a_long_list_of_earlier_drafts_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let mut list = String::new();
        for i in 0..40_000 {
            writeln!(list, "knb-press.member-{i}-0123456789abcdef.eml").unwrap();
        }
        list.push_str("../outside.eml\n.hidden\nlast.eml\r\n");
        assert!(list.len() > 1 << 20);
        fs::write(dir.path().join(MANIFEST), list).unwrap();
        let found = earlier_drafts(dir.path(), |n| !n.contains("member-7")).unwrap();
        assert_eq!(found.len(), 40_000 - 1_111 + 1);
        assert_eq!(found.last().map(String::as_str), Some("last.eml"));
    }
}

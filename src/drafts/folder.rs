//! `--out DIR`: every letter as a file, `<id>.eml` for e-mail (a draft mail programs open),
//! `<id>.<channel>.txt` for fax, post, web forms and calls; and [`Others`], the letters a
//! mailbox cannot hold, in a folder beside it. The files are staged in a hidden folder and
//! moved into place together.
//!
//! The folder then holds the drafts of this run and no other: the files an earlier run wrote
//! (listed in the folder's `.outcry-drafts`) that this one did not are removed. Files outcry did
//! not write are left alone, so a folder may hold the writer's own notes beside the drafts.

use std::collections::BTreeSet;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::Timestamp;

use super::{Destination, Sink, Written, draft_message, refused};
use crate::diag::Error;
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

    fn open(&self) -> Result<Box<dyn Sink>> {
        Ok(Box::new(FolderWriter::new(&self.0)?))
    }
}

impl Sink for FolderWriter {
    fn add(&mut self, letter: &Letter, date: Timestamp) -> Result<()> {
        self.write(letter, date)
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

    fn open(&self) -> Result<Box<dyn Sink>> {
        Ok(Box::new(Beside {
            dir: self.dir.clone(),
            writer: None,
        }))
    }
}

/// [`Others`] being written: the folder writer starts with the first letter.
struct Beside {
    dir: PathBuf,
    writer: Option<FolderWriter>,
}

impl Sink for Beside {
    fn add(&mut self, letter: &Letter, date: Timestamp) -> Result<()> {
        if letter.is_email() {
            return Ok(());
        }
        if self.writer.is_none() {
            self.writer = Some(FolderWriter::new(&self.dir)?);
        }
        self.writer
            .as_mut()
            .map_or(Ok(()), |w| w.write(letter, date))
    }

    fn finish(self: Box<Self>) -> Result<Option<Written>> {
        match self.writer {
            Some(w) => w.done().map(Some),
            // Nothing to write: the drafts of an earlier run go all the same.
            None if self.dir.join(MANIFEST).is_file() => {
                let w = FolderWriter::new(&self.dir)?.done()?;
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
    for l in letters {
        let p = dir.join(l.file_name());
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

/// Drafts written one at a time into a hidden folder inside `dir`, then moved into `dir` all
/// together by [`FolderWriter::commit`]: a run that fails or is stopped halfway leaves no
/// draft behind (the hidden folder goes when the writer is dropped).
struct FolderWriter {
    dir: PathBuf,
    stage: tempfile::TempDir,
    count: usize,
    /// `dir` did not exist: the whole staging folder becomes it, in one rename.
    whole: bool,
}

impl FolderWriter {
    fn new(dir: &Path) -> Result<FolderWriter> {
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
    fn write(&mut self, letter: &Letter, date: Timestamp) -> Result<()> {
        let bytes = if letter.is_email() {
            draft_message(letter, date)?
        } else {
            letter.body.clone().into_bytes()
        };
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

    /// Moves every draft into place, then removes the drafts of an earlier run (named in the
    /// folder's [`MANIFEST`]) that this one did not write, and lists this run's drafts in it;
    /// returns the paths written and removed.
    fn commit(self) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
        let names = self.staged()?;
        let earlier = if self.whole {
            Vec::new()
        } else {
            earlier_drafts(&self.dir)
        };
        let mut list = String::new();
        for n in &names {
            list.push_str(n);
            list.push('\n');
        }
        fs::write(self.stage.path().join(MANIFEST), list)
            .with_context(|| format!("cannot write in {}", self.dir.display()))?;
        let written: Vec<PathBuf> = names.iter().map(|n| self.dir.join(n)).collect();
        if self.whole {
            let staged = self.stage.keep();
            if fs::rename(&staged, &self.dir).is_ok() {
                return Ok((written, Vec::new()));
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
        for n in &names {
            let to = self.dir.join(n);
            fs::rename(self.stage.path().join(n), &to)
                .with_context(|| format!("cannot write {}", to.display()))?;
        }
        let mut removed = Vec::new();
        for n in earlier.iter().filter(|n| !names.contains(*n)) {
            let p = self.dir.join(n);
            // A draft outcry wrote is a file; whatever else took its name is not touched.
            if fs::symlink_metadata(&p).is_ok_and(|m| m.is_file()) {
                fs::remove_file(&p).with_context(|| format!("cannot remove {}", p.display()))?;
                removed.push(p);
            }
        }
        let manifest = self.dir.join(MANIFEST);
        fs::rename(self.stage.path().join(MANIFEST), &manifest)
            .with_context(|| format!("cannot write {}", manifest.display()))?;
        // The renames are durable once the folder is.
        if let Ok(d) = File::open(&self.dir) {
            let _ = d.sync_all();
        }
        Ok((written, removed))
    }

    /// The names of the drafts staged, sorted.
    fn staged(&self) -> Result<BTreeSet<String>> {
        let stage = self.stage.path();
        let mut names = BTreeSet::new();
        for e in fs::read_dir(stage).with_context(|| format!("cannot read {}", stage.display()))? {
            let e = e.with_context(|| format!("cannot read {}", stage.display()))?;
            let name = e.file_name().to_string_lossy().into_owned();
            if name != MANIFEST {
                names.insert(name);
            }
        }
        Ok(names)
    }
}

/// The drafts an earlier run wrote into `dir`, from its [`MANIFEST`]: plain file names only
/// (a list someone else edited names nothing outside the folder).
fn earlier_drafts(dir: &Path) -> Vec<String> {
    let manifest = dir.join(MANIFEST);
    let Ok(Some(bytes)) = files::read_own(&manifest, files::TEXT) else {
        return Vec::new();
    };
    String::from_utf8_lossy(&bytes)
        .lines()
        .filter(|n| {
            !n.is_empty()
                && !n.starts_with('.')
                && !n.contains(['/', '\\'])
                && Path::new(n).file_name() == Some(std::ffi::OsStr::new(n))
        })
        .map(str::to_string)
        .collect()
}

//! `--out DIR`: every letter as a file, `<id>.eml` for e-mail (a draft mail programs open),
//! `<id>.<channel>.txt` for fax, post, web forms and calls. The files are staged in a hidden
//! folder and moved into place together.

use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::Timestamp;

use super::{Destination, Sink, Written, draft_message, refused};
use crate::diag::Error;
use crate::files;
use crate::letter::Letter;

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
        let dir = &self.0;
        files::check_write_path(dir).map_err(|e| refused(self, e))?;
        if dir.exists() && !dir.is_dir() {
            return Err(refused(self, "exists and is not a folder"));
        }
        for l in letters {
            let p = dir.join(l.file_name());
            if p.is_dir() {
                return Err(Error::Usage(format!(
                    "--out: {} is a folder, where a draft would go",
                    p.display()
                )));
            }
        }
        Ok(())
    }

    fn open(&self) -> Result<Box<dyn Sink>> {
        Ok(Box::new(FolderWriter::new(&self.0)?))
    }
}

impl Sink for FolderWriter {
    fn add(&mut self, letter: &Letter, date: Timestamp) -> Result<()> {
        self.write(letter, date)
    }

    fn finish(self: Box<Self>) -> Result<Written> {
        let (count, dir) = (self.count, self.dir.clone());
        let files = self.commit()?;
        Ok(Written {
            summary: format!("wrote {count} draft(s) into {}", dir.display()),
            files,
        })
    }
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

    /// Moves every draft into place; returns their paths.
    fn commit(self) -> Result<Vec<PathBuf>> {
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

//! `--maildir DIR`: the e-mail drafts delivered into a Maildir's `cur/`, flagged as drafts
//! already seen (`:2,DS`), with LF line ends as Maildir files have.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::Timestamp;

use super::{Destination, Draft, Forms, Listing, NotHeld, Sink, Written, refused};
use crate::diag::Error;
use crate::files;
use crate::letter::Letter;

/// The folders of a Maildir.
const FOLDERS: [&str; 3] = ["cur", "new", "tmp"];

/// The flags of a stored draft: a draft (D), seen (S), so that it is not shown as unread mail.
const FLAGS: &str = "DS";

/// A Maildir (created if needed).
#[derive(Debug)]
pub struct Maildir {
    pub dir: PathBuf,
    /// Where the letters it cannot hold go (for the note; another destination writes them).
    pub others: PathBuf,
}

impl Destination for Maildir {
    fn flag(&self) -> &'static str {
        "--maildir"
    }

    fn path(&self) -> &Path {
        &self.dir
    }

    fn check(&self, _: &[Letter]) -> Result<(), Error> {
        let dir = &self.dir;
        files::check_write_path(dir).map_err(|e| refused(self, e))?;
        if dir.exists() && !dir.is_dir() {
            return Err(refused(self, "exists and is not a folder"));
        }
        for p in FOLDERS.map(|sub| dir.join(sub)) {
            files::check_write_path(&p).map_err(|e| refused(self, e))?;
        }
        Ok(())
    }

    fn forms(&self) -> Forms {
        Forms {
            file: false,
            stored: true,
            pdf: false,
        }
    }

    fn open(&self, _: Listing) -> Result<Box<dyn Sink>> {
        let dir = &self.dir;
        for sub in FOLDERS {
            files::create_dir_all(&dir.join(sub))?;
            files::make_private(&dir.join(sub))?;
        }
        files::make_private(dir)?;
        Ok(Box::new(Storing {
            md: maildir::Maildir::from(dir.clone()),
            dir: dir.clone(),
            others: self.others.clone(),
            count: 0,
            not_held: NotHeld::default(),
        }))
    }
}

struct Storing {
    md: maildir::Maildir,
    dir: PathBuf,
    others: PathBuf,
    count: usize,
    not_held: NotHeld,
}

impl Sink for Storing {
    /// Each message arrives whole: written in tmp/, then moved to cur/.
    fn add(&mut self, draft: &Draft, date: Timestamp) -> Result<()> {
        let letter = &draft.letter;
        if !letter.is_email() {
            self.not_held.count(letter);
            return Ok(());
        }
        let message = draft.stored(date)?;
        self.md
            .store_cur_with_flags(&message, FLAGS)
            .with_context(|| format!("cannot store a draft in {}", self.dir.display()))?;
        self.count += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<Option<Written>> {
        Ok(Some(Written {
            summary: format!(
                "stored {} draft(s) in the Maildir {}{}",
                self.count,
                self.dir.display(),
                self.not_held.note(&self.others)
            ),
            files: Vec::new(),
            removed: Vec::new(),
        }))
    }
}

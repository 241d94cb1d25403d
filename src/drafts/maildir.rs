//! `--maildir DIR`: the e-mail drafts delivered into a Maildir's `cur/`, flagged as drafts.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::Timestamp;

use super::{Destination, Sink, Written, draft_message, refused};
use crate::diag::Error;
use crate::files;
use crate::letter::Letter;

/// The folders of a Maildir.
const FOLDERS: [&str; 3] = ["cur", "new", "tmp"];

/// A Maildir (created if needed).
#[derive(Debug)]
pub struct Maildir(pub PathBuf);

impl Destination for Maildir {
    fn flag(&self) -> &'static str {
        "--maildir"
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn check(&self, _: &[Letter]) -> Result<(), Error> {
        let dir = &self.0;
        files::check_write_path(dir).map_err(|e| refused(self, e))?;
        if dir.exists() && !dir.is_dir() {
            return Err(refused(self, "exists and is not a folder"));
        }
        for p in FOLDERS.map(|sub| dir.join(sub)) {
            files::check_write_path(&p).map_err(|e| refused(self, e))?;
        }
        Ok(())
    }

    fn open(&self) -> Result<Box<dyn Sink>> {
        let dir = &self.0;
        for sub in FOLDERS {
            files::create_dir_all(&dir.join(sub))?;
            files::make_private(&dir.join(sub))?;
        }
        files::make_private(dir)?;
        Ok(Box::new(Storing {
            md: maildir::Maildir::from(dir.clone()),
            dir: dir.clone(),
            count: 0,
        }))
    }
}

struct Storing {
    md: maildir::Maildir,
    dir: PathBuf,
    count: usize,
}

impl Sink for Storing {
    /// Each message arrives whole: written in tmp/, then moved to cur/.
    fn add(&mut self, letter: &Letter, date: Timestamp) -> Result<()> {
        if !letter.is_email() {
            return Ok(());
        }
        let message = draft_message(letter, date)?;
        self.md
            .store_cur_with_flags(&message, "D")
            .with_context(|| format!("cannot store a draft in {}", self.dir.display()))?;
        self.count += 1;
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<Written> {
        Ok(Written {
            summary: format!(
                "stored {} draft(s) in the Maildir {}",
                self.count,
                self.dir.display()
            ),
            files: Vec::new(),
        })
    }
}

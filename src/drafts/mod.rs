//! Drafts: letters written for the writer to open, edit and send themselves. Each place drafts
//! can go is a [`Destination`]: a folder of files ([`Folder`]), a Maildir ([`Maildir`]), an
//! mbox ([`Mbox`]). A new one is a file of its own implementing the trait, and a line where the
//! command line names it (`src/cmd/args.rs`).
//!
//! E-mail letters become the draft form of their message ([`mime`]): `X-Unsent: 1`, so mail
//! clients open them as editable drafts, and Bcc kept. What is written is readable by its
//! owner only, and arrives whole or not at all.

mod folder;
mod maildir;
mod mbox;

use std::path::{Path, PathBuf};

use anyhow::Result;
use jiff::Timestamp;

use crate::diag::Error;
use crate::letter::Letter;
use crate::mime::{self, Purpose};
pub use folder::Folder;
pub use maildir::Maildir;
pub use mbox::Mbox;

/// A place drafts go.
pub trait Destination: std::fmt::Debug + Send + Sync {
    /// The flag that names it, for messages (`--out`).
    fn flag(&self) -> &'static str;

    /// Where it is.
    fn path(&self) -> &Path;

    /// Checks, before anything is written, that it can take `letters`: a usage error says why
    /// not, naming the flag and the path.
    fn check(&self, letters: &[Letter]) -> Result<(), Error>;

    /// Refuses, with a usage error, to take letters one at a time as a bulk mailing renders
    /// them, when it cannot.
    fn check_streaming(&self) -> Result<(), Error> {
        Ok(())
    }

    /// Starts writing.
    fn open(&self) -> Result<Box<dyn Sink>>;
}

/// Drafts being written to one destination.
pub trait Sink: Send {
    /// Writes one letter's draft (destinations that only hold e-mail skip the others).
    fn add(&mut self, letter: &Letter, date: Timestamp) -> Result<()>;

    /// Puts what was added in place.
    fn finish(self: Box<Self>) -> Result<Written>;
}

/// What a destination took.
#[derive(Debug)]
pub struct Written {
    /// In a sentence: "stored 3 draft(s) in the Maildir m".
    pub summary: String,
    /// The files, for destinations that are files: a note can list them.
    pub files: Vec<PathBuf>,
}

/// The destinations of one run; none: the review is printed instead.
#[derive(Debug, Default)]
pub struct Destinations(Vec<Box<dyn Destination>>);

impl Destinations {
    /// Adds a destination.
    pub fn add(&mut self, d: impl Destination + 'static) {
        self.0.push(Box::new(d));
    }

    /// One destination alone.
    pub fn one(d: impl Destination + 'static) -> Destinations {
        let mut all = Destinations::default();
        all.add(d);
        all
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks every destination before anything is written (see [`Destination::check`]).
    pub fn check(&self, letters: &[Letter]) -> Result<(), Error> {
        self.0.iter().try_for_each(|d| d.check(letters))
    }

    /// Checks that every destination takes letters as a bulk mailing renders them.
    pub fn check_streaming(&self) -> Result<(), Error> {
        self.0.iter().try_for_each(|d| d.check_streaming())
    }

    /// Starts writing to every destination.
    pub fn open(&self) -> Result<Vec<Box<dyn Sink>>> {
        self.0.iter().map(|d| d.open()).collect()
    }

    /// Writes `letters` to each destination in turn, each whole before the next, and hands
    /// each one's [`Written`] to `done` as soon as it is in place. Every e-mail message is
    /// built once first, so a letter that cannot become one stops the run before anything is
    /// written.
    pub fn write(
        &self,
        letters: &[Letter],
        date: Timestamp,
        done: &mut dyn FnMut(Written),
    ) -> Result<()> {
        for l in letters.iter().filter(|l| l.is_email()) {
            mime::check(l, date)?;
        }
        for d in &self.0 {
            let mut sink = d.open()?;
            for letter in letters {
                sink.add(letter, date)?;
            }
            done(sink.finish()?);
        }
        Ok(())
    }
}

/// The draft form of an e-mail letter's message.
fn draft_message(letter: &Letter, date: Timestamp) -> Result<Vec<u8>> {
    mime::message(letter, date, Purpose::Draft)
}

/// The usage error for a destination: its flag, its path, what is wrong.
fn refused(d: &dyn Destination, what: impl std::fmt::Display) -> Error {
    Error::Usage(format!("{} {}: {what}", d.flag(), d.path().display()))
}

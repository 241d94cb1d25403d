//! Drafts: letters written for the writer to open, edit and send themselves. Each place drafts
//! can go is a [`Destination`]: a folder of files ([`Folder`]), a Maildir ([`Maildir`]), an
//! mbox ([`Mbox`]). A new one is a file of its own implementing the trait, and a line where the
//! command line names it (`src/cmd/args.rs`).
//!
//! E-mail letters become the draft form of their message ([`mime`]), Bcc kept: a `.eml` file
//! has `X-Unsent: 1`, so mail clients open it as an editable draft; a draft in a Maildir or an
//! mbox has not (the mailbox says it is a draft), and has LF line ends as mailboxes do. Fax,
//! postal, web-form and call letters, which a mailbox cannot hold, go as files into `--out`
//! when given, else into a folder beside the first mailbox ([`Others`]); the mailbox's note
//! says where. What is written is readable by its owner only, and arrives whole or not at all.

mod folder;
mod maildir;
mod mbox;

use std::path::{Path, PathBuf};

use anyhow::Result;
use jiff::Timestamp;

use crate::diag::Error;
use crate::letter::Letter;
use crate::mime::{self, Purpose};
pub use folder::{Folder, Others};
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

    /// Starts writing; `listing` says whether [`Written::files`] is to name every file.
    fn open(&self, listing: Listing) -> Result<Box<dyn Sink>>;
}

/// What a [`Sink`] keeps of the files it writes: every name, for a run whose notes list them,
/// or only their count, for a bulk mailing (its memory stays flat however many it writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listing {
    Files,
    Count,
}

/// Drafts being written to one destination.
pub trait Sink: Send {
    /// Writes one letter's draft (destinations that only hold e-mail skip the others).
    fn add(&mut self, letter: &Letter, date: Timestamp) -> Result<()>;

    /// Puts what was added in place; `None` if it was given nothing and wrote nothing.
    fn finish(self: Box<Self>) -> Result<Option<Written>>;
}

/// What a destination took.
#[derive(Debug)]
pub struct Written {
    /// In a sentence: "stored 3 draft(s) in the Maildir m".
    pub summary: String,
    /// The files, for destinations that are files and [`Listing::Files`]: a note can list them.
    pub files: Vec<PathBuf>,
    /// The drafts of an earlier run that this one does not have, removed.
    pub removed: Vec<PathBuf>,
}

/// The destinations of one run; none: the review is printed instead.
#[derive(Debug, Default)]
pub struct Destinations(Vec<Box<dyn Destination>>);

impl Destinations {
    /// Adds a destination.
    pub fn add(&mut self, d: impl Destination + 'static) {
        self.0.push(Box::new(d));
    }

    /// The destinations the flags name. Fax, postal, web-form and call letters, which a
    /// mailbox cannot hold, go into `out` when given, else into a folder beside the first
    /// mailbox named: `<maildir>.letters` or `<mbox>.letters`.
    pub fn from_flags(out: Option<&Path>, maildir: Option<&Path>, mbox: Option<&Path>) -> Self {
        let mut all = Destinations::default();
        if let Some(p) = out {
            all.add(Folder(p.to_path_buf()));
        }
        let first = maildir
            .map(|p| ("--maildir", p))
            .or(mbox.map(|p| ("--mbox", p)));
        let others = match (out, first) {
            (Some(p), _) => p.to_path_buf(),
            (None, Some((_, p))) => {
                let mut name = p.as_os_str().to_owned();
                name.push(".letters");
                PathBuf::from(name)
            }
            (None, None) => return all,
        };
        if let Some(p) = maildir {
            all.add(Maildir {
                dir: p.to_path_buf(),
                others: others.clone(),
            });
        }
        if let Some(p) = mbox {
            all.add(Mbox {
                file: p.to_path_buf(),
                others: others.clone(),
            });
        }
        if let (None, Some((flag, _))) = (out, first) {
            all.add(Others { flag, dir: others });
        }
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

    /// Starts writing to every destination, letters of a bulk mailing: the [`Written`] of
    /// each counts the files, not naming them ([`Listing::Count`]).
    pub fn open(&self) -> Result<Vec<Box<dyn Sink>>> {
        self.0.iter().map(|d| d.open(Listing::Count)).collect()
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
            let mut sink = d.open(Listing::Files)?;
            for letter in letters {
                sink.add(letter, date)?;
            }
            if let Some(w) = sink.finish()? {
                done(w);
            }
        }
        Ok(())
    }
}

/// The draft form of an e-mail letter's message, for a `.eml` file (CRLF line ends).
fn draft_message(letter: &Letter, date: Timestamp) -> Result<Vec<u8>> {
    mime::message(letter, date, Purpose::Draft)
}

/// The draft form of an e-mail letter's message, for a mailbox: LF line ends (the message has
/// no CR but in its CRLF line ends).
fn stored_message(letter: &Letter, date: Timestamp) -> Result<Vec<u8>> {
    let mut bytes = mime::message(letter, date, Purpose::StoredDraft)?;
    bytes.retain(|&b| b != b'\r');
    Ok(bytes)
}

/// The letters a mailbox could not hold (by channel, counted) and where they went.
#[derive(Debug, Default)]
struct NotHeld {
    channels: std::collections::BTreeMap<crate::letter::Channel, usize>,
}

impl NotHeld {
    fn count(&mut self, letter: &Letter) {
        *self.channels.entry(letter.channel).or_default() += 1;
    }

    /// "; 2 letter(s) it cannot hold (fax, call) are in m.letters", or nothing.
    fn note(&self, others: &Path) -> String {
        if self.channels.is_empty() {
            return String::new();
        }
        let n: usize = self.channels.values().sum();
        let kinds: Vec<&str> = self.channels.keys().map(|c| c.label()).collect();
        format!(
            "; {n} letter(s) it cannot hold ({}) are in {}",
            kinds.join(", "),
            others.display()
        )
    }
}

/// The usage error for a destination: its flag, its path, what is wrong.
fn refused(d: &dyn Destination, what: impl std::fmt::Display) -> Error {
    Error::Usage(format!("{} {}: {what}", d.flag(), d.path().display()))
}

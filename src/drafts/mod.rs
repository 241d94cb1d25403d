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

use std::borrow::Cow;
use std::path::{Path, PathBuf};

use anyhow::Result;
use jiff::Timestamp;

use crate::diag::Error;
use crate::letter::Letter;
use crate::mime::{self, Purpose};
use crate::pdf::Pdf;
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

    /// The forms of a letter it writes, to be made before it is handed one ([`Draft::make`]).
    fn forms(&self) -> Forms;

    /// Starts writing; `listing` says whether [`Written::files`] is to name every file.
    fn open(&self, listing: Listing) -> Result<Box<dyn Sink>>;
}

/// The forms of a letter that destinations write, each made once by [`Draft::make`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Forms {
    /// An e-mail letter's message as a `.eml` file has it: CRLF line ends, `X-Unsent: 1`.
    pub file: bool,
    /// An e-mail letter's message as a mailbox holds it: LF line ends.
    pub stored: bool,
    /// The PDF of a fax or postal letter.
    pub pdf: bool,
}

impl Forms {
    /// What either needs.
    #[must_use]
    pub fn and(self, other: Forms) -> Forms {
        Forms {
            file: self.file || other.file,
            stored: self.stored || other.stored,
            pdf: self.pdf || other.pdf,
        }
    }
}

/// A letter with the forms of it that its destinations write, made before any is written: a
/// letter that cannot become a message stops the run before a file is written, and a bulk
/// mailing makes them on the threads that render, so that the one that writes only writes.
#[derive(Debug)]
pub struct Draft {
    pub letter: Letter,
    file: Option<Vec<u8>>,
    stored: Option<Vec<u8>>,
    pdf: Option<Pdf>,
}

impl Draft {
    /// Makes the `forms` of `letter` that it has (a fax has no message, an e-mail no PDF).
    pub fn make(letter: Letter, date: Timestamp, forms: Forms) -> Result<Draft> {
        let email = letter.is_email();
        let file = (forms.file && email)
            .then(|| draft_message(&letter, date))
            .transpose()?;
        let stored = (forms.stored && email)
            .then(|| stored_message(&letter, date))
            .transpose()?;
        let pdf = if forms.pdf {
            crate::pdf::make(&letter, date)?
        } else {
            None
        };
        Ok(Draft {
            letter,
            file,
            stored,
            pdf,
        })
    }

    /// What a folder's file of the letter holds: an e-mail letter's message (`.eml`), or the
    /// text of any other letter.
    fn file(&self, date: Timestamp) -> Result<Cow<'_, [u8]>> {
        if !self.letter.is_email() {
            return Ok(Cow::Borrowed(self.letter.body.as_bytes()));
        }
        match &self.file {
            Some(bytes) => Ok(Cow::Borrowed(bytes)),
            None => draft_message(&self.letter, date).map(Cow::Owned),
        }
    }

    /// An e-mail letter's message as a mailbox holds it.
    fn stored(&self, date: Timestamp) -> Result<Cow<'_, [u8]>> {
        match &self.stored {
            Some(bytes) => Ok(Cow::Borrowed(bytes)),
            None => stored_message(&self.letter, date).map(Cow::Owned),
        }
    }

    /// The PDF of a fax or postal letter.
    fn pdf(&self, date: Timestamp) -> Result<Option<Cow<'_, Pdf>>> {
        match &self.pdf {
            Some(pdf) => Ok(Some(Cow::Borrowed(pdf))),
            None => Ok(crate::pdf::make(&self.letter, date)?.map(Cow::Owned)),
        }
    }
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
    fn add(&mut self, draft: &Draft, date: Timestamp) -> Result<()>;

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

    /// The forms of a letter that the destinations write.
    pub fn forms(&self) -> Forms {
        self.0
            .iter()
            .fold(Forms::default(), |all, d| all.and(d.forms()))
    }

    /// Starts writing to every destination, letters of a bulk mailing: the [`Written`] of
    /// each counts the files, not naming them ([`Listing::Count`]).
    pub fn open(&self) -> Result<Vec<Box<dyn Sink>>> {
        self.0.iter().map(|d| d.open(Listing::Count)).collect()
    }

    /// Writes `letters` to each destination in turn, each whole before the next, and hands
    /// each one's [`Written`] to `done` as soon as it is in place. Every form of every letter
    /// is made once first ([`Draft::make`]), so a letter that cannot become a message stops the
    /// run before anything is written.
    pub fn write(
        &self,
        letters: &[Letter],
        date: Timestamp,
        done: &mut dyn FnMut(Written),
    ) -> Result<()> {
        let forms = self.forms();
        let drafts = letters
            .iter()
            .map(|l| Draft::make(l.clone(), date, forms))
            .collect::<Result<Vec<_>>>()?;
        for d in &self.0 {
            let mut sink = d.open(Listing::Files)?;
            for draft in &drafts {
                sink.add(draft, date)?;
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

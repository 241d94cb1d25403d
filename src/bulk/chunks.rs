//! Signers rendered a chunk at a time on every core, in the file's order: each thread
//! renders its share of the chunk on contexts of its own ([`Sheets`]) and makes each
//! signer's letters ready for the output (the review's text, or the drafts: messages and
//! PDFs); the calling thread writes them in order.

use super::{Bulk, Sheets};
use jiff::Timestamp;

use crate::diag::Diagnostic;
use crate::drafts::{Draft, Forms};
use crate::fields::Country;
use crate::letter::Letter;
use crate::review;
use crate::signers::Signer;

/// Signers read, rendered and written at a time: their letters are what is held in memory.
const CHUNK: usize = 256;

/// The same for drafts, which hold their messages and PDFs (a fax's copy to the
/// coordinators carries its PDF: 50 KB), so that memory stays low.
const CHUNK_DRAFTS: usize = 64;

/// The fewest signers worth a thread of their own: a small file renders on one.
const SHARE: usize = 32;

/// The threads that render, the cores there are (at most 8).
pub(super) fn threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get().min(8))
}

/// What a thread that renders makes of a signer's letters: drafts get the forms their
/// destinations write (dated `now`), a review the letters' text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Mode {
    Drafts { forms: Forms, now: Timestamp },
    Json,
    Text,
}

impl Mode {
    /// How many signers to read, render and write at a time.
    pub(super) fn chunk(self) -> usize {
        match self {
            Mode::Drafts { .. } => CHUNK_DRAFTS,
            Mode::Json | Mode::Text => CHUNK,
        }
    }
}

/// One signer's letters, made ready for the output on the thread that rendered them.
pub(super) struct Ready {
    /// The signer's country, for the targets no letter reaches.
    pub(super) country: Option<Country>,
    pub(super) count: usize,
    /// Drafts: the letters with their forms made, or why they could not be.
    pub(super) drafts: anyhow::Result<Vec<Draft>>,
    /// A review: the text, with `marks` where each letter's number goes (the text review
    /// numbers the letters of the whole file, which only the writer knows).
    pub(super) text: String,
    pub(super) marks: Vec<usize>,
}

impl Ready {
    fn new(mode: Mode, campaign: &str, country: Option<Country>, letters: Vec<Letter>) -> Ready {
        let mut ready = Ready {
            country,
            count: letters.len(),
            drafts: Ok(Vec::new()),
            text: String::new(),
            marks: Vec::new(),
        };
        if !matches!(mode, Mode::Drafts { .. }) {
            // Each letter's body and about as much again for its envelope (or its JSON
            // escapes): the text grows without being copied on the way.
            let size: usize = letters.iter().map(|l| 2 * l.body.len() + 1024).sum();
            ready.text.reserve(size);
        }
        match mode {
            Mode::Drafts { forms, now } => {
                ready.drafts = letters
                    .into_iter()
                    .map(|l| Draft::make(l, now, forms))
                    .collect();
            }
            Mode::Json => {
                for l in &letters {
                    ready.text.push_str(&review::json_letter(campaign, l));
                }
            }
            Mode::Text => {
                for l in &letters {
                    ready.text.push_str("\n=== ");
                    ready.marks.push(ready.text.len());
                    review::letter_after_number(&mut ready.text, l, 0);
                }
            }
        }
        ready
    }
}

/// Renders the rows of a chunk, split between as many threads as `sheets` has (fewer for a
/// short chunk), in the rows' order; `meanwhile` runs on the calling thread once the others
/// have started, before it renders its own share (the chunk before is written then).
pub(super) fn render_chunk<R>(
    bulk: &Bulk<'_>,
    sheets: &mut [Sheets],
    rows: &[Result<Signer, Diagnostic>],
    mode: Mode,
    meanwhile: impl FnOnce() -> R,
) -> (Vec<Result<Ready, Diagnostic>>, R) {
    let threads = sheets.len().min(rows.len() / SHARE).max(1);
    let share = rows.len().div_ceil(threads).max(1);
    let mut parts = rows.chunks(share).zip(sheets.iter_mut());
    let Some((first, own)) = parts.next() else {
        return (Vec::new(), meanwhile());
    };
    std::thread::scope(|scope| {
        let others: Vec<_> = parts
            .map(|(rows, sheets)| scope.spawn(move || render_rows(bulk, sheets, rows, mode)))
            .collect();
        let r = meanwhile();
        let mut done = render_rows(bulk, own, first, mode);
        for t in others {
            done.extend(t.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        (done, r)
    })
}

/// Renders `rows` one after the other on `sheets`.
fn render_rows(
    bulk: &Bulk<'_>,
    sheets: &mut Sheets,
    rows: &[Result<Signer, Diagnostic>],
    mode: Mode,
) -> Vec<Result<Ready, Diagnostic>> {
    rows.iter()
        .map(|row| {
            let signer = row.as_ref().map_err(Clone::clone)?;
            let letters = bulk.render(sheets, signer)?;
            let country = bulk.country(signer);
            Ok(Ready::new(mode, &bulk.campaign.id, country, letters))
        })
        .collect()
}

//! Who a signer is: their `id` when the file has that column, else their name, normalised,
//! made into a short file-name-safe [`Signer::key`](super::Signer::key) that is unique
//! within the file.

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use super::Signers;
use crate::diag::Diagnostic;

impl Signers {
    /// The key of the signer named `name` (with `id`) on `line`: an error when the file has
    /// an `id` column and the row no id, or when an earlier row is the same signer.
    pub(super) fn identify(
        &mut self,
        line: u64,
        name: &str,
        id: Option<String>,
    ) -> Result<String, Diagnostic> {
        let key = match (self.by_id, id) {
            (true, Some(id)) => key("id", &normalise(&id)),
            (true, None) => {
                return Err(self.row_error(
                    line,
                    "no id: with an `id` column every signer needs one (it is who they are to the journal)",
                ));
            }
            (false, _) => key("name", &normalise(name)),
        };
        if let Some(first) = self.seen.get(&key) {
            let why = if self.by_id {
                format!("the same id as line {first}")
            } else {
                format!(
                    "the same name as line {first}: if they are two people, add an `id` column (a membership number) to tell them apart"
                )
            };
            return Err(self.row_error(line, format!("{name} is in the file twice ({why})")));
        }
        self.seen.insert(key.clone(), line);
        Ok(key)
    }
}

/// Who a signer is, as written in different ways: Unicode-normalised (NFKC), lower case,
/// runs of white space made one space, none at either end.
fn normalise(text: &str) -> String {
    let folded = text.nfkc().collect::<String>().to_lowercase();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A short, file-name-safe key for a signer's identity (`kind` `id` or `name`, the value
/// normalised): readable start, hash end.
pub(super) fn key(kind: &str, identity: &str) -> String {
    let readable: String = identity
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .take(20)
        .collect();
    let readable = readable.trim_matches('-');
    let mut h = Sha256::new();
    for part in [kind, identity] {
        h.update(part.as_bytes());
        h.update([0]);
    }
    let hash = h.finalize();
    // 64 bits: among 100,000 signers a clash has odds of about 1 in 3.7 billion.
    let hex = hash.iter().take(8).fold(String::new(), |mut s, b| {
        let _ = std::fmt::Write::write_fmt(&mut s, format_args!("{b:02x}"));
        s
    });
    if readable.is_empty() {
        hex
    } else {
        format!("{readable}-{hex}")
    }
}

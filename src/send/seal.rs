//! The journal's seal: every line carries an HMAC-SHA256 under a secret key of this writer's,
//! kept outside any workspace, so that only records their own outcry wrote say what was sent.
//!
//! A workspace passes from hand to hand, and its journal with it. A journal decides what is
//! *not* sent, so one that came with the workspace could hold every letter back. Sealed, it
//! cannot: a line without the writer's mac, with another person's, moved from another
//! campaign's journal, or taken out of order, does not verify.
//!
//! A line is the record's JSON with `,"mac":"<64 hex>"` before its closing brace. The mac is of
//! `outcry journal v1 NUL <campaign> NUL <journal path> NUL <previous line's mac> NUL <record>`,
//! the record being the line without that `,"mac":"…"`, byte for byte as written: a field a
//! later outcry adds is covered as it stands, and ignored by this one.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What is signed before anything else: the kind and version of the seal.
const DOMAIN: &str = "outcry journal v1";
/// How a line's mac begins.
const MAC_OPEN: &str = ",\"mac\":\"";
/// How a line ends after its mac.
const MAC_CLOSE: &str = "\"}";
/// A mac in hex.
const MAC_HEX: usize = 64;

/// The key's size and how much of its file outcry reads.
const KEY_LEN: usize = 32;
const KEY_LIMIT: crate::files::Limit = crate::files::Limit {
    bytes: KEY_LEN as u64,
    what: "a journal key",
};

/// The writer's journal key. Never printed.
#[derive(Clone)]
pub struct Key([u8; KEY_LEN]);

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Key(..)")
    }
}

impl Key {
    /// The key in `bytes`, which must be exactly a key's size.
    pub fn from_bytes(bytes: &[u8]) -> Option<Key> {
        bytes.try_into().ok().map(Key)
    }
}

/// Where the key is kept: `$XDG_STATE_HOME/outcry/journal.key`, else under the data folder
/// (`$XDG_DATA_HOME`), else `~/.local/state`. Never in a workspace.
pub fn key_path() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    let base = etcetera::choose_base_strategy().ok();
    let dir = base
        .as_ref()
        .and_then(BaseStrategy::state_dir)
        .or_else(|| base.as_ref().map(BaseStrategy::data_dir))
        .or_else(|| {
            etcetera::home_dir()
                .ok()
                .map(|h| h.join(".local").join("state"))
        })?;
    Some(dir.join("outcry").join("journal.key"))
}

/// The writer's key, made on first use when `create` (`send` makes it; reading a journal
/// does not). `None`: there is none yet.
pub fn load_key(create: bool) -> Result<Option<Key>> {
    let Some(path) = key_path() else {
        return Err(crate::diag::Error::Usage(
            "cannot tell where to keep the journal key: set HOME (or XDG_STATE_HOME)".into(),
        )
        .into());
    };
    if let Some(key) = read_key(&path)? {
        return Ok(Some(key));
    }
    if !create {
        return Ok(None);
    }
    if let Some(key) = make_key(&path)? {
        return Ok(Some(key));
    }
    // Another run made it at this very moment: give it the time to write it, then read it.
    for _ in 0..50 {
        std::thread::sleep(std::time::Duration::from_millis(20));
        if let Ok(Some(key)) = read_key(&path) {
            return Ok(Some(key));
        }
    }
    match read_key(&path)? {
        Some(key) => Ok(Some(key)),
        None => Err(crate::diag::Error::Usage(format!(
            "{}: the journal key was made by another run and then went away: run again",
            path.display()
        ))
        .into()),
    }
}

fn read_key(path: &Path) -> Result<Option<Key>> {
    let bad = |why: String| {
        crate::diag::Error::Usage(format!(
            "{}: {why}. It authenticates your journals: restore it from a backup, or move it away \
             (outcry then makes a new one, and refuses the journals sealed with this one)",
            path.display()
        ))
    };
    match crate::files::read_own(path, KEY_LIMIT) {
        Ok(None) => Ok(None),
        Ok(Some(bytes)) => match Key::from_bytes(&bytes) {
            Some(key) => Ok(Some(key)),
            None => Err(bad(format!(
                "is {} bytes, not a journal key of {KEY_LEN}",
                bytes.len()
            ))
            .into()),
        },
        Err(e) => Err(bad(e.to_string()).into()),
    }
}

/// Makes a new key at `path`: created exclusively (never through a link), 0600, in folders
/// made 0700, synced before it is used. `None` if a file appeared there first.
fn make_key(path: &Path) -> Result<Option<Key>> {
    use std::io::Write as _;
    let mut bytes = [0u8; KEY_LEN];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("cannot make a journal key: no randomness ({e})"))?;
    let dir = path.parent().unwrap_or(path);
    crate::files::create_dir_all(dir)?;
    crate::files::check_write_path(path)?;
    let mut file = match crate::files::write_options().create_new(true).open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Ok(None),
        Err(e) => {
            return Err(e)
                .with_context(|| format!("cannot make the journal key {}", path.display()));
        }
    };
    crate::files::check_written(&file, path)?;
    file.write_all(&bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::File::open(dir)?.sync_all())
        .with_context(|| format!("cannot write the journal key {}", path.display()))?;
    Ok(Some(Key(bytes)))
}

/// Seals and verifies the lines of one campaign's journal.
pub struct Seal {
    key: Option<Key>,
    campaign: String,
    /// The journal's path in the workspace, as it is signed.
    path: String,
}

/// Why a line does not verify.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Broken {
    /// It ends without a mac.
    NoMac,
    /// Its mac is not the one the writer's key gives it here.
    Wrong,
}

impl Seal {
    /// `key` none: the writer has no key yet, and no line verifies.
    pub fn new(key: Option<Key>, campaign: &str, path: &Path) -> Seal {
        Seal {
            key,
            campaign: campaign.to_string(),
            path: path.to_string_lossy().into_owned(),
        }
    }

    fn mac(&self, key: &Key, prev: &str, record: &str) -> Hmac<Sha256> {
        // HMAC takes a key of any length: this cannot fail.
        let mut mac =
            Hmac::<Sha256>::new_from_slice(&key.0).expect("HMAC-SHA256 takes any key length");
        for part in [DOMAIN, &self.campaign, &self.path, prev] {
            mac.update(part.as_bytes());
            mac.update(b"\0");
        }
        mac.update(record.as_bytes());
        mac
    }

    /// The line for `record` (a JSON object) after the line whose mac is `prev` (empty for the
    /// first), without its newline, and its mac. `None` without a key.
    pub fn seal(&self, prev: &str, record: &str) -> Option<(String, String)> {
        let key = self.key.as_ref()?;
        let open = record.strip_suffix('}')?;
        let tag = hex(&self.mac(key, prev, record).finalize().into_bytes());
        Some((format!("{open}{MAC_OPEN}{tag}{MAC_CLOSE}"), tag))
    }

    /// The record a line (without its newline) holds, and its mac, if the writer's key sealed
    /// it after the line whose mac is `prev`.
    pub fn open<'a>(&self, prev: &str, line: &'a str) -> Result<(String, &'a str), Broken> {
        let (record, tag) = strip(line).ok_or(Broken::NoMac)?;
        let key = self.key.as_ref().ok_or(Broken::Wrong)?;
        let bytes = unhex(tag).ok_or(Broken::NoMac)?;
        self.mac(key, prev, &record)
            .verify_slice(&bytes)
            .map_err(|_| Broken::Wrong)?;
        Ok((record, tag))
    }
}

/// Splits a line into the record it seals (the line without `,"mac":"…"`) and its mac in hex.
/// `None` if it does not end with a mac.
fn strip(line: &str) -> Option<(String, &str)> {
    let body = line.strip_suffix(MAC_CLOSE)?;
    let at = body.len().checked_sub(MAC_HEX)?;
    let tag = body.get(at..)?;
    let open = body.get(..at)?.strip_suffix(MAC_OPEN)?;
    if !tag.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    Some((format!("{open}}}"), tag))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    text.as_bytes()
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal(key: u8, campaign: &str) -> Seal {
        let path = format!(".outcry/journal/{campaign}.jsonl");
        Seal::new(Some(Key([key; KEY_LEN])), campaign, Path::new(&path))
    }

    const RECORD: &str = r#"{"time":"t","letter":"a","message_id":"<a@x>","state":"accepted"}"#;

    #[test]
    fn a_sealed_line_is_the_record_with_its_mac_before_the_brace() {
        let s = seal(1, "c");
        let (line, tag) = s.seal("", RECORD).unwrap();
        assert_eq!(tag.len(), 64);
        assert_eq!(
            line,
            format!(
                r#"{{"time":"t","letter":"a","message_id":"<a@x>","state":"accepted","mac":"{tag}"}}"#
            )
        );
        assert!(serde_json::from_str::<serde_json::Value>(&line).is_ok());
        assert_eq!(s.open("", &line), Ok((RECORD.to_string(), tag.as_str())));
        // The mac is HMAC-SHA256 of the documented input.
        let mut mac = Hmac::<Sha256>::new_from_slice(&[1; 32]).unwrap();
        mac.update(b"outcry journal v1\0c\0.outcry/journal/c.jsonl\0\0");
        mac.update(RECORD.as_bytes());
        assert_eq!(tag, hex(&mac.finalize().into_bytes()));
    }

    #[test]
    fn strip_takes_off_exactly_the_mac() {
        let tag = "0123456789abcdef".repeat(4);
        assert_eq!(
            strip(&format!(r#"{{"a":1,"mac":"{tag}"}}"#)),
            Some((r#"{"a":1}"#.to_string(), tag.as_str()))
        );
        // A mac elsewhere in the line, a short or upper-case one, or none: no mac at its end.
        for line in [
            r#"{"a":1}"#.to_string(),
            format!(r#"{{"mac":"{tag}","a":1}}"#),
            format!(r#"{{"a":1,"mac":"{}"}}"#, &tag[1..]),
            format!(r#"{{"a":1,"mac":"{}"}}"#, tag.to_uppercase()),
            format!(r#"{{"a":1, "mac":"{tag}"}}"#),
            format!(r#"{{"a":1,"mac":"{tag}"}} "#),
            "\"}".to_string(),
            String::new(),
            "é".repeat(40) + "\"}",
        ] {
            assert_eq!(strip(&line), None, "{line}");
        }
    }

    #[test]
    fn a_line_verifies_only_with_its_key_campaign_and_place() {
        let s = seal(1, "c");
        let (first, tag) = s.seal("", RECORD).unwrap();
        assert!(s.open("", &first).is_ok());
        // Another person's key, another campaign, another place in the journal, no key.
        assert_eq!(seal(2, "c").open("", &first), Err(Broken::Wrong));
        assert_eq!(seal(1, "d").open("", &first), Err(Broken::Wrong));
        assert_eq!(s.open(&tag, &first), Err(Broken::Wrong));
        let none = Seal::new(None, "c", Path::new(".outcry/journal/c.jsonl"));
        assert_eq!(none.open("", &first), Err(Broken::Wrong));
        assert_eq!(none.seal("", RECORD), None);
        // A changed record, a changed mac, or none.
        let changed = first.replace("accepted", "accepted ");
        assert_eq!(s.open("", &changed), Err(Broken::Wrong));
        let flipped = first.replacen(&tag[..1], if &tag[..1] == "0" { "1" } else { "0" }, 1);
        assert_eq!(s.open("", &flipped), Err(Broken::Wrong));
        assert_eq!(s.open("", RECORD), Err(Broken::NoMac));
        // The next line is sealed after this one.
        let (second, _) = s.seal(&tag, RECORD).unwrap();
        assert!(s.open(&tag, &second).is_ok());
        assert_eq!(s.open("", &second), Err(Broken::Wrong));
    }

    /// Item 11: a line sealed by a newer outcry with a field this one does not know verifies,
    /// the field covered by the mac as written.
    #[test]
    fn a_field_this_version_does_not_know_is_covered_as_written() {
        let s = seal(1, "c");
        let newer = r#"{"time":"t","letter":"a","message_id":"<a@x>","state":"accepted","relay":{"host":"mx"}}"#;
        let (line, _) = s.seal("", newer).unwrap();
        assert_eq!(s.open("", &line).map(|(r, _)| r), Ok(newer.to_string()));
    }
}

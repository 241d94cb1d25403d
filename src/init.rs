//! `outcry init`: a new workspace for a branch, starting with the two appeals outcry was made
//! for (May Day 2011, and Free Ainur Kurmanov) and their address book, all of which check.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::diag::Error;

/// The files of a new workspace: path, contents.
const FILES: [(&str, &str); 12] = [
    ("contacts.toml", include_str!("../contacts.toml")),
    ("outcry.toml", include_str!("init/outcry.toml")),
    (".gitignore", include_str!("init/gitignore")),
    (
        "letters/mayday-2011/campaign.toml",
        include_str!("../letters/mayday-2011/campaign.toml"),
    ),
    (
        "letters/mayday-2011/letter.hbs",
        include_str!("../letters/mayday-2011/letter.hbs"),
    ),
    (
        "letters/mayday-2011/letter.ru.hbs",
        include_str!("../letters/mayday-2011/letter.ru.hbs"),
    ),
    (
        "letters/free-ainur-kurmanov/campaign.toml",
        include_str!("../letters/free-ainur-kurmanov/campaign.toml"),
    ),
    (
        "letters/free-ainur-kurmanov/letter.hbs",
        include_str!("../letters/free-ainur-kurmanov/letter.hbs"),
    ),
    (
        "letters/free-ainur-kurmanov/letter.ru.hbs",
        include_str!("../letters/free-ainur-kurmanov/letter.ru.hbs"),
    ),
    (
        "letters/_partials/demands.hbs",
        include_str!("../letters/_partials/demands.hbs"),
    ),
    (
        "letters/_partials/signature.hbs",
        include_str!("../letters/_partials/signature.hbs"),
    ),
    (
        "letters/_partials/signature.ru.hbs",
        include_str!("../letters/_partials/signature.ru.hbs"),
    ),
];

/// Creates the workspace in `dir` (created if needed). Refuses a folder that already holds
/// any of its files, so nothing of the user's is overwritten. Returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    if let Some((taken, _)) = FILES
        .iter()
        .find(|(f, _)| crate::files::taken(&dir.join(f)))
    {
        return Err(Error::Usage(format!(
            "{} already exists: outcry init writes a new workspace and overwrites nothing",
            dir.join(taken).display()
        ))
        .into());
    }
    let mut written = Vec::new();
    for (file, text) in FILES {
        let path = dir.join(file);
        if let Some(parent) = path.parent() {
            crate::files::create_dir_all(parent)?;
        }
        crate::files::write_options()
            .create_new(true)
            .open(&path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

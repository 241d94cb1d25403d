//! `outcry init`: a new workspace for a branch, with one example campaign that checks.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::diag::Usage;

/// The files of a new workspace: path, contents.
const FILES: [(&str, &str); 7] = [
    ("contacts.toml", include_str!("init/contacts.toml")),
    ("outcry.toml", include_str!("init/outcry.toml")),
    (".gitignore", include_str!("init/gitignore")),
    (
        "letters/example/campaign.toml",
        include_str!("init/campaign.toml"),
    ),
    (
        "letters/example/letter.hbs",
        include_str!("init/letter.hbs"),
    ),
    (
        "letters/_partials/demands.hbs",
        include_str!("../letters/_partials/demands.hbs"),
    ),
    (
        "letters/_partials/signature.hbs",
        include_str!("../letters/_partials/signature.hbs"),
    ),
];

/// Creates the workspace in `dir` (created if needed). Refuses a folder that already holds
/// any of its files, so nothing of the user's is overwritten. Returns the files written.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    if let Some((taken, _)) = FILES.iter().find(|(f, _)| dir.join(f).exists()) {
        return Err(Usage(format!(
            "{} already exists: outcry init writes a new workspace and overwrites nothing",
            dir.join(taken).display()
        ))
        .into());
    }
    let mut written = Vec::new();
    for (file, text) in FILES {
        let path = dir.join(file);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

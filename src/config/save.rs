//! Writing the personal config file from the guided questions: only the keys asked about
//! change; comments and every other setting stay as they were.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use toml_edit::{DocumentMut, Item, Table};

use crate::diag::Error;

/// A change to one key of one table: a new value, or `None` to remove the key.
pub type Change<'a> = (&'a str, &'a str, Option<Item>);

/// Applies `changes` to the personal config file (created if needed), and returns its path.
/// The file is replaced whole (written beside it, then renamed), private to its owner.
pub fn save_personal(changes: &[Change<'_>]) -> Result<PathBuf> {
    let shown = super::personal_config_path().ok_or_else(|| {
        Error::Usage(
            "cannot tell where the personal config file goes: set HOME or XDG_CONFIG_HOME".into(),
        )
    })?;
    // Never written through a link: a link there (a dotfile manager's) is refused, and the
    // file it points to is left for its owner to edit.
    crate::files::check_write_path(&shown)?;
    let path = shown.clone();
    let old = match std::fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    };
    let text = apply(&old, changes)
        .map_err(|e| Error::Usage(format!("{}: cannot update it: {e}", path.display())))?;
    let dir = path.parent().unwrap_or(std::path::Path::new("."));
    crate::files::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("cannot write in {}", dir.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.as_file().sync_all())
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.persist(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(shown)
}

/// `old` with `changes` applied.
fn apply(old: &str, changes: &[Change<'_>]) -> Result<String, String> {
    let mut doc: DocumentMut = old
        .parse()
        .map_err(|e: toml_edit::TomlError| e.to_string())?;
    for (table, key, value) in changes {
        let t = doc
            .entry(table)
            .or_insert_with(|| Item::Table(Table::new()));
        let Some(t) = t.as_table_like_mut() else {
            return Err(format!("`{table}` is not a table"));
        };
        match value {
            Some(v) => {
                t.insert(key, v.clone());
            }
            None => {
                t.remove(key);
            }
        }
    }
    Ok(doc.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use toml_edit::value;

    #[test]
    fn keeps_comments_and_other_keys() {
        let old = "# mine\n[sender]\nname = \"Old\" # me\ncity = \"Leeds\"\n\n[smtp]\nhost = \"a\"\npassword-cmd = [\"pass\"]\n";
        let new = apply(
            old,
            &[
                ("sender", "name", Some(value("New \"quoted\""))),
                ("sender", "country", Some(value("GB"))),
                ("smtp", "password-cmd", None),
            ],
        )
        .expect("valid");
        assert!(new.starts_with("# mine\n"), "{new}");
        let parsed: toml::Table = toml::from_str(&new).expect("still TOML");
        assert_eq!(parsed["sender"]["name"].as_str(), Some("New \"quoted\""));
        assert_eq!(parsed["sender"]["city"].as_str(), Some("Leeds"));
        assert_eq!(parsed["sender"]["country"].as_str(), Some("GB"));
        assert!(parsed["smtp"].get("password-cmd").is_none());
        assert_eq!(parsed["smtp"]["host"].as_str(), Some("a"));
    }

    #[test]
    fn refuses_a_file_that_is_not_toml() {
        assert!(apply("[sender\n", &[("sender", "name", Some(value("x")))]).is_err());
        assert!(apply("sender = 1\n", &[("sender", "name", Some(value("x")))]).is_err());
    }
}

//! The workspace: a folder with `contacts.toml`, `letters/<campaign>/` and `letters/_partials/`.
//!
//! Finds the root, lists campaigns and reads their files. Paths in messages are shown
//! relative to the root.

use std::path::{Path, PathBuf};

use crate::campaign::Campaign;
use crate::diag::{Diagnostics, Error, Origin};
use crate::fields;
use crate::source::Source;

#[derive(Debug, Clone)]
pub struct Workspace {
    pub root: PathBuf,
}

/// A shared partial from `letters/_partials/<name>.hbs`, used as `{{> name}}`, or its
/// translation `<name>.<lang>.hbs`, which letters in that language use instead.
#[derive(Debug, Clone)]
pub struct Partial {
    pub name: String,
    pub source: Source,
    /// The language of a translation (`ru` of `signature.ru.hbs`).
    pub language: Option<String>,
}

/// The partials letters in `language` use: each in that language where it is translated,
/// else as it is.
pub fn partials_in(partials: &[Partial], language: &str) -> Vec<Partial> {
    partials
        .iter()
        .filter(|p| p.language.is_none())
        .map(|p| {
            partials
                .iter()
                .find(|t| t.name == p.name && t.language.as_deref() == Some(language))
                .unwrap_or(p)
                .clone()
        })
        .collect()
}

impl Workspace {
    /// The workspace the current folder is in (see [`Workspace::find`]).
    pub fn here() -> anyhow::Result<Workspace> {
        let cwd =
            anyhow::Context::context(std::env::current_dir(), "cannot read the current directory")?;
        Ok(Workspace::find(&cwd)?)
    }

    /// The campaigns that have a `campaign.toml`, sorted (folders with bad names left out).
    pub fn campaigns(&self) -> Vec<String> {
        self.campaign_ids(&mut Diagnostics::default())
            .into_iter()
            .filter(|c| self.has_campaign(c))
            .collect()
    }

    /// The nearest folder, from `start` upwards, that holds a `contacts.toml`.
    pub fn find(start: &Path) -> Result<Workspace, Error> {
        for dir in start.ancestors() {
            if dir.join("contacts.toml").is_file() {
                crate::files::enter_workspace(dir);
                return Ok(Workspace {
                    root: dir.to_path_buf(),
                });
            }
        }
        Err(Error::Usage(format!(
            "{} is not in an outcry workspace: no contacts.toml here or in any parent folder (use -C DIR to point at one, or `outcry init` to make one)",
            start.display()
        )))
    }

    /// The campaign ids: folders under `letters/` except those starting with `_` or `.`.
    pub fn campaign_ids(&self, diags: &mut Diagnostics) -> Vec<String> {
        let letters = self.root.join("letters");
        let entries = match std::fs::read_dir(&letters) {
            Ok(e) => e,
            Err(e) => {
                diags.error(
                    Origin::file("letters"),
                    format!("cannot read the campaigns folder: {e}"),
                );
                return Vec::new();
            }
        };
        let mut ids = Vec::new();
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('_') || name.starts_with('.') || !entry.path().is_dir() {
                continue;
            }
            match fields::check_id(&name) {
                Ok(()) => ids.push(name),
                Err(e) => diags.error(
                    Origin::file(Path::new("letters").join(&name)),
                    format!("campaign folder: {e}"),
                ),
            }
        }
        ids.sort();
        ids
    }

    /// Whether `letters/<id>/campaign.toml` exists.
    pub fn has_campaign(&self, id: &str) -> bool {
        fields::check_id(id).is_ok()
            && self
                .root
                .join("letters")
                .join(id)
                .join("campaign.toml")
                .is_file()
    }

    /// Reads and checks one campaign.
    pub fn load_campaign(&self, id: &str, diags: &mut Diagnostics) -> Option<Campaign> {
        let dir = Path::new("letters").join(id);
        let src = match self.read(&dir.join("campaign.toml")) {
            Ok(Some(s)) => s,
            Ok(None) => {
                diags.error(
                    Origin::file(dir.join("campaign.toml")),
                    "missing: every campaign needs a campaign.toml",
                );
                return None;
            }
            Err(e) => {
                diags.error(e.origin, e.message);
                return None;
            }
        };
        let read = |name: &str| self.read(&dir.join(name));
        let names: Vec<String> = std::fs::read_dir(self.root.join(&dir))
            .map(|entries| {
                entries
                    .flatten()
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        Campaign::parse(id, dir.clone(), &src, &read, &names, diags)
    }

    /// The shared partials in `letters/_partials/`, by file stem.
    pub fn partials(&self, diags: &mut Diagnostics) -> Vec<Partial> {
        let rel = Path::new("letters").join("_partials");
        let Ok(entries) = std::fs::read_dir(self.root.join(&rel)) else {
            return Vec::new();
        };
        let mut partials = Vec::new();
        for entry in entries.flatten() {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "hbs") {
                continue;
            }
            let Some(stem) = path.file_stem().map(|s| s.to_string_lossy().into_owned()) else {
                continue;
            };
            // `signature.ru.hbs`: the Russian `signature`.
            let (name, language) = match stem.rsplit_once('.') {
                Some((name, lang))
                    if crate::campaign::language_tag(lang).as_deref() == Some(lang) =>
                {
                    (name.to_string(), Some(lang.to_string()))
                }
                _ => (stem, None),
            };
            let shown = rel.join(entry.file_name());
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_'))
            {
                diags.error(
                    Origin::file(&shown),
                    "a partial's name is letters, digits, '-' and '_' (it is written as {{> name}})",
                );
                continue;
            }
            match self.read(&shown) {
                Ok(Some(source)) => partials.push(Partial {
                    name,
                    source,
                    language,
                }),
                Ok(None) => {}
                Err(e) => {
                    diags.error(e.origin, e.message);
                    // Known by name all the same: no second error where it is used.
                    partials.push(Partial {
                        name,
                        source: Source::new(shown, String::new()),
                        language,
                    });
                }
            }
        }
        partials.sort_by(|a, b| (&a.name, &a.language).cmp(&(&b.name, &b.language)));
        for t in partials.iter().filter(|p| p.language.is_some()) {
            if !partials
                .iter()
                .any(|p| p.name == t.name && p.language.is_none())
            {
                diags.warning(
                    Origin::file(&t.source.path),
                    format!("a translation of the partial {} without letters/_partials/{}.hbs: no letter uses it", t.name, t.name),
                );
            }
        }
        partials
    }

    /// Reads a file given relative to the root; `None` if it does not exist.
    fn read(&self, rel: &Path) -> Result<Option<Source>, crate::diag::Diagnostic> {
        Source::read(&self.root, rel, crate::files::TEXT)
    }
}

//! `outcry new`: a campaign's first `campaign.toml` and `letter.hbs`, from flags or from the
//! guided questions ([`crate::guide::new_campaign`]). Everything is checked before anything is
//! written, and the folder appears whole or not at all.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use jiff::civil::Date;

use crate::campaign::Copies;
use crate::contacts::AddressBook;
use crate::diag::Error;
use crate::fields::{self, Country};

/// A new campaign as the command line gives it: any piece may be missing (on a terminal,
/// [`crate::guide::new_campaign`] asks for it).
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub id: String,
    pub title: Option<String>,
    pub subject: Option<String>,
    pub demands: Vec<String>,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub copies: Option<Copies>,
    pub deadline: Option<Date>,
}

/// The campaign to write.
#[derive(Debug, Clone, Default)]
pub struct Draft {
    pub title: String,
    /// As typed; `None`: "Protest: " and the title.
    pub subject: Option<String>,
    pub demands: Vec<String>,
    /// Contact ids and `embassy:XX`.
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub copies: Copies,
    pub deadline: Option<Date>,
}

/// The letter a new campaign starts with: complete enough to send, to be made the appeal's own.
const LETTER: &str = r"{{!-- The letter to each authority. Tell what happened in your own words;
     see docs/format.md for every variable. --}}
{{recipient.salutation}},

I am writing to protest and to call on you to act on the following demands:

{{#each demands}}
  {{number}}. {{text}}
{{/each}}

{{#if personal}}
{{personal}}

{{/if}}
I ask you to reply to this letter and to say what you will do.

Yours faithfully,

{{sender.name}}
{{#if sender.organisation}}
{{sender.organisation}}
{{/if}}
{{sender.city}}, {{sender.country_name}}
";

impl Draft {
    /// From the flags alone (no terminal): each missing piece is named by its flag.
    pub fn from_given(args: &Given) -> Result<Draft, Error> {
        let mut missing = Vec::new();
        if args.title.is_none() {
            missing.push("--title");
        }
        if args.demands.is_empty() {
            missing.push("--demand (one per demand)");
        }
        if args.to.is_empty() {
            missing.push("--to (one per target)");
        }
        if !missing.is_empty() {
            return Err(Error::Usage(format!(
                "outcry new needs {} without a terminal to ask on",
                missing.join(", ")
            )));
        }
        Ok(Draft {
            title: args.title.clone().unwrap_or_default(),
            subject: args.subject.clone(),
            demands: args.demands.clone(),
            to: args.to.clone(),
            cc: args.cc.clone(),
            copies: args.copies.unwrap_or_default(),
            deadline: args.deadline,
        })
    }

    /// Checks every field, and every target and coordinator against the address book.
    pub fn check(&self, id: &str, book: &AddressBook) -> Result<(), Error> {
        let bad = |e: String| Error::Usage(e);
        fields::check_id(id).map_err(|e| Error::Usage(format!("campaign id {id:?}: {e}")))?;
        fields::check_line("the title", &self.title).map_err(bad)?;
        if let Some(s) = &self.subject {
            fields::check_line("the subject", s).map_err(bad)?;
        }
        if self.demands.is_empty() {
            return Err(Error::Usage("a campaign needs at least one demand".into()));
        }
        for d in &self.demands {
            fields::check_text("a demand", d).map_err(bad)?;
        }
        if self.to.is_empty() {
            return Err(Error::Usage("a campaign needs at least one target".into()));
        }
        for t in &self.to {
            check_target(t, book)?;
        }
        for c in &self.cc {
            match book.get(c) {
                Some(contact) if contact.email.is_none() => {
                    return Err(Error::Usage(format!(
                        "coordinator {c:?} ({}) has no e-mail address for the copies",
                        contact.name
                    )));
                }
                Some(_) => {}
                None => {
                    return Err(Error::Usage(format!(
                        "coordinator {c:?} is not in contacts.toml"
                    )));
                }
            }
        }
        Ok(())
    }

    /// The text of `campaign.toml`.
    pub fn campaign_toml(&self, issued: Date) -> String {
        let q = |s: &str| toml_edit::Value::from(s).to_string();
        let list = |v: &[String]| v.iter().map(|s| q(s)).collect::<Vec<_>>().join(", ");
        let mut t = String::new();
        let _ = writeln!(
            t,
            "# Written by `outcry new`. Every key is explained in docs/format.md."
        );
        let _ = writeln!(t, "title = {}", q(&self.title));
        // The subject is a template in campaign.toml: what was typed is escaped to stay as typed.
        let subject = self
            .subject
            .clone()
            .unwrap_or_else(|| format!("Protest: {}", self.title));
        let _ = writeln!(t, "subject = {}", q(&subject.replace("{{", "\\{{")));
        let _ = writeln!(t, "issued = {issued}");
        if let Some(d) = self.deadline {
            let _ = writeln!(t, "deadline = {d}");
        }
        let _ = writeln!(t, "demands = [");
        for d in &self.demands {
            let _ = writeln!(t, "  {},", q(d));
        }
        let _ = writeln!(t, "]");
        let _ = writeln!(t, "to = [{}]", list(&self.to));
        if !self.cc.is_empty() {
            let _ = writeln!(t, "cc = [{}]", list(&self.cc));
            let copies = match self.copies {
                Copies::Cc => "cc",
                Copies::Bcc => "bcc",
                Copies::Separate => "separate",
            };
            let _ = writeln!(t, "copies = {}", q(copies));
        }
        t
    }
}

fn check_target(t: &str, book: &AddressBook) -> Result<(), Error> {
    if let Some(state) = t.strip_prefix("embassy:") {
        return state
            .parse::<Country>()
            .map(|_| ())
            .map_err(|e| Error::Usage(format!("target {t:?}: {e}")));
    }
    if book.get(t).is_none() {
        return Err(Error::Usage(format!(
            "target {t:?} is not in contacts.toml (add it there first, or name an embassy as embassy:XX)"
        )));
    }
    Ok(())
}

/// Writes `letters/<id>/campaign.toml` and `letter.hbs`: staged in a hidden folder beside it,
/// then renamed into place, so the campaign appears complete or not at all.
pub fn write(root: &Path, id: &str, draft: &Draft, issued: Date) -> Result<Vec<PathBuf>> {
    let letters = root.join("letters");
    let dir = letters.join(id);
    if crate::files::taken(&dir) {
        return Err(Error::Usage(format!(
            "{} already exists: outcry new overwrites nothing (pick another name)",
            dir.display()
        ))
        .into());
    }
    crate::files::create_dir_all(&letters)?;
    let stage = tempfile::Builder::new()
        .prefix(&format!(".{id}."))
        .tempdir_in(&letters)
        .with_context(|| format!("cannot write in {}", letters.display()))?;
    let files = [
        ("campaign.toml", draft.campaign_toml(issued)),
        ("letter.hbs", LETTER.to_string()),
    ];
    for (name, text) in &files {
        let p = stage.path().join(name);
        std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?;
    }
    let staged = stage.keep();
    std::fs::rename(&staged, &dir).with_context(|| {
        let _ = std::fs::remove_dir_all(&staged);
        format!("cannot create {}", dir.display())
    })?;
    Ok(files.iter().map(|(n, _)| dir.join(n)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn campaign_toml_quotes_what_people_type() {
        let d = Draft {
            title: "Free \"them\" \\ now".into(),
            demands: vec!["Release them.".into(), "Ünïcode, and a \"quote\"".into()],
            to: vec!["mfa-kz".into(), "embassy:KZ".into()],
            copies: Copies::Cc,
            ..Draft::default()
        };
        let text = d.campaign_toml(Date::constant(2026, 11, 22));
        let parsed: toml::Table = toml::from_str(&text).expect("valid TOML");
        assert_eq!(parsed["title"].as_str(), Some("Free \"them\" \\ now"));
        assert_eq!(
            parsed["demands"].as_array().expect("array")[1].as_str(),
            Some("Ünïcode, and a \"quote\"")
        );
        assert!(!parsed.contains_key("cc"));
    }
}

//! A campaign: `letters/<id>/campaign.toml` and its templates, as loaded and checked.

use std::path::PathBuf;

use jiff::civil::Date;
use serde::Deserialize;
use toml::Spanned;

use crate::diag::{Diagnostic, Diagnostics, Origin};
use crate::fields::{self, Country};
use crate::source::Source;

/// How coordinators get their copy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Copies {
    /// In the Cc of every e-mail letter.
    #[default]
    Cc,
    /// In the Bcc of every e-mail letter.
    Bcc,
    /// In a separate copy message, so the authorities never see their addresses.
    Separate,
}

/// One letter per authority, or one letter to all of them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Addressing {
    #[default]
    Each,
    Joint,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawCampaign {
    title: Spanned<String>,
    subject: Spanned<String>,
    issued: Spanned<DateValue>,
    deadline: Option<Spanned<DateValue>>,
    summary: Option<Spanned<String>>,
    demands: Spanned<Vec<Spanned<String>>>,
    to: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    cc: Vec<Spanned<String>>,
    #[serde(default)]
    copies: Copies,
    #[serde(default)]
    addressing: Addressing,
    /// Organisations and people who co-sign a joint letter.
    #[serde(default)]
    signatories: Vec<Spanned<String>>,
    /// The campaign's own language (BCP 47 primary tag), `en` unless said.
    language: Option<Spanned<String>>,
    /// A translated letter ends with the text in the campaign's own language.
    #[serde(default)]
    bilingual: bool,
    /// `[translations.<lang>]`: the campaign's words in another language.
    #[serde(default)]
    translations: std::collections::BTreeMap<String, Spanned<RawTranslation>>,
}

#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a [translations.<lang>] table: subject, demands, and optionally title, summary, checked"
)]
struct RawTranslation {
    title: Option<Spanned<String>>,
    subject: Spanned<String>,
    summary: Option<Spanned<String>>,
    demands: Spanned<Vec<Spanned<String>>>,
    /// Checked by a native speaker.
    #[serde(default)]
    checked: bool,
}

/// The most demands a campaign lists: appeals list a handful, and every letter carries them.
pub const MAX_DEMANDS: usize = 100;
/// The most authorities a joint letter names: each copy of it lists them all (and servers take
/// at most about 100 recipients a message).
pub const MAX_JOINT: usize = 100;

/// The demands (at least one, at most [`MAX_DEMANDS`]), the signatories, and the targets of
/// a joint letter (at most [`MAX_JOINT`]).
fn check_lists(src: &Source, raw: &RawCampaign, diags: &mut Diagnostics) {
    let demands = raw.demands.get_ref().len();
    if demands == 0 {
        diags.error(
            src.at(&raw.demands.span()),
            "demands is empty: list at least one demand",
        );
    } else if demands > MAX_DEMANDS {
        diags.error(
            src.at(&raw.demands.span()),
            format!("{demands} demands: a campaign lists at most {MAX_DEMANDS}"),
        );
    }
    let targets = raw.to.get_ref().len();
    if raw.addressing == Addressing::Joint && targets > MAX_JOINT {
        diags.error(
            src.at(&raw.to.span()),
            format!("{targets} targets for a joint letter, which names them all: at most {MAX_JOINT} (or write to each with addressing = \"each\")"),
        );
    }
    for d in raw.demands.get_ref() {
        if let Err(e) = fields::check_text("demand", d.get_ref()) {
            diags.error(src.at(&d.span()), e);
        }
    }
    for s in &raw.signatories {
        if let Err(e) = fields::check_line("signatory", s.get_ref()) {
            diags.error(src.at(&s.span()), e);
        }
    }
}

/// A date as written: a TOML date (`2011-05-02`) or the same in quotes.
#[derive(Debug, Deserialize)]
#[serde(untagged, expecting = "a date such as 2011-05-02")]
enum DateValue {
    Toml(toml::value::Datetime),
    Text(String),
}

/// A target as the campaign names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TargetRef {
    /// A `[contacts.<id>]` entry.
    Contact(String),
    /// `embassy:XX`: the embassy of state XX in the sender's country.
    Embassy(Country),
}

impl TargetRef {
    /// How the campaign writes it (`knb-press`, `embassy:KZ`).
    pub fn key(&self) -> String {
        match self {
            TargetRef::Contact(id) => id.clone(),
            TargetRef::Embassy(c) => format!("embassy:{}", c.code()),
        }
    }
}

/// A template file of the campaign, or a body of text from campaign.toml.
#[derive(Debug, Clone)]
pub struct Template {
    pub source: Source,
    /// The line in its file where the template text starts (1 for a whole file).
    pub first_line: usize,
}

/// The campaign's words and letter in another language: `[translations.<lang>]` in
/// campaign.toml and `letter.<lang>.hbs` (with `<layout>.<lang>.hbs` where it has them).
#[derive(Debug, Clone)]
pub struct Translation {
    /// BCP 47 primary tag: `ru`, `kk`, `de`.
    pub language: String,
    pub title: Option<String>,
    pub summary: Option<String>,
    pub demands: Vec<String>,
    /// Checked by a native speaker (`checked = true`).
    pub checked: bool,
    /// The letter, subject and the layouts it brings itself (the others fall back).
    pub templates: Templates,
    /// Where the `[translations.<lang>]` table is, its subject and its demands.
    pub origin: Origin,
    pub subject_origin: Origin,
    pub demands_origin: Origin,
}

/// The templates a campaign brings. Channel layouts fall back to outcry's own.
#[derive(Debug, Clone)]
pub struct Templates {
    pub letter: Template,
    pub subject: Template,
    /// Optional overrides: `fax.hbs`, `post.hbs`, `web.hbs`, `call.hbs`, `copy.hbs`.
    pub layouts: Vec<(String, Template)>,
}

#[derive(Debug, Clone)]
pub struct Campaign {
    pub id: String,
    pub dir: PathBuf,
    pub title: String,
    pub issued: Date,
    pub deadline: Option<(Date, Origin)>,
    pub summary: Option<String>,
    pub demands: Vec<String>,
    pub to: Vec<(TargetRef, Origin)>,
    pub cc: Vec<(String, Origin)>,
    pub copies: Copies,
    pub addressing: Addressing,
    /// Who co-signs (a joint letter's list of organisations and people); `--signatories`
    /// replaces it.
    pub signatories: Vec<String>,
    pub templates: Templates,
    /// Where `subject` is written, for messages about the rendered subject.
    pub subject_origin: Origin,
    /// The language of this campaign's words and letter (BCP 47 primary tag, `en` unless
    /// said); in a translated view ([`Campaign::in_language`]), the translation's.
    pub language: String,
    /// The campaign's own language, whatever view this is.
    pub main_language: String,
    /// A translated letter ends with the text in the campaign's own language.
    pub bilingual: bool,
    /// The translations, by language.
    pub translations: Vec<Translation>,
}

impl Campaign {
    /// The deadline and where it is set, when it is before `today`.
    pub fn past_deadline(&self, today: Date) -> Option<&(Date, Origin)> {
        self.deadline.as_ref().filter(|(d, _)| *d < today)
    }

    /// The translation into `language`, if the campaign has one.
    pub fn translation(&self, language: &str) -> Option<&Translation> {
        self.translations.iter().find(|t| t.language == language)
    }

    /// Whether letters can be written in `language`: the campaign's own or a translation's.
    pub fn speaks(&self, language: &str) -> bool {
        self.main_language == language || self.translation(language).is_some()
    }

    /// The campaign as its letters in `language` see it: the translation's title, subject,
    /// summary, demands and letter, its own layouts over the campaign's (but for the
    /// coordinators' copy, which stays in the campaign's language). The campaign itself for
    /// its own language or one it has no translation into.
    #[must_use]
    pub fn in_language(&self, language: &str) -> Campaign {
        let Some(t) = self.translation(language) else {
            return self.clone();
        };
        // Each layout: the translation's own, else the campaign's; the copy the campaign's.
        let own = |ts: &Templates, name: &str| {
            ts.layouts
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, x)| x.clone())
        };
        let layouts = LAYOUTS
            .iter()
            .filter_map(|&name| {
                let tr = (name != "copy").then(|| own(&t.templates, name)).flatten();
                tr.or_else(|| own(&self.templates, name))
                    .map(|x| (name.to_string(), x))
            })
            .collect();
        Campaign {
            title: t.title.clone().unwrap_or_else(|| self.title.clone()),
            summary: t.summary.clone().or_else(|| self.summary.clone()),
            demands: t.demands.clone(),
            templates: Templates {
                letter: t.templates.letter.clone(),
                subject: t.templates.subject.clone(),
                layouts,
            },
            subject_origin: t.subject_origin.clone(),
            language: t.language.clone(),
            ..self.clone()
        }
    }
}

/// A language as a tag: its BCP 47 primary subtag, lower case (`ru` of `ru-KZ` or `RU`), if it
/// is one (two or three ASCII letters).
pub fn language_tag(raw: &str) -> Option<String> {
    let primary = raw.trim().split(['-', '_']).next().unwrap_or_default();
    ((2..=3).contains(&primary.len()) && primary.chars().all(|c| c.is_ascii_alphabetic()))
        .then(|| primary.to_ascii_lowercase())
}

/// The error for a language that is not a tag.
pub fn not_a_tag(raw: &str) -> String {
    format!(
        "language {raw:?} is not a language tag: write its BCP 47 code, such as \"en\", \"ru\", \"kk\" or \"de\""
    )
}

/// The file names a campaign may use to override a channel layout.
pub const LAYOUTS: [&str; 5] = ["fax", "post", "web", "call", "copy"];

impl Campaign {
    /// Checks a parsed `campaign.toml`. `read` loads a template file beside it (None if absent);
    /// `names` are the names of the files beside it (for translated letters without a
    /// translation).
    pub fn parse(
        id: &str,
        dir: PathBuf,
        src: &Source,
        read: &dyn Fn(&str) -> Result<Option<Source>, Diagnostic>,
        names: &[String],
        diags: &mut Diagnostics,
    ) -> Option<Campaign> {
        let raw: RawCampaign = match src.parse_toml() {
            Ok(r) => r,
            Err(d) => {
                diags.error(d.origin, d.message);
                return None;
            }
        };
        let before = diags.errors().count();
        let mut line = |what: &str, v: &Spanned<String>| {
            if let Err(e) = fields::check_line(what, v.get_ref()) {
                diags.error(src.at(&v.span()), e);
            }
        };
        line("title", &raw.title);
        line("subject", &raw.subject);
        let issued = date(src, &raw.issued, "issued", diags);
        let deadline = raw
            .deadline
            .as_ref()
            .and_then(|d| date(src, d, "deadline", diags).map(|v| (v, src.at(&d.span()))));
        if let Some(s) = &raw.summary
            && let Err(e) = fields::check_text("summary", s.get_ref())
        {
            diags.error(src.at(&s.span()), e);
        }
        check_lists(src, &raw, diags);
        let to = targets(src, &raw.to, diags);
        let cc = coordinators(src, &raw.cc, diags);
        let templates = load_templates(src, &raw.subject, &dir, read, "", diags);
        let main_language = match &raw.language {
            Some(l) => language_tag(l.get_ref()).unwrap_or_else(|| {
                diags.error(src.at(&l.span()), not_a_tag(l.get_ref()));
                String::new()
            }),
            None => "en".to_string(),
        };
        let translations = translations(src, &raw, &main_language, &dir, read, names, diags);
        if diags.errors().count() > before {
            return None;
        }
        Some(Campaign {
            id: id.to_string(),
            dir,
            title: raw.title.into_inner().trim().to_string(),
            issued: issued?,
            deadline,
            summary: raw.summary.map(|s| s.into_inner().trim().to_string()),
            demands: raw
                .demands
                .into_inner()
                .into_iter()
                .map(|d| d.into_inner().trim().to_string())
                .collect(),
            to,
            cc,
            copies: raw.copies,
            addressing: raw.addressing,
            signatories: raw
                .signatories
                .into_iter()
                .map(|s| s.into_inner().trim().to_string())
                .collect(),
            templates: templates?,
            subject_origin: src.at(&raw.subject.span()),
            language: main_language.clone(),
            main_language,
            bilingual: raw.bilingual,
            translations,
        })
    }
}

/// The `[translations.<lang>]` tables, each with its `letter.<lang>.hbs` (and its layouts),
/// checked: a language tag other than the campaign's own, as many demands as the campaign, and
/// a letter; and no `letter.<lang>.hbs` without its table.
fn translations(
    src: &Source,
    raw: &RawCampaign,
    main: &str,
    dir: &std::path::Path,
    read: &dyn Fn(&str) -> Result<Option<Source>, Diagnostic>,
    names: &[String],
    diags: &mut Diagnostics,
) -> Vec<Translation> {
    let mut out = Vec::new();
    for (key, table) in &raw.translations {
        let origin = src.at(&table.span());
        let t = table.get_ref();
        let Some(language) = language_tag(key).filter(|l| l == key) else {
            diags.error(origin, format!("[translations.{key}]: {}", not_a_tag(key)));
            continue;
        };
        if language == main {
            diags.error(origin, format!("[translations.{key}] is the campaign's own language (language = \"{main}\"): its words are the campaign's own keys"));
            continue;
        }
        let before = diags.errors().count();
        let mut line = |what: &str, v: &Spanned<String>| {
            if let Err(e) = fields::check_line(what, v.get_ref()) {
                diags.error(src.at(&v.span()), e);
            }
        };
        if let Some(title) = &t.title {
            line("title", title);
        }
        line("subject", &t.subject);
        if let Some(s) = &t.summary
            && let Err(e) = fields::check_text("summary", s.get_ref())
        {
            diags.error(src.at(&s.span()), e);
        }
        for d in t.demands.get_ref() {
            if let Err(e) = fields::check_text("demand", d.get_ref()) {
                diags.error(src.at(&d.span()), e);
            }
        }
        let (theirs, ours) = (t.demands.get_ref().len(), raw.demands.get_ref().len());
        if theirs != ours {
            diags.error(
                src.at(&t.demands.span()),
                format!("[translations.{key}] lists {theirs} demands and the campaign {ours}: a translation has the same demands, in the same order"),
            );
        }
        let templates = load_templates(src, &t.subject, dir, read, &language, diags);
        if diags.errors().count() > before {
            continue;
        }
        let Some(templates) = templates else { continue };
        out.push(Translation {
            title: t.title.as_ref().map(|v| v.get_ref().trim().to_string()),
            summary: t.summary.as_ref().map(|v| v.get_ref().trim().to_string()),
            demands: t
                .demands
                .get_ref()
                .iter()
                .map(|d| d.get_ref().trim().to_string())
                .collect(),
            checked: t.checked,
            templates,
            origin,
            subject_origin: src.at(&t.subject.span()),
            demands_origin: src.at(&t.demands.span()),
            language,
        });
    }
    // A translated letter needs its table: without it, nothing says what its words are.
    for name in names {
        if let Some(lang) = name
            .strip_prefix("letter.")
            .and_then(|n| n.strip_suffix(".hbs"))
            .filter(|l| !raw.translations.contains_key(*l))
        {
            diags.error(
                Origin::file(dir.join(name)),
                format!("{name} has no [translations.{lang}] in campaign.toml: add one with the subject and demands in that language"),
            );
        }
    }
    out
}

/// The targets as the campaign names them (`to`): at least one, each a contact id or
/// `embassy:XX`, a repeated one left out with a warning.
fn targets(
    src: &Source,
    raw: &Spanned<Vec<Spanned<String>>>,
    diags: &mut Diagnostics,
) -> Vec<(TargetRef, Origin)> {
    if raw.get_ref().is_empty() {
        diags.error(
            src.at(&raw.span()),
            "to is empty: name at least one authority",
        );
    }
    let mut to = Vec::new();
    for t in raw.get_ref() {
        let origin = src.at(&t.span());
        let target = match t.get_ref().strip_prefix("embassy:") {
            Some(code) => code
                .parse::<Country>()
                .map(TargetRef::Embassy)
                .map_err(|e| format!("target {:?}: {e}", t.get_ref())),
            None => fields::check_id(t.get_ref())
                .map(|()| TargetRef::Contact(t.get_ref().clone()))
                .map_err(|e| format!("target {e}")),
        };
        match target {
            Ok(target) if to.iter().any(|(x, _)| *x == target) => {
                diags.warning(
                    origin,
                    format!(
                        "target {:?} is listed twice; it gets one letter",
                        t.get_ref()
                    ),
                );
            }
            Ok(target) => to.push((target, origin)),
            Err(e) => diags.error(origin, e),
        }
    }
    to
}

/// The coordinators' contact ids (`cc`), each checked.
fn coordinators(
    src: &Source,
    raw: &[Spanned<String>],
    diags: &mut Diagnostics,
) -> Vec<(String, Origin)> {
    let mut cc = Vec::new();
    for c in raw {
        let origin = src.at(&c.span());
        match fields::check_id(c.get_ref()) {
            Ok(()) => cc.push((c.get_ref().clone(), origin)),
            Err(e) => diags.error(origin, format!("cc {e}")),
        }
    }
    cc
}

/// The letter (required), the subject and the layouts the campaign brings, in `language`
/// (`letter.<lang>.hbs`, `fax.<lang>.hbs`, ...) or for `""` its own (`letter.hbs`, ...).
fn load_templates(
    src: &Source,
    subject: &Spanned<String>,
    dir: &std::path::Path,
    read: &dyn Fn(&str) -> Result<Option<Source>, Diagnostic>,
    language: &str,
    diags: &mut Diagnostics,
) -> Option<Templates> {
    let file = |name: &str| {
        if language.is_empty() {
            format!("{name}.hbs")
        } else {
            format!("{name}.{language}.hbs")
        }
    };
    let subject = Template {
        source: Source::new(&src.path, subject.get_ref().clone()),
        first_line: src.line_of(subject.span().start),
    };
    let letter = match read(&file("letter")) {
        Ok(Some(s)) => Some(Template {
            source: s,
            first_line: 1,
        }),
        Ok(None) if language.is_empty() => {
            diags.error(
                Origin::file(dir.join("letter.hbs")),
                "missing: every campaign needs a letter.hbs template",
            );
            None
        }
        Ok(None) => {
            diags.error(
                Origin::at(&src.path, subject.first_line),
                format!(
                    "[translations.{language}] has no {}: write the letter in that language beside letter.hbs",
                    dir.join(file("letter")).display()
                ),
            );
            None
        }
        Err(e) => {
            diags.error(e.origin, e.message);
            None
        }
    };
    let mut layouts = Vec::new();
    for name in LAYOUTS {
        match read(&file(name)) {
            Ok(Some(s)) => layouts.push((
                name.to_string(),
                Template {
                    source: s,
                    first_line: 1,
                },
            )),
            Ok(None) => {}
            Err(e) => diags.error(e.origin, e.message),
        }
    }
    Some(Templates {
        letter: letter?,
        subject,
        layouts,
    })
}

fn date(src: &Source, v: &Spanned<DateValue>, key: &str, diags: &mut Diagnostics) -> Option<Date> {
    let parsed = match v.get_ref() {
        DateValue::Toml(dt) => match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => Date::new(
                i16::try_from(d.year).unwrap_or(i16::MAX),
                i8::try_from(d.month).unwrap_or(0),
                i8::try_from(d.day).unwrap_or(0),
            )
            .ok(),
            _ => None,
        },
        DateValue::Text(t) => t.trim().parse::<Date>().ok(),
    };
    if parsed.is_none() {
        diags.error(
            src.at(&v.span()),
            format!("{key} must be a date such as 2011-05-02 (no time)"),
        );
    }
    parsed
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The campaign `x` whose `letters/x/campaign.toml` is `text` (its letter.hbs "Hello"),
    /// and the problems found, as printed. Other modules' tests build campaigns with it.
    pub(crate) fn parse(text: &str) -> (Option<Campaign>, Vec<String>) {
        let mut d = Diagnostics::default();
        let src = Source::new("letters/x/campaign.toml", text.into());
        let read = |name: &str| -> Result<Option<Source>, Diagnostic> {
            Ok((name == "letter.hbs")
                .then(|| Source::new(format!("letters/x/{name}"), "Hello".into())))
        };
        let c = Campaign::parse("x", "letters/x".into(), &src, &read, &[], &mut d);
        (c, d.sorted().iter().map(ToString::to_string).collect())
    }

    const GOOD: &str = "title = \"T\"\nsubject = \"S {{campaign.title}}\"\nissued = 2011-05-02\ndemands = [\"One\", \"Two\"]\nto = [\"knb\", \"embassy:KZ\"]\ncc = [\"robert\"]\ncopies = \"separate\"\n";

    #[test]
    fn a_good_campaign_loads() {
        let (c, d) = parse(GOOD);
        assert!(d.is_empty(), "{d:?}");
        let c = c.unwrap();
        assert_eq!(c.demands, ["One", "Two"]);
        assert_eq!(c.to[1].0.key(), "embassy:KZ");
        assert_eq!(c.copies, Copies::Separate);
        assert_eq!(c.templates.subject.first_line, 2);
    }

    #[test]
    fn problems_are_located() {
        let (c, d) = parse(
            "title = \"T\"\nsubject = \"S\\r\\nBcc: x@y\"\nissued = \"2011-05-02\"\ndemands = [\"a\"]\nto = [\"x\"]\n",
        );
        assert!(c.is_none());
        assert_eq!(
            d,
            [
                "letters/x/campaign.toml:2: a control character (carriage return) is not allowed here: it can hide or change text on a terminal (tab and newline are the only ones allowed)"
            ]
        );
        let (_, d) = parse(
            "title = \"T\"\nsubject = \"S\"\nissued = 2011-05-02T10:00:00\ndemands = []\nto = [\"embassy:xx\"]\n",
        );
        assert_eq!(
            d,
            [
                "letters/x/campaign.toml:3: issued must be a date such as 2011-05-02 (no time)",
                "letters/x/campaign.toml:4: demands is empty: list at least one demand",
                "letters/x/campaign.toml:5: target \"embassy:xx\": unknown country \"xx\": use an ISO 3166-1 alpha-2 code, such as KZ, GB or DE",
            ]
        );
    }

    #[test]
    fn unknown_keys_are_errors() {
        let (_, d) = parse(&GOOD.replace("demands", "demandz"));
        assert!(
            d[0].starts_with("letters/x/campaign.toml:4: unknown field `demandz`, expected one of"),
            "{d:?}"
        );
    }

    /// Found by `props_campaign_parse`: serde quotes an unknown variant (or key) as written,
    /// so a line break in it broke the message in two on the terminal.
    #[test]
    fn props_found_a_line_break_in_a_value_stays_on_its_line() {
        let (_, d) = parse(&format!("{GOOD}addressing = \"a\\nb\"\n"));
        assert_eq!(
            d,
            ["letters/x/campaign.toml:8: unknown variant `a\\nb`, expected `each` or `joint`"]
        );
    }

    mod props {
        use std::path::Path;

        use proptest::prelude::*;

        use super::*;
        use crate::testgen;

        /// A campaign folder: campaign.toml and (some of) its templates, any of which may be
        /// bytes that are not text.
        fn folder() -> impl Strategy<Value = (Vec<u8>, Vec<(String, Vec<u8>)>)> {
            let toml = testgen::or_bytes(testgen::campaign_toml(testgen::template(&[])));
            let template = testgen::or_bytes(testgen::template(testgen::PARTIALS));
            let file = (
                proptest::sample::select(&["letter.hbs", "fax.hbs", "post.hbs", "copy.hbs"][..]),
                template,
            )
                .prop_map(|(n, t)| (n.to_string(), t));
            (toml, proptest::collection::vec(file, 0..3))
        }

        proptest! {
            #![proptest_config(testgen::config(1000))]

            /// Whatever campaign.toml and its templates hold, parsing never panics and every
            /// problem names its file and line.
            #[test]
            fn props_campaign_parse((toml, templates) in folder()) {
                let path = Path::new("letters/x/campaign.toml");
                let Ok(src) = Source::from_bytes(path, &toml) else {
                    return Ok(()); // see diag::props_source_from_bytes
                };
                let sources: Vec<(std::path::PathBuf, Result<Source, Diagnostic>)> = templates
                    .iter()
                    .map(|(n, b)| {
                        let p = Path::new("letters/x").join(n);
                        let s = Source::from_bytes(&p, b);
                        (p, s)
                    })
                    .collect();
                let read = |name: &str| -> Result<Option<Source>, Diagnostic> {
                    let p = Path::new("letters/x").join(name);
                    sources.iter().find(|(q, _)| *q == p).map(|(_, s)| s.clone()).transpose()
                };
                let mut d = Diagnostics::default();
                let c = Campaign::parse("x", "letters/x".into(), &src, &read, &[], &mut d);
                let lossy: Vec<(std::path::PathBuf, String)> = templates
                    .iter()
                    .map(|(n, b)| (Path::new("letters/x").join(n), String::from_utf8_lossy(b).into_owned()))
                    .collect();
                let letter = Path::new("letters/x/letter.hbs");
                // The templates first: a letter.hbs that is there has lines.
                let mut files: Vec<(&Path, Option<&str>)> =
                    lossy.iter().map(|(p, t)| (p.as_path(), Some(t.as_str()))).collect();
                files.extend([(path, Some(src.text.as_str())), (letter, None)]);
                for e in d.iter() {
                    e.located(&files).map_err(TestCaseError::fail)?;
                }
                prop_assert_eq!(c.is_some(), !d.has_errors(), "{:?}", d);
            }
        }
    }
}

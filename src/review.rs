//! The review: what `compose` prints on stdout, as text for people or JSON for scripts.

use std::fmt::Write as _;

use serde::Serialize;

use std::collections::BTreeSet;

use crate::campaign::{Campaign, Copies};
use crate::config::FromWorkspace;
use crate::fields::Phone;
use crate::letter::{Addressee, Channel, Kind, Letter};
use crate::output::json_line;
use crate::plan::Unresolved;

/// How many letters go by each channel.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct Summary {
    pub letters: usize,
    pub email: usize,
    pub fax: usize,
    pub web: usize,
    pub post: usize,
    pub calls: usize,
    pub copies: usize,
    pub unresolved: usize,
}

pub fn summary(letters: &[Letter], unresolved: &[Unresolved]) -> Summary {
    let mut s = Summary {
        letters: letters.len(),
        unresolved: unresolved.len(),
        ..Summary::default()
    };
    for l in letters {
        match (l.kind, l.channel) {
            (Kind::Copy, _) => s.copies += 1,
            (Kind::Letter, Channel::Email) => s.email += 1,
            (Kind::Letter, Channel::Fax) => s.fax += 1,
            (Kind::Letter, Channel::Web) => s.web += 1,
            (Kind::Letter, Channel::Post) => s.post += 1,
            (Kind::Letter, Channel::Phone) => s.calls += 1,
        }
    }
    s
}

/// The review for people: every letter, then the plan, and the sender's values a file of
/// the workspace gives (`from_workspace`), used or overridden.
pub fn text(
    campaign: &Campaign,
    letters: &[Letter],
    unresolved: &[Unresolved],
    from_workspace: &[FromWorkspace],
) -> String {
    let mut out = String::new();
    let n = letters.len();
    let _ = writeln!(out, "{} ({})", campaign.title, campaign.id);
    let _ = writeln!(
        out,
        "{}, {}",
        crate::output::count(campaign.demands.len(), "demand", "demands"),
        crate::output::count(n, "letter", "letters")
    );
    for (i, l) in letters.iter().enumerate() {
        out.push('\n');
        out.push_str(&letter(l, i, n));
    }
    let _ = writeln!(out, "\n=== plan ===");
    plan(&mut out, campaign, letters, unresolved);
    sender_sources(&mut out, from_workspace);
    out
}

/// Where the sender's values that a file of the workspace gives come from: `organisation
/// "Branch" from outcry.toml:4 (the workspace's)`, or the writer's own over the workspace's.
fn sender_sources(out: &mut String, from_workspace: &[FromWorkspace]) {
    let mut label = "sender";
    for f in from_workspace {
        let value = |v: &str| {
            if f.field == "country" {
                v.to_string()
            } else {
                format!("{v:?}")
            }
        };
        let line = if f.used {
            format!(
                "{} {} from {} (the workspace's)",
                f.field,
                value(&f.value),
                f.origin
            )
        } else {
            format!(
                "{} {} from {}, over {} in {}",
                f.field,
                value(&f.value),
                f.origin,
                value(&f.workspace),
                f.workspace_origin
            )
        };
        let _ = writeln!(out, "{label:<11}{line}");
        label = "";
    }
}

/// One letter as the review shows it: a heading (`=== 1/6 e-mail: knb-press ===`), the
/// envelope, and the body.
pub fn letter(l: &Letter, i: usize, n: usize) -> String {
    let mut out = format!("=== {}", i + 1);
    letter_after_number(&mut out, l, n);
    out
}

/// One letter as the review shows it from just after its number (`/6 e-mail: knb-press ===`,
/// the envelope, the body), for a writer that numbers the letters as it prints them.
pub fn letter_after_number(out: &mut String, l: &Letter, n: usize) {
    let _ = writeln!(out, "/{n} {}: {} ===", what(l), l.id);
    envelope(out, l);
    out.push('\n');
    out.push_str(&l.body);
}

/// What kind of letter it is, in a word or three.
pub fn what(l: &Letter) -> &'static str {
    match l.kind {
        Kind::Copy => "copy for the coordinators",
        Kind::Letter => l.channel.label(),
    }
}

/// The lines above a letter's body: From/To/Cc/Bcc, or where the fax, post or call goes.
fn envelope(out: &mut String, l: &Letter) {
    let list = |v: &[Addressee]| {
        v.iter()
            .map(|a| format!("{} <{}>", a.name, a.address))
            .collect::<Vec<_>>()
            .join(",\n         ")
    };
    if l.channel == Channel::Email {
        let _ = writeln!(out, "From:    {} <{}>", l.from.name, l.from.email);
        let _ = writeln!(out, "To:      {}", list(&l.to));
        if !l.cc.is_empty() {
            let _ = writeln!(out, "Cc:      {}", list(&l.cc));
        }
        if !l.bcc.is_empty() {
            let _ = writeln!(out, "Bcc:     {}", list(&l.bcc));
        }
        if let Some(pdf) = l.attachment_name() {
            let _ = writeln!(out, "PDF:     {pdf}, attached");
        }
    }
    for a in l.to.iter().filter(|_| l.channel != Channel::Email) {
        let (label, addr) = match l.channel {
            Channel::Post => ("Post:", a.address.lines().collect::<Vec<_>>().join(", ")),
            Channel::Web => ("Form:", a.address.clone()),
            // Numbers are stored in E.164; people read them grouped.
            ch => (
                if ch == Channel::Fax { "Fax:" } else { "Phone:" },
                Phone::parse(&a.address, None)
                    .map_or_else(|_| a.address.clone(), |p| p.international),
            ),
        };
        let _ = writeln!(out, "To:      {}", a.name);
        let _ = writeln!(out, "{label:<9}{addr}");
    }
    for alt in &l.alternatives {
        let _ = writeln!(out, "Also:    {alt}");
    }
    if let Some(pdf) = l.pdf_name() {
        let _ = writeln!(out, "Files:   {}, {pdf} (--out)", l.file_name());
    }
    if l.language != "en" {
        let _ = writeln!(out, "Language: {}", language_shown(&l.language));
    }
    if l.channel != Channel::Phone {
        let _ = writeln!(out, "Subject: {}", l.subject);
    }
}

/// A language as people read it: `Russian (ru)`.
fn language_shown(tag: &str) -> String {
    match crate::locale::language_name(tag) {
        Some(name) => format!("{name} ({tag})"),
        None => tag.to_string(),
    }
}

/// The letters by language (not the copies, which follow their letter's), for a campaign
/// with translations: `en 1 (embassy-kz-gb), ru 4 (knb-press, ...)`.
fn languages(out: &mut String, campaign: &Campaign, letters: &[Letter]) {
    if campaign.translations.is_empty() {
        return;
    }
    let mut by: std::collections::BTreeMap<&str, Vec<&str>> = std::collections::BTreeMap::new();
    for l in letters.iter().filter(|l| l.kind == Kind::Letter) {
        by.entry(l.language.as_str())
            .or_default()
            .push(l.id.as_str());
    }
    let mut label = "languages";
    for (tag, ids) in by {
        let _ = writeln!(
            out,
            "{label:<11}{} {}  ({})",
            language_shown(tag),
            ids.len(),
            ids.join(", ")
        );
        label = "";
    }
    for t in campaign.translations.iter().filter(|t| !t.checked) {
        let _ = writeln!(
            out,
            "{:<11}the {} translation is not checked by a native speaker yet (checked = false in {})",
            "",
            language_shown(&t.language),
            t.origin
        );
    }
}

/// The plan: letters by channel, copies, unresolved targets.
fn plan(out: &mut String, campaign: &Campaign, letters: &[Letter], unresolved: &[Unresolved]) {
    let s = summary(letters, unresolved);
    let ids = |pred: &dyn Fn(&Letter) -> bool| {
        let v: Vec<&str> = letters
            .iter()
            .filter(|l| pred(l))
            .map(|l| l.id.as_str())
            .collect();
        if v.is_empty() {
            String::new()
        } else {
            format!("  ({})", v.join(", "))
        }
    };
    for (label, count, ch) in [
        ("e-mail", s.email, Channel::Email),
        ("fax", s.fax, Channel::Fax),
        ("web form", s.web, Channel::Web),
        ("post", s.post, Channel::Post),
        ("calls", s.calls, Channel::Phone),
    ] {
        let _ = writeln!(
            out,
            "{label:<11}{count}{}",
            ids(&|l: &Letter| l.kind == Kind::Letter && l.channel == ch)
        );
    }
    languages(out, campaign, letters);
    let copied: BTreeSet<&str> = letters
        .iter()
        .flat_map(|l| l.cc.iter().chain(&l.bcc))
        .map(|a| a.id.as_str())
        .collect();
    let how = if campaign.copies == Copies::Bcc {
        "Bcc"
    } else {
        "Cc"
    };
    let list: Vec<&str> = copied.into_iter().collect();
    let in_cc = format!("{} in the {how} of every e-mail letter", list.join(", "));
    if s.copies > 0 {
        let _ = writeln!(
            out,
            "{:<11}{}{}",
            "copies",
            s.copies,
            ids(&|l: &Letter| l.kind == Kind::Copy)
        );
        if !list.is_empty() {
            let _ = writeln!(out, "  and {in_cc}");
        }
    } else if !list.is_empty() {
        let _ = writeln!(
            out,
            "{:<11}{} (in the {how} of every e-mail letter)",
            "copies",
            list.join(", ")
        );
    }
    let calls: Vec<&str> = letters
        .iter()
        .filter(|l| l.channel == Channel::Phone)
        .map(|l| l.id.as_str())
        .collect();
    if !campaign.cc.is_empty() && !calls.is_empty() {
        let _ = writeln!(
            out,
            "  no copy of a call ({}): record how it went with `outcry call {}`; `outcry report {} --send` tells the coordinators",
            calls.join(", "),
            campaign.id,
            campaign.id
        );
    }
    if unresolved.is_empty() {
        let _ = writeln!(out, "{:<11}none", "unresolved");
    } else {
        let _ = writeln!(out, "{:<11}{}", "unresolved", unresolved.len());
        for u in unresolved {
            let _ = writeln!(out, "  {}", u.reason);
        }
    }
}

/// The `campaign` line that opens a campaign's output.
pub fn json_campaign(campaign: &Campaign, date: jiff::civil::Date) -> String {
    #[derive(Serialize)]
    struct JsonCampaign<'a> {
        campaign: &'a str,
        title: &'a str,
        issued: String,
        deadline: Option<String>,
        demands: &'a [String],
        copies: crate::campaign::Copies,
        addressing: crate::campaign::Addressing,
        signatories: &'a [String],
        date: String,
    }
    json_line(
        "campaign",
        &JsonCampaign {
            campaign: &campaign.id,
            title: &campaign.title,
            issued: campaign.issued.to_string(),
            deadline: campaign.deadline.as_ref().map(|(d, _)| d.to_string()),
            demands: &campaign.demands,
            copies: campaign.copies,
            addressing: campaign.addressing,
            signatories: &campaign.signatories,
            date: date.to_string(),
        },
    )
}

/// A `letter` line.
pub fn json_letter(campaign: &str, letter: &Letter) -> String {
    #[derive(Serialize)]
    struct JsonLetter<'a> {
        campaign: &'a str,
        #[serde(flatten)]
        letter: &'a Letter,
        /// The files `--out` writes for it: `<id>.eml`, or `<id>.<channel>.txt` and, for fax
        /// and post, the PDF.
        files: Vec<String>,
        /// The PDF an e-mail carries (a coordinators' copy of a fax or postal letter).
        #[serde(skip_serializing_if = "Option::is_none")]
        attachment: Option<String>,
    }
    let files = std::iter::once(letter.file_name())
        .chain(letter.pdf_name())
        .collect();
    json_line(
        "letter",
        &JsonLetter {
            campaign,
            letter,
            files,
            attachment: letter.attachment_name(),
        },
    )
}

/// An `unresolved` line: a target no letter reaches, and why.
pub fn json_unresolved(campaign: &str, u: &Unresolved) -> String {
    #[derive(Serialize)]
    struct JsonUnresolved<'a> {
        campaign: &'a str,
        #[serde(flatten)]
        unresolved: &'a Unresolved,
    }
    json_line(
        "unresolved",
        &JsonUnresolved {
            campaign,
            unresolved: u,
        },
    )
}

/// The review for scripts: JSON Lines (schema [`crate::output::JSON_SCHEMA`]): a `campaign` line, a
/// `letter` line per letter, an `unresolved` line per target reached by none, a `summary`
/// (with `sender_from_workspace`: the sender's values a file of the workspace gives).
pub fn json(
    campaign: &Campaign,
    date: jiff::civil::Date,
    letters: &[Letter],
    unresolved: &[Unresolved],
    from_workspace: &[FromWorkspace],
) -> String {
    #[derive(Serialize)]
    struct JsonSummary<'a> {
        campaign: &'a str,
        #[serde(flatten)]
        summary: Summary,
        sender_from_workspace: &'a [FromWorkspace],
    }
    let mut out = json_campaign(campaign, date);
    for l in letters {
        out.push_str(&json_letter(&campaign.id, l));
    }
    for u in unresolved {
        out.push_str(&json_unresolved(&campaign.id, u));
    }
    out.push_str(&json_line(
        "summary",
        &JsonSummary {
            campaign: &campaign.id,
            summary: summary(letters, unresolved),
            sender_from_workspace: from_workspace,
        },
    ));
    out
}

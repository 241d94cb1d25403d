//! The review: what `compose` prints on stdout, as text for people or JSON for scripts.

use std::fmt::Write as _;

use serde::Serialize;

use crate::campaign::Campaign;
use crate::letter::{Channel, Kind, Letter};
use crate::plan::Unresolved;

/// The version of the JSON document `compose --format json` prints.
pub const JSON_SCHEMA: &str = "outcry.compose/1";

/// How many letters go by each channel.
#[derive(Debug, Default, Serialize, PartialEq, Eq)]
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

/// The review for people.
pub fn text(campaign: &Campaign, letters: &[Letter], unresolved: &[Unresolved]) -> String {
    let mut out = String::new();
    let n = letters.len();
    let _ = writeln!(out, "{} ({})", campaign.title, campaign.id);
    let _ = writeln!(out, "{} demands, {} letters", campaign.demands.len(), n);
    for (i, l) in letters.iter().enumerate() {
        let what = match l.kind {
            Kind::Copy => "copy for the coordinators".to_string(),
            Kind::Letter => l.channel.label().to_string(),
        };
        let _ = writeln!(out, "\n=== {}/{n} {what}: {} ===", i + 1, l.id);
        match l.channel {
            Channel::Email => {
                let _ = writeln!(out, "From:    {} <{}>", l.from.name, l.from.email);
                let list = |v: &[crate::letter::Addressee]| {
                    v.iter()
                        .map(|a| format!("{} <{}>", a.name, a.address))
                        .collect::<Vec<_>>()
                        .join(",\n         ")
                };
                let _ = writeln!(out, "To:      {}", list(&l.to));
                if !l.cc.is_empty() {
                    let _ = writeln!(out, "Cc:      {}", list(&l.cc));
                }
                if !l.bcc.is_empty() {
                    let _ = writeln!(out, "Bcc:     {}", list(&l.bcc));
                }
            }
            ch => {
                for a in &l.to {
                    let addr = match ch {
                        Channel::Post => a.address.lines().collect::<Vec<_>>().join(", "),
                        // Numbers are stored in E.164; people read them grouped.
                        Channel::Fax | Channel::Phone => {
                            crate::fields::Phone::parse(&a.address, None)
                                .map_or_else(|_| a.address.clone(), |p| p.international)
                        }
                        Channel::Email | Channel::Web => a.address.clone(),
                    };
                    let _ = writeln!(out, "To:      {}", a.name);
                    let label = match ch {
                        Channel::Fax => "Fax:",
                        Channel::Web => "Form:",
                        Channel::Post => "Post:",
                        Channel::Phone | Channel::Email => "Phone:",
                    };
                    let _ = writeln!(out, "{label:<9}{addr}");
                }
            }
        }
        for alt in &l.alternatives {
            let _ = writeln!(out, "Also:    {alt}");
        }
        if l.channel != Channel::Phone {
            let _ = writeln!(out, "Subject: {}", l.subject);
        }
        let _ = writeln!(out);
        out.push_str(&l.body);
    }
    let s = summary(letters, unresolved);
    let _ = writeln!(out, "\n=== plan ===");
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
    let row = |out: &mut String, label: &str, count: usize, ch: Channel| {
        let _ = writeln!(
            out,
            "{label:<11}{count}{}",
            ids(&|l: &Letter| l.kind == Kind::Letter && l.channel == ch)
        );
    };
    row(&mut out, "e-mail", s.email, Channel::Email);
    row(&mut out, "fax", s.fax, Channel::Fax);
    row(&mut out, "web form", s.web, Channel::Web);
    row(&mut out, "post", s.post, Channel::Post);
    row(&mut out, "calls", s.calls, Channel::Phone);
    let copied: Vec<String> = letters
        .iter()
        .flat_map(|l| l.cc.iter().chain(&l.bcc))
        .map(|a| a.id.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    if s.copies > 0 {
        let _ = writeln!(
            out,
            "{:<11}{}{}",
            "copies",
            s.copies,
            ids(&|l: &Letter| l.kind == Kind::Copy)
        );
    } else if !copied.is_empty() {
        let how = if campaign.copies == crate::campaign::Copies::Bcc {
            "Bcc"
        } else {
            "Cc"
        };
        let _ = writeln!(
            out,
            "{:<11}{} (in the {how} of every e-mail letter)",
            "copies",
            copied.join(", ")
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
    out
}

#[derive(Serialize)]
struct JsonCampaign<'a> {
    id: &'a str,
    title: &'a str,
    issued: String,
    deadline: Option<String>,
    demands: &'a [String],
    copies: crate::campaign::Copies,
    addressing: crate::campaign::Addressing,
}

#[derive(Serialize)]
struct JsonReview<'a> {
    schema: &'static str,
    campaign: JsonCampaign<'a>,
    date: String,
    letters: &'a [Letter],
    unresolved: &'a [Unresolved],
    summary: Summary,
}

/// The review for scripts: one JSON document (schema `outcry.compose/1`).
pub fn json(
    campaign: &Campaign,
    date: jiff::civil::Date,
    letters: &[Letter],
    unresolved: &[Unresolved],
) -> String {
    let doc = JsonReview {
        schema: JSON_SCHEMA,
        campaign: JsonCampaign {
            id: &campaign.id,
            title: &campaign.title,
            issued: campaign.issued.to_string(),
            deadline: campaign.deadline.as_ref().map(|(d, _)| d.to_string()),
            demands: &campaign.demands,
            copies: campaign.copies,
            addressing: campaign.addressing,
        },
        date: date.to_string(),
        letters,
        unresolved,
        summary: summary(letters, unresolved),
    };
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

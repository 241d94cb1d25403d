//! What a campaign's renderer compiles: the letter, the subject, the channel layouts (the
//! campaign's own or outcry's) and the shared partials they reach, each analysed once.

use std::path::PathBuf;

use crate::campaign::{Campaign, Template};
use crate::diag::{Diagnostics, Origin};
use crate::template;
use crate::workspace::Partial;

/// outcry's own channel layouts in other languages (translations to be checked by a native
/// speaker): used for a letter in that language where the campaign brings no layout of its
/// own. The coordinators' copy is not among them: it frames the letter for the coordinators.
const TRANSLATED: [(&str, &str, &str); 12] = [
    ("fax", "ru", include_str!("../layouts/fax.ru.hbs")),
    ("post", "ru", include_str!("../layouts/post.ru.hbs")),
    ("web", "ru", include_str!("../layouts/web.ru.hbs")),
    ("call", "ru", include_str!("../layouts/call.ru.hbs")),
    ("fax", "kk", include_str!("../layouts/fax.kk.hbs")),
    ("post", "kk", include_str!("../layouts/post.kk.hbs")),
    ("web", "kk", include_str!("../layouts/web.kk.hbs")),
    ("call", "kk", include_str!("../layouts/call.kk.hbs")),
    ("fax", "de", include_str!("../layouts/fax.de.hbs")),
    ("post", "de", include_str!("../layouts/post.de.hbs")),
    ("web", "de", include_str!("../layouts/web.de.hbs")),
    ("call", "de", include_str!("../layouts/call.de.hbs")),
];

/// outcry's own channel layouts, by name: used where the campaign brings no `<name>.hbs`.
const BUILTIN: [(&str, &str); 5] = [
    ("fax", include_str!("../layouts/fax.hbs")),
    ("post", include_str!("../layouts/post.hbs")),
    ("web", include_str!("../layouts/web.hbs")),
    ("call", include_str!("../layouts/call.hbs")),
    ("copy", include_str!("../layouts/copy.hbs")),
];

/// A template to compile: its registered name, where it is written, and its text.
pub(super) struct Entry {
    pub(super) name: String,
    pub(super) path: PathBuf,
    pub(super) first_line: usize,
    text: String,
    /// A shared partial.
    pub(super) partial: bool,
    /// The channel layout it is.
    pub(super) layout: Option<&'static str>,
}

impl Entry {
    fn new(name: String, t: &Template) -> Entry {
        Entry {
            name,
            path: t.source.path.clone(),
            first_line: t.first_line,
            text: t.source.text.clone(),
            partial: false,
            layout: None,
        }
    }

    /// Where a line of its text is.
    pub(super) fn origin(&self, line: usize) -> Origin {
        Origin::at(&self.path, self.first_line + line.saturating_sub(1))
    }
}

/// Every template handlebars will know: the letter, the subject, the channel layouts (the
/// campaign's own or outcry's), then the shared partials. The first two are always there.
pub(super) fn entries(campaign: &Campaign, partials: &[Partial]) -> Vec<Entry> {
    let t = &campaign.templates;
    let mut entries = vec![
        Entry::new(t.letter.source.path.display().to_string(), &t.letter),
        Entry::new(
            format!("{} (subject)", t.subject.source.path.display()),
            &t.subject,
        ),
    ];
    for (name, english) in BUILTIN {
        let (shown, text) = TRANSLATED
            .iter()
            .find(|(n, l, _)| *n == name && *l == campaign.language)
            .map_or((name.to_string(), english), |(_, l, text)| {
                (format!("{name}.{l}"), *text)
            });
        let mut e = match t.layouts.iter().find(|(n, _)| n == name) {
            Some((_, own)) => Entry::new(own.source.path.display().to_string(), own),
            None => Entry {
                name: format!("outcry:{shown}"),
                path: PathBuf::from(format!("outcry:{shown}")),
                first_line: 1,
                text: text.to_string(),
                partial: false,
                layout: None,
            },
        };
        e.layout = Some(name);
        entries.push(e);
    }
    entries.extend(partials.iter().map(|p| Entry {
        name: p.name.clone(),
        path: p.source.path.clone(),
        first_line: 1,
        text: p.source.text.clone(),
        partial: true,
        layout: None,
    }));
    entries
}

/// Analyses the campaign's templates and the shared partials they reach, directly or through
/// other partials; the rest are left alone (a workspace may hold many, and each costs a parse).
/// Returns the entries used, in their order, with their analyses. Problems go to `diags`.
pub(super) fn analyse_reachable(
    entries: Vec<Entry>,
    diags: &mut Diagnostics,
) -> (Vec<Entry>, Vec<template::Analysis>) {
    let mut analysed: Vec<Option<template::Analysis>> = entries.iter().map(|_| None).collect();
    let mut queued: Vec<bool> = entries.iter().map(|e| !e.partial).collect();
    let mut todo: Vec<usize> = (0..entries.len()).filter(|&i| queued[i]).rev().collect();
    while let Some(i) = todo.pop() {
        let e = &entries[i];
        match template::analyse(&e.name, &e.text.replace("\r\n", "\n")) {
            Ok(a) => {
                for tag in &a.outline.tags {
                    let template::TagKind::Partial {
                        name: template::PartialName::Named(name),
                        ..
                    } = &tag.kind
                    else {
                        continue;
                    };
                    for (j, other) in entries.iter().enumerate() {
                        if other.partial && other.name == *name && !queued[j] {
                            queued[j] = true;
                            todo.push(j);
                        }
                    }
                }
                analysed[i] = Some(a);
            }
            Err(problems) => {
                for p in problems {
                    diags.error(e.origin(p.line), p.message);
                }
            }
        }
    }
    entries
        .into_iter()
        .zip(analysed)
        .filter_map(|(e, a)| a.map(|a| (e, a)))
        .unzip()
}

/// The most items an `{{#each}}` may go through: the campaign's longest list, or the keys of
/// an object (16 at most, signers' extra columns aside).
pub(super) fn list_bound(campaign: &Campaign) -> u64 {
    [
        campaign.demands.len(),
        campaign.to.len(),
        campaign.cc.len(),
        campaign.signatories.len(),
        16,
    ]
    .into_iter()
    .max()
    .map_or(16, |n| n as u64)
}

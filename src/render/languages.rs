//! A campaign in every language it is written in: one renderer for its own language and one
//! for each translation, each compiled from the campaign as letters in that language see it
//! (see [`Campaign::in_language`]) and the partials in that language.

use std::collections::BTreeMap;

use super::{Renderer, Signing};
use crate::campaign::Campaign;
use crate::config::Sender;
use crate::diag::Origin;
use crate::diag::{Diagnostic, Diagnostics};
use crate::letter::{Channel, Kind, Letter};
use crate::plan::Planned;
use crate::template::{self, Outline, PartialName, TagKind};
use crate::workspace::{Partial, partials_in};

/// The campaign and its renderer in one language.
pub struct Language {
    pub campaign: Campaign,
    pub renderer: Renderer,
}

/// A campaign's renderers, by language; the campaign's own language first.
pub struct Renderers {
    languages: Vec<Language>,
    bilingual: bool,
}

impl Renderers {
    /// Compiles the campaign in its own language and in each translation (all of them, so
    /// that `check` finds every problem). Problems go to `diags`; `None` if any.
    pub fn new(
        campaign: &Campaign,
        partials: &[Partial],
        diags: &mut Diagnostics,
    ) -> Option<Renderers> {
        let mut ok = in_step(campaign, diags);
        let mut languages = Vec::new();
        let all = std::iter::once(campaign.main_language.clone())
            .chain(campaign.translations.iter().map(|t| t.language.clone()));
        for language in all {
            let view = campaign.in_language(&language);
            match Renderer::new(&view, &partials_in(partials, &language), diags) {
                Some(renderer) => languages.push(Language {
                    campaign: view,
                    renderer,
                }),
                None => ok = false,
            }
        }
        ok.then_some(Renderers {
            languages,
            bilingual: campaign.bilingual,
        })
    }

    /// The campaign and renderer for `language` (the campaign's own if it has no such).
    pub fn get(&self, language: &str) -> &Language {
        self.languages
            .iter()
            .find(|l| l.campaign.language == language)
            .unwrap_or(&self.languages[0])
    }

    /// The campaign's own language.
    pub fn main(&self) -> &Language {
        &self.languages[0]
    }

    /// Renders one planned letter in its language, from the account `sender`, signed as
    /// `signing` says; a translated letter of a bilingual campaign ends with the text in the
    /// campaign's own language.
    pub fn render(
        &self,
        planned: &Planned,
        sender: &Sender,
        signing: &Signing<'_>,
        date: jiff::civil::Date,
    ) -> Result<Letter, Diagnostic> {
        let lang = self.get(&planned.language);
        let original = self
            .original(planned)
            .map(|p| {
                self.main()
                    .renderer
                    .render(&self.main().campaign, &p, sender, signing, date)
            })
            .transpose()?;
        lang.renderer.render_with(
            &lang.campaign,
            planned,
            sender,
            signing,
            date,
            original
                .as_ref()
                .map(|l| (self.main().campaign.language.as_str(), l.body.as_str())),
        )
    }

    /// For a translated letter of a bilingual campaign: the same letter as an e-mail in the
    /// campaign's own language, whose text it ends with.
    pub fn original(&self, planned: &Planned) -> Option<Planned> {
        (self.bilingual && planned.language != self.main().campaign.language).then(|| Planned {
            kind: Kind::Letter,
            channel: Channel::Email,
            language: self.main().campaign.language.clone(),
            ..planned.clone()
        })
    }
}

/// Whether every translated letter uses what the campaign's own letter uses: each variable
/// and partial of `letter.hbs` must be in `letter.<lang>.hbs` too, or a letter in that
/// language would silently drop it (the writer's paragraph, the demands). Each one missing is
/// an error at its line in `letter.hbs`.
fn in_step(campaign: &Campaign, diags: &mut Diagnostics) -> bool {
    let uses = |t: &crate::campaign::Template| {
        let name = t.source.path.display().to_string();
        template::analyse(&name, &t.source.text.replace("\r\n", "\n"))
            .ok()
            .map(|a| used(&a.outline))
    };
    let Some(main) = uses(&campaign.templates.letter) else {
        return true; // its own errors are reported where it is compiled
    };
    let mut ok = true;
    for t in &campaign.translations {
        let Some(theirs) = uses(&t.templates.letter) else {
            continue;
        };
        for (what, line) in &main {
            if !theirs.contains_key(what) {
                ok = false;
                diags.error(
                    Origin::at(&campaign.templates.letter.source.path, *line),
                    format!(
                        "{what} is not in the {} translation, {}: a letter in that language would leave it out",
                        t.language,
                        t.templates.letter.source.path.display()
                    ),
                );
            }
        }
    }
    ok
}

/// What a template uses, each with the line it is first used at: its variables (`{{personal}}`,
/// `{{sender.name}}`, in blocks and helpers too) and its partials (`{{> demands}}`).
fn used(outline: &Outline) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for tag in &outline.tags {
        let (vars, partial) = match &tag.kind {
            TagKind::Print(v) => (std::slice::from_ref(v), None),
            TagKind::Helper { args, .. } | TagKind::Block { args, .. } => (args.as_slice(), None),
            TagKind::Partial { name, args, .. } => (args.as_slice(), Some(name)),
            TagKind::Inline { .. } | TagKind::Decorator { .. } => (&[][..], None),
        };
        for v in vars.iter().filter(|v| !v.names.is_empty()) {
            out.entry(format!("{{{{{}}}}}", v.names.join(".")))
                .or_insert(tag.line);
        }
        if let Some(PartialName::Named(p)) = partial {
            out.entry(format!("{{{{> {p}}}}}")).or_insert(tag.line);
        }
    }
    out
}

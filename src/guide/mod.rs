//! The guided path: `outcry` with no command, or `compose`/`send` without a campaign, on a
//! terminal. It asks, then hands over to the same steps the commands use
//! ([`pipeline::compose_campaign`], [`pipeline::write_drafts`], [`pipeline::deliver`]); it
//! writes nothing until the last question is answered.
//!
//! The steps: pick a campaign, read it, settle the sender profile (before the targets,
//! because the embassy a letter goes to depends on the sender's country), pick the targets,
//! add a paragraph of one's own, preview the letters, then send, save or print them; after
//! the letters, the calls the appeal asks for and the report to the coordinators.

mod account;
mod after;
mod call;
mod new;
mod profile;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;

use crate::campaign::Campaign;
use crate::config;
use crate::diag::{Diagnostics, Error};
use crate::drafts::Destinations;
use crate::letter::Channel;
use crate::pipeline::{self, Composed, Loaded};
use crate::plan::{self, Selection};
use crate::{prompt, render, review};

pub use account::setup;
pub(crate) use call::calls;
pub use new::new_campaign;

/// What the person came to do: `outcry` (anything), `outcry compose`, `outcry send`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    Any,
    Compose,
    Send,
}

impl Intent {
    fn command(self) -> &'static str {
        match self {
            Intent::Any => "outcry",
            Intent::Compose => "outcry compose",
            Intent::Send => "outcry send",
        }
    }
}

/// What the person came to do, and what the flags say about sending.
#[derive(Debug, Clone)]
pub struct Request {
    pub intent: Intent,
    /// `--signatories FILE`: the co-signatories, over the campaign's own.
    pub signatories: Option<std::path::PathBuf>,
    /// `outcry send`'s flags, which a guided send honours (`--dry-run`, `--yes`, `--limit`...).
    pub send: crate::send::Options,
    /// `--force`: send past the deadline without asking.
    pub force: bool,
    /// Flags given that only work with a CAMPAIGN (the questions ask for what they would say).
    pub needs_campaign: Vec<String>,
}

/// Runs the guided path, or explains what to type when nobody can answer.
pub fn start(given: &config::Given, req: &Request, now: Timestamp) -> Result<ExitCode> {
    let intent = req.intent;
    let mut diags = Diagnostics::default();
    let mut l = pipeline::load(given, req.signatories.as_deref(), &mut diags)?;
    if !prompt::interactive() {
        return Err(not_interactive(&l, intent).into());
    }
    if !req.needs_campaign.is_empty() {
        return Err(Error::Usage(format!(
            "{} need(s) a CAMPAIGN; without one, outcry asks for these on the way",
            req.needs_campaign.join(", ")
        ))
        .into());
    }
    prompt::on_interrupt("cancelled: nothing was written");
    let dry_run = req.send.dry_run;
    if intent == Intent::Send && !dry_run {
        pipeline::need_delivery(&mut l, &mut diags);
    }
    let diags = diags.into_result()?;
    pipeline::print_warnings(&diags);
    if intent == Intent::Send && l.settings.delivery.is_none() && !dry_run {
        return Err(Error::Usage(
            "no way to send: set up an [smtp] account (outcry init asks for one; see README, Sending)"
                .into(),
        )
        .into());
    }

    crate::output::say("Esc or Ctrl-C stops at any point; nothing is written until you choose to.");
    let campaign = pick_campaign(&l)?;
    show_campaign(&campaign);
    let (sender, save) = profile::settle(&l.settings.sender)?;
    l.settings.sender = sender;
    let mut sel = pick_targets(&l, &campaign)?;
    pick_languages(&l, &campaign, &mut sel)?;
    let personal = personal_paragraph(&l, &campaign)?;

    let mut diags = Diagnostics::default();
    let composed = pipeline::compose_campaign(&l, &campaign.id, &sel, &personal, now, &mut diags)?;
    let composed = pipeline::finish(composed, diags)?;
    preview(&composed)?;
    finish(req, &l, &composed, save, now)
}

/// The usage error when nobody can answer: what to type instead.
fn not_interactive(l: &Loaded, intent: Intent) -> Error {
    let ids = l.ws.campaigns();
    let example = ids.first().map_or("CAMPAIGN", String::as_str);
    let why = if prompt::interactive_terminal() {
        "with --no-input"
    } else {
        "without a terminal to ask on"
    };
    let what = match intent {
        Intent::Any => {
            format!("a command {why}: e.g. `outcry compose {example}` (outcry --help lists them)")
        }
        Intent::Compose | Intent::Send => {
            format!("a CAMPAIGN {why}: e.g. `{} {example}`", intent.command())
        }
    };
    Error::Usage(format!(
        "{} needs {what}; the campaigns here: {}",
        intent.command(),
        if ids.is_empty() {
            "none yet (outcry new NAME starts one)".to_string()
        } else {
            ids.join(", ")
        }
    ))
}

/// Step 1: the campaign, from those in letters/ that load without errors.
fn pick_campaign(l: &Loaded) -> Result<Campaign> {
    let mut d = Diagnostics::default();
    let mut campaigns = Vec::new();
    let mut broken = Vec::new();
    for id in l.ws.campaign_ids(&mut d) {
        let mut cd = Diagnostics::default();
        match l.ws.load_campaign(&id, &mut cd) {
            Some(c) if !cd.has_errors() => campaigns.push(c),
            _ => broken.push(id),
        }
    }
    if !broken.is_empty() {
        crate::output::say(&format!(
            "left out, as they have errors (outcry check shows them): {}",
            broken.join(", ")
        ));
    }
    if campaigns.is_empty() {
        return Err(Error::Usage(format!(
            "no campaign to write for in {}: `outcry new NAME` starts one",
            l.ws.root.join("letters").display()
        ))
        .into());
    }
    let items: Vec<String> = campaigns
        .iter()
        .map(|c| {
            let deadline = c
                .deadline
                .as_ref()
                .map_or_else(String::new, |(d, _)| format!(" · deadline {d}"));
            format!(
                "{}  ({}, {}{deadline})",
                c.title,
                crate::output::count(c.demands.len(), "demand", "demands"),
                crate::output::count(c.to.len(), "target", "targets")
            )
        })
        .collect();
    let i = prompt::select("Which appeal do you want to write for?", &items, 0)?;
    Ok(campaigns.swap_remove(i))
}

/// Step 2: what the appeal is about and what it demands.
fn show_campaign(c: &Campaign) {
    crate::output::say("");
    crate::output::heading(&c.title);
    match &c.deadline {
        Some((d, _)) => crate::output::say(&format!("Issued {}, write by {d}.", c.issued)),
        None => crate::output::say(&format!("Issued {}.", c.issued)),
    }
    if let Some(summary) = &c.summary {
        crate::output::say(&format!("\n{}", textwrap::fill(summary.trim(), 90)));
    }
    crate::output::say("\nThe demands:");
    for (i, d) in c.demands.iter().enumerate() {
        let text = textwrap::fill(d, textwrap::Options::new(90).subsequent_indent("     "));
        crate::output::say(&format!("  {:>2}. {text}", i + 1));
    }
    crate::output::say("");
}

/// Step 3: the targets, every reachable one ticked; the unreachable ones and why.
fn pick_targets(l: &Loaded, campaign: &Campaign) -> Result<Selection> {
    let choices = plan::choices(campaign, &l.book, &l.settings.sender);
    let mut keys = Vec::new();
    let mut items = Vec::new();
    for c in &choices {
        match &c.reach {
            Ok((contact, channel)) => {
                keys.push(c.key.clone());
                items.push(format!("{}  ({})", contact.name, reach(contact, *channel)));
            }
            Err(why) => crate::output::say(&format!("Cannot be written to: {why}")),
        }
    }
    if items.is_empty() {
        return Err(Error::Usage(
            "none of the campaign's targets can be reached: add their addresses to contacts.toml"
                .into(),
        )
        .into());
    }
    let checked = vec![true; items.len()];
    loop {
        let picked = prompt::multi_select(
            "Whom do you write to? (space ticks or unticks, enter goes on)",
            &items,
            &checked,
        )?;
        if picked.is_empty() {
            crate::output::say("Tick at least one (space), then press enter.");
            continue;
        }
        if picked.len() == items.len() {
            return Ok(Selection::default());
        }
        return Ok(Selection {
            only: picked.into_iter().map(|i| keys[i].clone()).collect(),
            ..Selection::default()
        });
    }
}

/// Step 3b, for a campaign with translations: the targets who read a language it is
/// translated into, each ticked to get their letter in it; an unticked one gets the campaign's
/// own. Nothing is asked when no target reads another language the campaign has.
fn pick_languages(l: &Loaded, campaign: &Campaign, sel: &mut Selection) -> Result<()> {
    let main = &campaign.main_language;
    let name = |tag: &str| crate::locale::language_name(tag).unwrap_or_else(|| tag.to_string());
    let mut keys = Vec::new();
    let mut items = Vec::new();
    for c in plan::choices(campaign, &l.book, &l.settings.sender) {
        let Ok((contact, _)) = &c.reach else { continue };
        let picked = sel.only.is_empty() || sel.only.contains(&c.key);
        match &contact.language {
            Some(lang) if picked && lang != main && campaign.speaks(lang) => {
                items.push(format!("{}  ({})", contact.name, name(lang)));
                keys.push(c.key.clone());
            }
            _ => {}
        }
    }
    if items.is_empty() || campaign.addressing == crate::campaign::Addressing::Joint {
        return Ok(());
    }
    let question = format!(
        "Write to these in their language? (untick one for {}; space ticks or unticks, enter goes on)",
        name(main)
    );
    let ticked = prompt::multi_select(&question, &items, &vec![true; items.len()])?;
    for (i, key) in keys.into_iter().enumerate() {
        if !ticked.contains(&i) {
            sel.languages.push((key, main.clone()));
        }
    }
    Ok(())
}

/// How a letter reaches the contact: "e-mail press@knb.kz", "fax +7 727 271 5802".
fn reach(c: &crate::contacts::Contact, channel: Channel) -> String {
    match c.address_shown(channel) {
        Some(how) => format!("{} {how}", channel.label()),
        None => channel.label().to_string(),
    }
}

/// Step 5: a paragraph in the sender's own words, where the letter has a slot for it.
fn personal_paragraph(l: &Loaded, campaign: &Campaign) -> Result<String> {
    if !render::uses_personal(campaign, &l.partials) {
        return Ok(String::new());
    }
    let editor = std::env::var("VISUAL")
        .or_else(|_| std::env::var("EDITOR"))
        .unwrap_or_else(|_| "vi".into());
    let items = vec![
        "No, the letter as it is".to_string(),
        "Yes, type it here (one paragraph)".to_string(),
        format!("Yes, write it in my editor ({editor})"),
    ];
    loop {
        let how = prompt::select(
            "Add a paragraph in your own words? Letters in one's own words are taken more seriously.",
            &items,
            0,
        )?;
        let text = match how {
            0 => return Ok(String::new()),
            1 => {
                let line = prompt::text("Your paragraph", None, false, |s| {
                    crate::fields::check_personal(s)
                })?;
                textwrap::fill(&line, 72)
            }
            _ => match prompt::editor("") {
                Ok(Some(t)) if !t.trim().is_empty() => t.replace("\r\n", "\n"),
                Ok(_) => {
                    crate::output::say("Nothing was saved in the editor: no paragraph.");
                    continue;
                }
                Err(e) => {
                    crate::output::say(&format!("{e:#}"));
                    continue;
                }
            },
        };
        match crate::fields::check_personal(&text) {
            Ok(()) => return Ok(text.trim().to_string()),
            Err(e) => crate::output::say(&format!("{e}; try again.")),
        }
    }
}

/// Step 6: each letter, through the pager when it is long, as often as wanted.
fn preview(c: &Composed) -> Result<()> {
    let n = c.letters.len();
    let mut seen = vec![false; n];
    loop {
        let mut items: Vec<String> = c
            .letters
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let to: Vec<&str> = l.to.iter().map(|a| a.name.as_str()).collect();
                format!(
                    "{} {}/{n} {}: {}",
                    if seen[i] { "✓" } else { " " },
                    i + 1,
                    review::what(l),
                    to.join(", ")
                )
            })
            .collect();
        items.push("Go on".to_string());
        let next = seen.iter().position(|s| !s).unwrap_or(n);
        let i = prompt::select(
            &format!("Read the letters before they go ({n} in all)"),
            &items,
            next,
        )?;
        if i == n {
            return Ok(());
        }
        seen[i] = true;
        prompt::page(&review::letter(&c.letters[i], i, n))?;
    }
}

/// What the last menu offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Send,
    Folder,
    Maildir,
    Review,
    Quit,
}

/// The choices of the last menu, saying on the way why sending is not among them.
fn menu(intent: Intent, l: &Loaded, c: &Composed) -> Vec<(Choice, String)> {
    let emails = c.letters.iter().filter(|l| l.is_email()).count();
    // With a fax gateway of the writer's, faxes go too.
    let fax_count = c
        .letters
        .iter()
        .filter(|l| l.channel == crate::letter::Channel::Fax)
        .count();
    let faxes = |d: &crate::config::Delivery| if d.fax.is_some() { fax_count } else { 0 };
    let gateway = |d: &crate::config::Delivery| {
        d.fax
            .as_ref()
            .map(|g| g.host().to_string())
            .unwrap_or_default()
    };
    let mut menu: Vec<(Choice, String)> = Vec::new();
    if intent != Intent::Compose {
        for problem in l.settings.delivery_problems.sorted() {
            crate::output::say(&format!("{problem}"));
        }
        match &l.settings.delivery {
            Some(d) if emails + faxes(d) > 0 => menu.push((
                Choice::Send,
                format!(
                    "Send the {} now, from {}",
                    match faxes(d) {
                        0 => format!("{emails} e-mail letter(s)"),
                        n if emails == 0 => format!("{n} fax(es) through {}", gateway(d)),
                        n => format!(
                            "{emails} e-mail letter(s) and {n} fax(es) through {}",
                            gateway(d)
                        ),
                    },
                    crate::send::account(Some(d))
                ),
            )),
            Some(_) => crate::output::say("No letter goes by e-mail: nothing to send."),
            None if l.settings.delivery_problems.has_errors() => {
                crate::output::say("Sending is off until the [smtp] settings above are fixed.");
            }
            None => crate::output::say(
                "Sending needs a mail account ([smtp] in your config; outcry init sets one up).",
            ),
        }
    }
    if intent != Intent::Send {
        menu.push((
            Choice::Folder,
            "Save them as drafts in a folder (.eml to open in a mail program, .txt for fax, post and calls)".into(),
        ));
        menu.push((
            Choice::Maildir,
            "Save the e-mail letters as drafts in a Maildir".into(),
        ));
        menu.push((
            Choice::Review,
            "Print them all (the review) and stop".into(),
        ));
    }
    menu.push((Choice::Quit, "Quit without writing anything".into()));
    menu
}

/// Writes the drafts, warning first, as `compose` does, of postal letters without a return
/// address.
fn save_drafts(l: &Loaded, c: &Composed, dest: &Destinations, now: Timestamp) -> Result<()> {
    let mut diags = Diagnostics::default();
    pipeline::no_return_address(&l.settings.sender, c, &mut diags);
    pipeline::print_warnings(&diags);
    pipeline::write_drafts(dest, &c.letters, now)?;
    pipeline::journal_drafts(l, &c.campaign.id, &c.letters);
    Ok(())
}

/// Step 7: send, save drafts, print the review, or quit.
fn finish(
    req: &Request,
    l: &Loaded,
    c: &Composed,
    save: profile::Save,
    now: Timestamp,
) -> Result<ExitCode> {
    let menu = menu(req.intent, l, c);
    let items: Vec<String> = menu.iter().map(|(_, s)| s.clone()).collect();
    let mut save = Some(save);
    loop {
        let choice = menu[prompt::select("What now?", &items, 0)?].0;
        if choice != Choice::Quit
            && let Some(profile) = save.take()
        {
            profile::save(&profile)?;
        }
        match choice {
            Choice::Send => {
                if let Some(code) = send(req, l, c, now)? {
                    return after::afterwards(req, l, c, code, now);
                }
            }
            Choice::Folder => {
                let default = shown(&l.ws.root.join("drafts").join(&c.campaign.id));
                let dest = ask_path("Folder for the drafts", &default, folder, c)?;
                save_drafts(l, c, &dest, now)?;
                return after::afterwards(req, l, c, ExitCode::SUCCESS, now);
            }
            Choice::Maildir => {
                let dest = ask_path("Maildir folder (e.g. ~/Maildir/Drafts)", "", maildir, c)?;
                save_drafts(l, c, &dest, now)?;
                return after::afterwards(req, l, c, ExitCode::SUCCESS, now);
            }
            Choice::Review => {
                let text = review::text(
                    &c.campaign,
                    &c.letters,
                    &c.plan.unresolved,
                    &l.settings.from_workspace,
                );
                crate::output::print(&text)?;
                return Ok(ExitCode::SUCCESS);
            }
            Choice::Quit => {
                crate::output::say("Nothing was written.");
                return Ok(ExitCode::SUCCESS);
            }
        }
    }
}

/// A drafts folder, as `--out` names it.
fn folder(p: &Path) -> Destinations {
    Destinations::from_flags(Some(p), None, None)
}

/// A Maildir, as `--maildir` names it: the letters it cannot hold beside it.
fn maildir(p: &Path) -> Destinations {
    Destinations::from_flags(None, Some(p), None)
}

/// Asks for a path until the drafts can go there (`~/` is the home folder).
fn ask_path(
    question: &str,
    default: &str,
    dest: fn(&Path) -> Destinations,
    c: &Composed,
) -> Result<Destinations> {
    loop {
        let answer = prompt::text(question, Some(default), false, |_| Ok(()))?;
        let d = dest(&expand_home(&answer));
        match d.check(&c.letters) {
            Ok(()) => return Ok(d),
            Err(e) => crate::output::say(&format!("{e:#}")),
        }
    }
}

/// A path as the person would type it: relative to the current folder when under it.
fn shown(p: &Path) -> String {
    std::env::current_dir()
        .ok()
        .and_then(|cwd| p.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| p.to_path_buf())
        .display()
        .to_string()
}

fn expand_home(p: &str) -> PathBuf {
    match (p.strip_prefix("~/"), etcetera::home_dir()) {
        (Some(rest), Ok(home)) => home.join(rest),
        _ => Path::new(p).to_path_buf(),
    }
}

/// Sends through the same confirmation as `outcry send`. `None`: not sent, back to the menu.
fn send(req: &Request, l: &Loaded, c: &Composed, now: Timestamp) -> Result<Option<ExitCode>> {
    let mut force = req.force;
    if let Some((deadline, _)) = c.campaign.past_deadline(pipeline::today(now))
        && !force
    {
        force = prompt::ask(
            &format!("The deadline, {deadline}, has passed. Send anyway?"),
            false,
        )?;
        if !force {
            return Ok(None);
        }
    }
    // The guided path talks to a person: JSON Lines are for scripts.
    let opts = crate::send::Options {
        format: crate::output::Format::Text,
        ..req.send.clone()
    };
    prompt::on_interrupt(&format!(
        "interrupted: the journal knows which letters went; `outcry send {}` sends the rest",
        c.campaign.id
    ));
    match pipeline::deliver(l, c, &opts, now) {
        Err(e) if matches!(e.downcast_ref(), Some(Error::NotConfirmed)) => {
            crate::output::say("Nothing sent.");
            prompt::on_interrupt("cancelled: nothing was written");
            Ok(None)
        }
        other => other.map(Some),
    }
}

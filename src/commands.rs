//! The commands: short functions that compose load → validate → plan → render → output.

use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, Result};
use jiff::Timestamp;

use crate::cli::{Cli, Command, ComposeArgs, Format, NewArgs, SendArgs};
use crate::config;
use crate::contacts::AddressBook;
use crate::diag::{Diagnostics, Error};
use crate::pipeline::{
    Composed, Destinations, check_deadline, check_sender, compose_campaign, deliver, finish, load,
    load_bulk, need_delivery, prepare, print_warnings, read_personal, require_campaign,
    require_sender, send_options, test_delivery, today, write_drafts,
};
use crate::plan::Selection;
use crate::workspace::Workspace;
use crate::{guide, prompt, review};

pub fn dispatch(cli: &Cli) -> Result<ExitCode> {
    let now = now()?;
    let Some(command) = &cli.command else {
        return guide::start(cli, guide::Intent::Any, now);
    };
    match command {
        Command::Init { dir } => init(cli, dir.as_deref()),
        Command::New(args) => new(cli, args, now),
        Command::Campaigns => campaigns(cli),
        Command::Check { campaign } => check(cli, campaign.as_deref(), now),
        Command::Compose(args) => compose(cli, args, now),
        Command::Send(args) => send(cli, args, now),
        Command::Status { campaign } => status(campaign),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "outcry", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            clap_mangen::Man::new(cmd).render(&mut std::io::stdout())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Smtp(crate::cli::SmtpCommand::Test) => smtp_test(cli),
    }
}

/// The moment letters are dated: `SOURCE_DATE_EPOCH` if set (reproducible output), else now.
fn now() -> Result<Timestamp> {
    match std::env::var("SOURCE_DATE_EPOCH") {
        Ok(v) => v
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|s| (0..=253_402_300_799).contains(s))
            .and_then(|s| Timestamp::from_second(s).ok())
            .ok_or_else(|| {
                Error::Usage(format!(
                    "SOURCE_DATE_EPOCH={v:?} must be a number of seconds since 1970, from 0 to 253402300799"
                ))
                .into()
            }),
        Err(_) => Ok(Timestamp::now()),
    }
}

fn campaigns(cli: &Cli) -> Result<ExitCode> {
    let mut diags = Diagnostics::default();
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let ws = Workspace::find(&cwd)?;
    let _ = cli;
    let mut rows = Vec::new();
    for id in ws.campaign_ids(&mut diags) {
        if let Some(c) = ws.load_campaign(&id, &mut diags) {
            let deadline = c
                .deadline
                .map_or_else(|| "-".to_string(), |(d, _)| d.to_string());
            rows.push(format!(
                "{:<24} {:>3} demands {:>3} targets  deadline {deadline:<10}  {}",
                c.id,
                c.demands.len(),
                c.to.len(),
                c.title
            ));
        }
    }
    let mut out = std::io::stdout().lock();
    for r in rows {
        writeln!(out, "{r}")?;
    }
    diags.into_result()?;
    Ok(ExitCode::SUCCESS)
}

fn check(cli: &Cli, only: Option<&str>, now: Timestamp) -> Result<ExitCode> {
    let mut diags = Diagnostics::default();
    let mut l = load(cli, &mut diags)?;
    need_delivery(&mut l, &mut diags);
    let ids = match only {
        Some(id) => {
            require_campaign(&l.ws, id)?;
            vec![id.to_string()]
        }
        None => l.ws.campaign_ids(&mut diags),
    };
    l.book.lint(&mut diags);
    let mut letters = 0;
    for id in &ids {
        if let Some(c) = compose_campaign(&l, id, &Selection::default(), "", now, &mut diags)? {
            letters += c.letters.len();
        }
    }
    let errors = diags.errors().count();
    for d in diags.sorted() {
        match d.severity {
            crate::diag::Severity::Error => crate::output::error(d),
            crate::diag::Severity::Warning => crate::output::warning(d),
        }
    }
    if errors > 0 {
        crate::output::say(&format!(
            "{errors} error(s): fix them and run outcry check again"
        ));
        return Ok(ExitCode::from(crate::EXIT_INVALID));
    }
    crate::output::note(&format!(
        "ok: {} campaign(s), {} contact(s), {} embass(ies), {letters} letter(s) render",
        ids.len(),
        l.book.contacts.len(),
        l.book.embassies.len()
    ));
    Ok(ExitCode::SUCCESS)
}

fn selection(to: &[String], skip: &[String]) -> Selection {
    Selection {
        only: to.to_vec(),
        skip: skip.to_vec(),
    }
}

fn compose(cli: &Cli, args: &ComposeArgs, now: Timestamp) -> Result<ExitCode> {
    let Some(id) = &args.campaign else {
        return guide::start(cli, guide::Intent::Compose, now);
    };
    let mut diags = Diagnostics::default();
    if let Some(file) = &args.bulk.signers {
        let (l, campaign) = load_bulk(cli, id, args.personal.as_deref(), false, &mut diags)?;
        return crate::bulk::compose(&l, args, &campaign, file, now, diags);
    }
    let sel = selection(&args.to, &args.skip);
    let (l, composed) = prepare(cli, id, &sel, args.personal.as_deref(), now, &mut diags)?;
    let writes_drafts = args.out.is_some() || args.maildir.is_some() || args.mbox.is_some();
    let missing = l.settings.sender.missing();
    if writes_drafts {
        require_sender(&l.settings.sender, "writing drafts", &mut diags);
    }
    let Composed {
        campaign,
        plan,
        letters,
    } = finish(composed, diags)?;
    if !writes_drafts && !missing.is_empty() {
        crate::output::note(&format!(
            "warning: no sender {} configured: the review shows placeholders such as [YOUR NAME] (see `outcry --help`, Sender)",
            missing.join(", ")
        ));
    }
    if writes_drafts {
        let dest = Destinations {
            out: args.out.clone(),
            maildir: args.maildir.clone(),
            mbox: args.mbox.clone(),
        };
        write_drafts(&dest, &letters, now)?;
        return Ok(ExitCode::SUCCESS);
    }
    let text = match args.format {
        Format::Text => review::text(&campaign, &letters, &plan.unresolved),
        Format::Json => review::json(&campaign, today(now), &letters, &plan.unresolved),
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn send(cli: &Cli, args: &SendArgs, now: Timestamp) -> Result<ExitCode> {
    if args.all || args.campaigns.len() > 1 {
        return send_several(cli, args, now);
    }
    let Some(id) = args.campaigns.first() else {
        return guide::start(cli, guide::Intent::Send, now);
    };
    let mut diags = Diagnostics::default();
    if let Some(file) = &args.bulk.signers {
        let (l, campaign) = load_bulk(cli, id, args.personal.as_deref(), true, &mut diags)?;
        return crate::bulk::send(&l, args, &campaign, file, now, diags);
    }
    let sel = selection(&args.to, &args.skip);
    let (mut l, composed) = prepare(cli, id, &sel, args.personal.as_deref(), now, &mut diags)?;
    need_delivery(&mut l, &mut diags);
    check_sender(&l, args, &mut diags);
    let composed = finish(composed, diags)?;
    check_deadline(&composed.campaign, args, now)?;
    deliver(&l, &composed, &send_options(args), now)
}

/// `outcry send A B ...` or `--all`: every campaign composed and checked first, one plan
/// and one question for all their letters, then each campaign sent in turn (each with its
/// own journal).
fn send_several(cli: &Cli, args: &SendArgs, now: Timestamp) -> Result<ExitCode> {
    if args.bulk.signers.is_some() {
        return Err(
            Error::Usage("--signers sends one campaign per run: name just one".into()).into(),
        );
    }
    let mut diags = Diagnostics::default();
    let mut l = load(cli, &mut diags)?;
    let personal = args
        .personal
        .as_deref()
        .map(read_personal)
        .transpose()?
        .unwrap_or_default();
    need_delivery(&mut l, &mut diags);
    check_sender(&l, args, &mut diags);
    let ids = if args.all {
        let mut d = Diagnostics::default();
        l.ws.campaign_ids(&mut d)
            .into_iter()
            .filter(|c| l.ws.has_campaign(c))
            .collect()
    } else {
        args.campaigns.clone()
    };
    let sel = selection(&args.to, &args.skip);
    let mut all = Vec::new();
    for id in &ids {
        require_campaign(&l.ws, id)?;
        if let Some(c) = compose_campaign(&l, id, &sel, &personal, now, &mut diags)? {
            all.push(c);
        }
    }
    let diags = diags.into_result()?;
    print_warnings(&diags);
    for c in &all {
        check_deadline(&c.campaign, args, now)?;
    }
    let all: Vec<&Composed> = all.iter().collect();
    crate::pipeline::deliver_all(&l, &all, &send_options(args), now)
}

fn status(campaign: &str) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let ws = Workspace::find(&cwd)?;
    require_campaign(&ws, campaign)?;
    let replay = crate::send::journal::Journal::read(&ws.root, campaign)?;
    let mut out = std::io::stdout().lock();
    let mut any = false;
    for r in replay.letters() {
        any = true;
        let state = replay
            .state(&r.message_id)
            .map_or("?", crate::send::journal::State::label);
        writeln!(
            out,
            "{:<28} {:<9} {}  {}",
            r.letter,
            state,
            r.time,
            r.reply.as_deref().unwrap_or("")
        )?;
        // Who has the letter and who not, when someone has not.
        let all = r
            .recipients
            .iter()
            .all(|k| k.state == crate::send::journal::Reception::Accepted);
        for k in r.recipients.iter().filter(|_| !all) {
            write!(
                out,
                "{:<28} {:<9} {:<8} {} ({})",
                "",
                "",
                k.state.label(),
                k.address,
                k.role.label()
            )?;
            match &k.reply {
                Some(said) => writeln!(out, ": {said}")?,
                None => writeln!(out)?,
            }
        }
        // Lines written before per-recipient outcomes.
        for refused in &r.refused {
            writeln!(out, "{:<28} {:<9} refused {refused}", "", "")?;
        }
    }
    if !any {
        crate::output::note(&format!("nothing sent yet for {campaign}"));
    }
    Ok(ExitCode::SUCCESS)
}

fn smtp_test(cli: &Cli) -> Result<ExitCode> {
    let mut diags = Diagnostics::default();
    let mut l = load(cli, &mut diags)?;
    need_delivery(&mut l, &mut diags);
    diags.into_result()?;
    test_delivery(l.settings.delivery.as_ref())
}

fn init(cli: &Cli, dir: Option<&Path>) -> Result<ExitCode> {
    let dir = dir.unwrap_or(Path::new("."));
    // Whatever is in the folder already is someone else's: no link below it is written through.
    crate::files::enter_workspace(dir);
    if prompt::interactive() && dir.join("contacts.toml").is_file() {
        crate::output::say(&format!(
            "{} is a workspace already: its files stay as they are.",
            dir.display()
        ));
        return guide::setup(cli, dir);
    }
    for path in crate::init::init(dir)? {
        crate::output::note(&format!("wrote {}", path.display()));
    }
    if prompt::interactive() {
        return guide::setup(cli, dir);
    }
    crate::output::note(&format!(
        "next: put your name and e-mail in {}, then `outcry -C {} check`",
        config::personal_config_path().map_or_else(
            || "your personal config".into(),
            |p| p.display().to_string()
        ),
        dir.display()
    ));
    Ok(ExitCode::SUCCESS)
}

fn new(cli: &Cli, args: &NewArgs, now: Timestamp) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let ws = Workspace::find(&cwd)?;
    let folder = ws.root.join("letters").join(&args.id);
    if folder.exists() {
        return Err(Error::Usage(format!(
            "{} already exists: outcry new overwrites nothing (pick another name)",
            folder.display()
        ))
        .into());
    }
    let mut diags = Diagnostics::default();
    let book = AddressBook::load(&ws.root, &mut diags);
    diags.into_result()?;
    let draft = if prompt::interactive() {
        guide::new_campaign(args, &book)?
    } else {
        let draft = crate::scaffold::Draft::from_args(args)?;
        draft.check(&args.id, &book)?;
        draft
    };
    let written =
        prompt::writing(|| crate::scaffold::write(&ws.root, &args.id, &draft, today(now)))?;
    for p in &written {
        crate::output::note(&format!(
            "wrote {}",
            p.strip_prefix(&cwd).unwrap_or(p).display()
        ));
    }
    check(cli, Some(&args.id), now)
}

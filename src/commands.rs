//! The commands: short functions that compose load → validate → plan → render → output.

use std::io::{IsTerminal as _, Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use jiff::Timestamp;
use jiff::civil::Date;

use crate::campaign::Campaign;
use crate::cli::{Cli, Command, ComposeArgs, Format, NewArgs, SendArgs};
use crate::config;
use crate::contacts::AddressBook;
use crate::diag::{Diagnostics, Invalid, Usage};
use crate::letter::Letter;
use crate::plan::{self, Plan, Selection};
use crate::render::Renderer;
use crate::workspace::{Partial, Workspace};
use crate::{drafts, guide, prompt, review};

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
                Usage(format!(
                    "SOURCE_DATE_EPOCH={v:?} must be a number of seconds since 1970, from 0 to 253402300799"
                ))
                .into()
            }),
        Err(_) => Ok(Timestamp::now()),
    }
}

pub(crate) fn today(now: Timestamp) -> Date {
    now.to_zoned(jiff::tz::TimeZone::UTC).date()
}

/// What every command that renders needs: the workspace, the address book, the sender, partials.
pub(crate) struct Loaded {
    /// `--signatories FILE`, over each campaign's own list.
    pub(crate) signatories: Option<Vec<String>>,
    pub(crate) ws: Workspace,
    pub(crate) book: AddressBook,
    pub(crate) settings: config::Settings,
    pub(crate) partials: Vec<Partial>,
}

/// Loads the workspace, the address book, the settings and the partials. Problems with the
/// delivery settings are kept in `settings.delivery_problems` (see [`need_delivery`]).
pub(crate) fn load(cli: &Cli, diags: &mut Diagnostics) -> Result<Loaded> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let ws = Workspace::find(&cwd)?;
    let book = AddressBook::load(&ws.root, diags);
    let settings = config::load(
        &ws.root,
        cli.config.as_deref(),
        &cli.sender,
        &cli.smtp,
        diags,
    );
    let partials = ws.partials(diags);
    let signatories = match &cli.command {
        Some(Command::Compose(a)) => a.bulk.signatories.as_deref(),
        Some(Command::Send(a)) => a.bulk.signatories.as_deref(),
        _ => None,
    }
    .map(read_signatories)
    .transpose()?;
    Ok(Loaded {
        signatories,
        ws,
        book,
        settings,
        partials,
    })
}

/// Makes the delivery settings' problems count, for the commands that send or test them.
pub(crate) fn need_delivery(l: &mut Loaded, diags: &mut Diagnostics) {
    diags.extend(std::mem::take(&mut l.settings.delivery_problems));
}

/// Loads the workspace and renders the chosen targets of one campaign (for compose and send).
fn prepare(
    cli: &Cli,
    campaign: &str,
    sel: &Selection,
    personal: Option<&Path>,
    now: Timestamp,
    diags: &mut Diagnostics,
) -> Result<(Loaded, Option<Composed>)> {
    let l = load(cli, diags)?;
    let personal = personal.map(read_personal).transpose()?.unwrap_or_default();
    require_campaign(&l.ws, campaign)?;
    let composed = compose_campaign(&l, campaign, sel, &personal, now, diags)?;
    Ok((l, composed))
}

/// Reads `--signatories FILE`: one per line; blank lines and lines starting with `#` skipped.
fn read_signatories(path: &Path) -> Result<Vec<String>> {
    let shown = path.display();
    let bytes = crate::files::read_named(path, crate::files::TEXT)
        .map_err(|e| Usage(format!("--signatories {shown}: {e}")))?
        .ok_or_else(|| Usage(format!("--signatories {shown}: no such file")))?;
    // Each line is checked below, control characters included, so that all are reported.
    let src = crate::diag::Source::decode(path, &bytes).map_err(|d| Usage(format!("{d}")))?;
    let mut list = Vec::new();
    let mut diags = Diagnostics::default();
    for (i, line) in src.text.lines().enumerate() {
        let line = crate::fields::trim(line);
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        match crate::fields::check_line("a signatory", line) {
            Ok(()) => list.push(line.to_string()),
            Err(e) => diags.error(crate::diag::Origin::at(path, i + 1), e),
        }
    }
    diags.into_result()?;
    Ok(list)
}

/// Loads the workspace and one campaign for a `--signers` run (whose templates and plan
/// `bulk` makes); `sending` counts the delivery settings' problems.
fn load_bulk(
    cli: &Cli,
    id: &str,
    personal: Option<&Path>,
    sending: bool,
    diags: &mut Diagnostics,
) -> Result<(Loaded, Campaign)> {
    if personal.is_some() {
        return Err(Usage(
            "--personal does not go with --signers: each signer's `note` column is theirs".into(),
        )
        .into());
    }
    let mut l = load(cli, diags)?;
    if sending {
        need_delivery(&mut l, diags);
    }
    require_campaign(&l.ws, id)?;
    let Some(mut campaign) = l.ws.load_campaign(id, diags) else {
        return Err(std::mem::take(diags)
            .into_result()
            .err()
            .unwrap_or(Invalid(Vec::new()))
            .into());
    };
    if let Some(list) = &l.signatories {
        campaign.signatories.clone_from(list);
    }
    Ok((l, campaign))
}

/// The longest personal paragraph: a letter in one's own words, not a second letter.
pub(crate) const MAX_PERSONAL: usize = 5_000;

/// Reads the personal paragraph from `path` (`-`: stdin), checked like any text field.
fn read_personal(path: &Path) -> Result<String> {
    let shown = path.display();
    let mut bytes = Vec::new();
    // Four bytes a character at most: anything longer is refused without reading it all.
    let limit = u64::try_from(MAX_PERSONAL * 4 + 1).unwrap_or(u64::MAX);
    if path == Path::new("-") {
        if std::io::stdin().is_terminal() {
            return Err(Usage(
                "--personal -: stdin is the terminal; give a file, or pipe the paragraph in".into(),
            )
            .into());
        }
        std::io::stdin()
            .take(limit)
            .read_to_end(&mut bytes)
            .context("cannot read the personal paragraph from stdin")?;
    } else {
        let file = crate::files::open_named(path)
            .map_err(|e| Usage(format!("--personal {shown}: {e}")))?
            .ok_or_else(|| Usage(format!("--personal {shown}: no such file")))?;
        file.take(limit)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {shown}"))?;
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Usage(format!("--personal {shown}: not UTF-8 text")))?;
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    check_personal(&text).map_err(|e| Usage(format!("--personal {shown}: {e}")))?;
    Ok(text)
}

/// A personal paragraph: text without control characters, at most [`MAX_PERSONAL`] characters.
pub(crate) fn check_personal(text: &str) -> Result<(), String> {
    crate::fields::check_text("the personal paragraph", text)?;
    if text.chars().count() > MAX_PERSONAL {
        return Err(format!(
            "the personal paragraph is longer than {MAX_PERSONAL} characters"
        ));
    }
    Ok(())
}

/// Turns the collected problems into an error, or prints the warnings and hands back the
/// composed campaign, refusing one whose selection leaves no letter at all.
pub(crate) fn finish(composed: Option<Composed>, diags: Diagnostics) -> Result<Composed> {
    let diags = diags.into_result()?;
    let Some(composed) = composed else {
        return Err(Invalid(Vec::new()).into());
    };
    print_warnings(&diags);
    if composed.letters.is_empty() {
        let why: Vec<String> = composed
            .plan
            .unresolved
            .iter()
            .map(|u| u.reason.clone())
            .collect();
        return Err(Usage(format!(
            "no letter to write: the campaign's targets, as selected, reach nobody{}",
            if why.is_empty() {
                String::new()
            } else {
                format!(" ({})", why.join("; "))
            }
        ))
        .into());
    }
    Ok(composed)
}

/// A campaign rendered: its plan and its letters.
pub(crate) struct Composed {
    pub(crate) campaign: Campaign,
    pub(crate) plan: Plan,
    pub(crate) letters: Vec<Letter>,
}

/// Loads, plans and renders one campaign; every problem goes to `diags`. `personal` fills
/// the letter's `{{personal}}` slot.
pub(crate) fn compose_campaign(
    l: &Loaded,
    id: &str,
    sel: &Selection,
    personal: &str,
    now: Timestamp,
    diags: &mut Diagnostics,
) -> Result<Option<Composed>> {
    let Some(mut campaign) = l.ws.load_campaign(id, diags) else {
        return Ok(None);
    };
    if let Some(list) = &l.signatories {
        campaign.signatories.clone_from(list);
    }
    if let Some((deadline, origin)) = &campaign.deadline
        && *deadline < today(now)
    {
        diags.warning(
            origin.clone(),
            format!("the deadline {deadline} has passed"),
        );
    }
    if !personal.trim().is_empty() && !crate::render::uses_personal(&campaign, &l.partials) {
        diags.warning(
            crate::diag::Origin::file(&campaign.templates.letter.source.path),
            "the letter has no {{personal}} slot: your paragraph does not appear in it",
        );
    }
    let renderer = Renderer::new(&campaign, &l.partials, diags);
    let plan = plan::plan(&campaign, &l.book, &l.settings.sender, sel, diags)?;
    let Some(renderer) = renderer else {
        return Ok(None);
    };
    let mut letters = Vec::new();
    for p in &plan.letters {
        match renderer.render(
            &campaign,
            p,
            &l.settings.sender,
            &crate::render::Signing {
                personal,
                signatories: &campaign.signatories,
                ..Default::default()
            },
            today(now),
        ) {
            Ok(letter) => letters.push(letter),
            Err(d) => diags.error(d.origin, d.message),
        }
    }
    Ok(Some(Composed {
        campaign,
        plan,
        letters,
    }))
}

pub(crate) fn require_campaign(ws: &Workspace, id: &str) -> Result<(), Usage> {
    if ws.has_campaign(id) {
        return Ok(());
    }
    let folder = ws.root.join("letters").join(id);
    if crate::fields::check_id(id).is_ok() && folder.is_dir() {
        return Err(Usage(format!(
            "letters/{id} has no campaign.toml: every campaign needs one (see docs/format.md)"
        )));
    }
    let mut d = Diagnostics::default();
    let known: Vec<String> = ws
        .campaign_ids(&mut d)
        .into_iter()
        .filter(|c| ws.has_campaign(c))
        .collect();
    Err(Usage(format!(
        "no campaign {id:?} in {}: the campaigns are {}",
        ws.root.join("letters").display(),
        if known.is_empty() {
            "none yet".to_string()
        } else {
            known.join(", ")
        }
    )))
}

pub(crate) fn print_warnings(diags: &Diagnostics) {
    for w in diags
        .sorted()
        .into_iter()
        .filter(|d| d.severity == crate::diag::Severity::Warning)
    {
        prompt::note_line(&w.to_string());
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
        eprintln!("{d}");
    }
    if errors > 0 {
        eprintln!("{errors} error(s): fix them and run outcry check again");
        return Ok(ExitCode::from(crate::EXIT_INVALID));
    }
    eprintln!(
        "ok: {} campaign(s), {} contact(s), {} embass(ies), {letters} letter(s) render",
        ids.len(),
        l.book.contacts.len(),
        l.book.embassies.len()
    );
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
    if writes_drafts && (l.settings.sender.name.is_none() || l.settings.sender.email.is_none()) {
        diags.error(
            crate::diag::Origin::Setting("sender".into()),
            format!(
                "drafts need a sender: set name and email in [sender] of {} or outcry.toml, or use --sender-name and --sender-email",
                config::personal_config_path().map_or_else(|| "your config file".into(), |p| p.display().to_string())
            ),
        );
    }
    let Composed {
        campaign,
        plan,
        letters,
    } = finish(composed, diags)?;
    if !writes_drafts && !missing.is_empty() {
        eprintln!(
            "warning: no sender {} configured: the review shows placeholders such as [YOUR NAME] (see `outcry --help`, Sender)",
            missing.join(", ")
        );
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

/// Where drafts go: a folder of files, a Maildir, an mbox; any of them.
#[derive(Debug, Default)]
pub(crate) struct Destinations {
    pub(crate) out: Option<PathBuf>,
    pub(crate) maildir: Option<PathBuf>,
    pub(crate) mbox: Option<PathBuf>,
}

/// Writes the drafts; Ctrl-C waits until they are complete.
pub(crate) fn write_drafts(dest: &Destinations, letters: &[Letter], now: Timestamp) -> Result<()> {
    drafts::check_destinations(
        dest.out.as_deref(),
        dest.maildir.as_deref(),
        dest.mbox.as_deref(),
        letters,
    )?;
    prompt::writing(|| {
        if let Some(dir) = &dest.out {
            let paths: Vec<PathBuf> = drafts::write_folder(dir, letters, now)?;
            for p in paths {
                eprintln!("wrote {}", p.display());
            }
        }
        if let Some(dir) = &dest.maildir {
            let n = drafts::write_maildir(dir, letters, now)?;
            eprintln!("stored {n} draft(s) in the Maildir {}", dir.display());
        }
        if let Some(file) = &dest.mbox {
            let n = drafts::append_mbox(file, letters, now)?;
            eprintln!("appended {n} draft(s) to {}", file.display());
        }
        Ok(())
    })
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
        return Err(Usage("--signers sends one campaign per run: name just one".into()).into());
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
    let mut opts = send_options(args);
    if !opts.dry_run {
        let (mut total, mut held) = (0, 0);
        for c in &all {
            let (n, text, h) = crate::send::plan_only(
                &l.ws.root,
                &c.campaign.id,
                &mut c.letters.as_slice(),
                l.settings.delivery.as_ref(),
                &opts,
                now,
            )?;
            total += n;
            held += h;
            prompt::note_line(&format!("{}: {}", c.campaign.id, text.trim_end()));
        }
        if total == 0 {
            if held > 0 {
                prompt::note_line(&format!(
                    "nothing to send now: {held} letter(s) held back (failed or unknown before: see `outcry status`, --retry-failed, --retry-unknown)"
                ));
                return Ok(ExitCode::from(crate::EXIT_FAILED));
            }
            prompt::note_line("nothing to send");
            return Ok(ExitCode::SUCCESS);
        }
        if !opts.yes {
            if !prompt::interactive() {
                return Err(Usage(
                    "no terminal to confirm on: review with --dry-run, then pass --yes".into(),
                )
                .into());
            }
            if !prompt::confirm(&format!(
                "Send these {total} letters of {} campaigns now?",
                all.len()
            ))? {
                return Err(crate::send::NotConfirmed.into());
            }
        }
        opts.yes = true;
    }
    let mut code = ExitCode::SUCCESS;
    for c in &all {
        if deliver(&l, c, &opts, now)? != ExitCode::SUCCESS {
            code = ExitCode::from(crate::EXIT_FAILED);
        }
    }
    Ok(code)
}

pub(crate) fn send_options(args: &SendArgs) -> crate::send::Options {
    crate::send::Options {
        yes: args.yes,
        dry_run: args.dry_run,
        limit: args.limit,
        retry_unknown: args.retry_unknown,
        retry_failed: args.retry_failed,
        json: args.format == Format::Json,
    }
}

/// Checks that there is a sender and a way to send.
pub(crate) fn check_sender(l: &Loaded, args: &SendArgs, diags: &mut Diagnostics) {
    let sender = &l.settings.sender;
    if sender.name.is_none() || sender.email.is_none() {
        diags.error(
            crate::diag::Origin::Setting("sender".into()),
            "sending needs a sender: set name and email in [sender] of your config or outcry.toml, or use --sender-name and --sender-email",
        );
    }
    if l.settings.delivery.is_none() && !args.dry_run && !diags.has_errors() {
        diags.error(
            crate::diag::Origin::Setting("smtp".into()),
            "no way to send: set host (and username) in an [smtp] table, or transport = \"sendmail\" (see README, Sending)",
        );
    }
}

/// A campaign past its deadline is sent only with --force.
pub(crate) fn check_deadline(
    campaign: &Campaign,
    args: &SendArgs,
    now: Timestamp,
) -> Result<(), Usage> {
    if let Some((deadline, origin)) = &campaign.deadline
        && *deadline < today(now)
        && !args.force
    {
        return Err(Usage(format!(
            "{origin}: the deadline {deadline} has passed: pass --force to send anyway"
        )));
    }
    Ok(())
}

/// Sends the e-mail letters of a composed campaign (after the plan and the confirmation in
/// [`crate::send::run`]) and reports.
pub(crate) fn deliver(
    l: &Loaded,
    composed: &Composed,
    opts: &crate::send::Options,
    now: Timestamp,
) -> Result<ExitCode> {
    let Composed {
        campaign,
        plan,
        letters,
    } = composed;
    let others = letters.iter().filter(|l| !l.is_email()).count();
    if others > 0 {
        prompt::note_line(&format!(
            "{others} letter(s) go by fax, post, web form or phone: `outcry compose {} --out DIR` writes them",
            campaign.id
        ));
    }
    for u in &plan.unresolved {
        prompt::note_line(&format!("unresolved: {}", u.reason));
    }

    let report = crate::send::run(
        &l.ws.root,
        &campaign.id,
        &mut letters.as_slice(),
        l.settings.delivery.as_ref(),
        opts,
        now,
    )?;
    crate::send::print_report(&campaign.id, &report);
    Ok(if report.all_accepted() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::EXIT_FAILED)
    })
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
        eprintln!("nothing sent yet for {campaign}");
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

/// `outcry smtp test` for the given settings.
pub(crate) fn test_delivery(delivery: Option<&config::Delivery>) -> Result<ExitCode> {
    match delivery {
        None => Err(Usage(
            "no [smtp] host configured: nothing to test (see README, Sending)".into(),
        )
        .into()),
        Some(config::Delivery {
            transport: config::Transport::Sendmail(path),
            ..
        }) => {
            if path.is_file() {
                eprintln!(
                    "ok: letters go to {} (sendmail); nothing to connect to",
                    path.display()
                );
                Ok(ExitCode::SUCCESS)
            } else {
                Err(anyhow::anyhow!("{} does not exist", path.display()))
            }
        }
        Some(config::Delivery {
            transport: config::Transport::Smtp(s),
            ..
        }) => {
            let line = crate::send::check_account(s)?;
            eprintln!("ok: {line}");
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn init(cli: &Cli, dir: Option<&Path>) -> Result<ExitCode> {
    let dir = dir.unwrap_or(Path::new("."));
    // Whatever is in the folder already is someone else's: no link below it is written through.
    crate::files::enter_workspace(dir);
    if prompt::interactive() && dir.join("contacts.toml").is_file() {
        eprintln!(
            "{} is a workspace already: its files stay as they are.",
            dir.display()
        );
        return guide::setup(cli, dir);
    }
    for path in crate::init::init(dir)? {
        eprintln!("wrote {}", path.display());
    }
    if prompt::interactive() {
        return guide::setup(cli, dir);
    }
    eprintln!(
        "next: put your name and e-mail in {}, then `outcry -C {} check`",
        config::personal_config_path().map_or_else(
            || "your personal config".into(),
            |p| p.display().to_string()
        ),
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}

fn new(cli: &Cli, args: &NewArgs, now: Timestamp) -> Result<ExitCode> {
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let ws = Workspace::find(&cwd)?;
    let folder = ws.root.join("letters").join(&args.id);
    if folder.exists() {
        return Err(Usage(format!(
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
        eprintln!("wrote {}", p.strip_prefix(&cwd).unwrap_or(p).display());
    }
    check(cli, Some(&args.id), now)
}

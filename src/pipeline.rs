//! The pipeline beneath the commands, the guided path and bulk mailings: load the workspace
//! and settings, validate, compose a campaign's letters, then write drafts or deliver them.
//! Nothing here calls up into `commands`, `guide` or `bulk`.

use std::io::{IsTerminal as _, Read as _};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use jiff::Timestamp;
use jiff::civil::Date;

use crate::campaign::Campaign;
use crate::config;
use crate::contacts::AddressBook;
use crate::diag::{Diagnostics, Error};
use crate::drafts::Destinations;
use crate::fields::{MAX_PERSONAL, check_personal};
use crate::letter::{Channel, Kind, Letter};
use crate::plan::{self, Plan, Selection, Target};
use crate::prompt;
use crate::render::Renderers;
use crate::workspace::{Partial, Workspace};

mod report;

pub(crate) use report::{has_gateway, report, report_letter, report_state, send_report};

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
pub(crate) fn load(
    given: &config::Given,
    signatories: Option<&Path>,
    diags: &mut Diagnostics,
) -> Result<Loaded> {
    let ws = Workspace::here()?;
    let book = AddressBook::load(&ws.root, diags);
    let settings = config::load(&ws.root, given, diags);
    let partials = ws.partials(diags);
    let signatories = signatories.map(read_signatories).transpose()?;
    Ok(Loaded {
        signatories,
        ws,
        book,
        settings,
        partials,
    })
}

impl Loaded {
    /// Reads one campaign, its co-signatories replaced by `--signatories` when given.
    pub(crate) fn campaign(&self, id: &str, diags: &mut Diagnostics) -> Option<Campaign> {
        let mut campaign = self.ws.load_campaign(id, diags)?;
        if let Some(list) = &self.signatories {
            campaign.signatories.clone_from(list);
        }
        Some(campaign)
    }
}

/// What to compose: one campaign, the targets chosen, the writer's own paragraph and
/// co-signatories, as files to read.
#[derive(Debug, Clone, Default)]
pub(crate) struct Request {
    pub(crate) campaign: String,
    pub(crate) selection: Selection,
    pub(crate) personal: Option<PathBuf>,
    pub(crate) signatories: Option<PathBuf>,
}

/// Makes the delivery settings' problems count, for the commands that send or test them.
pub(crate) fn need_delivery(l: &mut Loaded, diags: &mut Diagnostics) {
    diags.extend(std::mem::take(&mut l.settings.delivery_problems));
}

/// Loads the workspace and renders the chosen targets of one campaign (for compose and send).
pub(crate) fn prepare(
    given: &config::Given,
    req: &Request,
    now: Timestamp,
    diags: &mut Diagnostics,
) -> Result<(Loaded, Option<Composed>)> {
    let l = load(given, req.signatories.as_deref(), diags)?;
    let personal = req
        .personal
        .as_deref()
        .map(read_personal)
        .transpose()?
        .unwrap_or_default();
    require_campaign(&l.ws, &req.campaign)?;
    let composed = compose_campaign(&l, &req.campaign, &req.selection, &personal, now, diags)?;
    Ok((l, composed))
}

/// Reads `--signatories FILE`: one per line; blank lines and lines starting with `#` skipped.
pub(crate) fn read_signatories(path: &Path) -> Result<Vec<String>> {
    let shown = path.display();
    let bytes = crate::files::read_named(path, crate::files::TEXT)
        .map_err(|e| Error::Usage(format!("--signatories {shown}: {e}")))?
        .ok_or_else(|| Error::Usage(format!("--signatories {shown}: no such file")))?;
    // Each line is checked below, control characters included, so that all are reported.
    let src =
        crate::source::Source::decode(path, &bytes).map_err(|d| Error::Usage(format!("{d}")))?;
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
pub(crate) fn load_bulk(
    given: &config::Given,
    req: &Request,
    sending: bool,
    diags: &mut Diagnostics,
) -> Result<(Loaded, Campaign)> {
    if req.personal.is_some() {
        return Err(Error::Usage(
            "--personal does not go with --signers: each signer's `note` column is theirs".into(),
        )
        .into());
    }
    let mut l = load(given, req.signatories.as_deref(), diags)?;
    if sending {
        need_delivery(&mut l, diags);
    }
    require_campaign(&l.ws, &req.campaign)?;
    let Some(campaign) = l.campaign(&req.campaign, diags) else {
        return Err(std::mem::take(diags).into_error());
    };
    Ok((l, campaign))
}

/// Reads the personal paragraph from `path` (`-`: stdin), checked like any text field.
pub(crate) fn read_personal(path: &Path) -> Result<String> {
    let shown = path.display();
    let mut bytes = Vec::new();
    // Four bytes a character at most: anything longer is refused without reading it all.
    let limit = u64::try_from(MAX_PERSONAL * 4 + 1).unwrap_or(u64::MAX);
    if path == Path::new("-") {
        if std::io::stdin().is_terminal() {
            return Err(Error::Usage(
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
            .map_err(|e| Error::Usage(format!("--personal {shown}: {e}")))?
            .ok_or_else(|| Error::Usage(format!("--personal {shown}: no such file")))?;
        file.take(limit)
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {shown}"))?;
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| Error::Usage(format!("--personal {shown}: not UTF-8 text")))?;
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    check_personal(&text).map_err(|e| Error::Usage(format!("--personal {shown}: {e}")))?;
    Ok(text)
}

/// Turns the collected problems into an error, or prints the warnings and hands back the
/// composed campaign, refusing one whose selection leaves no letter at all.
pub(crate) fn finish(composed: Option<Composed>, diags: Diagnostics) -> Result<Composed> {
    let (composed, diags) = diags.and_then_value(composed)?;
    print_warnings(&diags);
    if composed.letters.is_empty() {
        let why: Vec<String> = composed
            .plan
            .unresolved
            .iter()
            .map(|u| u.reason.clone())
            .collect();
        return Err(Error::Usage(format!(
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
    let Some(campaign) = l.campaign(id, diags) else {
        return Ok(None);
    };
    if let Some((deadline, origin)) = campaign.past_deadline(today(now)) {
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
    let renderers = Renderers::new(&campaign, &l.partials, diags);
    let plan = plan::plan(&campaign, &l.book, &l.settings.sender, sel, diags)?;
    let Some(renderers) = renderers else {
        return Ok(None);
    };
    let mut letters = Vec::new();
    let mut whole = true;
    for p in &plan.letters {
        match renderers.render(
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
            Err(d) => {
                whole = false;
                diags.error(d.origin, d.message);
            }
        }
    }
    if whole {
        crate::render::attach_originals(&plan.letters, &mut letters);
    }
    Ok(Some(Composed {
        campaign,
        plan,
        letters,
    }))
}

pub(crate) fn require_campaign(ws: &Workspace, id: &str) -> Result<(), Error> {
    if ws.has_campaign(id) {
        return Ok(());
    }
    let folder = ws.root.join("letters").join(id);
    if crate::fields::check_id(id).is_ok() && folder.is_dir() {
        return Err(Error::Usage(format!(
            "letters/{id} has no campaign.toml: every campaign needs one (see docs/format.md)"
        )));
    }
    let known = ws.campaigns();
    Err(Error::Usage(format!(
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
        crate::output::warning(w);
    }
}

/// Writes the drafts, after checking every destination; Ctrl-C waits until they are complete.
pub(crate) fn write_drafts(dest: &Destinations, letters: &[Letter], now: Timestamp) -> Result<()> {
    dest.check(letters)?;
    prompt::writing(|| {
        dest.write(letters, now, &mut |w| {
            if w.files.is_empty() && w.removed.is_empty() {
                crate::output::note(&w.summary);
            }
            for p in &w.files {
                crate::output::note(&format!("wrote {}", p.display()));
            }
            for p in &w.removed {
                crate::output::note(&format!("removed {} (not in this run)", p.display()));
            }
        })
    })
}

/// Records in the campaign's journal, when it has one, that `letters` were written as drafts,
/// for `outcry report` (see [`crate::send::journal::draft`]). Drafting alone never makes a
/// journal: a workspace drafted in and passed on must not carry one for others' `send` to
/// refuse. The drafts are written already, so a journal that cannot take the line (another
/// run holds it, or it is not this writer's) is a warning, not a failure.
pub(crate) fn journal_drafts(l: &Loaded, campaign: &str, letters: &[Letter]) {
    // Call scripts are no letters: the journal's calls are the calls made.
    let ids: Vec<String> = letters
        .iter()
        .filter(|x| x.channel != Channel::Phone)
        .map(|x| x.id.clone())
        .collect();
    if ids.is_empty() {
        return;
    }
    let time = Timestamp::now().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let recorded =
        crate::send::journal::Journal::open_existing(&l.ws.root, campaign).and_then(|journal| {
            match journal {
                Some((mut journal, _)) => journal.record_drafts(ids, time),
                None => Ok(()),
            }
        });
    if let Err(e) = recorded {
        crate::output::note(&format!(
            "warning: the drafts are written, but the journal does not record them, so `outcry report {campaign}` does not show them as drafted (the same compose again records them): {e:#}"
        ));
    }
}

/// Checks that the letters have someone to sign them and answer: `what` needs a name and an
/// e-mail, which only the writer's own settings give.
pub(crate) fn require_sender(sender: &config::Sender, what: &str, diags: &mut Diagnostics) {
    if sender.name.is_some() && sender.email.is_some() {
        return;
    }
    let file = config::personal_config_shown();
    diags.error(
        crate::diag::Origin::Setting("sender".into()),
        format!("{what} needs a sender: set name and email in [sender] of {file}, or use --sender-name and --sender-email"),
    );
}

/// A warning when the campaign has postal letters and the sender no address to put on them
/// (their return-address line would name the writer alone), at the campaign's `to` entry of
/// the first; for `check`, and for `compose` and the guided path when they write them.
pub(crate) fn no_return_address(sender: &config::Sender, c: &Composed, diags: &mut Diagnostics) {
    if sender.address.is_some() {
        return;
    }
    let post: Vec<&Target> = c
        .plan
        .letters
        .iter()
        .filter(|l| l.kind == Kind::Letter && l.channel == Channel::Post)
        .flat_map(|l| &l.to)
        .collect();
    let Some(first) = post.first() else {
        return;
    };
    let to = &c.campaign.to;
    let origin = to
        .iter()
        .find(|(t, _)| t.key() == first.key)
        .or_else(|| to.first())
        .map_or_else(
            || crate::diag::Origin::file(c.campaign.dir.join("campaign.toml")),
            |(_, o)| o.clone(),
        );
    let ids: Vec<&str> = post.iter().map(|t| t.contact.id.as_str()).collect();
    diags.warning(
        origin,
        format!(
            "postal letters ({}) carry no return address: set address in [sender] of {}, or give --sender-address",
            ids.join(", "),
            config::personal_config_shown(),
        ),
    );
}

/// Checks that there is a sender and a way to send.
pub(crate) fn check_sender(l: &Loaded, dry_run: bool, diags: &mut Diagnostics) {
    require_sender(&l.settings.sender, "sending", diags);
    if l.settings.delivery.is_none() && !dry_run && !diags.has_errors() {
        diags.error(
            crate::diag::Origin::Setting("smtp".into()),
            "no way to send: set host (and username) in an [smtp] table, or transport = \"sendmail\" (see README, Sending)",
        );
    }
}

/// A campaign past its deadline is sent only with --force.
pub(crate) fn check_deadline(
    campaign: &Campaign,
    force: bool,
    now: Timestamp,
) -> Result<(), Error> {
    if let Some((deadline, origin)) = campaign.past_deadline(today(now))
        && !force
    {
        return Err(Error::Usage(format!(
            "{origin}: the deadline {deadline} has passed: pass --force to send anyway"
        )));
    }
    Ok(())
}

/// Sends the e-mail letters of a composed campaign (after the plan and the confirmation in
/// [`crate::send::send`]) and reports.
pub(crate) fn deliver(
    l: &Loaded,
    composed: &Composed,
    opts: &crate::send::Options,
    now: Timestamp,
) -> Result<ExitCode> {
    deliver_all(l, &[composed], opts, now)
}

/// Sends the e-mail letters of several composed campaigns, with one plan and one question for
/// them all, each campaign with its own journal and report.
pub(crate) fn deliver_all(
    l: &Loaded,
    composed: &[&Composed],
    opts: &crate::send::Options,
    now: Timestamp,
) -> Result<ExitCode> {
    for Composed {
        campaign,
        plan,
        letters,
    } in composed
    {
        let gateway = l.settings.delivery.as_ref().and_then(|d| d.fax.as_ref());
        let by_hand: Vec<&Letter> = letters
            .iter()
            .filter(|x| !(x.is_email() || x.channel == Channel::Fax && gateway.is_some()))
            .collect();
        if !by_hand.is_empty() {
            crate::output::note(&format!(
                "{} letter(s) to deliver yourself: `outcry compose {} --out DIR` writes them",
                by_hand.len(),
                campaign.id
            ));
            for x in by_hand {
                crate::output::note(&format!("  {:<28} {}", x.id, by_hand_how(x)));
            }
        }
        for u in &plan.unresolved {
            crate::output::note(&format!("unresolved: {}", u.reason));
        }
    }
    let jobs: Vec<crate::send::Job> = composed
        .iter()
        .map(|c| crate::send::Job {
            root: &l.ws.root,
            campaign: &c.campaign.id,
            letters: &c.letters,
            command: "outcry send",
        })
        .collect();
    let reports = crate::send::send(&jobs, l.settings.delivery.as_ref(), opts, now)?;
    Ok(if reports.iter().all(crate::send::Report::all_accepted) {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::EXIT_FAILED)
    })
}

/// How a letter not sent by e-mail reaches its addressee, and which file to use for it.
fn by_hand_how(x: &Letter) -> String {
    let number = |a: &str| {
        crate::phone::Phone::parse(a, None).map_or_else(|_| a.to_string(), |p| p.international)
    };
    let to = x.to.first().map(|a| a.address.as_str()).unwrap_or_default();
    let file = x.pdf_name().unwrap_or_else(|| x.file_name());
    match x.channel {
        Channel::Fax => format!(
            "fax {file} to {} (or set a [fax] gateway to send it: see README, Fax)",
            number(to)
        ),
        Channel::Post => format!("print {file} and post it in a window envelope"),
        Channel::Web => format!("paste {file} into the form at {to}"),
        Channel::Phone => format!("call {} (script: {file})", number(to)),
        Channel::Email => file,
    }
}

/// `outcry smtp test` for the given settings.
pub(crate) fn test_delivery(delivery: Option<&config::Delivery>) -> Result<ExitCode> {
    let Some(delivery) = delivery else {
        return Err(Error::Usage(
            "no [smtp] host configured: nothing to test (see README, Sending)".into(),
        )
        .into());
    };
    let mut transport = crate::send::transport::open(delivery)?;
    let line = transport.check();
    transport.close();
    crate::output::note(&format!("ok: {}", line?));
    Ok(ExitCode::SUCCESS)
}

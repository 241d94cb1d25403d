//! Bulk mailings: one letter per signer and target, rendered one signer at a time so that
//! memory stays flat however long the signers file is.
//!
//! The campaign's plan depends on the signer only through their country (the embassy of
//! `embassy:XX`), so it is made once per country and kept.

mod chunks;

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Mutex, OnceLock};

use anyhow::Result;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::campaign::Campaign;
use crate::config::Sender;
use crate::diag::{Diagnostic, Diagnostics};
use crate::drafts::{Destinations, Draft, Forms};
use crate::fields::Country;
use crate::letter::Letter;
use crate::output::Format;
use crate::pipeline::{self, Loaded};
use crate::plan::{self, Plan, Selection};
use crate::render::{Renderers, Sheet, Signing};
use crate::send::Letters as _;
use crate::signers::Signer;
use crate::signers::Signers;
use crate::{drafts, prompt, review};
use chunks::{Mode, Ready, render_chunk, threads};

/// A bulk run as asked for: the signers file, whether a bad row stops it, the targets.
#[derive(Debug, Clone)]
pub(crate) struct Options {
    pub(crate) signers: std::path::PathBuf,
    pub(crate) strict: bool,
    pub(crate) selection: Selection,
}

/// Renders a campaign's letters signer by signer.
pub(crate) struct Bulk<'a> {
    l: &'a Loaded,
    pub campaign: &'a Campaign,
    renderers: Renderers,
    sel: Selection,
    signatories: &'a [String],
    date: Date,
    plans: HashMap<Option<Country>, Plan>,
    /// The signers file, for the origin of a letter that does not render.
    signers_file: std::path::PathBuf,
    /// The sheets [`Bulk::letters`] renders on.
    sheets: Sheets,
}

/// The contexts one thread renders signers' letters from, one [`Sheet`] for each country's
/// plan and language: built once, signed anew for each signer.
#[derive(Default)]
struct Sheets(HashMap<(Option<Country>, String), Sheet>);

impl<'a> Bulk<'a> {
    /// Compiles the templates and makes the plan for the account's own country, reporting
    /// the campaign's own problems (unknown contacts, template errors) to `diags` once.
    pub fn new(
        l: &'a Loaded,
        campaign: &'a Campaign,
        sel: &Selection,
        signatories: &'a [String],
        signers_file: &Path,
        date: Date,
        diags: &mut Diagnostics,
    ) -> anyhow::Result<Option<Bulk<'a>>> {
        let renderers = Renderers::new(campaign, &l.partials, diags);
        let first = plan::plan(campaign, &l.book, &l.settings.sender, sel, diags)?;
        let Some(renderers) = renderers else {
            return Ok(None);
        };
        let mut plans = HashMap::new();
        plans.insert(l.settings.sender.country, first);
        Ok(Some(Bulk {
            l,
            campaign,
            renderers,
            sel: sel.clone(),
            signatories,
            date,
            plans,
            signers_file: signers_file.to_path_buf(),
            sheets: Sheets::default(),
        }))
    }

    /// The country whose plan a signer's letters follow: theirs, else the account's.
    fn country(&self, signer: &Signer) -> Option<Country> {
        signer.country.or(self.l.settings.sender.country)
    }

    /// Makes the plan for a signer's country, unless it is made.
    fn plan_for(&mut self, signer: &Signer) {
        let country = self.country(signer);
        if self.plans.contains_key(&country) {
            return;
        }
        let as_signer = Sender {
            country,
            ..self.l.settings.sender.clone()
        };
        // The campaign's own problems were reported with the first plan.
        let mut quiet = Diagnostics::default();
        let plan = plan::plan(
            self.campaign,
            &self.l.book,
            &as_signer,
            &self.sel,
            &mut quiet,
        )
        .unwrap_or_default();
        self.plans.insert(country, plan);
    }

    /// The targets no letter of a signer reaches (their plan made by [`Bulk::plan_for`]).
    fn unresolved(&self, country: Option<Country>) -> &[plan::Unresolved] {
        self.plans
            .get(&country)
            .map_or(&[], |p| p.unresolved.as_slice())
    }

    /// The letters of one signer, in the plan's order, rendered on `sheets` (their plan
    /// made by [`Bulk::plan_for`]), each in its language.
    fn render(&self, sheets: &mut Sheets, signer: &Signer) -> Result<Vec<Letter>, Diagnostic> {
        let country = self.country(signer);
        let Some(plan) = self.plans.get(&country) else {
            return Ok(Vec::new());
        };
        let signing = Signing {
            signer: Some(signer),
            personal: "",
            signatories: self.signatories,
        };
        let account = &self.l.settings.sender;
        // One sheet for each language the plan's letters are in, signed for this signer.
        let mut signed_in: Vec<String> = Vec::new();
        let mut sheet_for = |sheets: &mut Sheets, language: &str| {
            let lang = self.renderers.get(language);
            let key = (country, lang.campaign.language.clone());
            let sheet = sheets.0.entry(key.clone()).or_insert_with(|| {
                Sheet::new(&lang.campaign, &plan.letters, self.signatories, self.date).memoized()
            });
            if !signed_in.contains(&key.1) {
                sheet.sign(account, &signing);
                signed_in.push(key.1.clone());
            }
            key
        };
        plan.letters
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let original = match self.renderers.original(p) {
                    Some(o) => {
                        let main = self.renderers.main();
                        let key = sheet_for(sheets, &main.campaign.language);
                        let sheet = sheets.0.get_mut(&key).expect("made above");
                        let l = main.renderer.render_on(
                            sheet,
                            i,
                            &main.campaign,
                            &o,
                            account,
                            &signing,
                            None,
                        )?;
                        Some((main.campaign.language.clone(), l.body))
                    }
                    None => None,
                };
                let lang = self.renderers.get(&p.language);
                let key = sheet_for(sheets, &p.language);
                let sheet = sheets.0.get_mut(&key).expect("made above");
                lang.renderer
                    .render_on(
                        sheet,
                        i,
                        &lang.campaign,
                        p,
                        account,
                        &signing,
                        original.as_ref().map(|(l, t)| (l.as_str(), t.as_str())),
                    )
                    .map_err(|d| Diagnostic {
                        message: format!("{}: {}", d.origin, d.message),
                        origin: crate::diag::Origin::at(
                            &self.signers_file,
                            usize::try_from(signer.line).unwrap_or(usize::MAX),
                        ),
                        ..d
                    })
            })
            .collect::<Result<Vec<_>, _>>()
            .map(|mut letters| {
                crate::render::attach_originals(&plan.letters, &mut letters);
                letters
            })
    }

    /// The letters of one signer, in the plan's order, and the targets no letter of theirs
    /// reaches.
    pub fn letters(
        &mut self,
        signer: &Signer,
    ) -> Result<(Vec<Letter>, &[plan::Unresolved]), Diagnostic> {
        self.plan_for(signer);
        let mut sheets = std::mem::take(&mut self.sheets);
        let letters = self.render(&mut sheets, signer);
        self.sheets = sheets;
        letters.map(|l| (l, self.unresolved(self.country(signer))))
    }
}

/// Targets no letter reaches, with how many signers they concern.
#[derive(Debug, Default, Clone)]
struct Unresolved(BTreeMap<String, usize>);

impl Unresolved {
    /// Counts one signer's unresolved targets.
    fn count(&mut self, targets: &[plan::Unresolved]) {
        for u in targets {
            *self.0.entry(u.reason.clone()).or_default() += 1;
        }
    }
}

/// What a bulk compose wrote or printed, for the summary.
#[derive(Default, Serialize)]
struct Totals {
    signers: usize,
    letters: usize,
    skipped: usize,
}

/// Drafts written on a thread of their own, so that writing files overlaps rendering (and
/// making the messages and PDFs of) the next letters.
struct DraftWriter {
    tx: std::sync::mpsc::SyncSender<Draft>,
    thread: std::thread::JoinHandle<Result<Vec<Box<dyn drafts::Sink>>>>,
}

impl DraftWriter {
    fn start(mut sinks: Vec<Box<dyn drafts::Sink>>, now: Timestamp) -> DraftWriter {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Draft>(256);
        let thread = std::thread::spawn(move || {
            for draft in rx {
                for s in &mut sinks {
                    s.add(&draft, now)?;
                }
            }
            Ok(sinks)
        });
        DraftWriter { tx, thread }
    }

    /// Hands a draft over; an error is the writer's own, once it stopped.
    fn write(&mut self, draft: Draft) -> Result<()> {
        if self.tx.send(draft).is_err() {
            // The thread stopped on an error: finish() reports it.
            anyhow::bail!("the drafts could not be written");
        }
        Ok(())
    }

    fn finish(self) -> Result<Vec<Box<dyn drafts::Sink>>> {
        drop(self.tx);
        self.thread
            .join()
            .map_err(|_| anyhow::anyhow!("writing the drafts failed"))?
    }
}

/// The `skipped` JSON line of a row of the signers file left out.
fn skipped_line(file: &Path, d: &Diagnostic) -> String {
    #[derive(Serialize)]
    struct Skipped<'a> {
        file: String,
        line: usize,
        reason: &'a str,
    }
    crate::output::json_line(
        "skipped",
        &Skipped {
            file: file.display().to_string(),
            line: d.origin.line().unwrap_or(0),
            reason: &d.message,
        },
    )
}

/// Where the letters go: the review on stdout (text or JSON Lines), or drafts.
struct Output<'a> {
    campaign: &'a Campaign,
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
    json: bool,
    drafts: Option<DraftWriter>,
    /// What the drafts' destinations write of a letter, and the run's date.
    forms: Forms,
    now: Timestamp,
    totals: Totals,
}

impl<'a> Output<'a> {
    fn new(
        dest: &Destinations,
        format: Format,
        campaign: &'a Campaign,
        now: Timestamp,
    ) -> Result<Output<'a>> {
        let writes = !dest.is_empty();
        let sinks = dest.open()?;
        let mut o = Output {
            campaign,
            out: crate::output::stdout(),
            json: format == Format::Json && !writes,
            drafts: writes.then(|| DraftWriter::start(sinks, now)),
            forms: dest.forms(),
            now,
            totals: Totals::default(),
        };
        if o.json {
            let line = review::json_campaign(campaign, pipeline::today(now));
            o.out.write_all(line.as_bytes())?;
        }
        Ok(o)
    }

    /// What the threads that render make of each signer's letters for this output.
    fn mode(&self) -> Mode {
        match (&self.drafts, self.json) {
            (Some(_), _) => Mode::Drafts {
                forms: self.forms,
                now: self.now,
            },
            (None, true) => Mode::Json,
            (None, false) => Mode::Text,
        }
    }

    /// Writes one signer's letters, numbering them in the text review.
    fn letters(&mut self, ready: Ready) -> Result<()> {
        if let Some(w) = &mut self.drafts {
            for draft in ready.drafts? {
                self.totals.letters += 1;
                w.write(draft)?;
            }
            return Ok(());
        }
        let mut from = 0;
        for mark in ready.marks {
            self.totals.letters += 1;
            self.out.write_all(&ready.text.as_bytes()[from..mark])?;
            write!(self.out, "{}", self.totals.letters)?;
            from = mark;
        }
        self.out.write_all(&ready.text.as_bytes()[from..])?;
        if self.json {
            self.totals.letters += ready.count;
        }
        Ok(())
    }

    /// A row left out: on stderr, and as a `skipped` line.
    fn skipped(&mut self, file: &Path, d: &Diagnostic) -> Result<()> {
        self.totals.skipped += 1;
        crate::output::note(&format!("{d} (left out)"));
        if self.json {
            self.out.write_all(skipped_line(file, d).as_bytes())?;
        }
        Ok(())
    }

    fn unresolved(&mut self, reason: &str, signers: usize) -> Result<()> {
        #[derive(Serialize)]
        struct U<'a> {
            campaign: &'a str,
            reason: &'a str,
            signers: usize,
        }
        crate::output::note(&format!("unresolved for {signers} signer(s): {reason}"));
        if self.json {
            let line = crate::output::json_line(
                "unresolved",
                &U {
                    campaign: &self.campaign.id,
                    reason,
                    signers,
                },
            );
            self.out.write_all(line.as_bytes())?;
        }
        Ok(())
    }

    /// Stops the drafts writer after an error; its own error, if it had one.
    fn stop(mut self) -> Result<()> {
        match self.drafts.take() {
            Some(w) => w.finish().map(|_| ()),
            None => Ok(()),
        }
    }

    /// Moves the drafts into place, prints the summary; the totals.
    fn finish(mut self) -> Result<Totals> {
        #[derive(Serialize)]
        struct S<'a> {
            campaign: &'a str,
            #[serde(flatten)]
            totals: &'a Totals,
        }
        if let Some(w) = self.drafts.take() {
            let sinks = w.finish()?;
            let written: Vec<Option<drafts::Written>> = prompt::writing(|| {
                sinks
                    .into_iter()
                    .map(drafts::Sink::finish)
                    .collect::<Result<_>>()
            })?;
            for w in written.into_iter().flatten() {
                crate::output::note(&w.summary);
            }
        }
        if self.json {
            let line = crate::output::json_line(
                "summary",
                &S {
                    campaign: &self.campaign.id,
                    totals: &self.totals,
                },
            );
            self.out.write_all(line.as_bytes())?;
        }
        self.out.flush()?;
        Ok(self.totals)
    }
}

/// `outcry compose CAMPAIGN --signers FILE`: streams the signers, rendering and writing each
/// one's letters before reading the next.
pub(crate) fn compose(
    l: &Loaded,
    o: &Options,
    format: Format,
    dest: &Destinations,
    campaign: &Campaign,
    now: Timestamp,
    mut diags: Diagnostics,
) -> Result<ExitCode> {
    let signers_file = o.signers.as_path();
    dest.check_streaming()?;
    if !dest.is_empty() && l.settings.sender.email.is_none() {
        diags.error(
            crate::diag::Origin::Setting("sender".into()),
            "drafts need the account's e-mail address (their From): set email in [sender] or use --sender-email",
        );
    }
    let date = pipeline::today(now);
    let bulk = Bulk::new(
        l,
        campaign,
        &o.selection,
        &campaign.signatories,
        signers_file,
        date,
        &mut diags,
    )?;
    let signers = Signers::open(signers_file)?;
    let (mut bulk, diags) = diags.and_then_value(bulk)?;
    pipeline::print_warnings(&diags);
    dest.check(&[])?;
    let mut output = Output::new(dest, format, campaign, now)?;
    let mut unresolved = Unresolved::default();
    let mode = output.mode();
    let mut sheets: Vec<Sheets> = std::iter::repeat_with(Sheets::default)
        .take(threads())
        .collect();
    let mut signers = signers.peekable();
    // Each chunk's letters are written while the next chunk renders.
    let mut pending = Vec::new();
    let mut stop = None;
    while signers.peek().is_some() && stop.is_none() {
        let rows: Vec<_> = signers.by_ref().take(mode.chunk()).collect();
        for s in rows.iter().flatten() {
            bulk.plan_for(s);
        }
        let earlier = std::mem::take(&mut pending);
        let (done, written) = render_chunk(&bulk, &mut sheets, &rows, mode, || {
            write_chunk(
                &bulk,
                &mut output,
                &mut unresolved,
                earlier,
                signers_file,
                o.strict,
            )
        });
        stop = written.err();
        pending = done;
    }
    if stop.is_none() {
        stop = write_chunk(
            &bulk,
            &mut output,
            &mut unresolved,
            pending,
            signers_file,
            o.strict,
        )
        .err();
    }
    match stop {
        None => {}
        // The writer's own error says what went wrong.
        Some(Stop::Writer(e)) => return Err(output.stop().err().unwrap_or(e)),
        Some(Stop::Strict(d)) => {
            // The drafts written so far go with the writer's staging folder.
            output.stop()?;
            return Err(crate::diag::Error::Invalid(vec![d]).into());
        }
        Some(Stop::Other(e)) => return Err(e),
    }
    for (reason, n) in &unresolved.0 {
        output.unresolved(reason, *n)?;
    }
    let totals = output.finish()?;
    crate::output::note(&format!(
        "{}: {} signer(s), {} letter(s){}",
        campaign.id,
        totals.signers,
        totals.letters,
        if totals.skipped > 0 {
            format!(
                ", {} row(s) of {} left out",
                totals.skipped,
                signers_file.display()
            )
        } else {
            String::new()
        }
    ));
    Ok(if totals.skipped > 0 {
        ExitCode::from(crate::EXIT_FAILED)
    } else {
        ExitCode::SUCCESS
    })
}

/// Why writing a chunk's letters stopped the run.
enum Stop {
    /// The output (stdout, the drafts) failed.
    Writer(anyhow::Error),
    /// A row was left out under `--strict`.
    Strict(Diagnostic),
    Other(anyhow::Error),
}

/// Writes a rendered chunk's letters, in order, and notes its rows left out.
fn write_chunk(
    bulk: &Bulk<'_>,
    output: &mut Output<'_>,
    unresolved: &mut Unresolved,
    done: Vec<Result<Ready, Diagnostic>>,
    signers_file: &Path,
    strict: bool,
) -> Result<(), Stop> {
    for done in done {
        match done {
            Ok(ready) => {
                unresolved.count(bulk.unresolved(ready.country));
                output.totals.signers += 1;
                output.letters(ready).map_err(Stop::Writer)?;
            }
            Err(d) if strict => return Err(Stop::Strict(d)),
            Err(d) => output.skipped(signers_file, &d).map_err(Stop::Other)?,
        }
    }
    Ok(())
}

/// A signers file as the letters `send` asks for: read anew for each pass, rows left out and
/// unresolved targets reported by the first, which goes through the whole file.
struct BulkLetters<'a, 'b> {
    bulk: Mutex<&'b mut Bulk<'a>>,
    file: &'b Path,
    strict: bool,
    json: bool,
    /// What the first pass found, once it finished.
    found: OnceLock<Found>,
}

/// What a whole pass over the signers file found besides letters.
#[derive(Default)]
struct Found {
    skipped: usize,
    unresolved: Unresolved,
}

impl crate::send::Letters for BulkLetters<'_, '_> {
    fn iter(&self) -> Box<dyn Iterator<Item = Result<Letter>> + '_> {
        match Signers::open(self.file) {
            Ok(rows) => Box::new(BulkIter {
                of: self,
                rows,
                pending: Vec::new().into_iter(),
                found: self.found.get().is_none().then(Found::default),
            }),
            Err(e) => Box::new(std::iter::once(Err(e.into()))),
        }
    }

    fn left_out(&self) -> usize {
        self.found.get().map_or(0, |f| f.skipped)
    }
}

/// One pass over the signers file, a signer's letters at a time.
struct BulkIter<'s, 'a, 'b> {
    of: &'s BulkLetters<'a, 'b>,
    rows: Signers,
    pending: std::vec::IntoIter<Letter>,
    /// What this pass finds, when it is the first: it reports it as it goes.
    found: Option<Found>,
}

impl Iterator for BulkIter<'_, '_, '_> {
    type Item = Result<Letter>;

    fn next(&mut self) -> Option<Result<Letter>> {
        loop {
            if let Some(letter) = self.pending.next() {
                return Some(Ok(letter));
            }
            let Some(row) = self.rows.next() else {
                self.finish();
                return None;
            };
            let Ok(mut bulk) = self.of.bulk.lock() else {
                return Some(Err(anyhow::anyhow!("rendering the letters failed")));
            };
            match row.and_then(|s| bulk.letters(&s)) {
                Ok((letters, targets)) => {
                    if let Some(found) = &mut self.found {
                        found.unresolved.count(targets);
                    }
                    self.pending = letters.into_iter();
                }
                Err(d) if self.of.strict => {
                    return Some(Err(crate::diag::Error::Invalid(vec![d]).into()));
                }
                Err(d) => {
                    if let Err(e) = self.skipped(&d) {
                        return Some(Err(e));
                    }
                }
            }
        }
    }
}

impl BulkIter<'_, '_, '_> {
    /// A row left out: said on the first pass (and as a `skipped` JSON line).
    fn skipped(&mut self, d: &Diagnostic) -> Result<()> {
        let Some(found) = &mut self.found else {
            return Ok(());
        };
        found.skipped += 1;
        crate::output::note(&format!("{d} (left out)"));
        if self.of.json {
            crate::output::print(&skipped_line(self.of.file, d))?;
        }
        Ok(())
    }

    /// The end of a pass: the first says which targets no letter reaches, with the plan,
    /// before anything is asked or sent.
    fn finish(&mut self) {
        if let Some(found) = self.found.take() {
            for (reason, n) in &found.unresolved.0 {
                crate::output::note(&format!("unresolved for {n} signer(s): {reason}"));
            }
            let _ = self.of.found.set(found);
        }
    }
}

/// `outcry send CAMPAIGN --signers FILE`: one plan and one confirmation for every signer's
/// letters, then each signer's letters rendered as the connection takes them.
pub(crate) fn send(
    l: &Loaded,
    o: &Options,
    opts: &crate::send::Options,
    force: bool,
    campaign: &Campaign,
    now: Timestamp,
    mut diags: Diagnostics,
) -> Result<ExitCode> {
    let signers_file = o.signers.as_path();
    pipeline::check_sender(l, opts.dry_run, &mut diags);
    let bulk = Bulk::new(
        l,
        campaign,
        &o.selection,
        &campaign.signatories,
        signers_file,
        pipeline::today(now),
        &mut diags,
    )?;
    Signers::open(signers_file)?;
    let (mut bulk, diags) = diags.and_then_value(bulk)?;
    pipeline::print_warnings(&diags);
    pipeline::check_deadline(campaign, force, now)?;
    let letters = BulkLetters {
        bulk: Mutex::new(&mut bulk),
        file: signers_file,
        strict: o.strict,
        json: opts.format == Format::Json,
        found: OnceLock::new(),
    };
    let job = crate::send::Job {
        root: &l.ws.root,
        campaign: &campaign.id,
        letters: &letters,
        command: "outcry send",
    };
    let reports = crate::send::send(&[job], l.settings.delivery.as_ref(), opts, now)?;
    let skipped = letters.left_out();
    if skipped > 0 {
        crate::output::note(&format!(
            "{skipped} row(s) of {} left out",
            signers_file.display()
        ));
    }
    Ok(
        if reports.iter().all(crate::send::Report::all_accepted) && skipped == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(crate::EXIT_FAILED)
        },
    )
}

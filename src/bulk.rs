//! Bulk mailings: one letter per signer and target, rendered one signer at a time so that
//! memory stays flat however long the signers file is.
//!
//! The campaign's plan depends on the signer only through their country (the embassy of
//! `embassy:XX`), so it is made once per country and kept.

use std::collections::{BTreeMap, HashMap};
use std::io::Write as _;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Result;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use crate::campaign::Campaign;
use crate::config::Sender;
use crate::diag::{Diagnostic, Diagnostics};
use crate::drafts::Destinations;
use crate::fields::Country;
use crate::letter::Letter;
use crate::output::Format;
use crate::pipeline::{self, Loaded};
use crate::plan::{self, Plan, Selection};
use crate::render::{Renderer, Signing};
use crate::signers::Signer;
use crate::signers::Signers;
use crate::{drafts, prompt, review};

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
    renderer: Renderer,
    sel: Selection,
    signatories: &'a [String],
    date: Date,
    plans: HashMap<Option<Country>, Plan>,
    /// Targets no letter reaches, with how many signers they concern.
    pub unresolved: BTreeMap<String, usize>,
    /// Whether [`Bulk::letters`] counts the unresolved targets (off on a second pass).
    counting: bool,
    /// The signers file, for the origin of a letter that does not render.
    signers_file: std::path::PathBuf,
}

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
        let renderer = Renderer::new(campaign, &l.partials, diags);
        let first = plan::plan(campaign, &l.book, &l.settings.sender, sel, diags)?;
        let Some(renderer) = renderer else {
            return Ok(None);
        };
        let mut plans = HashMap::new();
        plans.insert(l.settings.sender.country, first);
        Ok(Some(Bulk {
            l,
            campaign,
            renderer,
            sel: sel.clone(),
            signatories,
            date,
            plans,
            unresolved: BTreeMap::new(),
            counting: true,
            signers_file: signers_file.to_path_buf(),
        }))
    }

    /// The letters of one signer, in the plan's order.
    pub fn letters(&mut self, signer: &Signer) -> Result<Vec<Letter>, Diagnostic> {
        let country = signer.country.or(self.l.settings.sender.country);
        if !self.plans.contains_key(&country) {
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
        let plan = &self.plans[&country];
        if self.counting {
            for u in &plan.unresolved {
                *self.unresolved.entry(u.reason.clone()).or_default() += 1;
            }
        }
        let signing = Signing {
            signer: Some(signer),
            personal: "",
            signatories: self.signatories,
        };
        plan.letters
            .iter()
            .map(|p| {
                self.renderer
                    .render(
                        self.campaign,
                        p,
                        &self.l.settings.sender,
                        &signing,
                        self.date,
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
            .collect()
    }
}

/// What a bulk compose wrote or printed, for the summary.
#[derive(Default, Serialize)]
struct Totals {
    signers: usize,
    letters: usize,
    skipped: usize,
}

/// Drafts written on a thread of their own, so that writing files (and building the
/// messages) overlaps rendering the next letters.
struct DraftWriter {
    tx: std::sync::mpsc::SyncSender<Letter>,
    thread: std::thread::JoinHandle<Result<Vec<Box<dyn drafts::Sink>>>>,
}

impl DraftWriter {
    fn start(mut sinks: Vec<Box<dyn drafts::Sink>>, now: Timestamp) -> DraftWriter {
        let (tx, rx) = std::sync::mpsc::sync_channel::<Letter>(256);
        let thread = std::thread::spawn(move || {
            for letter in rx {
                for s in &mut sinks {
                    s.add(&letter, now)?;
                }
            }
            Ok(sinks)
        });
        DraftWriter { tx, thread }
    }

    /// Hands a letter over; an error is the writer's own, once it stopped.
    fn write(&mut self, letter: Letter) -> Result<()> {
        if self.tx.send(letter).is_err() {
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

/// Where the letters go: the review on stdout (text or JSON Lines), or drafts.
struct Output<'a> {
    campaign: &'a Campaign,
    out: std::io::BufWriter<std::io::StdoutLock<'static>>,
    json: bool,
    drafts: Option<DraftWriter>,
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
            out: std::io::BufWriter::new(std::io::stdout().lock()),
            json: format == Format::Json && !writes,
            drafts: writes.then(|| DraftWriter::start(sinks, now)),
            totals: Totals::default(),
        };
        if o.json {
            let line = review::json_campaign(campaign, pipeline::today(now));
            o.out.write_all(line.as_bytes())?;
        }
        Ok(o)
    }

    fn letter(&mut self, letter: Letter) -> Result<()> {
        self.totals.letters += 1;
        if let Some(w) = &mut self.drafts {
            return w.write(letter);
        }
        let text = if self.json {
            review::json_letter(&self.campaign.id, &letter)
        } else {
            format!("\n{}", review::letter(&letter, self.totals.letters - 1, 0))
        };
        self.out.write_all(text.as_bytes())?;
        Ok(())
    }

    /// A row left out: on stderr, and as a `skipped` line.
    fn skipped(&mut self, file: &Path, d: &Diagnostic) -> Result<()> {
        #[derive(Serialize)]
        struct Skipped<'a> {
            file: String,
            line: usize,
            reason: &'a str,
        }
        self.totals.skipped += 1;
        crate::output::note(&format!("{d} (left out)"));
        if self.json {
            let line = crate::output::json_line(
                "skipped",
                &Skipped {
                    file: file.display().to_string(),
                    line: d.origin.line().unwrap_or(0),
                    reason: &d.message,
                },
            );
            self.out.write_all(line.as_bytes())?;
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
            let written: Vec<drafts::Written> = prompt::writing(|| {
                sinks
                    .into_iter()
                    .map(drafts::Sink::finish)
                    .collect::<Result<_>>()
            })?;
            for w in written {
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
    (format, dest): (Format, &Destinations),
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
    for row in signers {
        match row.and_then(|s| bulk.letters(&s)) {
            Ok(letters) => {
                output.totals.signers += 1;
                for letter in letters {
                    if let Err(e) = output.letter(letter) {
                        // The writer's own error says what went wrong.
                        return Err(output.stop().err().unwrap_or(e));
                    }
                }
            }
            Err(d) if o.strict => {
                // The drafts written so far go with the writer's staging folder.
                output.stop()?;
                return Err(crate::diag::Error::Invalid(vec![d]).into());
            }
            Err(d) => output.skipped(signers_file, &d)?,
        }
    }
    for (reason, n) in &bulk.unresolved {
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

/// A signers file as the letters `send` asks for: read anew for each pass, rows left out
/// reported on the first.
struct BulkLetters<'a, 'b> {
    bulk: &'b mut Bulk<'a>,
    file: &'b Path,
    strict: bool,
    json: bool,
    passes: usize,
    skipped: usize,
}

impl crate::send::Letters for BulkLetters<'_, '_> {
    fn each(&mut self, f: &mut dyn FnMut(Letter) -> Result<()>) -> Result<()> {
        self.passes += 1;
        self.bulk.counting = self.passes == 1;
        for row in Signers::open(self.file)? {
            match row.and_then(|s| self.bulk.letters(&s)) {
                Ok(letters) => letters.into_iter().try_for_each(&mut *f)?,
                Err(d) if self.strict => return Err(crate::diag::Error::Invalid(vec![d]).into()),
                Err(d) if self.passes == 1 => {
                    self.skipped += 1;
                    crate::output::note(&format!("{d} (left out)"));
                    if self.json {
                        #[derive(Serialize)]
                        struct Skipped<'a> {
                            file: String,
                            line: usize,
                            reason: &'a str,
                        }
                        let line = crate::output::json_line(
                            "skipped",
                            &Skipped {
                                file: self.file.display().to_string(),
                                line: d.origin.line().unwrap_or(0),
                                reason: &d.message,
                            },
                        );
                        let mut out = std::io::stdout().lock();
                        out.write_all(line.as_bytes())?;
                        out.flush()?;
                    }
                }
                Err(_) => {}
            }
        }
        if self.passes == 1 {
            // With the plan, before anything is asked or sent.
            for (reason, n) in &self.bulk.unresolved {
                crate::output::note(&format!("unresolved for {n} signer(s): {reason}"));
            }
        }
        Ok(())
    }
}

/// `outcry send CAMPAIGN --signers FILE`: one plan and one confirmation for every signer's
/// letters, then each signer's letters rendered as the connection takes them.
pub(crate) fn send(
    l: &Loaded,
    o: &Options,
    (opts, force): (&crate::send::Options, bool),
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
    let mut letters = BulkLetters {
        bulk: &mut bulk,
        file: signers_file,
        strict: o.strict,
        json: opts.json,
        passes: 0,
        skipped: 0,
    };
    let report = crate::send::run(
        &l.ws.root,
        &campaign.id,
        &mut letters,
        l.settings.delivery.as_ref(),
        opts,
        now,
    )?;
    let skipped = letters.skipped;
    let mut report = report;
    report.skipped = skipped;
    crate::send::print_report(&campaign.id, &report);
    if skipped > 0 {
        crate::output::note(&format!(
            "{skipped} row(s) of {} left out",
            signers_file.display()
        ));
    }
    Ok(if report.all_accepted() && skipped == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(crate::EXIT_FAILED)
    })
}

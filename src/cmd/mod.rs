//! The commands: the command line converted once ([`args`]), then one small file per command
//! over the [`crate::pipeline`] (load → validate → plan → render → write or deliver), the
//! guided path and bulk mailings. Nothing below this layer sees the command line.

mod args;
mod call;
mod campaigns;
mod check;
mod compose;
mod init;
mod new;
mod report;
mod send;
mod status;

use std::process::ExitCode;

use anyhow::Result;
use clap::{ArgMatches, CommandFactory as _, FromArgMatches as _};

use crate::cli::Cli;
use crate::diag::{Diagnostics, Error};
use crate::{files, guide, output, pipeline, prompt};
use args::{Invocation, Job};

/// Runs the command line `matches` (clap's parse of [`Cli`]).
pub fn run(matches: &ArgMatches) -> Result<ExitCode> {
    let cli = Cli::from_arg_matches(matches).unwrap_or_else(|e| e.exit());
    let Invocation {
        directory,
        no_input,
        quiet,
        given,
        now,
        job,
    } = Invocation::new(&cli, matches)?;
    files::private_umask();
    prompt::set_no_input(no_input);
    output::set_quiet(quiet);
    if let Some(dir) = &directory {
        std::env::set_current_dir(dir).map_err(|e| {
            Error::Usage(format!("cannot change to directory {}: {e}", dir.display()))
        })?;
    }
    match job {
        Job::Guide(req) => guide::start(&given, &req, now),
        Job::Init(dir) => init::run(&given, dir.as_deref()),
        Job::New(draft) => new::run(&given, &draft, now),
        Job::Campaigns => campaigns::run(),
        Job::Check(campaign) => check::run(&given, campaign.as_deref(), now),
        Job::Compose(c) => compose::run(&given, &c, now),
        Job::Send(s) => send::run(&given, &s, now),
        Job::Status(campaign) => status::run(campaign.as_deref()),
        Job::Call(req) => call::run(&given, &req, now),
        Job::Report(r) => report::run(&given, &r, now),
        Job::SmtpTest => smtp_test(&given),
        Job::Completions(shell) => {
            // Made in memory, then printed: a stdout that fails is an error, not a panic.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "outcry", &mut script);
            output::print_bytes(&script)?;
            Ok(ExitCode::SUCCESS)
        }
        Job::Man => {
            let mut page = Vec::new();
            clap_mangen::Man::new(Cli::command()).render(&mut page)?;
            output::print_bytes(&page)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `outcry smtp test`.
fn smtp_test(given: &crate::config::Given) -> Result<ExitCode> {
    let mut diags = Diagnostics::default();
    let mut l = pipeline::load(given, None, &mut diags)?;
    pipeline::need_delivery(&mut l, &mut diags);
    diags.into_result()?;
    pipeline::test_delivery(l.settings.delivery.as_ref())
}

/// Prints an error from [`run`] on stderr and gives its exit code ([`Error::code`], or 1).
/// A reader that stopped reading (`outcry compose ... | head`) is not an error.
pub fn report(err: &anyhow::Error) -> ExitCode {
    let broken_pipe = err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    });
    if broken_pipe {
        return ExitCode::SUCCESS;
    }
    match err.downcast_ref::<Error>() {
        Some(e @ (Error::Invalid(_) | Error::Cancelled(_))) => output::say(&e.to_string()),
        _ => output::say(&format!(
            "error: {}",
            crate::fields::shown(&format!("{err:#}"))
        )),
    }
    ExitCode::from(crate::diag::exit_code(err))
}

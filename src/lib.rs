//! outcry: compose, review and send protest letters for urgent solidarity appeals.
//!
//! Data flows one way: [`workspace`] loads the files, [`contacts`], [`campaign`] and
//! [`config`] validate them, [`plan`] decides the letters, [`render`] fills the templates,
//! and [`review`] or [`drafts`] write the result. [`pipeline`] composes those steps beneath the commands ([`cmd`]).

pub mod bulk;
pub mod campaign;
pub mod cli;
pub mod cmd;
pub mod config;
pub mod contacts;
pub mod diag;
pub mod drafts;
pub mod fields;
pub mod files;
pub mod guide;
pub mod init;
pub mod letter;
pub mod mime;
pub mod output;
pub mod pipeline;
pub mod plan;
pub mod prompt;
pub mod render;
pub mod review;
pub mod scaffold;
pub mod send;
pub mod signers;
pub mod source;
pub mod template;
#[cfg(test)]
mod testgen;
pub mod workspace;

use std::process::ExitCode;

pub use diag::{EXIT_FAILED, EXIT_INVALID, Error};

/// Runs the command line `matches` (clap's parse of [`cli::Cli`]). Errors carry their exit
/// code: see [`report`].
pub fn run(matches: &clap::ArgMatches) -> anyhow::Result<ExitCode> {
    cmd::run(matches)
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
        Some(e @ (Error::Invalid(_) | Error::Cancelled(_))) => eprintln!("{e}"),
        _ => eprintln!("error: {}", fields::shown(&format!("{err:#}"))),
    }
    ExitCode::from(diag::exit_code(err))
}

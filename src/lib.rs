//! outcry: compose, review and send protest letters for urgent solidarity appeals.
//!
//! Data flows one way: [`workspace`] loads the files, [`contacts`], [`campaign`] and
//! [`config`] validate them, [`plan`] decides the letters, [`render`] fills the templates,
//! and [`review`] or [`drafts`] write the result. [`commands`] composes those steps.

pub mod bulk;
pub mod campaign;
pub mod cli;
pub mod commands;
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
pub mod pipeline;
pub mod plan;
pub mod prompt;
pub mod render;
pub mod review;
pub mod scaffold;
pub mod send;
pub mod signers;
pub mod template;
#[cfg(test)]
mod testgen;
pub mod workspace;

use std::process::ExitCode;

/// Exit code: bad input or usage.
pub const EXIT_INVALID: u8 = 2;
/// Exit code: the job could not be done: some letters were not accepted, or a file could not be written.
pub const EXIT_FAILED: u8 = 1;

/// Runs the command line. Errors carry their exit code via [`exit_code`].
pub fn run(cli: &cli::Cli) -> anyhow::Result<ExitCode> {
    files::private_umask();
    prompt::set_no_input(cli.no_input);
    prompt::set_quiet(cli.quiet);
    if let Some(dir) = &cli.directory {
        std::env::set_current_dir(dir).map_err(|e| {
            diag::Usage(format!("cannot change to directory {}: {e}", dir.display()))
        })?;
    }
    commands::dispatch(cli)
}

/// The exit code for an error from [`run`]: 2 for bad input or usage, 130 when the person
/// cancelled, 1 otherwise.
pub fn exit_code(err: &anyhow::Error) -> u8 {
    if err.is::<prompt::Cancelled>() {
        prompt::EXIT_CANCELLED
    } else if err.is::<diag::Invalid>()
        || err.is::<diag::Usage>()
        || err.is::<files::Refused>()
        || err.is::<send::NotConfirmed>()
    {
        EXIT_INVALID
    } else {
        EXIT_FAILED
    }
}

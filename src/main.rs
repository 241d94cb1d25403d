use std::process::ExitCode;

use clap::CommandFactory as _;

fn main() -> ExitCode {
    let matches = outcry::cli::Cli::command().get_matches();
    outcry::cmd::run(&matches).unwrap_or_else(|err| outcry::cmd::report(&err))
}

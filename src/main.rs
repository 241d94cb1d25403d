use std::process::ExitCode;

use clap::CommandFactory as _;

fn main() -> ExitCode {
    let matches = outcry::cli::Cli::command().get_matches();
    outcry::run(&matches).unwrap_or_else(|err| outcry::report(&err))
}

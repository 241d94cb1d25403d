use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = outcry::cli::Cli::parse();
    outcry::run(&cli).unwrap_or_else(|err| outcry::report(&err))
}

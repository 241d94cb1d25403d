use std::process::ExitCode;

use clap::CommandFactory as _;

/// mimalloc: rendering letters is allocation-bound, and glibc's allocator was a fifth of a
/// bulk review's time (docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let matches = outcry::cli::Cli::command().get_matches();
    outcry::cmd::run(&matches).unwrap_or_else(|err| outcry::cmd::report(&err))
}

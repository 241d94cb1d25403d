use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = outcry::cli::Cli::parse();
    match outcry::run(&cli) {
        Ok(code) => code,
        Err(err) => {
            if let Some(invalid) = err.downcast_ref::<outcry::diag::Invalid>() {
                eprintln!("{invalid}");
            } else if err.is::<outcry::prompt::Cancelled>() {
                eprintln!("{err}");
            } else {
                eprintln!("error: {err:#}");
            }
            ExitCode::from(outcry::exit_code(&err))
        }
    }
}

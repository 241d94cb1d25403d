use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = outcry::cli::Cli::parse();
    match outcry::run(&cli) {
        Ok(code) => code,
        Err(err) => {
            // A reader that stopped reading (`outcry compose ... | head`) is not an error.
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) {
                return ExitCode::SUCCESS;
            }
            if let Some(invalid) = err.downcast_ref::<outcry::diag::Invalid>() {
                eprintln!("{invalid}");
            } else if err.is::<outcry::prompt::Cancelled>() {
                eprintln!("{err}");
            } else {
                eprintln!("error: {}", outcry::fields::shown(&format!("{err:#}")));
            }
            ExitCode::from(outcry::exit_code(&err))
        }
    }
}

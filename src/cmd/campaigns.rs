//! `outcry campaigns`: a line per campaign.

use std::fmt::Write as _;
use std::process::ExitCode;

use anyhow::Result;

use crate::diag::Diagnostics;
use crate::workspace::Workspace;

pub(super) fn run() -> Result<ExitCode> {
    let mut diags = Diagnostics::default();
    let ws = Workspace::here()?;
    let mut rows = String::new();
    for id in ws.campaign_ids(&mut diags) {
        if let Some(c) = ws.load_campaign(&id, &mut diags) {
            let deadline = c
                .deadline
                .map_or_else(|| "-".to_string(), |(d, _)| d.to_string());
            let _ = writeln!(
                rows,
                "{:<24} {:>3} demands {:>3} targets  deadline {deadline:<10}  {}",
                c.id,
                c.demands.len(),
                c.to.len(),
                c.title
            );
        }
    }
    crate::output::print(&rows)?;
    diags.into_result()?;
    Ok(ExitCode::SUCCESS)
}

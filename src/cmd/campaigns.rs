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
                "{:<24} {:>3} {:<7} {:>3} {:<7}  deadline {deadline:<10}  {}",
                c.id,
                c.demands.len(),
                if c.demands.len() == 1 {
                    "demand"
                } else {
                    "demands"
                },
                c.to.len(),
                if c.to.len() == 1 { "target" } else { "targets" },
                c.title
            );
        }
    }
    crate::output::print(&rows)?;
    diags.into_result()?;
    Ok(ExitCode::SUCCESS)
}

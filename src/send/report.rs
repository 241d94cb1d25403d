//! What became of a campaign's letters in a run: counted as they go (each also a `delivery`
//! JSON line under `--format json`), then summed up for people on stderr and for scripts as a
//! `summary` line.

use anyhow::Result;

use super::SHOWN;
use super::journal::{Reception, Recipient, State};
use crate::output;

/// How the run ended, for the summary and the exit code.
#[derive(Debug, Default)]
pub struct Report {
    pub campaign: String,
    /// The command that sent the letters (`outcry send`), for the hints: see [`super::Job`].
    pub command: &'static str,
    /// `--format json`: each result is printed as a `delivery` line of this campaign.
    pub json: bool,
    /// How many were accepted; the first [`SHOWN`] are in `accepted`.
    pub accepted_count: usize,
    pub accepted: Vec<(String, String)>,
    pub deferred: Vec<(String, String)>,
    pub failed: Vec<(String, String)>,
    pub unknown: Vec<(String, String)>,
    /// The recipients that do not have their letter: letter id, and what the server said.
    pub refused: Vec<(String, Recipient)>,
    /// Letters not sent because the journal says they went before (informational).
    pub sent_before: Vec<(String, String)>,
    /// Letters of this run the journal shows as accepted before, under the same Message-ID
    /// (a signer whose row was fixed, say): counted, not listed.
    pub accepted_before: usize,
    /// How many letters were not tried because the run stopped early; the first [`SHOWN`]
    /// are in `left`.
    pub left_count: usize,
    /// Letters not tried because the run stopped early.
    pub left: Vec<String>,
    pub stopped: Option<String>,
    /// Letters left for a later run by --limit.
    pub beyond_limit: usize,
    /// Rows of a signers file left out (bulk sends).
    pub skipped: usize,
}

/// A `delivery` line of the JSON Lines.
#[derive(serde::Serialize)]
struct DeliveryLine<'a> {
    campaign: &'a str,
    letter: &'a str,
    message_id: &'a str,
    state: &'a str,
    reply: &'a str,
    recipients: &'a [Recipient],
}

impl Report {
    pub fn new(campaign: &str, command: &'static str, json: bool) -> Report {
        Report {
            campaign: campaign.to_string(),
            command,
            json,
            ..Report::default()
        }
    }

    /// Counts a letter's outcome (its state in the journal's words), and prints it as a JSON
    /// line under `--format json`.
    pub(super) fn add(
        &mut self,
        state: State,
        id: String,
        message_id: &str,
        reply: String,
        recipients: &[Recipient],
    ) -> Result<()> {
        self.line(state.label(), &id, message_id, &reply, recipients)?;
        self.note_refused(&id, recipients);
        let list = match state {
            State::Accepted => {
                self.accepted_count += 1;
                if self.accepted.len() >= SHOWN {
                    return Ok(());
                }
                &mut self.accepted
            }
            State::Failed => &mut self.failed,
            State::Unknown => &mut self.unknown,
            _ => &mut self.deferred,
        };
        list.push((id, reply));
        Ok(())
    }

    /// A letter held back by what the journal says: `state` is what it says of the letter
    /// (accepted before under another Message-ID, failed, unknown), `why` the reason in words.
    pub(super) fn hold(
        &mut self,
        state: State,
        id: String,
        message_id: &str,
        why: String,
        recipients: &[Recipient],
    ) -> Result<()> {
        self.line("held", &id, message_id, &why, recipients)?;
        self.note_refused(&id, recipients);
        let list = match state {
            State::Accepted => &mut self.sent_before,
            State::Failed => &mut self.failed,
            State::Unknown => &mut self.unknown,
            _ => &mut self.deferred,
        };
        list.push((id, why));
        Ok(())
    }

    /// The `delivery` JSON line of a letter, under `--format json`.
    fn line(
        &self,
        state: &str,
        letter: &str,
        message_id: &str,
        reply: &str,
        recipients: &[Recipient],
    ) -> Result<()> {
        if self.json {
            output::print(&output::json_line(
                "delivery",
                &DeliveryLine {
                    campaign: &self.campaign,
                    letter,
                    message_id,
                    state,
                    reply,
                    recipients,
                },
            ))?;
        }
        Ok(())
    }

    fn note_refused(&mut self, id: &str, recipients: &[Recipient]) {
        self.refused.extend(
            recipients
                .iter()
                .filter(|r| r.state != Reception::Accepted)
                .map(|r| (id.to_string(), r.clone())),
        );
    }

    /// The held-back letters, with why.
    pub(super) fn held_lines(&self) -> Vec<(&str, &str)> {
        self.failed
            .iter()
            .chain(&self.unknown)
            .chain(&self.sent_before)
            .map(|(id, why)| (id.as_str(), why.as_str()))
            .collect()
    }

    /// Every letter this run set out to send was accepted by all its addressees (letters beyond
    /// --limit aside).
    pub fn all_accepted(&self) -> bool {
        self.stopped.is_none()
            && self.deferred.is_empty()
            && self.failed.is_empty()
            && self.unknown.is_empty()
            && self.left_count == 0
    }

    /// The summary on stderr (and as a `summary` JSON line under `--format json`).
    pub(super) fn print(&self) -> Result<()> {
        if self.json {
            output::print(&output::json_line("summary", &Summary::of(self)))?;
        }
        self.print_outcomes();
        Ok(())
    }

    /// The outcome for people, on stderr: what went as it should is a note (`--quiet` leaves
    /// it out); what did not is always said.
    fn print_outcomes(&self) {
        if self.accepted_count > 0 {
            output::note(&format!("accepted {}:", self.accepted_count));
            for (id, reply) in &self.accepted {
                output::note(&format!("  {id:<28} {reply}"));
            }
            if self.accepted_count > self.accepted.len() {
                output::note(&format!(
                    "  ... and {} more",
                    self.accepted_count - self.accepted.len()
                ));
            }
        }
        let command = self.command;
        section(
            &format!("deferred (try again later: `{command}` resends them)"),
            &self.deferred,
        );
        section(
            &format!("failed (refused by the server; `{command} --retry-failed` tries them again)"),
            &self.failed,
        );
        for (i, (id, reply)) in self.sent_before.iter().enumerate() {
            if i == 0 {
                output::note(&format!("not sent again {}:", self.sent_before.len()));
            }
            output::note(&format!("  {id:<28} {reply}"));
        }
        section(
            &format!(
                "unknown (the server may have them: `{command} --retry-unknown` resends them)"
            ),
            &self.unknown,
        );
        self.print_what_is_left();
    }

    /// Why the run stopped, and what is left for another.
    fn print_what_is_left(&self) {
        if let Some(why) = &self.stopped {
            output::say(&format!("{why}."));
        }
        if self.left_count > 0 {
            let more = if self.left_count > self.left.len() {
                ", ..."
            } else {
                ""
            };
            output::say(&format!(
                "not tried {}: {}{more}",
                self.left_count,
                self.left.join(", ")
            ));
        }
        if self.beyond_limit > 0 {
            output::say(&format!(
                "{} letter(s) left for a later run by --limit",
                self.beyond_limit
            ));
        }
        if self.left_count > 0 || self.beyond_limit > 0 || !self.deferred.is_empty() {
            output::say(&format!(
                "run `{} {}` again to send what is left",
                self.command, self.campaign
            ));
        }
    }
}

/// A list of letters that did not go as they should, always said.
fn section(name: &str, v: &[(String, String)]) {
    if !v.is_empty() {
        output::say(&format!("{name} {}:", v.len()));
        for (id, reply) in v {
            output::say(&format!("  {id:<28} {reply}"));
        }
    }
}

/// The `summary` line of the JSON Lines.
#[derive(serde::Serialize)]
struct Summary<'a> {
    campaign: &'a str,
    accepted: usize,
    deferred: usize,
    failed: usize,
    unknown: usize,
    not_sent_again: usize,
    accepted_before: usize,
    not_tried: usize,
    beyond_limit: usize,
    skipped: usize,
    stopped: Option<&'a str>,
    /// Every recipient that does not have its letter, and what the server said.
    refused: Vec<RefusedLine<'a>>,
}

#[derive(serde::Serialize)]
struct RefusedLine<'a> {
    letter: &'a str,
    #[serde(flatten)]
    recipient: &'a Recipient,
}

impl<'a> Summary<'a> {
    fn of(r: &'a Report) -> Summary<'a> {
        Summary {
            campaign: &r.campaign,
            accepted: r.accepted_count,
            deferred: r.deferred.len(),
            failed: r.failed.len(),
            unknown: r.unknown.len(),
            not_sent_again: r.sent_before.len(),
            accepted_before: r.accepted_before,
            not_tried: r.left_count,
            beyond_limit: r.beyond_limit,
            skipped: r.skipped,
            stopped: r.stopped.as_deref(),
            refused: r
                .refused
                .iter()
                .map(|(letter, recipient)| RefusedLine { letter, recipient })
                .collect(),
        }
    }
}

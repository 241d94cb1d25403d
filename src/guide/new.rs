//! `outcry new` on a terminal: asks for whatever the flags did not give.

use anyhow::Result;

use crate::campaign::Copies;
use crate::contacts::AddressBook;
use crate::fields;
use crate::plan::channel_of;
use crate::prompt;
use crate::scaffold::{Draft, Given};

/// The campaign to write, from the flags and the answers; checked against the address book.
pub fn new_campaign(args: &Given, book: &AddressBook) -> Result<Draft> {
    prompt::on_interrupt("cancelled: nothing was written");
    fields::check_id(&args.id)
        .map_err(|e| crate::diag::Error::Usage(format!("campaign id {:?}: {e}", args.id)))?;
    let line = |what: &'static str| move |s: &str| fields::check_line(what, s);
    let title = match &args.title {
        Some(t) => t.clone(),
        None => prompt::text("Title of the appeal", None, false, line("the title"))?,
    };
    let subject = if let Some(s) = &args.subject {
        s.clone()
    } else {
        prompt::text(
            "E-mail subject",
            Some(&format!("Protest: {title}")),
            false,
            line("the subject"),
        )?
    };
    let demands = if args.demands.is_empty() {
        ask_demands()?
    } else {
        args.demands.clone()
    };
    let to = if args.to.is_empty() {
        ask_targets(book)?
    } else {
        args.to.clone()
    };
    let cc = if args.cc.is_empty() && args.copies.is_none() {
        ask_coordinators(book, &to)?
    } else {
        args.cc.clone()
    };
    let copies = match args.copies {
        Some(c) => c,
        None if cc.is_empty() => Copies::Cc,
        None => ask_copies()?,
    };
    let deadline = if let Some(d) = args.deadline {
        Some(d)
    } else {
        let d = prompt::text("Deadline (YYYY-MM-DD; empty for none)", None, true, |s| {
            fields::parse_date(s).map(|_| ())
        })?;
        if d.is_empty() {
            None
        } else {
            Some(fields::parse_date(&d).map_err(crate::diag::Error::Usage)?)
        }
    };
    let draft = Draft {
        title,
        subject: Some(subject),
        demands,
        to,
        cc,
        copies,
        deadline,
    };
    draft.check(&args.id, book)?;
    Ok(draft)
}

fn ask_demands() -> Result<Vec<String>> {
    crate::output::say(
        "The demands, one per line, in the appeal's order; an empty line ends the list.",
    );
    let mut demands: Vec<String> = Vec::new();
    loop {
        let optional = !demands.is_empty();
        let d = prompt::text(
            &format!("Demand {}", demands.len() + 1),
            None,
            optional,
            |s| fields::check_text("a demand", s),
        )?;
        if d.is_empty() {
            return Ok(demands);
        }
        demands.push(d);
    }
}

/// Every contact a letter can reach, and each embassy state as `embassy:XX`.
fn ask_targets(book: &AddressBook) -> Result<Vec<String>> {
    let mut keys = Vec::new();
    let mut items = Vec::new();
    for c in book.contacts.values() {
        if let Some(ch) = channel_of(c) {
            keys.push(c.id.clone());
            items.push(format!("{}  ({}, {})", c.name, c.id, ch.label()));
        }
    }
    let mut states: Vec<String> = book.embassies.keys().map(|(s, _)| s.clone()).collect();
    states.dedup();
    for s in states {
        keys.push(format!("embassy:{s}"));
        let name = s
            .parse::<fields::Country>()
            .map_or_else(|_| s.clone(), |c| c.name().to_string());
        items.push(format!(
            "The embassy of {name} in the sender's country  (embassy:{s})"
        ));
    }
    if items.is_empty() {
        return Err(crate::diag::Error::Usage(
            "contacts.toml has no contact a letter can reach: add the authorities first".into(),
        )
        .into());
    }
    loop {
        let picked = prompt::multi_select(
            "Whom does the appeal write to? (space ticks, enter goes on)",
            &items,
            &vec![false; items.len()],
        )?;
        if picked.is_empty() {
            crate::output::say("Tick at least one (space), then press enter.");
            continue;
        }
        return Ok(picked.into_iter().map(|i| keys[i].clone()).collect());
    }
}

/// Contacts with an e-mail address who are not targets: the coordinators.
fn ask_coordinators(book: &AddressBook, to: &[String]) -> Result<Vec<String>> {
    let candidates: Vec<_> = book
        .contacts
        .values()
        .filter(|c| c.email.is_some() && !to.contains(&c.id))
        .collect();
    if candidates.is_empty() {
        return Ok(Vec::new());
    }
    let items: Vec<String> = candidates
        .iter()
        .map(|c| {
            format!(
                "{}  ({})",
                c.name,
                c.email
                    .as_ref()
                    .map_or_else(String::new, ToString::to_string)
            )
        })
        .collect();
    let picked = prompt::multi_select(
        "Who gets a copy of every letter (the appeal's coordinators)? None is fine.",
        &items,
        &vec![false; items.len()],
    )?;
    Ok(picked
        .into_iter()
        .map(|i| candidates[i].id.clone())
        .collect())
}

fn ask_copies() -> Result<Copies> {
    let items = [
        "In Cc: every authority sees who else was told".to_string(),
        "In Bcc: the authorities do not see the coordinators' addresses".to_string(),
        "As a separate message for each letter".to_string(),
    ];
    let i = prompt::select("How do the coordinators get their copy?", &items, 0)?;
    Ok([Copies::Cc, Copies::Bcc, Copies::Separate][i])
}

//! The sender profile: the configured one, or asked for and (if wanted) saved to the personal
//! config file. Shared by the guided path and `outcry init`.

use anyhow::Result;
use toml_edit::value;

use crate::config::{self, Sender};
use crate::fields::{self, Country, Email};
use crate::prompt;

/// The profile the letters are signed with: the configured one if it is complete and the
/// person keeps it, else what they type.
pub fn settle(configured: &Sender) -> Result<Sender> {
    if configured.missing().is_empty() && configured.city.is_some() {
        prompt::say("You sign as:");
        eprintln!("{}", describe(configured));
        if prompt::ask("Sign the letters with this profile?", true)? {
            return Ok(configured.clone());
        }
    } else {
        prompt::say(
            "Who signs the letters? Your name, e-mail, city and country go under every letter.",
        );
    }
    let sender = ask(configured)?;
    offer_to_save(&sender)?;
    Ok(sender)
}

/// The profile in a few lines, as the letters will show it.
pub fn describe(s: &Sender) -> String {
    let mut lines = vec![format!(
        "  {} <{}>",
        s.name.as_deref().unwrap_or("?"),
        s.email
            .as_ref()
            .map_or_else(|| "?".into(), ToString::to_string)
    )];
    if let Some(org) = &s.organisation {
        lines.push(format!("  {org}"));
    }
    lines.push(format!(
        "  {}, {}",
        s.city.as_deref().unwrap_or("?"),
        s.country.map_or("?", Country::name)
    ));
    lines.join("\n")
}

/// Asks name, e-mail, organisation, city and country, offering what is configured.
pub fn ask(defaults: &Sender) -> Result<Sender> {
    let line = |what: &'static str| move |s: &str| fields::check_line(what, s);
    let name = prompt::text(
        "Your name",
        defaults.name.as_deref(),
        false,
        line("your name"),
    )?;
    let email = prompt::text(
        "Your e-mail address",
        defaults.email.as_ref().map(ToString::to_string).as_deref(),
        false,
        |s| s.parse::<Email>().map(|_| ()),
    )?;
    let organisation = prompt::text(
        "Organisation or branch you write for (optional)",
        defaults.organisation.as_deref(),
        true,
        line("the organisation"),
    )?;
    let city = prompt::text(
        "Your city",
        defaults.city.as_deref(),
        false,
        line("your city"),
    )?;
    let country = prompt::text(
        "Your country, as a two-letter code (GB, DE, US, ...); it picks the embassy you write to",
        defaults.country.map(Country::code),
        false,
        |s| s.to_ascii_uppercase().parse::<Country>().map(|_| ()),
    )?;
    Ok(Sender {
        name: Some(name),
        email: Some(email.parse().map_err(anyhow::Error::msg)?),
        organisation: Some(organisation).filter(|o| !o.is_empty()),
        city: Some(city),
        country: Some(
            country
                .to_ascii_uppercase()
                .parse()
                .map_err(anyhow::Error::msg)?,
        ),
        address: defaults.address.clone(),
    })
}

/// Offers to save the profile to the personal config file, keeping what else it holds.
pub fn offer_to_save(s: &Sender) -> Result<()> {
    let Some(path) = config::personal_config_path() else {
        return Ok(());
    };
    if !prompt::ask(
        &format!("Save this profile to {} for next time?", path.display()),
        true,
    )? {
        return Ok(());
    }
    let text = |v: Option<String>| v.map(value);
    let changes: Vec<config::Change<'_>> = vec![
        ("sender", "name", text(s.name.clone())),
        (
            "sender",
            "email",
            text(s.email.as_ref().map(ToString::to_string)),
        ),
        ("sender", "organisation", text(s.organisation.clone())),
        ("sender", "city", text(s.city.clone())),
        (
            "sender",
            "country",
            text(s.country.map(|c| c.code().to_string())),
        ),
    ];
    let path = prompt::writing(|| config::save_personal(&changes))?;
    eprintln!("saved to {}", path.display());
    Ok(())
}

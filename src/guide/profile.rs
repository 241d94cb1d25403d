//! The sender profile: the configured one, or asked for and (if wanted) saved to the personal
//! config file. Shared by the guided path and `outcry init`.

use anyhow::Result;
use toml_edit::value;

use crate::config::{self, Sender};
use crate::fields::{self, Country, Email};
use crate::prompt;

/// A profile to be saved to the personal config, once the person has chosen what to do
/// with the letters (nothing is written before that).
pub type Save = Option<Sender>;

/// The profile the letters are signed with: the configured one if it is complete and the
/// person keeps it, else what they type; and whether they want it saved.
pub fn settle(configured: &Sender) -> Result<(Sender, Save)> {
    if configured.missing().is_empty() && configured.city.is_some() {
        crate::output::heading("You sign as:");
        crate::output::say(&describe(configured));
        if prompt::ask("Sign the letters with this profile?", true)? {
            return Ok((configured.clone(), None));
        }
    } else {
        crate::output::heading(
            "Who signs the letters? Your name, e-mail, city and country go under every letter.",
        );
    }
    let sender = ask(configured)?;
    let save = offer_to_save()?.then(|| sender.clone());
    Ok((sender, save))
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
        |s| s.parse::<Country>().map(|_| ()),
    )?;
    Ok(Sender {
        name: Some(name),
        email: Some(email.parse().map_err(anyhow::Error::msg)?),
        organisation: Some(organisation).filter(|o| !o.is_empty()),
        city: Some(city),
        country: Some(country.parse().map_err(anyhow::Error::msg)?),
        address: defaults.address.clone(),
    })
}

/// Asks whether to save the profile to the personal config file.
pub fn offer_to_save() -> Result<bool> {
    let Some(path) = config::personal_config_path() else {
        return Ok(false);
    };
    prompt::ask(
        &format!("Save this profile to {} for next time?", path.display()),
        true,
    )
}

/// The personal config changes that store the profile.
pub fn changes(s: &Sender) -> Vec<config::Change<'static>> {
    let text = |v: Option<String>| v.map(value);
    vec![
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
    ]
}

/// Saves the profile (if the person asked to) to the personal config. Its fields win over
/// the workspace's outcry.toml, which gives only defaults.
pub fn save(save: &Save) -> Result<()> {
    let Some(sender) = save else {
        return Ok(());
    };
    let path = prompt::writing(|| config::save_personal(&changes(sender)))?;
    crate::output::say(&format!("saved your profile to {}", path.display()));
    Ok(())
}

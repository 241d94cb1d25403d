//! Settings: the sender profile, layered from config files, environment and flags.
//!
//! In increasing priority: `$XDG_CONFIG_HOME/outcry/config.toml` (personal),
//! `outcry.toml` at the workspace root (branch-wide), `--config FILE`, then
//! `OUTCRY_SENDER_*` environment variables and `--sender-*` flags (clap merges those two,
//! flags winning). Each field is taken from the highest layer that sets it.

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::cli::SenderArgs;
use crate::diag::{Diagnostics, Origin, Source};
use crate::fields::{self, Country, Email};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    sender: Option<RawSender>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawSender {
    name: Option<Spanned<String>>,
    email: Option<Spanned<String>>,
    organisation: Option<Spanned<String>>,
    city: Option<Spanned<String>>,
    country: Option<Spanned<String>>,
    address: Option<Spanned<String>>,
}

/// A value and where it was set.
#[derive(Debug, Clone)]
struct Setting {
    value: String,
    origin: Origin,
}

/// The sender fields as layered, before validation.
#[derive(Debug, Default)]
struct SenderLayers {
    name: Option<Setting>,
    email: Option<Setting>,
    organisation: Option<Setting>,
    city: Option<Setting>,
    country: Option<Setting>,
    address: Option<Setting>,
}

/// The person or branch signing the letters. Every field is optional until a command needs it:
/// the review renders with placeholders, drafts need at least `name` and `email`.
#[derive(Debug, Clone, Default)]
pub struct Sender {
    pub name: Option<String>,
    pub email: Option<Email>,
    pub organisation: Option<String>,
    pub city: Option<String>,
    pub country: Option<Country>,
    pub address: Option<String>,
}

impl Sender {
    /// The fields a letter needs that are not set, by their config key.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if self.name.is_none() {
            m.push("name");
        }
        if self.email.is_none() {
            m.push("email");
        }
        if self.country.is_none() {
            m.push("country");
        }
        m
    }
}

/// The personal config file: `$XDG_CONFIG_HOME/outcry/config.toml` (or `~/.config/...`).
pub fn personal_config_path() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.config_dir().join("outcry").join("config.toml"))
}

/// Loads the sender profile from every layer. Problems (with file and line) go to `diags`.
pub fn load_sender(
    root: &Path,
    config_flag: Option<&Path>,
    args: &SenderArgs,
    diags: &mut Diagnostics,
) -> Sender {
    let mut layers = SenderLayers::default();
    if let Some(personal) = personal_config_path()
        && personal.is_file()
    {
        read_layer(&personal, &personal, &mut layers, diags);
    }
    let branch = root.join("outcry.toml");
    if branch.is_file() {
        read_layer(&branch, Path::new("outcry.toml"), &mut layers, diags);
    }
    if let Some(file) = config_flag {
        read_layer(file, file, &mut layers, diags);
    }
    apply_args(args, &mut layers);
    validate(layers, diags)
}

fn read_layer(path: &Path, shown: &Path, layers: &mut SenderLayers, diags: &mut Diagnostics) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.error(Origin::file(shown), format!("cannot read config file: {e}"));
            return;
        }
    };
    let src = Source::new(shown, text);
    let raw: RawConfig = match src.parse_toml() {
        Ok(r) => r,
        Err(d) => {
            diags.error(d.origin, d.message);
            return;
        }
    };
    let Some(s) = raw.sender else { return };
    let set = |slot: &mut Option<Setting>, v: Option<Spanned<String>>| {
        if let Some(v) = v {
            *slot = Some(Setting {
                origin: src.at(&v.span()),
                value: v.into_inner(),
            });
        }
    };
    set(&mut layers.name, s.name);
    set(&mut layers.email, s.email);
    set(&mut layers.organisation, s.organisation);
    set(&mut layers.city, s.city);
    set(&mut layers.country, s.country);
    set(&mut layers.address, s.address);
}

fn apply_args(args: &SenderArgs, layers: &mut SenderLayers) {
    let set = |slot: &mut Option<Setting>, v: &Option<String>, flag: &str, env: &str| {
        if let Some(v) = v {
            let origin = Origin::Setting(format!("--{flag} (or {env})"));
            *slot = Some(Setting {
                value: v.clone(),
                origin,
            });
        }
    };
    set(
        &mut layers.name,
        &args.sender_name,
        "sender-name",
        "OUTCRY_SENDER_NAME",
    );
    set(
        &mut layers.email,
        &args.sender_email,
        "sender-email",
        "OUTCRY_SENDER_EMAIL",
    );
    set(
        &mut layers.organisation,
        &args.sender_organisation,
        "sender-organisation",
        "OUTCRY_SENDER_ORGANISATION",
    );
    set(
        &mut layers.city,
        &args.sender_city,
        "sender-city",
        "OUTCRY_SENDER_CITY",
    );
    set(
        &mut layers.country,
        &args.sender_country,
        "sender-country",
        "OUTCRY_SENDER_COUNTRY",
    );
    set(
        &mut layers.address,
        &args.sender_address,
        "sender-address",
        "OUTCRY_SENDER_ADDRESS",
    );
}

fn validate(layers: SenderLayers, diags: &mut Diagnostics) -> Sender {
    let mut line = |what: &str, s: Option<Setting>| -> Option<String> {
        let s = s?;
        match fields::check_line(&format!("sender {what}"), &s.value) {
            Ok(()) => Some(s.value.trim().to_string()),
            Err(e) => {
                diags.error(s.origin, e);
                None
            }
        }
    };
    let name = line("name", layers.name);
    let organisation = line("organisation", layers.organisation);
    let city = line("city", layers.city);
    let email = layers.email.and_then(|s| {
        s.value
            .parse::<Email>()
            .map_err(|e| diags.error(s.origin.clone(), format!("sender {e}")))
            .ok()
    });
    let country = layers.country.and_then(|s| {
        s.value
            .parse::<Country>()
            .map_err(|e| diags.error(s.origin.clone(), format!("sender {e}")))
            .ok()
    });
    let address =
        layers
            .address
            .and_then(|s| match fields::check_text("sender address", &s.value) {
                Ok(()) => Some(s.value.trim().to_string()),
                Err(e) => {
                    diags.error(s.origin, e);
                    None
                }
            });
    Sender {
        name,
        email,
        organisation,
        city,
        country,
        address,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(text: &str, layers: &mut SenderLayers, d: &mut Diagnostics, name: &str) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        read_layer(&p, Path::new(name), layers, d);
    }

    #[test]
    fn later_layers_win_field_by_field() {
        let mut l = SenderLayers::default();
        let mut d = Diagnostics::default();
        layer(
            "[sender]\nname = \"Personal\"\nemail = \"me@example.org\"\n",
            &mut l,
            &mut d,
            "personal.toml",
        );
        layer(
            "[sender]\ncountry = \"DE\"\norganisation = \"Branch\"\n",
            &mut l,
            &mut d,
            "outcry.toml",
        );
        let args = SenderArgs {
            sender_country: Some("AT".into()),
            ..SenderArgs::default()
        };
        apply_args(&args, &mut l);
        let s = validate(l, &mut d);
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(s.name.as_deref(), Some("Personal"));
        assert_eq!(s.organisation.as_deref(), Some("Branch"));
        assert_eq!(s.country.unwrap().code(), "AT");
        assert!(s.missing().is_empty());
    }

    #[test]
    fn bad_values_name_their_layer() {
        let mut l = SenderLayers::default();
        let mut d = Diagnostics::default();
        layer(
            "[sender]\n\nemail = \"not-an-address\"\nnmae = \"x\"\n",
            &mut l,
            &mut d,
            "outcry.toml",
        );
        assert_eq!(
            d.errors().next().unwrap().to_string(),
            "outcry.toml:4: unknown field `nmae`, expected one of `name`, `email`, `organisation`, `city`, `country`, `address`"
        );
        let mut l = SenderLayers::default();
        let mut d = Diagnostics::default();
        layer(
            "[sender]\n\nemail = \"not-an-address\"\n",
            &mut l,
            &mut d,
            "outcry.toml",
        );
        let args = SenderArgs {
            sender_name: Some("A\nB".into()),
            ..SenderArgs::default()
        };
        apply_args(&args, &mut l);
        validate(l, &mut d);
        let msgs: Vec<String> = d.iter().map(ToString::to_string).collect();
        assert!(
            msgs[0].starts_with(
                "--sender-name (or OUTCRY_SENDER_NAME): sender name contains a control character"
            ),
            "{msgs:?}"
        );
        assert!(
            msgs[1].starts_with("outcry.toml:3: sender invalid e-mail address"),
            "{msgs:?}"
        );
    }
}

//! Settings: the sender profile and the delivery settings, layered from config files,
//! environment and flags.
//!
//! In increasing priority: `outcry.toml` at the workspace root (branch-wide defaults, from
//! whoever wrote the workspace), `$XDG_CONFIG_HOME/outcry/config.toml` (personal), `--config
//! FILE`, then `OUTCRY_*` environment variables and flags (clap merges those two, flags
//! winning). Each field is taken from the highest layer that sets it. The writer's own layers
//! are everything but the workspace's: a workspace may choose no login, transport or program,
//! and names a server only for a writer who has none (see [`smtp`]).

use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::cli::{SenderArgs, SmtpArgs};
use crate::diag::{Diagnostic, Diagnostics, Origin};
use crate::fields::{self, Country, Email};
use crate::files;
use crate::source::Source;

mod credentials;
mod save;
mod smtp;
pub use save::{Change, save_personal};
pub use smtp::{
    DEFAULT_RATE, DEFAULT_TIMEOUT, Delivery, PasswordSource, Security, SmtpSettings, Transport,
};

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    sender: Option<RawSender>,
    smtp: Option<RawSmtp>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a [sender] table"
)]
struct RawSender {
    name: Option<Spanned<String>>,
    email: Option<Spanned<String>>,
    organisation: Option<Spanned<String>>,
    city: Option<Spanned<String>>,
    country: Option<Spanned<String>>,
    address: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "an [smtp] table"
)]
struct RawSmtp {
    transport: Option<Spanned<String>>,
    host: Option<Spanned<String>>,
    port: Option<Spanned<i64>>,
    security: Option<Spanned<String>>,
    username: Option<Spanned<String>>,
    /// Accepted by the parser only to refuse it with a clear message.
    password: Option<Spanned<toml::Value>>,
    password_cmd: Option<Spanned<Vec<String>>>,
    ca_file: Option<Spanned<String>>,
    rate: Option<Spanned<f64>>,
    timeout: Option<Spanned<i64>>,
    sendmail: Option<Spanned<String>>,
}

/// A value and where it was set.
#[derive(Debug, Clone)]
pub(super) struct Setting<T> {
    pub(super) value: T,
    pub(super) origin: Origin,
    /// Which layer set it: higher layers override lower ones.
    pub(super) layer: Layer,
}

/// The layers, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Layer {
    /// The workspace's `outcry.toml`: someone else's defaults.
    Workspace,
    Personal,
    ConfigFlag,
    EnvOrFlag,
}

/// Every field as layered, before validation. Numbers stay text until validated so that a
/// flag and a file value are checked the same way.
#[derive(Debug, Default)]
pub(super) struct Layers {
    pub(super) name: Option<Setting<String>>,
    pub(super) email: Option<Setting<String>>,
    pub(super) organisation: Option<Setting<String>>,
    pub(super) city: Option<Setting<String>>,
    pub(super) country: Option<Setting<String>>,
    pub(super) address: Option<Setting<String>>,
    pub(super) transport: Option<Setting<String>>,
    pub(super) host: Option<Setting<String>>,
    pub(super) port: Option<Setting<String>>,
    pub(super) security: Option<Setting<String>>,
    pub(super) username: Option<Setting<String>>,
    pub(super) password_cmd: Option<Setting<Vec<String>>>,
    pub(super) ca_file: Option<Setting<PathBuf>>,
    pub(super) rate: Option<Setting<String>>,
    pub(super) timeout: Option<Setting<String>>,
    pub(super) sendmail: Option<Setting<PathBuf>>,
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

/// Everything the config layers say, validated.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub sender: Sender,
    /// `None` when no `[smtp]` host or sendmail transport is configured, or when it has
    /// problems.
    pub delivery: Option<Delivery>,
    /// What is wrong with the delivery settings: errors for `send`, `smtp test` and `check`;
    /// commands that send nothing do not stop for them.
    pub delivery_problems: Diagnostics,
}

/// The personal config file: `$XDG_CONFIG_HOME/outcry/config.toml` (or `~/.config/...`).
pub fn personal_config_path() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.config_dir().join("outcry").join("config.toml"))
}

/// Loads the settings from every layer. Problems (with file and line) go to `diags`.
pub fn load(
    root: &Path,
    config_flag: Option<&Path>,
    sender: &SenderArgs,
    smtp: &SmtpArgs,
    diags: &mut Diagnostics,
) -> Settings {
    let mut layers = Layers::default();
    let mut delivery_problems = Diagnostics::default();
    let mut read = |src, path: &Path, layer, diags: &mut Diagnostics| {
        read_layer(src, path, layer, &mut layers, diags, &mut delivery_problems);
    };
    if let Some(personal) = personal_config_path() {
        let src = Source::read_named(&personal, files::TEXT);
        read(src, &personal, Layer::Personal, diags);
    }
    let src = Source::read(root, Path::new("outcry.toml"), files::TEXT);
    read(src, &root.join("outcry.toml"), Layer::Workspace, diags);
    if let Some(file) = config_flag {
        match Source::read_named(file, files::TEXT) {
            Ok(None) => diags.error(
                Origin::file(file),
                "cannot read config file: it does not exist",
            ),
            // A file of the workspace is the workspace's, whoever names it.
            src if files::is_inside(root, file) => read(src, file, Layer::Workspace, diags),
            src => read(src, file, Layer::ConfigFlag, diags),
        }
    }
    apply_args(sender, smtp, &mut layers);
    let sender = validate_sender(&mut layers, diags);
    let delivery = smtp::validate_delivery(layers, &mut delivery_problems);
    Settings {
        sender,
        delivery: delivery.filter(|_| !delivery_problems.has_errors()),
        delivery_problems,
    }
}

/// Adds one config file to the layers; `path` is where it is, for the paths it names. A file
/// that does not exist adds nothing. Problems with its `[smtp]` table go to `smtp_diags`.
fn read_layer(
    src: Result<Option<Source>, Diagnostic>,
    path: &Path,
    layer: Layer,
    layers: &mut Layers,
    diags: &mut Diagnostics,
    smtp_diags: &mut Diagnostics,
) {
    let src = match src {
        Ok(Some(src)) => src,
        Ok(None) => return,
        Err(e) => {
            diags.error(e.origin, format!("cannot read config file: {}", e.message));
            return;
        }
    };
    let raw: RawConfig = match src.parse_toml() {
        Ok(r) => r,
        Err(d) => {
            diags.error(d.origin, d.message);
            return;
        }
    };
    #[allow(clippy::items_after_statements)] // a helper local to this function
    let same = |s: String| s;
    if let Some(mut s) = raw.sender {
        if layer == Layer::Workspace {
            // Who signs, who answers and where the replies go are the writer's to say.
            for (key, value) in [
                ("name", s.name.take()),
                ("email", s.email.take()),
                ("address", s.address.take()),
            ] {
                if let Some(v) = value {
                    diags.error(src.at(&v.span()), format!("{key} is not read from a file of the workspace (letters are signed and answered in your name only as you say): put it in your personal config, or use --sender-{key}"));
                }
            }
        }
        put(&mut layers.name, s.name, &src, layer, same);
        put(&mut layers.email, s.email, &src, layer, same);
        put(&mut layers.organisation, s.organisation, &src, layer, same);
        put(&mut layers.city, s.city, &src, layer, same);
        put(&mut layers.country, s.country, &src, layer, same);
        put(&mut layers.address, s.address, &src, layer, same);
    }
    if let Some(s) = raw.smtp {
        if let Some(p) = &s.password {
            smtp_diags.error(
                src.at(&p.span()),
                "a password written in a config file is refused: use password-cmd (a command that prints it) or OUTCRY_SMTP_PASSWORD",
            );
        }
        if layer == Layer::Workspace {
            // A workspace is often a shared or cloned folder: it must not make `outcry send`
            // run a program of its choosing, log in, or change how letters leave.
            for (key, span, why) in [
                (
                    "password-cmd",
                    s.password_cmd.as_ref().map(Spanned::span),
                    "it would run a program for whoever sends from this folder",
                ),
                (
                    "sendmail",
                    s.sendmail.as_ref().map(Spanned::span),
                    "it would run a program for whoever sends from this folder",
                ),
                (
                    "username",
                    s.username.as_ref().map(Spanned::span),
                    "a login is yours, and goes only to a server you set yourself",
                ),
                (
                    "transport",
                    s.transport.as_ref().map(Spanned::span),
                    "how your letters leave, by your SMTP account or sendmail, is yours to choose",
                ),
            ] {
                if let Some(span) = span {
                    smtp_diags.error(src.at(&span), format!("{key} is not read from a workspace's outcry.toml ({why}): put it in your personal config"));
                }
            }
            if let Some(ca) = &s.ca_file {
                let root = path.parent().unwrap_or(Path::new("."));
                if let Err(e) =
                    files::check_in_workspace(root, &relative_to(path, ca.get_ref()), files::TEXT)
                {
                    smtp_diags.error(
                        src.at(&ca.span()),
                        format!("ca-file {:?} {e}", ca.get_ref()),
                    );
                }
            }
        }
        put(&mut layers.transport, s.transport, &src, layer, same);
        put(&mut layers.host, s.host, &src, layer, same);
        put(&mut layers.port, s.port, &src, layer, |n| n.to_string());
        put(&mut layers.security, s.security, &src, layer, same);
        put(&mut layers.username, s.username, &src, layer, same);
        put(&mut layers.password_cmd, s.password_cmd, &src, layer, |v| v);
        put(&mut layers.ca_file, s.ca_file, &src, layer, |p| {
            relative_to(path, &p)
        });
        put(&mut layers.rate, s.rate, &src, layer, |n| n.to_string());
        put(&mut layers.timeout, s.timeout, &src, layer, |n| {
            n.to_string()
        });
        put(&mut layers.sendmail, s.sendmail, &src, layer, PathBuf::from);
    }
}

/// Sets a layered value from a file, unless a higher layer has set it.
fn put<T, U>(
    slot: &mut Option<Setting<U>>,
    v: Option<Spanned<T>>,
    src: &Source,
    layer: Layer,
    f: impl Fn(T) -> U,
) {
    if let Some(v) = v
        && slot.as_ref().is_none_or(|s| s.layer <= layer)
    {
        *slot = Some(Setting {
            origin: src.at(&v.span()),
            value: f(v.into_inner()),
            layer,
        });
    }
}

/// A path in a config file is relative to that file's folder.
fn relative_to(config: &Path, p: &str) -> PathBuf {
    let p = PathBuf::from(p);
    if p.is_absolute() {
        p
    } else {
        config.parent().unwrap_or(Path::new(".")).join(p)
    }
}

fn apply_args(sender: &SenderArgs, smtp: &SmtpArgs, layers: &mut Layers) {
    fn set<T: Clone>(slot: &mut Option<Setting<T>>, v: Option<&T>, flag: &str, env: &str) {
        if let Some(v) = v {
            let origin = Origin::Setting(format!("--{flag} (or {env})"));
            *slot = Some(Setting {
                value: v.clone(),
                origin,
                layer: Layer::EnvOrFlag,
            });
        }
    }
    set(
        &mut layers.name,
        sender.sender_name.as_ref(),
        "sender-name",
        "OUTCRY_SENDER_NAME",
    );
    set(
        &mut layers.email,
        sender.sender_email.as_ref(),
        "sender-email",
        "OUTCRY_SENDER_EMAIL",
    );
    set(
        &mut layers.organisation,
        sender.sender_organisation.as_ref(),
        "sender-organisation",
        "OUTCRY_SENDER_ORGANISATION",
    );
    set(
        &mut layers.city,
        sender.sender_city.as_ref(),
        "sender-city",
        "OUTCRY_SENDER_CITY",
    );
    set(
        &mut layers.country,
        sender.sender_country.as_ref(),
        "sender-country",
        "OUTCRY_SENDER_COUNTRY",
    );
    set(
        &mut layers.address,
        sender.sender_address.as_ref(),
        "sender-address",
        "OUTCRY_SENDER_ADDRESS",
    );
    set(
        &mut layers.transport,
        smtp.transport.as_ref(),
        "transport",
        "OUTCRY_TRANSPORT",
    );
    set(
        &mut layers.host,
        smtp.smtp_host.as_ref(),
        "smtp-host",
        "OUTCRY_SMTP_HOST",
    );
    set(
        &mut layers.port,
        smtp.smtp_port.as_ref(),
        "smtp-port",
        "OUTCRY_SMTP_PORT",
    );
    set(
        &mut layers.security,
        smtp.smtp_security.as_ref(),
        "smtp-security",
        "OUTCRY_SMTP_SECURITY",
    );
    set(
        &mut layers.username,
        smtp.smtp_username.as_ref(),
        "smtp-username",
        "OUTCRY_SMTP_USERNAME",
    );
    set(
        &mut layers.ca_file,
        smtp.smtp_ca_file.as_ref(),
        "smtp-ca-file",
        "OUTCRY_SMTP_CA_FILE",
    );
    set(&mut layers.rate, smtp.rate.as_ref(), "rate", "OUTCRY_RATE");
    set(
        &mut layers.timeout,
        smtp.smtp_timeout.as_ref(),
        "smtp-timeout",
        "OUTCRY_SMTP_TIMEOUT",
    );
    set(
        &mut layers.sendmail,
        smtp.sendmail.as_ref(),
        "sendmail",
        "OUTCRY_SENDMAIL",
    );
}

fn validate_sender(layers: &mut Layers, diags: &mut Diagnostics) -> Sender {
    let mut line = |what: &str, s: Option<Setting<String>>| -> Option<String> {
        let s = s?;
        match fields::check_line(&format!("sender {what}"), &s.value) {
            Ok(()) => Some(s.value.trim().to_string()),
            Err(e) => {
                diags.error(s.origin, e);
                None
            }
        }
    };
    let name = line("name", layers.name.take());
    let organisation = line("organisation", layers.organisation.take());
    let city = line("city", layers.city.take());
    let email = layers.email.take().and_then(|s| {
        s.value
            .parse::<Email>()
            .map_err(|e| diags.error(s.origin.clone(), format!("sender {e}")))
            .ok()
    });
    let country = layers.country.take().and_then(|s| {
        s.value
            .parse::<Country>()
            .map_err(|e| diags.error(s.origin.clone(), format!("sender {e}")))
            .ok()
    });
    let address =
        layers
            .address
            .take()
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

/// Reads `text` as a personal config file named `name`, for the tests of this module and
/// of [`smtp`].
#[cfg(test)]
fn test_layer(text: &str, layers: &mut Layers, d: &mut Diagnostics, name: &str) {
    let src = Source::from_bytes(Path::new(name), text.as_bytes()).map(Some);
    let mut smtp = Diagnostics::default();
    read_layer(src, Path::new(name), Layer::Personal, layers, d, &mut smtp);
    d.extend(smtp);
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::test_layer as layer;

    #[test]
    fn later_layers_win_field_by_field() {
        let mut l = Layers::default();
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
        apply_args(&args, &SmtpArgs::default(), &mut l);
        let s = validate_sender(&mut l, &mut d);
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(s.name.as_deref(), Some("Personal"));
        assert_eq!(s.organisation.as_deref(), Some("Branch"));
        assert_eq!(s.country.unwrap().code(), "AT");
        assert!(s.missing().is_empty());
    }

    #[test]
    fn bad_values_name_their_layer() {
        let mut l = Layers::default();
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
        let mut l = Layers::default();
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
        apply_args(&args, &SmtpArgs::default(), &mut l);
        validate_sender(&mut l, &mut d);
        let msgs: Vec<String> = d.sorted().iter().map(ToString::to_string).collect();
        assert!(
            msgs[1].starts_with(
                "--sender-name (or OUTCRY_SENDER_NAME): sender name contains a control character"
            ),
            "{msgs:?}"
        );
        assert!(
            msgs[0].starts_with("outcry.toml:3: sender invalid e-mail address"),
            "{msgs:?}"
        );
    }
}

//! Settings: the sender profile and the delivery settings, layered from config files,
//! environment and flags.
//!
//! In increasing priority: `$XDG_CONFIG_HOME/outcry/config.toml` (personal), `outcry.toml` at
//! the workspace root (branch-wide), `--config FILE`, then `OUTCRY_*` environment variables
//! and flags (clap merges those two, flags winning). Each field is taken from the highest
//! layer that sets it. A password is never read from a config file: it comes from
//! `password-cmd`, `OUTCRY_SMTP_PASSWORD` or a prompt, only when a connection is made.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use toml::Spanned;

use crate::cli::{SenderArgs, SmtpArgs};
use crate::diag::{Diagnostics, Origin, Source};
use crate::fields::{self, Country, Email};

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
struct Setting<T> {
    value: T,
    origin: Origin,
    /// Which layer set it: higher layers override lower ones.
    layer: Layer,
}

/// The layers, lowest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    Personal,
    Workspace,
    ConfigFlag,
    EnvOrFlag,
}

/// Every field as layered, before validation. Numbers stay text until validated so that a
/// flag and a file value are checked the same way.
#[derive(Debug, Default)]
struct Layers {
    name: Option<Setting<String>>,
    email: Option<Setting<String>>,
    organisation: Option<Setting<String>>,
    city: Option<Setting<String>>,
    country: Option<Setting<String>>,
    address: Option<Setting<String>>,
    transport: Option<Setting<String>>,
    host: Option<Setting<String>>,
    port: Option<Setting<String>>,
    security: Option<Setting<String>>,
    username: Option<Setting<String>>,
    password_cmd: Option<Setting<Vec<String>>>,
    ca_file: Option<Setting<PathBuf>>,
    rate: Option<Setting<String>>,
    timeout: Option<Setting<String>>,
    sendmail: Option<Setting<PathBuf>>,
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

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// TLS from the first byte (port 465).
    Tls,
    /// STARTTLS, required: a server that does not offer it is refused (port 587).
    StartTls,
    /// No encryption: only for a server on this machine, and never with credentials.
    None,
}

/// Where the SMTP password comes from (it is fetched only when a connection is made).
#[derive(Debug, Clone)]
pub enum PasswordSource {
    /// An argv, run without a shell; its standard output is the password.
    Command(Vec<String>),
    /// `OUTCRY_SMTP_PASSWORD`, else a hidden prompt on a terminal.
    EnvOrPrompt,
}

#[derive(Debug, Clone)]
pub struct SmtpSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
    pub username: Option<String>,
    pub password: PasswordSource,
    pub ca_file: Option<PathBuf>,
    pub timeout: Duration,
}

#[derive(Debug, Clone)]
pub enum Transport {
    Smtp(SmtpSettings),
    /// A local MTA's sendmail program, by absolute path, run without a shell.
    Sendmail(PathBuf),
}

/// How letters are delivered, when `outcry send` needs it.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub transport: Transport,
    /// Letters per minute.
    pub rate: f64,
}

/// The default pace: 20 letters a minute stays well under every common provider's limit
/// (see README, "Sending").
pub const DEFAULT_RATE: f64 = 20.0;
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Everything the config layers say, validated.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub sender: Sender,
    /// `None` when no `[smtp]` host or sendmail transport is configured.
    pub delivery: Option<Delivery>,
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
    if let Some(personal) = personal_config_path()
        && personal.is_file()
    {
        read_layer(&personal, &personal, Layer::Personal, &mut layers, diags);
    }
    let branch = root.join("outcry.toml");
    if branch.is_file() {
        read_layer(
            &branch,
            Path::new("outcry.toml"),
            Layer::Workspace,
            &mut layers,
            diags,
        );
    }
    if let Some(file) = config_flag {
        read_layer(file, file, Layer::ConfigFlag, &mut layers, diags);
    }
    apply_args(sender, smtp, &mut layers);
    let sender = validate_sender(&mut layers, diags);
    let delivery = validate_delivery(layers, diags);
    Settings { sender, delivery }
}

fn read_layer(
    path: &Path,
    shown: &Path,
    layer: Layer,
    layers: &mut Layers,
    diags: &mut Diagnostics,
) {
    let src = match Source::read(Path::new(""), path) {
        Ok(Some(src)) => Source::new(shown, src.text),
        Ok(None) => {
            diags.error(
                Origin::file(shown),
                "cannot read config file: it does not exist",
            );
            return;
        }
        Err(e) => {
            diags.error(
                Origin::file(shown),
                format!("cannot read config file: {}", e.message),
            );
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
    if let Some(s) = raw.sender {
        put(&mut layers.name, s.name, &src, layer, same);
        put(&mut layers.email, s.email, &src, layer, same);
        put(&mut layers.organisation, s.organisation, &src, layer, same);
        put(&mut layers.city, s.city, &src, layer, same);
        put(&mut layers.country, s.country, &src, layer, same);
        put(&mut layers.address, s.address, &src, layer, same);
    }
    if let Some(s) = raw.smtp {
        if let Some(p) = &s.password {
            diags.error(
                src.at(&p.span()),
                "a password written in a config file is refused: use password-cmd (a command that prints it) or OUTCRY_SMTP_PASSWORD",
            );
        }
        if layer == Layer::Workspace {
            // A workspace is often a shared or cloned folder: it must not make `outcry send`
            // run a program of its choosing.
            for (key, span) in [
                ("password-cmd", s.password_cmd.as_ref().map(Spanned::span)),
                ("sendmail", s.sendmail.as_ref().map(Spanned::span)),
            ] {
                if let Some(span) = span {
                    diags.error(src.at(&span), format!("{key} is not read from a workspace's outcry.toml (it would run a program for whoever sends from this folder): put it in your personal config"));
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

/// Sets a layered value from a file.
fn put<T, U>(
    slot: &mut Option<Setting<U>>,
    v: Option<Spanned<T>>,
    src: &Source,
    layer: Layer,
    f: impl Fn(T) -> U,
) {
    if let Some(v) = v {
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

/// A number from a file, flag or environment variable, within `range`.
fn number(
    s: Option<Setting<String>>,
    what: &str,
    min: f64,
    max: f64,
    diags: &mut Diagnostics,
) -> Option<f64> {
    let s = s?;
    match s.value.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && (min..=max).contains(&n) => Some(n),
        _ => {
            diags.error(
                s.origin,
                format!(
                    "{what} must be a number from {min} to {max}, not {:?}",
                    s.value
                ),
            );
            None
        }
    }
}

fn validate_delivery(l: Layers, diags: &mut Diagnostics) -> Option<Delivery> {
    let before = diags.errors().count();
    let rate = number(l.rate, "rate (letters per minute)", 0.001, 100_000.0, diags)
        .unwrap_or(DEFAULT_RATE);
    let timeout = number(l.timeout, "timeout (seconds)", 1.0, 3600.0, diags)
        .map_or(DEFAULT_TIMEOUT, Duration::from_secs_f64);
    let transport = l
        .transport
        .map(|s| (s.value.trim().to_ascii_lowercase(), s.origin));
    let transport = match transport.as_ref().map(|(v, o)| (v.as_str(), o)) {
        None | Some(("smtp", _)) => {
            let host = l.host?;
            smtp_settings(
                &host,
                l.port,
                l.security,
                l.username,
                l.password_cmd,
                l.ca_file,
                timeout,
                diags,
            )
            .map(Transport::Smtp)
        }
        Some(("sendmail", origin)) => {
            let path = l.sendmail.unwrap_or_else(|| Setting {
                value: PathBuf::from("/usr/sbin/sendmail"),
                origin: origin.clone(),
                layer: Layer::Personal,
            });
            if path.value.is_absolute() {
                Some(Transport::Sendmail(path.value))
            } else {
                diags.error(
                    path.origin,
                    format!(
                        "sendmail must be an absolute path, not {:?}",
                        path.value.display()
                    ),
                );
                None
            }
        }
        Some((other, origin)) => {
            diags.error(
                origin.clone(),
                format!("unknown transport {other:?}: use \"smtp\" or \"sendmail\""),
            );
            None
        }
    };
    if diags.errors().count() > before {
        return None;
    }
    transport.map(|transport| Delivery { transport, rate })
}

#[allow(clippy::too_many_arguments)]
fn smtp_settings(
    host: &Setting<String>,
    port: Option<Setting<String>>,
    security: Option<Setting<String>>,
    username: Option<Setting<String>>,
    password_cmd: Option<Setting<Vec<String>>>,
    ca_file: Option<Setting<PathBuf>>,
    timeout: Duration,
    diags: &mut Diagnostics,
) -> Option<SmtpSettings> {
    let before = diags.errors().count();
    if let Err(e) = fields::check_line("smtp host", &host.value) {
        diags.error(host.origin.clone(), e);
    }
    // Credentials go only to the server named in their own layer or one above it: a
    // workspace's outcry.toml must not redirect your personal login to another server.
    let credentials = [
        username.as_ref().map(|u| (u.layer, &u.origin)),
        password_cmd.as_ref().map(|p| (p.layer, &p.origin)),
    ];
    if let Some((layer, origin)) = credentials.into_iter().flatten().min_by_key(|(l, _)| *l) {
        let server = [
            ("host", Some((host.layer, &host.origin))),
            ("port", port.as_ref().map(|p| (p.layer, &p.origin))),
            ("security", security.as_ref().map(|p| (p.layer, &p.origin))),
            ("ca-file", ca_file.as_ref().map(|p| (p.layer, &p.origin))),
        ];
        for (key, set) in server {
            if let Some((l, o)) = set
                && l > layer
            {
                diags.error(
                    o.clone(),
                    format!("{key} here changes the server your login (set at {origin}) would go to: outcry sends credentials only to a server set in the same place or above them; set host, port and username together"),
                );
            }
        }
    }
    let host_name = host.value.trim().to_string();
    let security = match security
        .as_ref()
        .map(|s| s.value.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("starttls") => Security::StartTls,
        Some("tls") => Security::Tls,
        Some("none") => Security::None,
        Some(other) => {
            let origin = security.map_or_else(|| host.origin.clone(), |s| s.origin);
            diags.error(origin, format!("unknown security {other:?}: use \"tls\" (port 465), \"starttls\" (port 587) or \"none\" (this machine only)"));
            Security::StartTls
        }
    };
    let default_port = match security {
        Security::Tls => 465,
        Security::StartTls => 587,
        Security::None => 25,
    };
    let port = match port {
        None => default_port,
        Some(p) => match p.value.trim().parse::<u16>() {
            Ok(n) if n > 0 => n,
            _ => {
                diags.error(
                    p.origin,
                    format!("port must be a number from 1 to 65535, not {:?}", p.value),
                );
                default_port
            }
        },
    };
    if security == Security::None {
        if !is_loopback(&host_name) {
            diags.error(
                host.origin.clone(),
                format!("security = \"none\" is allowed only for a server on this machine (127.0.0.1, ::1, localhost), not {host_name:?}: use \"tls\" or \"starttls\""),
            );
        }
        if let Some(u) = &username {
            diags.error(u.origin.clone(), "credentials are sent only over TLS: with security = \"none\" leave out username (or use \"tls\" or \"starttls\")");
        }
    }
    if let Some(u) = &username
        && let Err(e) = fields::check_line("smtp username", &u.value)
    {
        diags.error(u.origin.clone(), e);
    }
    let password = match password_cmd {
        Some(cmd) if cmd.value.is_empty() || cmd.value[0].trim().is_empty() => {
            diags.error(cmd.origin, "password-cmd is empty: give the command and its arguments as a list, e.g. [\"pass\", \"show\", \"mail\"]");
            PasswordSource::EnvOrPrompt
        }
        Some(cmd) => PasswordSource::Command(cmd.value),
        None => PasswordSource::EnvOrPrompt,
    };
    if let Some(ca) = &ca_file
        && !ca.value.is_file()
    {
        diags.error(
            ca.origin.clone(),
            format!("ca-file {} does not exist", ca.value.display()),
        );
    }
    (diags.errors().count() == before).then(|| SmtpSettings {
        host: host_name,
        port,
        security,
        username: username.map(|u| u.value.trim().to_string()),
        password,
        ca_file: ca_file.map(|c| c.value),
        timeout,
    })
}

fn is_loopback(host: &str) -> bool {
    host.eq_ignore_ascii_case("localhost")
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(text: &str, layers: &mut Layers, d: &mut Diagnostics, name: &str) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        read_layer(&p, Path::new(name), Layer::Personal, layers, d);
    }

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

    fn smtp(text: &str) -> (Option<Delivery>, Vec<String>) {
        let mut l = Layers::default();
        let mut d = Diagnostics::default();
        layer(text, &mut l, &mut d, "outcry.toml");
        let delivery = validate_delivery(l, &mut d);
        (
            delivery,
            d.sorted().iter().map(ToString::to_string).collect(),
        )
    }

    #[test]
    fn smtp_defaults_to_required_starttls_on_587() {
        let (d, e) = smtp("[smtp]\nhost = \"smtp.example.org\"\nusername = \"me\"\n");
        assert!(e.is_empty(), "{e:?}");
        let Some(Delivery {
            transport: Transport::Smtp(s),
            rate,
        }) = d
        else {
            panic!("no smtp")
        };
        assert_eq!(
            (s.port, s.security, rate),
            (587, Security::StartTls, DEFAULT_RATE)
        );
        let (d, _) = smtp("[smtp]\nhost = \"smtp.example.org\"\nsecurity = \"tls\"\n");
        let Some(Delivery {
            transport: Transport::Smtp(s),
            ..
        }) = d
        else {
            panic!("no smtp")
        };
        assert_eq!(s.port, 465);
    }

    #[test]
    fn insecure_settings_are_refused() {
        let (d, e) = smtp("[smtp]\nhost = \"smtp.example.org\"\nsecurity = \"none\"\n");
        assert!(d.is_none());
        assert!(
            e[0].starts_with(
                "outcry.toml:2: security = \"none\" is allowed only for a server on this machine"
            ),
            "{e:?}"
        );
        let (d, e) = smtp("[smtp]\nhost = \"127.0.0.1\"\nsecurity = \"none\"\nusername = \"me\"\n");
        assert!(d.is_none());
        assert!(
            e[0].starts_with("outcry.toml:4: credentials are sent only over TLS"),
            "{e:?}"
        );
        let (_, e) = smtp("[smtp]\nhost = \"smtp.example.org\"\npassword = \"hunter2\"\n");
        assert!(
            e[0].starts_with("outcry.toml:3: a password written in a config file is refused"),
            "{e:?}"
        );
        assert!(!e.iter().any(|m| m.contains("hunter2")));
        let (_, e) = smtp("[smtp]\nhost = \"127.0.0.1\"\nsecurity = \"opportunistic\"\n");
        assert!(e[0].contains("unknown security \"opportunistic\""), "{e:?}");
        let (d, e) = smtp("[smtp]\nhost = \"localhost\"\nsecurity = \"none\"\nport = 2525\n");
        assert!(e.is_empty() && d.is_some(), "{e:?}");
    }

    #[test]
    fn sendmail_needs_an_absolute_path() {
        let (d, e) = smtp("[smtp]\ntransport = \"sendmail\"\nsendmail = \"sendmail\"\n");
        assert!(d.is_none());
        assert!(
            e[0].starts_with("outcry.toml:3: sendmail must be an absolute path"),
            "{e:?}"
        );
        let (d, _) = smtp("[smtp]\ntransport = \"sendmail\"\n");
        assert!(
            matches!(d, Some(Delivery { transport: Transport::Sendmail(p), .. }) if p == Path::new("/usr/sbin/sendmail"))
        );
    }
}

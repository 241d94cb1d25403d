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
    fax: Option<RawFax>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(
    deny_unknown_fields,
    rename_all = "kebab-case",
    expecting = "a [fax] table"
)]
struct RawFax {
    gateway: Option<Spanned<String>>,
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
    pub(super) fax_gateway: Option<Setting<String>>,
    /// The `[sender]` values a file of the workspace gives, whether or not a higher layer
    /// overrides them: the review says what became of each.
    pub(super) workspace_sender: Vec<(&'static str, Setting<String>)>,
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
    /// The sender's values a file of the workspace gives, used or overridden.
    pub from_workspace: Vec<FromWorkspace>,
}

/// A `[sender]` value a file of the workspace gives (a branch's organisation, city or
/// country), and the value letters use: the workspace's, or the writer's own over it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FromWorkspace {
    /// The config key: `organisation`, `city` or `country`.
    pub field: &'static str,
    /// What the workspace says, and where (`outcry.toml:5`).
    pub workspace: String,
    pub workspace_origin: String,
    /// Whether letters use the workspace's value.
    pub used: bool,
    /// The value letters use, and where it is set.
    pub value: String,
    pub origin: String,
}

/// The personal config file: `$XDG_CONFIG_HOME/outcry/config.toml` (or `~/.config/...`).
pub fn personal_config_path() -> Option<PathBuf> {
    use etcetera::BaseStrategy;
    etcetera::choose_base_strategy()
        .ok()
        .map(|s| s.config_dir().join("outcry").join("config.toml"))
}

/// What a run is given besides the files outcry finds itself: `--config FILE`, and the
/// settings given as flags or variables.
#[derive(Debug, Clone, Default)]
pub struct Given {
    pub file: Option<PathBuf>,
    pub overrides: Overrides,
}

/// The personal config file as a message shows it.
pub fn personal_config_shown() -> String {
    personal_config_path().map_or_else(
        || "your personal config".into(),
        |p| p.display().to_string(),
    )
}

/// Loads the settings from every layer. Problems (with file and line) go to `diags`.
pub fn load(root: &Path, given: &Given, diags: &mut Diagnostics) -> Settings {
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
    if let Some(file) = given.file.as_deref() {
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
    apply_overrides(&given.overrides, &mut layers);
    let from_workspace = from_workspace(&layers);
    let sender = validate_sender(&mut layers, diags);
    let gateway = fax_gateway(layers.fax_gateway.take(), &mut delivery_problems);
    let delivery = smtp::validate_delivery(layers, &mut delivery_problems)
        .map(|d| Delivery { fax: gateway, ..d });
    Settings {
        sender,
        delivery: delivery.filter(|_| !delivery_problems.has_errors()),
        delivery_problems,
        from_workspace,
    }
}

/// What became of each `[sender]` value the workspace gives: used, or overridden by the
/// writer's own layers.
fn from_workspace(layers: &Layers) -> Vec<FromWorkspace> {
    layers
        .workspace_sender
        .iter()
        .filter_map(|(field, given)| {
            let used = match *field {
                "organisation" => layers.organisation.as_ref(),
                "city" => layers.city.as_ref(),
                "country" => layers.country.as_ref(),
                _ => None,
            }?;
            Some(FromWorkspace {
                field,
                workspace: given.value.trim().to_string(),
                workspace_origin: given.origin.to_string(),
                used: used.layer == Layer::Workspace && used.origin == given.origin,
                value: used.value.trim().to_string(),
                origin: used.origin.to_string(),
            })
        })
        .collect()
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
    if let Some(s) = raw.sender {
        put_sender(s, &src, layer, layers, diags);
    }
    if let Some(s) = raw.smtp {
        if layer == Layer::Workspace {
            refuse_workspace_smtp(&s, &src, path, smtp_diags);
        }
        put_smtp(s, &src, path, layer, layers, smtp_diags);
    }
    if let Some(f) = raw.fax {
        put_fax(f, &src, layer, layers, smtp_diags);
    }
}

/// A file's `[fax]` table into the layers. A gateway routes letters (each fax becomes an
/// e-mail to it): only the writer's own configuration may name one.
fn put_fax(
    f: RawFax,
    src: &Source,
    layer: Layer,
    layers: &mut Layers,
    smtp_diags: &mut Diagnostics,
) {
    if layer == Layer::Workspace {
        if let Some(g) = &f.gateway {
            smtp_diags.error(src.at(&g.span()), "gateway is not read from a file of the workspace (it would route your faxes to an address of its choosing): put it in [fax] of your personal config");
        }
        return;
    }
    put(&mut layers.fax_gateway, f.gateway, src, layer, same);
}

/// The fax gateway the writer set, checked.
fn fax_gateway(
    setting: Option<Setting<String>>,
    diags: &mut Diagnostics,
) -> Option<crate::fax::Gateway> {
    let setting = setting?;
    crate::fax::Gateway::parse(&setting.value)
        .map_err(|e| diags.error(setting.origin, e))
        .ok()
}

fn same(s: String) -> String {
    s
}

/// A file's `[sender]` table into the layers.
fn put_sender(
    mut s: RawSender,
    src: &Source,
    layer: Layer,
    layers: &mut Layers,
    diags: &mut Diagnostics,
) {
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
        for (key, value) in [
            ("organisation", &s.organisation),
            ("city", &s.city),
            ("country", &s.country),
        ] {
            if let Some(v) = value {
                layers.workspace_sender.push((
                    key,
                    Setting {
                        value: v.get_ref().clone(),
                        origin: src.at(&v.span()),
                        layer,
                    },
                ));
            }
        }
    }
    put(&mut layers.name, s.name, src, layer, same);
    put(&mut layers.email, s.email, src, layer, same);
    put(&mut layers.organisation, s.organisation, src, layer, same);
    put(&mut layers.city, s.city, src, layer, same);
    put(&mut layers.country, s.country, src, layer, same);
    put(&mut layers.address, s.address, src, layer, same);
}

/// A workspace is often a shared or cloned folder: it must not make `outcry send` run a
/// program of its choosing, log in, or change how letters leave; its CA file must be its own.
fn refuse_workspace_smtp(s: &RawSmtp, src: &Source, path: &Path, smtp_diags: &mut Diagnostics) {
    const RUNS: &str = "it would run a program for whoever sends from this folder";
    for (key, span, why) in [
        (
            "password-cmd",
            s.password_cmd.as_ref().map(Spanned::span),
            RUNS,
        ),
        ("sendmail", s.sendmail.as_ref().map(Spanned::span), RUNS),
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

/// A file's `[smtp]` table into the layers.
fn put_smtp(
    s: RawSmtp,
    src: &Source,
    path: &Path,
    layer: Layer,
    layers: &mut Layers,
    smtp_diags: &mut Diagnostics,
) {
    if let Some(p) = &s.password {
        smtp_diags.error(
            src.at(&p.span()),
            "a password written in a config file is refused: use password-cmd (a command that prints it) or OUTCRY_SMTP_PASSWORD",
        );
    }
    put(&mut layers.transport, s.transport, src, layer, same);
    put(&mut layers.host, s.host, src, layer, same);
    put(&mut layers.port, s.port, src, layer, |n| n.to_string());
    put(&mut layers.security, s.security, src, layer, same);
    put(&mut layers.username, s.username, src, layer, same);
    put(&mut layers.password_cmd, s.password_cmd, src, layer, |v| v);
    put(&mut layers.ca_file, s.ca_file, src, layer, |p| {
        relative_to(path, &p)
    });
    put(&mut layers.rate, s.rate, src, layer, |n| n.to_string());
    put(&mut layers.timeout, s.timeout, src, layer, |n| {
        n.to_string()
    });
    put(&mut layers.sendmail, s.sendmail, src, layer, PathBuf::from);
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

/// The settings given as flags or `OUTCRY_*` variables: the top layer, over every file. The
/// values are text, checked by the same rules as a file's; each names its flag as its origin.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub name: Option<Override<String>>,
    pub email: Option<Override<String>>,
    pub organisation: Option<Override<String>>,
    pub city: Option<Override<String>>,
    pub country: Option<Override<String>>,
    pub address: Option<Override<String>>,
    pub transport: Option<Override<String>>,
    pub host: Option<Override<String>>,
    pub port: Option<Override<String>>,
    pub security: Option<Override<String>>,
    pub username: Option<Override<String>>,
    pub ca_file: Option<Override<PathBuf>>,
    pub rate: Option<Override<String>>,
    pub timeout: Option<Override<String>>,
    pub sendmail: Option<Override<PathBuf>>,
}

/// One setting from the command line: its value, and where it came from in the writer's
/// words (`--smtp-port (or OUTCRY_SMTP_PORT)`).
#[derive(Debug, Clone)]
pub struct Override<T> {
    pub value: T,
    pub origin: String,
}

fn apply_overrides(o: &Overrides, layers: &mut Layers) {
    fn set<T: Clone>(slot: &mut Option<Setting<T>>, v: Option<&Override<T>>) {
        if let Some(v) = v {
            *slot = Some(Setting {
                value: v.value.clone(),
                origin: Origin::Setting(v.origin.clone()),
                layer: Layer::EnvOrFlag,
            });
        }
    }
    set(&mut layers.name, o.name.as_ref());
    set(&mut layers.email, o.email.as_ref());
    set(&mut layers.organisation, o.organisation.as_ref());
    set(&mut layers.city, o.city.as_ref());
    set(&mut layers.country, o.country.as_ref());
    set(&mut layers.address, o.address.as_ref());
    set(&mut layers.transport, o.transport.as_ref());
    set(&mut layers.host, o.host.as_ref());
    set(&mut layers.port, o.port.as_ref());
    set(&mut layers.security, o.security.as_ref());
    set(&mut layers.username, o.username.as_ref());
    set(&mut layers.ca_file, o.ca_file.as_ref());
    set(&mut layers.rate, o.rate.as_ref());
    set(&mut layers.timeout, o.timeout.as_ref());
    set(&mut layers.sendmail, o.sendmail.as_ref());
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
        let o = Overrides {
            country: Some(Override {
                value: "AT".into(),
                origin: "--sender-country".into(),
            }),
            ..Overrides::default()
        };
        apply_overrides(&o, &mut l);
        let s = validate_sender(&mut l, &mut d);
        assert!(!d.has_errors(), "{d:?}");
        assert_eq!(s.name.as_deref(), Some("Personal"));
        assert_eq!(s.organisation.as_deref(), Some("Branch"));
        assert_eq!(s.country.unwrap().code(), "AT");
        assert!(s.missing().is_empty());
    }

    /// Issue 11: the workspace is the lowest layer for every `[sender]` field, whatever the
    /// order the files are read in, and what became of each of its values is kept.
    #[test]
    fn the_workspace_gives_defaults_only_and_says_which() {
        let mut l = Layers::default();
        let mut d = Diagnostics::default();
        let mut smtp = Diagnostics::default();
        let read = |text: &str,
                    name: &str,
                    layer,
                    l: &mut Layers,
                    d: &mut Diagnostics,
                    smtp: &mut Diagnostics| {
            let src = Source::from_bytes(Path::new(name), text.as_bytes()).map(Some);
            read_layer(src, Path::new(name), layer, l, d, smtp);
        };
        read(
            "[sender]\ncountry = \"DE\"\n",
            "personal.toml",
            Layer::Personal,
            &mut l,
            &mut d,
            &mut smtp,
        );
        read(
            "[sender]\norganisation = \"Branch\"\ncity = \"London\"\ncountry = \"GB\"\n",
            "outcry.toml",
            Layer::Workspace,
            &mut l,
            &mut d,
            &mut smtp,
        );
        let o = Overrides {
            city: Some(Override {
                value: "Berlin".into(),
                origin: "--sender-city".into(),
            }),
            ..Overrides::default()
        };
        apply_overrides(&o, &mut l);
        let from = from_workspace(&l);
        let s = validate_sender(&mut l, &mut d);
        assert!(!d.has_errors() && !smtp.has_errors(), "{d:?}");
        assert_eq!(s.country.map(Country::code), Some("DE"));
        assert_eq!(s.city.as_deref(), Some("Berlin"));
        assert_eq!(s.organisation.as_deref(), Some("Branch"));
        let shown: Vec<(&str, bool, String, String)> = from
            .iter()
            .map(|f| (f.field, f.used, f.value.clone(), f.origin.clone()))
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "organisation",
                    true,
                    "Branch".into(),
                    "outcry.toml:2".into()
                ),
                ("city", false, "Berlin".into(), "--sender-city".into()),
                ("country", false, "DE".into(), "personal.toml:2".into()),
            ]
        );
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
        let o = Overrides {
            name: Some(Override {
                value: "A\nB".into(),
                origin: "--sender-name (or OUTCRY_SENDER_NAME)".into(),
            }),
            ..Overrides::default()
        };
        apply_overrides(&o, &mut l);
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

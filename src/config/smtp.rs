//! Delivery settings: the `[smtp]` table validated into a transport, with the rules that keep
//! credentials safe (TLS only, to a server set beside them).

use std::path::PathBuf;
use std::time::Duration;

use super::{Layer, Layers, Setting};
use crate::diag::Diagnostics;
use crate::fields;

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
    /// The e-mail-to-fax gateway fax letters go through (`[fax] gateway`), if the writer set one.
    pub fax: Option<crate::fax::Gateway>,
}

impl Security {
    /// How the connection is secured, in words: "TLS", "STARTTLS", or "unencrypted, this
    /// machine only".
    pub fn label(self) -> &'static str {
        match self {
            Security::Tls => "TLS",
            Security::StartTls => "STARTTLS",
            Security::None => "unencrypted, this machine only",
        }
    }
}

impl SmtpSettings {
    /// The account in words: "me at smtp.example.org:465 (TLS)".
    pub fn label(&self) -> String {
        let user = self
            .username
            .as_ref()
            .map(|u| format!("{u} at "))
            .unwrap_or_default();
        format!(
            "{user}{}:{} ({})",
            self.host,
            self.port,
            self.security.label()
        )
    }
}

impl Delivery {
    /// What letters go through, in words: an SMTP account ("me at smtp.example.org:465
    /// (TLS)") or the local mail system.
    pub fn label(&self) -> String {
        match &self.transport {
            Transport::Smtp(s) => s.label(),
            Transport::Sendmail(p) => format!("the local mail system ({})", p.display()),
        }
    }
}

/// The default pace: 20 letters a minute stays well under every common provider's limit
/// (see README, "Sending").
pub const DEFAULT_RATE: f64 = 20.0;
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

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

pub(super) fn validate_delivery(l: Layers, diags: &mut Diagnostics) -> Option<Delivery> {
    let before = diags.errors().count();
    check_workspace_server(&l, diags);
    // Up to a million a minute: a relay on the writer's own machine or network takes
    // letters as fast as they come, and pacing must not be what limits a run there.
    let rate = number(
        l.rate,
        "rate (letters per minute)",
        0.001,
        1_000_000.0,
        diags,
    )
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
    transport.map(|transport| Delivery {
        transport,
        rate,
        fax: None,
    })
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
    let host_name = host.value.trim().to_string();
    let security = security_of(security, host, diags);
    let port = port_of(port, security, diags);
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
    let password = password_source(password_cmd, diags);
    if let Some(ca) = &ca_file
        && ca.layer != Layer::Workspace
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

/// `security`, STARTTLS unless said otherwise.
fn security_of(
    security: Option<Setting<String>>,
    host: &Setting<String>,
    diags: &mut Diagnostics,
) -> Security {
    match security
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
    }
}

/// `port`, by default the one that goes with `security`.
fn port_of(port: Option<Setting<String>>, security: Security, diags: &mut Diagnostics) -> u16 {
    let default_port = match security {
        Security::Tls => 465,
        Security::StartTls => 587,
        Security::None => 25,
    };
    let Some(p) = port else {
        return default_port;
    };
    match p.value.trim().parse::<u16>() {
        Ok(n) if n > 0 => n,
        _ => {
            diags.error(
                p.origin,
                format!("port must be a number from 1 to 65535, not {:?}", p.value),
            );
            default_port
        }
    }
}

/// Where the password comes from: `password-cmd`, else the environment or a prompt.
fn password_source(
    password_cmd: Option<Setting<Vec<String>>>,
    diags: &mut Diagnostics,
) -> PasswordSource {
    match password_cmd {
        Some(cmd) if cmd.value.is_empty() || cmd.value[0].trim().is_empty() => {
            diags.error(cmd.origin, "password-cmd is empty: give the command and its arguments as a list, e.g. [\"pass\", \"show\", \"mail\"]");
            PasswordSource::EnvOrPrompt
        }
        Some(cmd) => PasswordSource::Command(cmd.value),
        None => PasswordSource::EnvOrPrompt,
    }
}

/// A workspace names a server (host, port, security, ca-file) only for a writer whose own
/// settings name no server, login, transport or program: mixed with any of those, the
/// workspace's server could take the writer's login, or their letters, elsewhere.
fn check_workspace_server(l: &Layers, diags: &mut Diagnostics) {
    fn at<'a, T>(
        key: &'static str,
        s: Option<&'a Setting<T>>,
    ) -> Option<(&'static str, Layer, &'a crate::diag::Origin)> {
        s.map(|s| (key, s.layer, &s.origin))
    }
    let server = [
        at("host", l.host.as_ref()),
        at("port", l.port.as_ref()),
        at("security", l.security.as_ref()),
        at("ca-file", l.ca_file.as_ref()),
        at("rate", l.rate.as_ref()),
        at("timeout", l.timeout.as_ref()),
    ];
    let own = [
        at("username", l.username.as_ref()),
        at("password-cmd", l.password_cmd.as_ref()),
        at("transport", l.transport.as_ref()),
        at("sendmail", l.sendmail.as_ref()),
    ];
    let Some((own_key, _, own_origin)) = own
        .iter()
        .chain(&server)
        .flatten()
        .find(|(_, layer, _)| *layer != Layer::Workspace)
    else {
        return;
    };
    for (key, _, origin) in server
        .iter()
        .flatten()
        .filter(|(_, l, _)| *l == Layer::Workspace)
    {
        diags.error(
            (*origin).clone(),
            format!("{key} comes from this workspace, but {own_key} comes from your own settings ({own_origin}): a workspace may name a server only for someone who sets no server, login or transport of their own; remove it from outcry.toml, or set it yourself"),
        );
    }
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
    use super::super::test_layer as layer;
    use super::*;

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
            ..
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
            matches!(d, Some(Delivery { transport: Transport::Sendmail(p), .. }) if p == std::path::Path::new("/usr/sbin/sendmail"))
        );
    }
}

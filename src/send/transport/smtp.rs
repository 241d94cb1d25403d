//! SMTP through lettre's `SmtpConnection`, driven stage by stage.
//!
//! `SmtpTransport::send` does not say which stage failed, so outcry drives the connection
//! itself: MAIL, each RCPT, DATA and the body, each with its own reply. That is how one
//! refused recipient costs nobody else their letter, and how a connection lost after the body
//! is told apart from one lost before it.

use lettre::Address;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{Certificate, SmtpConnection, TlsParameters};
use lettre::transport::smtp::commands::{Data, Mail as MailFrom, Rcpt};
use lettre::transport::smtp::extension::ClientId;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use secrecy::{ExposeSecret, SecretString};

use super::{Mail, OnBody, Outcome, Refusal, Transport};
use crate::config::{Security, SmtpSettings};

/// The EHLO name: never the machine's host name.
fn hello() -> ClientId {
    ClientId::Domain("localhost".to_string())
}

pub struct Smtp {
    settings: SmtpSettings,
    credentials: Option<Credentials>,
    tls: TlsParameters,
    conn: Option<SmtpConnection>,
}

impl Smtp {
    /// Prepares the transport; nothing connects yet. Credentials only ever travel over TLS.
    pub fn new(settings: SmtpSettings, password: Option<SecretString>) -> anyhow::Result<Smtp> {
        let mut builder = TlsParameters::builder(settings.host.clone());
        if let Some(ca) = &settings.ca_file {
            // Bounded, and by the workspace's rules when the file lies inside it.
            let pem = crate::files::read_named(ca, crate::files::TEXT)
                .map_err(|e| anyhow::anyhow!("ca-file {}: {e}", ca.display()))?
                .ok_or_else(|| anyhow::anyhow!("ca-file {} does not exist", ca.display()))?;
            let certs = CertificateDer::pem_slice_iter(&pem);
            let mut found = 0;
            for cert in certs {
                let der = cert.map_err(|e| {
                    anyhow::anyhow!(
                        "ca-file {} is not a PEM certificate file: {e}",
                        ca.display()
                    )
                })?;
                let cert = Certificate::from_der(der.to_vec()).map_err(|e| {
                    anyhow::anyhow!(
                        "ca-file {} holds a certificate rustls cannot use: {e}",
                        ca.display()
                    )
                })?;
                builder = builder.add_root_certificate(cert);
                found += 1;
            }
            if found == 0 {
                anyhow::bail!(
                    "ca-file {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                    ca.display()
                );
            }
        }
        let tls = builder
            .build_rustls()
            .map_err(|e| anyhow::anyhow!("cannot set up TLS: {e}"))?;
        let credentials = match (&settings.username, password) {
            (Some(user), Some(pass)) => {
                if settings.security == Security::None {
                    anyhow::bail!(
                        "credentials are sent only over TLS: refusing to log in with security = \"none\""
                    );
                }
                Some(Credentials::new(
                    user.clone(),
                    pass.expose_secret().to_string(),
                ))
            }
            _ => None,
        };
        Ok(Smtp {
            settings,
            credentials,
            tls,
            conn: None,
        })
    }

    /// Connects, secures and logs in, explaining a failure in plain words.
    pub fn connect(&mut self) -> Result<(), String> {
        let s = &self.settings;
        let addr = (s.host.as_str(), s.port);
        let where_ = format!("{}:{}", s.host, s.port);
        let implicit = (s.security == Security::Tls).then_some(&self.tls);
        let mut conn = SmtpConnection::connect(addr, Some(s.timeout), &hello(), implicit, None)
            .map_err(|e| explain_connect(&e, s, &where_))?;
        if s.security == Security::StartTls {
            if !conn.can_starttls() {
                conn.abort();
                return Err(format!(
                    "{where_} does not offer STARTTLS: refusing to go on unencrypted (port 465 wants security = \"tls\")"
                ));
            }
            conn.starttls(&self.tls, &hello())
                .map_err(|e| explain_connect(&e, s, &where_))?;
        }
        if let Some(creds) = &self.credentials {
            conn.auth(&[Mechanism::Plain, Mechanism::Login], creds)
                .map_err(|e| {
                    if e.is_permanent() {
                        format!(
                            "{where_} refused the login of {}: check username and password ({})",
                            s.username.as_deref().unwrap_or(""),
                            first_line(&e)
                        )
                    } else {
                        format!("logging in to {where_} failed: {}", first_line(&e))
                    }
                })?;
        }
        self.conn = Some(conn);
        Ok(())
    }

    fn drop_connection(&mut self) {
        if let Some(mut c) = self.conn.take() {
            c.abort();
        }
    }

    /// A failure before the body: the letter was not sent. `account`: the refusal was of the
    /// sender (MAIL FROM), not of this letter.
    fn before_body(&mut self, e: &lettre::transport::smtp::Error, account: bool) -> Outcome {
        let broken =
            self.conn.as_ref().is_none_or(SmtpConnection::has_broken) || !replied(e) || is_421(e);
        if broken {
            self.drop_connection();
            return Outcome::NotSent(first_line(e));
        }
        if let Some(c) = self.conn.as_mut() {
            let _ = c.command(lettre::transport::smtp::commands::Rset);
        }
        refusal(e, account)
    }
}

impl Smtp {
    /// The transport for `s`, connected and logged in (the password is fetched now).
    pub fn open(s: &SmtpSettings) -> anyhow::Result<Smtp> {
        let mut smtp = Smtp::new(s.clone(), s.password()?)?;
        smtp.connect().map_err(|e| anyhow::anyhow!(e))?;
        Ok(smtp)
    }

    /// MAIL FROM and each RCPT TO: the recipients the server refused while it took others, or
    /// the outcome when it took none.
    fn envelope(
        &mut self,
        from: &Address,
        recipients: &[Address],
    ) -> Result<Vec<Refusal>, Outcome> {
        if self.conn.as_ref().is_some_and(SmtpConnection::has_broken) {
            self.drop_connection();
        }
        if self.conn.is_none() {
            self.connect().map_err(Outcome::NotSent)?;
        }
        let Some(conn) = self.conn.as_mut() else {
            return Err(Outcome::NotSent("not connected".into()));
        };
        if let Err(e) = conn.command(MailFrom::new(Some(from.clone()), vec![])) {
            return Err(self.before_body(&e, true));
        }
        let mut refused = Vec::new();
        for r in recipients {
            let Some(conn) = self.conn.as_mut() else {
                return Err(Outcome::NotSent("connection lost".into()));
            };
            match conn.command(Rcpt::new(r.clone(), vec![])) {
                Ok(_) => {}
                Err(e) if replied(&e) && !is_421(&e) && !conn.has_broken() => {
                    refused.push(Refusal {
                        recipient: r.clone(),
                        reply: first_line(&e),
                        transient: e.is_transient(),
                    });
                }
                Err(e) => return Err(self.before_body(&e, false)),
            }
        }
        if refused.len() == recipients.len() {
            if let Some(conn) = self.conn.as_mut() {
                let _ = conn.command(lettre::transport::smtp::commands::Rset);
            }
            return Err(Outcome::Refused(refused));
        }
        Ok(refused)
    }

    /// The message after the envelope: DATA, the body, and the server's reply to it.
    fn body(
        &mut self,
        message: &[u8],
        refused: Vec<Refusal>,
        on_body: &mut dyn FnMut() -> Result<(), String>,
    ) -> Outcome {
        let Some(conn) = self.conn.as_mut() else {
            return Outcome::NotSent("connection lost".into());
        };
        if let Err(e) = conn.command(Data) {
            return self.before_body(&e, false);
        }
        if let Err(e) = on_body() {
            // Without the final dot the server discards what it has.
            self.drop_connection();
            return Outcome::NotSent(e);
        }
        let Some(conn) = self.conn.as_mut() else {
            return Outcome::NotSent("connection lost".into());
        };
        // lettre ends the data with CRLF.CRLF itself: the message goes without its final CRLF.
        let body = message.strip_suffix(b"\r\n").unwrap_or(message);
        // RFC 5321 4.5.3.2.6: wait up to 10 minutes for the reply to the final dot (content
        // filters are slow), however short the timeout for everything else.
        let _ = conn.set_timeout(Some(
            self.settings
                .timeout
                .max(std::time::Duration::from_secs(600)),
        ));
        let result = conn.message(body);
        let _ = conn.set_timeout(Some(self.settings.timeout));
        match result {
            Ok(resp) => Outcome::Accepted {
                reply: reply_text(&resp),
                refused,
            },
            Err(e) if replied(&e) => {
                if is_421(&e) || conn.has_broken() {
                    self.drop_connection();
                }
                refusal(&e, false)
            }
            Err(e) => {
                self.drop_connection();
                Outcome::Unknown(format!(
                    "connection lost after the body was sent ({})",
                    first_line(&e)
                ))
            }
        }
    }
}

impl Transport for Smtp {
    fn deliver(&mut self, mail: Mail<'_>, on_body: OnBody<'_>) -> Outcome {
        match self.envelope(mail.from, mail.recipients) {
            Ok(refused) => self.body(mail.message, refused, on_body),
            Err(outcome) => outcome,
        }
    }

    fn check(&mut self) -> anyhow::Result<String> {
        if self.conn.is_none() {
            self.connect().map_err(|e| anyhow::anyhow!(e))?;
        }
        let s = &self.settings;
        let security = match s.security {
            Security::None => format!("({})", s.security.label()),
            secured => format!("over {}", secured.label()),
        };
        Ok(match &s.username {
            Some(u) => format!(
                "connected to {}:{} {security} and logged in as {u}",
                s.host, s.port
            ),
            None => format!(
                "connected to {}:{} {security} (no login configured)",
                s.host, s.port
            ),
        })
    }

    fn close(&mut self) {
        if let Some(mut c) = self.conn.take() {
            let _ = c.quit();
        }
    }
}

/// The outcome of a refusal. A quota or rate refusal (5.4.5, or words to that effect) is of
/// the account, whatever the stage: it passes, so the letter is deferred, not failed.
fn refusal(e: &lettre::transport::smtp::Error, account: bool) -> Outcome {
    let reply = first_line(e);
    let lower = reply.to_ascii_lowercase();
    let account = account
        || [
            "5.4.5",
            "quota",
            "limit exceeded",
            "rate limit",
            "too many messages",
        ]
        .iter()
        .any(|w| lower.contains(w));
    if e.is_transient() || account {
        Outcome::Deferred { reply, account }
    } else {
        Outcome::Failed { reply }
    }
}

/// The server answered with a reply code (as opposed to a network or protocol failure).
fn replied(e: &lettre::transport::smtp::Error) -> bool {
    e.status().is_some()
}

/// 421: the server is closing the connection.
fn is_421(e: &lettre::transport::smtp::Error) -> bool {
    e.status().is_some_and(|c| c.to_string() == "421")
}

/// The first line of an error, which holds the server's reply: where a reply enters, its
/// control characters are escaped ([`crate::fields::shown`]): they must not act on a
/// terminal, from the summary, the journal or `outcry status`.
fn first_line(e: &lettre::transport::smtp::Error) -> String {
    crate::fields::shown(e.to_string().lines().next().unwrap_or_default()).into_owned()
}

/// A reply of the server, its control characters escaped.
fn reply_text(r: &lettre::transport::smtp::response::Response) -> String {
    let msg: Vec<&str> = r.message().collect();
    crate::fields::shown(&format!("{} {}", r.code(), msg.join(" "))).into_owned()
}

fn explain_connect(e: &lettre::transport::smtp::Error, s: &SmtpSettings, where_: &str) -> String {
    let text = first_line(e);
    if e.is_tls() || text.to_ascii_lowercase().contains("certificate") {
        return format!(
            "TLS with {where_} failed ({text}): the certificate is not trusted (a self-hosted server needs ca-file), or the port does not speak {}",
            if s.security == Security::Tls {
                "implicit TLS (465)"
            } else {
                "STARTTLS (587)"
            }
        );
    }
    let lower = text.to_ascii_lowercase();
    if e.is_timeout()
        || lower.contains("timed out")
        || lower.contains("os error 11")
        || lower.contains("would block")
    {
        return format!(
            "{where_} did not answer within {} s: wrong host or port, or a firewall",
            s.timeout.as_secs()
        );
    }
    if text.contains("refused") {
        return format!(
            "{where_} refused the connection: nothing listens there (check host and port)"
        );
    }
    format!("cannot connect to {where_}: {text}")
}

//! SMTP through lettre's `SmtpConnection`, driven stage by stage.
//!
//! `SmtpTransport::send` does not say which stage failed, so outcry drives the connection
//! itself: MAIL, each RCPT, DATA and the body, each with its own reply. That is how one
//! refused recipient costs nobody else their letter, and how a connection lost after the body
//! is told apart from one lost before it.

use lettre::Address;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use std::time::Duration;

use lettre::transport::smtp::client::{
    Certificate, CertificateStore, SmtpConnection, TlsParameters,
};
use lettre::transport::smtp::commands::{Data, Ehlo, Mail as MailFrom, Rcpt, Rset};
use lettre::transport::smtp::extension::ClientId;
use rustls_pki_types::CertificateDer;
use rustls_pki_types::pem::PemObject;
use secrecy::{ExposeSecret, SecretString};

use super::{Mail, OnBody, Outcome, Refusal, Transport, wire};
use crate::config::{Security, SmtpSettings};

/// The EHLO name: never the machine's host name, and not `localhost` either (spam filters
/// score that): the address literal `[127.0.0.1]`.
fn hello() -> ClientId {
    ClientId::Ipv4(std::net::Ipv4Addr::LOCALHOST)
}

/// How long a server may stay silent before outcry checks whether the port expects the other
/// kind of security; a server that merely greets slowly still gets the whole timeout.
const GREETING_WAIT: Duration = Duration::from_secs(3);

pub struct Smtp {
    settings: SmtpSettings,
    credentials: Option<Credentials>,
    tls: TlsParameters,
    /// The certificates of `ca-file`, and TLS parameters that check only the handshake: for a
    /// server whose certificate is exactly one of them (a self-signed certificate marked as a
    /// CA, as `openssl req -x509` makes it, which webpki refuses as a server's own).
    pinned: Option<(Vec<Vec<u8>>, TlsParameters)>,
    conn: Option<SmtpConnection>,
    /// The server offers PIPELINING (RFC 2920): an envelope goes as one group.
    pipelining: bool,
}

/// Why a connection attempt failed: lettre's error, or outcry's own words.
enum Failure {
    Smtp(lettre::transport::smtp::Error),
    Said(String),
}

impl Smtp {
    /// Prepares the transport; nothing connects yet. Credentials only ever travel over TLS.
    pub fn new(settings: SmtpSettings, password: Option<SecretString>) -> anyhow::Result<Smtp> {
        let mut builder = TlsParameters::builder(settings.host.clone());
        let mut pinned = None;
        if let Some(ca) = &settings.ca_file {
            let ders = ca_certificates(ca)?;
            for der in &ders {
                let cert = Certificate::from_der(der.clone()).map_err(|e| {
                    anyhow::anyhow!(
                        "ca-file {} holds a certificate rustls cannot use: {e}",
                        ca.display()
                    )
                })?;
                builder = builder.add_root_certificate(cert);
            }
            // The certificate is compared byte for byte and the handshake proves the server
            // holds its key: that identifies the server, so a one-liner's certificate with
            // only a CN (no subjectAltName) is not refused for the name.
            let exact = TlsParameters::builder(settings.host.clone())
                .certificate_store(CertificateStore::None)
                .dangerous_accept_invalid_certs(true)
                .dangerous_accept_invalid_hostnames(true)
                .build_rustls()
                .map_err(|e| anyhow::anyhow!("cannot set up TLS: {e}"))?;
            pinned = Some((ders, exact));
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
            pinned,
            conn: None,
            pipelining: false,
        })
    }

    /// Connects, secures and logs in, explaining a failure in plain words.
    pub fn connect(&mut self) -> Result<(), String> {
        let s = &self.settings;
        let where_ = format!("{}:{}", s.host, s.port);
        let mut conn = match self.secured(&self.tls) {
            Err(Failure::Smtp(e)) if ca_as_server(&e) && self.pinned.is_some() => {
                self.exactly_ca_file()?
            }
            Err(Failure::Smtp(e)) => return Err(self.explain(&e, &where_)),
            Err(Failure::Said(text)) => return Err(text),
            Ok(conn) => conn,
        };
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
        // lettre keeps only the extensions it uses itself: a second EHLO (RFC 5321 4.1.4
        // allows one at any time) tells whether the server offers PIPELINING.
        self.pipelining = conn
            .command(Ehlo::new(hello()))
            .is_ok_and(|reply| wire::offers_pipelining(&reply));
        self.conn = Some(conn);
        Ok(())
    }

    /// Connects and secures the connection as `security` says, with these TLS parameters. A
    /// server silent past [`GREETING_WAIT`], or one that fails the TLS handshake for another
    /// reason than its certificate, is asked whether it speaks the other kind of security (a
    /// quick second connection); a slow one then gets the whole timeout.
    fn secured(&self, tls: &TlsParameters) -> Result<SmtpConnection, Failure> {
        let s = &self.settings;
        let addr = (s.host.as_str(), s.port);
        let implicit = (s.security == Security::Tls).then_some(tls);
        let wait = s.timeout.min(GREETING_WAIT);
        let other = match s.security {
            Security::Tls => Security::StartTls,
            _ => Security::Tls,
        };
        let mut conn = match SmtpConnection::connect(addr, Some(wait), &hello(), implicit, None) {
            Ok(conn) => conn,
            Err(e) if is_timeout(&e) => {
                if self.speaks(other) {
                    return Err(Failure::Said(self.mismatch(other)));
                }
                if wait == s.timeout {
                    return Err(Failure::Smtp(e));
                }
                SmtpConnection::connect(addr, Some(s.timeout), &hello(), implicit, None)
                    .map_err(Failure::Smtp)?
            }
            Err(e) => {
                if s.security == Security::Tls && !is_certificate(&e) && self.speaks(other) {
                    return Err(Failure::Said(self.mismatch(other)));
                }
                return Err(Failure::Smtp(e));
            }
        };
        let _ = conn.set_timeout(Some(s.timeout));
        if s.security == Security::StartTls {
            if !conn.can_starttls() {
                conn.abort();
                return Err(Failure::Said(format!(
                    "{}:{} does not offer STARTTLS: refusing to go on unencrypted (port 465 wants security = \"tls\")",
                    s.host, s.port
                )));
            }
            conn.starttls(tls, &hello()).map_err(Failure::Smtp)?;
        }
        Ok(conn)
    }

    /// A second connection for a server whose certificate webpki refused as a CA: TLS that
    /// checks the handshake (the server holds the certificate's key), then the certificate
    /// itself, byte for byte, against `ca-file`, before anything but EHLO is said.
    fn exactly_ca_file(&self) -> Result<SmtpConnection, String> {
        let s = &self.settings;
        let where_ = format!("{}:{}", s.host, s.port);
        let Some((ders, exact)) = &self.pinned else {
            return Err(format!("TLS with {where_} failed"));
        };
        let mut conn = self.secured(exact).map_err(|f| match f {
            Failure::Smtp(e) => self.explain(&e, &where_),
            Failure::Said(text) => text,
        })?;
        let theirs = conn.peer_certificate().unwrap_or_default();
        if ders.contains(&theirs) {
            return Ok(conn);
        }
        conn.abort();
        Err(format!(
            "TLS with {where_} failed: its certificate is not the one in ca-file {}, nor signed by it",
            s.ca_file
                .as_deref()
                .map(|p| p.display().to_string())
                .unwrap_or_default()
        ))
    }

    /// Whether the port answers with this kind of security (implicit TLS, or plain text that
    /// offers STARTTLS): a quick second connection that trusts any certificate and says
    /// nothing but EHLO, to tell a mismatched setting from a dead server.
    fn speaks(&self, security: Security) -> bool {
        let s = &self.settings;
        let addr = (s.host.as_str(), s.port);
        let wait = Some(s.timeout.min(GREETING_WAIT));
        let probe = if security == Security::Tls {
            let Ok(any) = TlsParameters::builder(s.host.clone())
                .certificate_store(CertificateStore::None)
                .dangerous_accept_invalid_certs(true)
                .dangerous_accept_invalid_hostnames(true)
                .build_rustls()
            else {
                return false;
            };
            SmtpConnection::connect(addr, wait, &hello(), Some(&any), None)
        } else {
            SmtpConnection::connect(addr, wait, &hello(), None, None)
        };
        let Ok(mut conn) = probe else {
            return false;
        };
        let offered = security == Security::Tls || conn.can_starttls();
        conn.abort();
        offered
    }

    /// The words for a port that speaks `wanted` while the settings say otherwise.
    fn mismatch(&self, wanted: Security) -> String {
        let s = &self.settings;
        let word = |security| match security {
            Security::Tls => "tls",
            Security::StartTls => "starttls",
            Security::None => "none",
        };
        let speaks = if wanted == Security::Tls {
            "expects TLS from the first byte (implicit TLS, usually port 465)"
        } else {
            "greets in plain text and offers STARTTLS (usually port 587)"
        };
        format!(
            "{}:{} {speaks}: set security = \"{}\" for it, not \"{}\"",
            s.host,
            s.port,
            word(wanted),
            word(s.security)
        )
    }

    fn explain(&self, e: &lettre::transport::smtp::Error, where_: &str) -> String {
        explain_connect(e, &self.settings, where_)
    }

    fn drop_connection(&mut self) {
        if let Some(mut c) = self.conn.take() {
            c.abort();
        }
    }

    /// Closes the connection without a word: what a server waiting for a body must see (a
    /// QUIT would be read as part of the body). It discards the unfinished message.
    fn hang_up(&mut self) {
        self.conn = None;
    }
}

impl Smtp {
    /// The transport for `s`, connected and logged in (the password is fetched now).
    pub fn open(s: &SmtpSettings) -> anyhow::Result<Smtp> {
        let mut smtp = Smtp::new(s.clone(), s.password()?)?;
        smtp.connect().map_err(|e| anyhow::anyhow!(e))?;
        Ok(smtp)
    }

    /// MAIL FROM, each RCPT TO and DATA, until the server waits for the body: the recipients
    /// it refused while it took others, or the outcome when nothing can go. Where the server
    /// offers PIPELINING the envelope is one group and one round trip; otherwise one command
    /// and one reply at a time, stopping at the first reply that ends the letter.
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
        let replies = if self.pipelining {
            Replies::pipelined(conn, from, recipients)
        } else {
            Replies::one_by_one(conn, from, recipients)
        };
        self.judge(replies, recipients)
    }

    /// What the replies to an envelope mean for the letter.
    fn judge(&mut self, replies: Replies, recipients: &[Address]) -> Result<Vec<Refusal>, Outcome> {
        let Replies { mail, rcpt, data } = replies;
        let in_data = matches!(data, Some(Ok(())));
        let has_broken = self.conn.as_ref().is_none_or(SmtpConnection::has_broken);
        let errors = std::iter::once(&mail)
            .chain(&rcpt)
            .chain(&data)
            .filter_map(|r| r.as_ref().err());
        for e in errors {
            if has_broken || !replied(e) || is_421(e) {
                if in_data {
                    self.hang_up();
                } else {
                    self.drop_connection();
                }
                return Err(Outcome::NotSent(first_line(e)));
            }
        }
        // Whatever ends the letter here leaves the server ready for the next one: RSET, or,
        // should it wait for a body after all, a new connection (it discards unfinished data).
        let finish = |smtp: &mut Smtp| {
            if in_data {
                smtp.hang_up();
            } else if let Some(c) = smtp.conn.as_mut() {
                let _ = c.command(Rset);
            }
        };
        if let Err(e) = &mail {
            finish(self);
            return Err(refusal(e, true));
        }
        let refused: Vec<Refusal> = recipients
            .iter()
            .zip(&rcpt)
            .filter_map(|(r, reply)| {
                let e = reply.as_ref().err()?;
                Some(Refusal {
                    recipient: r.clone(),
                    reply: first_line(e),
                    transient: e.is_transient(),
                })
            })
            .collect();
        if refused.len() == recipients.len() {
            finish(self);
            return Err(Outcome::Refused(refused));
        }
        match data {
            Some(Ok(())) => Ok(refused),
            Some(Err(e)) => {
                finish(self);
                Err(refusal(&e, false))
            }
            None => {
                self.hang_up();
                Err(Outcome::NotSent(
                    "the server was not asked for the body".into(),
                ))
            }
        }
    }

    /// The body after the envelope, and the server's reply to it.
    fn body(
        &mut self,
        message: &[u8],
        refused: Vec<Refusal>,
        on_body: &mut dyn FnMut() -> Result<(), String>,
    ) -> Outcome {
        if let Err(e) = on_body() {
            // Without the final dot the server discards what it has.
            self.hang_up();
            return Outcome::NotSent(e);
        }
        let Some(conn) = self.conn.as_mut() else {
            return Outcome::NotSent("connection lost".into());
        };
        // The final CRLF.CRLF follows the message without its own final CRLF.
        let body = message.strip_suffix(b"\r\n").unwrap_or(message);
        // RFC 5321 4.5.3.2.6: wait up to 10 minutes for the reply to the final dot (content
        // filters are slow), however short the timeout for everything else.
        let _ = conn.set_timeout(Some(
            self.settings
                .timeout
                .max(std::time::Duration::from_secs(600)),
        ));
        // In one write with its final dot (see `wire`); a message is UTF-8 text, but should
        // one not be, lettre's own two writes still deliver it.
        let result = match std::str::from_utf8(body) {
            Ok(text) => conn.command(wire::Terminated(text)),
            Err(_) => conn.message(body),
        };
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

/// The server's replies to one envelope: to MAIL FROM, to each RCPT TO asked (in order), and
/// to DATA if it was sent. A reply that is an error without a code is a lost connection.
struct Replies {
    mail: Result<(), lettre::transport::smtp::Error>,
    rcpt: Vec<Result<(), lettre::transport::smtp::Error>>,
    data: Option<Result<(), lettre::transport::smtp::Error>>,
}

impl Replies {
    /// The envelope as one group; every reply is read, up to the first lost connection.
    fn pipelined(conn: &mut SmtpConnection, from: &Address, recipients: &[Address]) -> Replies {
        let group = wire::Envelope { from, recipients };
        let mut replies = Replies {
            mail: conn.command(group).map(drop),
            rcpt: Vec::with_capacity(recipients.len()),
            data: None,
        };
        let mut lost = replies.mail.as_ref().is_err_and(|e| !replied(e));
        for _ in recipients {
            if lost {
                return replies;
            }
            let reply = conn.read_response().map(drop);
            lost = reply.as_ref().is_err_and(|e| !replied(e));
            replies.rcpt.push(reply);
        }
        if !lost {
            replies.data = Some(conn.read_response().map(drop));
        }
        replies
    }

    /// One command at a time: no RCPT after a refused MAIL, no DATA once every recipient is
    /// refused, nothing more after a reply that breaks the connection.
    fn one_by_one(conn: &mut SmtpConnection, from: &Address, recipients: &[Address]) -> Replies {
        let mut replies = Replies {
            mail: conn
                .command(MailFrom::new(Some(from.clone()), vec![]))
                .map(drop),
            rcpt: Vec::with_capacity(recipients.len()),
            data: None,
        };
        if replies.mail.is_err() {
            return replies;
        }
        for r in recipients {
            let reply = conn.command(Rcpt::new(r.clone(), vec![])).map(drop);
            let ends = reply
                .as_ref()
                .is_err_and(|e| !replied(e) || is_421(e) || conn.has_broken());
            replies.rcpt.push(reply);
            if ends {
                return replies;
            }
        }
        if replies.rcpt.iter().any(Result::is_ok) {
            replies.data = Some(conn.command(Data).map(drop));
        }
        replies
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

/// The certificates of a `ca-file` (DER), read by the workspace's rules when it lies inside.
fn ca_certificates(ca: &std::path::Path) -> anyhow::Result<Vec<Vec<u8>>> {
    let pem = crate::files::read_named(ca, crate::files::TEXT)
        .map_err(|e| anyhow::anyhow!("ca-file {}: {e}", ca.display()))?
        .ok_or_else(|| anyhow::anyhow!("ca-file {} does not exist", ca.display()))?;
    let mut ders = Vec::new();
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let der = cert.map_err(|e| {
            anyhow::anyhow!(
                "ca-file {} is not a PEM certificate file: {e}",
                ca.display()
            )
        })?;
        ders.push(der.to_vec());
    }
    if ders.is_empty() {
        anyhow::bail!(
            "ca-file {} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
            ca.display()
        );
    }
    Ok(ders)
}

/// An error and the errors beneath it, in one line.
fn whole(e: &lettre::transport::smtp::Error) -> String {
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// webpki refused the server's certificate because it is marked as a CA (CA:TRUE).
fn ca_as_server(e: &lettre::transport::smtp::Error) -> bool {
    whole(e).contains("CaUsedAsEndEntity")
}

/// The server's certificate was checked and refused (as opposed to a port that does not
/// speak TLS at all).
fn is_certificate(e: &lettre::transport::smtp::Error) -> bool {
    let text = whole(e).to_ascii_lowercase();
    text.contains("certificate") || text.contains("unknownissuer")
}

fn is_timeout(e: &lettre::transport::smtp::Error) -> bool {
    let lower = first_line(e).to_ascii_lowercase();
    e.is_timeout()
        || lower.contains("timed out")
        || lower.contains("os error 11")
        || lower.contains("would block")
}

fn explain_connect(e: &lettre::transport::smtp::Error, s: &SmtpSettings, where_: &str) -> String {
    let text = first_line(e);
    if ca_as_server(e) {
        return format!(
            "TLS with {where_} failed: its certificate is marked as a CA (CA:TRUE) and is not the one in ca-file; give that very certificate as ca-file, or make the server a certificate of its own signed by a CA (see README, \"Sending\")"
        );
    }
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
    if is_timeout(e) {
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

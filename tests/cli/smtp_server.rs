//! A real SMTP server for the tests, over TCP on 127.0.0.1: STARTTLS with a certificate made
//! in the test (rcgen), implicit TLS, AUTH PLAIN and LOGIN, and scriptable faults.
//!
//! Each accepted connection runs on its own thread; what the server received is kept for the
//! test to inspect. Nothing here is a mock of outcry: outcry talks to it as to any server.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use base64::Engine as _;

/// A message the server accepted (250 after DATA).
#[derive(Debug, Clone)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_to: Vec<String>,
    pub data: Vec<u8>,
    pub user: Option<String>,
    pub tls: bool,
    pub ehlo: String,
}

/// What the server does wrong, on purpose.
#[derive(Debug, Clone)]
pub enum Fault {
    /// Reply `code text` to the DATA end of the nth message (1-based) the server sees.
    ReplyToMessage { n: usize, code: u16, text: String },
    /// Reply `code text` to RCPT TO for this address (every time).
    RejectRecipient {
        address: String,
        code: u16,
        text: String,
    },
    /// Reply `code text` to RCPT TO for this address the first time only (a mailbox that is
    /// full, then emptied; a typo in the server's aliases, then fixed).
    RejectRecipientOnce {
        address: String,
        code: u16,
        text: String,
    },
    /// Reply 451 (greylisted) to RCPT TO for this address the first time only.
    GreylistRecipient { address: String },
    /// Close the connection without replying after the body of the nth message is received.
    DropAfterBody { n: usize },
    /// Reply 421 and close at MAIL FROM of the nth message.
    ShutdownAtMessage { n: usize },
    /// Reply `code text` to every MAIL FROM from the nth message on.
    RejectFrom { n: usize, code: u16, text: String },
    /// Wait this long before every reply.
    SlowReplies(Duration),
    /// Offer no PIPELINING (RFC 2920), as an old or minimal server: the client must wait for
    /// each reply. Without this fault the server offers it, as real servers do.
    NoPipelining,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain TCP, no STARTTLS offered.
    Plain,
    /// STARTTLS offered (and AUTH only after it).
    StartTls,
    /// TLS from the first byte.
    Implicit,
}

#[derive(Debug, Default)]
struct State {
    received: Vec<Received>,
    messages_seen: usize,
    connections: usize,
    /// Every line the client sent, for leak checks (AUTH lines included).
    transcript: Vec<String>,
    greylisted: Vec<String>,
    /// Addresses already refused once by `RejectRecipientOnce`.
    refused_once: Vec<String>,
    /// For each MAIL FROM, whether the DATA of its envelope had already arrived with it (the
    /// client sent the envelope as one pipelined group).
    grouped: Vec<bool>,
}

pub struct Server {
    pub addr: SocketAddr,
    pub ca_pem: String,
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
}

struct Setup {
    security: Security,
    credentials: Option<(String, String)>,
    faults: Vec<Fault>,
    tls: Arc<rustls::ServerConfig>,
}

impl Server {
    pub fn start(
        security: Security,
        credentials: Option<(&str, &str)>,
        faults: Vec<Fault>,
    ) -> Server {
        Server::start_with(security, credentials, faults, rcgen::IsCa::ExplicitNoCa)
    }

    /// A server whose self-signed certificate is marked as a CA (CA:TRUE) and names the
    /// server only in its subject (`CN=localhost`, no subjectAltName), as the usual
    /// `openssl req -x509 -subj /CN=localhost` one-liner makes it.
    pub fn start_ca_marked(security: Security, credentials: Option<(&str, &str)>) -> Server {
        let ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        Server::start_with(security, credentials, vec![], ca)
    }

    fn start_with(
        security: Security,
        credentials: Option<(&str, &str)>,
        faults: Vec<Fault>,
        is_ca: rcgen::IsCa,
    ) -> Server {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let names = match is_ca {
            rcgen::IsCa::Ca(_) => Vec::new(),
            _ => vec!["localhost".to_string(), "127.0.0.1".to_string()],
        };
        let mut params = rcgen::CertificateParams::new(names).expect("params");
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        params.is_ca = is_ca;
        let key = rcgen::KeyPair::generate().expect("key");
        let cert = params.self_signed(&key).expect("cert");
        let tls = rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(
                vec![cert.der().clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .expect("tls config");
        let setup = Arc::new(Setup {
            security,
            credentials: credentials.map(|(u, p)| (u.to_string(), p.to_string())),
            faults,
            tls: Arc::new(tls),
        });
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(State::default()));
        let stop = Arc::new(AtomicBool::new(false));
        let (st, sp) = (Arc::clone(&state), Arc::clone(&stop));
        thread::spawn(move || {
            for stream in listener.incoming() {
                if sp.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(stream) = stream else { continue };
                let (setup, st) = (Arc::clone(&setup), Arc::clone(&st));
                thread::spawn(move || {
                    let _ = session(&stream, &setup, &st);
                });
            }
        });
        Server {
            addr,
            ca_pem: cert.pem(),
            state,
            stop,
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn received(&self) -> Vec<Received> {
        self.state.lock().expect("lock").received.clone()
    }

    pub fn connections(&self) -> usize {
        self.state.lock().expect("lock").connections
    }

    /// For each MAIL FROM the server read, whether the envelope came as one group.
    pub fn grouped(&self) -> Vec<bool> {
        self.state.lock().expect("lock").grouped.clone()
    }

    pub fn transcript(&self) -> String {
        self.state.lock().expect("lock").transcript.join("\n")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
    }
}

enum Conn {
    Plain(TcpStream),
    Tls(Box<rustls::StreamOwned<rustls::ServerConnection, TcpStream>>),
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

fn tls_wrap(stream: TcpStream, setup: &Setup) -> io::Result<Conn> {
    let conn = rustls::ServerConnection::new(Arc::clone(&setup.tls)).map_err(io::Error::other)?;
    let mut s = rustls::StreamOwned::new(conn, stream);
    while s.conn.is_handshaking() {
        s.conn.complete_io(&mut s.sock)?;
    }
    Ok(Conn::Tls(Box::new(s)))
}

#[allow(clippy::too_many_lines)]
fn session(stream: &TcpStream, setup: &Setup, state: &Mutex<State>) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    state.lock().expect("lock").connections += 1;
    let slow = setup.faults.iter().find_map(|f| match f {
        Fault::SlowReplies(d) => Some(*d),
        _ => None,
    });
    let mut tls = setup.security == Security::Implicit;
    let conn = if tls {
        tls_wrap(stream.try_clone()?, setup)?
    } else {
        Conn::Plain(stream.try_clone()?)
    };
    let mut r = BufReader::new(conn);
    let reply = |r: &mut BufReader<Conn>, text: &str| -> io::Result<()> {
        if let Some(d) = slow {
            thread::sleep(d);
        }
        r.get_mut().write_all(format!("{text}\r\n").as_bytes())?;
        r.get_mut().flush()
    };
    reply(&mut r, "220 127.0.0.1 test ESMTP")?;
    let mut ehlo = String::new();
    let mut user: Option<String> = None;
    let mut from: Option<String> = None;
    let mut rcpts: Vec<String> = Vec::new();
    loop {
        let mut line = String::new();
        if r.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let line = line.trim_end_matches(['\r', '\n']).to_string();
        state.lock().expect("lock").transcript.push(line.clone());
        let upper = line.to_ascii_uppercase();
        let auth_ok = tls || setup.security == Security::Plain;
        if upper.starts_with("EHLO ") || upper.starts_with("HELO ") {
            ehlo = line[5..].to_string();
            let mut lines = vec![
                "250-127.0.0.1".to_string(),
                "250-8BITMIME".to_string(),
                "250-SMTPUTF8".to_string(),
            ];
            if setup.security == Security::StartTls && !tls {
                lines.push("250-STARTTLS".into());
            }
            if !setup
                .faults
                .iter()
                .any(|f| matches!(f, Fault::NoPipelining))
            {
                lines.push("250-PIPELINING".into());
            }
            if setup.credentials.is_some() && auth_ok {
                lines.push("250-AUTH PLAIN LOGIN".into());
            }
            lines.push("250 SIZE 10485760".into());
            reply(&mut r, &lines.join("\r\n"))?;
        } else if upper == "STARTTLS" && setup.security == Security::StartTls && !tls {
            reply(&mut r, "220 go ahead")?;
            let Conn::Plain(plain) = r.into_inner() else {
                return Ok(());
            };
            r = BufReader::new(tls_wrap(plain, setup)?);
            tls = true;
            ehlo.clear();
        } else if upper.starts_with("AUTH ") {
            if !auth_ok {
                reply(&mut r, "538 5.7.11 encryption required")?;
                continue;
            }
            let parts: Vec<&str> = line.split_whitespace().collect();
            let (u, p) = match parts.get(1).map(|m| m.to_ascii_uppercase()).as_deref() {
                Some("PLAIN") => {
                    let b64 = if let Some(b) = parts.get(2) {
                        (*b).to_string()
                    } else {
                        reply(&mut r, "334 ")?;
                        let mut l = String::new();
                        r.read_line(&mut l)?;
                        l.trim().to_string()
                    };
                    let raw = base64::engine::general_purpose::STANDARD
                        .decode(b64)
                        .unwrap_or_default();
                    let fields: Vec<String> = raw
                        .split(|b| *b == 0)
                        .map(|f| String::from_utf8_lossy(f).into_owned())
                        .collect();
                    (
                        fields.get(1).cloned().unwrap_or_default(),
                        fields.get(2).cloned().unwrap_or_default(),
                    )
                }
                Some("LOGIN") => {
                    let mut ask = |prompt: &str| -> io::Result<String> {
                        reply(&mut r, prompt)?;
                        let mut l = String::new();
                        r.read_line(&mut l)?;
                        let raw = base64::engine::general_purpose::STANDARD
                            .decode(l.trim())
                            .unwrap_or_default();
                        Ok(String::from_utf8_lossy(&raw).into_owned())
                    };
                    let u = ask("334 VXNlcm5hbWU6")?;
                    let p = ask("334 UGFzc3dvcmQ6")?;
                    (u, p)
                }
                _ => {
                    reply(&mut r, "504 5.5.4 unrecognised authentication type")?;
                    continue;
                }
            };
            if setup.credentials.as_ref() == Some(&(u.clone(), p)) {
                user = Some(u);
                reply(&mut r, "235 2.7.0 authenticated")?;
            } else {
                reply(&mut r, "535 5.7.8 authentication credentials invalid")?;
            }
        } else if upper.starts_with("MAIL FROM:") {
            let grouped = r.buffer().windows(6).any(|w| w == b"DATA\r\n");
            state.lock().expect("lock").grouped.push(grouped);
            if setup.credentials.is_some() && user.is_none() {
                reply(&mut r, "530 5.7.0 authentication required")?;
                continue;
            }
            let n = state.lock().expect("lock").messages_seen + 1;
            if setup
                .faults
                .iter()
                .any(|f| matches!(f, Fault::ShutdownAtMessage { n: m } if *m == n))
            {
                state.lock().expect("lock").messages_seen += 1;
                reply(&mut r, "421 4.3.2 service shutting down")?;
                return Ok(());
            }
            if let Some((code, text)) = setup.faults.iter().find_map(|f| match f {
                Fault::RejectFrom { n: m, code, text } if n >= *m => Some((*code, text.clone())),
                _ => None,
            }) {
                state.lock().expect("lock").messages_seen += 1;
                reply(&mut r, &format!("{code} {text}"))?;
                continue;
            }
            from = Some(angle(&line[10..]));
            rcpts.clear();
            reply(&mut r, "250 2.1.0 ok")?;
        } else if upper.starts_with("RCPT TO:") {
            let addr = angle(&line[8..]);
            let grey = setup
                .faults
                .iter()
                .any(|f| matches!(f, Fault::GreylistRecipient { address } if *address == addr));
            if grey && !state.lock().expect("lock").greylisted.contains(&addr) {
                state.lock().expect("lock").greylisted.push(addr);
                reply(&mut r, "451 4.7.1 greylisted, try again later")?;
            } else if let Some((code, text)) = setup.faults.iter().find_map(|f| match f {
                Fault::RejectRecipient {
                    address,
                    code,
                    text,
                } if *address == addr => Some((*code, text.clone())),
                Fault::RejectRecipientOnce {
                    address,
                    code,
                    text,
                } if *address == addr
                    && !state.lock().expect("lock").refused_once.contains(&addr) =>
                {
                    state.lock().expect("lock").refused_once.push(addr.clone());
                    Some((*code, text.clone()))
                }
                _ => None,
            }) {
                reply(&mut r, &format!("{code} {text}"))?;
            } else {
                rcpts.push(addr);
                reply(&mut r, "250 2.1.5 ok")?;
            }
        } else if upper == "DATA" {
            if from.is_none() || rcpts.is_empty() {
                reply(&mut r, "503 5.5.1 need MAIL and RCPT first")?;
                continue;
            }
            reply(&mut r, "354 end data with <CR><LF>.<CR><LF>")?;
            let mut data = Vec::new();
            loop {
                let mut l = Vec::new();
                if r.read_until(b'\n', &mut l)? == 0 {
                    return Ok(());
                }
                if l == b".\r\n" {
                    break;
                }
                let l = if l.starts_with(b"..") {
                    l[1..].to_vec()
                } else {
                    l
                };
                data.extend_from_slice(&l);
            }
            let n = {
                let mut s = state.lock().expect("lock");
                s.messages_seen += 1;
                s.messages_seen
            };
            if setup
                .faults
                .iter()
                .any(|f| matches!(f, Fault::DropAfterBody { n: m } if *m == n))
            {
                return Ok(());
            }
            if let Some((code, text)) = setup.faults.iter().find_map(|f| match f {
                Fault::ReplyToMessage { n: m, code, text } if *m == n => {
                    Some((*code, text.clone()))
                }
                _ => None,
            }) {
                reply(&mut r, &format!("{code} {text}"))?;
            } else {
                state.lock().expect("lock").received.push(Received {
                    mail_from: from.take().unwrap_or_default(),
                    rcpt_to: std::mem::take(&mut rcpts),
                    data,
                    user: user.clone(),
                    tls,
                    ehlo: ehlo.clone(),
                });
                reply(&mut r, "250 2.0.0 queued")?;
            }
            from = None;
            rcpts.clear();
        } else if upper == "RSET" {
            from = None;
            rcpts.clear();
            reply(&mut r, "250 2.0.0 ok")?;
        } else if upper == "NOOP" {
            reply(&mut r, "250 2.0.0 ok")?;
        } else if upper == "QUIT" {
            reply(&mut r, "221 2.0.0 bye")?;
            return Ok(());
        } else {
            reply(&mut r, "500 5.5.2 unrecognised command")?;
        }
    }
}

fn angle(s: &str) -> String {
    let s = s.trim();
    let start = s.find('<').map_or(0, |i| i + 1);
    let end = s[start..].find('>').map_or(s.len(), |i| start + i);
    s[start..end].to_string()
}

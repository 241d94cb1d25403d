//! Delivery details servers notice (issue 11): a self-signed certificate marked as a CA given
//! as `ca-file`, and a port whose security does not match the setting.

use std::time::{Duration, Instant};

use crate::Case;
use crate::smtp_server::{Security, Server};

const USER: &str = "activist";
const PASSWORD: &str = "correct-horse-battery-staple";

fn account(server: &Server) -> Case {
    Case::example().sender().smtp(server, USER, PASSWORD)
}

/// Issue 11, item 13: `openssl req -x509` makes a certificate with CA:TRUE, which webpki
/// refuses as a server's own (`CaUsedAsEndEntity`). Given as `ca-file`, that very certificate
/// is trusted, over STARTTLS and implicit TLS; another one is refused before any login.
#[test]
fn issue_11_a_ca_marked_self_signed_certificate_in_ca_file_is_trusted_exactly() {
    let server = Server::start_ca_marked(Security::StartTls, Some((USER, PASSWORD)));
    account(&server)
        .args(["smtp", "test"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("ok: connected to 127.0.0.1:[PORT] over STARTTLS and logged in as activist\n");
    assert!(server.transcript().contains("AUTH"));

    let implicit = Server::start_ca_marked(Security::Implicit, Some((USER, PASSWORD)));
    account(&implicit)
        .env("OUTCRY_SMTP_SECURITY", "tls")
        .args(["smtp", "test"])
        .run()
        .success()
        .stdout_is("")
        .stderr_is("ok: connected to 127.0.0.1:[PORT] over TLS and logged in as activist\n");

    let other = Server::start_ca_marked(Security::StartTls, None);
    let theirs = Server::start_ca_marked(Security::StartTls, Some((USER, PASSWORD)));
    account(&theirs)
        .file(
            &format!("{}/test-ca.pem", crate::PERSONAL_CONFIG_DIR),
            &other.ca_pem,
        )
        .args(["smtp", "test"])
        .run()
        .code(1)
        .stdout_is("")
        .stderr_is("error: TLS with 127.0.0.1:[PORT] failed: its certificate is not the one in ca-file [WS]/.home/.config/outcry/test-ca.pem, nor signed by it\n");
    assert!(
        !theirs.transcript().contains("AUTH"),
        "{}",
        theirs.transcript()
    );
}

/// Issue 11, item 14: STARTTLS on an implicit-TLS port waits for a greeting that never comes;
/// outcry asks the port whether it speaks TLS and names the setting, well within the timeout
/// (10 s in the tests).
#[test]
fn issue_11_starttls_on_an_implicit_tls_port_names_security_tls_promptly() {
    let server = Server::start(Security::Implicit, Some((USER, PASSWORD)), vec![]);
    let start = Instant::now();
    account(&server)
        .args(["smtp", "test"])
        .run()
        .code(1)
        .stdout_is("")
        .stderr_is("error: 127.0.0.1:[PORT] expects TLS from the first byte (implicit TLS, usually port 465): set security = \"tls\" for it, not \"starttls\"\n");
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "took {:?}",
        start.elapsed()
    );
    assert!(!server.transcript().contains("AUTH"));
}

/// Issue 11, item 14: TLS on a STARTTLS port meets a plain-text greeting ("received corrupt
/// message"); outcry names `security = "starttls"`.
#[test]
fn issue_11_tls_on_a_starttls_port_names_security_starttls() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let start = Instant::now();
    account(&server)
        .env("OUTCRY_SMTP_SECURITY", "tls")
        .args(["smtp", "test"])
        .run()
        .code(1)
        .stdout_is("")
        .stderr_is("error: 127.0.0.1:[PORT] greets in plain text and offers STARTTLS (usually port 587): set security = \"starttls\" for it, not \"tls\"\n");
    assert!(
        start.elapsed() < Duration::from_secs(8),
        "took {:?}",
        start.elapsed()
    );
    assert!(!server.transcript().contains("AUTH"));
}

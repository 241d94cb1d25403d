//! Faxes through an e-mail-to-fax gateway (issue 13): `[fax] gateway` in the writer's own
//! config makes `send` deliver each fax letter as an e-mail to `<number>@<gateway>` with its
//! PDF attached, journaled like any letter, only in the hours a fax may ring where it lands;
//! and the coordinators' copy of a fax carries the same PDF. Messages are read back with
//! mail-parser; the PDF compared with the one `compose --out` writes.

use mail_parser::{MessageParser, MimeHeaders as _};

use crate::smtp_server::{Security, Server};
use crate::{Case, Run};

const USER: &str = "activist";
const PASSWORD: &str = "correct-horse-battery-staple";
const GATEWAY: &str = "[fax]\ngateway = \"{digits}@fax.example.net\"\n";

/// 2011-05-02 20:00 UTC: 02:00 in Almaty, where the court's fax is.
const NIGHT_IN_ALMATY: &str = "1304366400";

fn with_gateway(server: &Server) -> Case {
    Case::example()
        .sender()
        .smtp(server, USER, PASSWORD)
        .personal_config(GATEWAY)
}

fn send(case: Case, extra: &[&str]) -> Run {
    let mut args = vec!["send", "mayday-2011", "--yes", "--to", "court-tikhonov"];
    args.extend_from_slice(extra);
    case.args(args).run()
}

/// The PDF attached to a message, and its file name.
fn attached_pdf(data: &[u8]) -> (String, Vec<u8>) {
    let m = MessageParser::default().parse(data).expect("parse");
    let a = m.attachments().next().expect("an attachment");
    assert_eq!(
        a.content_type()
            .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or(""))),
        Some("application/pdf".into())
    );
    (
        a.attachment_name().expect("a file name").to_string(),
        a.contents().to_vec(),
    )
}

/// The acceptance test: with a gateway set, `send` delivers the court's fax once, to the
/// gateway's address for its number, with its PDF attached, and `status` shows it accepted;
/// the coordinators' copy carries the same PDF.
#[test]
fn a_fax_goes_once_through_the_gateway_with_its_pdf() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let run = send(with_gateway(&server), &[])
        .success()
        .stdout_is("")
        .stderr_is(
            "1 e-mail letter(s) and 1 fax(es) from sender@example.org through activist at 127.0.0.1:[PORT] (STARTTLS):\n\
            \x20 court-tikhonov               fax via fax.example.net: 77272715802@fax.example.net\n\
            \x20 court-tikhonov.copy          robert.cwi@gmail.com, ainur1917@gmail.com\n\
            accepted 2:\n\
            \x20 court-tikhonov               250 2.0.0 queued\n\
            \x20 court-tikhonov.copy          250 2.0.0 queued\n",
        );
    let received = server.received();
    assert_eq!(received.len(), 2);
    let fax = &received[0];
    assert_eq!(fax.rcpt_to, ["77272715802@fax.example.net"]);
    assert_eq!(fax.mail_from, "sender@example.org");
    let m = MessageParser::default().parse(&fax.data).expect("parse");
    assert_eq!(
        m.to().and_then(|t| t.first()).and_then(|a| a.address()),
        Some("77272715802@fax.example.net")
    );
    assert!(m.cc().is_none(), "a fax to its gateway copies nobody");
    assert_eq!(
        m.body_text(0).as_deref(),
        Some(
            "Fax for Court hearing the case of Dmitry Tikhonov, Almaty, +7 727 271 5802: the letter is attached (court-tikhonov.fax.pdf).\r\n"
        )
    );
    // The attachment is the PDF `compose --out` writes, byte for byte.
    let (name, pdf) = attached_pdf(&fax.data);
    assert_eq!(name, "court-tikhonov.fax.pdf");
    let drafts = run
        .again()
        .args([
            "compose",
            "mayday-2011",
            "--to",
            "court-tikhonov",
            "--out",
            "drafts",
        ])
        .run()
        .success()
        .stdout_is("")
        .stderr_is(
            "wrote drafts/court-tikhonov.copy.eml\n\
            wrote drafts/court-tikhonov.fax.pdf\n\
            wrote drafts/court-tikhonov.fax.txt\n",
        );
    assert_eq!(pdf, drafts.read("drafts/court-tikhonov.fax.pdf"));
    assert_eq!(attached_pdf(&received[1].data), (name, pdf));
    // A second run sends nothing; status shows the fax accepted.
    let again = send(drafts.again(), &[]).success().stdout_is("").stderr_is(
        "nothing to send: every e-mail letter of mayday-2011 was accepted before (see `outcry status mayday-2011`)\n",
    );
    assert_eq!(server.received().len(), 2);
    again
        .again()
        .args(["status", "mayday-2011"])
        .run()
        .success()
        .stdout_is(
            "court-tikhonov               accepted  [TIME]  250 2.0.0 queued\n\
            court-tikhonov.copy          accepted  [TIME]  250 2.0.0 queued\n",
        )
        .stderr_is("");
}

/// A fax rings only from 08:00 to 21:00 where it lands: at night in Almaty it is held back
/// (the rest goes), and `--any-hour` sends it.
#[test]
fn a_fax_waits_for_the_hours_where_it_lands() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let night = with_gateway(&server).env("SOURCE_DATE_EPOCH", NIGHT_IN_ALMATY);
    let held = send(night, &[]).code(i32::from(outcry::EXIT_FAILED)).stdout_is("").stderr_is(
        "1 e-mail letter(s) from sender@example.org through activist at 127.0.0.1:[PORT] (STARTTLS):\n\
        \x20 court-tikhonov.copy          robert.cwi@gmail.com, ainur1917@gmail.com\n\
        accepted 1:\n\
        \x20 court-tikhonov.copy          250 2.0.0 queued\n\
        deferred (try again later: `outcry send` resends them) 1:\n\
        \x20 court-tikhonov               it is 02:00 there (Asia/Almaty): faxes ring only from 08:00 to 21:00 where they land; it may go in 6 h (or send with --any-hour)\n\
        run `outcry send mayday-2011` again to send what is left\n",
    );
    assert_eq!(server.received().len(), 1);
    send(held.again(), &["--any-hour"])
        .success()
        .stdout_is("")
        .stderr_is(
            "1 fax(es) from sender@example.org through activist at 127.0.0.1:[PORT] (STARTTLS):\n\
        \x20 court-tikhonov               fax via fax.example.net: 77272715802@fax.example.net\n\
        \x20 (1 letter(s) accepted before: not sent again)\n\
        accepted 1:\n\
        \x20 court-tikhonov               250 2.0.0 queued\n",
        );
    let received = server.received();
    assert_eq!(received.len(), 2);
    assert_eq!(received[1].rcpt_to, ["77272715802@fax.example.net"]);
}

/// Without a gateway, `send` says which file to fax to which number, and sends no fax.
#[test]
fn without_a_gateway_the_plan_says_what_to_fax_by_hand() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let case = Case::example().sender().smtp(&server, USER, PASSWORD);
    send(case, &[]).success().stdout_is("").stderr_is(
        "1 letter(s) to deliver yourself: `outcry compose mayday-2011 --out DIR` writes them\n\
        \x20 court-tikhonov               fax court-tikhonov.fax.pdf to +7 727 271 5802 (or set a [fax] gateway to send it: see README, Fax)\n\
        1 e-mail letter(s) from sender@example.org through activist at 127.0.0.1:[PORT] (STARTTLS):\n\
        \x20 court-tikhonov.copy          robert.cwi@gmail.com, ainur1917@gmail.com\n\
        accepted 1:\n\
        \x20 court-tikhonov.copy          250 2.0.0 queued\n",
    );
    assert_eq!(server.received()[0].rcpt_to.len(), 2);
}

/// A gateway routes letters: a workspace may not set one, even through `--config` naming a
/// file inside it; a gateway that is not an address holding the number is refused at its line.
#[test]
fn only_the_writer_sets_a_gateway_and_it_must_hold_the_number() {
    let server = Server::start(Security::StartTls, Some((USER, PASSWORD)), vec![]);
    let planted = Case::example()
        .sender()
        .smtp(&server, USER, PASSWORD)
        .append(
            "outcry.toml",
            "\n[fax]\ngateway = \"{digits}@fax.attacker.example\"\n",
        );
    let n = planted
        .path()
        .join("outcry.toml")
        .to_str()
        .map(|p| std::fs::read_to_string(p).expect("read").lines().count())
        .expect("path");
    send(planted, &[]).code(2).stdout_is("").stderr_is(&format!(
        "outcry.toml:{n}: gateway is not read from a file of the workspace (it would route your faxes to an address of its choosing): put it in [fax] of your personal config\n"
    ));
    assert!(server.received().is_empty());
    let bad = Case::example()
        .sender()
        .smtp(&server, USER, PASSWORD)
        .personal_config("[fax]\ngateway = \"fax.example.net\"\n");
    send(bad, &[]).code(2).stdout_is("").stderr_is(
        "[WS]/.home/.config/outcry/config.toml:12: fax gateway \"fax.example.net\" must hold the number once, as {digits} or {e164}: write it as \"{digits}@fax.example.net\" ({digits}: the number in E.164 without +; {e164}: with +)\n",
    );
    assert!(server.received().is_empty());
}

/// A contact's time zone is an IANA name, checked where it is written.
#[test]
fn an_unknown_time_zone_is_an_error_at_its_line() {
    Case::minimal()
        .append("contacts.toml", "timezone = \"Asia/Almatyy\"\n")
        .args(["check"])
        .run()
        .code(2)
        .stdout_is("")
        .stderr_is("contacts.toml:15: contact \"coordinator\": unknown time zone \"Asia/Almatyy\": write an IANA name such as \"Asia/Almaty\" or \"Europe/Berlin\"\n\
            1 error(s): fix them and run outcry check again\n");
}

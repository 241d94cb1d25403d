//! What outcry writes on an SMTP connection beyond lettre's single commands: an envelope sent
//! as one pipelined group (RFC 2920), and a body that goes in one write with its final dot.
//!
//! Both go through lettre's public `SmtpConnection::command`, which writes whatever a
//! [`Display`] makes in one write and reads one reply; the other replies of a group are read
//! with `read_response`. No fork of lettre, no async runtime.
//!
//! Why one write: lettre's own `message` writes the body and the final `CRLF.CRLF` in two, on
//! a socket without `TCP_NODELAY`; Nagle's algorithm holds the small second write until the
//! server acknowledges the first, and the server delays that acknowledgement (40 ms on Linux),
//! so every letter waited about 40 ms. Written at once, nothing is held: the client writes
//! only after it has read the server's reply to what it wrote before.

use std::fmt::{self, Display, Formatter, Write as _};

use lettre::Address;
use lettre::transport::smtp::commands::{Data, Mail, Rcpt};
use lettre::transport::smtp::response::Response;

/// The message data with its transparency dots (RFC 5321 4.5.2: a line that starts with a
/// dot gets another) and the final `CRLF.CRLF`. The text is the message without its last
/// CRLF, as lettre's `message` takes it. A bare CR or LF never reaches here (messages are
/// built with CRLF line ends only), so only a dot after CRLF or at the start is a line's first.
pub struct Terminated<'a>(pub &'a str);

impl Display for Terminated<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        if rest.starts_with('.') {
            f.write_char('.')?;
        }
        while let Some(i) = rest.find("\r\n.") {
            f.write_str(&rest[..i + 3])?;
            f.write_char('.')?;
            rest = &rest[i + 3..];
        }
        f.write_str(rest)?;
        f.write_str("\r\n.\r\n")
    }
}

/// MAIL FROM, an RCPT TO for each recipient and DATA, as one group (RFC 2920 3.1: DATA may
/// end a group). The server answers each in order; the client reads them all before it sends
/// the body, so the journal still says `sending` only once the server waits for the body.
pub struct Envelope<'a> {
    pub from: &'a Address,
    pub recipients: &'a [Address],
}

impl Display for Envelope<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Mail::new(Some(self.from.clone()), vec![]))?;
        for r in self.recipients {
            write!(f, "{}", Rcpt::new(r.clone(), vec![]))?;
        }
        write!(f, "{Data}")
    }
}

/// Whether an EHLO reply offers PIPELINING (lettre keeps only the extensions it uses itself).
pub fn offers_pipelining(ehlo: &Response) -> bool {
    ehlo.message().skip(1).any(|line| {
        line.split_whitespace()
            .next()
            .is_some_and(|word| word.eq_ignore_ascii_case("PIPELINING"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_is_dot_stuffed_and_terminated_in_one_piece() {
        let cases = [
            ("Hello", "Hello\r\n.\r\n"),
            ("", "\r\n.\r\n"),
            (".", "..\r\n.\r\n"),
            (
                ".start\r\nmid.dle\r\n.\r\n..two",
                "..start\r\nmid.dle\r\n..\r\n...two\r\n.\r\n",
            ),
            ("a\r\n\r\n.b", "a\r\n\r\n..b\r\n.\r\n"),
            (
                "ends with a dot line\r\n.",
                "ends with a dot line\r\n..\r\n.\r\n",
            ),
        ];
        for (body, wire) in cases {
            assert_eq!(Terminated(body).to_string(), wire, "body {body:?}");
        }
    }

    #[test]
    fn an_envelope_is_one_group_ending_with_data() {
        let from: Address = "me@example.org".parse().unwrap();
        let to: Vec<Address> = vec![
            "a@example.net".parse().unwrap(),
            "b@example.net".parse().unwrap(),
        ];
        let group = Envelope {
            from: &from,
            recipients: &to,
        };
        assert_eq!(
            group.to_string(),
            "MAIL FROM:<me@example.org>\r\nRCPT TO:<a@example.net>\r\nRCPT TO:<b@example.net>\r\nDATA\r\n"
        );
    }

    #[test]
    fn pipelining_is_read_from_the_ehlo_keywords_only() {
        let parse = |text: &str| text.parse::<Response>().unwrap();
        let offered = parse("250-mail.example.org\r\n250-PIPELINING\r\n250 8BITMIME\r\n");
        assert!(offers_pipelining(&offered));
        let lower = parse("250-mail.example.org\r\n250 pipelining\r\n");
        assert!(offers_pipelining(&lower));
        // The greeting line is the server's name, not a keyword.
        let name = parse("250-PIPELINING\r\n250 8BITMIME\r\n");
        assert!(!offers_pipelining(&name));
        let absent = parse("250-mail.example.org\r\n250-SIZE 1000\r\n250 XPIPELININGX\r\n");
        assert!(!offers_pipelining(&absent));
    }
}

//! MIME: a letter as an RFC 5322 message, built by lettre (UTF-8 headers encoded, CRLF only).
//!
//! The same letter makes the same message for a draft and for sending, but for the draft's
//! Bcc header, the `X-Unsent: 1` of a draft file, and the Date. Header lines are folded at 78
//! characters (RFC 5322 section 2.1.1: lettre folds the headers it encodes, outcry the address
//! headers it writes); a plain ASCII body goes as 7bit, anything else quoted-printable or
//! base64, with no line starting `From ` that an mbox reader would quote.

use std::fmt::Write as _;

use anyhow::{Context, Result};
use jiff::Timestamp;
use lettre::Message;
use lettre::message::header::{
    self, ContentTransferEncoding, ContentType, HeaderName, HeaderValue,
};
use lettre::message::{Attachment, Body, MultiPart, SinglePart};

use crate::letter::{Addressee, Letter};

/// What the message is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// A draft file (`.eml`) for a mail client: `X-Unsent: 1`, so that it opens as a draft to
    /// send, and Bcc recipients kept in a Bcc header so that the client sending it delivers
    /// their copy.
    Draft,
    /// A draft stored in a mailbox (Maildir, mbox): Bcc kept, but no `X-Unsent`, which a mail
    /// client that recalls the draft (`NeoMutt`) keeps and sends on; the mailbox's own flags say
    /// it is a draft.
    StoredDraft,
    /// Handed to a server: no X-Unsent, no Bcc header (Bcc recipients are in the envelope).
    Send,
}

/// `X-Unsent: 1`: Outlook, Thunderbird and Apple Mail open the message as a draft to send.
#[derive(Debug, Clone)]
struct XUnsent;

impl header::Header for XUnsent {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Unsent")
    }
    fn parse(_: &str) -> std::result::Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(XUnsent)
    }
    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), "1".to_string())
    }
}

/// An address header (From, To, Cc, Bcc) with one mailbox per line.
///
/// lettre would RFC 2047-encode any display name with a comma, parenthesis or apostrophe, and
/// split long names mid-word, which Thunderbird, Apple Mail and Python's `email` read back with
/// a stray space (lettre PR 810, `CPython` gh-128110). So ASCII names are written as quoted
/// strings, and non-ASCII names as encoded-words that break between words (a single word
/// too long for one encoded-word is split inside, as it must be).
fn address_header(header: &'static str, mailboxes: &[(&str, &str)]) -> Result<HeaderValue> {
    let mut raw = String::new();
    let mut encoded = String::new();
    for (i, (name, address)) in mailboxes.iter().enumerate() {
        let _: lettre::Address = address
            .parse()
            .with_context(|| format!("invalid e-mail address {address:?}"))?;
        if i > 0 {
            raw.push_str(", ");
            encoded.push_str(",\r\n ");
        }
        let quoted = format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""));
        let _ = write!(raw, "{quoted} <{address}>");
        if name.is_ascii() {
            encoded.push_str(&quoted);
        } else {
            let line = if i == 0 { header.len() + 2 } else { 1 };
            encode_phrase(name, line, &mut encoded).context("cannot encode a display name")?;
        }
        let _ = write!(encoded, " <{address}>");
    }
    Ok(HeaderValue::dangerous_new_pre_encoded(
        HeaderName::new_from_ascii_str(header),
        raw,
        fold(header.len() + 2, &encoded),
    ))
}

/// The longest header line RFC 5322 recommends (section 2.1.1), without its CRLF.
const HEADER_LINE: usize = 78;

/// `value` (lines joined by CRLF) with each line longer than [`HEADER_LINE`] folded before a
/// space: between a name and its address, or between two words of a quoted name (folding
/// white space is allowed in a quoted-string, and unfolding gives the space back). A line with
/// no space to fold at stays long. The first line starts after `first` columns (`To: `).
fn fold(first: usize, value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 8);
    for (i, line) in value.split("\r\n").enumerate() {
        if i > 0 {
            out.push_str("\r\n");
        }
        let mut col = if i == 0 { first } else { 0 };
        let mut rest = line;
        while col + rest.len() > HEADER_LINE {
            let bytes = rest.as_bytes();
            let room = HEADER_LINE.saturating_sub(col).min(bytes.len() - 1);
            // The last space that keeps the line short, else the first one (never the line's
            // own first character, the white space it was folded at).
            let cut = bytes[..=room]
                .iter()
                .rposition(|&b| b == b' ')
                .filter(|&p| p > 0)
                .or_else(|| bytes.iter().skip(1).position(|&b| b == b' ').map(|p| p + 1));
            let Some(cut) = cut else { break };
            out.push_str(&rest[..cut]);
            out.push_str("\r\n");
            rest = &rest[cut..];
            col = 0;
        }
        out.push_str(rest);
    }
    out
}

/// Writes `phrase` as RFC 2047 encoded-words of whole words, each on its own folded line, with
/// the space between two words inside the second encoded-word (RFC 2047 section 6.2).
fn encode_phrase(phrase: &str, first_line_len: usize, out: &mut String) -> std::fmt::Result {
    use email_encoding::headers::{rfc2047, writer::EmailWriter};
    // What fits in one encoded-word on a 76-column line: "=?utf-8?b?" + base64 + "?=" + CRLF.
    let budget = |line_len: usize| 76usize.saturating_sub(12 + line_len + 2) / 4 * 3;
    let mut chunks: Vec<String> = Vec::new();
    let mut current = String::new();
    for (i, word) in phrase.split(' ').enumerate() {
        let piece = if i == 0 {
            word.to_string()
        } else {
            format!(" {word}")
        };
        let line_len = if chunks.is_empty() { first_line_len } else { 1 };
        if !current.is_empty() && current.len() + piece.len() > budget(line_len) {
            chunks.push(std::mem::take(&mut current));
        }
        current.push_str(&piece);
    }
    chunks.push(current);
    for (i, chunk) in chunks.iter().enumerate() {
        if i > 0 {
            out.push_str("\r\n ");
        }
        let mut w = EmailWriter::new(out, if i == 0 { first_line_len } else { 1 }, 0, false);
        rfc2047::encode(chunk, &mut w)?;
    }
    Ok(())
}

fn pairs(v: &[Addressee]) -> Vec<(&str, &str)> {
    v.iter()
        .map(|a| (a.name.as_str(), a.address.as_str()))
        .collect()
}

/// The message for an e-mail letter, as bytes with CRLF line ends only.
///
/// A letter that carries a fax or postal letter (a coordinators' copy, a fax to its gateway)
/// goes as `multipart/mixed`: the text, then that letter's PDF as an attachment.
pub fn message(letter: &Letter, date: Timestamp, purpose: Purpose) -> Result<Vec<u8>> {
    let pdf = match &letter.carries {
        Some(carried) => Some((
            carried.pdf_name().unwrap_or_default(),
            crate::pdf::render(carried, date)?.unwrap_or_default(),
        )),
        None => None,
    };
    let bytes = build(
        letter,
        date,
        purpose,
        body(&letter.body, pdf.is_some()),
        pdf,
    )?
    .formatted();
    check_line_ends(&bytes)
        .with_context(|| format!("the message for {} is malformed", letter.id))?;
    Ok(bytes)
}

/// Checks that the message for an e-mail letter can be built, without encoding its body: what
/// can fail is in the headers (addresses, names); any text makes a body.
pub fn check(letter: &Letter, date: Timestamp) -> Result<()> {
    let bytes = build(letter, date, Purpose::Send, Body::new(String::new()), None)?.formatted();
    check_line_ends(&bytes).with_context(|| format!("the message for {} is malformed", letter.id))
}

/// The message of `letter` with `body` as its text, and `pdf` (file name, bytes) attached.
fn build(
    letter: &Letter,
    date: Timestamp,
    purpose: Purpose,
    body: Body,
    pdf: Option<(String, Vec<u8>)>,
) -> Result<Message> {
    let mut b = Message::builder()
        .raw_header(address_header(
            "From",
            &[(&letter.from.name, &letter.from.email)],
        )?)
        .raw_header(address_header("To", &pairs(&letter.to))?)
        .subject(letter.subject.clone())
        .date(date.into());
    if let Some(id) = &letter.message_id {
        b = b.message_id(Some(id.clone()));
    }
    if !letter.cc.is_empty() {
        b = b.raw_header(address_header("Cc", &pairs(&letter.cc))?);
    }
    if purpose != Purpose::Send {
        if !letter.bcc.is_empty() {
            b = b.raw_header(address_header("Bcc", &pairs(&letter.bcc))?);
        }
        b = b.keep_bcc();
    }
    if purpose == Purpose::Draft {
        b = b.header(XUnsent);
    }
    let part = SinglePart::builder()
        .header(ContentType::TEXT_PLAIN)
        .body(body);
    let built = match pdf {
        None => b.singlepart(part),
        Some((name, bytes)) => {
            let pdf = ContentType::parse("application/pdf").context("application/pdf")?;
            b.multipart(
                MultiPart::mixed()
                    .boundary(boundary(&letter.body, &bytes))
                    .singlepart(part)
                    .singlepart(Attachment::new(name).body(base64_body(&bytes), pdf)),
            )
        }
    };
    built.with_context(|| format!("cannot build the message for {}", letter.id))
}

/// A MIME boundary the same for the same text and attachment (so that a draft is the same
/// every time), which neither can hold: a hash of both.
fn boundary(text: &str, attachment: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(text.as_bytes());
    h.update([0]);
    h.update(attachment);
    h.finalize()[..16]
        .iter()
        .fold(String::from("outcry-"), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}

/// The body of a letter: 7bit when it is plain ASCII text that can go as it is (see
/// [`seven_bit`]), else quoted-printable (see [`quoted_printable`]) or base64, as lettre's
/// chooser prefers for the text (`Encoding::choose`, which would also send short-lined ASCII
/// text with a line starting `From ` as 7bit, and long-lined ASCII text as quoted-printable).
///
/// The line ends are made here in one pass: lettre's `Body::new` inserts each CR into the text
/// in place, moving the rest of it every time, quadratic in the number of lines (a 10 MB
/// letter took about 20 s to encode).
fn body(text: &str, multipart: bool) -> Body {
    use email_encoding::body::Encoding;
    // lettre ends a part with a CRLF of its own. In 7bit and quoted-printable that CRLF is the
    // body's last line end, so the text goes without its own; base64 carries the text whole.
    // In a multipart message that CRLF belongs to the boundary after the part (RFC 2046
    // section 5.1.1), so the text keeps its own.
    let trimmed = text.strip_suffix('\n').unwrap_or(text);
    let ends = if multipart { text } else { trimmed };
    if seven_bit(trimmed) {
        return Body::dangerous_pre_encoded(
            crlf(ends).into_bytes(),
            ContentTransferEncoding::SevenBit,
        );
    }
    if Encoding::choose(trimmed, false) == Encoding::Base64 {
        return base64_body(crlf(text).as_bytes());
    }
    Body::dangerous_pre_encoded(
        quoted_printable(ends),
        ContentTransferEncoding::QuotedPrintable,
    )
}

/// `bytes` as a base64 body, as lettre's `Body::new` encodes one (email-encoding's lines of
/// 76), without its chooser reading them again: a PDF, and text the chooser has already
/// read, go as base64.
fn base64_body(bytes: &[u8]) -> Body {
    use email_encoding::body::base64;
    let mut out = String::with_capacity(base64::encoded_len(bytes.len()));
    // Writing to a String cannot fail.
    let _ = base64::encode(bytes, &mut out);
    Body::dangerous_pre_encoded(out.into_bytes(), ContentTransferEncoding::Base64)
}

/// The longest line a 7bit body may have (RFC 5322 section 2.1.1), without its CRLF.
const BODY_LINE: usize = 998;

/// Text that can go as 7bit: printable ASCII and tabs, lines of at most [`BODY_LINE`]
/// characters, none starting `From ` (which an mbox writer would quote as `>From `, and a
/// reader show so).
fn seven_bit(text: &str) -> bool {
    text.split('\n').all(|line| {
        line.len() <= BODY_LINE
            && !line.starts_with("From ")
            && line
                .bytes()
                .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
    })
}

/// The longest encoded line of a quoted-printable body (RFC 2045 section 6.7), soft line
/// break included.
const QP_LINE: usize = 76;

/// `text` (LF line ends) as quoted-printable with CRLF line ends (RFC 2045 section 6.7). An
/// `F` that starts an encoded line followed by `rom ` is written `=46`, so that no encoded line
/// starts `From `: an mbox keeps the message as it is, and its readers show `From`.
fn quoted_printable(text: &str) -> Vec<u8> {
    fn escape(out: &mut Vec<u8>, b: u8) {
        const HEX: &[u8; 16] = b"0123456789ABCDEF";
        out.extend_from_slice(&[b'=', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]]);
    }
    let mut out = Vec::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.extend_from_slice(b"\r\n");
        }
        let bytes = line.as_bytes();
        let mut col = 0;
        for (j, &b) in bytes.iter().enumerate() {
            let last = j + 1 == bytes.len();
            let literal = |col: usize| match b {
                b'=' => false,
                // White space at the end of a line is lost in transit.
                b' ' | b'\t' => !last,
                b'F' => col > 0 || !bytes[j..].starts_with(b"From "),
                b'!'..=b'~' => true,
                _ => false,
            };
            let width = |col: usize| if literal(col) { 1 } else { 3 };
            // Room for the "=" of a soft line break, unless this is the line's last byte.
            let room = if last { QP_LINE } else { QP_LINE - 1 };
            if col + width(col) > room {
                out.extend_from_slice(b"=\r\n");
                col = 0;
            }
            if literal(col) {
                out.push(b);
            } else {
                escape(&mut out, b);
            }
            col += width(col);
        }
    }
    out
}

/// `text` with CRLF line ends, made in one pass: each LF gets a CR before it unless it has
/// one, and a CR without an LF after it (which no letter should hold) becomes a line end.
fn crlf(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len() + text.len() / 16);
    let mut from = 0;
    for at in memchr::memchr2_iter(b'\r', b'\n', bytes) {
        if at < from {
            // The LF of a CRLF already written.
            continue;
        }
        // Line ends are ASCII: the text between them is whole characters.
        out.push_str(&text[from..at]);
        out.push_str("\r\n");
        from = at + 1;
        if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            from += 1;
        }
    }
    out.push_str(&text[from..]);
    out
}

/// A message as a dry run shows it: LF line ends, and the base64 lines of an attached PDF
/// (which nobody reads as text) given as one line saying what they hold; everything else as it
/// goes.
pub fn shown(message: &[u8]) -> String {
    let text = String::from_utf8_lossy(message).replace("\r\n", "\n");
    let mut out = String::with_capacity(text.len().min(1 << 16));
    // In a part's headers: whether it is a PDF. In a PDF's body: how many bytes it holds.
    let mut pdf_headers = false;
    let mut pdf_body: Option<usize> = None;
    for line in text.split_inclusive('\n') {
        if let Some(n) = pdf_body.as_mut() {
            if !line.starts_with("--") {
                *n += line.trim_end().len() / 4 * 3;
                continue;
            }
            let _ = writeln!(
                out,
                "[a PDF of about {} bytes, in base64: not shown; `outcry compose --out DIR` writes it]",
                *n
            );
            pdf_body = None;
        }
        if line.starts_with("--") {
            pdf_headers = false;
        } else if line
            .to_ascii_lowercase()
            .starts_with("content-type: application/pdf")
        {
            pdf_headers = true;
        } else if line == "\n" && pdf_headers {
            pdf_headers = false;
            pdf_body = Some(0);
        }
        out.push_str(line);
    }
    out
}

/// Every CR is followed by LF and every LF preceded by CR. lettre 0.11.23 does not dot-stuff a
/// line that follows a bare LF (RUSTSEC-2026-0561): no message with one may reach a server.
pub fn check_line_ends(bytes: &[u8]) -> Result<()> {
    for i in memchr::memchr2_iter(b'\r', b'\n', bytes) {
        let bare = match bytes[i] {
            b'\r' => bytes.get(i + 1) != Some(&b'\n'),
            _ => i == 0 || bytes[i - 1] != b'\r',
        };
        if bare {
            anyhow::bail!("bare CR or LF at byte {i}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A message around `body(text)`, as a mail client gets it.
    fn message_with_body(text: &str) -> Vec<u8> {
        let part = SinglePart::builder()
            .header(ContentType::TEXT_PLAIN)
            .body(body(text, false));
        Message::builder()
            .from("a@example.org".parse().unwrap())
            .to("b@example.org".parse().unwrap())
            .subject("s")
            .singlepart(part)
            .unwrap()
            .formatted()
    }

    /// The encoding and the encoded lines of `body(text)`, read back by mail-parser.
    fn encoded(text: &str) -> (ContentTransferEncoding, String) {
        let msg = message_with_body(text);
        check_line_ends(&msg).unwrap();
        let parsed = mail_parser::MessageParser::default().parse(&msg).unwrap();
        let decoded = parsed
            .body_text(0)
            .map(|b| b.replace("\r\n", "\n"))
            .unwrap_or_default();
        let expected = if text.ends_with('\n') {
            text.to_string()
        } else {
            format!("{text}\n")
        };
        assert_eq!(decoded, expected, "{text:?}");
        let b = body(text, false);
        (
            b.encoding(),
            String::from_utf8(b.as_ref().to_vec()).unwrap(),
        )
    }

    /// Issue 11 item 10: plain ASCII letters go as 7bit, long paragraphs included (lines up
    /// to 998 characters); the rest as quoted-printable or base64, every text read back whole.
    #[test]
    fn ascii_letters_go_as_7bit() {
        use ContentTransferEncoding::{Base64, QuotedPrintable, SevenBit};
        let paragraph = format!("{}\n", "a long line ".repeat(80));
        let cases: [(String, ContentTransferEncoding); 10] = [
            (String::new(), SevenBit),
            ("\n".into(), SevenBit),
            ("Dear Sir or Madam,\n\nRelease them.\n".into(), SevenBit),
            ("no final line end".into(), SevenBit),
            (paragraph.clone(), SevenBit),
            (format!("{}\n", "x".repeat(999)), QuotedPrintable),
            ("Café, Zhanaozen, Almaty.\n.\n..\n".into(), QuotedPrintable),
            ("Жаңаөзен, Алматы: босатыңыз!\n".repeat(3), Base64),
            ("=3D and trailing space \nand tab\t\n".into(), SevenBit),
            ("a\u{7}bell\n".into(), QuotedPrintable),
        ];
        for (text, encoding) in &cases {
            assert_eq!(encoded(text).0, *encoding, "{text:?}");
        }
    }

    /// Issue 11 item 9: no encoded line starts `From ` (an mbox would quote it as `>From `),
    /// nor is longer than 76 characters; trailing white space and `=` are escaped.
    #[test]
    fn quoted_printable_never_starts_a_line_with_from() {
        let texts = [
            "From the people of Zhanaozen,\nwe write.\n".to_string(),
            format!("Café\n{}From here\nFrom\nFromage\n", "y".repeat(75)),
            format!("{}\n", "From Almaty, Café ".repeat(30)),
            "=3D and trailing space \nand tab\t\n\u{7}".to_string(),
            format!("{}\n", "Жаңаөзен, Алматы: босатыңыз! ".repeat(20)),
        ];
        for text in &texts {
            let (encoding, lines) = encoded(text);
            if encoding != ContentTransferEncoding::QuotedPrintable {
                continue;
            }
            for line in lines.split("\r\n") {
                assert!(!line.starts_with("From "), "{line:?} in {lines:?}");
                assert!(line.len() <= QP_LINE, "{line:?}");
                assert!(!line.ends_with(' ') && !line.ends_with('\t'), "{line:?}");
            }
        }
        let (encoding, lines) = encoded(&texts[0]);
        assert_eq!(encoding, ContentTransferEncoding::QuotedPrintable);
        assert_eq!(lines, "=46rom the people of Zhanaozen,\r\nwe write.");
        assert_eq!(
            encoded(&texts[1]).1,
            format!(
                "Caf=C3=A9\r\n{}=\r\n=46rom here\r\nFrom\r\nFromage",
                "y".repeat(75)
            )
        );
    }

    /// Issue 11 item 10: address headers folded at 78 characters, between a name and its
    /// address or between the words of a quoted name; a word too long for a line stays whole.
    #[test]
    fn header_lines_are_folded_at_78() {
        let name = "Press Office of the National Security Committee of the Republic of Kazakhstan";
        let long = format!("\"{name}\" <press@knb.kz>,\r\n \"Ainur\" <a@example.org>");
        let folded = fold(4, &long);
        assert_eq!(
            folded,
            "\"Press Office of the National Security Committee of the Republic of\r\n \
             Kazakhstan\" <press@knb.kz>,\r\n \"Ainur\" <a@example.org>"
        );
        for (i, line) in folded.split("\r\n").enumerate() {
            assert!(
                line.len() + if i == 0 { 4 } else { 0 } <= HEADER_LINE,
                "{line:?}"
            );
        }
        assert_eq!(fold(4, "short <a@b>"), "short <a@b>");
        let word = "x".repeat(90);
        assert_eq!(
            fold(4, &format!("{word} <a@b>")),
            format!("{word}\r\n <a@b>")
        );
        assert_eq!(fold(4, &word), word);
    }

    /// Letters hold no CR (rendering makes every line end LF); where one is, it is a line end,
    /// not the bare CR lettre left (and `check_line_ends` refused).
    #[test]
    fn a_bare_cr_becomes_a_line_end() {
        assert_eq!(crlf("a\rb\r\nc\nd\r"), "a\r\nb\r\nc\r\nd\r\n");
    }

    proptest::proptest! {
        /// `crlf` and `check_line_ends` find line ends by searching bytes; a character at a
        /// time gives the same, on text of Cyrillic, CR, LF and ASCII.
        #[test]
        fn line_ends_read_bytewise_as_by_character(text in "[a\\rб\\n ]{0,40}") {
            let mut by_char = String::new();
            let mut chars = text.chars().peekable();
            while let Some(c) = chars.next() {
                match c {
                    '\r' => {
                        by_char.push_str("\r\n");
                        if chars.peek() == Some(&'\n') {
                            chars.next();
                        }
                    }
                    '\n' => by_char.push_str("\r\n"),
                    c => by_char.push(c),
                }
            }
            let made = crlf(&text);
            proptest::prop_assert_eq!(&made, &by_char);
            proptest::prop_assert!(check_line_ends(made.as_bytes()).is_ok());
            let bytes = text.as_bytes();
            let bare = (0..bytes.len()).any(|i| match bytes[i] {
                b'\r' => bytes.get(i + 1) != Some(&b'\n'),
                b'\n' => i == 0 || bytes[i - 1] != b'\r',
                _ => false,
            });
            proptest::prop_assert_eq!(check_line_ends(bytes).is_err(), bare);
        }
    }

    #[test]
    fn bare_line_ends_are_caught() {
        assert!(check_line_ends(b"a\r\nb\r\n").is_ok());
        assert!(check_line_ends(b"a\nb").is_err());
        assert!(check_line_ends(b"a\rb").is_err());
        assert!(check_line_ends(b"\n").is_err());
        assert!(check_line_ends(b"a\r").is_err());
    }
}

#!/usr/bin/env python3
"""Reads outcry's drafts back with Python's own `email` and `mailbox` packages.

Usage: check_drafts.py REVIEW.json DRAFTS_DIR MAILDIR MBOX

REVIEW.json is `outcry compose --format json` (JSON Lines) for the same input; every e-mail letter in it
must appear as DRAFTS_DIR/<id>.eml, in the Maildir (cur/, flagged DS) and in the mbox, parse
without defects, and carry exactly the addresses, subject and body the review promised. Only the
.eml files have `X-Unsent: 1` (a mail client that recalls a stored draft keeps the header and sends
it on); Maildir and mbox messages have LF line ends; no header line is longer than 78 characters;
a plain ASCII body goes as 7bit; no body line in the mbox is quoted as `>From `. Every other letter
is DRAFTS_DIR/<id>.<channel>.txt.
"""
import email
import email.policy
import email.utils
import json
import mailbox
import sys


def fail(msg):
    print(f"check_drafts: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def squash(name):
    """Display names compared with runs of spaces folded to one.

    Python 3.11 (this machine's) keeps the folding white space between two adjacent encoded-words in an
    address header (CPython gh-128110, fixed later), although RFC 2047 section 6.2 says to drop it; outcry
    puts the space between words inside the encoded-words, so Python reads a double space
    where a long non-ASCII name was folded. Every character other than spacing still counts.
    """
    return " ".join(name.split())


def check(raw, letter, where, eml):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    defects = list(msg.defects)
    for name, value in msg.items():
        defects += getattr(value, "defects", [])
    if defects:
        fail(f"{where}: defects {defects}")
    def mailboxes(header):
        value = msg.get(header)
        if value is None:
            return []
        return [(squash(a.display_name), a.addr_spec) for a in value.addresses]
    expect = lambda key: [(squash(a["name"]), a["address"]) for a in letter[key]]
    if mailboxes("From") != [(squash(letter["from"]["name"]), letter["from"]["email"])]:
        fail(f"{where}: From {mailboxes('From')}")
    for header, key in (("To", "to"), ("Cc", "cc"), ("Bcc", "bcc")):
        if mailboxes(header) != expect(key):
            fail(f"{where}: {header} {mailboxes(header)} != {expect(key)}")
    if str(msg["Subject"]) != letter["subject"]:
        fail(f"{where}: Subject {msg['Subject']!r} != {letter['subject']!r}")
    if msg["Message-ID"] != letter["message_id"]:
        fail(f"{where}: Message-ID {msg['Message-ID']} != {letter['message_id']}")
    if msg["X-Unsent"] != ("1" if eml else None):
        fail(f"{where}: X-Unsent {msg['X-Unsent']!r}")
    head, _, text = raw.replace(b"\r\n", b"\n").partition(b"\n\n")
    for line in head.split(b"\n"):
        if len(line) > 78:
            fail(f"{where}: a header line of {len(line)} characters: {line!r}")
    if b"\r" in raw and not eml:
        fail(f"{where}: CR in a mailbox message")
    for line in text.split(b"\n"):
        if line.startswith(b">From ") or line.startswith(b"From "):
            fail(f"{where}: a body line {line!r} that mbox readers quote")
    # A coordinators' copy of a fax or postal letter is multipart/mixed: the text, then the
    # letter's PDF (named as the review says, the same bytes as the PDF beside the drafts).
    text_part = msg
    if letter.get("attachment"):
        if msg.get_content_type() != "multipart/mixed":
            fail(f"{where}: a copy carrying {letter['attachment']} as {msg.get_content_type()}")
        parts = [p for p in msg.iter_parts()]
        if [p.get_content_type() for p in parts] != ["text/plain", "application/pdf"]:
            fail(f"{where}: parts {[p.get_content_type() for p in parts]}")
        text_part, pdf = parts
        if pdf.get_filename() != letter["attachment"]:
            fail(f"{where}: attachment named {pdf.get_filename()!r}, not {letter['attachment']!r}")
        data = pdf.get_content()
        if not data.startswith(b"%PDF-"):
            fail(f"{where}: the attachment is no PDF")
        if eml and open(f"{drafts_dir}/{letter['attachment']}", "rb").read() != data:
            fail(f"{where}: the attached PDF differs from {letter['attachment']} beside it")
    cte = text_part["Content-Transfer-Encoding"]
    if letter["body"].isascii() and max(map(len, letter["body"].split("\n"))) <= 998 \
            and not any(l.startswith("From ") for l in letter["body"].split("\n")) and cte != "7bit":
        fail(f"{where}: a plain ASCII body as {cte}")
    if text_part.get_content_type() != "text/plain" or text_part.get_content_charset() != "utf-8":
        fail(f"{where}: content type {text_part.get_content_type()} {text_part.get_content_charset()}")
    body = text_part.get_content().replace("\r\n", "\n")
    if body != letter["body"]:
        fail(f"{where}: body differs:\n{body!r}\n!=\n{letter['body']!r}")
    for forbidden in ("User-Agent", "X-Mailer"):
        if forbidden in msg:
            fail(f"{where}: has {forbidden}")


drafts_dir = "."


def main():
    global drafts_dir
    review_path, drafts, maildir_path, mbox_path = sys.argv[1:5]
    drafts_dir = drafts
    with open(review_path, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    for line in lines:
        if line.get("schema") != "outcry.jsonl/1":
            fail(f"a review line without the schema: {line}")
    letters = {
        l["message_id"]: l for l in lines if l["type"] == "letter" and l["channel"] == "email"
    }
    if not letters:
        fail("the review has no e-mail letters")
    for letter in letters.values():
        path = f"{drafts}/{letter['id']}.eml"
        with open(path, "rb") as f:
            check(f.read(), letter, path, eml=True)
    for l in lines:
        if l["type"] == "letter" and l["channel"] != "email":
            path = f"{drafts}/{l['id']}.{ {'web': 'web', 'phone': 'call'}.get(l['channel'], l['channel']) }.txt"
            with open(path, encoding="utf-8") as f:
                if f.read() != l["body"]:
                    fail(f"{path}: differs from the review")
    md = mailbox.Maildir(maildir_path, factory=None, create=False)
    seen = []
    for key in md.keys():
        entry = md.get_message(key)
        if entry.get_subdir() != "cur" or entry.get_flags() != "DS":
            fail(f"maildir {key}: subdir {entry.get_subdir()} flags {entry.get_flags()}")
        raw = md.get_bytes(key)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        letter = letters.get(msg["Message-ID"]) or fail(f"maildir {key}: unknown Message-ID")
        check(raw, letter, f"maildir {key}", eml=False)
        seen.append(msg["Message-ID"])
    if sorted(seen) != sorted(letters):
        fail(f"maildir holds {len(seen)} drafts, expected {len(letters)}")
    seen = []
    mb = mailbox.mbox(mbox_path, create=False)
    for i, key in enumerate(mb.keys()):
        raw = mb.get_bytes(key)
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        letter = letters.get(msg["Message-ID"]) or fail(f"mbox #{i}: unknown Message-ID")
        check(raw, letter, f"mbox #{i}", eml=False)
        seen.append(msg["Message-ID"])
    if sorted(seen) != sorted(letters):
        fail(f"mbox holds {len(seen)} drafts, expected {len(letters)}")
    print(f"check_drafts: {len(letters)} e-mail drafts match the review, read back by Python's email and mailbox packages")


if __name__ == "__main__":
    main()

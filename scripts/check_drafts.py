#!/usr/bin/env python3
"""Reads outcry's drafts back with Python's own `email` and `mailbox` packages.

Usage: check_drafts.py REVIEW.json DRAFTS_DIR MAILDIR MBOX

REVIEW.json is `outcry compose --format json` (JSON Lines) for the same input; every e-mail letter in it
must appear as DRAFTS_DIR/<id>.eml, in the Maildir (cur/, flagged D) and in the mbox, parse
without defects, and carry exactly the addresses, subject and body the review promised.
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


def check(msg, letter, where):
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
    if msg["X-Unsent"] != "1":
        fail(f"{where}: X-Unsent {msg['X-Unsent']!r}")
    if msg.get_content_type() != "text/plain" or msg.get_content_charset() != "utf-8":
        fail(f"{where}: content type {msg.get_content_type()} {msg.get_content_charset()}")
    body = msg.get_content().replace("\r\n", "\n")
    if body != letter["body"]:
        fail(f"{where}: body differs:\n{body!r}\n!=\n{letter['body']!r}")
    for forbidden in ("User-Agent", "X-Mailer"):
        if forbidden in msg:
            fail(f"{where}: has {forbidden}")


def main():
    review_path, drafts, maildir_path, mbox_path = sys.argv[1:5]
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
            check(email.message_from_binary_file(f, policy=email.policy.default), letter, path)
    md = mailbox.Maildir(maildir_path, factory=None, create=False)
    seen = []
    for key in md.keys():
        entry = md.get_message(key)
        if entry.get_subdir() != "cur" or "D" not in entry.get_flags():
            fail(f"maildir {key}: subdir {entry.get_subdir()} flags {entry.get_flags()}")
        msg = email.message_from_bytes(md.get_bytes(key), policy=email.policy.default)
        letter = letters.get(msg["Message-ID"]) or fail(f"maildir {key}: unknown Message-ID")
        check(msg, letter, f"maildir {key}")
        seen.append(msg["Message-ID"])
    if sorted(seen) != sorted(letters):
        fail(f"maildir holds {len(seen)} drafts, expected {len(letters)}")
    seen = []
    for i, entry in enumerate(mailbox.mbox(mbox_path, create=False)):
        msg = email.message_from_bytes(entry.as_bytes(), policy=email.policy.default)
        letter = letters.get(msg["Message-ID"]) or fail(f"mbox #{i}: unknown Message-ID")
        check(msg, letter, f"mbox #{i}")
        seen.append(msg["Message-ID"])
    if sorted(seen) != sorted(letters):
        fail(f"mbox holds {len(seen)} drafts, expected {len(letters)}")
    print(f"check_drafts: {len(letters)} e-mail drafts match the review, read back by Python's email and mailbox packages")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Prints what Python's `mailbox` and `email` packages read in outcry's drafts, as JSON, for the
tests to compare whole (tests/cli/drafts.rs). Standard library only.

Usage: read_mailbox.py maildir DIR | mbox FILE | eml FILE

One object a message, sorted by Message-ID: the file name's flags (Maildir), the subfolder,
the mbox From_ line's sender, the headers a mail client acts on, whether the file has any CR,
the header lines longer than 78 characters, and the body as the reader decodes it.
"""
import email
import email.policy
import json
import mailbox
import sys


def describe(raw):
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    head = raw.split(b"\n\n", 1)[0].replace(b"\r", b"")
    defects = list(msg.defects)
    for _, value in msg.items():
        defects += getattr(value, "defects", [])
    return {
        "message_id": msg["Message-ID"],
        "to": [a.addr_spec for a in msg["To"].addresses],
        "bcc": [a.addr_spec for a in msg["Bcc"].addresses] if msg["Bcc"] else [],
        "x_unsent": msg["X-Unsent"],
        "transfer_encoding": msg["Content-Transfer-Encoding"],
        "has_cr": b"\r" in raw,
        "long_header_lines": [l.decode() for l in head.split(b"\n") if len(l) > 78],
        "defects": [type(d).__name__ for d in defects],
        # A .eml file's CRLF line ends stay in the decoded text (has_cr says whether any CR is there).
        "body": msg.get_content().replace("\r\n", "\n"),
    }


def main():
    kind, path = sys.argv[1:3]
    out = []
    if kind == "maildir":
        md = mailbox.Maildir(path, factory=None, create=False)
        for key in md.keys():
            entry = md.get_message(key)
            d = describe(md.get_bytes(key))
            d["subdir"] = entry.get_subdir()
            d["flags"] = entry.get_flags()
            out.append(d)
    elif kind == "mbox":
        mb = mailbox.mbox(path, create=False)
        for key in mb.keys():
            d = describe(mb.get_bytes(key))
            d["from_line"] = mb.get_message(key).get_from().split(" ")[0]
            out.append(d)
    elif kind == "eml":
        with open(path, "rb") as f:
            out.append(describe(f.read()))
    else:
        sys.exit(f"read_mailbox.py: unknown kind {kind}")
    out.sort(key=lambda d: d["message_id"])
    for d in out:
        del d["message_id"]
    print(json.dumps(out, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Checks what the interop server stored, with Python's email package.

  check.py same STORE DRAFTS   every stored message equals the draft `compose --out` wrote
                               with the same Message-ID (but for Date and X-Unsent), and every
                               e-mail draft was stored exactly once
  check.py count STORE N       exactly N messages, distinct Message-IDs, no parse defects,
                               each over TLS by an authenticated client
"""
import email
import email.policy
import glob
import json
import os
import sys

IGNORED = {"date", "x-unsent"}


def fail(msg):
    print(f"interop: FAIL: {msg}", file=sys.stderr)
    sys.exit(1)


def load(path):
    with open(path, "rb") as f:
        msg = email.message_from_binary_file(f, policy=email.policy.default)
    defects = list(msg.defects)
    for _, value in msg.items():
        defects += getattr(value, "defects", [])
    if defects:
        fail(f"{path}: defects {defects}")
    return msg


def stored(store):
    out = []
    for path in sorted(glob.glob(os.path.join(store, "*.eml"))):
        meta = json.load(open(path[:-4] + ".json", encoding="utf-8"))
        if not meta["tls"] or not meta["login"]:
            fail(f"{path}: received without TLS or without login: {meta}")
        if meta["ehlo"] != "[127.0.0.1]":
            fail(f"{path}: EHLO {meta['ehlo']!r}")
        out.append((path, load(path)))
    return out


def comparable(msg):
    """Headers but for IGNORED, and every leaf part: its type, file name and content (a
    coordinators' copy of a fax carries the fax's PDF)."""
    headers = [(k.lower(), str(v)) for k, v in msg.items() if k.lower() not in IGNORED]
    parts = [
        (p.get_content_type(), p.get_filename(), p.get_content())
        for p in msg.walk()
        if not p.is_multipart()
    ]
    return headers, parts


def same(store, drafts):
    by_id = {}
    for path, msg in stored(store):
        if msg["Message-ID"] in by_id:
            fail(f"{path}: {msg['Message-ID']} stored twice")
        by_id[msg["Message-ID"]] = msg
    draft_paths = sorted(glob.glob(os.path.join(drafts, "*.eml")))
    if len(draft_paths) != len(by_id):
        fail(f"{len(by_id)} messages stored, {len(draft_paths)} e-mail drafts")
    for path in draft_paths:
        draft = load(path)
        sent = by_id.get(draft["Message-ID"]) or fail(f"{path}: not on the server")
        if comparable(sent) != comparable(draft):
            fail(f"{path}: the stored message differs:\n{comparable(sent)}\n!=\n{comparable(draft)}")
        if draft["X-Unsent"] != "1" or sent["X-Unsent"] is not None:
            fail(f"{path}: X-Unsent belongs to drafts only")
    print(f"interop: {len(by_id)} stored messages equal their drafts")


def count(store, n):
    messages = stored(store)
    ids = {m["Message-ID"] for _, m in messages}
    if len(messages) != n or len(ids) != n:
        fail(f"{len(messages)} messages, {len(ids)} distinct Message-IDs, expected {n}")
    print(f"interop: {n} messages stored once each")


if __name__ == "__main__":
    if sys.argv[1] == "same":
        same(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "count":
        count(sys.argv[2], int(sys.argv[3]))
    else:
        fail(f"unknown mode {sys.argv[1]}")

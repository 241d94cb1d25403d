#!/usr/bin/env python3
"""Writes the outputs recorded by the CLI tests into their `stdout_is`/`stderr_is` calls.

    OUTCRY_TEST_RECORD=/tmp/rec.jsonl cargo test --test cli MODULE::
    scripts/record-cli-expectations.py /tmp/rec.jsonl

Each recorded line names the call (file, line, column of `.stderr_is(`) and the actual
output; the string literal argument of that call is replaced by it. Read every change before
committing it: a recorded expectation is only as right as the program was.
"""
import json
import os
import sys
from collections import defaultdict


def rust_literal(text, indent):
    def esc(line):
        out = []
        for c in line:
            if c == "\\":
                out.append("\\\\")
            elif c == '"':
                out.append('\\"')
            elif c == "\t":
                out.append("\\t")
            elif c == "\r":
                out.append("\\r")
            elif ord(c) < 0x20 or ord(c) == 0x7F or 0x80 <= ord(c) < 0xA0 or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069:
                out.append("\\u{%x}" % ord(c))
            else:
                out.append(c)
        return "".join(out)

    parts = text.split("\n")
    if len(parts) <= 2:
        return '"' + esc(text).replace("\n", "\\n") + '"'
    lines = text.split("\n")
    pieces = []
    for i, line in enumerate(lines):
        last = i == len(lines) - 1
        body = esc(line)
        if i > 0 and body[:1] in (" ",):
            body = "\\x20" + body[1:]
        if last:
            if body == "":
                break
            pieces.append(body)
        else:
            pieces.append(body + "\\n")
    sep = "\\\n" + " " * indent
    return '"' + sep.join(pieces) + '"'


def literal_end(src, i):
    """The index after the string literal starting at src[i] ("..." or r#"..."#)."""
    if src[i] == '"':
        j = i + 1
        while True:
            if src[j] == "\\":
                j += 2
            elif src[j] == '"':
                return j + 1
            else:
                j += 1
    assert src[i] == "r", src[i : i + 20]
    j = i + 1
    hashes = 0
    while src[j] == "#":
        hashes += 1
        j += 1
    assert src[j] == '"'
    close = '"' + "#" * hashes
    return src.index(close, j + 1) + len(close)


LONG = 40


def main():
    records = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
    by_file = defaultdict(dict)
    for r in records:
        by_file[r["file"]][(r["line"], r["column"])] = r
    for path, recs in by_file.items():
        src = open(path).read()
        starts = [0]
        for line in src.split("\n"):
            starts.append(starts[-1] + len(line) + 1)
        for (line, col), r in sorted(recs.items(), reverse=True):
            at = starts[line - 1] + col - 1
            name = r["stream"] + "_is("
            k = src.index(name, at)
            j = k + len(name)
            while src[j] in " \n\t":
                j += 1
            if src[j] not in ('"', "r"):
                # The expectation is a variable or an expression: it is the test's to update.
                print(f"{path}:{line}: {r['stream']} expectation is not a literal: left as it is")
                continue
            end = literal_end(src, j)
            call_end = src.index(")", end) + 1
            lines = r["actual"].count("\n")
            if r["stream"] == "stdout" and r["actual"].startswith('{"schema"'):
                # JSON Lines: `json()` reads them whole; the test checks the values.
                src = src[:k - 1].rstrip() + src[call_end:]
                continue
            if lines > LONG:
                print(f"{path}:{line}: {r['stream']} of {lines} lines: take a snapshot")
                src = src[:k] + r["stream"] + '_unchecked("TODO snapshot' + src[j + 1:]
                continue
            line_start = src.rfind("\n", 0, k) + 1
            indent = len(src[line_start:k]) - len(src[line_start:k].lstrip()) + 4
            src = src[:j] + rust_literal(r["actual"], indent) + src[end:]
        open(path, "w").write(src)
        print(f"{path}: {len(recs)} expectation(s) written")


main()

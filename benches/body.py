#!/usr/bin/env python3
"""Benchmark: one letter with a large body, rendered and sent to a local SMTP sink.

Usage: python3 benches/body.py [MB ...]      (default: 0.125 0.25 0.5 1)

Builds outcry in release mode, then for each size makes a workspace with one campaign to one
authority whose letter body is about that many megabytes (paragraphs wrapped at 72 columns,
as a text editor writes them, with a few accented letters so that the body goes
quoted-printable, as most real letters do), starts the minimal SMTP sink of benches/send.py on
127.0.0.1 (plain, no AUTH) and times `outcry compose big --format json` (rendering alone) and
`outcry send big --yes` (rendering, building the message and sending it). Prints a Markdown
table with seconds per megabyte: flat means linear. Figures go in docs/benchmarks.md. Talks
only to 127.0.0.1.

A letter is at most 1 MiB (and a template 64 KiB), so the body is a partial of about 60 KB
used as often as the size needs: 1 MB is the largest letter outcry writes. (Before those caps,
the same script measured 1 to 8 MB from one template: docs/benchmarks.md keeps those figures.)
"""
import math
import os
import subprocess
import sys
import tempfile

from send import OUTCRY, REPO, Sink, timed

PARAGRAPH = (
    "We write to you about the case of the trade unionists held since the strike, whose "
    "families have had no news of them, and whose lawyers were refused access twice. "
) * 4 + "Café, Zhanaozen, Almaty: we ask for their release.\n\n"


def wrapped(text, width=72):
    """Wraps a paragraph at `width` columns, keeping its final blank line."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    lines.append(line)
    return "\n".join(lines) + "\n\n"


def workspace(mb, port):
    ws = tempfile.mkdtemp(prefix="outcry-bench-body-")
    os.makedirs(f"{ws}/letters/big")
    with open(f"{ws}/contacts.toml", "w") as f:
        f.write('[contacts.a1]\nname = "Authority 1"\ncountry = "KZ"\nemail = "a1@example.org"\n')
    with open(f"{ws}/letters/big/campaign.toml", "w") as f:
        f.write('title = "Big"\nsubject = "Protest"\nissued = 2011-05-02\ndemands = ["One"]\nto = ["a1"]\n')
    os.makedirs(f"{ws}/letters/_partials")
    paragraph = wrapped(PARAGRAPH)
    chunk = paragraph * (60_000 // len(paragraph.encode()))
    with open(f"{ws}/letters/_partials/chunk.hbs", "w") as f:
        f.write(chunk)
    uses = max(1, math.ceil(mb * 1_000_000 / len(chunk.encode())))
    with open(f"{ws}/letters/big/letter.hbs", "w") as f:
        f.write("{{recipient.salutation}},\n\n" + "{{> chunk}}\n" * uses + "{{sender.name}}\n")
    # The writer's own settings (timed() points XDG_CONFIG_HOME at ws/.config).
    os.makedirs(f"{ws}/.config/outcry")
    with open(f"{ws}/.config/outcry/config.toml", "w") as f:
        f.write(f'[sender]\nname = "Bench"\nemail = "bench@example.org"\ncountry = "GB"\n\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nrate = 100000\n')
    return ws


def main():
    sizes = [float(a) for a in sys.argv[1:]] or [0.125, 0.25, 0.5, 1]
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    print("| body | compose: wall | compose: s/MB | send: wall | send: s/MB | send: peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|")
    for mb in sizes:
        sink = Sink()
        ws = workspace(mb, sink.port)
        c_wall, _ = timed([OUTCRY, "compose", "big", "--format", "json"], ws)
        if c_wall is None:
            sys.exit(f"outcry compose failed for {mb} MB")
        s_wall, s_peak = timed([OUTCRY, "send", "big", "--yes"], ws)
        if sink.count != 1:
            sys.exit(f"the sink got {sink.count} messages, expected 1")
        print(f"| {mb:g} MB | {c_wall:.2f} s | {c_wall / mb:.3f} | {s_wall:.2f} s | {s_wall / mb:.3f} | {s_peak / 1024:.0f} MiB |")


if __name__ == "__main__":
    main()

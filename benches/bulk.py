#!/usr/bin/env python3
"""Benchmark: a bulk mailing rendered to drafts, outcry against Python's mailmerge.

Usage: python3 benches/bulk.py [--quick]

Builds outcry in release mode and installs mailmerge (PyPI, pinned) into a virtualenv under
target/. Generates a signers file of N members and renders one letter per member to the
KNB press office of the May Day appeal:

- outcry: `outcry compose mayday-2011 --signers members.csv --to knb-press --out drafts`
  (every letter a .eml draft on disk), and the same to a review on stdout (--format json);
- mailmerge: `mailmerge --dry-run --no-limit --output-format raw` with a Jinja template of the
  same letter (headers From, To, Reply-To, Subject; the eight demands; the signer's name,
  city and note) and the same CSV, its output to /dev/null.

Each run is timed (wall clock) and its peak resident memory read with getrusage in a small
wrapper process of its own, three times (once at 100,000); the median is reported. 10,000 letters for the
comparison, and outcry alone at 1,000, 10,000 and 100,000 to show how time and memory grow
(--quick: 1,000 and 10,000 only). Prints Markdown tables for docs/benchmarks.md. Sends
nothing: mailmerge runs dry, outcry writes files.
"""
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTCRY = os.path.join(REPO, "target", "release", "outcry")
VENV = os.path.join(REPO, "target", "bench-venv")
MAILMERGE_VERSION = "2.2.3"
RUNS = 3

# Runs argv (with the given stdout) in a child of a fresh interpreter, and prints that
# interpreter's view of its children's peak RSS in KiB, and the wall time.
MEASURE = r"""
import resource, subprocess, sys, time, json
argv = json.loads(sys.argv[1]); out = sys.argv[2]; cwd = sys.argv[3]
with open(out, "wb") as f:
    t = time.perf_counter()
    r = subprocess.run(argv, stdout=f, stderr=subprocess.PIPE, cwd=cwd)
    wall = time.perf_counter() - t
if r.returncode != 0:
    sys.stderr.write(r.stderr.decode(errors="replace"))
    sys.exit(r.returncode)
print(json.dumps({"wall": wall, "rss_kib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

TEMPLATE = """\
TO: "Press Office of the National Security Committee (KNB)" <press@knb.kz>
FROM: "Leeds Branch" <branch@example.org>
REPLY-TO: "{{name}}" <{{email}}>
SUBJECT: Protest: stop police violence against activists in Almaty and drop the charges against Dmitry Tikhonov

Dear Sir or Madam,

I am writing to protest in the strongest terms against the violence used against
peaceful activists at the official May Day demonstration in Almaty on 1 May 2011.

I therefore call on you to act on the following demands:

{% for d in demands %}  {{loop.index}}. {{d}}
{% endfor %}
{% if note %}{{note}}

{% endif %}The world is watching how Kazakhstan treats those who speak up for workers and for people
losing their homes. I ask you to reply to this letter and to say what you will do.

Yours faithfully,

{{name}}
Leeds Branch
{{city}}, {{country}}
"""

DEMANDS = [
    "An end to police harassment and violence against opposition activists.",
    "The charges against Dmitry Tikhonov to be dropped.",
    "No charges against Ainur Kurmanov.",
    "A public enquiry into the violent attack on the peaceful protesters.",
    'An end to the attacks on the newspapers "Respublika" and "Vremya".',
    "An end to the sackings of worker activists and trade unionists who fight job and wage cuts.",
    "The nationalisation of the oil and gas sector under workers' control and management.",
    'Full freedom for "Kazakhstan 2012" to organise, including for a mass workers\' party with a socialist programme.',
]


def sh(*argv, **kw):
    subprocess.run(argv, check=True, **kw)


def setup():
    sh("cargo", "build", "--release", "--quiet", cwd=REPO)
    mailmerge = os.path.join(VENV, "bin", "mailmerge")
    if not os.path.exists(mailmerge):
        sh(sys.executable, "-m", "venv", VENV)
        sh(os.path.join(VENV, "bin", "pip"), "install", "--quiet", f"mailmerge=={MAILMERGE_VERSION}")
    return mailmerge


def members(path, n):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "email", "city", "country", "note"])
        for i in range(n):
            note = "I marched on May Day myself." if i % 10 == 0 else ""
            w.writerow([f"Member {i}", f"member{i}@example.org", "Leeds", "GB", note])


def measure(argv, cwd, out=os.devnull, runs=RUNS):
    walls, rss = [], []
    for _ in range(runs):
        drafts = os.path.join(cwd, "drafts")
        shutil.rmtree(drafts, ignore_errors=True)
        r = subprocess.run(
            [sys.executable, "-c", MEASURE, json.dumps(argv), out, cwd],
            capture_output=True, text=True,
        )
        if r.returncode != 0:
            sys.exit(f"{argv[0]} failed:\n{r.stderr}")
        m = json.loads(r.stdout)
        walls.append(m["wall"])
        rss.append(m["rss_kib"])
    return statistics.median(walls), statistics.median(rss) / 1024


def workspace(root, n):
    for f in ("contacts.toml", "outcry.toml"):
        shutil.copy(os.path.join(REPO, f), root)
    shutil.copytree(os.path.join(REPO, "letters"), os.path.join(root, "letters"))
    members(os.path.join(root, "members.csv"), n)


def outcry_argv(out):
    argv = [OUTCRY, "--sender-name", "Leeds Branch", "--sender-email", "branch@example.org",
            "compose", "mayday-2011", "--signers", "members.csv", "--to", "knb-press"]
    return argv + (["--out", "drafts"] if out == "drafts" else ["--format", "json"])


def main():
    quick = "--quick" in sys.argv
    mailmerge = setup()
    env_note = f"outcry {subprocess.run([OUTCRY, '--version'], capture_output=True, text=True).stdout.strip()}, mailmerge {MAILMERGE_VERSION}, {os.cpu_count()} cores"
    print(f"<!-- {env_note} -->")
    with tempfile.TemporaryDirectory() as root:
        n = 10_000
        workspace(root, n)
        with open(os.path.join(root, "letter.txt"), "w", encoding="utf-8") as f:
            f.write(TEMPLATE.replace("{% for d in demands %}", "{% for d in " + json.dumps(DEMANDS) + " %}"))
        with open(os.path.join(root, "mailmerge_server.conf"), "w", encoding="utf-8") as f:
            f.write("[smtp_server]\nhost = 127.0.0.1\nport = 25\nsecurity = Never\nusername = None\n")
        drafts = measure(outcry_argv("drafts"), root)
        count = len(os.listdir(os.path.join(root, "drafts")))
        review = measure(outcry_argv("json"), root)
        mm = measure([mailmerge, "--template", "letter.txt", "--database", "members.csv",
                      "--config", "mailmerge_server.conf", "--dry-run", "--no-limit",
                      "--output-format", "raw"], root)
        print(f"\n10,000 letters ({count} drafts checked on disk), median of {RUNS} runs:\n")
        print("| tool | wall time | peak memory | time vs mailmerge |")
        print("|---|---:|---:|---:|")
        print(f"| outcry, drafts to disk | {drafts[0]:.2f} s | {drafts[1]:.0f} MiB | {drafts[0] / mm[0]:.3f}× |")
        print(f"| outcry, review on stdout (JSON Lines) | {review[0]:.2f} s | {review[1]:.0f} MiB | {review[0] / mm[0]:.3f}× |")
        print(f"| mailmerge --dry-run | {mm[0]:.2f} s | {mm[1]:.0f} MiB | 1× |")
    print("\noutcry alone, drafts to disk:\n")
    print("| letters | wall time | peak memory | letters/s |")
    print("|---:|---:|---:|---:|")
    for n in ([1_000, 10_000] if quick else [1_000, 10_000, 100_000]):
        with tempfile.TemporaryDirectory() as root:
            workspace(root, n)
            wall, rss = measure(outcry_argv("drafts"), root, runs=1 if n > 10_000 else RUNS)
            print(f"| {n:,} | {wall:.2f} s | {rss:.0f} MiB | {n / wall:,.0f} |")


if __name__ == "__main__":
    main()

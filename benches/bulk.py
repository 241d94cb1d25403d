#!/usr/bin/env python3
"""Benchmark: the review of a bulk mailing on stdout, outcry against Python's mailmerge.

Usage: python3 benches/bulk.py [--runs N] [--repeat N] [--before OUTCRY]

(--before: another outcry binary, e.g. a release build of an earlier commit, timed in the
same rounds on the same review, whose output must be byte-identical to this build's.)

Builds outcry in release mode and installs mailmerge (PyPI, pinned) into a virtualenv under
target/. Generates a signers file of 2,000 members (name, email, city, an empty country, a
note on every tenth) and reviews the May Day appeal for all of them: six targets, of which
the embassy is unresolved (no country to pick it by), five letters and the coordinators'
copy of the fax for each member, 12,000 letters:

- outcry: `outcry compose mayday-2011 --signers members.csv` (the review for people) and the
  same with `--format json` (JSON Lines), stdout to /dev/null;
- mailmerge: `mailmerge --dry-run --no-limit --output-format raw` of 8,000 letters, a Jinja
  template of the same letter (headers From, To, Reply-To, Subject; the eight demands; the
  signer's name, city and note) and an 8,000-row CSV of the same columns, stdout to /dev/null;
- `outcry check` on the same workspace: outcry's start-up (loading and validating the
  workspace, today mostly compiling phone-number patterns), which every command pays.

Each tool runs once per round (each outcry job --repeat times, default 5: it takes a tenth of
a second, so one run is at the mercy of a busy neighbour), the rounds interleaved (the machine
is shared and noisy), and the medians of all runs are reported with their ratios. Prints a Markdown table for docs/benchmarks.md.
Sends nothing: mailmerge runs dry, outcry only prints.
"""
import csv
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTCRY = os.path.join(REPO, "target", "release", "outcry")
VENV = os.path.join(REPO, "target", "bench-venv")
MAILMERGE_VERSION = "2.2.3"
SIGNERS = 2_000
MAILMERGE_LETTERS = 8_000
GOAL = 30

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
            w.writerow([f"Member {i}", f"member{i}@example.org", "Leeds", "", note])


def workspace(root):
    for f in ("contacts.toml", "outcry.toml"):
        sh("cp", os.path.join(REPO, f), root)
    sh("cp", "-r", os.path.join(REPO, "letters"), root)
    members(os.path.join(root, "members.csv"), SIGNERS)
    members(os.path.join(root, "mailmerge.csv"), MAILMERGE_LETTERS)
    with open(os.path.join(root, "letter.txt"), "w", encoding="utf-8") as f:
        f.write(TEMPLATE.replace("{% for d in demands %}", "{% for d in " + json.dumps(DEMANDS) + " %}"))
    with open(os.path.join(root, "mailmerge_server.conf"), "w", encoding="utf-8") as f:
        f.write("[smtp_server]\nhost = 127.0.0.1\nport = 25\nsecurity = Never\nusername = None\n")


def timed(argv, cwd):
    """Wall and CPU (user + system) time of one run, stdout to /dev/null, and its stderr;
    the run must succeed."""
    with open(os.devnull, "wb") as null:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        r = subprocess.run(argv, stdout=null, stderr=subprocess.PIPE, cwd=cwd)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({r.returncode}):\n{r.stderr.decode(errors='replace')}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, r.stderr.decode(errors="replace")


def main():
    arg = lambda name: sys.argv[sys.argv.index(name) + 1] if name in sys.argv else None
    runs = int(arg("--runs") or 7)
    repeat = int(arg("--repeat") or 5)
    before = arg("--before")
    mailmerge = setup()
    sender = [OUTCRY, "--sender-name", "Leeds Branch", "--sender-email", "branch@example.org"]
    review = sender + ["compose", "mayday-2011", "--signers", "members.csv"]
    jobs = {
        "mailmerge": [mailmerge, "--template", "letter.txt", "--database", "mailmerge.csv",
                      "--config", "mailmerge_server.conf", "--dry-run", "--no-limit",
                      "--output-format", "raw"],
        "text": review,
        "json": review + ["--format", "json"],
        "check": sender + ["check"],
    }
    if before:
        before = os.path.abspath(before)
        jobs["text-before"] = [before] + review[1:]
        jobs["json-before"] = [before] + review[1:] + ["--format", "json"]
    version = subprocess.run([OUTCRY, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"<!-- {version}, mailmerge {MAILMERGE_VERSION}, {os.cpu_count()} cores, {runs} rounds -->")
    walls = {k: [] for k in jobs}
    cpus = {k: [] for k in jobs}
    with tempfile.TemporaryDirectory() as root:
        workspace(root)
        _, _, err = timed(jobs["json"], root)
        letters = [l for l in err.splitlines() if "letter(s)" in l]
        print(f"<!-- outcry: {letters[-1] if letters else err.strip()} -->")
        if before:
            # The two builds must review the same letters, byte for byte.
            for k in ("text", "json"):
                now = subprocess.run(jobs[k], capture_output=True, cwd=root, check=True)
                then = subprocess.run(jobs[k + "-before"], capture_output=True, cwd=root, check=True)
                if (now.stdout, now.stderr) != (then.stdout, then.stderr):
                    sys.exit(f"{k}: the output differs from --before's")
            print("<!-- the review (text and JSON Lines, stdout and stderr) is byte-identical to --before's -->")
        for _ in range(runs):
            for k, argv in jobs.items():
                for _ in range(1 if k == "mailmerge" else repeat):
                    wall, cpu, _ = timed(argv, root)
                    walls[k].append(wall)
                    cpus[k].append(cpu)
    med = {k: statistics.median(v) for k, v in walls.items()}
    cpu = {k: statistics.median(v) for k, v in cpus.items()}
    mm, check = med["mailmerge"], med["check"]
    print(f"\nMedians of {runs} interleaved rounds, outcry's jobs {repeat} times a round (wall time; CPU time is user + system):\n")
    print("| job | wall time | CPU time | mailmerge's wall time ÷ this | the same, outcry's start-up (`check`) subtracted |")
    print("|---|---:|---:|---:|---:|")
    print(f"| mailmerge `--dry-run`, {MAILMERGE_LETTERS:,} letters | {mm:.3f} s | {cpu['mailmerge']:.3f} s | 1× | |")
    rows = [("text", "outcry review for people"), ("json", "outcry review as JSON Lines (`--format json`)")]
    if before:
        rows += [("text-before", "`--before` review for people"), ("json-before", "`--before` review as JSON Lines")]
    for k, label in rows:
        t = med[k]
        print(f"| {label}, {SIGNERS * 6:,} letters | {t:.3f} s | {cpu[k]:.3f} s | {mm / t:.1f}× | {mm / max(t - check, 1e-3):.1f}× |")
    print(f"| outcry `check` (start-up) | {check:.3f} s | {cpu['check']:.3f} s | | |")
    print(f"\nGoal: {GOAL}×. Spread of wall times (min–max): " + ", ".join(
        f"{k} {min(v):.3f}–{max(v):.3f} s" for k, v in walls.items()))


if __name__ == "__main__":
    main()

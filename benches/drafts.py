#!/usr/bin/env python3
"""Benchmark: a bulk mailing's drafts written to disk, against `cp -r` of the same files.

Usage: python3 benches/drafts.py [--runs N] [--before PATH] [--quick]

Builds outcry in release mode (`cargo build --release`) and generates a signers file like
benches/bulk.py does (`name,email,city,country,note`, a note on every tenth member, all in GB).
The job is the whole May Day appeal for 2,000 signers:

    outcry compose mayday-2011 --signers members.csv --out drafts

(one file per letter: 14,000 files, about 2.4 KB each, plus outcry's list `.outcry-drafts`).
The yardstick is `cp -r` of the folder that job wrote, to a new folder beside it: the same
files, created by the fastest ordinary tool. Each repetition runs both, paired, in alternating
order, each into a folder of its own after `sync` (so one's write-back does not land in the
other's time; the folders are removed at the end, since creating files right after removing as
many is slow on ext4 in a way that varies from run to run). Reported: median wall time of each,
the median of the paired ratios, and the CPU time (user + system) from getrusage.

--before PATH adds another outcry binary (say, a build of the commit before a change) to every
repetition, and checks that it writes the same drafts: file names, bytes and modes, and the same
list in `.outcry-drafts` (as a set: a bulk mailing now lists its drafts in the order written). Every run
is dated by SOURCE_DATE_EPOCH, so the files can be compared byte for byte.

Then outcry alone at 1,000, 10,000 and 100,000 letters (143, 1,429 and 14,286 signers): wall
time and peak resident memory (getrusage of a wrapper process of its own), to show that memory
stays flat (--quick: 1,000 and 10,000 only). Also the same job run again over its own drafts
folder (each draft renamed into the existing folder). Prints Markdown for docs/benchmarks.md.
"""
import csv
import json
import os
import shutil
import statistics
import stat
import subprocess
import sys
import tempfile

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTCRY = os.path.join(REPO, "target", "release", "outcry")
SENDER = ["--sender-name", "Leeds Branch", "--sender-email", "branch@example.org"]

# Runs argv in a child of a fresh interpreter; prints the wall time, the child's peak RSS in
# KiB and its CPU time (user + system).
MEASURE = r"""
import resource, subprocess, sys, time, json
argv = json.loads(sys.argv[1]); cwd = sys.argv[2]
t = time.perf_counter()
r = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, cwd=cwd)
wall = time.perf_counter() - t
if r.returncode != 0:
    sys.stderr.write(r.stderr.decode(errors="replace"))
    sys.exit(r.returncode)
u = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "rss_kib": u.ru_maxrss, "cpu": u.ru_utime + u.ru_stime}))
"""


def sh(*argv, **kw):
    subprocess.run(argv, check=True, **kw)


def measure(argv, cwd):
    r = subprocess.run([sys.executable, "-c", MEASURE, json.dumps(argv), cwd],
                       capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"{argv[0]} failed:\n{r.stderr}")
    return json.loads(r.stdout)


def members(path, n):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["name", "email", "city", "country", "note"])
        for i in range(n):
            note = "I marched on May Day myself." if i % 10 == 0 else ""
            w.writerow([f"Member {i}", f"member{i}@example.org", "Leeds", "GB", note])


def workspace(root, signers):
    for f in ("contacts.toml", "outcry.toml"):
        shutil.copy(os.path.join(REPO, f), root)
    shutil.copytree(os.path.join(REPO, "letters"), os.path.join(root, "letters"))
    members(os.path.join(root, "members.csv"), signers)


def compose(binary, out="drafts"):
    return [binary, *SENDER, "compose", "mayday-2011", "--signers", "members.csv", "--out", out]


def fresh(root, *names):
    for n in names:
        shutil.rmtree(os.path.join(root, n), ignore_errors=True)
    sh("sync")


def tree(path):
    """Every file's name, mode and bytes; the list of drafts as a set of lines."""
    files = {}
    for name in sorted(os.listdir(path)):
        p = os.path.join(path, name)
        st = os.lstat(p)
        with open(p, "rb") as f:
            data = f.read()
        if name == ".outcry-drafts":
            data = sorted(data.splitlines())
        files[name] = (stat.filemode(st.st_mode), data)
    return stat.filemode(os.lstat(path).st_mode), files


def paired(root, runs, before):
    """Each run writes a folder of its own, all removed at the end: creating files right after
    removing as many makes ext4 hunt for inodes not recently freed, which cost cp -r and outcry
    alike several seconds of system time in some runs and none in others."""
    tools = ["outcry", "cp -r"] + (["outcry before"] if before else [])
    argv = {
        "outcry": lambda i: compose(OUTCRY, f"drafts-{i}"),
        "cp -r": lambda i: ["cp", "-r", "drafts", f"copy-{i}"],
        "outcry before": lambda i: compose(before, f"before-{i}"),
    }
    walls = {t: [] for t in tools}
    cpus = {t: [] for t in tools}
    sh(*compose(OUTCRY), cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for i in range(runs):
        for t in tools if i % 2 == 0 else reversed(tools):
            sh("sync")
            got = measure(argv[t](i), root)
            walls[t].append(got["wall"])
            cpus[t].append(got["cpu"])
    if before and tree(os.path.join(root, "drafts-0")) != tree(os.path.join(root, "before-0")):
        sys.exit("the drafts differ from those of --before")
    return walls, cpus


def main():
    args = sys.argv[1:]
    runs = int(args[args.index("--runs") + 1]) if "--runs" in args else 7
    before = os.path.abspath(args[args.index("--before") + 1]) if "--before" in args else None
    quick = "--quick" in args
    # One date for every run, so that two runs' drafts can be compared byte for byte.
    os.environ["SOURCE_DATE_EPOCH"] = "1304208000"
    sh("cargo", "build", "--release", "--quiet", cwd=REPO)
    version = subprocess.run([OUTCRY, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"<!-- {version}, {os.cpu_count()} cores, {runs} paired runs -->")
    with tempfile.TemporaryDirectory(dir=os.path.join(REPO, "target")) as root:
        workspace(root, 2_000)
        walls, cpus = paired(root, runs, before)
        count = len(os.listdir(os.path.join(root, "drafts"))) - 1
        print(f"\n2,000 signers × the May Day appeal: {count:,} drafts, median of {runs} paired runs:\n")
        print("| job | wall time | CPU (user + sys) | wall vs `cp -r` (median of pairs) |")
        print("|---|---:|---:|---:|")
        for t in walls:
            pairs = [w / c for w, c in zip(walls[t], walls["cp -r"])]
            print(f"| {t} | {statistics.median(walls[t]):.2f} s | {statistics.median(cpus[t]):.2f} s "
                  f"| {statistics.median(pairs):.2f}× |")
        if before:
            print("\n(`outcry before` wrote the same drafts: names, bytes, modes, list.)")
        again = [measure(compose(OUTCRY), root)["wall"] for _ in range(3)]
        print(f"\nThe same job again over its own drafts folder (renamed in one by one): "
              f"{statistics.median(again):.2f} s (median of 3).")
        fresh(root, *[n for n in os.listdir(root) if n.startswith(("drafts", "copy-", "before-"))])
    print("\noutcry alone, peak memory:\n")
    print("| letters | signers | wall time | peak memory |")
    print("|---:|---:|---:|---:|")
    for signers in ([143, 1_429] if quick else [143, 1_429, 14_286]):
        with tempfile.TemporaryDirectory(dir=os.path.join(REPO, "target")) as root:
            workspace(root, signers)
            m = measure(compose(OUTCRY), root)
            letters = len(os.listdir(os.path.join(root, "drafts"))) - 1
            print(f"| {letters:,} | {signers:,} | {m['wall']:.2f} s | {m['rss_kib'] / 1024:.1f} MiB |")
            fresh(root, "drafts")


if __name__ == "__main__":
    main()

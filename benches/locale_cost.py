#!/usr/bin/env python3
"""Benchmark: what the locale data (ICU4X, issue 14) costs the release binary and its start.

Usage: python3 benches/locale_cost.py [ROUNDS]      (default: 40 rounds)

Builds two release binaries (the shipped profile): the tree as it is, and HEAD's tree with
benches/locale-probe.patch applied (an env-var branch in main.rs that writes the date line in
OUTCRY_LOCALE_PROBE's language, OUTCRY_LOCALE_N times; it makes the binary carry the date code
and data even while no command calls it yet), unpacked in a temporary folder and built into
target/, sharing its built dependencies. Prints their sizes; the instructions (valgrind's callgrind, installed with
apt-get if missing: deterministic on a shared machine) of `outcry check` in each, of the first
date line in English, Russian, Kazakh, German and an unknown language, and of 1,000 more
Russian ones; then ROUNDS interleaved rounds of wall times: `outcry --version` (yardstick),
`outcry check` in both binaries, and the probe's first Russian and English date lines.
Runs in the repository root (the shipped letters/ and contacts.toml, no user config). Figures
go in docs/benchmarks.md ("Locale data (issue 14)"). Talks to no network.
"""
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TARGET = os.path.join(REPO, "target")
OUTCRY = os.path.join(TARGET, "release", "outcry")


def environment(home, extra=None):
    """The caller's environment without its OUTCRY_* settings or its own outcry config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTCRY_")}
    env.update(HOME=home, XDG_CONFIG_HOME=f"{home}/.config", XDG_DATA_HOME=f"{home}/.local/share",
               XDG_STATE_HOME=f"{home}/.local/state", NO_COLOR="1")
    env.update(extra or {})
    return env


def build_probe():
    """HEAD's tree with the probe patch, built into target/ beside the real binary. Its
    sources go outside the repository: `git apply` inside one would patch the repository's
    own files, or skip them."""
    src = tempfile.mkdtemp(prefix="outcry-locale-probe-")
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=REPO, check=True,
                             capture_output=True).stdout
    try:
        subprocess.run(["tar", "-x", "-C", src], input=archive, check=True)
        subprocess.run(["git", "apply", os.path.join(REPO, "benches", "locale-probe.patch")],
                       cwd=src, check=True)
        # A package of its own name, so that its build and the real one do not share (and
        # overwrite) one set of artifacts in target/; the library keeps its name.
        manifest = os.path.join(src, "Cargo.toml")
        text = open(manifest).read().replace('name = "outcry"', 'name = "outcry-locale-probe"', 1)
        text = text.replace("\n[dependencies]", '\n[lib]\nname = "outcry"\n\n[dependencies]', 1)
        open(manifest, "w").write(text)
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=src, check=True,
                       env={**os.environ, "CARGO_TARGET_DIR": TARGET})
    finally:
        shutil.rmtree(src, ignore_errors=True)
    probe = os.path.join(TARGET, "release", "outcry-locale-probe")
    if b"OUTCRY_LOCALE_PROBE" not in open(probe, "rb").read():
        sys.exit("the probe patch did not apply: its binary has no OUTCRY_LOCALE_PROBE")
    return probe


def instructions(args, env):
    """Instructions executed (callgrind's Ir), or None without valgrind."""
    if shutil.which("valgrind") is None:
        subprocess.run(["apt-get", "install", "-y", "-qq", "valgrind"],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if shutil.which("valgrind") is None:
        return None
    done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", *args],
                          cwd=REPO, env=env, capture_output=True, text=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    return int(found.group(1)) if found else None


def wall_ms(args, env):
    start = time.perf_counter()
    done = subprocess.run(args, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed with exit code {done.returncode}")
    return elapsed


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    probe = build_probe()
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    home = tempfile.mkdtemp(prefix="outcry-bench-locale-")
    try:
        env = environment(home)
        lang = lambda code, n=1: environment(home, {"OUTCRY_LOCALE_PROBE": code,
                                                    "OUTCRY_LOCALE_N": str(n)})
        size, size_probe = os.path.getsize(OUTCRY), os.path.getsize(probe)
        print(f"release binary: {size:,} bytes; with the date code called: {size_probe:,} bytes "
              f"({size_probe - size:+,}, {(size_probe - size) / size:+.1%})\n")
        print("| run | prints | instructions |")
        print("|---|---|---:|")
        runs = [("`outcry check`", [OUTCRY, "check"], env),
                ("`outcry check`, probe binary", [probe, "check"], env)]
        runs += [(f"first date line, `{code}`", [probe], lang(code))
                 for code in ["en", "ru", "kk", "de", "zz"]]
        runs.append(("1,001 date lines, `ru`", [probe], lang("ru", 1001)))
        for name, args, e in runs:
            shown = ""
            if "OUTCRY_LOCALE_PROBE" in e:
                shown = subprocess.run(args, cwd=REPO, env=e, capture_output=True,
                                       text=True).stdout.strip()
            ir = instructions(args, e)
            print(f"| {name} | {shown} | {ir / 1e6:.2f} M |" if ir else f"| {name} | {shown} | n/a |")
        timed = [("`outcry --version` (yardstick)", [OUTCRY, "--version"], env)] + runs[:4]
        for _, args, e in timed:  # warm the page cache
            wall_ms(args, e)
        times = [[] for _ in timed]
        for _ in range(rounds):
            for i, (_, args, e) in enumerate(timed):
                times[i].append(wall_ms(args, e))
        print(f"\n{rounds} rounds, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}\n")
        print("| command | median | p10 | p90 | median of (run - yardstick) |")
        print("|---|---:|---:|---:|---:|")
        for (name, _, _), t in zip(timed, times):
            q = statistics.quantiles(t, n=10)
            extra = statistics.median(a - b for a, b in zip(t, times[0]))
            print(f"| {name} | {statistics.median(t):.1f} ms | {q[0]:.1f} ms | {q[-1]:.1f} ms "
                  f"| {extra:+.1f} ms |")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()

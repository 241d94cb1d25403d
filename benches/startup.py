#!/usr/bin/env python3
"""Benchmark: start-up, `outcry check` on the shipped workspace against `outcry --version`.

Usage: python3 benches/startup.py [ROUNDS] [--before BINARY]      (default: 200 rounds)

Builds outcry in release mode (the shipped profile), then runs, in the repository root where
the shipped letters/ and contacts.toml are, ROUNDS rounds of three commands in turn:
`outcry --version` (the yardstick: a process that starts and exits), `outcry check`, and
`outcry check` with OUTCRY_SENDER_COUNTRY=GB (which also resolves the embassy). Each run's wall
time is taken around the process, so both sides pay the same spawn cost; the three alternate,
so a busy neighbour slows all of them alike; with --before, an older outcry binary's `check`
joins the rotation, for a before/after in one run. Prints a Markdown table of medians and of the
median of each round's difference from the yardstick, the median CPU time (user + system, less
sensitive to a busy machine than the clock), then the instructions each command
executes under valgrind's callgrind (deterministic, unlike the clock on a shared machine;
valgrind is installed with apt-get if missing). The goal (issue 12) is a median of at most
25 ms for `outcry check`. Figures go in docs/benchmarks.md. Talks to no network.
"""
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTCRY = os.path.join(REPO, "target", "release", "outcry")
GOAL_MS = 25.0


def environment(home, extra=None):
    """The caller's environment without its OUTCRY_* settings or its own outcry config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OUTCRY_")}
    env.update(HOME=home, XDG_CONFIG_HOME=f"{home}/.config", XDG_DATA_HOME=f"{home}/.local/share",
               XDG_STATE_HOME=f"{home}/.local/state", NO_COLOR="1")
    env.update(extra or {})
    return env


def cpu_s():
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_ms(args, env):
    """Wall and CPU milliseconds of one run."""
    cpu = cpu_s()
    start = time.perf_counter()
    done = subprocess.run(args, cwd=REPO, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.DEVNULL)
    elapsed = (time.perf_counter() - start) * 1000
    if done.returncode != 0:
        sys.exit(f"{' '.join(args)} failed with exit code {done.returncode}")
    return elapsed, (cpu_s() - cpu) * 1000


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


def main():
    argv = sys.argv[1:]
    before = None
    if "--before" in argv:
        at = argv.index("--before")
        before = os.path.abspath(argv[at + 1])
        del argv[at:at + 2]
    rounds = int(argv[0]) if argv else 200
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    home = tempfile.mkdtemp(prefix="outcry-bench-startup-")
    try:
        commands = [
            ("`outcry --version` (yardstick)", [OUTCRY, "--version"], environment(home)),
            ("`outcry check`", [OUTCRY, "check"], environment(home)),
            ("`outcry check`, OUTCRY_SENDER_COUNTRY=GB", [OUTCRY, "check"],
             environment(home, {"OUTCRY_SENDER_COUNTRY": "GB"})),
        ]
        if before:
            commands.append((f"`outcry check`, before ({os.path.basename(before)})",
                             [before, "check"], environment(home)))
        for _, args, env in commands:  # warm the page cache
            run_ms(args, env)
        times = [[] for _ in commands]
        cpu = [[] for _ in commands]
        for _ in range(rounds):
            for i, (_, args, env) in enumerate(commands):
                wall, used = run_ms(args, env)
                times[i].append(wall)
                cpu[i].append(used)
        base = times[0]
        print(f"{rounds} rounds, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}\n")
        print("| command | median | p10 | p90 | median of (run - yardstick) | CPU, median | instructions |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for (name, args, env), t, c in zip(commands, times, cpu):
            q = statistics.quantiles(t, n=10)
            extra = statistics.median(a - b for a, b in zip(t, base))
            ir = instructions(args, env)
            ir = f"{ir / 1e6:.1f} M" if ir else "n/a"
            print(f"| {name} | {statistics.median(t):.1f} ms | {q[0]:.1f} ms | {q[-1]:.1f} ms "
                  f"| {extra:+.1f} ms | {statistics.median(c):.1f} ms | {ir} |")
        worst = max(statistics.median(t) for t in times[1:3])
        verdict = "met" if worst <= GOAL_MS else "not met"
        print(f"\ngoal: `outcry check` median <= {GOAL_MS:.0f} ms: {worst:.1f} ms, {verdict} "
              f"({worst / GOAL_MS:.0%} of the budget)")
    finally:
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()

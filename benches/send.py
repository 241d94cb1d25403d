#!/usr/bin/env python3
"""Benchmark: `outcry send` on one connection, against Postfix's `smtp-source`, to `smtp-sink`.

Usage: python3 benches/send.py [--letters N] [--runs R] [--no-build]

Installs Postfix's test tools if they are missing (the Debian package `postfix`, without
starting its service), builds outcry in release mode, and starts Postfix's `smtp-sink` on
127.0.0.1 twice: as it comes (it offers PIPELINING) and with `-p` (it does not). Against each
sink, in turns (outcry, then the yardstick, R times, medians reported):

- outcry: a workspace with one campaign to N authorities (a letter of about 1.5 KiB, eight
  demands, one recipient each), `outcry send many --yes` with pacing off (`rate = 1000000`),
  the journal as always (a synced `sending` record before each body), on this disk;
- the yardstick: `smtp-source -d -s 1 -m N -l SIZE` (one session, one connection, N
  messages of outcry's size, one recipient each). smtp-source never pipelines.

Rates are letters per second of wall time, start-up included. The sink counts the messages it
took (its `-c` counters), so a run that lost letters fails. Then it counts the round trips per
letter: `strace` records outcry's writes on its SMTP socket (each write is one flight that waits
for the server's reply) for a small run against each sink. Prints Markdown for
docs/benchmarks.md. Talks only to 127.0.0.1.
"""
import argparse
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTCRY = os.path.join(REPO, "target", "release", "outcry")
TOOLS = "/usr/sbin"


def need_tools():
    """smtp-sink and smtp-source from Debian's postfix; strace for the round trips."""
    missing = [p for p in ("postfix",) if not os.path.exists(f"{TOOLS}/smtp-sink")]
    if not shutil.which("strace"):
        missing.append("strace")
    if not missing:
        return
    # policy-rc.d keeps the package from starting the mail service it installs.
    policy = "/usr/sbin/policy-rc.d"
    had_policy = os.path.exists(policy)
    if not had_policy:
        with open(policy, "w") as f:
            f.write("#!/bin/sh\nexit 101\n")
        os.chmod(policy, 0o755)
    try:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
        subprocess.run(["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing], check=True, env=env)
    finally:
        if not had_policy:
            os.remove(policy)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Sink:
    """Postfix's smtp-sink on 127.0.0.1; `pipelining=False` adds -p (no PIPELINING offered)."""

    def __init__(self, pipelining):
        self.port = free_port()
        self.log = tempfile.NamedTemporaryFile(prefix="smtp-sink-", suffix=".log", delete=False)
        argv = [f"{TOOLS}/smtp-sink", "-c"]
        if not pipelining:
            argv.append("-p")
        if os.geteuid() == 0:
            argv += ["-u", "nobody"]
        argv += [f"127.0.0.1:{self.port}", "256"]
        self.proc = subprocess.Popen(argv, stdout=self.log, stderr=subprocess.STDOUT)
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)

    def messages(self):
        """The messages taken so far (the last of smtp-sink's running counters)."""
        time.sleep(0.05)
        with open(self.log.name, "rb") as f:
            found = re.findall(rb"mesg=(\d+)", f.read())
        return int(found[-1]) if found else 0

    def stop(self):
        self.proc.terminate()
        self.proc.wait()
        os.unlink(self.log.name)


def workspace(n, port):
    ws = tempfile.mkdtemp(prefix="outcry-bench-", dir=os.path.join(REPO, "target"))
    os.makedirs(f"{ws}/letters/many")
    with open(f"{ws}/contacts.toml", "w") as f:
        for i in range(1, n + 1):
            f.write(f'[contacts.a{i}]\nname = "Authority {i}"\ncountry = "KZ"\nemail = "a{i}@example.org"\n\n')
    with open(f"{ws}/letters/many/campaign.toml", "w") as f:
        targets = ", ".join(f'"a{i}"' for i in range(1, n + 1))
        demands = ", ".join(f'"Demand number {i}, written out at the length of a real one."' for i in range(1, 9))
        f.write(f'title = "Bench"\nsubject = "Protest to {{{{recipient.name}}}}"\nissued = 2011-05-02\ndemands = [{demands}]\nto = [{targets}]\n')
    with open(f"{ws}/letters/many/letter.hbs", "w") as f:
        f.write("{{recipient.salutation}},\n\n" + "I write to protest. " * 40 + "\n\n{{#each demands}}\n{{number}}. {{text}}\n{{/each}}\n\n{{sender.name}}\n")
    # The writer's own settings (XDG_CONFIG_HOME points at ws/.config).
    os.makedirs(f"{ws}/.config/outcry")
    with open(f"{ws}/.config/outcry/config.toml", "w") as f:
        f.write(f'[sender]\nname = "Bench"\nemail = "bench@example.org"\ncountry = "GB"\n\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nrate = 1000000\n')
    return ws


def env_for(ws):
    return {"PATH": os.environ.get("PATH", ""), "HOME": ws, "XDG_CONFIG_HOME": f"{ws}/.config"}


def message_size(ws):
    """The size of outcry's message as a draft, headers included (what smtp-source sends as -l;
    it adds a few headers of its own)."""
    out = os.path.join(ws, "drafts")
    subprocess.run([OUTCRY, "compose", "many", "--to", "a1", "--out", out], cwd=ws, env=env_for(ws),
                   check=True, capture_output=True)
    sizes = [os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(out) for f in fs if f.endswith(".eml")]
    return sizes[0]


def timed(argv, cwd=None, env=None):
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def outcry_run(n, sink):
    ws = workspace(n, sink.port)
    before = sink.messages()
    wall = timed([OUTCRY, "send", "many", "--yes"], cwd=ws, env=env_for(ws))
    got = sink.messages() - before
    shutil.rmtree(ws)
    if got != n:
        sys.exit(f"smtp-sink took {got} messages from outcry, expected {n}")
    return wall


def source_run(n, size, sink):
    before = sink.messages()
    wall = timed([f"{TOOLS}/smtp-source", "-d", "-s", "1", "-m", str(n), "-l", str(size),
                  "-f", "bench@example.org", "-t", "a1@example.org", f"127.0.0.1:{sink.port}"])
    got = sink.messages() - before
    if got != n:
        sys.exit(f"smtp-sink took {got} messages from smtp-source, expected {n}")
    return wall


def round_trips(sink, letters=50):
    """outcry's writes on its SMTP socket per letter, from an strace of a small run: each write
    is a flight that waits for the server's reply (the connection's greeting, EHLOs and QUIT
    spread over the letters are subtracted by running 1 and `letters` letters)."""
    def writes(n):
        ws = workspace(n, sink.port)
        trace = os.path.join(ws, "strace.txt")
        subprocess.run(["strace", "-f", "-qq", "-e", "trace=connect,write,sendto,sendmsg,writev", "-o", trace,
                        OUTCRY, "send", "many", "--yes"], cwd=ws, env=env_for(ws), check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        fds, count = set(), 0
        with open(trace) as f:
            for line in f:
                m = re.search(r"connect\((\d+), \{sa_family=AF_INET, sin_port=htons\((\d+)\)", line)
                if m and int(m.group(2)) == sink.port:
                    fds.add(m.group(1))
                    continue
                m = re.search(r"(?:write|sendto|sendmsg|writev)\((\d+),", line)
                if m and m.group(1) in fds:
                    count += 1
        shutil.rmtree(ws)
        return count
    return (writes(letters) - writes(1)) / (letters - 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--letters", type=int, default=2000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-build", action="store_true")
    args = ap.parse_args()
    need_tools()
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    n = args.letters
    probe = workspace(1, 25)
    size = message_size(probe)
    shutil.rmtree(probe)
    print(f"{n:,} letters of about {size:,} bytes, one recipient each, {args.runs} runs in turns, medians.\n")
    print("| sink | outcry | letters/s | smtp-source | letters/s | outcry / smtp-source | round trips a letter |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for pipelining in (True, False):
        sink = Sink(pipelining)
        try:
            ours, theirs = [], []
            for _ in range(args.runs):
                ours.append(outcry_run(n, sink))
                theirs.append(source_run(n, size, sink))
            trips = round_trips(sink)
        finally:
            sink.stop()
        o, t = statistics.median(ours), statistics.median(theirs)
        label = "smtp-sink (PIPELINING)" if pipelining else "smtp-sink -p (no PIPELINING)"
        print(f"| {label} | {o:.2f} s | {n / o:,.0f} | {t:.2f} s | {n / t:,.0f} | {t / o:.0%} | {trips:.2f} |")


if __name__ == "__main__":
    main()

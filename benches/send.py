#!/usr/bin/env python3
"""Benchmark: `outcry send` to a local SMTP sink on one connection.

Usage: python3 benches/send.py [N ...]      (default: 1000 10000)

Builds outcry in release mode, then for each N makes a workspace with one campaign to N
authorities, starts a minimal SMTP sink on 127.0.0.1 (plain, no AUTH: what is measured is
outcry, not a server's TLS), and times `outcry send many --yes` with pacing off. Also times
`outcry compose many --format json` alone, to separate rendering from delivery. Peak memory is
the child's maximum resident set size (getrusage). Prints a Markdown table; figures go in
docs/benchmarks.md. Talks only to 127.0.0.1.
"""
import asyncio
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTCRY = os.path.join(REPO, "target", "release", "outcry")


class Sink:
    """Reads SMTP and discards messages, counting them."""

    def __init__(self):
        self.count = 0
        self.loop = asyncio.new_event_loop()
        self.server = self.loop.run_until_complete(asyncio.start_server(self.session, "127.0.0.1", 0))
        self.port = self.server.sockets[0].getsockname()[1]
        threading.Thread(target=self.loop.run_forever, daemon=True).start()

    async def session(self, reader, writer):
        writer.write(b"220 sink\r\n")
        while True:
            line = await reader.readline()
            if not line:
                break
            cmd = line[:4].upper()
            if cmd in (b"EHLO", b"HELO"):
                writer.write(b"250-sink\r\n250 8BITMIME\r\n")
            elif cmd == b"DATA":
                writer.write(b"354 go\r\n")
                await writer.drain()
                while (await reader.readline()) not in (b".\r\n", b""):
                    pass
                self.count += 1
                writer.write(b"250 ok\r\n")
            elif cmd == b"QUIT":
                writer.write(b"221 bye\r\n")
                await writer.drain()
                break
            else:
                writer.write(b"250 ok\r\n")
            await writer.drain()
        writer.close()


def workspace(n, port):
    ws = tempfile.mkdtemp(prefix="outcry-bench-")
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
    # The writer's own settings (timed() points XDG_CONFIG_HOME at ws/.config).
    os.makedirs(f"{ws}/.config/outcry")
    with open(f"{ws}/.config/outcry/config.toml", "w") as f:
        f.write(f'[sender]\nname = "Bench"\nemail = "bench@example.org"\ncountry = "GB"\n\n[smtp]\nhost = "127.0.0.1"\nport = {port}\nsecurity = "none"\nrate = 100000\n')
    return ws


# Runs a command in a fresh Python whose only child it is, so that getrusage's peak belongs to
# that command alone; prints "wall_seconds peak_kib".
MEASURE = """
import resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def timed(args, cwd):
    env = {"PATH": os.environ.get("PATH", ""), "HOME": cwd, "XDG_CONFIG_HOME": f"{cwd}/.config"}
    out = subprocess.run([sys.executable, "-c", MEASURE, *args], cwd=cwd, env=env, check=True, capture_output=True, text=True)
    wall, peak = out.stdout.split()
    return float(wall), int(peak)


def main():
    sizes = [int(a) for a in sys.argv[1:]] or [1000, 10000]
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=REPO, check=True)
    print("| letters | compose: wall | compose: peak RSS | send: wall | send: letters/s | send: peak RSS |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n in sizes:
        sink = Sink()
        ws = workspace(n, sink.port)
        c_wall, c_peak = timed([OUTCRY, "compose", "many", "--format", "json"], ws)
        s_wall, s_peak = timed([OUTCRY, "send", "many", "--yes"], ws)
        if sink.count != n:
            sys.exit(f"the sink got {sink.count} messages, expected {n}")
        mib = lambda kib: f"{kib / 1024:.1f} MiB"
        print(f"| {n:,} | {c_wall:.2f} s | {mib(c_peak)} | {s_wall:.2f} s | {n / s_wall:,.0f} | {mib(s_peak)} |")


if __name__ == "__main__":
    main()

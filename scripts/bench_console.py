#!/usr/bin/env python3
"""Console costs of the real filtop binary on a 120x40 pseudo-terminal.

Measures, with no test harness in between:
  - first frame: from starting the process to the last row of the first frame on the
    terminal (median of --runs starts on an existing data directory; a first-ever start,
    which also creates the node key and database, is reported separately);
  - idle CPU over --idle seconds (utime+stime from /proc/PID/stat), as % of one core;
  - bytes written to the terminal per second while idle;
  - resident memory of the idle console;
  - the same idle figures and resident memory with the Content view showing --rows pieces
    (a node filled by `filtop bench console --populate`), the table an operator keeps open.

Usage: scripts/bench_console.py [BINARY] [--runs 5] [--idle 30] [--rows 10000]
"""
import argparse
import fcntl
import os
import select
import shutil
import statistics
import struct
import subprocess
import tempfile
import termios
import time

FIRST_FRAME_MARK = b"q quit"  # the hint on the bottom row, the last row of a frame
DATA_MARK = b"Node ID"


def start(binary, data_dir, home, cols=120, rows=40):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "TERM": "xterm-256color",
           "LANG": "C.UTF-8", "XDG_CONFIG_HOME": home + "/config"}

    def controlling_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    t0 = time.perf_counter()
    proc = subprocess.Popen([binary, "--data-dir", data_dir], stdin=slave, stdout=slave, stderr=slave,
                            env=env, preexec_fn=controlling_terminal, close_fds=True)
    os.close(slave)
    return proc, master, t0


def read_until(master, mark, timeout=10.0):
    """Reads the terminal until `mark` appears; returns (time it appeared, bytes read)."""
    data = b""
    deadline = time.perf_counter() + timeout
    while mark not in data:
        left = deadline - time.perf_counter()
        if left <= 0:
            raise RuntimeError(f"no {mark!r} within {timeout}s; got {data[-400:]!r}")
        ready, _, _ = select.select([master], [], [], left)
        if ready:
            data += os.read(master, 65536)
    return time.perf_counter(), data


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mib(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def stop(proc, master):
    os.write(master, b":q\r")
    try:
        deadline = time.perf_counter() + 5
        while proc.poll() is None and time.perf_counter() < deadline:
            if select.select([master], [], [], 0.1)[0]:
                try:
                    os.read(master, 65536)
                except OSError:
                    break
        proc.wait(timeout=5)
    finally:
        os.close(master)


def idle(proc, master, seconds):
    """Reads the terminal for `seconds`; returns (elapsed, CPU seconds used, bytes written)."""
    cpu0, t0, written = cpu_seconds(proc.pid), time.perf_counter(), 0
    end = t0 + seconds
    while time.perf_counter() < end:
        if select.select([master], [], [], max(0, end - time.perf_counter()))[0]:
            written += len(os.read(master, 65536))
    return time.perf_counter() - t0, cpu_seconds(proc.pid) - cpu0, written


def settle(master, seconds=3):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        if select.select([master], [], [], max(0, end - time.perf_counter()))[0]:
            os.read(master, 65536)


def first_frame(binary, data_dir, home):
    proc, master, t0 = start(binary, data_dir, home)
    t, _ = read_until(master, FIRST_FRAME_MARK)
    stop(proc, master)
    return (t - t0) * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("binary", nargs="?", default="./.build/release/filtop")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--idle", type=float, default=30.0)
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args()
    root = tempfile.mkdtemp(prefix="filtop-bench-console-")
    try:
        data, home = root + "/node", root + "/home"
        os.makedirs(home)
        fresh = first_frame(args.binary, data, home)
        frames = [first_frame(args.binary, data, home) for _ in range(args.runs)]
        print(f"first frame, first-ever start (creates key + database): {fresh:.1f} ms")
        print(f"first frame, median of {args.runs}: {statistics.median(frames):.1f} ms  (all: {', '.join(f'{f:.1f}' for f in frames)})")

        proc, master, _ = start(args.binary, data, home)
        read_until(master, DATA_MARK)
        settle(master)
        elapsed, cpu, written = idle(proc, master, args.idle)
        rss = rss_mib(proc.pid)
        stop(proc, master)
        print(f"idle {elapsed:.0f} s at 120x40: CPU {100 * cpu / elapsed:.3f} % of one core, "
              f"{written / elapsed:.1f} bytes/s to the terminal ({written} bytes), RSS {rss:.1f} MiB")

        full = root + "/full"
        t0 = time.perf_counter()
        subprocess.run([args.binary, "bench", "console", "--populate", full, "--rows", str(args.rows)], check=True,
                       stdout=subprocess.DEVNULL)
        print(f"node filled with {args.rows} pieces in {time.perf_counter() - t0:.1f} s")
        proc, master, _ = start(args.binary, full, home)
        read_until(master, DATA_MARK)
        os.write(master, b"2")
        read_until(master, f"{args.rows} pieces".encode())
        settle(master)
        elapsed, cpu, written = idle(proc, master, args.idle)
        rss = rss_mib(proc.pid)
        stop(proc, master)
        print(f"Content view with {args.rows} pieces, idle {elapsed:.0f} s at 120x40: CPU {100 * cpu / elapsed:.3f} % of one core, "
              f"{written / elapsed:.1f} bytes/s to the terminal, RSS {rss:.1f} MiB")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

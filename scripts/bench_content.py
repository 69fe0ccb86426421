#!/usr/bin/env python3
"""Content benchmark: import, piece-cid and car verify of one file, next to
`openssl dgst -sha256` of the same file, measured in the same run.

Usage: bench_content.py FILTOP_BINARY [--size BYTES] [--runs N] [--memory-size BYTES]

Prints MB/s (10^6 bytes per second) for each command, its ratio to openssl's rate and
its peak RSS. Each figure is the best of N runs over a file already in the page cache.
With --memory-size, also imports a file of that size once and reports peak RSS only.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time


def measure(cmd):
    """Runs cmd, returns (seconds, peak RSS in MiB)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    err = proc.stderr.read().decode()
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"command failed: {' '.join(cmd)}\n{err}")
    return elapsed, usage.ru_maxrss / 1024


def make_file(path, size):
    with open(path, "wb") as f:
        block = os.urandom(1 << 20)
        written = 0
        while written < size:
            n = min(len(block), size - written)
            f.write(block[:n])
            # Vary each MiB so repeated-block deduplication cannot shortcut the import.
            block = block[1:] + block[:1]
            written += n


def warm(path):
    with open(path, "rb") as f:
        while f.read(1 << 24):
            pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("filtop")
    ap.add_argument("--size", type=int, default=1 << 30)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--memory-size", type=int, default=0)
    args = ap.parse_args()

    work = tempfile.mkdtemp(prefix="filtop-bench-", dir=os.environ.get("BENCH_DIR"))
    try:
        src = os.path.join(work, "payload.bin")
        make_file(src, args.size)
        warm(src)
        car = os.path.join(work, "payload.car")
        mb = args.size / 1e6

        def best(make_cmd, before=None):
            results = []
            for _ in range(args.runs):
                if before:
                    before()
                results.append(measure(make_cmd()))
            return min(r[0] for r in results), max(r[1] for r in results)

        def fresh_store():
            shutil.rmtree(os.path.join(work, "data"), ignore_errors=True)

        rows = []
        ossl, ossl_rss = best(lambda: ["openssl", "dgst", "-sha256", src])
        rows.append(("openssl dgst -sha256", ossl, ossl_rss))
        imp, imp_rss = best(lambda: [args.filtop, "import", src, "--data-dir", os.path.join(work, "data")], fresh_store)
        rows.append(("filtop import (UnixFS+CAR+CommP)", imp, imp_rss))
        pc, pc_rss = best(lambda: [args.filtop, "piece-cid", src])
        rows.append(("filtop piece-cid", pc, pc_rss))
        subprocess.run([args.filtop, "import", src, "--car", car, "--data-dir", os.path.join(work, "data")],
                       check=True, stdout=subprocess.DEVNULL)
        warm(car)
        ver, ver_rss = best(lambda: [args.filtop, "car", "verify", car])
        rows.append(("filtop car verify", ver, ver_rss))

        print(f"file: {args.size} bytes ({args.size / 2**30:.2f} GiB), best of {args.runs}, {os.cpu_count()} cores")
        print(f"{'command':36} {'seconds':>8} {'MB/s':>8} {'x openssl':>10} {'peak RSS':>10}")
        ossl_rate = mb / ossl
        for name, secs, rss in rows:
            rate = mb / secs
            print(f"{name:36} {secs:8.3f} {rate:8.0f} {rate / ossl_rate:10.2f} {rss:8.1f} MiB")

        if args.memory_size:
            os.remove(src)
            os.remove(car)
            big = os.path.join(work, "big.bin")
            make_file(big, args.memory_size)
            fresh_store()
            secs, rss = measure([args.filtop, "import", big, "--data-dir", os.path.join(work, "data")])
            print(f"import of {args.memory_size / 2**30:.2f} GiB: {secs:.2f} s, {args.memory_size / 1e6 / secs:.0f} MB/s, peak RSS {rss:.1f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes scripts/filtop.order: the functions the console runs, for the release link.

Runs the release binary under valgrind's callgrind on a 120x40 pseudo-terminal, on a node
with a few pieces, and walks the console the way an operator does (every view, help,
filter, sort, paging, a theme switch, quit). Every function that ran is listed once, in
the order callgrind first saw it; lld then lays those functions out together, so the
console's code shares a few pages instead of touching pages all over the binary.

Usage: scripts/order_file.py [BINARY]   (then `make release` links with the new order)
Needs valgrind and binutils (objcopy, nm).
"""
import fcntl
import os
import re
import select
import shutil
import struct
import subprocess
import sys
import tempfile
import termios
import time

KEYS = [b"2", b"\x1b[C", b"\x1b[C", b"r", b"j", b"G", b"g", b"/", b"baf", b"\r", b"\x1b", b"3", b"4", b"1", b"?", b"\x1b",
        b":theme dusk\r", b":theme default\r", b"\t"]


def drive(command, env, settle):
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))

    def controlling_terminal():
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen(command, stdin=slave, stdout=slave, stderr=slave, env=env, preexec_fn=controlling_terminal)
    os.close(slave)
    seen = b""

    def pump(seconds, until=None):
        nonlocal seen
        end = time.time() + seconds
        while time.time() < end and (until is None or until not in seen):
            if select.select([master], [], [], 0.2)[0]:
                try:
                    seen += os.read(master, 65536)
                except OSError:
                    return

    pump(120, b"Node ID")
    if b"Node ID" not in seen:
        raise SystemExit(f"the console did not draw under valgrind: {seen[-400:]!r}")
    for key in KEYS:
        os.write(master, key)
        pump(settle)
    os.write(master, b":q\r")
    pump(30)
    return proc.wait(timeout=60)


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "./.build/release/filtop"
    root = tempfile.mkdtemp(prefix="filtop-order-")
    try:
        traced = root + "/filtop"
        # valgrind cannot read the DWARF 5 that Swift emits; the symbol table is enough.
        subprocess.run(["objcopy", "--strip-debug", binary, traced], check=True)
        subprocess.run([traced, "bench", "console", "--populate", root + "/node", "--rows", "40"], check=True)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": root, "TERM": "xterm-256color",
               "LANG": "C.UTF-8", "XDG_CONFIG_HOME": root + "/config"}
        out = root + "/callgrind.out"
        status = drive(["valgrind", "--tool=callgrind", "--demangle=no", f"--callgrind-out-file={out}", traced,
                        "--data-dir", root + "/node"], env, settle=1.5)
        if status != 0:
            raise SystemExit(f"the traced console exited {status}")
        defined = set(subprocess.run(["nm", "--defined-only", "--format=just-symbols", traced],
                                     capture_output=True, text=True, check=True).stdout.split())
        names, order, listed = {}, [], set()
        for line in open(out):
            m = re.match(r"^c?fn=\((\d+)\)(?: (.+))?$", line.rstrip("\n"))
            if not m:
                continue
            ident, name = m.groups()
            if name:
                names[ident] = name
            name = names.get(ident)
            if name in defined and name not in listed:
                listed.add(name)
                order.append(name)
        target = os.path.join(os.path.dirname(os.path.abspath(__file__)), "filtop.order")
        with open(target, "w") as f:
            f.write("\n".join(order) + "\n")
        print(f"{len(order)} functions written to {target}")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Cross-checks filtop's content addressing against independent implementations.

Usage: python content_cross_check.py FILTOP_BINARY WORK_DIR

- aleph-cid (a kubo-compatible UnixFS hasher) must give the same root CID as
  `filtop import` for files of every shape;
- ipfs-car-decoder must read the CAR filtop wrote and reassemble the original bytes;
- multiformats must parse filtop's CIDs and Piece CIDs with the right codecs;
- a CAR written by aleph-cid must import into filtop and export back to the same bytes.
Prints one line per check and a closing 'N passed, M failed' line; exits 1 on failure.
"""

import asyncio
import json
import os
import random
import subprocess
import sys

import aleph_cid
from ipfs_car_decoder import FileByteStream, stream_bytes
from multiformats import CID

CHUNK = 262144
passed = 0
failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok    {name}")
    else:
        failed += 1
        print(f"FAIL  {name} {detail}")


def run(*args):
    out = subprocess.run(args, check=True, capture_output=True, text=True)
    return out.stdout


def aleph_root(data):
    h = aleph_cid.CidHasher.for_ipfs_v1_raw_leaves()
    h.update(data)
    return str(h.finalize())


async def car_bytes(root, path):
    out = bytearray()
    async with FileByteStream(path) as stream:
        async for chunk in stream_bytes(root, stream):
            out += chunk
    return bytes(out)


def main():
    filtop, work = sys.argv[1], sys.argv[2]
    data_dir = os.path.join(work, "data")
    rng = random.Random(2024)
    shapes = {
        "empty": b"",
        "one byte": b"x",
        "hello world": b"hello world\n",
        "exactly one chunk": rng.randbytes(CHUNK),
        "one chunk plus a byte": rng.randbytes(CHUNK + 1),
        "174 chunks": rng.randbytes(174 * CHUNK),
        "175 chunks (two levels)": rng.randbytes(175 * CHUNK),
        "tens of MiB, ragged": rng.randbytes(23 * 1024 * 1024 + 12345),
        "zeros, repeated chunks": bytes(3 * CHUNK + 7),
    }
    for number, (name, data) in enumerate(shapes.items()):
        path = os.path.join(work, "in.bin")
        # A fresh CAR path per shape: filtop refuses to replace an existing file without --force.
        car = os.path.join(work, f"out-{number}.car")
        with open(path, "wb") as f:
            f.write(data)
        report = json.loads(run(filtop, "import", path, "--json", "--car", car, "--data-dir", data_dir))
        expected = aleph_root(data)
        check(f"{name}: root CID matches aleph-cid", report["root"] == expected, f"{report['root']} != {expected}")
        check(f"{name}: CAR root header read by aleph-cid", str(aleph_cid.read_carv1_root(car)) == report["root"])
        if data:  # ipfs-car-decoder cannot read a zero-length block (it refuses empty slices)
            got = asyncio.run(car_bytes(report["root"], car))
            check(f"{name}: ipfs-car-decoder reassembles the input", got == data, f"{len(got)} vs {len(data)} bytes")
        piece = CID.decode(report["piece_cid"])
        check(f"{name}: Piece CID parses as fil-commitment-unsealed/sha2-256-trunc254-padded",
              piece.codec.name == "fil-commitment-unsealed" and piece.hashfun.name == "sha2-256-trunc254-padded")
        commp = json.loads(run(filtop, "piece-cid", car, "--json"))
        check(f"{name}: reported Piece CID is the CommP of the CAR written",
              commp["piece_cid"] == report["piece_cid"] and commp["piece_size"] == report["piece_size"]
              and commp["payload_size"] == report["car_size"] == os.path.getsize(car))
        root = CID.decode(report["root"])
        check(f"{name}: root CID round-trips through multiformats", str(root) == report["root"])

    folder = os.path.join(work, "folder")
    os.makedirs(folder, exist_ok=True)
    payload = rng.randbytes(5 * CHUNK + 99)
    with open(os.path.join(folder, "file.bin"), "wb") as f:
        f.write(payload)
    foreign = os.path.join(work, "foreign.car")
    aleph_cid.write_folder_car(folder, foreign)
    imported = json.loads(run(filtop, "car", "import", foreign, "--json", "--data-dir", data_dir))
    check("aleph-cid CAR imports with its root", imported["root"] == str(aleph_cid.hash_folder(folder)))
    out = os.path.join(work, "exported.bin")
    run(filtop, "export", aleph_root(payload), "-o", out, "--data-dir", data_dir)
    with open(out, "rb") as f:
        check("file inside the aleph-cid CAR exports to the same bytes", f.read() == payload)

    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()

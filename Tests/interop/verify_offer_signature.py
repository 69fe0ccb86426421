#!/usr/bin/env python3
"""Third-party check of a filtop offer, written from docs/PROTOCOL.md alone.

Reads the output of `filtop offer show --json FILE` on stdin, rebuilds the Merkle root
from the Piece CIDs and the 128 signed bytes from the fields, and verifies the Ed25519
signature with the `cryptography` package. Exit 0 and print "ok" only if all hold.
"""
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def commitment(piece_cid: str) -> bytes:
    # Piece CID v1 in multibase base32 ('b'): 0x01 0x81 0xe2 0x03 0x92 0x20 0x20 <32-byte commitment>.
    assert piece_cid.startswith("b"), "expected a base32 multibase CID"
    body = piece_cid[1:].upper()
    raw = base64.b32decode(body + "=" * (-len(body) % 8))
    assert raw[:7] == bytes([0x01, 0x81, 0xE2, 0x03, 0x92, 0x20, 0x20]), "not a Piece CID v1"
    return raw[7:]


def merkle_root(leaves):
    width = 1
    while width < len(leaves):
        width *= 2
    level = leaves + [bytes(32)] * (width - len(leaves))
    while len(level) > 1:
        level = [hashlib.sha256(level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)]
    return level[0]


def main() -> int:
    offer = json.load(sys.stdin)
    provider = bytes.fromhex(offer["provider_public_key"])
    leaves = [commitment(c) for c in offer["piece_cids"]]
    root = merkle_root(leaves)
    if root.hex() != offer["merkle_root"]:
        print("Merkle root mismatch", file=sys.stderr)
        return 1
    signed = (
        b"filtop/offer/v1\x00"
        + provider
        + root
        + len(leaves).to_bytes(8, "big")
        + int(offer["price_per_byte_attofil"]).to_bytes(16, "big")
        + offer["expiry"].to_bytes(8, "big")
        + offer["qos_latency_ms"].to_bytes(8, "big")
        + offer["nonce"].to_bytes(8, "big")
    )
    if hashlib.sha256(signed).hexdigest() != offer["offer_id"]:
        print("offer ID mismatch: signed bytes rebuilt differently", file=sys.stderr)
        return 1
    try:
        Ed25519PublicKey.from_public_bytes(provider).verify(bytes.fromhex(offer["signature"]), signed)
    except InvalidSignature:
        print("signature invalid", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

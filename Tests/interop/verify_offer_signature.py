#!/usr/bin/env python3
"""Third-party check of a filtop offer, written from docs/PROTOCOL.md alone.

Reads the output of `filtop offer show --json FILE` on stdin, rebuilds the Merkle root
from the Piece CIDs and the 128 signed bytes from the fields, and verifies the Ed25519
signature with the `cryptography` package. Exit 0 and print "ok" only if all hold.

OpenSSL (behind `cryptography`) accepts signatures that filtop refuses: a small-order or
non-canonically encoded public key, and a small-order R. With the identity point as the
public key, R = identity and S = 0 "verify" for every message. So, as PROTOCOL.md §1
"Verification rules" requires, the key, R and S are checked here first.
"""
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


P = 2**255 - 19
L = 2**252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
SQRT_M1 = pow(2, (P - 1) // 4, P)


def decode_point(encoded: bytes):
    """The affine point an encoding names, or None if it is non-canonical or off the curve."""
    y = int.from_bytes(encoded, "little") & (2**255 - 1)
    if y >= P:
        return None
    u, v = (y * y - 1) % P, (D * y * y + 1) % P
    x = (u * pow(v, 3, P) * pow(u * pow(v, 7, P), (P - 5) // 8, P)) % P
    if (v * x * x - u) % P != 0:
        x = (x * SQRT_M1) % P
    if (v * x * x - u) % P != 0:
        return None
    sign = encoded[31] >> 7
    if x == 0 and sign:
        return None
    if x & 1 != sign:
        x = P - x
    return x, y


def add(a, b):
    (x1, y1), (x2, y2) = a, b
    t = D * x1 * x2 * y1 * y2 % P
    return ((x1 * y2 + x2 * y1) * pow(1 + t, P - 2, P) % P, (y1 * y2 + x1 * x2) * pow(1 - t, P - 2, P) % P)


def has_small_order(point) -> bool:
    """Whether 8 * point is the identity: the point lies in the 8-element torsion group."""
    for _ in range(3):
        point = add(point, point)
    return point == (0, 1)


def protocol_rule_violation(public_key: bytes, signature: bytes):
    """Why filtop's rules refuse this key and signature before any curve equation, or None."""
    a = decode_point(public_key)
    if a is None:
        return "public key is not a canonical encoding of a curve point"
    if has_small_order(a):
        return "public key has small order"
    r = decode_point(signature[:32])
    if r is None:
        return "signature R is not a canonical encoding of a curve point"
    if has_small_order(r):
        return "signature R has small order"
    if int.from_bytes(signature[32:], "little") >= L:
        return "signature S is not below the group order L"
    return None


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
    signature = bytes.fromhex(offer["signature"])
    violation = protocol_rule_violation(provider, signature)
    if violation is not None:
        print(f"signature refused: {violation}", file=sys.stderr)
        return 1
    try:
        Ed25519PublicKey.from_public_bytes(provider).verify(signature, signed)
    except InvalidSignature:
        print("signature invalid", file=sys.stderr)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

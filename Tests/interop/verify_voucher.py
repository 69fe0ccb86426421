#!/usr/bin/env python3
"""Third-party check of a filtop payment voucher, written from docs/PROTOCOL.md alone.

Usage: verify_voucher.py PUBLIC_KEY_FILE [PAYEE_NODE_ID CREATE_NONCE] < VOUCHER_TEXT

Reads the voucher's text form (base64url without padding of its DAG-CBOR map, §9
"Voucher encoding") on stdin and the payer's public key from a `filtop-public-key-v1`
file (§1 "Key files", what `filtop keys export-public` writes). Decodes the map with the
small canonical CBOR reader below (no CBOR library), rebuilds the 94 signed bytes of
§9 "Voucher signature", applies the signature rules of §1 (shared with
verify_offer_signature.py) and verifies the Ed25519 signature with `cryptography`.
Given the payee's node ID and the account nonce of the create message, it also derives
the channel ID (§9 "Channel ID") and compares it with the voucher's.

Prints the decoded fields and the rebuilt signed bytes, then "ok"; exits 0 only if every
check holds, 1 (with the reason on stderr) otherwise.
"""
import base64
import hashlib
import os
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from verify_offer_signature import protocol_rule_violation  # noqa: E402

VOUCHER_KEYS = ["lane", "nonce", "amount", "channel", "signature", "min_settle", "time_lock_max", "time_lock_min"]


class Refused(Exception):
    pass


class CanonicalCBOR:
    """Reads the DAG-CBOR subset a voucher uses: unsigned integers, byte and text strings
    and maps with text keys; shortest integer forms, definite lengths and keys sorted by
    length then bytewise, as PROTOCOL.md's conventions require."""

    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def take(self, n: int) -> bytes:
        if self.at + n > len(self.data):
            raise Refused("CBOR ends early")
        out = self.data[self.at:self.at + n]
        self.at += n
        return out

    def head(self):
        first = self.take(1)[0]
        major, info = first >> 5, first & 0x1F
        if info < 24:
            return major, info
        if info > 27:
            raise Refused(f"CBOR additional information {info} (indefinite or reserved) is not allowed")
        width = 1 << (info - 24)
        value = int.from_bytes(self.take(width), "big")
        if value < (24 if width == 1 else 1 << (4 * width)):
            raise Refused("CBOR integer is not in its shortest form")
        return major, value

    def item(self):
        major, value = self.head()
        if major == 0:
            return value
        if major == 2:
            return self.take(value)
        if major == 3:
            return self.take(value).decode("utf-8")
        if major == 5:
            out, previous = {}, None
            for _ in range(value):
                key = self.item()
                if not isinstance(key, str):
                    raise Refused("CBOR map key is not text")
                encoded = key.encode("utf-8")
                if previous is not None and (len(previous), previous) >= (len(encoded), encoded):
                    raise Refused(f"CBOR map key '{key}' is out of canonical order or repeated")
                previous = encoded
                out[key] = self.item()
            return out
        raise Refused(f"CBOR major type {major} does not occur in a voucher")

    def document(self):
        value = self.item()
        if self.at != len(self.data):
            raise Refused("bytes follow the CBOR item")
        return value


def token_amount(encoded: bytes) -> int:
    """§2: empty for zero, else 00 ‖ big-endian magnitude without a leading zero byte."""
    if not encoded:
        return 0
    if encoded[0] != 0 or len(encoded) < 2 or encoded[1] == 0 or len(encoded) > 17:
        raise Refused("amount is not a canonical non-negative big integer")
    value = int.from_bytes(encoded[1:], "big")
    if value > 10**30:
        raise Refused("amount is above 10^30 attoFIL")
    return value


def base32_text(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").lower().rstrip("=")


def base32_bytes(text: str) -> bytes:
    return base64.b32decode(text.upper() + "=" * (-len(text) % 8))


def read_public_key(path: str) -> bytes:
    lines = open(path, encoding="utf-8").read().splitlines()
    if not lines or lines[0] != "filtop-public-key-v1":
        raise Refused(f"{path} is not a filtop-public-key-v1 file")
    fields = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
    if fields.get("algorithm") != "ed25519":
        raise Refused("the key file's algorithm is not ed25519")
    key = bytes.fromhex(fields["public-key"])
    if fields.get("node-id") != "fid" + base32_text(hashlib.sha256(key).digest()):
        raise Refused("the key file's node-id is not SHA-256 of its public key")
    return key


def check(text: str, payer: bytes, payee: str = None, create_nonce: int = None) -> dict:
    if "=" in text or "+" in text or "/" in text:
        raise Refused("the voucher text is not base64url without padding")
    voucher = CanonicalCBOR(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))).document()
    if not isinstance(voucher, dict) or list(voucher) != VOUCHER_KEYS:
        raise Refused(f"the voucher map's keys are {list(voucher) if isinstance(voucher, dict) else voucher}, not {VOUCHER_KEYS}")
    for key in VOUCHER_KEYS:
        wanted = bytes if key in ("amount", "channel", "signature") else int
        if not isinstance(voucher[key], wanted):
            raise Refused(f"voucher field {key} is not {'a byte string' if wanted is bytes else 'an unsigned integer'}")
    channel, signature = voucher["channel"], voucher["signature"]
    if len(channel) != 20 or len(signature) != 64:
        raise Refused("channel must be 20 bytes and signature 64")
    if voucher["lane"] > 2**63 - 1 or voucher["nonce"] > 2**63 - 1:
        raise Refused("lane and nonce must each be at most 2^63 - 1")
    amount = token_amount(voucher["amount"])
    signed = (
        b"filtop/voucher/v1\x00"
        + channel
        + voucher["lane"].to_bytes(8, "big")
        + voucher["nonce"].to_bytes(8, "big")
        + amount.to_bytes(16, "big")
        + voucher["time_lock_min"].to_bytes(8, "big")
        + voucher["time_lock_max"].to_bytes(8, "big")
        + voucher["min_settle"].to_bytes(8, "big")
    )
    assert len(signed) == 94
    violation = protocol_rule_violation(payer, signature)
    if violation is not None:
        raise Refused(f"signature refused: {violation}")
    try:
        Ed25519PublicKey.from_public_bytes(payer).verify(signature, signed)
    except InvalidSignature:
        raise Refused("signature invalid: not the payer's signature over the voucher's signed bytes")
    if payee is not None:
        if not payee.startswith("fid"):
            raise Refused(f"{payee} is not a node ID")
        derived = hashlib.sha256(
            b"filtop/paych/v1\x00" + payer + base32_bytes(payee[3:]) + create_nonce.to_bytes(8, "big")
        ).digest()[:20]
        if derived != channel:
            raise Refused(f"channel pch{base32_text(channel)} is not the one the payer's create message {create_nonce} to {payee} opens")
    return {
        "channel": "pch" + base32_text(channel),
        "lane": voucher["lane"],
        "nonce": voucher["nonce"],
        "amount_attofil": amount,
        "time_lock_min": voucher["time_lock_min"],
        "time_lock_max": voucher["time_lock_max"],
        "min_settle": voucher["min_settle"],
        "signed_bytes": signed.hex(),
    }


def main(argv) -> int:
    if len(argv) not in (2, 4):
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    try:
        payer = read_public_key(argv[1])
        payee, nonce = (argv[2], int(argv[3])) if len(argv) == 4 else (None, None)
        fields = check(sys.stdin.read().strip(), payer, payee, nonce)
    except (Refused, ValueError, KeyError) as error:
        print(f"voucher refused: {error}", file=sys.stderr)
        return 1
    for name, value in fields.items():
        print(f"{name} {value}")
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

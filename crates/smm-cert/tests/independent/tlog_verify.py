#!/usr/bin/env python3
"""Checks smm's transparency-log proofs and checkpoints without smm, from RFC 9162 (sections
2.1.1 to 2.1.4) and the C2SP signed-note, tlog-checkpoint and tlog-cosignature specifications.

Usage: tlog_verify.py CASES.json
CASES.json: {"log_key": "<name>+<id>+<key>", "witness_key": "...", "leaves": ["<b64>", ...],
             "cases": [{"name": ..., "type": "checkpoint" | "inclusion" | "consistency" | "root"
                        | "cosignature", ...}]}
Prints one line per case, "<name> VALID" or "<name> INVALID: <reason>". Exit 0 if it could read
every case (whatever their outcome), 2 otherwise. Needs the `cryptography` package.
"""
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


class Invalid(Exception):
    pass


def sha256(b):
    return hashlib.sha256(b).digest()


def leaf_hash(data):
    return sha256(b"\x00" + data)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def mth(leaves):
    """RFC 9162 2.1.1, straight from the definition."""
    n = len(leaves)
    if n == 0:
        return sha256(b"")
    if n == 1:
        return leaf_hash(leaves[0])
    k = 1
    while k * 2 < n:
        k *= 2
    return node_hash(mth(leaves[:k]), mth(leaves[k:]))


def verify_inclusion(leaf, index, size, proof, root):
    """RFC 9162 2.1.3.2."""
    if index >= size:
        raise Invalid("index beyond the tree")
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise Invalid("proof too long")
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Invalid("proof too short")
    if r != root:
        raise Invalid("root mismatch")


def verify_consistency(first, second, first_hash, second_hash, proof):
    """RFC 9162 2.1.4.2, with the edge cases it leaves to the caller."""
    if first > second:
        raise Invalid("first tree is larger")
    if first == second:
        if proof or first_hash != second_hash:
            raise Invalid("same size, different trees or non-empty proof")
        return
    if first == 0:
        if proof:
            raise Invalid("proof from the empty tree must be empty")
        return
    if not proof:
        raise Invalid("empty proof")
    path = list(proof)
    if first & (first - 1) == 0:
        path.insert(0, first_hash)
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise Invalid("proof too long")
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise Invalid("proof too short")
    if fr != first_hash or sr != second_hash:
        raise Invalid("root mismatch")


def parse_verifier(text):
    """C2SP signed-note verifier key: <name>+<hex key id>+<base64(type || key)>."""
    name, key_id, key = text.split("+", 2)
    raw = base64.b64decode(key, validate=True)
    if raw[0] not in (0x01, 0x04) or len(raw) != 33:
        raise Invalid("unsupported verifier key")
    if sha256(name.encode() + b"\n" + raw)[:4].hex() != key_id:
        raise Invalid("verifier key id mismatch")
    return name, raw[0], bytes.fromhex(key_id), Ed25519PublicKey.from_public_bytes(raw[1:])


def open_note(note, verifier):
    """C2SP signed-note: returns (text, cosignature time or None) if the verifier signed it."""
    name, kind, key_id, key = verifier
    cut = note.rfind("\n\n")
    if cut < 0:
        raise Invalid("no signature block")
    text, sigs = note[: cut + 1], note[cut + 2 :]
    if not sigs.endswith("\n"):
        raise Invalid("signature block must end with a newline")
    for line in sigs[:-1].split("\n"):
        if not line.startswith("\u2014 "):
            raise Invalid("malformed signature line")
        sig_name, b64 = line[2:].rsplit(" ", 1)
        raw = base64.b64decode(b64, validate=True)
        if sig_name != name or raw[:4] != key_id:
            continue
        if kind == 0x04:
            if len(raw) != 4 + 8 + 64:
                raise Invalid("bad cosignature length")
            time = int.from_bytes(raw[4:12], "big")
            message = ("cosignature/v1\ntime %d\n" % time + text).encode()
            sig = raw[12:]
        else:
            time, message, sig = None, text.encode(), raw[4:]
        try:
            key.verify(sig, message)
        except InvalidSignature:
            raise Invalid("bad signature")
        return text, time
    raise Invalid("no signature by the verifier")


def parse_checkpoint(text):
    """C2SP tlog-checkpoint: origin, decimal size, base64 root, extension lines."""
    lines = text.split("\n")
    if lines[-1] != "" or len(lines) < 4:
        raise Invalid("malformed checkpoint")
    origin, size, root = lines[0], lines[1], lines[2]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise Invalid("bad size")
    root = base64.b64decode(root, validate=True)
    if len(root) != 32:
        raise Invalid("bad root")
    return origin, int(size), root


def b64s(items):
    return [base64.b64decode(x) for x in items]


def check(case, log, witness, leaves):
    kind = case["type"]
    if kind == "root":
        if mth(leaves[: case["size"]]) != base64.b64decode(case["root"]):
            raise Invalid("root differs from MTH of the leaves")
        return
    if kind == "cosignature":
        open_note(case["note"], witness)
        return
    text, _ = open_note(case["checkpoint"], log)
    origin, size, root = parse_checkpoint(text)
    if origin != log[0]:
        raise Invalid("checkpoint of another log")
    if kind == "checkpoint":
        if mth(leaves[:size]) != root:
            raise Invalid("checkpoint root differs from the leaves")
    elif kind == "inclusion":
        data = base64.b64decode(case["entry"])
        verify_inclusion(leaf_hash(data), case["index"], size, b64s(case["proof"]), root)
    elif kind == "consistency":
        old_text, _ = open_note(case["old_checkpoint"], log)
        _, old_size, old_root = parse_checkpoint(old_text)
        verify_consistency(old_size, size, old_root, root, b64s(case["proof"]))
    else:
        raise ValueError("unknown case type " + kind)


def main():
    with open(sys.argv[1]) as f:
        data = json.load(f)
    log = parse_verifier(data["log_key"])
    witness = parse_verifier(data["witness_key"])
    leaves = b64s(data["leaves"])
    for case in data["cases"]:
        try:
            check(case, log, witness, leaves)
            print(case["name"], "VALID")
        except (Invalid, ValueError, IndexError) as e:
            print(case["name"], "INVALID:", e)


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # a case file it cannot read at all
        print("ERROR:", e)
        sys.exit(2)

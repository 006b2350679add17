#!/usr/bin/env python3
"""Verifies an smm certificate without smm, following only docs/certificates.md.

Usage: verify_certificate.py CERT.json ISSUER.pub YYYY-MM-DD [TARGET_SHA256]
Exit 0 when valid, 1 with the reason when not. Needs the `cryptography` package.
"""
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey


def fail(reason):
    print("INVALID: " + reason)
    sys.exit(1)


def pae(payload_type, body):
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def main():
    cert_path, key_path, at = sys.argv[1], sys.argv[2], sys.argv[3]
    target_digest = sys.argv[4] if len(sys.argv) > 4 else None
    with open(cert_path, "rb") as f:
        envelope = json.load(f)
    with open(key_path, "rb") as f:
        key = serialization.load_pem_public_key(f.read())
    if not isinstance(key, Ed25519PublicKey):
        fail("the issuer key is not Ed25519")
    spki = key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    keyid = hashlib.sha256(spki).hexdigest()

    if envelope.get("payloadType") != "application/vnd.in-toto+json":
        fail("payload type")
    body = base64.b64decode(envelope["payload"], validate=True)
    message = pae(envelope["payloadType"], body)
    good = False
    for s in envelope.get("signatures", []):
        if s.get("keyid") != keyid:
            continue
        try:
            key.verify(base64.b64decode(s["sig"], validate=True), message)
            good = True
        except (InvalidSignature, ValueError):
            pass
    if not good:
        fail("no valid signature by key " + keyid)

    statement = json.loads(body)
    if statement.get("_type") != "https://in-toto.io/Statement/v1":
        fail("statement type")
    if statement.get("predicateType") != "urn:smm:certificate:v1":
        fail("predicate type")
    cert = statement["predicate"]
    if cert["issuer"]["keyid"] != keyid:
        fail("the certificate names another issuer key")
    if not (cert["issued"] <= at <= cert["valid_until"]):
        fail("not valid on " + at)
    digests = {s["digest"]["sha256"] for s in statement["subject"]}
    if cert["target"]["sha256"] not in digests:
        fail("the target is not a subject")
    if target_digest is not None and cert["target"]["sha256"] != target_digest:
        fail("another target")
    print("VALID: certificate %s by %s for %s" % (cert["serial"], cert["issuer"]["name"], cert["target"]["name"]))


if __name__ == "__main__":
    main()

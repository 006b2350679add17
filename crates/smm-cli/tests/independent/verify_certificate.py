#!/usr/bin/env python3
"""Verifies an smm attestation without smm, following only docs/certificates.md.

Usage: verify_certificate.py ATTESTATION.json ISSUERS.json YYYY-MM-DD [TARGET_SHA256]
Exit 0 when valid, printing "VALID: certificate ..." or "VALID: declaration ..." (the kind
first); 1 with the reason when not. Needs the `cryptography` package.
"""
import base64
import hashlib
import json
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

PREDICATES = {
    "urn:smm:certificate:v2": "certificate",
    "urn:smm:declaration:v2": "declaration",
}


def fail(reason):
    print("INVALID: " + reason)
    sys.exit(1)


def pae(payload_type, body):
    t = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(body), body)


def published_keys(issuers):
    """Every published key by its id, with its issuer, after checking the id is the key's."""
    if issuers.get("_type") != "urn:smm:issuers:v1":
        fail("not an issuers document")
    found = {}
    for issuer in issuers["issuers"]:
        for k in issuer["keys"]:
            key = serialization.load_pem_public_key(k["public_key"].encode("ascii"))
            if not isinstance(key, Ed25519PublicKey):
                fail("key %s is not Ed25519" % k["keyid"])
            spki = key.public_bytes(
                serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            if hashlib.sha256(spki).hexdigest() != k["keyid"]:
                fail("key %s is published under another key's id" % k["keyid"])
            found[k["keyid"]] = (issuer, k, key)
    return found


def main():
    cert_path, issuers_path, at = sys.argv[1], sys.argv[2], sys.argv[3]
    target_digest = sys.argv[4] if len(sys.argv) > 4 else None
    with open(cert_path, "rb") as f:
        envelope = json.load(f)
    with open(issuers_path, "rb") as f:
        keys = published_keys(json.load(f))

    if envelope.get("payloadType") != "application/vnd.in-toto+json":
        fail("payload type")
    body = base64.b64decode(envelope["payload"], validate=True)
    message = pae(envelope["payloadType"], body)
    signer = None
    for s in envelope.get("signatures", []):
        if s.get("keyid") not in keys:
            continue
        issuer, record, key = keys[s["keyid"]]
        try:
            key.verify(base64.b64decode(s["sig"], validate=True), message)
            signer = (issuer, record)
            break
        except (InvalidSignature, ValueError):
            pass
    if signer is None:
        fail("no valid signature by a published key")
    issuer, record = signer

    statement = json.loads(body)
    if statement.get("_type") != "https://in-toto.io/Statement/v1":
        fail("statement type")
    kind = PREDICATES.get(statement.get("predicateType"))
    if kind is None:
        fail("predicate type " + str(statement.get("predicateType")))
    cert = statement["predicate"]
    if cert.get("kind") != kind:
        fail("the predicate's kind does not match its type")
    if cert["issuer"]["keyid"] != record["keyid"]:
        fail("the statement names another key")
    if cert["issuer"]["name"] != issuer["name"]:
        fail("the statement names another issuer than the key's holder")
    if kind == "certificate" and not issuer["certification_body"]:
        fail("%s is not a certification body: not a certificate" % issuer["name"])
    issued = cert["issued"]
    if issued < record["valid_from"]:
        fail("the key was not valid yet on " + issued)
    if record.get("valid_until") is not None and issued > record["valid_until"]:
        fail("the key was retired before " + issued)
    if record.get("revoked_from") is not None and issued >= record["revoked_from"]:
        fail("the key is revoked from " + record["revoked_from"])
    if not (issued <= at <= cert["valid_until"]):
        fail("not valid on " + at)
    digests = {s["digest"]["sha256"] for s in statement["subject"]}
    if cert["target"]["sha256"] not in digests:
        fail("the target is not a subject")
    if target_digest is not None and cert["target"]["sha256"] != target_digest:
        fail("another target")
    print(
        "VALID: %s %s by %s for %s"
        % (kind, cert["serial"], cert["issuer"]["name"], cert["target"]["name"])
    )


if __name__ == "__main__":
    main()

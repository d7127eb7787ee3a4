"""Interoperability of our EdDSA access tokens with PyJWT (and Python's cryptography).

Run by scripts/interop-tests.sh, which starts the services and passes everything through the
environment (INTEROP_*). Two steps, each a subcommand:

  keygen  An Ed25519 key pair made by cryptography; resource-service is given its public half.
  check   Direction 1: PyJWT verifies the access token our auth-service issued with the key
          PyJWKClient fetched from its JWKS, alg, iss, aud and typ pinned, and every published
          kid is the RFC 7638 thumbprint, computed here by hand. Direction 2: resource-service
          accepts a token PyJWT signed with the keygen key. The forgeries are made by jose
          (interop.mjs): one library making them is enough to test our verifier.

Each check prints one line, "ok" or "FAIL"; the exit status is 1 when any check failed.
"""

import base64
import hashlib
import json
import os
import sys
import time
import traceback
import urllib.error
import urllib.request
import uuid

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

NAME = "python"
failures = 0


def check(description, fn):
    """Runs one check; an exception (an assert included) is a failure with its message."""
    global failures
    try:
        fn()
    except Exception as error:  # noqa: BLE001 - every failure is reported, none stops the rest
        failures += 1
        detail = str(error) or type(error).__name__
        print(f"FAIL {NAME}: {description}: {detail}", flush=True)
        if os.environ.get("INTEROP_VERBOSE"):
            traceback.print_exc()
    else:
        print(f"ok   {NAME}: {description}", flush=True)


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.exit(f"interop.py: {name} is not set (scripts/interop-tests.sh sets it)")
    return value


def path(name):
    return os.path.join(env("INTEROP_DIR"), name)


def read_json(name):
    with open(path(name), encoding="utf-8") as f:
        return json.load(f)


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def thumbprint(jwk):
    """RFC 7638 by hand: the required members of an OKP key (crv, kty, x) in lexicographic
    order, no whitespace, SHA-256, base64url without padding."""
    canonical = '{"crv":"%s","kty":"%s","x":"%s"}' % (jwk["crv"], jwk["kty"], jwk["x"])
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


def keygen():
    key = Ed25519PrivateKey.generate()
    private = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with open(os.open(path("python-ed25519.pem"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
        f.write(private)
    public = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with open(path("python-ed25519.pub.pem"), "wb") as f:
        f.write(public)


def whoami(token):
    """resource-service's GET /whoami with the bearer token: (status, parsed JSON body or None)."""
    request = urllib.request.Request(
        env("INTEROP_RESOURCE_URL") + "/whoami", headers={"Authorization": "Bearer " + token}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def check_all():
    issuer, audience = env("INTEROP_ISSUER"), env("INTEROP_AUDIENCE")
    token = read_json("login.json")["access_token"]
    user = read_json("user.json")
    client = jwt.PyJWKClient(env("INTEROP_AUTH_URL") + "/.well-known/jwks.json", cache_keys=False)

    def ours_verifies():
        # PyJWT checks alg, iss and aud; typ is ours to check.
        header = jwt.get_unverified_header(token)
        assert header.get("typ") == "at+jwt", f"typ {header.get('typ')!r}, expected 'at+jwt'"
        claims = jwt.decode(
            token,
            client.get_signing_key_from_jwt(token),
            algorithms=["EdDSA"],
            audience=audience,
            issuer=issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub"]},
        )
        assert claims["sub"] == user["id"], f"sub {claims['sub']} is not the user {user['id']}"

    check("PyJWT verifies our token with the key PyJWKClient fetched from /.well-known/jwks.json "
          "(alg EdDSA, iss, aud, typ at+jwt pinned)", ours_verifies)

    def kids_are_thumbprints():
        keys = client.fetch_data()["keys"]
        assert keys, "the JWKS has no key"
        for key in keys:
            assert key.get("kid") == thumbprint(key), f"kid {key.get('kid')!r} != RFC 7638 {thumbprint(key)!r}"
        kid = jwt.get_unverified_header(token).get("kid")
        assert kid in [key["kid"] for key in keys], f"the token's kid {kid!r} is not published"

    check("every published kid, the token's among them, is its key's RFC 7638 thumbprint (by hand)",
          kids_are_thumbprints)

    def theirs_accepted():
        with open(path("python-ed25519.pem"), "rb") as f:
            key = serialization.load_pem_private_key(f.read(), password=None)
        raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        kid = thumbprint({"kty": "OKP", "crv": "Ed25519", "x": b64url(raw)})
        now = int(time.time())
        claims = {
            "iss": issuer, "aud": audience, "iat": now, "exp": now + 300,
            "sub": str(uuid.uuid4()), "sid": str(uuid.uuid4()), "jti": str(uuid.uuid4()),
            "username": "pyjwt_user", "email": "pyjwt_user@example.com", "name": "PyJWT User",
            "roles": ["user"],
        }
        token = jwt.encode(claims, key, algorithm="EdDSA", headers={"typ": "at+jwt", "kid": kid})
        status, body = whoami(token)
        assert status == 200, f"GET /whoami answered {status}, expected 200"
        assert body.get("user_id") == claims["sub"], f"user_id {body.get('user_id')!r}, expected {claims['sub']}"

    check("resource-service accepts a token PyJWT signed with the key it was given: 200, its user",
          theirs_accepted)


def main():
    commands = {"keygen": keygen, "check": check_all}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit("usage: interop.py keygen|check (run by scripts/interop-tests.sh)")
    commands[sys.argv[1]]()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

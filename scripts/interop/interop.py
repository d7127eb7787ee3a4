"""Interoperability of our EdDSA access tokens with PyJWT (and Python's cryptography).

Run by scripts/interop-tests.sh, which starts the services and passes everything through the
environment (INTEROP_*). Three steps, each a subcommand:

  keygen   Ed25519 key pairs made by cryptography: one that resource-service is configured with,
           and an attacker's one it never sees.
  ours     Direction 1: a token our auth-service issued, verified by PyJWT from nothing but the
           JWKS document auth-service publishes (read from a file, and fetched by PyJWKClient).
  theirs   Direction 2: tokens PyJWT signs, sent to resource-service's GET /whoami; the valid one
           must pass, the forged ones (unknown key under a known kid, HS256 keyed with the public
           key, alg "none", an embedded jwk, broken claims) must get 401.

Each check prints one line, "ok" or "FAIL"; the exit status is 1 when any check failed.
"""

import base64
import hashlib
import hmac
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


def b64url_json(value):
    return b64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def load_private(name):
    with open(path(name), "rb") as f:
        return serialization.load_pem_private_key(f.read(), password=None)


def raw_public(public_key):
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_jwk(public_key):
    return {"kty": "OKP", "crv": "Ed25519", "x": b64url(raw_public(public_key))}


def thumbprint(jwk):
    """RFC 7638 by hand: the required members of an OKP key (crv, kty, x) in lexicographic
    order, no whitespace, SHA-256, base64url without padding."""
    canonical = '{"crv":"%s","kty":"%s","x":"%s"}' % (jwk["crv"], jwk["kty"], jwk["x"])
    return b64url(hashlib.sha256(canonical.encode("utf-8")).digest())


# ---- keygen ---------------------------------------------------------------------------------


def keygen():
    for name, public_too in (("python-ed25519", True), ("python-attacker", False)):
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        with open(os.open(path(name + ".pem"), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as f:
            f.write(pem)
        if public_too:
            public = key.public_key().public_bytes(
                serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
            )
            with open(path(name + ".pub.pem"), "wb") as f:
                f.write(public)
    print(f"{NAME}: generated Ed25519 key pairs with cryptography in {env('INTEROP_DIR')}", flush=True)


# ---- direction 1: our token, PyJWT verifies -------------------------------------------------

CLAIMS = ["iss", "aud", "sub", "sid", "jti", "iat", "exp", "username", "email", "name", "roles"]


def ours():
    issuer, audience = env("INTEROP_ISSUER"), env("INTEROP_AUDIENCE")
    expiry = int(env("INTEROP_EXPIRY_SECONDS"))
    jwks = read_json("jwks.json")
    login = read_json("login.json")
    user = read_json("user.json")
    token = login["access_token"]
    with open(path("auth-kid.txt"), encoding="utf-8") as f:
        printed_kid = f.read().strip()
    header = jwt.get_unverified_header(token)
    kid = header.get("kid")

    def jwks_shape():
        keys = jwks.get("keys")
        assert isinstance(keys, list) and keys, f"no keys in {jwks}"
        for key in keys:
            assert "d" not in key, "a JWK carries the private member d"
            for member, value in (("kty", "OKP"), ("crv", "Ed25519"), ("alg", "EdDSA"), ("use", "sig")):
                assert key.get(member) == value, f"{member} is {key.get(member)!r}, expected {value!r}"
            assert len(base64.urlsafe_b64decode(key["x"] + "==")) == 32, "x is not 32 bytes"
            assert "=" not in key["x"], "x is padded"

    check("the JWKS holds only public Ed25519 signing keys (OKP, EdDSA, use sig, no d)", jwks_shape)

    def kids_are_thumbprints():
        for key in jwks["keys"]:
            assert key.get("kid") == thumbprint(key), f"kid {key.get('kid')!r} != RFC 7638 {thumbprint(key)!r}"

    check("every JWK's kid is its RFC 7638 thumbprint (computed by hand)", kids_are_thumbprints)

    def header_shape():
        expected = {"typ": "at+jwt", "alg": "EdDSA", "kid": printed_kid}
        assert header == expected, f"header {header}, expected {expected}"

    check("the token's header is exactly {typ: at+jwt, alg: EdDSA, kid: <kid gen-keypair printed>}", header_shape)

    def gen_keypair_public_key():
        with open(path("auth-public.pem"), "rb") as f:
            public = serialization.load_pem_public_key(f.read())
        jwk = public_jwk(public)
        published = [k for k in jwks["keys"] if k.get("kid") == kid]
        assert published, f"no JWK with the token's kid {kid}"
        assert published[0]["x"] == jwk["x"], "the JWKS key differs from the public key gen-keypair printed"
        assert thumbprint(jwk) == printed_kid, "gen-keypair printed a kid that is not the thumbprint"

    check("the public PEM gen-keypair printed is the JWKS key, and its kid the thumbprint", gen_keypair_public_key)

    def verify(key):
        claims = jwt.decode(
            token,
            key=key,
            algorithms=["EdDSA"],
            audience=audience,
            issuer=issuer,
            options={"require": ["exp", "iat", "iss", "aud", "sub", "jti"]},
        )
        missing = [c for c in CLAIMS if c not in claims]
        assert not missing, f"claims missing: {missing}"
        assert claims["sub"] == user["id"], f"sub {claims['sub']} is not the user {user['id']}"
        assert claims["sid"] == login["session_id"], "sid is not the login's session_id"
        for claim in ("sub", "sid", "jti"):
            uuid.UUID(claims[claim])
        assert claims["username"] == user["username"], f"username {claims['username']!r}"
        assert claims["email"] == user["email"], f"email {claims['email']!r}"
        assert claims["name"] == user["full_name"], f"name {claims['name']!r}"
        assert claims["roles"] == ["user"], f"roles {claims['roles']!r}"
        lifetime = claims["exp"] - claims["iat"]
        assert 0 < lifetime <= expiry, f"exp - iat = {lifetime}, expected 1..{expiry}"
        assert abs(claims["iat"] - time.time()) < 300, f"iat {claims['iat']} is far from now"
        return claims

    def local_jwks():
        key_set = jwt.PyJWKSet.from_dict(jwks)
        verify(key_set[kid])

    check("PyJWT verifies the token with PyJWKSet.from_dict(JWKS) (EdDSA, iss, aud, all claims)", local_jwks)

    def remote_jwks():
        client = jwt.PyJWKClient(env("INTEROP_AUTH_URL") + "/.well-known/jwks.json", cache_keys=False)
        verify(client.get_signing_key_from_jwt(token))

    check("PyJWT verifies the token with PyJWKClient(<auth-service>/.well-known/jwks.json)", remote_jwks)

    def tampered():
        head, payload, signature = token.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
        claims["roles"] = ["admin"]
        forged = ".".join([head, b64url_json(claims), signature])
        try:
            jwt.decode(forged, key=jwt.PyJWKSet.from_dict(jwks)[kid], algorithms=["EdDSA"],
                       audience=audience, issuer=issuer)
        except jwt.InvalidSignatureError:
            return
        raise AssertionError("PyJWT accepted a token whose claims were changed")

    check("PyJWT refuses the token with its claims changed (the signature covers them)", tampered)

    def wrong_audience():
        try:
            jwt.decode(token, key=jwt.PyJWKSet.from_dict(jwks)[kid], algorithms=["EdDSA"],
                       audience="someone-else", issuer=issuer)
        except jwt.InvalidAudienceError:
            return
        raise AssertionError("PyJWT accepted the token for another audience")

    check("PyJWT refuses the token for another audience", wrong_audience)

    def our_resource_with_jwks_url():
        status, body = whoami(env("INTEROP_JWKS_RESOURCE_URL"), token)
        assert status == 200, f"GET /whoami answered {status}, expected 200"
        assert body.get("user_id") == user["id"], f"user_id {body.get('user_id')!r}, expected {user['id']}"

    check("our resource-service configured with only JWKS_URL accepts the token: 200, right user_id",
          our_resource_with_jwks_url)
    check("our resource-service configured with only the foreign keys refuses it: 401",
          lambda: expect_status(env("INTEROP_RESOURCE_URL"), token, 401))

    def signed_with_a_cryptography_key():
        # The second auth-service signs with the key keygen made (given as PEM text): PyJWT
        # verifies its token with the public half, and so does resource-service, which was given
        # that public PEM.
        foreign = read_json("login-foreign-key.json")["access_token"]
        private = load_private("python-ed25519.pem")
        expected_kid = thumbprint(public_jwk(private.public_key()))
        header = jwt.get_unverified_header(foreign)
        assert header.get("kid") == expected_kid, f"kid {header.get('kid')!r}, expected {expected_kid!r}"
        claims = jwt.decode(foreign, private.public_key(), algorithms=["EdDSA"], audience=audience, issuer=issuer)
        assert claims["sub"] == user["id"], f"sub {claims['sub']}"
        status, body = whoami(env("INTEROP_RESOURCE_URL"), foreign)
        assert status == 200, f"GET /whoami answered {status}, expected 200"
        assert body.get("user_id") == user["id"], f"user_id {body.get('user_id')!r}"

    check("auth-service signing with a key cryptography made (ACCESS_TOKEN_PRIVATE_KEY as PEM text): "
          "PyJWT and resource-service verify its token with that key's public PEM", signed_with_a_cryptography_key)


# ---- direction 2: PyJWT signs, resource-service verifies ------------------------------------


def whoami(base, token):
    """GET /whoami with the bearer token: (status, parsed JSON body or None)."""
    request = urllib.request.Request(base + "/whoami", headers={"Authorization": "Bearer " + token})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, None


def expect_status(base, token, status):
    got, _ = whoami(base, token)
    assert got == status, f"GET /whoami answered {got}, expected {status}"


def fresh_claims(issuer, audience, lifetime=300):
    now = int(time.time())
    return {
        "iss": issuer,
        "aud": audience,
        "sub": str(uuid.uuid4()),
        "sid": str(uuid.uuid4()),
        "jti": str(uuid.uuid4()),
        "iat": now,
        "exp": now + lifetime,
        "username": "pyjwt_user",
        "email": "pyjwt_user@example.com",
        "name": "PyJWT User",
        "roles": ["user"],
    }


def hand_signed_hs256(header, claims, secret):
    """A JWS built without a library: PyJWT refuses an asymmetric key's PEM as an HMAC secret
    (its guard against algorithm confusion), so the attacker's token is assembled by hand."""
    signing_input = b64url_json(header) + "." + b64url_json(claims)
    mac = hmac.new(secret, signing_input.encode("ascii"), hashlib.sha256).digest()
    return signing_input + "." + b64url(mac)


def theirs():
    issuer, audience = env("INTEROP_ISSUER"), env("INTEROP_AUDIENCE")
    expiry = int(env("INTEROP_EXPIRY_SECONDS"))
    resource = env("INTEROP_RESOURCE_URL")
    key = load_private("python-ed25519.pem")
    attacker = load_private("python-attacker.pem")
    jwk = public_jwk(key.public_key())
    kid = thumbprint(jwk)
    attacker_jwk = public_jwk(attacker.public_key())
    with open(path("python-ed25519.pub.pem"), "rb") as f:
        public_pem = f.read()

    def sign(claims, signer=key, **header):
        headers = {"typ": "at+jwt", "kid": kid}
        headers.update(header)
        return jwt.encode(claims, signer, algorithm="EdDSA", headers=headers)

    def accepted():
        claims = fresh_claims(issuer, audience)
        token = sign(claims)
        assert jwt.get_unverified_header(token) == {"alg": "EdDSA", "typ": "at+jwt", "kid": kid}
        status, body = whoami(resource, token)
        assert status == 200, f"GET /whoami answered {status}, expected 200"
        assert body.get("user_id") == claims["sub"], f"user_id {body.get('user_id')!r}, expected {claims['sub']}"
        assert body.get("session_id") == claims["sid"], f"session_id {body.get('session_id')!r}"
        assert body.get("username") == claims["username"], f"username {body.get('username')!r}"

    check("resource-service accepts a token PyJWT signed (kid = hand-made RFC 7638 thumbprint): 200, right user_id", accepted)

    def unknown_key_same_kid():
        token = sign(fresh_claims(issuer, audience), signer=attacker)
        # A verifier holding the attacker's key would accept it: only the key is wrong.
        jwt.decode(token, attacker.public_key(), algorithms=["EdDSA"], audience=audience, issuer=issuer)
        expect_status(resource, token, 401)

    check("401 for a token signed with a key we were not given, under the configured kid", unknown_key_same_kid)

    def confusion(secret):
        def run():
            header = {"alg": "HS256", "typ": "at+jwt", "kid": kid}
            expect_status(resource, hand_signed_hs256(header, fresh_claims(issuer, audience), secret), 401)
        return run

    check("401 for HS256 keyed with the configured public key's PEM (algorithm confusion)", confusion(public_pem))
    check("401 for HS256 keyed with the PEM without its final newline", confusion(public_pem.rstrip(b"\n")))
    check("401 for HS256 keyed with the raw 32 public-key bytes", confusion(raw_public(key.public_key())))

    def alg_none(signature):
        def run():
            header = {"alg": "none", "typ": "at+jwt", "kid": kid}
            token = b64url_json(header) + "." + b64url_json(fresh_claims(issuer, audience)) + "." + signature
            expect_status(resource, token, 401)
        return run

    def malleable():
        # Ed25519's S plus the group order L verifies under a lax check; RFC 8032 requires S < L.
        head, payload, signature = sign(fresh_claims(issuer, audience)).split(".")
        raw = base64.urlsafe_b64decode(signature + "==")
        order = 2**252 + 27742317777372353535851937790883648493
        s_plus_l = (int.from_bytes(raw[32:], "little") + order).to_bytes(32, "little")
        expect_status(resource, ".".join([head, payload, b64url(raw[:32] + s_plus_l)]), 401)

    check("401 for a valid token whose signature was made malleable (S + L, not canonical)", malleable)

    def critical():
        expect_status(resource, sign(fresh_claims(issuer, audience), crit=["exp"]), 401)

    check('401 for a correctly signed token with a crit header (no extension is understood)', critical)
    check('401 for alg "none" with an empty signature', alg_none(""))
    valid_signature = sign(fresh_claims(issuer, audience)).split(".")[2]
    check('401 for alg "none" carrying some other token\'s valid signature', alg_none(valid_signature))

    def embedded_jwk(header_kid):
        def run():
            token = jwt.encode(
                fresh_claims(issuer, audience), attacker, algorithm="EdDSA",
                headers={"typ": "at+jwt", "kid": header_kid, "jwk": attacker_jwk},
            )
            # A verifier that trusts the embedded key would accept it.
            embedded = jwt.PyJWK(jwt.get_unverified_header(token)["jwk"], algorithm="EdDSA")
            jwt.decode(token, embedded, algorithms=["EdDSA"], audience=audience, issuer=issuer)
            expect_status(resource, token, 401)
        return run

    check("401 for an EdDSA token with a jwk header holding the attacker's key (its own kid)",
          embedded_jwk(thumbprint(attacker_jwk)))
    check("401 for an EdDSA token with a jwk header holding the attacker's key (the configured kid)",
          embedded_jwk(kid))

    # Correctly signed with the configured key, but breaking one of our claim rules.
    def broken(change, **header):
        def run():
            claims = fresh_claims(issuer, audience)
            change(claims)
            expect_status(resource, sign(claims, **header), 401)
        return run

    def expired(claims):
        claims["iat"] -= 7200
        claims["exp"] = claims["iat"] + 300

    def too_long(claims):
        claims["exp"] = claims["iat"] + expiry + 3600

    check("401 for a correctly signed token that expired an hour ago", broken(expired))
    check("401 for a correctly signed token living longer than ACCESS_TOKEN_EXPIRY", broken(too_long))
    check("401 for a correctly signed token for another audience", broken(lambda c: c.update(aud="someone-else")))
    check("401 for a correctly signed token from another issuer", broken(lambda c: c.update(iss="someone-else")))
    check("401 for a correctly signed token without the roles claim", broken(lambda c: c.pop("roles")))
    check("401 for a correctly signed token without the sid claim", broken(lambda c: c.pop("sid")))
    check('401 for a correctly signed token whose typ is "JWT", not "at+jwt"', broken(lambda c: None, typ="JWT"))

    def other_resource_refuses():
        # resource-service configured only with JWKS_URL (auth-service's keys) knows nothing of ours.
        expect_status(env("INTEROP_JWKS_RESOURCE_URL"), sign(fresh_claims(issuer, audience)), 401)

    check("401 from the resource-service that knows only auth-service's JWKS", other_resource_refuses)


def main():
    commands = {"keygen": keygen, "ours": ours, "theirs": theirs}
    if len(sys.argv) != 2 or sys.argv[1] not in commands:
        sys.exit("usage: interop.py keygen|ours|theirs (run by scripts/interop-tests.sh)")
    commands[sys.argv[1]]()
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

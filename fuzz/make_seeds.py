#!/usr/bin/env python3
"""Writes the seed corpora under corpus/<target>/. Standard library only; run from anywhere.

The token seeds are signed with the fuzz harness's own test secrets and clock (the constants at the
top of fuzz_targets/token_verify.rs): keep the two in step, or the seeds stop reaching the checks
behind the signature.
"""

import base64
import hashlib
import hmac
import json
import os
import struct
import uuid
import zlib

CURRENT_SECRET = b"fuzz-current-secret-0123456789abcdef"
PREVIOUS_SECRET = b"fuzz-previous-secret-0123456789abcdef"
NOW = 1_763_000_000
ACCESS_LIFETIME = 900
REFRESH_LIFETIME = 7 * 86_400

HERE = os.path.dirname(os.path.abspath(__file__))


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def kid(secret: bytes) -> str:
    return hashlib.sha256(secret).hexdigest()[:16]


def compact(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def sign(message: str, secret: bytes) -> str:
    return b64(hmac.new(secret, message.encode(), hashlib.sha256).digest())


def header(typ: str, secret: bytes = CURRENT_SECRET, **extra) -> str:
    return compact({"alg": "HS256", "typ": typ, "kid": kid(secret), **extra})


def access_claims(**overrides) -> str:
    claims = {
        "iss": "auth-service",
        "aud": "resource-service",
        "sub": "6f1c1d7e-2b7a-4c55-9a3e-0c6f4b2a9d10",
        "sid": "2a9e3c4b-8d1f-4e6a-b7c5-1d2e3f4a5b6c",
        "jti": "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
        "iat": NOW,
        "exp": NOW + ACCESS_LIFETIME,
        "username": "alice",
        "email": "alice@example.com",
        "name": "Alice",
        "roles": ["user"],
    }
    claims.update(overrides)
    return compact(claims)


def refresh_claims(**overrides) -> str:
    claims = {
        "iss": "auth-service",
        "aud": "auth-service",
        "sub": "6f1c1d7e-2b7a-4c55-9a3e-0c6f4b2a9d10",
        "sid": "2a9e3c4b-8d1f-4e6a-b7c5-1d2e3f4a5b6c",
        "jti": "0c1d2e3f-4a5b-4c6d-8e7f-8091a2b3c4d5",
        "iat": NOW,
        "exp": NOW + REFRESH_LIFETIME,
    }
    claims.update(overrides)
    return compact(claims)


def token(head: str, claims: str, secret: bytes = CURRENT_SECRET) -> str:
    message = f"{b64(head.encode())}.{b64(claims.encode())}"
    return f"{message}.{sign(message, secret)}"


def write(target: str, name: str, data: bytes) -> None:
    folder = os.path.join(HERE, "corpus", target)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as f:
        f.write(data)


def token_seeds() -> None:
    # The first byte picks the harness mode: '0' whole token, '1'/'5' header.payload signed
    # with the current/previous key, '3'/'7' header JSON + newline + claims JSON, signed likewise.
    access = token(header("at+jwt"), access_claims())
    write("token_verify", "raw_access", b"0" + access.encode())
    write("token_verify", "raw_refresh", b"0" + token(header("rt+jwt"), refresh_claims()).encode())
    previous = token(header("at+jwt", PREVIOUS_SECRET), access_claims(), PREVIOUS_SECRET)
    write("token_verify", "raw_previous_key", b"0" + previous.encode())
    write("token_verify", "raw_tampered", b"0" + access[:-2].encode() + b"AA")
    write("token_verify", "message_access", b"1" + access.rsplit(".", 1)[0].encode())
    plain = [
        ("json_access", "3", header("at+jwt"), access_claims()),
        ("json_refresh", "3", header("rt+jwt"), refresh_claims()),
        ("json_previous_key", "7", header("at+jwt", PREVIOUS_SECRET), access_claims()),
        ("json_expired", "3", header("at+jwt"), access_claims(iat=NOW - 2000, exp=NOW - 1100)),
        ("json_long_lived", "3", header("at+jwt"), access_claims(exp=NOW + 100_000)),
        ("json_crit", "3", header("at+jwt", crit=["exp"]), access_claims()),
        ("json_jku", "3", header("at+jwt", jku="https://attacker.invalid/k"), access_claims()),
        ("json_alg_none", "3", compact({"alg": "none", "typ": "at+jwt"}), access_claims()),
        ("json_escaped_iss", "3", header("at+jwt"),
         access_claims().replace('"auth-service"', '"auth\\u002dservice"')),
        # Shapes a derived serde parser would take but the token format forbids: a JOSE header
        # and a claims set are JSON objects, and any crit, even null, names an unknown extension.
        ("json_crit_null", "3", header("at+jwt", crit=None), access_claims()),
        ("json_header_array", "3", compact(list(json.loads(header("at+jwt")).values())),
         access_claims()),
        ("json_claims_array", "3", header("at+jwt"),
         compact(list(json.loads(access_claims()).values()))),
    ]
    for name, mode, head, claims in plain:
        write("token_verify", name, f"{mode}{head}\n{claims}".encode())


def image_seeds() -> None:
    seeds = {
        "jpeg": b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00",
        "png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06",
        "gif87a": b"GIF87a\x01\x00\x01\x00\x80\x00\x00",
        "gif89a": b"GIF89a\x01\x00\x01\x00\x80\x00\x00",
        "webp": b"RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00",
        "riff_wave": b"RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00",
        "svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
        "pdf": b"%PDF-1.7\n",
    }
    for name, data in seeds.items():
        write("upload_sniff", name, data)


def png_chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def riff_chunk(kind: bytes, data: bytes) -> bytes:
    return kind + struct.pack("<I", len(data)) + data + (b"\0" if len(data) % 2 else b"")


def jpeg_segment(marker: int, data: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(data) + 2) + data


def container_seeds() -> None:
    """Whole containers for image_prepare: each carries what stripping removes (text, a
    suggested palette, JFIF thumbnails, reserved markers, chunks inside animation frames) and
    a header the decode's price is read from. Their pixel data need not decode."""
    rows = b"".join(b"\0" + bytes([200, 30, 30, 255]) * 2 for _ in range(2))
    png = (b"\x89PNG\r\n\x1a\n"
           + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 6, 0, 0, 0))
           + png_chunk(b"tEXt", b"Comment\0secret")
           + png_chunk(b"sPLT", b"name\0" + bytes([8]) + bytes(6))
           + png_chunk(b"IDAT", zlib.compress(rows))
           + png_chunk(b"IEND", b""))
    gif = (b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff"
           b"\x21\xfe\x06secret\x00"
           b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00\x3b")
    jfif = b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x01\x01" + bytes(3)
    sof = bytes([8]) + struct.pack(">HH", 16, 16) + bytes([3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1])
    jpeg = (b"\xff\xd8" + jpeg_segment(0xE0, jfif) + jpeg_segment(0xE0, b"JFXX\0\x10thumb")
            + jpeg_segment(0xF0, b"reserved bytes") + jpeg_segment(0xFE, b"comment")
            + jpeg_segment(0xDB, bytes([0]) + bytes(range(1, 65)))
            + jpeg_segment(0xC2, sof) + b"\xff\xd9")
    frame = struct.pack("<6s", bytes(6)) + struct.pack("<6s", bytes(6)) + bytes(4)
    anmf = frame + riff_chunk(b"XMP ", b"<x>secret</x>") + riff_chunk(b"VP8L", b"\x2f" + bytes(4))
    body = (b"WEBP" + riff_chunk(b"VP8X", bytes([0x02]) + bytes(3) + bytes(6))
            + riff_chunk(b"ANIM", bytes(6)) + riff_chunk(b"ANMF", anmf))
    webp = b"RIFF" + struct.pack("<I", len(body)) + body
    for name, data in {"png": png, "gif": gif, "jpeg": jpeg, "webp": webp}.items():
        write("image_prepare", name, data)


def cursor(micros: int, ident: str) -> bytes:
    return b64(struct.pack(">q", micros) + uuid.UUID(ident).bytes).encode()


def cursor_seeds() -> None:
    seeds = {
        "recent": cursor(1_763_891_234_567_890, "6f1c1d7e-2b7a-4c55-9a3e-0c6f4b2a9d10"),
        "epoch": cursor(0, "00000000-0000-0000-0000-000000000000"),
        "before_epoch": cursor(-1, "ffffffff-ffff-ffff-ffff-ffffffffffff"),
        "padded_with_space": b"  " + cursor(1_700_000_000_000_000, "2a9e3c4b-8d1f-4e6a-b7c5-1d2e3f4a5b6c") + b"\n",
        "out_of_range": b64(bytes([0x7F] * 24)).encode(),
        "too_short": b64(bytes(23)).encode(),
    }
    for name, data in seeds.items():
        write("cursor_parse", name, data)


if __name__ == "__main__":
    token_seeds()
    image_seeds()
    container_seeds()
    cursor_seeds()

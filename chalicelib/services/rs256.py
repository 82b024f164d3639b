"""RS256 (RSASSA-PKCS1-v1_5 with SHA-256) signature checks in plain Python, for Cognito's ID
tokens: verification only, with the pool's public keys (JWKS).

Issue 14 (lean): PyJWT does RS256 through ``cryptography`` (15 MB with cffi and pycparser, a
quarter of the old package) to do one modular exponentiation with a public key. Here the
check is RFC 8017's: EMSA-PKCS1-v1_5 *encode and compare* (the expected block is built and
compared whole, in constant time; nothing is parsed out of the signature, so the
lenient-parser forgeries of PKCS#1 v1.5 have no parser to fool). PyJWT still reads the
token and checks every claim (``verifier()``).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from typing import Any

import jwt
from jwt.algorithms import Algorithm

# DER of DigestInfo for SHA-256 (RFC 8017, section 9.2, note 1), followed by the 32-byte hash
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
MIN_KEY_BITS = 2048


@dataclass(frozen=True)
class PublicKey:
    n: int      # modulus
    e: int      # public exponent
    kid: str = ""

    @property
    def size(self) -> int:
        """The modulus' length in bytes (= a signature's)."""
        return (self.n.bit_length() + 7) // 8


class BadKey(ValueError):
    """Not a usable RSA signing key."""


def _b64int(text: Any) -> int:
    if not isinstance(text, str) or not text:
        raise BadKey("missing key number")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError) as exc:
        raise BadKey("key number is not base64url") from exc
    return int.from_bytes(raw, "big")


def key_from_jwk(jwk: Any) -> PublicKey:
    """An RSA public key from its JWK (``kty`` RSA, ``n``, ``e``); BadKey otherwise."""
    if not isinstance(jwk, dict) or jwk.get("kty") != "RSA":
        raise BadKey("not an RSA key")
    if jwk.get("alg", "RS256") != "RS256" or jwk.get("use", "sig") != "sig":
        raise BadKey("not an RS256 signing key")
    key = PublicKey(n=_b64int(jwk.get("n")), e=_b64int(jwk.get("e")), kid=str(jwk.get("kid", "")))
    if key.n.bit_length() < MIN_KEY_BITS:
        raise BadKey("key too short")
    if key.e < 3 or key.e % 2 == 0 or key.e >= key.n:
        raise BadKey("bad public exponent")
    return key


def keys_from_jwks(document: Any) -> dict[str, PublicKey]:
    """kid -> key, for the RS256 signing keys of a JWKS document (others are left out)."""
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise BadKey("not a JWKS document")
    keys = {}
    for jwk in document["keys"]:
        try:
            key = key_from_jwk(jwk)
        except BadKey:
            continue
        keys[key.kid] = key
    return keys


def verify(key: PublicKey, message: bytes, signature: bytes) -> bool:
    """True when ``signature`` is ``key``'s RS256 signature of ``message``."""
    k = key.size
    if len(signature) != k:
        return False
    s = int.from_bytes(signature, "big")
    if s >= key.n:
        return False
    block = pow(s, key.e, key.n).to_bytes(k, "big")
    digest = SHA256_DIGEST_INFO + hashlib.sha256(message).digest()
    expected = b"\x00\x01" + b"\xff" * (k - len(digest) - 3) + b"\x00" + digest
    return hmac.compare_digest(block, expected)


class RS256(Algorithm):
    """PyJWT's interface over ``verify``: checks signatures, never makes one."""
    hash_alg = hashlib.sha256

    def prepare_key(self, key: Any) -> PublicKey:
        if not isinstance(key, PublicKey):
            raise jwt.InvalidKeyError("expected an RSA public key from the pool's JWKS")
        return key

    def sign(self, msg: bytes, key: Any) -> bytes:
        raise NotImplementedError("verification only")

    def verify(self, msg: bytes, key: Any, sig: bytes) -> bool:
        return verify(key, msg, sig)

    @staticmethod
    def to_jwk(key_obj: Any, as_dict: bool = False) -> Any:
        raise NotImplementedError("verification only")

    @staticmethod
    def from_jwk(jwk: Any) -> PublicKey:
        try:
            return key_from_jwk(jwk)
        except BadKey as exc:
            raise jwt.InvalidKeyError(str(exc)) from exc


class _Verifier(jwt.PyJWT):
    """PyJWT (header, payload, every claim check) with RS256 from this module and no other
    algorithm: whether or not ``cryptography`` is installed, nothing else is accepted."""

    def __init__(self) -> None:
        super().__init__()
        jws = jwt.PyJWS(algorithms=[])
        jws.register_algorithm("RS256", RS256())
        self._jws = jws      # PyJWT 2.x keeps its signature layer here (pinned: 2.15.1)


_verifier = _Verifier()


def verifier() -> jwt.PyJWT:
    """``verifier().decode(token, key=PublicKey, algorithms=["RS256"], ...)``."""
    return _verifier

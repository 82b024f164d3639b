"""Issue 14 (lean): RS256 checked in plain Python (the package carries no ``cryptography``).
The tokens are made with ``cryptography`` (a test dependency only), as Cognito makes them."""
from __future__ import annotations

import base64
import time

import jwt
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from chalicelib.services import rs256

ISSUER = "https://cognito-idp.ap-east-1.amazonaws.com/pool"


def _b64(number: int) -> str:
    raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def private_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwk(private_key, kid="k1", **extra):
    numbers = private_key.public_key().public_numbers()
    return {"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
            "n": _b64(numbers.n), "e": _b64(numbers.e), **extra}


def _token(private_key, **claims):
    body = {"iss": ISSUER, "aud": "client", "token_use": "id", "exp": int(time.time()) + 600,
            "sub": "u1", **claims}
    return jwt.encode(body, private_key, algorithm="RS256", headers={"kid": "k1"})


def _decode(token, key):
    return rs256.verifier().decode(token, key=key, algorithms=["RS256"], audience="client",
                                   issuer=ISSUER, options={"require": ["exp", "iss", "aud"]})


def test_a_token_signed_with_the_pools_key_is_accepted_with_its_claims(private_key):
    keys = rs256.keys_from_jwks({"keys": [_jwk(private_key)]})
    assert _decode(_token(private_key, name="张顾问"), keys["k1"])["name"] == "张顾问"


def test_a_signature_matches_only_its_message_and_its_key(private_key):
    key = rs256.key_from_jwk(_jwk(private_key))
    other = rs256.key_from_jwk(_jwk(rsa.generate_private_key(public_exponent=65537, key_size=2048)))
    signature = private_key.sign(b"message", padding.PKCS1v15(), hashes.SHA256())
    assert rs256.verify(key, b"message", signature)
    assert not rs256.verify(key, b"messagf", signature)
    assert not rs256.verify(other, b"message", signature)
    assert not rs256.verify(key, b"message", signature[:-1])            # wrong length
    assert not rs256.verify(key, b"message", b"\xff" * key.size)        # not below the modulus
    assert not rs256.verify(key, b"message", b"\x00" * key.size)
    sha1 = private_key.sign(b"message", padding.PKCS1v15(), hashes.SHA1())
    assert not rs256.verify(key, b"message", sha1)                      # another digest


def test_forged_altered_expired_or_foreign_tokens_are_refused(private_key):
    key = rs256.key_from_jwk(_jwk(private_key))
    token = _token(private_key)
    head, payload, signature = token.split(".")
    altered = jwt.utils.base64url_encode(jwt.utils.base64url_decode(payload).replace(b"u1", b"u2"))
    for bad, error in [
            (f"{head}.{altered.decode()}.{signature}", jwt.InvalidSignatureError),
            (_token(private_key, exp=int(time.time()) - 1), jwt.ExpiredSignatureError),
            (_token(private_key, aud="another"), jwt.InvalidAudienceError),
            (_token(private_key, iss="https://evil"), jwt.InvalidIssuerError),
            (jwt.encode({"iss": ISSUER, "aud": "client", "exp": int(time.time()) + 60}, "s" * 32,
                        algorithm="HS256"), jwt.InvalidAlgorithmError),
            (jwt.encode({"iss": ISSUER, "aud": "client", "exp": int(time.time()) + 60}, None,
                        algorithm="none"), jwt.InvalidAlgorithmError)]:
        with pytest.raises(error):
            _decode(bad, key)
    with pytest.raises(jwt.InvalidKeyError):          # a key that is not one of the pool's
        _decode(token, "secret")


def test_only_rsa_signing_keys_of_2048_bits_or_more_are_taken(private_key):
    short = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    document = {"keys": [_jwk(private_key, kid="good"), _jwk(short, kid="short"),
                         _jwk(private_key, kid="enc", use="enc"),
                         _jwk(private_key, kid="ps", alg="PS256"),
                         {"kty": "EC", "kid": "ec", "crv": "P-256", "x": "AA", "y": "AA"},
                         {"kty": "RSA", "kid": "broken", "n": "!!", "e": "AQAB"}]}
    assert set(rs256.keys_from_jwks(document)) == {"good"}
    with pytest.raises(rs256.BadKey):
        rs256.keys_from_jwks({"no": "keys"})

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lzstring import LZString

from ejamkesda.bpjs.crypto import decrypt_response, encrypt_response, signature


def test_signature_matches_the_bpjs_formula():
    expected = base64.b64encode(hmac.new(b"s3cret", b"1000&1700000000", hashlib.sha256).digest()).decode()
    assert signature("1000", "s3cret", "1700000000") == expected


def test_decrypt_known_vector_built_independently():
    from cryptography.hazmat.primitives import padding
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    cons, secret, ts = "1000", "s3cret", "1700000000"
    key = hashlib.sha256(f"{cons}{secret}{ts}".encode()).digest()
    plain = LZString.compressToEncodedURIComponent('{"peserta":{"nama":"SITI"}}').encode()
    padder = padding.PKCS7(128).padder()
    enc = Cipher(algorithms.AES(key), modes.CBC(key[:16])).encryptor()
    blob = base64.b64encode(enc.update(padder.update(plain) + padder.finalize()) + enc.finalize()).decode()
    assert decrypt_response(blob, cons_id=cons, secret=secret, timestamp=ts) == '{"peserta":{"nama":"SITI"}}'


def test_wrong_timestamp_cannot_decrypt():
    blob = encrypt_response('{"a": 1}', cons_id="1", secret="s", timestamp="1")
    with pytest.raises(ValueError):
        decrypt_response(blob, cons_id="1", secret="s", timestamp="2")


@pytest.mark.parametrize("junk", ["", "not base64!", base64.b64encode(b"short").decode()])
def test_garbage_is_a_value_error(junk):
    with pytest.raises(ValueError):
        decrypt_response(junk, cons_id="1", secret="s", timestamp="1")


@settings(max_examples=60, deadline=None)
# LZ-string works on UTF-16 code units (as in JavaScript); BPJS answers are JSON text in the BMP.
@given(
    text=st.text(st.characters(max_codepoint=0xFFFF, exclude_categories=["Cs"]), min_size=1, max_size=400),
    cons=st.text("0123456789", min_size=1, max_size=8),
    secret=st.text(min_size=1, max_size=20),
    ts=st.integers(0, 2**31).map(str),
)
def test_round_trip(text, cons, secret, ts):
    blob = encrypt_response(text, cons_id=cons, secret=secret, timestamp=ts)
    assert decrypt_response(blob, cons_id=cons, secret=secret, timestamp=ts) == text

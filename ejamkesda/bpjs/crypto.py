"""BPJS Kesehatan web-service security: request signature and response decryption.

Signature: X-signature = base64(HMAC-SHA256(secret, f"{cons_id}&{timestamp}")), timestamp in
seconds since 1970-01-01 UTC. Responses: AES-256-CBC with key = SHA-256(cons_id + secret +
timestamp), IV = the first 16 bytes of that key, then LZ-string
``decompressFromEncodedURIComponent``. ``encrypt_response`` is the inverse (fake server).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from lzstring import LZString


def signature(cons_id: str, secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), f"{cons_id}&{timestamp}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _key_iv(cons_id: str, secret: str, timestamp: str) -> tuple[bytes, bytes]:
    key = hashlib.sha256(f"{cons_id}{secret}{timestamp}".encode()).digest()
    return key, key[:16]


def decrypt_response(payload: str, *, cons_id: str, secret: str, timestamp: str) -> str:
    """Encrypted ``response`` string → the JSON text it carries. Raises ValueError if it is not."""
    key, iv = _key_iv(cons_id, secret, timestamp)
    try:
        data = base64.b64decode(payload, validate=True)
        decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
        padded = decryptor.update(data) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        compressed = (unpadder.update(padded) + unpadder.finalize()).decode("utf-8")
    except Exception as exc:  # binascii, padding, unicode errors
        raise ValueError("jawaban BPJS tidak dapat didekripsi") from exc
    text = LZString.decompressFromEncodedURIComponent(compressed)
    if not text:
        raise ValueError("jawaban BPJS tidak dapat didekompresi")
    return text


def encrypt_response(text: str, *, cons_id: str, secret: str, timestamp: str) -> str:
    key, iv = _key_iv(cons_id, secret, timestamp)
    compressed = LZString.compressToEncodedURIComponent(text).encode("utf-8")
    padder = padding.PKCS7(128).padder()
    padded = padder.update(compressed) + padder.finalize()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(encryptor.update(padded) + encryptor.finalize()).decode()

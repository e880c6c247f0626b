"""Sensitive personal fields encrypted at rest (Fernet: AES-128-CBC + HMAC-SHA256).

Keys come from `PARVIS_FIELD_ENCRYPTION_KEYS` (comma-separated Fernet keys, the first encrypts, all
decrypt: rotation without downtime); without it, one key is derived from SECRET_KEY. Keys are the
same for every collectivity so that an export restored under another name still decrypts.
"""

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

PREFIX = "fernet:"


@functools.cache
def _fernet() -> MultiFernet:
    keys = [k.strip() for k in getattr(settings, "PARVIS_FIELD_ENCRYPTION_KEYS", []) if k.strip()]
    if not keys:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"parvis-field-encryption",
                       info=b"fields").derive(settings.SECRET_KEY.encode())
        keys = [base64.urlsafe_b64encode(derived).decode()]
    return MultiFernet([Fernet(k) for k in keys])


def encrypt(value: str) -> str:
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value.startswith(PREFIX):
        return value  # written before encryption was introduced
    try:
        return _fernet().decrypt(value[len(PREFIX):].encode()).decode()
    except InvalidToken:
        raise ValueError("an encrypted field cannot be decrypted with the configured keys") from None


class EncryptedTextField(models.TextField):
    """Text stored encrypted; read back in clear. Not searchable nor sortable, by design."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value in (None, ""):
            return value
        return encrypt(str(value))

    def from_db_value(self, value, expression, connection):
        if value in (None, ""):
            return value
        return decrypt(value)

"""RevRing keys at rest: encrypted with Fernet (the `cryptography` library), never kept or shown in plain text.

ENCRYPTION_KEY holds one or more Fernet keys, comma-separated: the first encrypts new values, every one of them
decrypts, so keys can be rotated (put the new key first, keep the old after it until every value was re-saved).
"""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


class KeyVault:
    def __init__(self, encryption_key: str) -> None:
        self._fernet = MultiFernet([Fernet(part.strip().encode()) for part in encryption_key.split(",")])

    @classmethod
    def derived(cls, secret: str, purpose: str) -> KeyVault:
        """A vault whose one key is derived from `secret` (HKDF-SHA256, `purpose` as its info): for a value that must
        outlive a restart where no ENCRYPTION_KEY is set, sealed with what every instance already holds."""
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose.encode()).derive(secret.encode())
        return cls(base64.urlsafe_b64encode(key).decode())

    def encrypt(self, secret: str) -> str:
        return self._fernet.encrypt(secret.encode()).decode()

    def decrypt(self, ciphertext: str) -> str | None:
        """The secret; None when none of ENCRYPTION_KEY's keys opens it (a key was dropped from the list)."""
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken:
            return None


def masked(secret: str) -> str:
    """What may be shown of a key: its last four characters."""
    return f"••••{secret[-4:]}" if len(secret) > 8 else "••••"

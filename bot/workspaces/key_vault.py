"""RevRing keys at rest: encrypted with Fernet (the `cryptography` library), never kept or shown in plain text.

ENCRYPTION_KEY holds one or more Fernet keys, comma-separated: the first encrypts new values, every one of them
decrypts, so keys can be rotated (put the new key first, keep the old after it until every value was re-saved).
"""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class KeyVault:
    def __init__(self, encryption_key: str) -> None:
        self._fernet = MultiFernet([Fernet(part.strip().encode()) for part in encryption_key.split(",")])

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

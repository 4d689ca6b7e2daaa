"""Tokens encrypted at rest with `cryptography`'s MultiFernet.

KYC_ENCRYPTION_KEYS is a comma-separated list of Fernet keys: the first encrypts, every one
decrypts. To rotate: put a new key first, keep the old ones after it, restart, run
`kyc keys rotate` (every stored token is encrypted again with the first key), then drop the old
keys. `kyc keys new` prints a fresh key."""

from __future__ import annotations

from collections.abc import Callable

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class CipherError(Exception):
    """A key is malformed, or a stored token was encrypted with a key no longer given."""


class TokenCipher:
    def __init__(self, keys: list[str]) -> None:
        if not keys:
            raise CipherError("KYC_ENCRYPTION_KEYS: no key given (`kyc keys new` makes one)")
        fernets = []
        for n, key in enumerate(keys, start=1):
            try:
                fernets.append(Fernet(key.strip().encode()))
            except (ValueError, TypeError):
                raise CipherError(
                    f"KYC_ENCRYPTION_KEYS: key {n} is not a Fernet key (32 url-safe base64 "
                    "bytes; `kyc keys new` makes one)"
                ) from None
        self._fernet = MultiFernet(fernets)

    @classmethod
    def from_setting(cls, value: str) -> TokenCipher:
        return cls([k for k in value.split(",") if k.strip()])

    @staticmethod
    def new_key() -> str:
        return Fernet.generate_key().decode()

    def encrypt(self, token: str) -> str:
        return self._fernet.encrypt(token.encode()).decode()

    def decrypt(self, stored: str) -> str:
        return self._undo(self._fernet.decrypt, stored)

    def rotate(self, stored: str) -> str:
        """The same token, encrypted again with the first key."""
        return self._undo(self._fernet.rotate, stored)

    @staticmethod
    def _undo(step: Callable[[bytes], bytes], stored: str) -> str:
        try:
            return step(stored.encode()).decode()
        except InvalidToken:
            raise CipherError(
                "a stored token cannot be decrypted with KYC_ENCRYPTION_KEYS: was a key "
                "removed before `kyc keys rotate`?"
            ) from None

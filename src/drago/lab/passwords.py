"""Password hashing for team mode: argon2id with a random salt per hash (argon2-cffi).

Follows the OWASP Password Storage Cheat Sheet: argon2id, RFC 9106's second recommended
parameter set (t=3, m=64 MiB, p=4, argon2-cffi's default), a 16-byte random salt per hash kept
inside the PHC string, hashes upgraded on login when the parameters change. Logins that do not
exist are verified against a dummy hash, so they cost the same work as a wrong password.

`$DRAGO_PASSWORD_HASH=cheapest` selects argon2-cffi's `CHEAPEST` profile (still argon2id, with
its own salt): for test suites only, never for a real server.

References
----------
OWASP Password Storage Cheat Sheet,
https://cheatsheetseries.owasp.org/cheatsheets/Password_Storage_Cheat_Sheet.html
Biryukov A. et al. (2021) RFC 9106: Argon2 Memory-Hard Function for Password Hashing.
"""

from __future__ import annotations

import functools
import hashlib
import os
import secrets

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

from drago.errors import UsageError

#: Shortest and longest password accepted (NIST SP 800-63B: at least 8; a cap keeps one
#: login request from costing arbitrary hashing time).
MIN_PASSWORD, MAX_PASSWORD = 8, 1024
#: Prefix of API and session tokens, so a leaked one is recognisable in logs and scanners.
TOKEN_PREFIX = "drg_"


@functools.cache
def hasher() -> PasswordHasher:
    """The hasher of this process (see the module docstring for the test profile)."""
    if os.environ.get("DRAGO_PASSWORD_HASH") == "cheapest":
        return PasswordHasher.from_parameters(profiles.CHEAPEST)
    return PasswordHasher.from_parameters(profiles.RFC_9106_LOW_MEMORY)


@functools.cache
def dummy_hash() -> str:
    """A hash of a random password, verified when a login does not exist."""
    return hasher().hash(secrets.token_urlsafe(16))


def check_password(password: str) -> str:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise UsageError(
            f"a password needs {MIN_PASSWORD} to {MAX_PASSWORD} characters, not {len(password)}"
        )
    return password


def hash_password(password: str) -> str:
    """The argon2id PHC string of `password` (a fresh random salt each time)."""
    return hasher().hash(check_password(password))


def verify(password_hash: str, password: str) -> bool:
    """True when `password` matches; False for a mismatch or a damaged hash."""
    if len(password) > MAX_PASSWORD:
        password = password[:MAX_PASSWORD]  # still hash, so a long guess costs the same
    try:
        return hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return hasher().check_needs_rehash(password_hash)


def new_token() -> str:
    """A random bearer token (256 bits from the OS CSPRNG)."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def token_digest(token: str) -> str:
    """What the store keeps of a token: its SHA-256 (tokens are random, so a fast hash is
    enough; OWASP Session Management Cheat Sheet)."""
    return hashlib.sha256(token.encode()).hexdigest()

"""How a staff account's password is hashed: Argon2id at the configured cost.

It lives beside the account, not in ``auth``, so that creating an account (people) does not import the
login machinery (auth), which itself rests on people's models."""

from argon2 import PasswordHasher
from flask import current_app


def hasher() -> PasswordHasher:
    """The Argon2id hasher with the cost in the app's configuration."""
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"],
                          parallelism=cfg["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    """Argon2id hash with the configured cost."""
    return hasher().hash(password)

"""How a staff account's password is hashed (Argon2id at the configured cost) and what a new one must be.

It lives beside the account, not in ``auth``, so that creating an account (people) does not import the
login machinery (auth), which itself rests on people's models."""

from argon2 import PasswordHasher
from flask import current_app
from flask_babel import gettext as _


def hasher() -> PasswordHasher:
    """The Argon2id hasher with the cost in the app's configuration."""
    cfg = current_app.config
    return PasswordHasher(time_cost=cfg["ARGON2_TIME_COST"], memory_cost=cfg["ARGON2_MEMORY_COST"],
                          parallelism=cfg["ARGON2_PARALLELISM"])


def hash_password(password: str) -> str:
    """Argon2id hash with the configured cost."""
    return hasher().hash(password)


def password_problems(password: str) -> list[str]:
    """Which policy rules a new password breaks (codes; the form words them)."""
    cfg = current_app.config
    problems = []
    if len(password) < cfg["PASSWORD_MIN_LENGTH"]:
        problems.append("length")
    classes = sum([any(c.islower() for c in password), any(c.isupper() for c in password),
                   any(c.isdigit() for c in password), any(not c.isalnum() for c in password)])
    if classes < cfg["PASSWORD_REQUIRE_CLASSES"]:
        problems.append("classes")
    return problems


def password_messages(password: str) -> list[str]:
    """The policy problems of a new password, worded for the form."""
    cfg = current_app.config
    messages = []
    for problem in password_problems(password):
        if problem == "length":
            messages.append(_("密码至少要有 %(n)d 个字符。", n=cfg["PASSWORD_MIN_LENGTH"]))
        else:
            messages.append(_("密码需要混合大写字母、小写字母、数字和符号中的 %(n)d 类。",
                              n=cfg["PASSWORD_REQUIRE_CLASSES"]))
    return messages


def password_policy(_form, field) -> None:
    """A form validator: each rule a new password breaks, as its own message next to the field."""
    if field.data:
        field.errors.extend(password_messages(field.data))

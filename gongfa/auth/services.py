"""Passwords, logins, server-side sessions and lockout."""

import base64
import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import case, delete, or_, select, update

from gongfa.audit import services as audit
from gongfa.auth.models import AuthSession, LoginThrottle
from gongfa.db import db, dialect_insert, utcnow
from gongfa.people.models import User
from gongfa.people.passwords import hash_password
from gongfa.people.passwords import hasher as _hasher

# A hash to verify against when the username is unknown, so both cases take the same time.
_DUMMY_HASH: dict[str, str] = {}


def check_password(user: User | None, password: str) -> bool:
    """Verify, in constant-ish time also for unknown users."""
    hasher = _hasher()
    stored = user.password_hash if user and user.password_hash else None
    if stored is None:
        key = f"{hasher.time_cost}-{hasher.memory_cost}"
        stored = _DUMMY_HASH.setdefault(key, hasher.hash("dummy-password"))
        user = None
    try:
        hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
    return user is not None


def password_expired(user: User) -> bool:
    """Whether the site's maximum password age (0 = none) has passed for this user."""
    days = current_app.config["PASSWORD_MAX_AGE_DAYS"]
    if not days:
        return False
    changed = user.password_changed_at or user.created_at
    return changed is None or changed + timedelta(days=days) < utcnow()


class LoginResult:
    """Outcome of a login attempt: ``user`` when it worked, else ``reason``."""

    def __init__(self, user: User | None = None, reason: str = "", locked_until: datetime | None = None):
        self.user = user
        self.reason = reason
        self.locked_until = locked_until


def authenticate(*, username: str, password: str, ip: str) -> LoginResult:
    """Check a username and password from an address, counting failures and locking when due.

    Failures are counted per username *and* address, in the database, one atomic statement each (no lost
    updates across workers): LOGIN_MAX_FAILURES wrong tries within LOGIN_LOCK_MINUTES lock that name from
    that address for LOGIN_LOCK_MINUTES. The owner at another address is not locked out, and an unknown
    name is counted and answered exactly like a real one.
    """
    now = utcnow()
    username, ip = username[:40], (ip or "")[:45]
    user = db.session.scalar(select(User).where(User.username == username))
    held = db.session.get(LoginThrottle, (username, ip))
    if held is not None and held.locked_until and held.locked_until > now:
        check_password(None, password)  # same time as a real check
        if user is not None:
            audit.record("login.locked", user, after={"username": username}, actor_id=user.id)
        return LoginResult(reason="locked", locked_until=held.locked_until)
    if not check_password(user, password) or not user.is_active:
        locked_until = _count_failure(username, ip, now)
        if user is not None:
            audit.record("login.failed", user, after={"username": username}, actor_id=user.id)
        else:
            audit.record("login.failed", object_type="users", after={"username": username})
        return LoginResult(reason="locked", locked_until=locked_until) if locked_until else \
            LoginResult(reason="invalid")
    if held is not None:
        db.session.delete(held)
    return LoginResult(user=user)


def _count_failure(username: str, ip: str, now: datetime) -> datetime | None:
    """Add one failure in a single upsert; lock when the count reaches the limit. Returns the lock's end."""
    cfg = current_app.config
    window = timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
    table = LoginThrottle.__table__
    stale = table.c.window_started_at < now - window
    insert = dialect_insert(table).values(username=username, ip=ip, failures=1, window_started_at=now)
    failures = db.session.execute(insert.on_conflict_do_update(
        index_elements=["username", "ip"],
        set_={"failures": case((stale, 1), else_=table.c.failures + 1),
              "window_started_at": case((stale, now), else_=table.c.window_started_at)},
    ).returning(table.c.failures)).scalar_one()
    if secrets.randbelow(50) == 0:  # now and then, forget old counts (unknown names included)
        db.session.execute(delete(LoginThrottle).where(
            LoginThrottle.window_started_at < now - timedelta(days=1),
            or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < now)))
    if failures < cfg["LOGIN_MAX_FAILURES"]:
        return None
    until = now + window
    db.session.execute(update(LoginThrottle).where(LoginThrottle.username == username, LoginThrottle.ip == ip)
                       .values(failures=0, locked_until=until))
    return until


def clear_login_failures(user: User) -> None:
    """Lift every lock on a username (an administrator has just set a new password)."""
    db.session.execute(delete(LoginThrottle).where(LoginThrottle.username == user.username))


def start_session(user: User, *, ip: str, user_agent: str) -> str:
    """Create a server-side session; returns the token for the cookie (only its hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(AuthSession(
        id=_token_hash(token), user_id=user.id, created_at=now, last_seen_at=now,
        expires_at=now + current_app.config["PERMANENT_SESSION_LIFETIME"], ip=ip[:45],
        user_agent=user_agent[:200]))
    audit.record("login", user, after={"username": user.username}, actor_id=user.id)
    return token


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def session_id(token: str) -> str:
    """The stored id of a cookie's session (only the token's hash is kept)."""
    return _token_hash(token)


@dataclass(frozen=True)
class SessionCheck:
    """A cookie's login session as this request finds it, and what to record about it once the request is over."""

    row: AuthSession | None  # the live session, or None (revoked, expired, idle too long, unknown)
    seen: dict = field(default_factory=dict)  # {"last_seen_at": now} or {"revoked_at": now}; {} for nothing


def live_session(token: str | None) -> SessionCheck:
    """The session for a cookie token if it is neither revoked, expired nor idle too long. Writes nothing.

    What the look found goes into ``seen``: "last seen now" at most once a minute (so idle timeout works
    without a write per page), or "ended" once idle too long. ``record_seen`` writes it after the request.
    """
    if not token:
        return SessionCheck(None)
    row = db.session.get(AuthSession, _token_hash(token))
    now = utcnow()
    if row is None or row.revoked_at is not None or row.expires_at <= now:
        return SessionCheck(None)
    idle = timedelta(minutes=current_app.config["IDLE_TIMEOUT_MINUTES"])
    if row.last_seen_at + idle <= now:
        return SessionCheck(None, {"revoked_at": now})
    if now - row.last_seen_at > timedelta(minutes=1):
        return SessionCheck(row, {"last_seen_at": now})
    return SessionCheck(row)


def record_seen(session_id: str, seen: dict) -> None:
    """Write what ``live_session`` found, in a short transaction of its own: one UPDATE, committed.

    Called once the request's own transaction is over, so it neither commits the request's work nor
    waits for the request's own locks (SQLite's write lock, a PostgreSQL row lock on this session).
    """
    table = AuthSession.__table__
    with db.engine.begin() as conn:
        conn.execute(update(table).where(table.c.id == session_id, table.c.revoked_at.is_(None)).values(**seen))


def end_session(token: str | None) -> None:
    """Revoke one session (logout)."""
    if not token:
        return
    row = db.session.get(AuthSession, _token_hash(token))
    if row is not None and row.revoked_at is None:
        row.revoked_at = utcnow()
        audit.record("logout", object_type="users", object_id=row.user_id, actor_id=row.user_id)


def end_all_sessions(user: User, *, except_token: str | None = None) -> int:
    """Revoke every live session of a user (password change, deactivation); returns how many."""
    keep = _token_hash(except_token) if except_token else ""
    result = db.session.execute(
        update(AuthSession)
        .where(AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None), AuthSession.id != keep)
        .values(revoked_at=utcnow()))
    return result.rowcount


# --- activation codes (accounts made by an import) -----------------------------------------------------------

ACTIVATION_ALPHABET = re.compile(r"[^A-Z2-7]")


def issue_activation(user: User) -> None:
    """Give an account a fresh activation code, valid ACTIVATION_DAYS; any earlier code stops working.

    The code is an HMAC of the account and a random nonce under SECRET_KEY, so nothing secret is stored and
    the bureau can print the code sheet again until it is used, and no Argon2 hash is spent per imported person.
    """
    user.activation_nonce = secrets.token_hex(16)
    user.activation_expires_at = utcnow() + timedelta(days=current_app.config["ACTIVATION_DAYS"])


def activation_code(user: User) -> str:
    """The account's current code, e.g. ``K7QM-3XPD-2RZA`` (12 letters and digits, 60 bits)."""
    message = f"activate:{user.id}:{user.username}:{user.activation_nonce}".encode()
    digest = hmac.new(current_app.config["SECRET_KEY"].encode(), message, hashlib.sha256).digest()
    letters = base64.b32encode(digest).decode()[:12]
    return f"{letters[:4]}-{letters[4:8]}-{letters[8:]}"


def activation_pending(user: User) -> bool:
    """Whether the account has a code that still works."""
    return bool(user.activation_nonce and user.activation_expires_at and user.activation_expires_at > utcnow())


def activate(*, username: str, code: str, password: str) -> User | None:
    """Set a password with an activation code; the code then stops working. None for a wrong or used code."""
    user = db.session.scalar(select(User).where(User.username == username[:40]))
    typed = ACTIVATION_ALPHABET.sub("", code.upper())
    expected = activation_code(user).replace("-", "") if user is not None and activation_pending(user) else "-"
    if not hmac.compare_digest(typed, expected) or not user.is_active:
        return None
    set_password(user, password=password, actor_id=user.id)
    user.activation_nonce = user.activation_expires_at = None
    audit.record("user.activate", object_type="users", object_id=user.id, actor_id=user.id,
                 after={"username": user.username})
    return user


def set_password(user: User, *, password: str, actor_id: int | None = None) -> None:
    """Store a new password hash and record the change (never the password)."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()
    audit.record("user.password", user, after={"username": user.username}, actor_id=actor_id)

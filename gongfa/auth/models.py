"""Server-side login sessions: the cookie holds only an id that must match a live row here.

Flask's default session is a signed cookie, so logging out would not kill a copied cookie
(flask-login #480). Every request checks this table instead.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from gongfa.db import UTCDateTime, db, utcnow


class AuthSession(db.Model):
    """One login on one browser."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # sha256 of the cookie token
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str] = mapped_column(String(45), default="")
    user_agent: Mapped[str] = mapped_column(String(200), default="")

    user: Mapped["User"] = relationship()  # noqa: F821


class LoginThrottle(db.Model):
    """Wrong passwords for one username from one address, counted in the database (DESIGN §7).

    Per account *and* address: five wrong tries lock that name from that address only, so whoever knows
    a username cannot lock its owner out of her own office. Unknown usernames are counted the same way,
    so a lock reads the same for a name that exists and one that does not.
    """

    __tablename__ = "login_throttles"

    username: Mapped[str] = mapped_column(String(40), primary_key=True)  # as typed (lower-cased)
    ip: Mapped[str] = mapped_column(String(45), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

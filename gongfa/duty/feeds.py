"""A lawyer's private calendar address: issued, renewed (the old one stops working), and resolved."""

import secrets

from sqlalchemy import select

from gongfa.audit import services as audit
from gongfa.db import db
from gongfa.people.models import User


def renew_feed_token(user: User) -> str:
    """Give the lawyer a new private feed address; the old one stops working at once."""
    user.ics_token = secrets.token_urlsafe(24)
    audit.record("user.feed_renew", user, after={"username": user.username}, actor_id=user.id)
    return user.ics_token


def feed_owner(token: str) -> User | None:
    """The active user whose feed this token opens."""
    if not token:
        return None
    return db.session.scalar(select(User).where(User.ics_token == token, User.is_active.is_(True)))

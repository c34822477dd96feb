"""一事一评: one rating per booking or mediation case, however many times it is sent at once."""

from sqlalchemy.exc import IntegrityError

from gongfa.db import db
from gongfa.errors import ServiceError
from gongfa.ratings.models import Rating


def add_once(rating: Rating, *, already: ServiceError) -> Rating:
    """Add ``rating``; when its booking or case was rated at the same moment (the unique key), undo only
    this rating, a savepoint, not the request's transaction, and refuse with ``already``."""
    try:
        with db.session.begin_nested():
            db.session.add(rating)
            db.session.flush()
    except IntegrityError:
        raise already from None
    return rating

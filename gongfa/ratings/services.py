"""一事一评: one rating per booking or mediation case, however many times it is sent at once."""

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError

from gongfa.db import db
from gongfa.errors import ServiceError
from gongfa.ratings.models import Rating


def add_once(make: Callable[[], Rating], *, already: ServiceError) -> Rating:
    """Add the rating ``make`` builds; when its booking or case was rated at the same moment (the unique key),
    undo only this rating, a savepoint, not the request's transaction, and refuse with ``already``.

    The rating is built inside the savepoint: one linked to its booking joins the session at once (the
    relationship cascades), and must not be flushed outside it."""
    try:
        with db.session.begin_nested():
            rating = make()
            db.session.add(rating)
            db.session.flush()
    except IntegrityError:
        raise already from None
    return rating

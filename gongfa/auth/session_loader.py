"""Flask-Login hooks: a user is loaded only through a live server-side session record.

Loading the user writes nothing. Flask-Login loads the user the first time a request asks for
``current_user``, which can be halfway through a view, after it changed records (an audit event asks
who acted): a commit there would make the view's half-done work permanent even if the view then fails,
and would end any savepoint the view had open. So the loader only notes what it saw (last seen, ended
for idleness); that is written after the request, once its own transaction is over, in a short
transaction of its own. Not with the view's commit: most pages are reads that never commit, and a
person reading them must not be logged out for idleness.
"""

import logging

from flask import Flask, g, session
from sqlalchemy.exc import SQLAlchemyError

from gongfa.auth import services
from gongfa.db import db
from gongfa.extensions import login_manager
from gongfa.people.models import User
from gongfa.web.security import unauthorized_response

log = logging.getLogger(__name__)


def init_app(app: Flask) -> None:
    """Register the user loader, the write of what it saw, and the unauthorised handler."""

    @login_manager.user_loader
    def _load_user(user_id: str):
        token = session.get("sid")
        check = services.live_session(token)
        if check.seen:
            g.login_seen = (services.session_id(token), check.seen)
        row = check.row
        if row is None or str(row.user_id) != user_id:
            return None
        user = db.session.get(User, row.user_id)
        return user if user is not None and user.is_active else None

    @app.teardown_request
    def _record_login_seen(_error=None) -> None:
        seen = g.pop("login_seen", None)
        if seen is None:
            return
        try:
            # The request is over: what it did not commit is dropped now (as the session's removal would do a
            # moment later), so this short transaction neither commits it nor waits for its locks.
            db.session.rollback()
            services.record_seen(*seen)
        except SQLAlchemyError:  # a missed "last seen" costs at most an earlier idle logout; never the page
            log.warning("could not record a login session as seen", exc_info=True)

    login_manager.unauthorized_handler(unauthorized_response)

"""Flask-Login hooks: a user is loaded only through a live server-side session record."""

from flask import Flask, session

from gongfa.auth import services
from gongfa.db import db
from gongfa.extensions import login_manager
from gongfa.people.models import User
from gongfa.web.security import unauthorized_response


def init_app(app: Flask) -> None:
    """Register the user loader and the unauthorised handler."""

    @login_manager.user_loader
    def _load_user(user_id: str):
        row = services.live_session(session.get("sid"))
        if row is None or str(row.user_id) != user_id:
            return None
        user = db.session.get(User, row.user_id)
        return user if user is not None and user.is_active else None

    login_manager.unauthorized_handler(unauthorized_response)

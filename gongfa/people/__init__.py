"""Staff accounts and memberships."""

from flask import Blueprint

bp = Blueprint("people", __name__, url_prefix="/people")

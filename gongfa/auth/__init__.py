"""Login, logout, password change; server-side sessions; scope checks."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/auth")

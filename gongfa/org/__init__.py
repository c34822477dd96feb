"""Administrative units, service points, law firms, assignments, staffing and imports."""

from flask import Blueprint

bp = Blueprint("org", __name__, url_prefix="/org")

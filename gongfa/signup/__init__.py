"""Resident sign-ups: bookable slots at duty sessions, waitlist, booking codes, ratings (一事一评)."""

from flask import Blueprint

bp = Blueprint("signup", __name__, url_prefix="/signup")

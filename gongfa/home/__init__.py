"""Each role's home page, the language switch, and the main menu."""

from flask import Blueprint

bp = Blueprint("home", __name__)

"""People's mediation (人民调解): the case from application to follow-up visit, and its case file."""

from flask import Blueprint

bp = Blueprint("mediation", __name__, url_prefix="/mediation")

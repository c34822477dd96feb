"""Checking a printed ledger page: what its verification code stands for (public, no account)."""

from flask import Blueprint, request

from gongfa.ledger import services
from gongfa.web.rendering import render_page

bp = Blueprint("verify", __name__, url_prefix="/verify")


@bp.route("/", methods=["GET"])
@bp.route("/<code>")
def show(code: str = ""):
    """Public: what a printed code stands for (digest, period, rows without names), to spot a doctored page."""
    code = code or request.args.get("code", "")
    printed = services.verification(code) if code else None
    return render_page("ledger/verify.html", code=code[:12], printed=printed,
                       status=404 if code and printed is None else 200)

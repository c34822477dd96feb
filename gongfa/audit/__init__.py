"""The audit trail: recorded by every service, chained by hashes, read by bureau admins and auditors."""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.record_once
def _check_retention(state) -> None:
    """Refuse to start with a retention period under six months (Cybersecurity Law art. 21)."""
    from gongfa.audit.integrity import retention_days

    retention_days(state.app.config)

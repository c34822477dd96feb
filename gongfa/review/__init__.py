"""The audit trail read by people (审计日志): search, read and export, for bureau admins and auditors.

Above the domains it reads about (units, people, scopes); the trail itself is ``gongfa.audit``.
"""

from flask import Blueprint

bp = Blueprint("audit", __name__, url_prefix="/audit")  # endpoints stay audit.events, audit.export


@bp.record_once
def _check_retention(state) -> None:
    """Refuse to start with a retention period under six months (Cybersecurity Law art. 21)."""
    from gongfa.audit.integrity import retention_days

    retention_days(state.app.config)
